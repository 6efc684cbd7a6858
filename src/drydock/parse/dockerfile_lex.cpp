#include "drydock/parse/dockerfile_lex.hpp"

#include <cstdint>
#include <cstring>

namespace drydock::parse::dockerfile_detail {
namespace {

constexpr int k_eof = -1;
/// ${a:-${b:-${c...}}} deeper than this is hostile input.
constexpr int k_max_nesting = 64;

/// BuildKit's wordsStruct: splits on whitespace that came from the source or from a variable.
/// The words are written over the strings already in `words` (a caller's list reused from call
/// to call keeps their room), which `finish` then cuts to the words made.
struct Words {
  Words(std::string& buffer, std::vector<std::string>& into) : buf(buffer), words(into) { buf.clear(); }
  std::string& buf;
  std::vector<std::string>& words;
  std::size_t count = 0;
  bool in_word = false;

  void push() {
    if (count < words.size()) {
      words[count].assign(buf);
    } else {
      words.push_back(buf);
    }
    ++count;
    buf.clear();
  }
  void add_char(char c) {
    if (is_space(c) && in_word) {
      if (!buf.empty()) {
        push();
        in_word = false;
      }
    } else if (!is_space(c)) {
      add_raw_char(c);
    }
  }
  void add_raw_char(char c) {
    buf.push_back(c);
    in_word = true;
  }
  void add_string(std::string_view s) {
    for (char c : s)
      add_char(c);
  }
  void add_raw_string(std::string_view s) {
    buf.append(s);
    in_word = true;
  }
  void finish() {
    if (!buf.empty()) {
      push();
      in_word = false;
    }
    words.resize(count);
  }
};

/// BuildKit's shellWord, byte by byte (the input is valid UTF-8, and no multi-byte sequence
/// contains a byte the lexer treats specially).
class Lexer {
 public:
  Lexer(std::string_view src, const Env* env, const LexOptions& options, std::size_t budget)
      : m_src(src), m_env(env), m_opt(options), m_raw_escapes(options.raw_escapes), m_budget(budget) {}

  bool run(std::string& out, Words* words) {
    if (!stop_on(k_eof, m_raw_escapes, out, words)) return false;
    if (words != nullptr) words->finish();
    return true;
  }
  [[nodiscard]] const std::string& error() const { return m_error; }

 private:
  int peek() const { return m_pos < m_src.size() ? static_cast<unsigned char>(m_src[m_pos]) : k_eof; }
  int next() { return m_pos < m_src.size() ? static_cast<unsigned char>(m_src[m_pos++]) : k_eof; }
  bool fail(std::string message) {
    if (m_error.empty()) m_error = std::move(message);
    return false;
  }
  bool charge(std::size_t n) {
    if (n > m_budget) return fail("expansion too large");
    m_budget -= n;
    return true;
  }

  bool stop_on(int stop, bool raw_escapes, std::string& result, Words* words) {
    if (++m_depth > k_max_nesting) return fail("substitution nested too deeply");
    const bool saved = m_raw_escapes;
    m_raw_escapes = raw_escapes;
    const bool ok = stop_on_body(stop, result, words);
    m_raw_escapes = saved;
    --m_depth;
    return ok;
  }

  /// stop_on without word splitting; when the text ends before `stop`, the error is `missing`.
  bool read_to(int stop, bool raw_escapes, std::string& result, const char* missing) {
    if (stop_on(stop, raw_escapes, result, nullptr)) return true;
    if (peek() != k_eof) return false;
    m_error.clear();
    return fail(missing);
  }

