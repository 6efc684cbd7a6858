#pragma once
/// A check: metadata next to its logic, one entry in its area's table (DESIGN.md section 3).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drydock/core/severity.hpp"
#include "drydock/core/text.hpp"
#include "drydock/model/compose.hpp"
#include "drydock/model/container.hpp"
#include "drydock/model/dockerfile.hpp"
#include "drydock/model/fleet.hpp"
#include "drydock/model/host.hpp"
#include "drydock/model/host_facts.hpp"
#include "drydock/model/image.hpp"
#include "drydock/model/location.hpp"

namespace drydock::checks {

using core::Severity;
using core::Status;

/// What one check concluded about one subject.
struct Finding {
  core::Text evidence;  ///< what was observed, with the field path and value (a literal is not copied)
  [[no_unique_address]] model::MaybeLocation location;  ///< where in a file, when the subject has one
  Status status = Status::error;
  std::optional<Severity> severity;  ///< overrides the check's severity for this subject
  // (in this order: the one-byte fields lie in the location's tail padding, and a result's host
  // index in the finding's: a report holds one per result, audit::Result is 64 bytes)
};

/// The single outcome a check writes for one subject. Writing twice is a bug in the check
/// (one result per (check, subject)); it throws, and the runner reports an `error`.
class Results {
 public:
  Finding& pass(core::Text evidence) { return set(Status::pass, std::move(evidence)); }
  Finding& fail(core::Text evidence) { return set(Status::fail, std::move(evidence)); }
  Finding& warn(core::Text evidence) { return set(Status::warn, std::move(evidence)); }
  /// Evidence for a person to decide (CIS "Manual" controls).
  Finding& info(core::Text evidence) { return set(Status::info, std::move(evidence)); }
  /// Not applicable to this subject; the reason goes in evidence.
  Finding& skip(core::Text reason) { return set(Status::skip, std::move(reason)); }
  Finding& error(core::Text reason) { return set(Status::error, std::move(reason)); }
  /// A status decided elsewhere (e.g. by the vulnerability matcher), written as it is.
  Finding& write(Status status, core::Text evidence) { return set(status, std::move(evidence)); }

  [[nodiscard]] const std::optional<Finding>& finding() const { return m_finding; }
  /// The finding, moved out (the runner's: no copy of the evidence).
  [[nodiscard]] std::optional<Finding>& finding() { return m_finding; }

 private:
  Finding& set(Status status, core::Text evidence) {
    if (m_finding) throw std::logic_error("check wrote a second result for the same subject");
    Finding& f = m_finding.emplace();  // in place: no Finding moved in
    f.status = status;
    f.evidence = std::move(evidence);
    return f;
  }
  std::optional<Finding> m_finding;
};

/// Evaluators, one signature per kind of subject. The snapshot gives the context
/// (engine facts, tags); its `engine` is empty when the subject was read from a file.
using ContainerEval = void (*)(const model::ContainerSpec&, const model::HostSnapshot&, Results&);
using ImageEval = void (*)(const model::ImageSpec&, const model::HostSnapshot&, Results&);
using DaemonEval = void (*)(const model::HostSnapshot&, Results&);
/// A file check runs once per host file whose role is the check's `file_role`.
using FileEval = void (*)(const model::FileFact&, const model::HostSnapshot&, Results&);

/// A Dockerfile check runs once per Dockerfile; it writes one result for the file (the
/// location of the first offending instruction, every offending line in the evidence).
using DockerfileEval = void (*)(const model::Dockerfile&, Results&);

/// A Compose check runs once per service of a Compose project, on what only the Compose file
/// shows (literal values, where each was written); it sets the finding's location itself.
using ComposeEval = void (*)(const model::ComposeService&, Results&);

/// A fleet check runs once per node of a Swarm audited by `drydock fleet`, on how its task went.
using NodeEval = void (*)(const model::FleetNode&, Results&);

/// What a check runs on; follows the order of the alternatives of Check::evaluate.
enum class Scope { container, image, daemon, file, dockerfile, compose, node };

struct Check {
  std::string_view id;   ///< stable slug "area.kebab-name"; never renumbered
  std::string_view cis;  ///< CIS Docker Benchmark v1.6.0 control, "" when none applies
  std::string_view title;
  Severity severity = Severity::medium;
  std::string_view rationale;
  std::string_view remediation;           ///< the exact flag or setting to use
  std::vector<std::string_view> aliases;  ///< equivalent ids of hadolint, Dockle, Trivy, ...
  std::variant<ContainerEval, ImageEval, DaemonEval, FileEval, DockerfileEval, ComposeEval, NodeEval> evaluate;
  /// For file checks: the FileFact::role the check applies to ("docker.service", "tls-key", ...).
  std::string_view file_role;
  /// True for CIS "Manual" controls, reported as `info` with evidence for a person.
  bool manual = false;
  /// Where the verdict deliberately differs from a tool its aliases name (hadolint's published
  /// rule examples, ...), and why; "" when it agrees. Listed in docs/checks.md.
  std::string_view alias_notes;
  /// A container check that reads HostSnapshot::images (the engine's inspect of the images in
  /// use, which may come after the container's own answers): a host audit runs it once the
  /// collection is over, not as each container's answers arrive (audit::ContainerAudit).
  bool reads_images = false;

  [[nodiscard]] Scope scope() const { return static_cast<Scope>(evaluate.index()); }
};

std::string_view to_string(Scope scope);

}  // namespace drydock::checks
