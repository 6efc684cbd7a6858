#pragma once
/// `.drydock.yaml`, a team's policy for its reports:
///
///     fail-on: medium                     # default --fail-on (a severity or none)
///     ignore:
///       - check: runtime.privileged       # id, CIS number, alias or area
///         subject: ci-runner-*            # glob on the subject's name or id (default *)
///         reason: the CI runner builds images; reviewed by security 2026-11
///         expires: 2027-03-31             # optional; the finding comes back after that day
///     severity:
///       - check: runtime.memory-limit
///         subject: "*"
///         severity: low
///     trusted-registries:                 # CIS 4.2: registry hosts images may come from (globs)
///       - registry.corp.example
///     trusted-images:                     # CIS 4.2: images trusted wherever they are (globs)
///       - docker.io/library/debian:12*
///       - alpine:3.19@sha256:...          # with a digest: only that image
///       - image: gcr.io/distroless/*
///         digest: sha256:...
///
/// Unknown keys, a missing reason, a bad date or severity are errors at file:line, so a typo
/// never silently accepts or hides anything.

#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/policy.hpp"
#include "drydock/model/report_file.hpp"

namespace drydock::parse {

core::Expected<model::Policy> policy(std::string_view yaml, std::string_view path);

/// The findings (fail and warn results) of a drydock JSON report (`drydock.report/v1`), for
/// --baseline. Anything else is an error that says what the file is not.
core::Expected<std::vector<model::BaselineFinding>> baseline_findings(std::string_view json, std::string_view path);

/// A whole drydock JSON report (`drydock.report/v1`): every result, whatever its status, and the
/// hosts (`hosts`, else `host`; reports of drydock before hosts have none). Results lacking an id
/// or a valid status, or naming a host the report does not list, are errors at their index.
core::Expected<model::ReportFile> report_file(std::string_view json, std::string_view path);

/// True when `text` is a real calendar date written YYYY-MM-DD.
bool is_iso_date(std::string_view text);

}  // namespace drydock::parse
