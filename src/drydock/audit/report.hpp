#pragma once
/// The outcome of an audit: one result per (check, subject), in catalogue order.

#include <array>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/checks/check.hpp"
#include "drydock/core/shared_string.hpp"
#include "drydock/model/vulnerability.hpp"
#include "drydock/model/package.hpp"
#include "drydock/model/host.hpp"

namespace drydock::audit {

/// What a result is about (DESIGN.md section 4, `subject`).
/// Its strings share their bytes between copies: the ~30 results of one file or container hold
/// one copy of its kind, path or name, not three per result.
struct Subject {
  core::SharedString kind;  ///< "container", "image", "daemon", ...
  core::SharedString id;
  core::SharedString name;
};

/// A finding the team accepted on purpose (`.drydock.yaml`): it is reported, marked, and does
/// not count towards the exit code.
struct Acceptance {
  std::string reason;
  std::string expires;     ///< "YYYY-MM-DD" or "" for never
  model::Location source;  ///< the ignore's place in the policy file
};

/// The machine a result came from: the engine's host name, id, version and operating system
/// (`/info`), or only the name when no engine was read. A report of several hosts (`drydock
/// merge`, `drydock fleet`) lists each once and its results refer to them by index.
struct Host {
  std::string name;
  std::string engine_id;
  std::string engine_version;
  std::string os;
  friend bool operator==(const Host&, const Host&) = default;
};

/// A result's acceptance, if any, behind a pointer: a host of thousands of containers has
/// hundreds of thousands of results, and few or none are accepted. Reads like an optional.
class Accepted {
 public:
  Accepted() = default;
  Accepted(Acceptance a) : m_acceptance(core::Shared<Acceptance>::make(std::move(a))) {}  // NOLINT: as optional's
  explicit operator bool() const { return static_cast<bool>(m_acceptance); }
  [[nodiscard]] bool has_value() const { return static_cast<bool>(m_acceptance); }
  const Acceptance& operator*() const { return *m_acceptance; }
  const Acceptance* operator->() const { return m_acceptance.get(); }

 private:
  core::Shared<Acceptance> m_acceptance;
};

/// A result's subject, behind one pointer: the ~30 results about one file or container share
/// one Subject (one reference counted per result, not three strings). Reads like a pointer to a
/// const Subject; a default one is the empty subject.
class SharedSubject {
 public:
  SharedSubject() = default;
  SharedSubject(Subject s) : m_subject(core::Shared<Subject>::make(std::move(s))) {}  // NOLINT: implicit, as Subject's
  const Subject& operator*() const { return m_subject ? *m_subject : empty(); }
  const Subject* operator->() const { return &**this; }
  /// Makes every element of `out` a copy of this one, counted at once (core::Shared::copy_to).
  void copy_to(std::span<SharedSubject> out) const {
    m_subject.copy_to(out.size(), [out](std::size_t i) -> core::Shared<Subject>& { return out[i].m_subject; });
  }

 private:
  static const Subject& empty();
  core::Shared<Subject> m_subject;
};

/// One per (check, subject): a report of a host of thousands of containers, or of thousands of
/// Dockerfiles, holds hundreds of thousands of them, so a result is kept to 64 bytes (the host's
/// index lies in the finding's tail padding).
struct Result {
  const checks::Check* check = nullptr;
  SharedSubject subject;
  [[no_unique_address]] checks::Finding finding;
  std::uint32_t host = 0;  ///< index into Report::hosts (meaningless when it is empty)
  Accepted accepted;

  /// The finding's own severity when it overrides the check's, else the check's.
  [[nodiscard]] core::Severity severity() const { return finding.severity.value_or(check->severity); }
};

/// Counts per status, indexed by core::Status.
using Summary = std::array<int, 6>;

/// The package inventory of one audited image (`drydock image`).
struct ImagePackages {
  Subject image;
  model::PackageSet set;
  std::vector<std::string> errors;  ///< package databases that could not be read
};

/// What a person looks at beside a subject's findings (the HTML report's subject view): a
/// container's image, state, mounts and ports, as (label, value) pairs in order.
struct SubjectFacts {
  Subject subject;
  std::vector<std::pair<std::string, std::string>> facts;
};

struct Report {
  std::string command;  ///< "host", "container", ...
  std::string target;   ///< what was audited: engine endpoint or files
  std::vector<Result> results;
  /// The hosts audited: none when only files were read (a Dockerfile, a Compose project, an
  /// image tarball), one for an audit of an engine, several for a merged report.
  std::vector<Host> hosts;
  /// One entry per image whose layers were read; written as the JSON report's `packages`.
  std::vector<ImagePackages> packages;
  /// The vulnerabilities found (`drydock image --vulns`), written as the JSON report's
  /// `vulnerabilities`; nullopt when no scan was asked for.
  std::optional<std::vector<model::Vulnerability>> vulnerabilities;

  /// One entry per container audited, for the HTML report's subject view.
  std::vector<SubjectFacts> facts;

  [[nodiscard]] Summary summary() const;
  /// Findings left out because an earlier report (--baseline) already had them.
  std::size_t baseline_hidden = 0;

  /// True when a fail or warn result that was not accepted is at or above `threshold`.
  [[nodiscard]] bool has_findings_at_or_above(core::Severity threshold) const;
  /// How many fail or warn results were accepted by the policy.
  [[nodiscard]] std::size_t accepted() const;
};

/// The name of the host a result came from, "" when the report knows no host.
std::string_view host_name(const Report& report, const Result& result);

/// The host of an engine, from its `/info` and `/version` (the name alone when it gave none).
Host host_of(const model::EngineInfo& engine);

/// The part of a report that came from host `index` (same command and target).
Report of_host(const Report& report, std::size_t index);

/// A finding's identity across runs: a hash of the check id, the subject's kind and name (its id
/// when it has none) and the file of its location, not the line, so that an edit above a
/// finding does not make it new. 16 hex digits.
std::string fingerprint(std::string_view check_id, std::string_view subject_kind, std::string_view subject_label,
                        std::string_view file);
std::string fingerprint(const Result& result);

/// The name a subject is known by: its name, else its id, else its kind.
std::string_view subject_label(const Subject& s);

}  // namespace drydock::audit
