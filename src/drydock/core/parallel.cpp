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
  Workers(std::min(workers, items)).run(items, fn);
}

Workers::Workers(std::size_t workers) {
  for (std::size_t w = 1; w < workers; ++w) {
    try {
      m_threads.emplace_back([this, w] { serve(w); });
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running (and this one) take every item
    }
  }
}

Workers::~Workers() {
  {
    const std::lock_guard lock(m_mutex);  // every notification under the lock, as thread checkers expect
    m_stop = true;
    m_wake.notify_all();
  }
  m_threads.clear();  // joined
}

void Workers::take(std::size_t worker) {
  for (std::size_t i = m_next++; i < m_items; i = m_next++)
    (*m_fn)(worker, i);
}

void Workers::serve(std::size_t worker) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || m_run != seen; });
      if (m_stop) return;
      seen = m_run;
    }
    take(worker);
    const std::lock_guard lock(m_mutex);
    --m_working;
    m_idle.notify_one();
  }
}

void Workers::run(std::size_t items, const std::function<void(std::size_t, std::size_t)>& fn) {
  if (items == 0) return;
  if (m_threads.empty() || items == 1) {
    for (std::size_t i = 0; i < items; ++i)
      fn(0, i);
    return;
  }
  {
    const std::lock_guard lock(m_mutex);
    m_items = items;
    m_fn = &fn;
    m_next = 0;
    m_working = m_threads.size();
    ++m_run;
    m_wake.notify_all();
  }
  take(0);
  // Every thread out of its part before the next run changes what it reads.
  std::unique_lock lock(m_mutex);
  m_idle.wait(lock, [&] { return m_working == 0; });
}

}  // namespace drydock::core