  bool stop_on_body(int stop, std::string& result, Words* words) {
    const auto esc = static_cast<unsigned char>(m_opt.escape);
    while (peek() != k_eof) {
      const int ch = peek();
      if (stop != k_eof && ch == stop) {
        next();
        return true;
      }
      if (ch == '$' || ch == '<' || ch == '\'' || ch == '"') {
        if (words == nullptr) {
          // Written straight into the result (every construct appends), charged for what it added.
          const std::size_t before = result.size();
          if (!construct(ch, result) || !charge(result.size() - before)) return false;
          continue;
        }
        // Only the outermost level splits words (nested levels read with words == nullptr): one
        // buffer serves it.
        std::string& tmp = m_tmp;
        tmp.clear();
        if (!construct(ch, tmp) || !charge(tmp.size())) return false;
        result += tmp;
        if (ch == '$') {
          words->add_string(tmp);
        } else {
          words->add_raw_string(tmp);
        }
        continue;
      }
      if (words == nullptr && ch != esc) {
        // A run of ordinary bytes, appended at once.
        std::size_t end = m_pos + 1;
        while (end < m_src.size() && !special(static_cast<unsigned char>(m_src[end]), stop, esc))
          ++end;
        if (!charge(end - m_pos)) {
          m_pos += m_budget + 1;  // where a byte-by-byte read stops: past the byte over budget
          return false;
        }
        result.append(m_src.substr(m_pos, end - m_pos));
        m_pos = end;
        continue;
      }
      int c = next();
      if (c == esc) {
        if (m_raw_escapes) {
          if (words != nullptr) words->add_raw_char(static_cast<char>(c));
          result.push_back(static_cast<char>(c));
        }
        c = next();
        if (c == k_eof) break;
        if (words != nullptr) words->add_raw_char(static_cast<char>(c));
      } else if (words != nullptr) {
        words->add_char(static_cast<char>(c));
      }
      if (!charge(1)) return false;
      result.push_back(static_cast<char>(c));
    }
    if (stop != k_eof) {
      return fail(std::string("unexpected end of statement while looking for matching ") + static_cast<char>(stop));
    }
    return true;
  }

  /// A byte stop_on_body handles on its own: the end it looks for, a quote, `$`, `<`, the escape.
  static bool special(int c, int stop, int esc) { return c == stop || c == '$' || c == '<' || c == '\'' || c == '"' || c == esc; }

  // The constructs below append what they read to `out`.

  /// The construct `ch` opens: `$`, `<`, a single or a double quote.
  bool construct(int ch, std::string& out) {
    if (ch == '$') return dollar(out);
    if (ch == '<') return possible_heredoc(out);
    if (ch == '\'') return single_quote(out);
    return double_quote(out);
  }

  bool single_quote(std::string& out) {
    const int open = next();
    if (m_opt.raw_quotes) out.push_back(static_cast<char>(open));
    for (;;) {
      const int c = next();
      if (c == k_eof) return fail("unexpected end of statement while looking for matching single-quote");
      if (c == '\'') {
        if (m_opt.raw_quotes) out.push_back('\'');
        return true;
      }
      out.push_back(static_cast<char>(c));
    }
  }

  bool double_quote(std::string& out) {
    const auto esc = static_cast<unsigned char>(m_opt.escape);
    const int open = next();
    if (m_opt.raw_quotes) out.push_back(static_cast<char>(open));
    for (;;) {
      const int p = peek();
      if (p == k_eof) return fail("unexpected end of statement while looking for matching double-quote");
      if (p == '"') {
        next();
        if (m_opt.raw_quotes) out.push_back('"');
        return true;
      }
      if (p == '$') {
        if (!dollar(out)) return false;
        continue;
      }
      int c = next();
      if (c == esc) {
        if (m_raw_escapes) out.push_back(static_cast<char>(c));
        const int q = peek();
        if (q == k_eof) continue;
        if (q == '"' || q == '$' || q == esc) c = next();
      }
      out.push_back(static_cast<char>(c));
    }
  }

  static bool special_param(int c) {
    switch (c) {
      case '@':
      case '*':
      case '#':
      case '?':
      case '-':
      case '$':
      case '!':
      case '0':
        return true;
      default:
        return false;
    }
  }
  static bool name_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
  }

  /// The name after `$`: a view of the input (a run of digits, one special parameter, or name
  /// characters), "" when there is none.
  std::string_view name() {
    const std::size_t start = m_pos;
    const int c = peek();
    if (c >= '0' && c <= '9') {
      while (peek() >= '0' && peek() <= '9')
        ++m_pos;
    } else if (special_param(c)) {
      ++m_pos;
    } else {
      while (peek() != k_eof && name_char(peek()))
        ++m_pos;
    }
    return m_src.substr(start, m_pos - start);
  }

  const std::string_view* lookup(std::string_view n) const { return m_env == nullptr ? nullptr : m_env->get(n); }

