// The policy file and --baseline through the real binary, on a Dockerfile made here: an accepted
// finding no longer fails the run, an expired acceptance brings it back and says so, and a
// baseline hides exactly the findings of an earlier report.

#include <gtest/gtest.h>

#include <unistd.h>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

class PolicyCli : public testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("drydock-policy-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
    // Runs as root (CIS 4.1): the finding the policy is about. Every run gates at --fail-on low
    // unless it says otherwise.
    write_file(m_dir / "Dockerfile", "FROM debian:12\nRUN echo hi\nHEALTHCHECK CMD true\n");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  /// drydock dockerfile Dockerfile ARGS..., run in the folder (relative paths, ./.drydock.yaml).
  Proc lint(const std::vector<std::string>& args) {
    std::vector<std::string> argv{
        "sh", "-c", "cd \"$0\" && exec \"$@\"", m_dir.string(), DRYDOCK_BIN, "dockerfile", "Dockerfile", "--fail-on", "low"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  fs::path m_dir;
};

TEST_F(PolicyCli, AcceptedFindingPassesTheGateExpiredOneFailsIt) {
  auto p = lint({"--only", "4.1"});
  EXPECT_EQ(p.code, 1) << p.out << p.err;

  write_file(m_dir / ".drydock.yaml",
             "ignore:\n  - check: \"4.1\"\n    subject: Dock*\n    reason: the base image drops root at runtime\n"
             "    expires: 2999-12-31\n");
  p = lint({"--only", "4.1", "--format", "json"});
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  auto j = parse_json(p.out);
  ASSERT_TRUE(j);
  const auto& r = (*j)["results"][0];
  EXPECT_EQ(r["status"], "fail");  // still reported, as it is
  EXPECT_EQ(r["accepted"]["reason"], "the base image drops root at runtime");
  EXPECT_EQ(r["accepted"]["expires"], "2999-12-31");
  EXPECT_EQ(r["accepted"]["source"], ".drydock.yaml:2");
  EXPECT_EQ((*j)["summary"]["accepted"], 1);

  p = lint({"--only", "4.1"});
  EXPECT_EQ(p.code, 0);
  EXPECT_NE(p.out.find("accepted until 2999-12-31"), std::string::npos) << p.out;

  write_file(
      m_dir / ".drydock.yaml",
      "ignore:\n  - check: dockerfile.user-root\n    reason: the base image drops root at runtime\n    expires: 2020-01-31\n");
  p = lint({"--only", "4.1", "--format", "json"});
  EXPECT_EQ(p.code, 1) << p.out << p.err;
  EXPECT_NE(p.err.find(".drydock.yaml:2: the ignore of dockerfile.user-root (subject *) expired on 2020-01-31"),
            std::string::npos)
      << p.err;
  j = parse_json(p.out);
  ASSERT_TRUE(j);
  EXPECT_FALSE((*j)["results"][0].contains("accepted"));
  EXPECT_NE((*j)["results"][0]["evidence"].get<std::string>().find("expired"), std::string::npos);
}

TEST_F(PolicyCli, PolicyFailOnAndSeverityOverride) {
  write_file(m_dir / "team.yaml", "fail-on: critical\nseverity:\n  - check: \"4.1\"\n    severity: low\n");
  std::vector<std::string> argv{"sh",           "-c",        "cd \"$0\" && exec \"$@\"",
                                m_dir.string(), DRYDOCK_BIN, "dockerfile",
                                "Dockerfile",   "--only",    "4.1",
                                "--config",     "team.yaml", "--format",
                                "json"};
  auto p = run(argv);
  EXPECT_EQ(p.code, 0) << p.err;  // no --fail-on: the policy's critical applies
  auto j = parse_json(p.out);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["results"][0]["severity"], "low");
  p = lint({"--only", "4.1", "--config", "team.yaml"});
  EXPECT_EQ(p.code, 1) << p.err;  // --fail-on low on the command line wins over the policy
}

TEST_F(PolicyCli, BrokenPolicyIsAUsageErrorAtItsLine) {
  write_file(m_dir / ".drydock.yaml", "ignore:\n  - check: \"4.1\"\n");
  const auto p = lint({});
  EXPECT_EQ(p.code, 2);
  EXPECT_NE(p.err.find(".drydock.yaml:2: an `ignore` entry needs `reason`"), std::string::npos) << p.err;
  EXPECT_EQ(p.out, "");
}

TEST_F(PolicyCli, BaselineHidesExactlyTheOldFindings) {
  auto before = lint({"--format", "json", "--output", "old.json", "--fail-on", "none"});
  ASSERT_EQ(before.code, 0) << before.err;
  auto old = parse_json(lint({"--format", "json", "--fail-on", "none"}).out);
  ASSERT_TRUE(old);
  int old_findings = 0;
  for (const auto& r : (*old)["results"])
    old_findings += (r["status"] == "fail" || r["status"] == "warn") ? 1 : 0;
  ASSERT_GT(old_findings, 0);

  // Two lines added above the old findings (their lines shift) and one new problem: ADD of a URL.
  write_file(m_dir / "Dockerfile",
             "# syntax=docker/dockerfile:1\n\nFROM debian:12\nADD https://example.com/tool.tgz /opt/\nRUN echo hi\n"
             "HEALTHCHECK CMD true\n");
  const auto p = lint({"--format", "json", "--baseline", "old.json"});
  EXPECT_EQ(p.code, 1) << p.err;
  const auto now = parse_json(p.out);
  ASSERT_TRUE(now);
  std::vector<std::string> findings;
  for (const auto& r : (*now)["results"]) {
    if (r["status"] == "fail" || r["status"] == "warn") findings.push_back(r["id"].get<std::string>());
  }
  EXPECT_EQ(findings, (std::vector<std::string>{"dockerfile.add-instead-of-copy"}));
  EXPECT_EQ((*now)["summary"]["baseline_hidden"], old_findings);

  const auto text = lint({"--baseline", "old.json"});
  EXPECT_NE(text.out.find(std::to_string(old_findings) + " already in the baseline, not shown"), std::string::npos) << text.out;

  write_file(m_dir / "bad.json", R"({"version": "2.1.0"})");
  const auto bad = lint({"--baseline", "bad.json"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("not a drydock JSON report"), std::string::npos) << bad.err;
}

}  // namespace
