#include "drydock/parse/dockerfile.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "drydock/core/strings.hpp"
#include "drydock/parse/dockerfile_lex.hpp"
#include "drydock/parse/run_scripts.hpp"

// Follows moby/buildkit frontend/dockerfile: parser/parser.go (lines, directives, continuations,
// heredocs), parser/line_parsers.go (per-instruction argument syntax), instructions/parse.go and
// bflag.go (arguments and flags each instruction accepts), shell/lex.go (expansion) and
// dockerfile2llb/convert.go (which values are expanded, with which variables).

namespace drydock::parse {
namespace {

using namespace dockerfile_detail;

constexpr std::size_t k_max_size = 10U * 1024U * 1024U;
/// Heredocs on one instruction; BuildKit has no limit, real files have one or two.
constexpr std::size_t k_max_heredocs = 64;
/// Bytes that variable expansion may produce for a whole file ($A$A doubling is exponential).
constexpr std::size_t k_min_expansion_budget = 64U * 1024U * 1024U;

/// The platform arguments BuildKit defines in the global scope. Their values depend on the
/// build, so they expand to their own reference ("$TARGETARCH") rather than to "".
constexpr std::string_view k_automatic_args[] = {"BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT",
                                                 "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"};

/// The value of an automatic platform ARG ("$TARGETARCH"), or nullptr.
const std::string_view* automatic_arg(std::string_view name) {
  static constexpr std::string_view k_values[] = {"$BUILDPLATFORM",  "$BUILDOS",  "$BUILDARCH",  "$BUILDVARIANT",
                                                  "$TARGETPLATFORM", "$TARGETOS", "$TARGETARCH", "$TARGETVARIANT"};
  static_assert(std::size(k_values) == std::size(k_automatic_args));
  for (std::size_t i = 0; i < std::size(k_automatic_args); ++i) {
    if (k_automatic_args[i] == name) return &k_values[i];
  }
  return nullptr;
}

/// A parse error: `syntactic` errors come from BuildKit's line parsers (they reject an ONBUILD
/// trigger too), the others from its instruction parser (a trigger is only checked when it runs).
struct Failure {
  std::string message;
  int line = 0;
  int column = 0;
  bool syntactic = false;
};

[[noreturn]] void fail(std::string message, bool syntactic = false) { throw Failure{std::move(message), 0, 0, syntactic}; }

enum class Kw {
  unknown,
  from,
  run,
  cmd,
  label,
  maintainer,
  expose,
  env,
  add,
  copy,
  entrypoint,
  volume,
  user,
  workdir,
  arg,
  onbuild,
  stopsignal,
  healthcheck,
  shell,
};

/// `word` == `upper` (upper-case ASCII letters only) with ASCII case folded. Bit 5 is all that
/// tells a letter's cases apart: a byte with it set equals a lower-case letter only when it is
/// that letter or its upper case.
bool same_folded(std::string_view word, std::string_view upper) {
  if (word.size() != upper.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if ((word[i] | 0x20) != (upper[i] | 0x20)) return false;
  }
  return true;
}

/// The instruction `word` names, in any case; `name` is then its upper-case spelling.
Kw keyword_of(std::string_view word, std::string_view& name) {
  struct Entry {
    std::string_view name;
    Kw kw;
  };
  static constexpr Entry k_a[] = {{"ADD", Kw::add}, {"ARG", Kw::arg}};
  static constexpr Entry k_c[] = {{"COPY", Kw::copy}, {"CMD", Kw::cmd}};
  static constexpr Entry k_e[] = {{"ENV", Kw::env}, {"EXPOSE", Kw::expose}, {"ENTRYPOINT", Kw::entrypoint}};
  static constexpr Entry k_f[] = {{"FROM", Kw::from}};
  static constexpr Entry k_h[] = {{"HEALTHCHECK", Kw::healthcheck}};
  static constexpr Entry k_l[] = {{"LABEL", Kw::label}};
  static constexpr Entry k_m[] = {{"MAINTAINER", Kw::maintainer}};
  static constexpr Entry k_o[] = {{"ONBUILD", Kw::onbuild}};
  static constexpr Entry k_r[] = {{"RUN", Kw::run}};
  static constexpr Entry k_s[] = {{"SHELL", Kw::shell}, {"STOPSIGNAL", Kw::stopsignal}};
  static constexpr Entry k_u[] = {{"USER", Kw::user}};
  static constexpr Entry k_v[] = {{"VOLUME", Kw::volume}};
  static constexpr Entry k_w[] = {{"WORKDIR", Kw::workdir}};
  if (word.empty()) return Kw::unknown;
  std::span<const Entry> candidates;
  switch (word[0]) {  // the keywords by their first letter, in either case
    case 'A': case 'a': candidates = k_a; break;
    case 'C': case 'c': candidates = k_c; break;
    case 'E': case 'e': candidates = k_e; break;
    case 'F': case 'f': candidates = k_f; break;
    case 'H': case 'h': candidates = k_h; break;
    case 'L': case 'l': candidates = k_l; break;
    case 'M': case 'm': candidates = k_m; break;
    case 'O': case 'o': candidates = k_o; break;
    case 'R': case 'r': candidates = k_r; break;
    case 'S': case 's': candidates = k_s; break;
    case 'U': case 'u': candidates = k_u; break;
    case 'V': case 'v': candidates = k_v; break;
    case 'W': case 'w': candidates = k_w; break;
    default: return Kw::unknown;
  }
  for (const auto& e : candidates) {
    if (same_folded(word, e.name)) {
      name = e.name;
      return e.kw;
    }
  }
  return Kw::unknown;
}

/// BuildKit's reWhitespace: `[\t\v\f\r ]+`.
bool is_ws_sep(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

/// The words of `s` split on reWhitespace, appended to `out`.
void split_ws(std::string_view s, std::pmr::vector<std::string_view>& out) {
  if (out.capacity() - out.size() < 4) out.reserve(out.size() + 4);  // FROM's one or three words, COPY's two or three
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_ws_sep(s[i]))
      ++i;
    if (i >= s.size()) break;
    const std::size_t b = i;
    while (i < s.size() && !is_ws_sep(s[i]))
      ++i;
    out.push_back(s.substr(b, i - b));
  }
}

std::pmr::vector<std::string_view> split_ws(std::string_view s, std::pmr::memory_resource* lists) {
  std::pmr::vector<std::string_view> out(lists);
  split_ws(s, out);
  return out;
}

/// Where a byte of an instruction's joined text came from: continuation lines are joined, so
/// each physical line contributes one segment.
struct Segment {
  std::size_t offset = 0;  ///< in the joined text
  int line = 0;
  int column = 0;  ///< 1-based column of the segment's first byte
};

/// Text is UTF-8 without NUL bytes.
bool is_text(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  // A byte that is not ASCII, or is NUL: its high bit in the result.
  const auto odd = [](std::uint64_t v) { return (v | ((v - k_ones) & ~v)) & k_highs; };
  while (i + 32 <= n) {
    // Thirty-two bytes a step while they are all ASCII and none is NUL.
    std::uint64_t v[4];
    std::memcpy(v, p + i, 32);
    if ((odd(v[0]) | odd(v[1]) | odd(v[2]) | odd(v[3])) != 0) break;
    i += 32;
  }
  while (i < n) {
    if (i + 8 <= n) {
      // Eight ASCII bytes, none of them NUL: the common case, taken a word at a time.
      std::uint64_t v = 0;
      std::memcpy(&v, p + i, 8);
      if (((v | ((v - k_ones) & ~v)) & k_highs) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1FU;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0FU;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07U;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3FU);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000)) {
      return false;
    }
    i += len;
  }
  return true;
}

