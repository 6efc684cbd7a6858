#pragma once
/// What the reports for people share: the findings grouped by check and sorted worst first,
/// the subjects that could not be evaluated (said once each), per-section tallies, and
/// locations written as editors link them (`path:line:col`).

#include <string>
#include <string_view>
#include <vector>

#include "drydock/audit/report.hpp"

namespace drydock::render {

/// A check with findings: its fail and warn results not accepted by the policy, the most
/// severe first (then fail before warn, then report order).
struct CheckFindings {
  const checks::Check* check = nullptr;
  core::Severity worst = core::Severity::info;  ///< the most severe of its results
  std::vector<const audit::Result*> results;
};

/// Every check with findings, sorted by their worst severity, then CIS number (5.2 before
/// 5.10), then catalogue order.
std::vector<CheckFindings> findings_by_check(const audit::Report& report);

/// A subject some checks could not evaluate, once per distinct reason.
struct SubjectError {
  const audit::Subject* subject = nullptr;
  std::string_view reason;
  int checks = 0;  ///< how many checks ended in this error
};
std::vector<SubjectError> errors_by_subject(const audit::Report& report);

/// One CIS section (or "compose", or "" for the other checks): how its checks ended. A check
/// counts once, by its worst result: failing (fail or warn not accepted), error, manual (info),
/// pass (accepted findings included), else skip.
struct SectionTally {
  std::string section;
  int failing = 0, error = 0, manual = 0, pass = 0, skip = 0;
  std::string commonest_skip;  ///< the reason most skipped checks gave
  int commonest_skip_count = 0;
};
std::vector<SectionTally> section_tallies(const audit::Report& report);

/// "path:line:col" ("path:line" without a column, "path" without a line).
std::string location_text(const model::Location& location);

/// The evidence as people read it beside its location: a leading "line N: " that repeats the
/// location's line is left out.
std::string_view evidence_text(const audit::Result& result);

/// -1, 0 or 1 as CIS numbers order ("5.2" < "5.10"; "" after any number).
int compare_cis(std::string_view a, std::string_view b);

}  // namespace drydock::render
