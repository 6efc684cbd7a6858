#pragma once
/// A Dockerfile as BuildKit reads it: directives, stages, instructions with their flags,
/// forms, heredocs, and values expanded where BuildKit expands them. Every node has a
/// location (1-based line and column).
///
/// The text of every node is a view: into the file's own bytes where it is written in one piece,
/// else into text the parser made (joined continuation lines, words unquoted or expanded); both
/// kept by the Dockerfile's arena (`Dockerfile::text`), which copies of the Dockerfile share. An
/// instruction standing alone (an image's history step) keeps its own (`Instruction::owner`).
///
/// The lists of a parsed tree (each stage's instructions, an instruction's flags, args, pairs,
/// heredocs, commands and trigger, a command's words) are `std::pmr::vector`s in memory that
/// lives as long as that arena (one block a file, freed at once, not one allocation a list). A
/// copy of a list (of an instruction, a stage, the Dockerfile) is on the heap and stands alone;
/// a list moved out of the tree must not outlive the tree's arena, as its views must not.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/arena.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/model/location.hpp"
#include "drydock/model/policy.hpp"

namespace drydock::model {

/// `--name=value` before an instruction's arguments (`--from=build`, `--mount=type=secret,id=x`,
/// `--chown=1000:1000`, `--platform=$BUILDPLATFORM`, `--link`, `--network=none`, ...).
struct InstructionFlag {
  std::string_view name;      ///< without the dashes, lower case: "from", "mount", "chown"
  std::string_view value;     ///< "" for a flag without a value (`--link`)
  std::string_view expanded;  ///< value after ARG/ENV expansion where BuildKit expands it, else = value
};

/// `<<EOF ... EOF` attached to an instruction (RUN, COPY, ADD).
struct Heredoc {
  std::string_view delimiter;  ///< "EOF"
  std::string_view content;    ///< the body, with tabs stripped for `<<-`
  bool expand = true;       ///< false when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`)
  bool strip_tabs = false;  ///< `<<-`
  int first_line = 0;       ///< line of the first body line
};

/// A simple command a RUN executes, after `sudo`, `env` and leading assignments are looked through.
struct RunCommand {
  RunCommand() = default;
  /// With its words in `lists` (the Dockerfile's memory, see `Dockerfile::text`).
  explicit RunCommand(std::pmr::memory_resource* lists) : words(lists) {}

  std::pmr::vector<std::string_view> words;  ///< words[0] is the program as written; quotes removed, variables as written
  std::string_view program;             ///< words[0] without its directory ("" when there are no words)
  bool sudo = false;               ///< was run through sudo
  /// The checks' reading of the command through their package-manager table
  /// (checks::packages::invocation), kept by the first rule that reads it for the ten others:
  /// 0 until then. Not the parser's: the words must not change once a rule has read them.
  mutable std::uint32_t package_reading = 0;
  std::string_view next_operator;  ///< how it is joined to the next command: "&&", "||", ";", "|", "&" or ""
  bool after_pipe = false;         ///< the previous command of the script pipes into this one
  int subshell_depth = 0;          ///< nesting inside ( ... ) or { ...; }
};

/// True for the programs that run shell scripts: sh, bash, ash, dash, zsh, ksh, mksh.
inline bool is_shell(std::string_view program) {
  using core::same;
  return same(program, "sh") || same(program, "bash") || same(program, "ash") || same(program, "dash") || same(program, "zsh") ||
         same(program, "ksh") || same(program, "mksh");
}

/// One shell script of a RUN: the command line, a heredoc body run as a script, or the string
/// given to `sh -c` (read again). Its commands are `Instruction::commands[first, first + count)`.
struct RunScript {
  std::size_t first = 0;
  std::size_t count = 0;
  bool nested = false;          ///< the argument of `sh -c` inside another script
  bool shell_pipefail = false;  ///< the `sh -c` that runs it was given `-o pipefail`
  bool exec_form = false;       ///< a JSON-form RUN (no shell unless it calls one)
};

/// A `KEY=value` of ENV, LABEL or ARG (ARG: `has_value` false for `ARG NAME`).
struct KeyValue {
  std::string_view key;
  std::string_view value;     ///< as written, quotes removed
  std::string_view expanded;  ///< after ARG/ENV expansion (ENV, LABEL and ARG defaults are expanded)
  bool has_value = true;
  Location location;
};

struct Instruction {
  Instruction() = default;
  /// With its lists in `lists` (the Dockerfile's memory, see `Dockerfile::text`); a copy's lists
  /// are on the heap.
  explicit Instruction(std::pmr::memory_resource* lists)
      : flags(lists), args(lists), pairs(lists), heredocs(lists), commands(lists), scripts(lists), trigger(lists) {}

