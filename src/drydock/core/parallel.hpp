#pragma once
/// A bounded fan-out: run work items on a fixed number of worker threads.

#include <cstddef>
#include <functional>

namespace drydock::core {

/// Workers for CPU-bound work: one per core this process may run on (its affinity mask: `taskset`,
/// a container's cpuset), at least 1 and at most 8.
std::size_t cpu_workers();

/// Calls fn(worker, item) for every item in [0, items) on at most `workers` threads
/// (worker is in [0, workers) so a worker can own a resource, such as a connection).
/// Returns when all items are done. Exceptions must not escape fn.
void parallel_for(std::size_t items, std::size_t workers, const std::function<void(std::size_t worker, std::size_t item)>& fn);

}  // namespace drydock::core
