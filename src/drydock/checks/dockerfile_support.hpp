#pragma once
/// Helpers of the Dockerfile rules (internal to checks/dockerfile.cpp): rule identities and inline
/// ignores, the one function that turns offending instructions into a result, and the reading of
/// RUN instructions as shell commands (through sudo, env and `sh -c`, heredoc scripts included).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/checks/check.hpp"
#include "drydock/model/dockerfile.hpp"

namespace drydock::checks::dockerfile {

/// A rule's identity as its code sees it: the evaluator does not receive its Check, so each rule
/// names itself with one of these, and its table entry takes id, cis and aliases from it.
struct Rule {
  std::string_view id;
  std::string_view cis;
  std::array<std::string_view, 3> aliases{};
};

/// The non-empty aliases of a rule, for Check::aliases.
std::vector<std::string_view> aliases_of(const Rule& rule);

/// True when `# drydock ignore=...` on the line before `line` names this rule: its id (with or
/// without the `dockerfile.` prefix), its CIS number or one of its aliases, in any case.
bool ignored(const model::Dockerfile& d, const Rule& rule, int line);

/// One offending instruction and what is wrong with it (never a secret's value).
struct Offender {
  const model::Instruction* at = nullptr;
  std::string message;
  Status status = Status::fail;  ///< fail, or warn for a weaker finding
};

/// Writes the rule's one result: offenders whose line is ignored for the rule do not count; with
/// none left, `pass(pass_evidence)`; else `fail` (or `warn` when every offender is a warning) with
/// "line N: message" for each, located at the first one.
void report(const model::Dockerfile& d, const Rule& rule, std::vector<Offender> offenders, Results& out,
            std::string_view pass_evidence);

/// An instruction as evidence quotes it: one line, at most 80 characters.
std::string snippet(const model::Instruction& instruction);

/// A simple command of a RUN, after `sudo`, `env` and leading assignments are looked through.
struct Command {
  std::vector<std::string> words;  ///< words[0] is the program as written
  std::string program;             ///< words[0] without its directory ("" when there are no words)
  bool sudo = false;               ///< was run through sudo
  std::string next_operator;       ///< "&&", "||", ";", "|", "&" or ""
  bool after_pipe = false;         ///< the previous command of the script pipes into this one
  int subshell_depth = 0;
};

/// One shell script of a RUN: the command line, a heredoc body run as a script, or the string
/// given to `sh -c` (split again).
struct Script {
  std::vector<Command> commands;
  bool nested = false;          ///< the argument of `sh -c` inside another script
  bool shell_pipefail = false;  ///< the `sh -c` that runs it was given `-o pipefail`
  bool exec_form = false;       ///< a JSON-form RUN (no shell unless it calls one)
};

/// The scripts a RUN instruction executes, in order.
std::vector<Script> scripts_of(const model::Instruction& run);

/// A package index refresh: `apt-get update`, `apk update`, `yum makecache`, `zypper refresh`.
bool index_update(const Command& c);
/// Installs or upgrades packages (apt, apk, yum/dnf, zypper).
bool installs(const Command& c);

/// True for sh, bash, ash, dash, zsh, ksh, mksh.
bool is_shell(std::string_view program);

/// The value of a key of a `--mount=type=...,target=...` flag ("" when absent); `type` defaults to "bind".
std::string mount_option(const model::InstructionFlag& mount, std::string_view key);

/// True when the RUN has a `--mount=type=cache` whose target is `dir` or below it.
bool has_cache_mount(const model::Instruction& run, std::string_view dir);

/// The first word from `from` on that is not an option nor the value of one of `valued`
/// (options taking the next word as their value); words.size() when there is none.
std::size_t first_operand(const std::vector<std::string>& words, std::size_t from, const std::vector<std::string_view>& valued);

/// The operands (not options, not option values) from `from` on; everything after "--".
std::vector<std::string> operands(const std::vector<std::string>& words, std::size_t from,
                                  const std::vector<std::string_view>& valued);

}  // namespace drydock::checks::dockerfile
