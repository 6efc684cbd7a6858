#pragma once
/// The outcome of an audit: one result per (check, subject), in catalogue order.

#include <array>
#include <string>
#include <vector>

#include "drydock/checks/check.hpp"
#include "drydock/model/package.hpp"

namespace drydock::audit {

/// What a result is about (DESIGN.md section 4, `subject`).
struct Subject {
  std::string kind;  ///< "container", "image", "daemon", ...
  std::string id;
  std::string name;
};

struct Result {
  const checks::Check* check = nullptr;
  Subject subject;
  checks::Finding finding;

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

struct Report {
  std::string command;  ///< "host", "container", ...
  std::string target;   ///< what was audited: engine endpoint or files
  std::vector<Result> results;
  /// One entry per image whose layers were read; written as the JSON report's `packages`.
  std::vector<ImagePackages> packages;

  [[nodiscard]] Summary summary() const;
  /// True when a fail or warn result is at or above `threshold`.
  [[nodiscard]] bool has_findings_at_or_above(core::Severity threshold) const;
};

}  // namespace drydock::audit