  std::string_view keyword;  ///< upper case: "FROM", "RUN", "COPY", ...
  std::string_view text;     ///< the whole instruction as written, continuations joined (for evidence)
  Location location;    ///< line and column of the keyword
  int end_line = 0;     ///< last line (continuations, heredoc bodies)
  std::pmr::vector<InstructionFlag> flags;

  /// Exec (JSON) form: `["executable", "arg"]` for RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD,
  /// VOLUME, HEALTHCHECK CMD; `args` then holds the unescaped elements.
  bool json_form = false;
  /// Shell form: the command text after the flags, continuations joined (RUN, CMD, ENTRYPOINT,
  /// HEALTHCHECK CMD); for other instructions, the raw argument text.
  std::string_view command;
  /// The arguments, split as BuildKit splits them for this instruction (FROM: image [AS name];
  /// COPY/ADD: sources..., destination; EXPOSE: ports; USER: one; WORKDIR: one; VOLUME: paths;
  /// HEALTHCHECK: "NONE" or "CMD" followed by the command in `command`/`args`), after
  /// expansion where BuildKit expands them.
  std::pmr::vector<std::string_view> args;
  std::pmr::vector<KeyValue> pairs;  ///< ENV, LABEL, ARG
  std::pmr::vector<Heredoc> heredocs;
  /// RUN: what it executes, read once by the parser: every command of every script, in order,
  /// and the scripts as ranges of `commands`. Empty for other instructions.
  std::pmr::vector<RunCommand> commands;
  std::pmr::vector<RunScript> scripts;
  /// ONBUILD's trigger instruction (0 or 1 element).
  std::pmr::vector<Instruction> trigger;
  /// The arena holding this instruction's text when it stands alone (parse::history_instruction);
  /// null in a Dockerfile, whose `text` holds it.
  std::shared_ptr<const core::TextArena> owner;

  /// True when the keyword is `upper` (compared in line: no strlen, no library call).
  [[nodiscard]] bool is(std::string_view upper) const { return core::same(keyword, upper); }

  /// The flag with this name, or nullptr.
  [[nodiscard]] const InstructionFlag* flag(std::string_view name) const {
    for (const auto& f : flags) {
      if (core::same(f.name, name)) return &f;
    }
    return nullptr;
  }
};

struct Stage {
  Stage() = default;
  /// With its instructions in `lists` (the Dockerfile's memory, see `Dockerfile::text`).
  explicit Stage(std::pmr::memory_resource* lists) : instructions(lists) {}

  std::string_view base;      ///< FROM's image reference, expanded ("ubuntu:22.04", "scratch", "builder")
  std::string_view name;      ///< `AS name`, lower case; "" when unnamed
  std::string_view platform;  ///< --platform, expanded
  int base_stage = -1;   ///< index of the earlier stage FROM refers to, -1 for an image
  int index = 0;
  /// The stage's instructions, FROM first.
  std::pmr::vector<Instruction> instructions;
};

struct Dockerfile {
  core::SharedString path;  ///< as given ("-" for stdin); shared with every location in the file
  /// The bytes every view of the tree points into (the file's, and the text the parser made);
  /// shared by copies of the Dockerfile. It also keeps the memory of the parsed tree's lists
  /// (declared before `stages`, so it is freed after them).
  std::shared_ptr<const core::TextArena> text;
  /// Parser directives at the top (`# syntax=...`, `# escape=...`, `# check=...`), lower-case keys.
  std::map<std::string, std::string> directives;
  char escape = '\\';
  std::vector<Instruction> global_args;  ///< ARG instructions before the first FROM
  std::vector<Stage> stages;
  /// `# drydock ignore=ID,ID` comments: the line they apply to (the next instruction's line)
  /// -> the check ids, CIS numbers or aliases named.
  std::map<int, std::vector<std::string>> ignores;
  /// The policy's trusted registries and images (CIS 4.2), given by the command that lints the
  /// file; null when there is no such policy.
  std::shared_ptr<const SourcePolicy> trusted_sources;
};

}  // namespace drydock::model
