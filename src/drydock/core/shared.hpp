#pragma once
/// An immutable value whose copies share one heap block, held by one pointer: a copy costs a
/// reference count. Half the size of a std::shared_ptr (no control-block pointer): a report
/// holds a few of these in each of its hundreds of thousands of results.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace drydock::core {

template <class T>
class Shared {
 public:
  Shared() = default;
  /// A block holding `value` (nothing is allocated for the default, empty Shared).
  static Shared make(T value) {
    Shared s;
    s.m_block = new Block{std::move(value)};  // NOLINT(cppcoreguidelines-owning-memory): freed by the last copy
    return s;
  }
  Shared(const Shared& o) noexcept : m_block(o.m_block) {
    if (m_block != nullptr) m_block->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Shared(Shared&& o) noexcept : m_block(std::exchange(o.m_block, nullptr)) {}
  Shared& operator=(const Shared& o) noexcept {  // NOLINT(bugprone-unhandled-self-assignment): copy and swap
    Shared copy(o);
    std::swap(m_block, copy.m_block);
    return *this;
  }
  Shared& operator=(Shared&& o) noexcept {
    Shared moved(std::move(o));
    std::swap(m_block, moved.m_block);
    return *this;
  }
  ~Shared() {
    // The last owner frees the block; acquire-release so that no other thread's use of it is
    // still pending (as std::shared_ptr).
    if (m_block != nullptr && m_block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete m_block;  // NOLINT
  }

  [[nodiscard]] const T* get() const { return m_block != nullptr ? &m_block->value : nullptr; }
  explicit operator bool() const { return m_block != nullptr; }
  const T& operator*() const { return m_block->value; }
  const T* operator->() const { return &m_block->value; }
  /// True when both are copies of one block (or both empty).
  [[nodiscard]] bool same(const Shared& o) const { return m_block == o.m_block; }

  /// Assigns a copy of this one to each of slot(0) ... slot(n - 1) (each a `Shared&`), counted
  /// at once: one locked instruction for the ~30 results about one file, not one each (a locked
  /// instruction waits for every store before it, and a report's stores go to memory out of cache).
  template <class Slot>
  void copy_to(std::size_t n, Slot&& slot) const {
    if (m_block != nullptr && n != 0) m_block->refs.fetch_add(static_cast<std::uint32_t>(n), std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
      Shared& to = slot(i);
      Shared old(std::move(to));  // released after, whatever it held
      to.m_block = m_block;
    }
  }

 private:
  struct Block {
    explicit Block(T v) : value(std::move(v)) {}
    const T value;
    std::atomic<std::uint32_t> refs{1};
  };
  Block* m_block = nullptr;
};

}  // namespace drydock::core
