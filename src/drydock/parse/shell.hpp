#pragma once
/// A small POSIX shell reader for the commands of RUN instructions: enough structure for lint
/// rules to see commands and their arguments, not substrings ("echo 'apt-get update'" is an
/// echo, not an update).

#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/arena.hpp"

namespace drydock::parse {

/// One simple command: its words with quotes removed (variables left as written: "$HOME").
struct ShellCommand {
  std::vector<std::string> words;  ///< words[0] is the program, after leading VAR=value assignments
  std::vector<std::string> assignments;  ///< leading `VAR=value` words
  /// How this command is joined to the NEXT one: "&&", "||", ";", "|", "&", or "" for the last.
  std::string next_operator;
  bool in_pipeline_after_pipe = false;  ///< true when the previous operator was "|"
  int subshell_depth = 0;               ///< nesting inside ( ... ) or { ...; }
};

/// Splits a shell command line (continuations already joined, or `\`-newline still in it:
/// both handled) into simple commands. Understands single and double quotes, backslash
/// escapes, `$(...)` and backticks (kept inside their word), comments, `&&`, `||`, `;`, `|`,
/// `&`, newlines, subshells and brace groups, and `sh -c '...'` is NOT expanded (callers may
/// split the inner string again). Never fails: unbalanced quotes end at the end of the text.
std::vector<ShellCommand> shell_commands(std::string_view script);

/// One simple command as views: each word the script's own bytes where it is written in one
/// piece there, else text kept in the arena; the operator a literal.
struct ShellWords {
  ShellWords() = default;
  explicit ShellWords(std::pmr::memory_resource* lists) : words(lists), assignments(lists) {}
  std::pmr::vector<std::string_view> words;
  std::pmr::vector<std::string_view> assignments;
  std::string_view next_operator;
  bool in_pipeline_after_pipe = false;
  int subshell_depth = 0;
};

/// shell_commands without a string per word: `script` and `arena` must outlive the views; the
/// list of commands and their lists of words are made in `lists` (which must outlive them too).
std::pmr::vector<ShellWords> shell_words(std::string_view script, core::TextArena& arena,
                                    std::pmr::memory_resource* lists = std::pmr::get_default_resource());

/// The program name of a command without its directory ("/usr/bin/apt-get" -> "apt-get").
std::string program_name(const ShellCommand& command);

}  // namespace drydock::parse
