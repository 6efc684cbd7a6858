#pragma once
/// Applying a team's decisions to a report: severity overrides and accepted findings from
/// `.drydock.yaml`, and `--baseline` (only findings an earlier report did not have).

#include <string>
#include <string_view>
#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/model/policy.hpp"

namespace drydock::audit {

/// Applies the policy to the report, on `today` ("YYYY-MM-DD"): each severity override to the
/// results it matches (the first matching entry wins), then each ignore to the fail and warn
/// results it matches: a live ignore marks the result `accepted`; an expired one leaves it a
/// finding and says so in its evidence. Returns notes for stderr: expired ignores, and ignores
/// that matched nothing (a stale ignore hides nothing, but should be cleaned up).
std::vector<std::string> apply_policy(const model::Policy& policy, Report& report, std::string_view today);

/// True when `subject` matches the glob `pattern` (`*`, `?`, `[...]`) by name or id.
bool subject_matches(const Subject& subject, const std::string& pattern);

/// Removes from the report the fail and warn results whose fingerprint an earlier report's
/// findings have; counts them in `report.baseline_hidden`. Passes and the rest stay.
void apply_baseline(const std::vector<model::BaselineFinding>& baseline, Report& report);

/// Today's date in UTC, "YYYY-MM-DD".
std::string today_utc();

}  // namespace drydock::audit
