#pragma once
/// A quick reader of the JSON the Engine API answers (issue 21): the events of nlohmann's SAX
/// interface (null, boolean, number_integer, number_unsigned, string, start_object, key,
/// end_object, start_array, end_array), delivered to the same handler, from text read a run of
/// plain characters at a time instead of nlohmann's character by character (its lexer was most
/// of the time of reading a container inspect, thousands of them on a large host).
///
/// It reads only what it is sure of, and reads it exactly as nlohmann's parser does: JSON text
/// of objects, arrays, strings (simple escapes, \uXXXX outside the surrogates, well-formed
/// UTF-8), integers that fit 64 bits, true, false and null. On anything else (an error of any
/// kind, a fraction or an exponent, an integer out of range, a surrogate escape, a handler that
/// returns false) it stops and returns false, having delivered some events: the caller then reads
/// the text again from the start, with a fresh handler, through nlohmann::json::sax_parse, which
/// gives the same events or the error message, its limits and its error paths unchanged.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace drydock::parse::quick_json {

/// True for the bytes a JSON string holds as they are and that need no check: printable ASCII
/// but '"' and '\\'.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/// The end of the run of plain bytes from `p` (16 at a time with SSE2).
inline const char* plain_run(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));  // NOLINT: unaligned load
    // As signed bytes, "less than 0x20" is a control character or a byte of 0x80 or more.
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
#endif
  while (p < end && plain(static_cast<unsigned char>(*p)))
    ++p;
  return p;
}

/// The length of the well-formed UTF-8 sequence (RFC 3629, as nlohmann's lexer accepts) at `p`,
/// whose first byte is 0x80 or more; 0 when it is not one.
inline std::size_t utf8_length(const char* p, const char* end) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  const auto cont = [&](std::size_t i, unsigned char lo, unsigned char hi) {
    return p + i < end && at(i) >= lo && at(i) <= hi;
  };
  const unsigned char c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

/// The reader's state over one text; see read().
class Reader {
 public:
  explicit Reader(std::string_view text) : m_p(text.data()), m_end(text.data() + text.size()) {}

  /// Delivers the events of the whole text to `handler` (nlohmann's SAX interface); false when
  /// it stopped before the end (see the file's comment).
  template <class Handler>
  bool read(Handler& handler) {
    // The open containers, innermost last: true for an object.
    std::vector<bool> open;
    for (;;) {
      // A value.
      space();
      if (m_p == m_end) return false;
      switch (*m_p) {
        case '{':
          ++m_p;
          if (!handler.start_object(static_cast<std::size_t>(-1))) return false;
          space();
          if (m_p != m_end && *m_p == '}') {
            ++m_p;
            if (!handler.end_object()) return false;
            break;
          }
          if (!member_key(handler)) return false;
          open.push_back(true);
          continue;
        case '[':
          ++m_p;
          if (!handler.start_array(static_cast<std::size_t>(-1))) return false;
          space();
          if (m_p != m_end && *m_p == ']') {
            ++m_p;
            if (!handler.end_array()) return false;
            break;
          }
          open.push_back(false);
          continue;
        case '"':
          if (!string() || !handler.string(m_string)) return false;
          break;
        case 't':
          if (!literal("true") || !handler.boolean(true)) return false;
          break;
        case 'f':
          if (!literal("false") || !handler.boolean(false)) return false;
          break;
        case 'n':
          if (!literal("null") || !handler.null()) return false;
          break;
        default:
          if (!number(handler)) return false;
          break;
      }
      // After a value: the next one, or the ends of the containers it closes.
      for (;;) {
        space();
        if (open.empty()) return m_p == m_end;
        if (m_p == m_end) return false;
        const char c = *m_p++;
        if (c == ',') {
          if (open.back() && !member_key(handler)) return false;
          break;
        }
        if (c == (open.back() ? '}' : ']')) {
          if (!(open.back() ? handler.end_object() : handler.end_array())) return false;
          open.pop_back();
          continue;
        }
        return false;
      }
    }
  }

