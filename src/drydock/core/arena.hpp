#pragma once
/// TextArena: bytes that never move, for the text a parsed tree views (a Dockerfile's own bytes,
/// its joined continuation lines, unquoted and expanded words). Allocation moves a pointer; a
/// block that does not fit opens a new chunk, earlier chunks stay where they are; everything is
/// freed at once with the arena.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace drydock::core {

class TextArena {
 public:
  /// `first_chunk`: bytes of the first chunk (later chunks double, up to 1 MiB, or fit the block).
  explicit TextArena(std::size_t first_chunk = 1024) : m_next_size(first_chunk < 64 ? 64 : first_chunk) {}
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  TextArena(TextArena&&) = delete;
  TextArena& operator=(TextArena&&) = delete;
  ~TextArena() = default;

  /// `n` bytes (n > 0) that stay where they are as long as the arena lives.
  char* allocate(std::size_t n) {
    if (n > m_left) open(n);
    char* p = m_next;
    m_next += n;
    m_left -= n;
    return p;
  }

  /// A copy of `s` kept by the arena ("" needs no copy: an empty view).
  std::string_view keep(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  /// The bytes of every chunk opened so far (for tests and measures).
  [[nodiscard]] std::size_t capacity() const { return m_capacity; }

 private:
  void open(std::size_t n) {
    std::size_t size = m_next_size;
    if (size < n) size = n;
    m_chunks.push_back(std::make_unique_for_overwrite<char[]>(size));
    m_next = m_chunks.back().get();
    m_left = size;
    m_capacity += size;
    if (m_next_size < (std::size_t{1} << 20)) m_next_size *= 2;
  }

  std::vector<std::unique_ptr<char[]>> m_chunks;
  char* m_next = nullptr;
  std::size_t m_left = 0;
  std::size_t m_next_size;
  std::size_t m_capacity = 0;
};

}  // namespace drydock::core