  bool dollar(std::string& out) {
    next();  // '$'
    if (peek() != '{') {
      const std::string_view n = name();
      if (n.empty()) {
        out += '$';
        return true;
      }
      const std::string_view* v = lookup(n);
      if (v == nullptr) {
        if (m_opt.skip_unset) (out += '$') += n;
        return true;
      }
      out += *v;
      return true;
    }
    next();  // '{'
    const int first = peek();
    if (first == k_eof) return fail("syntax error: missing '}'");
    if (first == '{' || first == '}' || first == ':') return fail("syntax error: bad substitution");
    const std::string_view n = name();
    int ch = next();
    std::string chs;
    if (ch != k_eof) chs.push_back(static_cast<char>(ch));
    bool null_is_unset = false;
    switch (ch) {
      case '}': {
        const std::string_view* v = lookup(n);
        if (v == nullptr) {
          if (m_opt.skip_unset) ((out += "${") += n) += '}';
          return true;
        }
        out += *v;
        return true;
      }
      case ':':
        null_is_unset = true;
        ch = next();
        if (ch != k_eof) chs.push_back(static_cast<char>(ch));
        [[fallthrough]];
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        const bool raw = ch == '#' || ch == '%';
        if (null_is_unset && raw) return fail("unsupported modifier (" + chs + ") in substitution");
        std::string word;
        if (!read_to('}', raw, word, "syntax error: missing '}'")) return false;
        const std::string_view* v = lookup(n);
        if (v == nullptr && m_opt.skip_unset) {
          ((((out += "${") += n) += chs) += word) += '}';
          return true;
        }
        const bool set = v != nullptr;
        const std::string value = set ? std::string(*v) : std::string();
        switch (ch) {
          case '-':
            out += (!set || (null_is_unset && value.empty())) ? word : value;
            return true;
          case '+':
            if (!(!set || (null_is_unset && value.empty()))) out += word;
            return true;
          case '?':
            if (!set) return fail(std::string(n) + ": " + (word.empty() ? std::string("is not allowed to be unset") : word));
            if (null_is_unset && value.empty()) {
              return fail(std::string(n) + ": " + (word.empty() ? std::string("is not allowed to be empty") : word));
            }
            out += value;
            return true;
          case '%':
          case '#': {
            bool greedy = false;
            std::string_view pat = word;
            if (!pat.empty() && pat[0] == static_cast<char>(ch)) {
              greedy = true;
              pat.remove_prefix(1);
            }
            out += ch == '%' ? trim_suffix(pat, value, greedy) : trim_prefix(pat, value, greedy);
            return true;
          }
          default:
            return fail("unsupported modifier (" + chs + ") in substitution");
        }
      }
      case '/': {
        const bool all = peek() == '/';
        if (all) next();
        std::string pattern;
        if (!read_to('/', true, pattern, "syntax error: missing '/' in ${}")) return false;
        std::string replacement;
        if (!read_to('}', true, replacement, "syntax error: missing '}'")) return false;
        const std::string_view* v = lookup(n);
        if (v == nullptr && m_opt.skip_unset) {
          ((((((out += "${") += n) += '/') += pattern) += '/') += replacement) += '}';
          return true;
        }
        out += replace(clean_pattern(pattern), v == nullptr ? std::string() : std::string(*v), replacement, all);
        return true;
      }
      default:
        return fail("unsupported modifier (" + chs + ") in substitution");
    }
  }

  bool possible_heredoc(std::string& out) {
    next();
    if (peek() != '<') {
      out += '<';
      return true;
    }
    next();
    out += "<<";
    while (peek() == ' ' || peek() == '\t' || peek() == '\r')
      out.push_back(static_cast<char>(next()));
    return true;
  }

