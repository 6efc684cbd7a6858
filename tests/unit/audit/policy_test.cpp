// The policy (accepted findings with expiry, severity overrides) and the baseline, applied to a report.
#include <gtest/gtest.h>

#include "drydock/audit/policy.hpp"
#include "drydock/checks/catalogue.hpp"

namespace drydock::audit {
namespace {

using core::Severity;
using core::Status;

const checks::Check& check(std::string_view id) {
  const auto* c = checks::find_check(id);
  if (c == nullptr) throw std::logic_error("no check " + std::string(id));
  return *c;
}

Result result(std::string_view id, std::string name, Status status, std::string file = "") {
  Result r{
      &check(id), Subject{"container", name + "-id", name}, checks::Finding{"evidence", std::nullopt, status, std::nullopt}, {}};
  if (!file.empty()) r.finding.location = model::Location{file, 7, 1};
  return r;
}

Report report() {
  Report r;
  r.results = {result("runtime.privileged", "ci-runner-1", Status::fail), result("runtime.privileged", "web", Status::fail),
               result("runtime.privileged", "db", Status::pass), result("runtime.memory-limit", "web", Status::fail)};
  return r;
}

model::PolicyIgnore ignore(std::string check, std::string subject, std::string expires = "") {
  return model::PolicyIgnore{std::move(check), std::move(subject), "reviewed", std::move(expires), {".drydock.yaml", 3, 5}};
}

TEST(ApplyPolicy, LiveIgnoreAcceptsOnlyMatchingFindings) {
  auto r = report();
  model::Policy p;
  p.ignores.push_back(ignore("5.5", "ci-runner-*", "2027-03-31"));
  const auto notes = apply_policy(p, r, "2026-11-28");
  EXPECT_TRUE(notes.empty());
  ASSERT_TRUE(r.results[0].accepted);
  EXPECT_EQ(r.results[0].accepted->expires, "2027-03-31");
  EXPECT_FALSE(r.results[1].accepted);  // web does not match the glob
  EXPECT_FALSE(r.results[2].accepted);  // a pass is not a finding to accept
  EXPECT_EQ(r.accepted(), 1u);
  EXPECT_TRUE(r.has_findings_at_or_above(Severity::critical));  // web is still privileged
}

TEST(ApplyPolicy, AcceptedFindingsDoNotFailTheRun) {
  auto r = report();
  model::Policy p;
  p.ignores.push_back(ignore("runtime.privileged", "*"));
  apply_policy(p, r, "2026-11-28");
  EXPECT_FALSE(r.has_findings_at_or_above(Severity::critical));
  EXPECT_TRUE(r.has_findings_at_or_above(Severity::low));  // memory-limit was not accepted
}

TEST(ApplyPolicy, ExpiredIgnoreResurfacesTheFindingAndSaysSo) {
  auto r = report();
  model::Policy p;
  p.ignores.push_back(ignore("runtime.privileged", "web", "2026-11-27"));
  const auto notes = apply_policy(p, r, "2026-11-28");
  EXPECT_FALSE(r.results[1].accepted);
  EXPECT_NE(r.results[1].finding.evidence.find("until 2026-11-27"), std::string::npos) << r.results[1].finding.evidence;
  EXPECT_NE(r.results[1].finding.evidence.find("expired"), std::string::npos);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find(".drydock.yaml:3"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("expired on 2026-11-27"), std::string::npos) << notes[0];
}

TEST(ApplyPolicy, TheLastDayOfAnIgnoreStillCounts) {
  auto r = report();
  model::Policy p;
  p.ignores.push_back(ignore("runtime.privileged", "web", "2026-11-28"));
  apply_policy(p, r, "2026-11-28");
  EXPECT_TRUE(r.results[1].accepted);
}

TEST(ApplyPolicy, StaleIgnoreIsReported) {
  auto r = report();
  model::Policy p;
  p.ignores.push_back(ignore("runtime.privileged", "gone-*"));
  const auto notes = apply_policy(p, r, "2026-11-28");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("matched no finding"), std::string::npos);
}

TEST(ApplyPolicy, SeverityOverrideByCheckAndSubject) {
  auto r = report();
  model::Policy p;
  p.severities.push_back(model::PolicySeverity{"runtime.memory-limit", "web", Severity::info, {}});
  apply_policy(p, r, "2026-11-28");
  EXPECT_EQ(r.results[3].severity(), Severity::info);
  EXPECT_EQ(r.results[1].severity(), check("runtime.privileged").severity);
}

TEST(ApplyPolicy, SubjectGlobMatchesNameOrId) {
  const Subject s{"container", "0123abcd", "web"};
  EXPECT_TRUE(subject_matches(s, "*"));
  EXPECT_TRUE(subject_matches(s, "w?b"));
  EXPECT_TRUE(subject_matches(s, "0123*"));
  EXPECT_FALSE(subject_matches(s, "db"));
}

TEST(ApplyBaseline, HidesExactlyTheOldFindingsWhateverTheLine) {
  auto r = report();
  r.results.push_back(result("runtime.privileged", "api", Status::fail, "compose.yaml"));
  r.results.back().finding.location->line = 42;  // moved since the baseline was written
  const std::vector<model::BaselineFinding> old = {{"runtime.privileged", "container", "web", ""},
                                                   {"runtime.privileged", "container", "db", ""},  // a pass now: stays
                                                   {"runtime.privileged", "container", "api", "compose.yaml"}};
  apply_baseline(old, r);
  EXPECT_EQ(r.baseline_hidden, 2u);
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_EQ(r.results[0].subject->name, "ci-runner-1");
  EXPECT_EQ(r.results[1].subject->name, "db");
  EXPECT_EQ(r.results[2].check->id, "runtime.memory-limit");
}

TEST(Fingerprint, IgnoresTheLineNotTheFile) {
  auto a = result("runtime.privileged", "api", Status::fail, "compose.yaml");
  auto b = a;
  b.finding.location->line = 99;
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  b.finding.location->file = "other.yaml";
  EXPECT_NE(fingerprint(a), fingerprint(b));
  EXPECT_EQ(fingerprint(a), fingerprint("runtime.privileged", "container", "api", "compose.yaml"));
}

TEST(TodayUtc, IsAnIsoDate) {
  const auto t = today_utc();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[4], '-');
  EXPECT_GE(t, "2024-01-01");
}

}  // namespace
}  // namespace drydock::audit
