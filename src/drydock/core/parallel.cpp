#include "drydock/core/parallel.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace drydock::core {

std::size_t cpu_workers() {
  // hardware_concurrency counts the machine's cores, also those this process may not use: a
  // second thread on one allowed core only takes turns with the first.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const auto cores = ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? static_cast<std::size_t>(CPU_COUNT(&allowed))
                                                                          : std::size_t{std::thread::hardware_concurrency()};
  return std::clamp<std::size_t>(cores, 1, 8);
}

void parallel_for(std::size_t items, std::size_t workers, const std::function<void(std::size_t, std::size_t)>& fn) {
  workers = std::max<std::size_t>(1, std::min(workers, items));
  if (items == 0) return;
  std::atomic<std::size_t> next{0};
  auto loop = [&](std::size_t worker) {
    for (std::size_t i = next++; i < items; i = next++)
      fn(worker, i);
  };
  std::vector<std::jthread> threads;
  threads.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(loop, w);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running (and this one) take every item
    }
  }
  loop(0);
}

}  // namespace drydock::core