  /// `\}` and `\/` inside ${...} patterns are escapes of the substitution, not of the pattern.
  static std::string clean_pattern(std::string_view p) {
    std::string r;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '\\' && i + 1 < p.size() && (p[i + 1] == '}' || p[i + 1] == '/')) continue;
      r.push_back(p[i]);
    }
    return r;
  }

  /// Patterns are matched only against values of reasonable size (quadratic search).
  static bool small(std::string_view pattern, std::string_view value) { return value.size() <= 4096 && pattern.size() <= 1024; }

  static std::string trim_prefix(std::string_view pat, const std::string& value, bool greedy) {
    const std::string p = clean_pattern(pat);
    if (!small(p, value)) return value;
    const std::size_t n = value.size();
    for (std::size_t i = 0; i <= n; ++i) {
      const std::size_t len = greedy ? n - i : i;
      if (glob_match(p, std::string_view(value).substr(0, len))) return value.substr(len);
    }
    return value;
  }

  static std::string trim_suffix(std::string_view pat, const std::string& value, bool greedy) {
    const std::string p = clean_pattern(pat);
    if (!small(p, value)) return value;
    const std::size_t n = value.size();
    for (std::size_t i = 0; i <= n; ++i) {
      const std::size_t start = greedy ? i : n - i;
      if (glob_match(p, std::string_view(value).substr(start))) return value.substr(0, start);
    }
    return value;
  }

  static std::string replace(const std::string& p, const std::string& value, const std::string& repl, bool all) {
    if (!small(p, value)) return value;
    std::string out;
    std::size_t i = 0;
    const std::size_t n = value.size();
    bool done = false;
    while (i <= n) {
      std::size_t match_len = std::string::npos;
      if (!done) {
        for (std::size_t len = n - i + 1; len-- > 0;) {
          if (glob_match(p, std::string_view(value).substr(i, len))) {
            match_len = len;
            break;
          }
        }
      }
      if (match_len == std::string::npos) {
        if (i < n) out.push_back(value[i]);
        ++i;
        continue;
      }
      out += repl;
      if (!all) done = true;
      if (match_len == 0) {
        if (i < n) out.push_back(value[i]);
        ++i;
      } else {
        i += match_len;
      }
    }
    return out;
  }

  std::string_view m_src;
  std::size_t m_pos = 0;
  const Env* m_env;
  LexOptions m_opt;
  bool m_raw_escapes;
  std::size_t m_budget;
  int m_depth = 0;
  std::string m_error;
  std::string m_tmp;  // a construct read at the outermost level of lex_words
};

