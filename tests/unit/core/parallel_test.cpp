#include <sched.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
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

TEST(Workers, EveryItemOnceInEveryRunOnTheSameThreads) {
  for (const std::size_t workers : {1u, 2u, 5u}) {
    Workers team(workers);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    for (const std::size_t items : {0u, 1u, 3u, 7u, 1000u, 2u, 64u}) {
      for (int round = 0; round < 20; ++round) {
        std::vector<std::atomic<int>> seen(items);
        std::atomic<std::size_t> highest_worker{0};
        team.run(items, [&](std::size_t worker, std::size_t item) {
          ++seen[item];
          std::size_t h = highest_worker.load();
          while (worker > h && !highest_worker.compare_exchange_weak(h, worker)) {
          }
          const std::lock_guard lock(mutex);
          threads.insert(std::this_thread::get_id());
        });
        for (const auto& s : seen)
          ASSERT_EQ(s.load(), 1) << workers << " workers, " << items << " items";
        EXPECT_LT(highest_worker.load(), workers);
      }
    }
    // Never more threads than workers over all the runs: started once, not per run.
    EXPECT_LE(threads.size(), workers);
    if (workers == 1) {
      EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
    }
  }
}

TEST(Workers, ARunSeesWhatTheLastOneWrote) {
  // Each run reads what the run before wrote everywhere: a run returns only when every thread is done.
  Workers team(4);
  std::vector<long> values(256, 1);
  for (int round = 0; round < 200; ++round) {
    std::vector<long> next(values.size());
    team.run(values.size(), [&](std::size_t, std::size_t i) { next[i] = values[i] + values[(i + 1) % values.size()]; });
    values.swap(next);
    for (auto& v : values)
      v %= 1000003;
  }
  std::vector<long> expected(256, 1);
  for (int round = 0; round < 200; ++round) {
    std::vector<long> next(expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      next[i] = (expected[i] + expected[(i + 1) % expected.size()]) % 1000003;
    expected.swap(next);
  }
  EXPECT_EQ(values, expected);
}

}  // namespace
}  // namespace drydock::core
