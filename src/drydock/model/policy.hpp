#pragma once
/// A team's policy for its reports, from `.drydock.yaml`: findings accepted on purpose (with a
/// reason and an optional expiry), severity overrides, and the default `--fail-on`.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drydock/core/severity.hpp"
#include "drydock/model/location.hpp"

namespace drydock::model {

/// One accepted finding: results of the checks `check` designates (an id, CIS number, alias or
/// area, as --only takes) about subjects matching `subject`.
struct PolicyIgnore {
  std::string check;
  std::string subject = "*";  ///< a glob (`*`, `?`, `[...]`) on the subject's name or id
  std::string reason;         ///< required: why the finding is accepted
  std::string expires;        ///< "YYYY-MM-DD", "" for never; the ignore lapses after that day
  Location location;          ///< where in the policy file it was written
};

/// A severity that replaces a check's own for matching subjects.
struct PolicySeverity {
  std::string check;
  std::string subject = "*";
  core::Severity severity = core::Severity::medium;
  Location location;
};

/// One `trusted-images` entry (CIS 4.2): a glob on the normalized reference
/// ("docker.io/library/debian:12*", "registry.corp.example/base/*"), and the digest the image must
/// have when one is given ("sha256:...", "" for any).
struct TrustedImage {
  std::string pattern;
  std::string digest;
  Location location;
};

/// Where images may come from (CIS 4.2): `trusted-registries` (globs on the registry host,
/// "docker.io" for Docker Hub) and `trusted-images`.
struct SourcePolicy {
  std::vector<std::string> registries;
  std::vector<TrustedImage> images;
};

struct Policy {
  std::string path;  ///< the file it was read from
  /// nullptr when the file names neither trusted-registries nor trusted-images.
  std::shared_ptr<const SourcePolicy> sources;
  std::vector<PolicyIgnore> ignores;
  std::vector<PolicySeverity> severities;
  std::string fail_on;  ///< "" when the file does not set it; else a severity name or "none"
};

/// One finding (fail or warn) of an earlier JSON report, as `--baseline` remembers it and
/// `drydock diff` compares it.
struct BaselineFinding {
  std::string check_id;
  std::string subject_kind;
  std::string subject_label;  ///< subject.name, else subject.id, else subject.kind
  std::string file;           ///< location.file, "" when none
  // The rest of the result, for `drydock diff` (empty when the report lacks them).
  std::string cis;
  std::string title;
  std::string severity;
  std::string status;  ///< "fail" or "warn"
  std::string subject_id;
  std::string subject_name;
  std::string evidence;
  int line = 0;
  int column = 0;
};

}  // namespace drydock::model