/// Skips one JSON value; false when it is not valid JSON. `strings` collects it when it is a
/// string at the top level of the array (depth 1).
class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : m_s(s) {}
  void reset(std::string_view s) {
    m_s = s;
    m_i = 0;
  }

  /// `add(raw, unescaped)` for each string at the top level: `raw` its bytes between the quotes
  /// in the text, `unescaped` its value (the same text when it has no escape; a view valid until
  /// the next string is read).
  template <class Add>
  JsonResult array(Add&& add) {
    ws();
    if (!eat('[')) return JsonResult::not_json;
    bool all_strings = true;
    ws();
    if (!eat(']')) {
      for (;;) {
        ws();
        if (peek() == '"') {
          const std::size_t begin = m_i + 1;
          // Most strings have no escape: their value is their bytes, found without copying.
          std::size_t end = begin;
          while (end < m_s.size() && m_s[end] != '"' && m_s[end] != '\\' && static_cast<unsigned char>(m_s[end]) >= 0x20)
            ++end;
          if (end < m_s.size() && m_s[end] == '"') {
            m_i = end + 1;
            add(m_s.substr(begin, end - begin), m_s.substr(begin, end - begin));
          } else {
            std::string& s = m_unescaped;
            s.clear();
            if (!string(&s)) return JsonResult::not_json;
            add(m_s.substr(begin, m_i - 1 - begin), std::string_view(s));
          }
        } else {
          all_strings = false;
          if (!value(1)) return JsonResult::not_json;
        }
        ws();
        if (eat(',')) continue;
        if (eat(']')) break;
        return JsonResult::not_json;
      }
    }
    ws();
    if (m_i != m_s.size()) return JsonResult::not_json;
    return all_strings ? JsonResult::ok : JsonResult::not_strings;
  }

 private:
  int peek() const { return m_i < m_s.size() ? static_cast<unsigned char>(m_s[m_i]) : -1; }
  bool eat(char c) {
    if (m_i < m_s.size() && m_s[m_i] == c) {
      ++m_i;
      return true;
    }
    return false;
  }
  void ws() {
    while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
      ++m_i;
  }
  bool literal(std::string_view word) {
    if (m_s.substr(m_i, word.size()) != word) return false;
    m_i += word.size();
    return true;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool hex4(std::uint32_t& v) {
    if (m_i + 4 > m_s.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = m_s[m_i++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  /// A JSON string, unescaped into `out` when given (lone surrogates become U+FFFD, like Go).
  bool string(std::string* out) {
    if (!eat('"')) return false;
    for (;;) {
      if (m_i >= m_s.size()) return false;
      const auto c = static_cast<unsigned char>(m_s[m_i++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') {
        if (out != nullptr) out->push_back(static_cast<char>(c));
        continue;
      }
      if (m_i >= m_s.size()) return false;
      const char e = m_s[m_i++];
      char plain = 0;
      switch (e) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            // A high surrogate: combine with a following \uDC00-\uDFFF, else U+FFFD.
            const std::size_t save = m_i;
            std::uint32_t low = 0;
            if (m_i + 6 <= m_s.size() && m_s[m_i] == '\\' && m_s[m_i + 1] == 'u') {
              m_i += 2;
              if (hex4(low) && low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              } else {
                m_i = save;
                cp = 0xFFFD;
              }
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          if (out != nullptr) put_utf8(*out, cp);
          continue;
        }
        default:
          return false;
      }
      if (out != nullptr) out->push_back(plain);
    }
  }

  bool number() {
    eat('-');
    if (eat('0')) {
      // no leading zeros
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9')
        ++m_i;
    } else {
      return false;
    }
    if (eat('.')) {
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9')
        ++m_i;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++m_i;
      if (peek() == '+' || peek() == '-') ++m_i;
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9')
        ++m_i;
    }
    return true;
  }

  bool value(int depth) {
    if (depth > 512) return false;
    ws();
    switch (peek()) {
      case '"':
        return string(nullptr);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      case '[': {
        ++m_i;
        ws();
        if (eat(']')) return true;
        for (;;) {
          if (!value(depth + 1)) return false;
          ws();
          if (eat(',')) continue;
          return eat(']');
        }
      }
      case '{': {
        ++m_i;
        ws();
        if (eat('}')) return true;
        for (;;) {
          ws();
          if (!string(nullptr)) return false;
          ws();
          if (!eat(':')) return false;
          if (!value(depth + 1)) return false;
          ws();
          if (eat(',')) continue;
          return eat('}');
        }
      }
      default:
        return number();
    }
  }

  std::string_view m_s;
  std::size_t m_i = 0;
  std::string m_unescaped;  // the string being read
};

}  // namespace

namespace {
/// Bytes of a word that parse_words passes over: not a space (unicode.IsSpace's ASCII), a quote,
/// `$` or the escape (`escape`; 0: the escape is tested apart).
struct PlainWordBytes {
  bool plain[256] = {};
  constexpr explicit PlainWordBytes(char escape) {
    for (int c = 0; c < 256; ++c)
      plain[c] = true;
    for (const char c : std::string_view(" \t\n\v\f\r'\"$")) plain[static_cast<unsigned char>(c)] = false;
    if (escape != 0) plain[static_cast<unsigned char>(escape)] = false;
  }
  [[nodiscard]] bool operator()(char c) const { return plain[static_cast<unsigned char>(c)]; }
};
constexpr PlainWordBytes k_plain_word_byte{0};
constexpr PlainWordBytes k_plain_word_byte_backslash{'\\'};
constexpr PlainWordBytes k_plain_word_byte_backtick{'`'};
}  // namespace

bool needs_lexing(std::string_view word, char escape) {
  const std::size_t n = word.size();
  const char* const p = word.data();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      const char c = p[i];
      if (c == '$' || c == '\'' || c == '"' || c == escape) return true;
    }
    return false;
  }
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const std::uint64_t dollar = k_ones * '$';
  const std::uint64_t single = k_ones * '\'';
  const std::uint64_t dquote = k_ones * '"';
  const std::uint64_t esc = k_ones * static_cast<unsigned char>(escape);
  // Eight bytes with one of the four: a zero byte in one of their xors. (x - ones) & ~x has the
  // high bit of every zero byte of x set (and maybe of bytes above one): exact for "any".
  const auto hit = [&](const char* at) {
    std::uint64_t v = 0;
    std::memcpy(&v, at, 8);
    const std::uint64_t a = v ^ dollar;
    const std::uint64_t b = v ^ single;
    const std::uint64_t c = v ^ dquote;
    const std::uint64_t d = v ^ esc;
    return ((((a - k_ones) & ~a) | ((b - k_ones) & ~b) | ((c - k_ones) & ~c) | ((d - k_ones) & ~d)) & k_highs) != 0;
  };
  std::size_t i = 0;
  for (; i + 8 < n; i += 8) {
    if (hit(p + i)) return true;
  }
  return hit(p + n - 8);  // the last eight bytes (overlapping the ones already seen)
}

