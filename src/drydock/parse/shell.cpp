#include "drydock/parse/shell.hpp"

#include <algorithm>
#include <utility>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

constexpr int k_max_depth = 1 << 20;  // counting only; nothing recurses on it

constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
constexpr bool is_meta(char c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>'; }
constexpr bool ends_word(char c) { return is_blank(c) || c == '\n' || is_meta(c); }

/// The bytes a run of ordinary word characters stops at: what ends a word (blanks, newline,
/// metacharacters) and what read_word treats on its own (escape, quotes, `$`, backtick).
struct WordStops {
  bool stop[256] = {};
  constexpr WordStops() {
    for (const char c : std::string_view(" \t\r\n;&|()<>\\'\"$`")) stop[static_cast<unsigned char>(c)] = true;
  }
  [[nodiscard]] constexpr bool operator()(char c) const { return stop[static_cast<unsigned char>(c)]; }
};
constexpr WordStops k_word_stop;

/// What a byte between words begins: a word (an ordinary character, not `#`), a blank, or
/// something run() looks at (an operator, a quote, `#`...).
enum class Lead : unsigned char { word, blank, other };
struct Leads {
  Lead lead[256] = {};
  constexpr Leads() {
    for (int c = 0; c < 256; ++c) {
      const char ch = static_cast<char>(c);
      lead[c] = is_blank(ch) ? Lead::blank : (k_word_stop(ch) || ch == '#') ? Lead::other : Lead::word;
    }
  }
  [[nodiscard]] Lead operator()(char c) const { return lead[static_cast<unsigned char>(c)]; }
};
constexpr Leads k_leads;

// std::isalpha and std::isalnum as the "C" locale drydock runs in sees them (it never calls
// setlocale): ASCII letters and digits, in line.
bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

/// Length of a backslash-newline continuation at `pos` (also `\` CR LF), or 0.
std::size_t continuation_at(std::string_view s, std::size_t pos) {
  if (pos + 1 < s.size() && s[pos] == '\\' && s[pos + 1] == '\n') return 2;
  if (pos + 2 < s.size() && s[pos] == '\\' && s[pos + 1] == '\r' && s[pos + 2] == '\n') return 3;
  return 0;
}

bool opens_expansion(std::string_view s, std::size_t pos) {
  return s[pos] == '`' || (s[pos] == '$' && pos + 1 < s.size() && (s[pos + 1] == '(' || s[pos + 1] == '{'));
}

/// Index just past the construct opened at `pos`: `$(`, `${`, a backtick or a bare `(`.
/// Nested parens, quotes and expansions are followed with an explicit stack (no recursion);
/// an unclosed construct ends at the end of the text.
std::size_t skip_nested(std::string_view s, std::size_t pos) {
  const std::size_t n = s.size();
  std::string stack;  // the closing character each open construct waits for (in place up to 15 deep)
  if (s[pos] == '`') {
    stack.push_back('`');
    pos += 1;
  } else if (s[pos] == '(') {
    stack.push_back(')');
    pos += 1;
  } else {
    stack.push_back(s[pos + 1] == '(' ? ')' : '}');
    pos += 2;
  }
  while (pos < n && !stack.empty()) {
    const char c = s[pos];
    const char top = stack.back();
    if (c == '\\') {
      pos += 2;
      continue;
    }
    if (top == '`') {
      if (c == '`') stack.pop_back();
      ++pos;
      continue;
    }
    if (c == '$' && pos + 1 < n && (s[pos + 1] == '(' || s[pos + 1] == '{')) {
      stack.push_back(s[pos + 1] == '(' ? ')' : '}');
      pos += 2;
      continue;
    }
    if (c == '`') {
      stack.push_back('`');
    } else if (top == '"') {
      if (c == '"') stack.pop_back();
    } else if (c == top) {
      stack.pop_back();
    } else if (c == '\'') {
      const auto close = s.find('\'', pos + 1);
      pos = close == std::string_view::npos ? n : close + 1;
      continue;
    } else if (c == '"') {
      stack.push_back('"');
    } else if ((c == '(' && top == ')') || (c == '{' && top == '}')) {
      stack.push_back(top);
    }
    ++pos;
  }
  return std::min(pos, n);
}

/// A word as read: its text is built in a buffer, then viewed where it lies in the script when it
/// is written there in one piece (nothing removed: the common case), else in the buffer.
struct Word {
  std::string& text;               ///< the buffer (the reader's, reused from word to word)
  bool quoted = false;             ///< some part was quoted, escaped or an expansion
  std::size_t literal_prefix = 0;  ///< length of the leading plain (unquoted, unescaped) part of text
  bool in_script = false;          ///< `view` is the script's own bytes (it outlives the buffer)
  std::string_view view;           ///< the word
};

/// The inside of a double-quoted string; `pos` is just past the opening quote.
void read_double_quoted(std::string_view s, std::size_t& pos, std::string& out) {
  const std::size_t n = s.size();
  while (pos < n) {
    const char c = s[pos];
    if (c == '"') {
      ++pos;
      return;
    }
    if (c == '\\' && pos + 1 < n) {
      if (const auto cont = continuation_at(s, pos); cont != 0) {
        pos += cont;
        continue;
      }
      const char next = s[pos + 1];
      if (next == '\\' || next == '"' || next == '$' || next == '`') {
        out += next;
        pos += 2;
        continue;
      }
    } else if (opens_expansion(s, pos)) {
      const auto end = skip_nested(s, pos);
      out.append(s.substr(pos, end - pos));
      pos = end;
      continue;
    }
    out += c;
    ++pos;
  }
}

Word read_word(std::string_view s, std::size_t& pos, std::string& buffer) {
  const std::size_t n = s.size();
  const std::size_t start = pos;
  {
    // The common word: ordinary characters up to the end, a blank, a newline or an operator other
    // than `(` (which may open a bash array): the script's own bytes, read once.
    std::size_t end = pos;
    while (end < n && !k_word_stop(s[end]))
      ++end;
    if (end == n || (ends_word(s[end]) && s[end] != '(')) {
      pos = end;
      Word w{buffer};
      w.literal_prefix = end - start;
      w.in_script = true;
      w.view = s.substr(start, end - start);
      return w;
    }
  }
  buffer.clear();
  Word w{buffer};
  bool plain = true;
  // Nothing removed so far: the word is s[start, pos), not copied. The first quote, escape or
  // continuation copies it into the buffer, where the rest is then appended.
  bool verbatim = true;
  const auto text_size = [&] { return verbatim ? pos - start : w.text.size(); };
  const auto copy = [&] {
    if (!verbatim) return;
    w.text.assign(s.substr(start, pos - start));
    verbatim = false;
  };
  const auto mark = [&] {
    if (plain) w.literal_prefix = text_size();
    plain = false;
    w.quoted = true;
  };
  while (pos < n) {
    const char c = s[pos];
    if (!k_word_stop(c)) {
      // A run of ordinary characters; the loop decides on the next special one.
      std::size_t end = pos + 1;
      while (end < n && !k_word_stop(s[end]))
        ++end;
      if (!verbatim) w.text.append(s.substr(pos, end - pos));
      pos = end;
      continue;
    }
    if (c == '(' && plain && text_size() != 0 && (verbatim ? s[pos - 1] : w.text.back()) == '=') {  // bash array: a=(x y)
      mark();
      const auto end = skip_nested(s, pos);
      if (!verbatim) w.text.append(s.substr(pos, end - pos));
      pos = end;
      continue;
    }
    if (ends_word(c)) break;
    if (c == '\\') {
      if (const auto cont = continuation_at(s, pos); cont != 0) {
        copy();
        pos += cont;
        continue;
      }
      if (pos + 1 >= n) {  // a lone backslash at the end
        copy();
        ++pos;
        continue;
      }
      mark();
      copy();
      w.text += s[pos + 1];
      pos += 2;
    } else if (c == '\'') {
      mark();
      copy();
      const auto close = s.find('\'', pos + 1);
      const auto end = close == std::string_view::npos ? n : close;
      w.text.append(s.substr(pos + 1, end - pos - 1));
      pos = close == std::string_view::npos ? n : close + 1;
    } else if (c == '"') {
      mark();
      copy();
      ++pos;
      read_double_quoted(s, pos, w.text);
    } else if (opens_expansion(s, pos)) {
      mark();
      const auto end = skip_nested(s, pos);
      if (!verbatim) w.text.append(s.substr(pos, end - pos));
      pos = end;
    } else {
      // `$` opening nothing: it and the ordinary characters after it.
      std::size_t end = pos + 1;
      while (end < n && !k_word_stop(s[end]))
        ++end;
      if (!verbatim) w.text.append(s.substr(pos, end - pos));
      pos = end;
    }
  }
  if (plain) w.literal_prefix = text_size();
  // Every construct copies the script's bytes less some (quotes, escapes, continuations): a word
  // from which nothing was removed is that span of the script.
  w.in_script = verbatim;
  w.view = verbatim ? s.substr(start, pos - start) : std::string_view(w.text);
  return w;
}

/// A leading `NAME=value` (or bash's `NAME+=value`) whose `=` lies in the word's plain prefix (the
/// first `literal_prefix` bytes): the name's bytes read once, in place of a search for `=`.
bool is_assignment(std::string_view t, std::size_t literal_prefix) {
  if (t.empty() || !name_start(t[0])) return false;
  std::size_t i = 1;
  while (i < t.size() && name_char(t[i]))
    ++i;
  // t[0, i) is a name and t[i] the first byte that is not a name byte (`=` is not one): the first
  // `=` is t[i], or t[i + 1] after a `+`; anywhere later, a byte before it is not a name byte.
  if (i < t.size() && t[i] == '+') ++i;
  if (i >= t.size() || t[i] != '=') return false;
  return i < literal_prefix;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Reserved words dropped when they open a command: what follows them is the command.
bool is_prefix_keyword(std::string_view w) {
  using core::same;
  return same(w, "if") || same(w, "then") || same(w, "else") || same(w, "elif") || same(w, "do") || same(w, "while") ||
         same(w, "until") || same(w, "!");
}

/// False for a word that is none of the reserved words keyword() knows (1 to 8 bytes, their
/// first bytes): most first words of a command are ruled out by one look.
struct KeywordStarts {
  bool start[256] = {};
  constexpr KeywordStarts() {
    for (const char c : std::string_view("!{}cdefistuw")) start[static_cast<unsigned char>(c)] = true;
  }
};
constexpr KeywordStarts k_keyword_starts;
bool maybe_keyword(std::string_view w) {
  return !w.empty() && w.size() <= 8 && k_keyword_starts.start[static_cast<unsigned char>(w[0])];
}

class Reader {
 public:
  Reader(std::string_view text, core::TextArena& arena, std::pmr::memory_resource* lists, std::string& buffer)
      : m_s(text), m_arena(arena), m_lists(lists), m_buffer(buffer), m_out(lists), m_cur(lists) {}

  std::pmr::vector<ShellWords> run() {
    const std::size_t n = m_s.size();
    while (m_pos < n) {
      const char c = m_s[m_pos];
      const Lead lead = k_leads(c);
      if (lead == Lead::word) {  // an ordinary character: a word begins (the usual case)
        word();
        continue;
      }
      if (lead == Lead::blank) {
        ++m_pos;
        continue;
      }
      const char next = m_pos + 1 < n ? m_s[m_pos + 1] : '\0';
      if (const auto cont = continuation_at(m_s, m_pos); cont != 0) {
        m_pos += cont;
      } else if (c == '\n') {
        ++m_pos;
        skip_heredoc_bodies();
        op(";");
      } else if (c == '#') {
        const auto eol = m_s.find('\n', m_pos);
        m_pos = eol == std::string_view::npos ? n : eol;
      } else if (c == ';') {
        if (next == ';' || next == '&') {  // case item ends: ;; ;& ;;&
          m_pos += 2;
          if (next == ';' && m_pos < n && m_s[m_pos] == '&') ++m_pos;
          op(";");
          if (m_case_nesting > 0) m_expect_pattern = true;
        } else {
          ++m_pos;
          op(";");
        }
      } else if (c == '&') {
        if (next == '&') {
          m_pos += 2;
          op("&&");
        } else if (next == '>') {  // &> and &>>
          m_pos += 2;
          if (m_pos < n && m_s[m_pos] == '>') ++m_pos;
          redirect_target();
        } else {
          ++m_pos;
          op("&");
        }
      } else if (c == '|') {
        m_pos += (next == '|' || next == '&') ? 2 : 1;
        if (next == '|') {
          op("||");
        } else if (!m_expect_pattern) {  // a | b in a case pattern separates alternatives
          op("|");
        }
      } else if (c == '<' || c == '>') {
        redirection();
      } else if (c == '(') {
        open_paren();
      } else if (c == ')') {
        close_paren();
      } else {
        word();
      }
    }
    finish("");
    if (!m_out.empty() && m_out.back().next_operator != "&") m_out.back().next_operator = {};
    return std::move(m_out);
  }

 private:
  enum class Skip { none, clause, case_word, function_name };

  struct Heredoc {
    std::string delimiter;
    bool strip_tabs = false;
  };

  [[nodiscard]] bool cur_empty() const { return m_cur.words.empty() && m_cur.assignments.empty(); }

  void finish(std::string_view next_operator) {
    if (cur_empty()) return;  // nothing set on it yet: its fields are set with its first word
    m_cur.next_operator = next_operator;
    if (m_out.capacity() == 0) m_out.reserve(8);  // a script's usual count, once it has a command
    m_out.push_back(std::move(m_cur));
    // Moved from (its lists keep m_lists): emptied, reused for the next command.
    m_cur.words.clear();
    m_cur.assignments.clear();
    m_cur.next_operator = {};
    m_cur.in_pipeline_after_pipe = false;
    m_cur.subshell_depth = 0;
  }

  void op(std::string_view o) {
    if (m_skip == Skip::case_word || m_expect_pattern) return;
    if (m_skip != Skip::none) {  // the end of a `for` clause
      m_skip = Skip::none;
      return;
    }
    if (!cur_empty()) {
      finish(o);
    } else if (m_attach && !m_out.empty()) {  // after `)`, `}`, `fi`, `done`, `esac`
      m_out.back().next_operator = o;
    } else {
      return;  // nothing to join: "a &&\n b", stray ";"
    }
    m_attach = false;
    m_after_pipe = o == "|";
  }

  void word() {
    const std::size_t start = m_pos;
    const std::size_t n = m_s.size();
    // The common word (read_word's first step, without its Word): ordinary characters up to the
    // end, a blank, a newline or an operator other than `(`; plain, the script's own bytes.
    std::size_t end = start;
    while (end < n && !k_word_stop(m_s[end]))
      ++end;
    if (end != start && (end == n || (ends_word(m_s[end]) && m_s[end] != '('))) {
      m_pos = end;
      const std::string_view view = m_s.substr(start, end - start);
      accept(view, false, view.size(), true);
      return;
    }
    const Word w = read_word(m_s, m_pos, m_buffer);
    if (m_pos == start) ++m_pos;  // never loop on a character no rule takes
    accept(w.view, w.quoted, w.literal_prefix, w.in_script);
  }

  /// A word just read (m_pos is past it): `view` (the script's bytes when `in_script`, else the
  /// reader's buffer), `quoted` when some part was quoted, escaped or an expansion, its first
  /// `literal_prefix` bytes plain.
  [[gnu::always_inline]] void accept(std::string_view view, bool quoted, std::size_t literal_prefix, bool in_script) {
    if (view.empty() && !quoted) return;
    const bool before_redirect = m_pos < m_s.size() && (m_s[m_pos] == '<' || m_s[m_pos] == '>');
    if (before_redirect && !quoted && all_digits(view)) return;  // file descriptor of 2>&1
    switch (m_skip) {
      case Skip::clause:
        return;
      case Skip::function_name:
        m_skip = Skip::none;
        return;
      case Skip::case_word:
        if (!quoted && view == "in") {
          m_skip = Skip::none;
          m_expect_pattern = true;
          ++m_case_nesting;
        }
        return;
      case Skip::none:
        break;
    }
    if (m_expect_pattern) {
      if (!quoted && view == "esac") close_case();
      return;
    }
    if (cur_empty()) {
      if (!quoted && keyword(view)) return;
      m_cur.subshell_depth = m_depth;
      m_cur.in_pipeline_after_pipe = m_after_pipe;
      m_attach = false;
    }
    const std::string_view kept = in_script ? view : m_arena.keep(view);
    if (m_cur.words.empty() && is_assignment(view, literal_prefix)) {
      m_cur.assignments.push_back(kept);
    } else {
      if (m_cur.words.capacity() == 0) m_cur.words.reserve(8);  // one allocation for a command's words, not one per doubling
      m_cur.words.push_back(kept);
    }
  }

  /// Handles a reserved word at the start of a command; false when `w` is an ordinary word.
  bool keyword(std::string_view w) {
    if (!maybe_keyword(w)) return false;
    if (is_prefix_keyword(w)) return true;
    using core::same;
    if (same(w, "fi") || same(w, "done")) {
      m_attach = true;
    } else if (same(w, "esac")) {
      close_case();
    } else if (same(w, "for") || same(w, "select")) {
      m_skip = Skip::clause;
    } else if (same(w, "case")) {
      m_skip = Skip::case_word;
    } else if (same(w, "function")) {
      m_skip = Skip::function_name;
    } else if (same(w, "{")) {
      if (m_depth < k_max_depth) ++m_depth;
    } else if (same(w, "}")) {
      if (m_depth > 0) --m_depth;
      m_attach = true;
    } else {
      return false;
    }
    return true;
  }

  void close_case() {
    m_expect_pattern = false;
    if (m_case_nesting > 0) --m_case_nesting;
    m_attach = true;
  }

  void open_paren() {
    if (m_skip == Skip::clause) {  // for (( i = 0; i < n; i++ ))
      m_pos = skip_nested(m_s, m_pos);
      return;
    }
    ++m_pos;
    if (m_skip != Skip::none || m_expect_pattern) return;  // `(pattern)` in a case item
    std::size_t p = m_pos;
    while (p < m_s.size() && is_blank(m_s[p]))
      ++p;
    if (p < m_s.size() && m_s[p] == ')') {  // name() { ...; }: a function definition
      m_pos = p + 1;
      if (m_cur.words.size() == 1 && m_cur.assignments.empty()) m_cur = ShellWords(m_lists);
      return;
    }
    finish("");
    if (m_depth < k_max_depth) ++m_depth;
  }

  void close_paren() {
    ++m_pos;
    if (m_expect_pattern) {  // the end of a case pattern: its commands follow
      m_expect_pattern = false;
      return;
    }
    if (m_skip != Skip::none) return;
    finish("");
    if (m_depth > 0) --m_depth;
    m_attach = true;
  }

  /// `<`, `>` and their forms; the operator and its target are dropped, here-docs remembered.
  void redirection() {
    const std::string_view rest = m_s.substr(m_pos);
    if (rest.starts_with("<<<")) {
      m_pos += 3;
      redirect_target();
    } else if (rest.starts_with("<<")) {
      m_pos += 2;
      const bool strip_tabs = m_pos < m_s.size() && m_s[m_pos] == '-';
      if (strip_tabs) ++m_pos;
      auto delimiter = redirect_target();
      if (!delimiter.empty()) m_heredocs.push_back(Heredoc{std::string(delimiter), strip_tabs});
    } else {
      ++m_pos;
      if (m_pos < m_s.size() && (m_s[m_pos] == '>' || m_s[m_pos] == '|' || m_s[m_pos] == '&')) ++m_pos;
      redirect_target();
    }
  }

  /// The target's word (a view valid until the next word is read).
  std::string_view redirect_target() {
    while (m_pos < m_s.size()) {
      if (is_blank(m_s[m_pos])) {
        ++m_pos;
      } else if (const auto cont = continuation_at(m_s, m_pos); cont != 0) {
        m_pos += cont;
      } else {
        break;
      }
    }
    if (m_pos >= m_s.size() || ends_word(m_s[m_pos])) return {};
    return read_word(m_s, m_pos, m_buffer).view;
  }

  /// After a newline: the bodies of the here-documents started on the line just read.
  void skip_heredoc_bodies() {
    for (const auto& h : m_heredocs) {
      while (m_pos < m_s.size()) {
        const auto eol = m_s.find('\n', m_pos);
        const auto end = eol == std::string_view::npos ? m_s.size() : eol;
        std::string_view line = m_s.substr(m_pos, end - m_pos);
        m_pos = eol == std::string_view::npos ? m_s.size() : eol + 1;
        if (h.strip_tabs) line.remove_prefix(std::min(line.find_first_not_of('\t'), line.size()));
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line == h.delimiter) break;
      }
    }
    m_heredocs.clear();
  }

  std::string_view m_s;
  core::TextArena& m_arena;
  std::pmr::memory_resource* m_lists;  // where the commands' lists of words are made
  std::string& m_buffer;  // the word being read
  std::size_t m_pos = 0;
  std::pmr::vector<ShellWords> m_out;
  ShellWords m_cur;  // in m_lists
  std::vector<Heredoc> m_heredocs;
  int m_depth = 0;
  int m_case_nesting = 0;
  Skip m_skip = Skip::none;
  bool m_expect_pattern = false;  ///< inside `case ... in`, before a pattern's `)`
  bool m_after_pipe = false;      ///< the last operator was `|`
  bool m_attach = false;          ///< the next operator joins the command before `)`, `}`, `fi`...
};

}  // namespace

std::pmr::vector<ShellWords> shell_words(std::string_view script, core::TextArena& arena, std::pmr::memory_resource* lists) {
  // The word buffer of one call (no call runs inside another), kept from call to call.
  thread_local std::string buffer;
  auto out = Reader(script, arena, lists, buffer).run();
  if (buffer.capacity() > (std::size_t{1} << 20)) std::string().swap(buffer);
  return out;
}

std::vector<ShellCommand> shell_commands(std::string_view script) {
  core::TextArena arena;
  std::vector<ShellCommand> out;
  for (auto& c : shell_words(script, arena)) {
    ShellCommand sc;
    sc.words.assign(c.words.begin(), c.words.end());
    sc.assignments.assign(c.assignments.begin(), c.assignments.end());
    sc.next_operator = c.next_operator;
    sc.in_pipeline_after_pipe = c.in_pipeline_after_pipe;
    sc.subshell_depth = c.subshell_depth;
    out.push_back(std::move(sc));
  }
  return out;
}

std::string program_name(const ShellCommand& command) {
  if (command.words.empty()) return {};
  const auto& program = command.words.front();
  const auto slash = program.rfind('/');
  return slash == std::string::npos ? program : program.substr(slash + 1);
}

}  // namespace drydock::parse
