// .drydock.yaml and --baseline inputs: what they accept, and errors at file:line for the rest.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "drydock/parse/policy.hpp"

namespace drydock::parse {
namespace {

TEST(Policy, FullFile) {
  const auto p = policy(R"(# team policy
fail-on: medium
ignore:
  - check: runtime.privileged
    subject: ci-runner-*
    reason: builds images; reviewed 2026-11
    expires: 2027-03-31
  - check: "5.10"
    reason: memory limits come from the orchestrator
severity:
  - check: runtime.memory-limit
    severity: low
)",
                        ".drydock.yaml");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->fail_on, "medium");
  ASSERT_EQ(p->ignores.size(), 2u);
  EXPECT_EQ(p->ignores[0].check, "runtime.privileged");
  EXPECT_EQ(p->ignores[0].subject, "ci-runner-*");
  EXPECT_EQ(p->ignores[0].expires, "2027-03-31");
  EXPECT_EQ(p->ignores[0].location.line, 4);
  EXPECT_EQ(p->ignores[1].subject, "*");
  EXPECT_EQ(p->ignores[1].expires, "");
  ASSERT_EQ(p->severities.size(), 1u);
  EXPECT_EQ(p->severities[0].severity, core::Severity::low);
}

TEST(Policy, EmptyFileIsNoPolicy) {
  const auto p = policy("", "p.yaml");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->ignores.empty());
  EXPECT_EQ(p->fail_on, "");
}

struct BadPolicy {
  std::string yaml;
  std::string message;  ///< a part of the error
  int line;
};

class PolicyErrors : public testing::TestWithParam<BadPolicy> {};

TEST_P(PolicyErrors, SayWhatAndWhere) {
  const auto& c = GetParam();
  const auto p = policy(c.yaml, "p.yaml");
  ASSERT_FALSE(p) << c.yaml;
  EXPECT_EQ(p.error().kind, core::ErrorKind::usage);
  EXPECT_NE(p.error().message.find(c.message), std::string::npos) << p.error().describe();
  EXPECT_EQ(p.error().where, "p.yaml:" + std::to_string(c.line)) << p.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    All, PolicyErrors,
    testing::Values(BadPolicy{"ignores:\n  - check: x\n", "unknown key `ignores`", 1},
                    BadPolicy{"ignore:\n  - check: x\n", "needs `reason`", 2},
                    BadPolicy{"ignore:\n  - check: x\n    reason: \" \"\n", "`reason` is empty", 3},
                    BadPolicy{"ignore:\n  - reason: r\n", "needs `check`", 2},
                    BadPolicy{"ignore:\n  - check: x\n    reason: r\n    expires: 2027-02-30\n", "YYYY-MM-DD", 4},
                    BadPolicy{"ignore:\n  - check: x\n    reason: r\n    expire: 2027-01-01\n", "unknown key `expire`", 4},
                    BadPolicy{"ignore: runtime.privileged\n", "must be a list", 1},
                    BadPolicy{"severity:\n  - check: x\n    severity: urgent\n", "unknown severity `urgent`", 3},
                    BadPolicy{"fail-on: sometimes\n", "unknown `fail-on`", 1}, BadPolicy{"- a\n- b\n", "must be a mapping", 1},
                    BadPolicy{"ignore: [\n", "not valid YAML", 2}));

TEST(Policy, IsoDates) {
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("2023-02-29"));
  EXPECT_FALSE(is_iso_date("2100-02-29"));
  EXPECT_TRUE(is_iso_date("2000-02-29"));
  EXPECT_FALSE(is_iso_date("2027-13-01"));
  EXPECT_FALSE(is_iso_date("2027-1-01"));
  EXPECT_FALSE(is_iso_date("27-01-01xx"));
}

TEST(Baseline, FindingsOfAReport) {
  const auto b = baseline_findings(R"({"schema": "drydock.report/v1", "results": [
    {"id": "runtime.privileged", "status": "fail", "subject": {"kind": "container", "id": "abc", "name": "web"}, "location": null},
    {"id": "runtime.privileged", "status": "pass", "subject": {"kind": "container", "id": "def", "name": "db"}, "location": null},
    {"id": "dockerfile.user", "status": "warn", "subject": {"kind": "dockerfile", "id": "", "name": ""},
     "location": {"file": "app/Dockerfile", "line": 3}}]})",
                                   "old.json");
  ASSERT_TRUE(b) << b.error().describe();
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].subject_label, "web");
  EXPECT_EQ((*b)[1].subject_label, "dockerfile");  // no name, no id: the kind
  EXPECT_EQ((*b)[1].file, "app/Dockerfile");
}

TEST(Baseline, NotAReportIsRefused) {
  EXPECT_FALSE(baseline_findings("{", "x.json"));
  EXPECT_FALSE(baseline_findings(R"({"version": "2.1.0", "runs": []})", "x.sarif"));
  EXPECT_NE(baseline_findings("[]", "x.json").error().message.find("--format json"), std::string::npos);
}

// json::value("schema", "") threw a type_error out of the parser when "schema" held a number or
// an object: drydock ended on an uncaught exception instead of saying what the file is not.
// Input kept in tests/data/fuzz-regressions/policy/ (the first byte chooses the baseline parser).
TEST(Baseline, KeysOfAnotherTypeAreAnErrorNotACrash) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/fuzz-regressions/policy/schema-not-a-string", std::ios::binary);
  const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(input.empty());
  const auto b = baseline_findings(std::string_view(input).substr(1), "old.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("drydock.report/v1"), std::string::npos);
  EXPECT_FALSE(baseline_findings(R"({"schema": {"a": 1}, "results": []})", "old.json"));
  const auto odd = baseline_findings(R"({"schema": "drydock.report/v1", "results": [
    {"id": "x", "status": "fail", "subject": {"kind": 3, "id": [], "name": null}, "evidence": 7,
     "location": {"file": 1, "line": "3", "column": -4}}]})",
                                     "old.json");
  ASSERT_TRUE(odd) << odd.error().describe();
  ASSERT_EQ(odd->size(), 1u);
  EXPECT_EQ((*odd)[0].line, 0);
  EXPECT_EQ((*odd)[0].evidence, "");
}

TEST(Baseline, KeepsWhatDiffCompares) {
  const auto b = baseline_findings(R"({"schema": "drydock.report/v1", "results": [
    {"id": "runtime.privileged", "cis": "5.5", "title": "T", "severity": "critical", "status": "fail",
     "subject": {"kind": "container", "id": "abc", "name": "web"}, "evidence": "HostConfig.Privileged=true",
     "location": {"file": "compose.yaml", "line": 7, "column": 5}}]})",
                                   "old.json");
  ASSERT_TRUE(b) << b.error().describe();
  ASSERT_EQ(b->size(), 1u);
  const auto& f = (*b)[0];
  EXPECT_EQ(f.cis, "5.5");
  EXPECT_EQ(f.severity, "critical");
  EXPECT_EQ(f.status, "fail");
  EXPECT_EQ(f.subject_id, "abc");
  EXPECT_EQ(f.evidence, "HostConfig.Privileged=true");
  EXPECT_EQ(f.line, 7);
  EXPECT_EQ(f.column, 5);
}

}  // namespace
}  // namespace drydock::parse
