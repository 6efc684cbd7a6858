#include <sched.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "drydock/core/parallel.hpp"

namespace drydock::core {
namespace {

TEST(CpuWorkers, OnePerCoreThisThreadMayRunOn) {
  cpu_set_t before;
  ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
  std::size_t first = 0;
  while (!CPU_ISSET(first, &before))
    ++first;
  std::size_t allowed = 0;
  std::thread([&] {  // a thread of its own: its mask changes, not the test runner's
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (::sched_setaffinity(0, sizeof one, &one) == 0) allowed = cpu_workers();
  }).join();
  EXPECT_EQ(allowed, 1u);  // `taskset -c N drydock ...`: no second thread to take turns on one core
  const auto cores = static_cast<std::size_t>(CPU_COUNT(&before));
  EXPECT_EQ(cpu_workers(), std::min<std::size_t>(std::max<std::size_t>(cores, 1), 8));
}

TEST(ParallelFor, EveryItemOnceOnAtMostTheWorkersGiven) {
  std::vector<std::atomic<int>> seen(1000);
  std::atomic<std::size_t> highest_worker{0};
  parallel_for(seen.size(), 3, [&](std::size_t worker, std::size_t item) {
    ++seen[item];
    std::size_t h = highest_worker.load();
    while (worker > h && !highest_worker.compare_exchange_weak(h, worker)) {
    }
  });
  for (const auto& s : seen)
    EXPECT_EQ(s.load(), 1);
  EXPECT_LT(highest_worker.load(), 3u);
}

}  // namespace
}  // namespace drydock::core
