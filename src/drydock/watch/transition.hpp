#pragma once
/// Findings across time: what an audit has open, and the transitions between two audits
/// (`drydock watch`, `drydock history`, `drydock diff`). A finding is a fail or warn result the
/// policy did not accept; it is known by audit::fingerprint(), the identity `--baseline` uses.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/policy.hpp"

namespace drydock::watch {

/// One open finding.
struct Finding {
  std::string fingerprint;
  std::string check_id;
  std::string cis;  ///< "" when no CIS control applies
  std::string title;
  std::string severity;  ///< "critical" ... "info"
  std::string status;    ///< "fail" or "warn"
  audit::Subject subject;
  std::string evidence;
  std::string file;  ///< "" when the finding has no location
  int line = 0;
  int column = 0;

  /// Same finding, other evidence, severity or status: a `changed` transition.
  [[nodiscard]] bool differs_from(const Finding& other) const {
    return evidence != other.evidence || severity != other.severity || status != other.status;
  }
};

/// Open findings by fingerprint.
using FindingMap = std::map<std::string, Finding>;

Finding finding_of(const audit::Result& r);
Finding finding_of(const model::BaselineFinding& b);
/// The fail and warn results of `report` that are not accepted by the policy.
FindingMap findings_of(const audit::Report& report);
FindingMap findings_of(const std::vector<model::BaselineFinding>& report);

enum class Change { open, resolved, changed };
std::string_view name_of(Change c);

struct Transition {
  std::string time;  ///< core's UTC time with milliseconds ("2026-12-03T02:30:00.123Z")
  Change change = Change::open;
  Finding finding;   ///< as it is now (as it was, for `resolved`)
  Finding previous;  ///< `changed`: as it was
};

/// The transitions that turn `before` into `after`, considering only the findings of `before`
/// that `in_scope` selects (a partial re-audit knows nothing of the others; every finding of
/// `after` is in scope). Resolved first, then changed, then opened, each in fingerprint order.
std::vector<Transition> diff(const FindingMap& before, const FindingMap& after,
                             const std::function<bool(const Finding&)>& in_scope, std::string_view time);

/// One JSON object, one line, no newline: the report contract's result object (id, cis,
/// severity, status, subject, evidence, location) plus `time` and `transition` (and `previous`
/// for a change). Evidence is cut to keep the line under k_max_line bytes.
std::string ndjson(const Transition& t);
inline constexpr std::size_t k_max_line = 16 * 1024 - 1;

/// One line for people: time, transition, severity, check (CIS), subject, evidence.
std::string text_line(const Transition& t, bool color);

/// Now in UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ": strings of this form sort as the times they name.
std::string now_utc();
/// A UTC time of that form from unix milliseconds.
std::string utc_time(long long unix_ms);
/// A time given by a person: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.mmm]]Z" (or without the Z, or
/// with a space for the T), taken as UTC, to the form of now_utc(); else a usage error.
core::Expected<std::string> parse_time(std::string_view text);

}  // namespace drydock::watch
