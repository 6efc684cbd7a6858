#pragma once
/// An immutable string whose copies share one buffer: copying it costs a reference count, not an
/// allocation. For the strings a report repeats in every result of a subject (a Dockerfile's
/// path is the id and the name of ~30 results); reads like a `const std::string&`.

#include <compare>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "drydock/core/shared.hpp"

namespace drydock::core {

class SharedString {
 public:
  SharedString() = default;
  SharedString(std::string s) : m_text(s.empty() ? Shared<std::string>() : Shared<std::string>::make(std::move(s))) {}  // NOLINT
  SharedString(std::string_view s) : SharedString(std::string(s)) {}                                                // NOLINT
  SharedString(const char* s) : SharedString(std::string(s)) {}                                                     // NOLINT

  [[nodiscard]] const std::string& str() const { return m_text ? *m_text : empty_string(); }
  operator const std::string&() const { return str(); }  // NOLINT
  operator std::string_view() const { return str(); }    // NOLINT

  [[nodiscard]] bool empty() const { return !m_text || m_text->empty(); }
  [[nodiscard]] std::size_t size() const { return str().size(); }
  [[nodiscard]] const char* data() const { return str().data(); }
  [[nodiscard]] const char* c_str() const { return str().c_str(); }
  [[nodiscard]] auto begin() const { return str().begin(); }
  [[nodiscard]] auto end() const { return str().end(); }
  [[nodiscard]] char operator[](std::size_t i) const { return str()[i]; }
  [[nodiscard]] std::string substr(std::size_t pos, std::size_t n = std::string::npos) const { return str().substr(pos, n); }
  [[nodiscard]] std::size_t find(std::string_view s, std::size_t pos = 0) const { return str().find(s, pos); }
  [[nodiscard]] std::size_t find(char c, std::size_t pos = 0) const { return str().find(c, pos); }
  [[nodiscard]] bool starts_with(std::string_view s) const { return str().starts_with(s); }
  [[nodiscard]] bool ends_with(std::string_view s) const { return str().ends_with(s); }

  friend bool operator==(const SharedString& a, const SharedString& b) { return a.m_text.same(b.m_text) || a.str() == b.str(); }
  friend bool operator==(const SharedString& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const SharedString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedString& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const SharedString& a, const SharedString& b) { return a.str() <=> b.str(); }
  friend std::strong_ordering operator<=>(const SharedString& a, std::string_view b) { return std::string_view(a.str()) <=> b; }
  friend std::strong_ordering operator<=>(const SharedString& a, const std::string& b) { return a.str() <=> b; }
  friend std::strong_ordering operator<=>(const SharedString& a, const char* b) { return a.str() <=> b; }

  friend std::string operator+(const SharedString& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(const SharedString& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const SharedString& a, const char* b) { return a.str() + b; }
  friend std::string operator+(std::string_view a, const SharedString& b) { return std::string(a) + b.str(); }
  friend std::string operator+(const std::string& a, const SharedString& b) { return a + b.str(); }
  friend std::string operator+(std::string&& a, const SharedString& b) { return std::move(a) + b.str(); }
  friend std::string operator+(const char* a, const SharedString& b) { return a + b.str(); }

  friend std::ostream& operator<<(std::ostream& o, const SharedString& s) { return o << s.str(); }

  /// nlohmann::json, found by ADL (this header does not include it).
  template <class Json>
  friend void to_json(Json& j, const SharedString& s) {
    j = s.str();
  }
  template <class Json>
  friend void from_json(const Json& j, SharedString& s) {
    s = SharedString(j.template get<std::string>());
  }

 private:
  static const std::string& empty_string() {
    static const std::string empty;
    return empty;
  }
  Shared<std::string> m_text;  ///< empty for the empty string
};

}  // namespace drydock::core

template <>
struct fmt::formatter<drydock::core::SharedString> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const drydock::core::SharedString& s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.str()), ctx);
  }
};

template <>
struct std::hash<drydock::core::SharedString> {
  std::size_t operator()(const drydock::core::SharedString& s) const noexcept { return std::hash<std::string>{}(s.str()); }
};
