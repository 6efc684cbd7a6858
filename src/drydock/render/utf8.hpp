#pragma once
/// UTF-8 validation shared by the renderers (internal to render/): evidence copied from hostile
/// input must never make a JSON or XML report invalid.

#include <cstddef>
#include <string>
#include <string_view>

namespace drydock::render {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid (overlong
/// forms, surrogates and code points above U+10FFFF are not).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (c == 0xED && b(i + 1) > 0x9F) return 0;
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;
  return n;
}

/// Appends `s` to `out`: valid multi-byte sequences as they are, each byte that is not valid
/// UTF-8 as `replacement`, and each ASCII byte through `ascii(out, byte)`, which escapes it.
template <class Ascii>
void append_escaped(std::string& out, std::string_view s, std::string_view replacement, Ascii&& ascii) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ascii(out, c);
      ++i;
    } else if (const std::size_t n = utf8_sequence(s, i); n == 0) {
      out += replacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace drydock::render