bool lex_word(std::string_view word, const Env* env, const LexOptions& options, std::string& out, std::string& error,
              std::size_t budget) {
  out.clear();
  Lexer lexer(word, env, options, budget);
  if (!lexer.run(out, nullptr)) {
    error = lexer.error();
    return false;
  }
  return true;
}

bool lex_words(std::string_view word, const Env* env, const LexOptions& options, std::vector<std::string>& out,
               std::string& error, std::size_t budget) {
  Lexer lexer(word, env, options, budget);
  // The buffers of one call: no call runs inside another.
  thread_local std::string joined;
  thread_local std::string buffer;
  joined.clear();
  Words words(buffer, out);
  if (!lexer.run(joined, &words)) {
    error = lexer.error();
    return false;
  }
  return true;
}

void parse_words(std::string_view rest, char escape, std::vector<RawWord>& words) {
  // Quotes and escapes are kept, so a word is the input's bytes from its start to the space
  // that ends it (outside quotes); only an escape that is the input's last byte is dropped.
  words.clear();
  // The table with the file's escape in it (a Dockerfile's is `\` or a backtick).
  const PlainWordBytes* const plain_bytes = escape == '\\' ? &k_plain_word_byte_backslash
                                            : escape == '`'  ? &k_plain_word_byte_backtick
                                                             : nullptr;
  const std::size_t n = rest.size();
  std::size_t pos = 0;
  while (pos < n) {
    if (is_space(rest[pos])) {
      ++pos;
      continue;
    }
    const std::size_t start = pos;
    bool blank_ok = false;      // a quote was opened: the word counts even when empty
    bool dropped_last = false;  // the input's last byte, an escape, is not part of the word
    bool plain = true;          // no quote, escape or `$` so far
    char quote = 0;             // the quote the word is inside, or 0
    while (pos < n) {
      const char ch = rest[pos];
      if (quote != 0) {
        // Inside quotes: up to the closing quote or (between double quotes) the escape.
        if (ch != quote && (ch != escape || quote == '\'')) {
          ++pos;
          while (pos < n && rest[pos] != quote && (rest[pos] != escape || quote == '\''))
            ++pos;
          continue;
        }
        if (ch == quote) {
          quote = 0;
        } else if (ch == escape && quote != '\'') {
          if (pos + 1 == n) {
            dropped_last = true;
            quote = 0;
          } else {
            ++pos;
          }
        }
        ++pos;
        continue;
      }
      if (k_plain_word_byte(ch) && ch != escape) {
        // A run of bytes that are neither a space, a quote, `$` nor the escape.
        ++pos;
        if (plain_bytes != nullptr) {
          while (pos < n && (*plain_bytes)(rest[pos]))
            ++pos;
        } else {
          while (pos < n && k_plain_word_byte(rest[pos]) && rest[pos] != escape)
            ++pos;
        }
        continue;
      }
      if (is_space(ch)) break;
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        plain = false;
      } else if (ch == escape) {
        plain = false;
        if (pos + 1 == n) {
          dropped_last = true;
        } else {
          ++pos;
        }
      } else {  // `$`
        plain = false;
      }
      ++pos;
    }
    const std::size_t stop = dropped_last ? pos - 1 : pos;
    if (blank_ok || stop > start) words.push_back({rest.substr(start, stop - start), start, plain});
  }
}

JsonResult json_string_array(std::string_view text, std::vector<std::string_view>& out, core::TextArena& arena) {
  out.clear();
  thread_local JsonReader reader{std::string_view()};  // its buffer kept from call to call
  reader.reset(text);
  // Every escape is longer than what it stands for: a value as long as its raw bytes is them.
  const JsonResult r = reader.array([&](std::string_view raw, std::string_view value) {
    out.push_back(raw.size() == value.size() ? raw : arena.keep(value));
  });
  if (r != JsonResult::ok) out.clear();
  return r;
}

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative wildcard matching with single-star backtracking: O(|p|*|t|) worst case.
  std::size_t pi = 0;
  std::size_t ti = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_t = ti;
      continue;
    }
    if (pi < p.size()) {
      char want = p[pi];
      std::size_t step = 1;
      bool any = want == '?';
      if (want == '\\' && pi + 1 < p.size()) {
        want = p[pi + 1];
        step = 2;
        any = false;
      }
      if (any || want == t[ti]) {
        pi += step;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

}  // namespace drydock::parse::dockerfile_detail
