#pragma once
/// Helpers of the Dockerfile rules (internal to checks/dockerfile.cpp): rule identities and inline
/// ignores, the one function that turns offending instructions into a result, and the reading of
/// the commands of RUN instructions (split by the parser).

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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

/// The keywords the rules find instructions by (keyword_index), and `other` for the rest.
enum class Keyword : std::uint8_t { run, add, workdir, expose, maintainer, other };
constexpr std::size_t k_keywords = 6;

/// The Keyword of an instruction's keyword as the parser writes it (upper case; another
/// spelling is `other`, as Instruction::is compares).
Keyword keyword_of(std::string_view keyword);

/// The instructions of one Dockerfile by keyword, those of every stage and their ONBUILD triggers,
/// each list in file order (an instruction, then its trigger): what a walk of every stage for
/// one keyword finds, listed by one walk for all of them.
class KeywordIndex {
 public:
  /// Lists the instructions of `d` (the lists emptied first, their room kept).
  void build(const model::Dockerfile& d);
  [[nodiscard]] std::span<const model::Instruction* const> operator[](Keyword k) const {
    return m_lists[static_cast<std::size_t>(k)];
  }

 private:
  std::array<std::vector<const model::Instruction*>, k_keywords> m_lists;
};

/// The KeywordIndex of `d`, built by the first rule that asks and kept by the thread for the
/// others (every rule of a file runs on the same tree in turn): built again for another tree, and
/// for a tree that has no arena (`Dockerfile::text`, a tree built by hand). A tree is known by
/// its address, its arena (held weakly, so a freed arena is never taken for a new one at the same
/// address) and the places and sizes of its stages' instruction lists: it must not be changed in
/// place between two rules (the audit and the rules only read it). The reference is good until
/// the next call on the thread.
const KeywordIndex& keyword_index(const model::Dockerfile& d);

/// One offending instruction and what is wrong with it (never a secret's value).
struct Offender {
  const model::Instruction* at = nullptr;
  std::string message;
  Status status = Status::fail;  ///< fail, or warn for a weaker finding
};

/// report() when there are offenders (sorted here by line): out of line.
void report_offenders(const model::Dockerfile& d, const Rule& rule, std::vector<Offender>& offenders, Results& out,
                      core::Text pass_evidence);

/// Writes the rule's one result: offenders whose line is ignored for the rule do not count; with
/// none left, `pass(pass_evidence)`; else `fail` (or `warn` when every offender is a warning) with
/// "line N: message" for each, located at the first one. The offenders are taken by reference (a
/// temporary list binds to it): no second vector moved into a parameter and destroyed for each
/// of the rules' results; with none (most rules on most files) the pass is written in line.
[[gnu::always_inline]] inline void report(const model::Dockerfile& d, const Rule& rule, std::vector<Offender>&& offenders, Results& out,
                   core::Text pass_evidence) {
  // Most rules pass on most files: nothing to sort, no ignore to look up, no call.
  if (offenders.empty()) {
    out.pass(std::move(pass_evidence));
    return;
  }
  report_offenders(d, rule, offenders, out, std::move(pass_evidence));
}

/// A string literal as a template argument: report<"...">'s pass evidence.
template <std::size_t N>
struct Literal {
  consteval Literal(const char (&text)[N]) {  // NOLINT(google-explicit-constructor): written as a literal
    for (std::size_t i = 0; i < N; ++i)
      chars[i] = text[i];
  }
  char chars[N];  // NOLINT(cppcoreguidelines-avoid-c-arrays): the literal's bytes, its NUL included
};

/// report() with a literal pass evidence, the usual case: the Text is made where Results::pass
/// takes it, from the template argument's bytes (a literal kept as a view, as core::Text keeps
/// any literal), not made by the rule and moved through report(): one Text fewer to move and
/// release for each rule of each file.
template <Literal pass_evidence>
[[gnu::always_inline]] inline void report(const model::Dockerfile& d, const Rule& rule, std::vector<Offender>&& offenders,
                                          Results& out) {
  if (offenders.empty()) {
    out.pass(pass_evidence.chars);
    return;
  }
  report_offenders(d, rule, offenders, out, pass_evidence.chars);
}

/// Appends `n` in decimal, as fmt's `{}` writes it.
void append_number(std::string& out, long long n);

/// An instruction as evidence quotes it: one line, at most 80 characters.
std::string snippet(const model::Instruction& instruction);
/// Appends snippet(instruction) to `out`.
void append_snippet(std::string& out, const model::Instruction& instruction);

/// What a RUN executes, as the parser read it (model::Instruction::commands and scripts).
using Command = model::RunCommand;
using Script = model::RunScript;

/// A command's words joined by `sep`, as evidence quotes them.
std::string join_words(std::span<const std::string_view> words, std::string_view sep);

/// The commands of one script of a RUN.
inline std::span<const Command> commands_in(const model::Instruction& run, const Script& script) {
  return std::span<const Command>(run.commands).subspan(script.first, script.count);
}

/// A package index refresh: `apt-get update`, `apk update`, `yum makecache`, `zypper refresh`.
bool index_update(const Command& c);
/// Installs or upgrades packages (apt, apk, yum/dnf, zypper).
bool installs(const Command& c);

/// The value of a key of a `--mount=type=...,target=...` flag ("" when absent); `type` defaults to "bind".
std::string mount_option(const model::InstructionFlag& mount, std::string_view key);

/// True when the RUN has a `--mount=type=cache` or `type=tmpfs` whose target is `dir`, above or below it
/// (what is written there does not stay in the layer).
bool has_cache_mount(const model::Instruction& run, std::string_view dir);

/// An ADD source that ADD unpacks (a tar, possibly compressed: ADD decides by content, so any
/// compressed name counts), which COPY cannot do.
bool is_archive(std::string_view source);
/// An ADD source fetched from the network (a URL or a git address).
bool is_remote(std::string_view source);

/// The sources of an ADD, sorted by what ADD does with them: the one reading of CIS 4.9 that the
/// Dockerfile rule and the image-history check share.
struct AddSources {
  std::vector<std::string> remote;  ///< fetched from the network
  std::vector<std::string> local;   ///< files or directories that are not archives: COPY would do
  std::size_t archives = 0;         ///< unpacked by ADD, which COPY cannot do
  std::size_t variables = 0;        ///< named by build arguments: what they are is not known
  void add(std::string_view source);
};

/// An image reference as views into the text it was read from (and into literals for what the
/// engine completes: docker.io, latest): docker.io/library/debian:12; "registry:5000/team/app@sha256:..."
/// keeps its registry. The one reading of CIS 4.2's rules (Dockerfile and images).
struct ReferenceView {
  std::string_view registry;
  bool library = false;  ///< the repository is `library/` + `repository` (an official image)
  std::string_view repository;
  std::string_view tag;
  std::string_view digest;

  /// Appends the full name: registry/[library/]repository[:tag][@digest].
  void append_name(std::string& out) const;
};

/// nullopt for what is no reference: "", an image id, "<none>:<none>", a variable left unexpanded.
/// `any_tag`: a reference without tag or digest means every tag (a policy's pattern), not latest.
std::optional<ReferenceView> reference_view(std::string_view text, bool any_tag = false);

}  // namespace drydock::checks::dockerfile