/// True when the lexer without variables, unset ones kept as written (what unquote runs), gives
/// `raw` back: no quote, no escape and no `${`. A `$` not before `{` is `$` itself, or `$` and
/// the name after it (digits, a special parameter, name bytes), written back as they were; `<`,
/// `<<` and the blanks after it are kept too.
bool unquotes_to_itself(std::string_view raw, char escape) {
  const std::size_t n = raw.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = raw[i];
    if (c == '\'' || c == '"' || c == escape || (c == '$' && i + 1 < n && raw[i + 1] == '{')) return false;
  }
  return true;
}

std::string_view trim_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string_view trim_left_space(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i]))
    ++i;
  return s.substr(i);
}

/// BuildKit's line-continuation regex `([^E])E[ \t]*$|^E[ \t]*$`: true when `s` ends with the
/// escape character (not escaped itself), which is then removed with the blanks after it.
bool trim_continuation(std::string_view& s, char escape) {
  std::size_t e = s.size();
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    --e;
  if (e == 0 || s[e - 1] != escape) return false;
  if (e >= 2 && s[e - 2] == escape) return false;
  s = s.substr(0, e - 1);
  return true;
}

/// Go's time.ParseDuration, returning seconds; false when it is not a duration.
bool parse_duration(std::string_view s, double& seconds) {
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (core::same(s, "0")) {
    seconds = 0;
    return true;
  }
  if (s.empty()) return false;
  double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    double value = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      value = value * 10 + (s[i] - '0');
      ++i;
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        value += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        digits = true;
      }
    }
    if (!digits) return false;
    s.remove_prefix(i);
    std::size_t u = 0;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.')
      ++u;
    const std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    double mult = 0;
    if (core::same(unit, "ns")) {
      mult = 1e-9;
    } else if (core::same(unit, "us") || core::same(unit, "\xC2\xB5s") || core::same(unit, "\xCE\xBCs")) {
      mult = 1e-6;
    } else if (core::same(unit, "ms")) {
      mult = 1e-3;
    } else if (core::same(unit, "s")) {
      mult = 1;
    } else if (core::same(unit, "m")) {
      mult = 60;
    } else if (core::same(unit, "h")) {
      mult = 3600;
    } else {
      return false;
    }
    total += value * mult;
  }
  seconds = negative ? -total : total;
  return true;
}

struct FlagSpec {
  std::string_view name;
  enum Type { boolean, string, strings } type;
};

constexpr FlagSpec k_from_flags[] = {{"platform", FlagSpec::string}};
constexpr FlagSpec k_run_flags[] = {
    {"mount", FlagSpec::strings}, {"network", FlagSpec::string}, {"security", FlagSpec::string}, {"device", FlagSpec::strings}};
constexpr FlagSpec k_copy_flags[] = {{"chown", FlagSpec::string}, {"from", FlagSpec::string},     {"chmod", FlagSpec::string},
                                     {"link", FlagSpec::boolean}, {"exclude", FlagSpec::strings}, {"parents", FlagSpec::boolean}};
constexpr FlagSpec k_add_flags[] = {{"chown", FlagSpec::string},    {"chmod", FlagSpec::string},
                                    {"link", FlagSpec::boolean},    {"keep-git-dir", FlagSpec::boolean},
                                    {"checksum", FlagSpec::string}, {"unpack", FlagSpec::boolean},
                                    {"exclude", FlagSpec::strings}};
constexpr FlagSpec k_health_flags[] = {{"interval", FlagSpec::string},
                                       {"timeout", FlagSpec::string},
                                       {"start-period", FlagSpec::string},
                                       {"start-interval", FlagSpec::string},
                                       {"retries", FlagSpec::string}};

/// One instruction's source: its joined text and where each piece came from.
struct Source {
  std::string_view joined;  ///< the whole joined line
  const std::vector<Segment>* segments = nullptr;
};

/// A parsed Dockerfile's memory: the text arena its views point into, and the lists of its tree
/// (`std::pmr::vector`s) in a block of that arena, then in blocks of their own if they outgrow it.
/// `Dockerfile::text` points at `text` and keeps both; `lists` is freed first.
struct TreeMemory {
  TreeMemory(std::size_t text_bytes, std::size_t list_bytes)
      : text(text_bytes + list_bytes + alignof(std::max_align_t)),
        lists(aligned(text.allocate(list_bytes + alignof(std::max_align_t))), list_bytes) {}
  static void* aligned(char* p) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t m = alignof(std::max_align_t) - 1;
    return p + (((a + m) & ~m) - a);
  }
  core::TextArena text;
  std::pmr::monotonic_buffer_resource lists;
};

/// Bytes of a tree's lists for a file of `n` bytes: room for the usual tree in one block (an
/// instruction is ~330 bytes for ~40 of text, a stage reserves 16), up to 4 MiB; a larger tree
/// opens more blocks.
std::size_t list_bytes_for(std::size_t n) { return std::min(n * 12 + 12288, std::size_t{4} << 20); }

/// A flag as written (`--name=value`), views into the instruction's text or the arena.
struct RawFlag {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};

/// Buffers a parse reuses from file to file on its thread: no allocation once they are as large
/// as a file needs. The parse holds them (`busy`); a parse that finds them held makes its own.
struct Scratch {
  std::string joined;              // an instruction's continuation lines joined
  std::vector<Segment> segments;   // where each piece of `joined` came from
  std::string word;                // the word being unquoted or expanded
  std::string flag;                // the flag word being read
  std::vector<std::string_view> json;  // the elements of an exec form being read
  std::vector<std::string> words;  // lexed words (heredoc detection, EXPOSE)
  std::vector<std::string> doc_words;
  std::vector<std::string> doc_raw_words;
  std::vector<RawWord> raw_words;               // an ENV, LABEL or ARG line's words
  std::vector<std::string_view> flag_words;     // the flags of a line's instruction (not of a trigger)
  std::vector<RawFlag> raw_flags;
  std::string error;
  bool busy = false;

