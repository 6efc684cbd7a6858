#include "drydock/audit/policy.hpp"

#include <fnmatch.h>

#include <ctime>
#include <set>

#include <fmt/format.h>

#include "drydock/audit/selection.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::audit {
namespace {

bool is_finding(const Result& r) { return r.finding.status == core::Status::fail || r.finding.status == core::Status::warn; }

std::string where(const model::Location& l) { return fmt::format("{}:{}", l.file, l.line); }

}  // namespace

bool subject_matches(const Subject& subject, const std::string& pattern) {
  if (pattern.empty() || pattern == "*") return true;
  const auto match = [&](const std::string& text) { return !text.empty() && ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0; };
  return match(subject.name) || match(subject.id);
}

std::vector<std::string> apply_policy(const model::Policy& policy, Report& report, std::string_view today) {
  if (policy.severities.empty() && policy.ignores.empty()) return {};  // nothing to do for any result
  for (auto& r : report.results) {
    for (const auto& sv : policy.severities) {
      if (matches(*r.check, sv.check) && subject_matches(*r.subject, sv.subject)) {
        r.finding.severity = sv.severity;
        break;
      }
    }
  }
  std::vector<std::size_t> used(policy.ignores.size(), 0);
  std::vector<std::size_t> lapsed(policy.ignores.size(), 0);
  for (auto& r : report.results) {
    if (!is_finding(r)) continue;
    for (std::size_t i = 0; i < policy.ignores.size(); ++i) {
      const auto& ig = policy.ignores[i];
      if (!matches(*r.check, ig.check) || !subject_matches(*r.subject, ig.subject)) continue;
      ++used[i];
      if (!ig.expires.empty() && today > ig.expires) {
        ++lapsed[i];
        r.finding.evidence += fmt::format(" [accepted at {} until {} ({}): that acceptance has expired]", where(ig.location),
                                          ig.expires, ig.reason);
      } else {
        r.accepted = Acceptance{ig.reason, ig.expires, ig.location};
      }
      break;
    }
  }
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < policy.ignores.size(); ++i) {
    const auto& ig = policy.ignores[i];
    if (lapsed[i] != 0) {
      notes.push_back(fmt::format("{}: the ignore of {} (subject {}) expired on {}; its {} finding{} {} reported again",
                                  where(ig.location), ig.check, ig.subject, ig.expires, lapsed[i], lapsed[i] == 1 ? "" : "s",
                                  lapsed[i] == 1 ? "is" : "are"));
    } else if (used[i] == 0) {
      notes.push_back(fmt::format("{}: the ignore of {} (subject {}) matched no finding; remove it if the problem is fixed",
                                  where(ig.location), ig.check, ig.subject));
    }
  }
  return notes;
}

void apply_baseline(const std::vector<model::BaselineFinding>& baseline, Report& report) {
  std::set<std::string> known;
  for (const auto& b : baseline)
    known.insert(fingerprint(b.check_id, b.subject_kind, b.subject_label, b.file));
  std::vector<Result> kept;
  kept.reserve(report.results.size());
  for (auto& r : report.results) {
    if (is_finding(r) && known.contains(fingerprint(r))) {
      ++report.baseline_hidden;
      continue;
    }
    kept.push_back(std::move(r));
  }
  report.results = std::move(kept);
}

std::string today_utc() { return core::utc_date(static_cast<std::int64_t>(std::time(nullptr))); }

}  // namespace drydock::audit
