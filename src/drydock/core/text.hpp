#pragma once
/// An immutable string for what a report repeats by the hundred thousand: a result's evidence.
/// A string literal is held as a view (nothing allocated, nothing freed, nothing counted: most
/// results say a fixed "no RUN uses sudo"); any other text is copied once into a heap block that
/// its copies share by a count. 16 bytes (a std::string is 32); reads like a `std::string_view`.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace drydock::core {

class Text {
 public:
  Text() = default;
  /// A string literal, kept as a view of the program's own bytes. `consteval`: an argument that
  /// is not a constant (a local buffer) does not compile, so the view can never dangle.
  template <std::size_t N>
  consteval Text(const char (&literal)[N])  // NOLINT: implicit, as a literal converts to a string
      : m_data(literal), m_size(static_cast<std::uint32_t>(N - 1)) {}
  /// A copy of `text` in a block of its own ("" allocates nothing).
  Text(std::string_view text) { adopt(text); }           // NOLINT: implicit, as std::string's
  Text(const std::string& text) { adopt(text); }         // NOLINT
  Text(const Text& o) noexcept : m_data(o.m_data), m_size(o.m_size), m_owned(o.m_owned) {
    if (m_owned) block()->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Text(Text&& o) noexcept
      : m_data(std::exchange(o.m_data, "")), m_size(std::exchange(o.m_size, 0)), m_owned(std::exchange(o.m_owned, 0)) {}
  Text& operator=(const Text& o) noexcept {  // NOLINT(bugprone-unhandled-self-assignment): copy and swap
    Text copy(o);
    swap(copy);
    return *this;
  }
  Text& operator=(Text&& o) noexcept {
    Text moved(std::move(o));
    swap(moved);
    return *this;
  }
  ~Text() { release(); }

  [[nodiscard]] std::string_view view() const { return {m_data, m_size}; }
  operator std::string_view() const { return view(); }  // NOLINT: reads like a string
  [[nodiscard]] std::string str() const { return std::string(view()); }
  /// A copy, where a `const std::string&` is asked for (gmock's string matchers, a struct's field).
  operator std::string() const { return str(); }  // NOLINT: reads like a string
  [[nodiscard]] const char* data() const { return m_data; }
  /// NUL-terminated: literals are, and a block ends with one.
  [[nodiscard]] const char* c_str() const { return m_data; }
  [[nodiscard]] std::size_t size() const { return m_size; }
  [[nodiscard]] bool empty() const { return m_size == 0; }
  [[nodiscard]] auto begin() const { return view().begin(); }
  [[nodiscard]] auto end() const { return view().end(); }
  [[nodiscard]] std::size_t find(std::string_view s, std::size_t pos = 0) const { return view().find(s, pos); }
  [[nodiscard]] bool starts_with(std::string_view s) const { return view().starts_with(s); }
  [[nodiscard]] bool ends_with(std::string_view s) const { return view().ends_with(s); }
  /// True when the bytes are the program's (a literal), not a block: for tests.
  [[nodiscard]] bool literal() const { return m_owned == 0 && m_size != 0; }

  /// Appends by making a new block (the old one stays with its other copies): for the few
  /// texts a later step adds to (an expired acceptance, a signature note).
  Text& operator+=(std::string_view more) {
    std::string joined;
    joined.reserve(m_size + more.size());
    joined.append(view()).append(more);
    *this = Text(std::string_view(joined));
    return *this;
  }

  friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
  friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view() == b; }
  friend auto operator<=>(const Text& a, const Text& b) { return a.view() <=> b.view(); }

  friend std::string operator+(const Text& a, std::string_view b) { return a.str().append(b); }
  friend std::string operator+(const Text& a, const char* b) { return a.str().append(b); }
  friend std::string operator+(const Text& a, const std::string& b) { return a.str().append(b); }
  friend std::string operator+(std::string_view a, const Text& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(const char* a, const Text& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(const std::string& a, const Text& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(std::string&& a, const Text& b) { return std::move(a.append(b.view())); }

  friend std::ostream& operator<<(std::ostream& o, const Text& t) { return o << t.view(); }

  /// nlohmann::json, found by ADL (this header does not include it).
  template <class Json>
  friend void to_json(Json& j, const Text& t) {
    j = t.str();
  }
  template <class Json>
  friend void from_json(const Json& j, Text& t) {
    t = Text(std::string_view(j.template get_ref<const std::string&>()));
  }

  void swap(Text& o) noexcept {
    std::swap(m_data, o.m_data);
    std::swap(m_size, o.m_size);
    std::swap(m_owned, o.m_owned);
  }

 private:
  struct Block {
    std::atomic<std::uint32_t> refs{1};
    std::uint32_t size = 0;
    // the bytes follow, then a NUL
  };
  static constexpr std::size_t k_header = sizeof(Block);

  [[nodiscard]] Block* block() const {
    return reinterpret_cast<Block*>(const_cast<char*>(m_data) - k_header);  // NOLINT: the block's bytes
  }
  void adopt(std::string_view text);
  void release() noexcept;

  const char* m_data = "";
  std::uint32_t m_size = 0;
  std::uint32_t m_owned = 0;  ///< 1 when m_data is a block's
};

}  // namespace drydock::core

template <>
struct fmt::formatter<drydock::core::Text> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const drydock::core::Text& t, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(t.view(), ctx);
  }
};
