#pragma once
/// Private helpers of the Dockerfile parser: BuildKit's word lexer (quote removal and variable
/// expansion, frontend/dockerfile/shell), its word splitter for ENV/LABEL/ARG, and the JSON
/// string-array reader of the exec form. Not a public interface.

#include <cstddef>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/core/arena.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::parse::dockerfile_detail {

/// Variables visible to an expansion, in definition order (a handful per stage): views of names
/// and values kept by the Dockerfile being parsed (its bytes or its arena).
class Env {
 public:
  /// The list of variables in `lists` (a parse's arena: no allocation of its own).
  explicit Env(std::pmr::memory_resource* lists = std::pmr::get_default_resource()) : m_vars(lists) {}

  [[nodiscard]] const std::string_view* get(std::string_view name) const {
    for (const auto& [k, v] : m_vars) {
      if (core::same(k, name)) return &v;
    }
    return m_fallback == nullptr ? nullptr : m_fallback(name);
  }
  /// Consulted for names not set here (BuildKit's automatic global ARGs).
  void set_fallback(const std::string_view* (*fallback)(std::string_view)) { m_fallback = fallback; }
  void set(std::string_view name, std::string_view value) {
    for (auto& [k, v] : m_vars) {
      if (core::same(k, name)) {
        v = value;
        return;
      }
    }
    if (m_vars.empty()) m_vars.reserve(8);  // a stage's usual count: no regrowth in the arena
    m_vars.emplace_back(name, value);
  }

 private:
  std::pmr::vector<std::pair<std::string_view, std::string_view>> m_vars;
  const std::string_view* (*m_fallback)(std::string_view) = nullptr;
};

struct LexOptions {
  char escape = '\\';
  bool raw_quotes = false;   ///< keep quote characters in the result
  bool raw_escapes = false;  ///< keep escape characters in the result
  /// Leave references to unset variables as written (`$X`, `${X:-d}`) instead of "".
  bool skip_unset = false;
};

/// BuildKit's ProcessWord: quotes removed, escapes applied, variables from `env` (nullptr: none
/// set) expanded. Returns false with `error` set on a syntax error (unterminated quote, bad
/// substitution). `budget` bounds the bytes produced (nested ${...} included); exceeding it fails.
/// Callers test needs_lexing first (a word that needs none is its own result): this one lexes.
bool lex_word(std::string_view word, const Env* env, const LexOptions& options, std::string& out,
              std::string& error, std::size_t budget);

/// True when lex_word would change `word` (it has a quote, `$` or the escape): else the word is
/// its own result.
bool needs_lexing(std::string_view word, char escape);

/// BuildKit's ProcessWords: like lex_word, then split on unquoted whitespace. `out` is
/// overwritten (its strings' room reused); on an error its contents are unspecified.
bool lex_words(std::string_view word, const Env* env, const LexOptions& options,
               std::vector<std::string>& out, std::string& error, std::size_t budget);

/// A word of BuildKit's parseWords (quotes and escapes kept): a view into the input, and its byte
/// offset there.
struct RawWord {
  std::string_view text;
  std::size_t offset = 0;
  /// No quote, escape or `$` in it: any part of it is its own unquoted and expanded value
  /// (needs_lexing is false for each).
  bool plain = false;
};
/// Into `words` (cleared first: a caller's list reused from call to call keeps its room).
void parse_words(std::string_view rest, char escape, std::vector<RawWord>& words);

enum class JsonResult { ok, not_json, not_strings };
/// `["a", "b"]` -> ok with the unescaped strings; invalid JSON -> not_json (the caller falls
/// back to shell form); valid JSON that is not an array of strings -> not_strings. Each string is
/// a view of `text` when it has no escape, else its value kept in `arena`.
JsonResult json_string_array(std::string_view text, std::vector<std::string_view>& out, core::TextArena& arena);

/// Shell-pattern helpers of `${VAR%pat}`, `${VAR#pat}`, `${VAR/pat/repl}` (`*`, `?`, `\x`).
bool glob_match(std::string_view pattern, std::string_view text);

/// Space as Go's unicode.IsSpace sees ASCII.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

inline std::string_view trim_space(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace drydock::parse::dockerfile_detail
