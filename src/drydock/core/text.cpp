#include "drydock/core/text.hpp"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace drydock::core {

void Text::adopt(std::string_view text) {
  if (text.empty()) return;  // the default: a view of "", nothing to free
  if (text.size() > std::numeric_limits<std::uint32_t>::max() - k_header - 1) {
    throw std::length_error("a text of " + std::to_string(text.size()) + " bytes is over the 4 GiB a result's text may hold");
  }
  void* memory = std::malloc(k_header + text.size() + 1);  // NOLINT(cppcoreguidelines-no-malloc): freed in release
  if (memory == nullptr) throw std::bad_alloc();
  auto* b = new (memory) Block{};
  b->size = static_cast<std::uint32_t>(text.size());
  char* bytes = static_cast<char*>(memory) + k_header;
  std::memcpy(bytes, text.data(), text.size());
  bytes[text.size()] = '\0';
  m_data = bytes;
  m_size = b->size;
  m_owned = 1;
}

void Text::release() noexcept {
  if (m_owned == 0) return;
  Block* b = block();
  // The last copy frees the block; acquire-release as std::shared_ptr, so that no other thread's
  // read of the bytes is still pending.
  if (b->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    b->~Block();
    std::free(b);  // NOLINT(cppcoreguidelines-no-malloc)
  }
  m_data = "";
  m_size = 0;
  m_owned = 0;
}

}  // namespace drydock::core
