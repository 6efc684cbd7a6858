#pragma once
/// Reports and the catalogue as text for people, JSON for machines, SARIF for code scanning,
/// JUnit XML for CI test reports and a self-contained HTML page.

#include <functional>
#include <string>
#include <string_view>

#include "drydock/audit/report.hpp"

namespace drydock::render {

struct TextOptions {
  bool color = false;    ///< ANSI colour (only when writing to a terminal)
  bool verbose = false;  ///< every pass listed, remediation under each finding
};

/// Receives a report piece by piece, in order.
using Writer = std::function<void(std::string_view)>;

/// The JSON report of DESIGN.md section 4 ("drydock.report/v1").
std::string json(const audit::Report& report);
/// The same text, handed to `write` in pieces of a few hundred KiB as it is made.
void json(const audit::Report& report, const Writer& write);

/// SARIF 2.1.0 for GitHub code scanning: one run whose `tool.driver.rules` are the checks of
/// the report (descriptions, help with the remediation, `security-severity`, tags). Results are
/// the findings a person must act on: `fail` and `warn` (kind "fail"), and `info`, the CIS
/// manual controls (kind "review", level "none"); passes and skips are not alerts and are only counted in
/// `run.properties.summary`; `error` results become tool execution notifications. Every result
/// has a physical location, as code scanning requires: its file and line when it has one
/// (relative paths as given; absolute host paths under the HOSTROOT base, file:///), else a
/// "KIND/NAME" artifact under the DOCKER base for hosts, daemons, containers and images, which
/// are also named as logical locations. Every result carries partialFingerprints from
/// audit::fingerprint().
std::string sarif(const audit::Report& report);

/// JUnit XML: a testsuite per check, a testcase per (check, subject); `fail` and `warn` are
/// failures, `error` an error, `skip` skipped; `pass` and `info` pass with their evidence in
/// system-out.
std::string junit(const audit::Report& report);

/// One self-contained HTML page (inline CSS and script, nothing fetched; a Content-Security-Policy
/// forbids it). The report is embedded as JSON (each string once) and the page builds only what is
/// looked at: a summary of the worst first (counts by severity, the critical and high findings, the
/// subjects with the most severe findings and their scores), the checks with findings (subjects
/// folded, built when unfolded, filtered by severity and subject), a subject's view when one is
/// clicked (its facts: image, mounts, ports; every result), every result on demand. All text goes
/// into the DOM as text. The script sets `data-state="ok"` on `#drydock-js` once it has run,
/// "error" on an uncaught error.
std::string html(const audit::Report& report);

/// One line per finding, worst first: `FILE:LINE:COL: SEVERITY: TITLE: EVIDENCE [ID]`, with
/// `KIND/NAME` in place of the file when the subject has none; then one `error` line per subject
/// that could not be evaluated. What editors, reviewdog and grep read.
std::string gnu(const audit::Report& report);

/// GitLab Code Quality (the Code Climate issue format): a JSON array with one issue per finding
/// (check_name, description, fingerprint, severity info|minor|major|critical|blocker,
/// location.path and location.lines.begin; `KIND/NAME` and line 1 for subjects without a file).
std::string codeclimate(const audit::Report& report);

/// A summary for a pull-request comment or a GitHub job summary: counts by severity, then the
/// findings grouped by severity and check, cut to stay under 64 KiB.
std::string markdown(const audit::Report& report);

/// Findings first (each failing check, worst first, with one line per subject), the subjects
/// that could not be evaluated (once each), one line per section, the summary. `verbose`: every
/// check in catalogue order with every subject and the remediation of each finding.
std::string text(const audit::Report& report, const TextOptions& options);

/// The catalogue of checks: "text", "json" or "markdown" (docs/checks.md).
std::string catalogue(std::string_view format);

/// The heading of a CIS section ("5" -> "Container runtime"), "" when unknown.
std::string_view section_title(std::string_view section);
/// The section a check is listed under: its CIS section ("5"), "compose" for the Compose checks,
/// "" for the others.
std::string section_of(const checks::Check& check);
/// "5 Container runtime", "Compose files", or "Other checks".
std::string section_heading(std::string_view section);

}  // namespace drydock::render