  /// Drops buffers a very large file grew, so a thread does not keep them for good.
  void release_large() {
    if (joined.capacity() > (std::size_t{1} << 20)) std::string().swap(joined);
    if (segments.capacity() > (std::size_t{1} << 16)) std::vector<Segment>().swap(segments);
    if (word.capacity() > (std::size_t{1} << 20)) std::string().swap(word);
  }
};

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view path)
      : m_memory(std::make_shared<TreeMemory>(std::min(text.size(), k_max_size) * 3 / 2 + 256, list_bytes_for(text.size()))),
        m_arena(m_memory, &m_memory->text),
        m_lists(&m_memory->lists),
        m_path(path),
        m_s(take_scratch()),
        m_global_env(m_lists),
        m_stage_env(m_lists),
        m_stage_names(m_lists),
        m_stage_errors(m_lists) {
    // The file's bytes are the arena's first block: every view of the tree points into it or
    // into text made later in the same arena.
    m_text = text.size() > k_max_size ? text : m_arena->keep(text);
    m_budget = std::max(k_min_expansion_budget, text.size() * 8);
    m_global_env.set_fallback(&automatic_arg);
    m_df.text = m_arena;
  }

  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  Parser(Parser&&) = delete;
  Parser& operator=(Parser&&) = delete;
  ~Parser() {
    if (m_own_scratch) return;
    m_s.release_large();
    m_s.busy = false;
  }

  core::Expected<model::Dockerfile> run() {
    try {
      parse_all();
    } catch (const Failure& f) {
      return core::fail(core::ErrorKind::parse, f.message,
                        m_path + ":" + std::to_string(f.line) + ":" + std::to_string(f.column));
    }
    return std::move(m_df);
  }

 private:
  // ---- lines --------------------------------------------------------------------------------

  /// The next line of the file into `raw`, with its newline like scanLines (the last line may
  /// have none); false at the end. m_line_no counts the lines read so far.
  bool next_line(std::string_view& raw) {
    if (m_at >= m_text.size()) return false;
    const auto* nl = static_cast<const char*>(std::memchr(m_text.data() + m_at, '\n', m_text.size() - m_at));
    const std::size_t end = nl == nullptr ? m_text.size() : static_cast<std::size_t>(nl - m_text.data()) + 1;
    raw = m_text.substr(m_at, end - m_at);
    m_at = end;
    ++m_line_no;
    return true;
  }

  [[noreturn]] void fail_at(std::string message, int line, int column) { throw Failure{std::move(message), line, column, false}; }

  /// `# key=value` while directives are still allowed: records it and returns true.
  bool directive(std::string_view line, int line_no) {
    if (m_directives_done) return false;
    if (line.empty() || line[0] != '#') {
      m_directives_done = true;
      return false;
    }
    std::string_view rest = trim_left_space(line.substr(1));
    std::size_t i = 0;
    if (i >= rest.size() || !((rest[i] >= 'a' && rest[i] <= 'z') || (rest[i] >= 'A' && rest[i] <= 'Z'))) {
      m_directives_done = true;
      return false;
    }
    while (i < rest.size() &&
           ((rest[i] >= 'a' && rest[i] <= 'z') || (rest[i] >= 'A' && rest[i] <= 'Z') || (rest[i] >= '0' && rest[i] <= '9'))) {
      ++i;
    }
    const std::string_view word = rest.substr(0, i);  // the key in any case
    std::string_view after = rest.substr(i);
    while (!after.empty() && is_space(after[0]))
      after.remove_prefix(1);
    if (after.empty() || after[0] != '=') {
      m_directives_done = true;
      return false;
    }
    const std::string_view value = trim_space(after.substr(1));
    if (value.empty()) {
      m_directives_done = true;
      return false;
    }
    // The key in lower case: one of the three BuildKit knows.
    const std::string_view key = core::same_lower(word, "syntax")   ? "syntax"
                                 : core::same_lower(word, "escape") ? "escape"
                                 : core::same_lower(word, "check")  ? "check"
                                                                    : "";
    if (key.empty()) {
      m_directives_done = true;
      return false;
    }
    const bool escape = key == "escape";
    // Recorded at once (one look in the map); a failure below discards the whole tree.
    const auto [at, added] = m_df.directives.try_emplace(std::string(key), value);
    if (!added) fail_at("only one " + at->first + " parser directive can be used", line_no, 1);
    if (escape) {
      if (value != "`" && value != "\\") {
        fail_at("invalid escape token '" + std::string(value) + "' does not match ` or \\", line_no, 1);
      }
      m_escape = value[0];
      m_df.escape = m_escape;
    }
    return true;
  }

  /// `# drydock ignore=ID,ID`: remembered for the next instruction.
  void ignore_comment(std::string_view line) {
    std::string_view c = trim_space(trim_left_space(line).substr(1));
    if (!core::starts_with_ci(c, "drydock") || c.size() <= 7 || !is_space(c[7])) return;
    c = trim_left_space(c.substr(7));
    if (!core::starts_with_ci(c, "ignore")) return;
    c = trim_left_space(c.substr(6));
    if (c.empty() || c[0] != '=') return;
    c.remove_prefix(1);
    std::size_t i = 0;
    while (i < c.size()) {
      while (i < c.size() && (c[i] == ',' || is_space(c[i])))
        ++i;
      const std::size_t b = i;
      while (i < c.size() && c[i] != ',' && !is_space(c[i]))
        ++i;
      if (i > b) m_pending_ignores.emplace_back(c.substr(b, i - b));
    }
  }

  void parse_all() {
    if (m_text.size() > k_max_size) fail_at("file larger than the 10 MiB limit", 0, 0);
    if (m_text.size() >= 3 && m_text.substr(0, 3) == "\xEF\xBB\xBF") m_text.remove_prefix(3);
    if (!is_text(m_text)) fail_at("not a Dockerfile (binary content)", 0, 0);
    m_df.path = m_path;
    m_df.escape = m_escape;
    // Most files have one to four stages: no regrowth of the per-stage lists.
    m_df.stages.reserve(4);
    m_stage_env.reserve(4);
    m_stage_errors.reserve(4);

    std::string& buf = m_s.joined;
    std::vector<Segment>& segments = m_s.segments;
    bool any_instruction = false;
    std::string_view raw;
    while (next_line(raw)) {
      const int line_no = m_line_no;
      const std::string_view line = trim_newline(raw);
      std::string_view t = trim_left_space(line);
      // A comment: the line's first byte that is not a space is '#' (trim_newline keeps it).
      const bool comment = !t.empty() && t[0] == '#';
      if (directive(t, line_no)) continue;
      if (comment) {
        ignore_comment(raw);
        continue;
      }
      const int column = static_cast<int>(line.size() - t.size()) + 1;
      bool end = !trim_continuation(t, m_escape);
      if (end && t.empty()) continue;
      segments.clear();
      segments.push_back({0, line_no, column});
      int last_line = line_no;
      std::string_view raw2;
      while (!end && next_line(raw2)) {
        last_line = m_line_no;
        std::string_view t2 = trim_newline(raw2);
        const std::string_view left = trim_left_space(t2);
        if (left.empty() || left[0] == '#') continue;  // blank, or a comment
        end = !trim_continuation(t2, m_escape);
        if (segments.size() == 1) buf.assign(t);  // the first continuation: the lines are joined from here
        segments.push_back({buf.size(), last_line, 1});
        buf.append(t2);
      }
      any_instruction = true;
      // One line: its bytes in the file; continuations: joined once, in the arena.
      const std::string_view joined = segments.size() == 1 ? t : keep(buf);
      Source src{joined, &segments};
      const Head head = head_of(joined);
      // Inside a stage, an instruction other than FROM is read in its place in the stage's list
      // (no move, no moved-from instruction to destroy); the others are placed once read.
      if (!m_df.stages.empty() && head.kw != Kw::from) {
        model::Instruction& ins = m_df.stages.back().instructions.emplace_back(m_lists);
        read_instruction(ins, head, src, line_no, column, last_line);
        settle_in_stage(ins);
      } else {
        model::Instruction ins(m_lists);
        read_instruction(ins, head, src, line_no, column, last_line);
        place(std::move(ins));
      }
    }
    // BuildKit's messages: parser.Parse, instructions.Parse (CurrentStage), dockerfile2llb.
    if (!any_instruction) fail_at("file with no instructions", m_line_no, 0);
    if (m_deferred) throw *m_deferred;
    if (m_df.stages.empty()) fail_at("dockerfile contains no stages to build (no FROM)", 1, 0);
    if (auto e = first_expansion_error()) throw *e;
  }

  // ---- expansion errors ---------------------------------------------------------------------

  /// Go's %q of a string (what BuildKit's "failed to process %q" prints).
  static std::string go_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
      }
    }
    return out + "\"";
  }

  /// An expansion BuildKit would refuse (unterminated quote, bad substitution, `${X:?msg}` with X
  /// unset), kept for the instruction being read: BuildKit reports it when it dispatches the
  /// instruction, that is for FROM lines always and for the others in the stages the build reaches.
  void expansion_failed(std::string_view raw, const std::string& error) {
    if (m_expanding_line == 0 || m_pending_expansion || error == "expansion too large") return;
    m_pending_expansion = Failure{"failed to process " + go_quote(raw) + ": " + error, m_expanding_line, m_expanding_column, false};
  }

  /// The first expansion error of the stages the default target (the last stage) reaches:
  /// FROM an earlier stage, COPY --from, RUN --mount from=.
  std::optional<Failure> first_expansion_error() const {
    if (m_from_error) return m_from_error;
    // Only a stage with an error can give one: most files have none, and no walk is needed.
    if (std::none_of(m_stage_errors.begin(), m_stage_errors.end(), [](const auto& e) { return e.has_value(); })) {
      return std::nullopt;
    }
    const std::size_t n = m_df.stages.size();
    std::vector<bool> reached(n, false);
    std::vector<std::size_t> todo{n - 1};
    const auto stage_ref = [&](std::string_view ref, std::size_t before) -> int {
      const std::string name = core::to_lower(ref);
      if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() < 6) {
        const auto i = static_cast<std::size_t>(std::stoi(name));
        return i < before ? static_cast<int>(i) : -1;
      }
      for (std::size_t j = 0; j < before; ++j) {
        if (m_df.stages[j].name == name) return static_cast<int>(j);
      }
      return -1;
    };
    while (!todo.empty()) {
      const std::size_t i = todo.back();
      todo.pop_back();
      if (i >= n || reached[i]) continue;
      reached[i] = true;
      const auto& st = m_df.stages[i];
      if (st.base_stage >= 0) todo.push_back(static_cast<std::size_t>(st.base_stage));
      for (const auto& ins : st.instructions) {
        for (const auto& f : ins.flags) {
          std::string ref;
          if (f.name == "from" && (ins.is("COPY") || ins.is("ADD"))) ref = f.value;
          if (f.name == "mount" && ins.is("RUN")) {
            for (const auto& part : core::split(std::string(f.value), ',')) {
              if (part.starts_with("from=")) ref = part.substr(5);
            }
          }
          if (ref.empty()) continue;
          if (const int j = stage_ref(ref, i); j >= 0) todo.push_back(static_cast<std::size_t>(j));
        }
      }
    }
    std::optional<Failure> first;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& e = m_stage_errors[i];
      if (reached[i] && e && (!first || e->line < first->line)) first = e;
    }
    return first;
  }

  // ---- heredocs -----------------------------------------------------------------------------

  /// BuildKit's ParseHeredoc on one word: `[n]<<[-]WORD`. `stable`: the word's bytes live as long
  /// as the tree (the file's or the arena's), so the delimiter may be a view of them.
  bool heredoc_word(std::string_view word, model::Heredoc& doc, bool stable) {
    std::size_t i = 0;
    while (i < word.size() && word[i] >= '0' && word[i] <= '9')
      ++i;
    if (i + 2 > word.size() || word[i] != '<' || word[i + 1] != '<') return false;
    i += 2;
    bool chomp = false;
    if (i < word.size() && word[i] == '-') {
      chomp = true;
      ++i;
    }
    while (i < word.size() && is_space(word[i]))
      ++i;
    const std::string_view rest = word.substr(i);
    if (rest.empty() || rest.find('<') != std::string_view::npos) return false;
    if (!needs_lexing(rest, '\\') && std::none_of(rest.begin(), rest.end(), is_space)) {
      // No quote, `$`, escape or space: the lexer's one word, raw or not, is `rest` itself.
      doc.delimiter = stable ? rest : keep(rest);
      doc.expand = true;
      doc.strip_tabs = chomp;
      return true;
    }
    LexOptions opt;
    opt.skip_unset = true;
    std::vector<std::string>& words = m_s.doc_words;
    std::vector<std::string>& raw_words = m_s.doc_raw_words;
    std::string& error = m_s.error;
    if (!lex_words(rest, nullptr, opt, words, error, rest.size() * 4 + 64)) fail(error, true);
    if (words.size() != 1) return false;
    opt.raw_quotes = true;
    if (!lex_words(rest, nullptr, opt, raw_words, error, rest.size() * 4 + 64)) fail(error, true);
    if (raw_words.size() != 1) fail("internal lexing of heredoc produced inconsistent results: " + std::string(rest), true);
    const auto quotes = [](const std::string& s) {
      return std::count(s.begin(), s.end(), '\'') + std::count(s.begin(), s.end(), '"');
    };
    doc.delimiter = keep(words[0]);
    doc.expand = quotes(words[0]) == quotes(raw_words[0]);
    doc.strip_tabs = chomp;
    return true;
  }

  /// lex_words (raw quotes and escapes, unset variables kept) of a text without a quote, `$` or
  /// the escape: words split on spaces, except that `<<` takes the blanks after it (` `, tab, CR)
  /// into its word, as the lexer's possible heredoc does. `each(word, true)` on each, in order.
  template <class Each>
  static void plain_heredoc_words(std::string_view s, Each&& each) {
    constexpr std::size_t none = std::string_view::npos;
    const std::size_t n = s.size();
    std::size_t start = none;
    std::size_t i = 0;
    while (i < n) {
      const char c = s[i];
      if (c == '<' && i + 1 < n && s[i + 1] == '<') {
        if (start == none) start = i;
        i += 2;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
          ++i;
        continue;
      }
      if (is_space(c)) {
        if (start != none) each(s.substr(start, i - start), true);
        start = none;
      } else if (start == none) {
        start = i;
      }
      ++i;
    }
    if (start != none) each(s.substr(start), true);
  }

  static bool can_contain_heredoc(const model::Instruction& ins) {
    const model::Instruction& target = (ins.is("ONBUILD") && !ins.trigger.empty()) ? ins.trigger[0] : ins;
    if (!target.is("RUN") && !target.is("COPY") && !target.is("ADD")) return false;
    return !target.json_form;
  }

  void read_heredocs(model::Instruction& ins, const Source& src) {
    if (!can_contain_heredoc(ins) || src.joined.find("<<") == std::string_view::npos) return;
    std::pmr::vector<model::Heredoc> docs(m_lists);
    const auto consider = [&](std::string_view w, bool stable) {
      model::Heredoc doc;
      try {
        if (!heredoc_word(w, doc, stable)) return;
      } catch (Failure& f) {
        f.line = ins.location.line;
        f.column = ins.location.column;
        throw;
      }
      if (docs.size() >= k_max_heredocs) {
        fail_at("too many heredocs on one instruction (limit " + std::to_string(k_max_heredocs) + ")", ins.location.line,
                ins.location.column);
      }
      docs.push_back(doc);
    };
    if (!needs_lexing(src.joined, '\\')) {
      // No quote, `$` or escape: the lexer's words are the text's own bytes (below).
      plain_heredoc_words(src.joined, consider);
    } else {
      LexOptions opt;
      opt.raw_quotes = true;
      opt.raw_escapes = true;
      opt.skip_unset = true;
      std::vector<std::string>& words = m_s.words;
      std::string& error = m_s.error;
      if (!lex_words(src.joined, nullptr, opt, words, error, src.joined.size() * 4 + 64)) {
        words.clear();  // BuildKit ignores the lexing error here: no heredocs
      }
      for (const auto& w : words)
        consider(w, false);
    }
    for (auto& doc : docs) {
      doc.first_line = m_line_no + 1;
      bool terminated = false;
      // Without `<<-` the body is the file's bytes from its first line to its last.
      const char* const body_begin = m_text.data() + m_at;
      const char* body_end = m_text.data() + m_text.size();
      std::string stripped;
      std::string_view raw;
      while (next_line(raw)) {
        std::string_view candidate = trim_newline(raw);
        if (doc.strip_tabs) {
          while (!candidate.empty() && candidate[0] == '\t')
            candidate.remove_prefix(1);
        }
        if (candidate == doc.delimiter) {
          terminated = true;
          body_end = raw.data();
          break;
        }
        if (doc.strip_tabs) {
          std::string_view body = raw;
          while (!body.empty() && body[0] == '\t')
            body.remove_prefix(1);
          stripped.append(body);
        }
      }
      if (doc.strip_tabs) {
        doc.content = keep(stripped);
      } else if (body_end > body_begin) {
        doc.content = std::string_view(body_begin, static_cast<std::size_t>(body_end - body_begin));
      }
      if (!terminated) {
        fail_at("unterminated heredoc " + std::string(doc.delimiter), ins.location.line, ins.location.column);
      }
      ins.end_line = m_line_no;
    }
    if (docs.empty()) return;
    model::Instruction& target = (ins.is("ONBUILD") && !ins.trigger.empty()) ? ins.trigger[0] : ins;
    target.heredocs = std::move(docs);
    if (&target != &ins) target.end_line = ins.end_line;
  }

  // ---- positions ----------------------------------------------------------------------------

  static model::Location locate(const Source& src, const char* at, const core::SharedString& file) {
    const auto offset = static_cast<std::size_t>(at - src.joined.data());
    const Segment* seg = &src.segments->front();
    for (const auto& s : *src.segments) {
      if (s.offset <= offset) seg = &s;
    }
    return {file, seg->line, seg->column + static_cast<int>(offset - seg->offset)};
  }

  // ---- expansion ----------------------------------------------------------------------------

  /// Quotes removed and escapes applied, variables left as written.
  std::string_view unquote(std::string_view raw) {
    if (!needs_lexing(raw, m_escape)) return raw;
    return unquote_lexed(raw);
  }

  /// unquote(raw) of a `raw` that needs lexing (its caller has looked).
  std::string_view unquote_lexed(std::string_view raw) {
    if (unquotes_to_itself(raw, m_escape)) return raw;
    LexOptions opt;
    opt.escape = m_escape;
    opt.skip_unset = true;
    std::string& out = m_s.word;
    std::string& error = m_s.error;
    if (!lex_word(raw, nullptr, opt, out, error, raw.size() * 4 + 64)) return raw;
    return same_or_kept(raw, out);
  }

  /// `raw` itself when `made` is the same text (no copy), else `made` kept in the arena.
  std::string_view same_or_kept(std::string_view raw, const std::string& made) {
    return std::string_view(made) == raw ? raw : keep(made);
  }

  std::string_view keep(std::string_view s) { return m_arena->keep(s); }

  /// `word` in upper case: itself when it is already, else a copy in the arena.
  std::string_view upper_keyword(std::string_view word) {
    for (char c : word) {
      if (c >= 'a' && c <= 'z') return keep(core::to_upper(word));
    }
    return word;
  }

  /// `word` in lower case: itself when it is already, else a copy in the arena.
  std::string_view lower_kept(std::string_view word) {
    for (char c : word) {
      if (c >= 'A' && c <= 'Z') return keep(core::to_lower(word));
    }
    return word;
  }

  /// BuildKit's ProcessWord with `env`; on an expansion error (which BuildKit reports only when
  /// the stage is built) the value stays as written.
  std::string_view expand(std::string_view raw, const Env* env) {
    if (env == nullptr) return unquote(raw);
    if (!needs_lexing(raw, m_escape)) {
      m_budget -= std::min(m_budget, raw.size());
      return raw;
    }
    return expand_lexed(raw, env);
  }

  /// expand(raw, env) of a `raw` that needs lexing (its caller has looked), `env` not null.
  std::string_view expand_lexed(std::string_view raw, const Env* env) {
    LexOptions opt;
    opt.escape = m_escape;
    std::string& out = m_s.word;
    std::string& error = m_s.error;
    if (!lex_word(raw, env, opt, out, error, m_budget)) {
      expansion_failed(raw, error);
      return raw;
    }
    m_budget -= std::min(m_budget, out.size());
    return same_or_kept(raw, out);
  }

  /// expand(raw, env) of a `raw` that needs no lexing (parse_words found it plain): itself, charged.
  std::string_view as_written(std::string_view raw, const Env* env) {
    if (env != nullptr) m_budget -= std::min(m_budget, raw.size());
    return raw;
  }

  /// `value` = unquote(raw), `expanded` = expand(raw, env), `raw`'s bytes looked at once when
  /// neither changes it (the common case).
  void unquote_and_expand(std::string_view raw, const Env* env, std::string_view& value, std::string_view& expanded) {
    if (needs_lexing(raw, m_escape)) {
      if (raw.find('$') == std::string_view::npos) {
        // Quotes or escapes but no variable: the expansion is the unquoted text, read once (when
        // the lexer fails or the budget is short, expand below reads it and records why).
        LexOptions opt;
        opt.escape = m_escape;
        opt.skip_unset = true;
        std::string& out = m_s.word;
        if (lex_word(raw, nullptr, opt, out, m_s.error, raw.size() * 4 + 64) && (env == nullptr || out.size() <= m_budget)) {
          value = same_or_kept(raw, out);
          if (env != nullptr) m_budget -= out.size();
          expanded = value;
          return;
        }
      }
      value = unquote_lexed(raw);
      expanded = env == nullptr ? value : expand_lexed(raw, env);
      return;
    }
    value = raw;
    if (env != nullptr) m_budget -= std::min(m_budget, raw.size());
    expanded = raw;
  }

  /// The words of `raw` expanded, appended to `into`.
  void expand_words(std::string_view raw, const Env* env, std::pmr::vector<std::string_view>& into) {
    if (env == nullptr) {
      into.push_back(unquote(raw));
      return;
    }
    if (!raw.empty() && !needs_lexing(raw, m_escape) && std::none_of(raw.begin(), raw.end(), is_space)) {
      // One word as written (lex_words would copy it): the same view, charged as lex_words would
      // (over the budget, it fails and `raw` is kept uncharged).
      if (raw.size() <= m_budget) m_budget -= raw.size();
      into.push_back(raw);
      return;
    }
    LexOptions opt;
    opt.escape = m_escape;
    std::vector<std::string>& out = m_s.words;
    std::string& error = m_s.error;
    if (!lex_words(raw, env, opt, out, error, m_budget)) {
      expansion_failed(raw, error);
      into.push_back(raw);
      return;
    }
    for (const auto& w : out) {
      m_budget -= std::min(m_budget, w.size());
      into.push_back(keep(w));
    }
  }

  /// The variables of the instruction being parsed: the current stage's, or the global scope's.
  Env* current_env() { return m_stage_env.empty() ? &m_global_env : &m_stage_env.back(); }

  // ---- flags --------------------------------------------------------------------------------

  static bool is_double_dash(const std::string& s) { return s.size() == 2 && s[0] == '-' && s[1] == '-'; }

  /// BuildKit's extractBuilderFlags: leading `--words`, quotes and escapes removed; each word a
  /// view of `line` when it is written there in one piece, else kept in the arena.
  template <class Words>
  std::string_view extract_flags(std::string_view line, Words& words) {
    enum Phase { in_spaces, in_word, in_quote };
    Phase phase = in_spaces;
    std::string& buf = m_s.flag;
    buf.clear();
    std::size_t start = 0;  // where the word being read begins in `line`
    const auto push = [&](std::size_t end) { words.push_back(same_or_kept(line.substr(start, end - start), buf)); };
    char quote = 0;
    bool blank_ok = false;
    const std::size_t n = line.size();
    for (std::size_t pos = 0; pos <= n; ++pos) {
      const char ch = pos < n ? line[pos] : '\0';
      if (phase == in_spaces) {
        if (pos == n) break;
        if (is_space(ch)) continue;
        if (ch != '-' || pos + 1 == n || line[pos + 1] != '-') return line.substr(pos);
        phase = in_word;
        start = pos;
      }
      if (pos == n) {
        if (!is_double_dash(buf) && (blank_ok || !buf.empty())) push(pos);
        break;
      }
      char c = ch;
      if (phase == in_word) {
        if (is_space(c)) {
          phase = in_spaces;
          if (is_double_dash(buf)) return line.substr(pos);
          if (blank_ok || !buf.empty()) push(pos);
          buf.clear();
          blank_ok = false;
          continue;
        }
        if (c == '\'' || c == '"') {
          quote = c;
          blank_ok = true;
          phase = in_quote;
          continue;
        }
        if (c == m_escape) {
          if (pos + 1 == n) continue;
          c = line[++pos];
        } else {
          // A run of ordinary bytes, appended at once (the loop's next byte ends it).
          std::size_t end = pos + 1;
          while (end < n && !is_space(line[end]) && line[end] != '\'' && line[end] != '"' && line[end] != m_escape)
            ++end;
          buf.append(line.substr(pos, end - pos));
          pos = end - 1;
          continue;
        }
        buf.push_back(c);
        continue;
      }
      if (c == quote) {
        phase = in_word;
        continue;
      }
      if (c == m_escape) {
        if (pos + 1 == n) {
          phase = in_word;
          continue;
        }
        c = line[++pos];
      }
      buf.push_back(c);
    }
    return {};
  }

  // ---- instructions -------------------------------------------------------------------------

  /// The flags of the instruction being read.
  using RawFlags = std::span<const RawFlag>;

  template <class Words, class Out>
  static void split_flags(const Words& words, Out& out) {
    out.reserve(words.size());
    for (const std::string_view w : words) {
      RawFlag f;
      const std::size_t eq = w.find('=');
      f.name = w.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
      if (eq != std::string_view::npos) {
        f.value = w.substr(eq + 1);
        f.has_value = true;
      }
      out.push_back(f);
    }
  }

  template <std::size_t N>
  static void validate_flags(const RawFlags& flags, const FlagSpec (&spec)[N]) {
    static_assert(N <= 32);
    std::uint32_t used = 0;  // bit i: spec[i] seen
    for (const auto& f : flags) {
      std::size_t s = N;
      for (std::size_t i = 0; i < N; ++i) {
        if (core::same(spec[i].name, f.name)) s = i;
      }
      const auto shown = [&f] { return "--" + std::string(f.name); };
      if (s == N) fail("unknown flag: " + shown());
      const std::uint32_t bit = std::uint32_t{1} << s;
      if (spec[s].type != FlagSpec::strings && (used & bit) != 0) fail("duplicate flag specified: " + shown());
      used |= bit;
      if (spec[s].type == FlagSpec::boolean) {
        if (f.has_value && f.value.empty()) fail("missing a value on flag: " + shown());
        if (!core::same_lower(f.value, "true") && !core::same_lower(f.value, "false") && !f.value.empty()) {
          fail("expecting boolean value for flag " + shown() + ", not: " + std::string(f.value));
        }
      } else if (!f.has_value) {
        fail("missing a value on flag: " + shown());
      }
    }
  }

  static void no_flags(const RawFlags& flags) {
    if (!flags.empty()) fail("unknown flag: --" + std::string(flags.front().name));
  }

  /// parseMaybeJSON: exec form when `rest` is a JSON array of strings.
  bool maybe_json(std::string_view rest, std::pmr::vector<std::string_view>& out) {
    const std::string_view t = trim_left_space(rest);
    if (t.empty() || t[0] != '[') return false;
    switch (json_string_array(t, m_s.json, *m_arena)) {
      case JsonResult::ok:
        out.insert(out.end(), m_s.json.begin(), m_s.json.end());  // views of the text or the arena
        return true;
      case JsonResult::not_strings:
        fail("when using JSON array syntax, arrays must be comprised of strings only", true);
      case JsonResult::not_json:
        break;
    }
    return false;
  }

  /// An instruction's line cut at its keyword.
  struct Head {
    std::string_view trimmed;  ///< the line without the spaces around it
    std::string_view word;     ///< the keyword as written
    std::string_view after;    ///< what follows it, without the spaces before
    std::string_view name;     ///< the keyword's upper-case spelling when it is known
    Kw kw = Kw::unknown;
  };

  static Head head_of(std::string_view line) {
    Head h;
    h.trimmed = trim_space(line);
    std::size_t k = 0;
    while (k < h.trimmed.size() && !is_ws_sep(h.trimmed[k]))
      ++k;
    h.word = h.trimmed.substr(0, k);
    h.after = h.trimmed.substr(k);
    while (!h.after.empty() && is_ws_sep(h.after[0]))
      h.after.remove_prefix(1);
    // Read once: its Kw for parse_args, and its upper-case spelling (the file's bytes when they are).
    h.kw = keyword_of(h.word, h.name);
    return h;
  }

  model::Instruction instruction(const Source& src, std::string_view line, int line_no, int column, bool trigger) {
    model::Instruction ins(m_lists);
    fill(ins, head_of(line), src, line_no, column, trigger);
    return ins;
  }

  /// The instruction `h` begins, read into `ins` (new, in the tree's lists).
  void fill(model::Instruction& ins, const Head& h, const Source& src, int line_no, int column, bool trigger) {
    const std::string_view trimmed = h.trimmed;
    const std::string_view word = h.word;
    const std::string_view after = h.after;
    const std::string_view name = h.name;
    const Kw kw = h.kw;
    ins.keyword = kw == Kw::unknown ? upper_keyword(word) : core::same(name, word) ? word : keep(name);
    ins.text = trimmed;
    ins.location = model::Location{m_path, line_no, column};
    ins.end_line = line_no;
    // The flags: in the thread's buffers for a line's instruction, in the tree's lists for a
    // trigger (read while its ONBUILD's flags are held).
    std::string_view rest;
    RawFlags flags;
    std::pmr::vector<std::string_view> trigger_words(m_lists);
    std::pmr::vector<RawFlag> trigger_flags(m_lists);
    const auto read_flags = [&](auto& words, auto& raw) {
      words.clear();
      raw.clear();
      // A suffix of `trimmed`: no space at its end.
      rest = trim_left_space(extract_flags(after, words));
      if (!words.empty()) split_flags(words, raw);
      flags = RawFlags(raw.data(), raw.size());
    };
    if (trigger) {
      read_flags(trigger_words, trigger_flags);
    } else {
      read_flags(m_s.flag_words, m_s.raw_flags);
    }
    ins.command = rest;
    // ARG values are expanded when used (BuildKit defers their errors); triggers when a child runs them.
    const bool judged = !trigger && !ins.is("ARG");
    m_expanding_line = judged ? line_no : 0;
    m_expanding_column = column;
    m_pending_expansion.reset();
    try {
      parse_args(ins, kw, src, rest, flags, trigger);
    } catch (Failure& f) {
      if (trigger && !f.syntactic) {
        // BuildKit checks a trigger's arguments only when a child image runs it.
        ins.args.clear();
        ins.pairs.clear();
      } else {
        if (f.line == 0) {
          f.line = line_no;
          f.column = column;
        }
        throw;
      }
    }
    ins.flags.reserve(flags.size());
    for (auto& f : flags) {
      model::InstructionFlag out;
      out.name = lower_kept(f.name);  // views of the instruction's text or the arena: no copy
      out.value = f.value;
      out.expanded = out.value;
      ins.flags.push_back(out);
    }
    if (!trigger) expand_flags(ins);
    m_expanding_line = 0;
  }

  /// Flags BuildKit expands: COPY/ADD --chown/--chmod (ADD --checksum), RUN --mount, FROM
  /// --platform (global scope).
  void expand_flags(model::Instruction& ins) {
    for (auto& f : ins.flags) {
      bool yes = false;
      const Env* env = current_env();
      using core::same;
      if (ins.is("COPY")) yes = same(f.name, "chown") || same(f.name, "chmod");
      if (ins.is("ADD")) yes = same(f.name, "chown") || same(f.name, "chmod") || same(f.name, "checksum");
      if (ins.is("RUN")) yes = same(f.name, "mount");
      if (ins.is("FROM")) {
        yes = same(f.name, "platform");
        env = &m_global_env;
      }
      if (yes) f.expanded = expand(f.value, env);
    }
  }

  void parse_args(model::Instruction& ins, Kw kw, const Source& src, std::string_view rest, const RawFlags& flags,
                  bool trigger) {
    const Env* env = trigger ? nullptr : current_env();
    switch (kw) {
      case Kw::unknown:
        if (trigger) return;
        fail("unknown instruction: " + std::string(ins.keyword));
      case Kw::from: {
        // Split into the arguments themselves (only the image is expanded).
        auto& words = ins.args;
        split_ws(rest, words);
        validate_flags(flags, k_from_flags);
        if (words.size() == 3 && core::same_lower(words[1], "as")) {
          // The name in lower case (its bytes folded one by one, not copied).
          const std::string_view name = words[2];
          const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
          bool valid = !name.empty() && lower(name[0]) >= 'a' && lower(name[0]) <= 'z';
          for (const char raw : name) {
            const char c = lower(raw);
            valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
          }
          if (!valid) {
            fail("invalid name for build stage: \"" + std::string(words[2]) +
                 "\", name can't start with a number or contain symbols");
          }
        } else if (words.size() != 1) {
          fail("FROM requires either one or three arguments");
        }
        if (!trigger) ins.args[0] = expand(ins.args[0], &m_global_env);
        return;
      }
      case Kw::run:
      case Kw::cmd:
      case Kw::entrypoint: {
        if (kw == Kw::run) {
          validate_flags(flags, k_run_flags);
        } else {
          no_flags(flags);
        }
        if (rest.empty()) return;
        if (maybe_json(rest, ins.args)) {
          ins.json_form = true;
        } else {
          ins.args.emplace_back(rest);
        }
        return;
      }
      case Kw::shell: {
        no_flags(flags);
        if (!rest.empty() && maybe_json(rest, ins.args)) ins.json_form = true;
        if (rest.empty() || (ins.json_form && ins.args.empty())) fail("SHELL requires at least one argument");
        if (!ins.json_form) fail("SHELL requires the arguments to be in JSON form");
        return;
      }
      case Kw::add:
      case Kw::copy:
      case Kw::volume: {
        // Read into the arguments themselves, then expanded in place.
        auto& raw = ins.args;
        if (maybe_json(rest, raw)) {
          ins.json_form = true;
        } else {
          split_ws(rest, raw);
        }
        if (kw == Kw::volume) {
          if (raw.empty()) fail("VOLUME requires at least one argument");
          no_flags(flags);
          for (auto& v : raw) {
            if (trim_space(v).empty()) fail("VOLUME specified can not be an empty string");
            v = trim_space(expand(v, env));
          }
          return;
        }
        const char* name = kw == Kw::add ? "ADD" : "COPY";
        if (raw.size() < 2) {
          fail(std::string(name) +
               " requires at least two arguments, but only one was provided. Destination could not "
               "be determined");
        }
        if (kw == Kw::add) {
          validate_flags(flags, k_add_flags);
        } else {
          validate_flags(flags, k_copy_flags);
        }
        model::Heredoc probe;
        if (heredoc_word(raw.back(), probe, true)) fail(std::string(name) + " cannot accept a heredoc as a destination");
        for (std::size_t i = 0; i < raw.size(); ++i) {
          model::Heredoc doc;
          const bool is_doc = i + 1 < raw.size() && !ins.json_form && heredoc_word(raw[i], doc, true);
          if (!is_doc) raw[i] = expand(raw[i], env);
        }
        return;
      }
      case Kw::expose: {
        no_flags(flags);
        const auto words = split_ws(rest, m_lists);
        if (words.empty()) fail("EXPOSE requires at least one argument");
        ins.args.reserve(words.size());
        for (auto w : words)
          expand_words(w, env, ins.args);
        return;
      }
      case Kw::user:
      case Kw::workdir:
      case Kw::stopsignal:
      case Kw::maintainer: {
        if (rest.empty()) fail(std::string(ins.keyword) + " requires exactly one argument");
        if (kw != Kw::stopsignal) no_flags(flags);
        ins.args.push_back(kw == Kw::maintainer ? rest : expand(rest, env));
        return;
      }
      case Kw::env:
      case Kw::label:
        name_values(ins, src, rest, env);
        no_flags(flags);
        return;
      case Kw::arg:
        args(ins, src, rest, env);
        no_flags(flags);
        return;
      case Kw::healthcheck:
        healthcheck(ins, rest, flags);
        return;
      case Kw::onbuild: {
        if (rest.empty()) fail("ONBUILD requires at least one argument");
        int trig_line = ins.location.line;
        int trig_col = ins.location.column;
        if (src.segments != nullptr && !src.segments->empty()) {
          const model::Location l = locate(src, rest.data(), m_path);
          trig_line = l.line;
          trig_col = l.column;
        }
        model::Instruction t = instruction(src, rest, trig_line, trig_col, true);
        no_flags(flags);
        if (t.is("ONBUILD")) fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (t.is("MAINTAINER") || t.is("FROM")) fail(std::string(t.keyword) + " isn't allowed as an ONBUILD trigger");
        ins.trigger.push_back(std::move(t));
        return;
      }
    }
  }

  void name_values(model::Instruction& ins, const Source& src, std::string_view rest, const Env* env) {
    std::vector<RawWord>& words = m_s.raw_words;  // no ENV/LABEL/ARG is read inside another
    parse_words(rest, m_escape, words);
    if (words.empty()) fail(std::string(ins.keyword) + " requires at least one argument");
    if (words[0].text.find('=') == std::string::npos) {
      // Legacy `ENV name value...`
      std::size_t k = 0;
      while (k < rest.size() && !is_ws_sep(rest[k]))
        ++k;
      std::size_t v = k;
      while (v < rest.size() && is_ws_sep(rest[v]))
        ++v;
      if (k == rest.size()) fail(std::string(ins.keyword) + " must have two arguments", true);
      model::KeyValue kv;
      kv.key = rest.substr(0, k);
      unquote_and_expand(rest.substr(v), env, kv.value, kv.expanded);
      kv.location = locate(src, rest.data(), m_path);
      ins.pairs.push_back(std::move(kv));
      return;
    }
    ins.pairs.reserve(words.size());
    for (const auto& w : words) {
      const std::size_t eq = w.text.find('=');
      if (eq == std::string::npos) {
        fail("Syntax error - can't find = in \"" + std::string(w.text) + "\". Must be of the form: name=value", true);
      }
      if (eq == 0) fail(std::string(ins.keyword) + " names can not be blank");
      model::KeyValue kv;
      const std::string_view raw_key = w.text.substr(0, eq);
      const std::string_view raw_value = w.text.substr(eq + 1);
      if (w.plain) {
        kv.key = as_written(raw_key, env);
        kv.value = raw_value;
        kv.expanded = as_written(raw_value, env);
      } else {
        kv.key = expand(raw_key, env);
        unquote_and_expand(raw_value, env, kv.value, kv.expanded);
      }
      kv.location = locate(src, rest.data() + w.offset, m_path);
      ins.pairs.push_back(std::move(kv));
    }
  }

  void args(model::Instruction& ins, const Source& src, std::string_view rest, const Env* env) {
    std::vector<RawWord>& words = m_s.raw_words;  // no ENV/LABEL/ARG is read inside another
    parse_words(rest, m_escape, words);
    if (words.empty()) fail("ARG requires at least one argument");
    ins.pairs.reserve(words.size());
    for (const auto& w : words) {
      model::KeyValue kv;
      const std::size_t eq = w.text.find('=');
      if (eq == 0) fail("ARG names can not be blank");
      kv.location = locate(src, rest.data() + w.offset, m_path);
      if (eq == std::string::npos) {
        kv.key = w.text;
        kv.has_value = false;
      } else {
        kv.key = w.text.substr(0, eq);
        const std::string_view raw_value = w.text.substr(eq + 1);
        if (w.plain) {
          kv.value = raw_value;
          kv.expanded = as_written(raw_value, env);
        } else {
          unquote_and_expand(raw_value, env, kv.value, kv.expanded);
        }
      }
      ins.pairs.push_back(std::move(kv));
      if (env == nullptr) continue;
      // ARGs are defined one after another: `ARG A=1 B=$A` sees A.
      Env* scope = current_env();
      const model::KeyValue& d = ins.pairs.back();
      if (d.has_value) {
        scope->set(d.key, d.expanded);
      } else if (scope != &m_global_env) {
        if (const std::string_view* g = m_global_env.get(d.key)) scope->set(d.key, *g);
      }
      env = scope;
    }
  }

  void healthcheck(model::Instruction& ins, std::string_view rest, const RawFlags& flags) {
    std::size_t sep = 0;
    while (sep < rest.size() && !is_space(rest[sep]))
      ++sep;
    std::size_t next = sep;
    while (next < rest.size() && is_space(rest[next]))
      ++next;
    if (sep == 0) fail("HEALTHCHECK requires at least one argument");
    const std::string_view type = rest.substr(0, sep);  // in upper case: CMD, NONE or another
    const std::string_view cmd = rest.substr(next);
    const bool none = same_folded(type, "NONE");
    const bool is_cmd = same_folded(type, "CMD");
    ins.args.push_back(none ? std::string_view("NONE") : is_cmd ? std::string_view("CMD") : keep(core::to_upper(type)));
    // The exec form's elements after the type (a failure below discards the arguments).
    const std::size_t first_element = ins.args.size();
    const bool json = !cmd.empty() && maybe_json(cmd, ins.args);
    if (none) {
      if (!cmd.empty()) fail("HEALTHCHECK NONE takes no arguments");
      ins.command = {};
      return;
    }
    validate_flags(flags, k_health_flags);
    if (!is_cmd) fail("Unknown type \"" + core::to_upper(type) + "\" in HEALTHCHECK (try CMD)");
    ins.json_form = json;
    if (json) {
      if (ins.args.size() == first_element) fail("Missing command after HEALTHCHECK CMD");
    } else {
      if (cmd.empty()) fail("Missing command after HEALTHCHECK CMD");
      ins.args.emplace_back(cmd);
    }
    ins.command = cmd;
    for (const auto& f : flags) {
      if (core::same(f.name, "retries")) {
        std::string_view v = f.value;
        bool negative = false;
        if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
          negative = v[0] == '-';
          v.remove_prefix(1);
        }
        bool ok = !v.empty() && v.size() <= 10;
        long long n = 0;
        for (char c : v) {
          ok = ok && c >= '0' && c <= '9';
          if (ok) n = n * 10 + (c - '0');
        }
        if (!ok || n > (negative ? 2147483648LL : 2147483647LL)) {
          fail("strconv.ParseInt: parsing \"" + std::string(f.value) + "\": invalid syntax");
        }
        if (negative && n > 0) fail("--retries cannot be negative (-" + std::to_string(n) + ")");
        continue;
      }
      double seconds = 0;
      if (f.value.empty()) continue;
      if (!parse_duration(f.value, seconds)) fail("time: invalid duration \"" + std::string(f.value) + "\"");
      if (seconds != 0 && seconds < 1e-3) fail("Interval \"" + std::string(f.name) + "\" cannot be less than 1ms");
    }
  }

  // ---- stages -------------------------------------------------------------------------------

  /// The instruction of a line (and its heredoc bodies, read from the lines after it) into `ins`.
  void read_instruction(model::Instruction& ins, const Head& head, const Source& src, int line_no, int column,
                        int last_line) {
    fill(ins, head, src, line_no, column, false);
    ins.end_line = last_line;
    read_heredocs(ins, src);
    read_run_scripts((ins.is("ONBUILD") && !ins.trigger.empty()) ? ins.trigger[0] : ins, *m_arena);
    if (!m_pending_ignores.empty()) {
      auto& ids = m_df.ignores[line_no];
      ids.insert(ids.end(), m_pending_ignores.begin(), m_pending_ignores.end());
      m_pending_ignores.clear();
    }
  }

  /// place() of an instruction read in its place at the end of the current stage (not FROM).
  void settle_in_stage(const model::Instruction& ins) {
    if (m_pending_expansion) {
      auto& e = m_stage_errors[m_df.stages.size() - 1];
      if (!e) e = std::move(m_pending_expansion);
      m_pending_expansion.reset();
    }
    if (ins.is("ENV")) {
      // All values of one ENV are expanded before any is set (`ENV A=1 B=$A` sees the old A).
      for (const auto& kv : ins.pairs)
        m_stage_env.back().set(kv.key, kv.expanded);
    }
  }

  void place(model::Instruction&& ins) {
    std::optional<Failure> expansion = std::move(m_pending_expansion);
    m_pending_expansion.reset();
    if (expansion && ins.is("FROM")) {
      if (!m_from_error) m_from_error = expansion;
    } else if (expansion && !m_df.stages.empty()) {
      auto& e = m_stage_errors[m_df.stages.size() - 1];
      if (!e) e = expansion;
    }
    if (ins.is("FROM")) {
      m_stage_errors.emplace_back();
      model::Stage stage(m_lists);
      stage.index = static_cast<int>(m_df.stages.size());
      stage.base = ins.args.empty() ? std::string_view() : ins.args[0];
      if (ins.args.size() == 3) stage.name = lower_kept(ins.args[2]);
      if (const auto* p = ins.flag("platform")) stage.platform = p->expanded;
      Env env(m_lists);
      // The latest stage of that name (a name given twice: the later one, as a map would keep).
      for (auto it = m_stage_names.rbegin(); it != m_stage_names.rend(); ++it) {
        if (core::same_lower(stage.base, it->first)) {
          stage.base_stage = it->second;
          env = m_stage_env[static_cast<std::size_t>(it->second)];
          break;
        }
      }
      if (!stage.name.empty()) m_stage_names.emplace_back(stage.name, stage.index);
      stage.instructions.reserve(16);  // a stage's usual length: no regrowth moving instructions
      stage.instructions.push_back(std::move(ins));
      m_df.stages.push_back(std::move(stage));
      m_stage_env.push_back(std::move(env));
      return;
    }
    if (m_df.stages.empty()) {
      if (ins.is("ARG")) {
        m_df.global_args.push_back(std::move(ins));
      } else if (!m_deferred) {
        m_deferred = Failure{"no build stage in current context (" + std::string(ins.keyword) + " before the first FROM: only ARG may come before it)",
                             ins.location.line,
                             ins.location.column, false};
      }
      return;
    }
    if (ins.is("ENV")) {
      // All values of one ENV are expanded before any is set (`ENV A=1 B=$A` sees the old A).
      for (const auto& kv : ins.pairs)
        m_stage_env.back().set(kv.key, kv.expanded);
    }
    m_df.stages.back().instructions.push_back(std::move(ins));
  }

  std::shared_ptr<TreeMemory> m_memory;
  std::shared_ptr<core::TextArena> m_arena;  // m_memory's text
  std::pmr::memory_resource* m_lists;        // m_memory's lists
  std::string_view m_text;
  core::SharedString m_path;
  /// The thread's buffers, or this parse's own when they are held.
  Scratch& take_scratch() {
    Scratch& t = thread_scratch();
    if (!t.busy) {
      t.busy = true;
      return t;
    }
    m_own_scratch = std::make_unique<Scratch>();
    return *m_own_scratch;
  }

  std::unique_ptr<Scratch> m_own_scratch;  // declared before m_s, which may refer to it
  Scratch& m_s;
  std::size_t m_at = 0;  // where the next line begins in m_text
  int m_line_no = 0;     // lines read so far
  model::Dockerfile m_df;
  char m_escape = '\\';
  bool m_directives_done = false;
  std::vector<std::string> m_pending_ignores;
  Env m_global_env;
  std::pmr::vector<Env> m_stage_env;
  /// `AS name` (lower case) -> stage index, in order.
  std::pmr::vector<std::pair<std::string_view, int>> m_stage_names;
  std::optional<Failure> m_deferred;
  std::size_t m_budget = 0;
  // Expansion errors: where the instruction being read starts (0: not judged), its first error,
  // the first of a FROM line, the first of each stage.
  int m_expanding_line = 0;
  int m_expanding_column = 0;
  std::optional<Failure> m_pending_expansion;
  std::optional<Failure> m_from_error;
  std::pmr::vector<std::optional<Failure>> m_stage_errors;
};

}  // namespace

core::Expected<model::Dockerfile> dockerfile(std::string_view text, std::string_view path) { return Parser(text, path).run(); }

}  // namespace drydock::parse