 private:
  void space() {
    while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
      ++m_p;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(m_end - m_p) < word.size() || std::memcmp(m_p, word.data(), word.size()) != 0) return false;
    m_p += word.size();
    return true;
  }

  /// `"key":` of an object's member, its key handed to the handler.
  template <class Handler>
  bool member_key(Handler& handler) {
    space();
    if (m_p == m_end || *m_p != '"' || !string() || !handler.key(m_string)) return false;
    space();
    if (m_p == m_end || *m_p != ':') return false;
    ++m_p;
    return true;
  }

  /// A string at its opening quote, unescaped into m_string.
  bool string() {
    ++m_p;
    m_string.clear();
    for (;;) {
      const char* run = plain_run(m_p, m_end);
      m_string.append(m_p, run);
      m_p = run;
      if (m_p == m_end) return false;
      const auto c = static_cast<unsigned char>(*m_p);
      if (c == '"') {
        ++m_p;
        return true;
      }
      if (c >= 0x80) {
        const std::size_t n = utf8_length(m_p, m_end);
        if (n == 0) return false;
        m_string.append(m_p, n);
        m_p += n;
        continue;
      }
      if (c != '\\' || m_end - m_p < 2) return false;  // a control character, or the text ends
      const char e = m_p[1];
      m_p += 2;
      switch (e) {
        case '"': m_string += '"'; break;
        case '\\': m_string += '\\'; break;
        case '/': m_string += '/'; break;
        case 'b': m_string += '\b'; break;
        case 'f': m_string += '\f'; break;
        case 'n': m_string += '\n'; break;
        case 'r': m_string += '\r'; break;
        case 't': m_string += '\t'; break;
        case 'u': {
          if (m_end - m_p < 4) return false;
          unsigned code = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = *m_p++;
            code <<= 4U;
            if (h >= '0' && h <= '9') {
              code |= static_cast<unsigned>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
              code |= static_cast<unsigned>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
              code |= static_cast<unsigned>(h - 'A' + 10);
            } else {
              return false;
            }
          }
          if (code >= 0xD800 && code <= 0xDFFF) return false;  // surrogates: nlohmann's to pair or refuse
          if (code < 0x80) {
            m_string += static_cast<char>(code);
          } else if (code < 0x800) {
            m_string += static_cast<char>(0xC0U | (code >> 6U));
            m_string += static_cast<char>(0x80U | (code & 0x3FU));
          } else {
            m_string += static_cast<char>(0xE0U | (code >> 12U));
            m_string += static_cast<char>(0x80U | ((code >> 6U) & 0x3FU));
            m_string += static_cast<char>(0x80U | (code & 0x3FU));
          }
          break;
        }
        default: return false;
      }
    }
  }

  /// An integer (-?(0|[1-9][0-9]*)) that fits: number_integer when negative, else
  /// number_unsigned, as nlohmann. A fraction, an exponent or more than 64 bits: false.
  template <class Handler>
  bool number(Handler& handler) {
    const bool negative = *m_p == '-';
    const char* digits = m_p + (negative ? 1 : 0);
    const char* p = digits;
    if (p == m_end || *p < '0' || *p > '9') return false;
    if (*p == '0') {
      ++p;
    } else {
      while (p != m_end && *p >= '0' && *p <= '9')
        ++p;
    }
    if (p != m_end && (*p == '.' || *p == 'e' || *p == 'E')) return false;
    // At most 19 digits: every such magnitude fits 64 bits unsigned, and its negation fits
    // signed when below 2^63 (checked below); longer ones are left to nlohmann.
    const auto n = static_cast<std::size_t>(p - digits);
    if (n > 19) return false;
    std::uint64_t value = 0;
    for (const char* d = digits; d != p; ++d)
      value = value * 10 + static_cast<std::uint64_t>(*d - '0');
    m_p = p;
    if (!negative) return handler.number_unsigned(value);
    constexpr std::uint64_t k_most_negative = std::uint64_t{1} << 63U;
    if (value > k_most_negative) return false;
    return handler.number_integer(value == k_most_negative ? static_cast<std::int64_t>(-9223372036854775807LL - 1)
                                                           : -static_cast<std::int64_t>(value));
  }

  const char* m_p;
  const char* m_end;
  std::string m_string;  ///< the current string or key; the handler may move it away
};

/// Reads `text` with `handler`; false when the caller must read it with nlohmann (see above).
template <class Handler>
bool read(std::string_view text, Handler& handler) {
  Reader reader(text);
  return reader.read(handler);
}

}  // namespace drydock::parse::quick_json
