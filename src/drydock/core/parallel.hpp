#pragma once
/// A bounded fan-out: run work items on a fixed number of worker threads.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace drydock::core {

/// Workers for CPU-bound work: one per core this process may run on (its affinity mask: `taskset`,
/// a container's cpuset), at least 1 and at most 8.
std::size_t cpu_workers();

/// Calls fn(worker, item) for every item in [0, items) on at most `workers` threads
/// (worker is in [0, workers) so a worker can own a resource, such as a connection).
/// Returns when all items are done. Exceptions must not escape fn.
void parallel_for(std::size_t items, std::size_t workers, const std::function<void(std::size_t worker, std::size_t item)>& fn);

/// parallel_for for a series of runs on the same threads: they are started once and wait between
/// runs (render::json renders a large report a wave at a time: ~85 waves for 11,200 Dockerfiles,
/// each of which started and joined its threads).
class Workers {
 public:
  /// `workers` - 1 threads (this thread is the first worker); fewer if the system gives no more.
  explicit Workers(std::size_t workers);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  /// As parallel_for: fn(worker, item) for every item in [0, items), worker in [0, workers);
  /// returns when all items are done. Exceptions must not escape fn.
  void run(std::size_t items, const std::function<void(std::size_t worker, std::size_t item)>& fn);

 private:
  void serve(std::size_t worker);
  /// Takes items until none is left.
  void take(std::size_t worker);

  std::mutex m_mutex;
  std::condition_variable m_wake;  ///< a run started, or the end
  std::condition_variable m_idle;  ///< a thread finished its part of a run
  std::uint64_t m_run = 0;         ///< runs started
  std::size_t m_working = 0;       ///< threads still in the current run
  bool m_stop = false;
  std::size_t m_items = 0;
  const std::function<void(std::size_t, std::size_t)>* m_fn = nullptr;
  std::atomic<std::size_t> m_next{0};
  std::vector<std::jthread> m_threads;  ///< last: joined first, while the rest still exists
};

}  // namespace drydock::core
