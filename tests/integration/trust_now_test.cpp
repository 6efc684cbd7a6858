// --now through the real binary: every command takes it, the expiry of an accepted finding is
// decided at that instant (offsets included), `drydock diff` stamps its lines with it, `db info`
// counts the database's age from it, and a time that is not RFC 3339 is a usage error.

#include <gtest/gtest.h>

#include <unistd.h>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

class TrustNow : public testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("drydock-trust-now-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
    write_file(m_dir / "Dockerfile", "FROM debian:12\nRUN echo hi\nHEALTHCHECK CMD true\n");
    write_file(m_dir / "policy.yaml",
               "ignore:\n  - check: dockerfile.user-root\n    reason: reviewed\n    expires: 2027-03-31\n");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  Proc lint(const std::vector<std::string>& args) {
    std::vector<std::string> argv{DRYDOCK_BIN, "dockerfile", (m_dir / "Dockerfile").string(), "--only", "4.1",
                                  "--fail-on", "low", "--config", (m_dir / "policy.yaml").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  fs::path m_dir;
};

TEST_F(TrustNow, TheIgnoreExpiresAtTheGivenInstant) {
  // The last day of the acceptance, late in the evening UTC: still accepted.
  auto p = lint({"--now", "2027-03-31T23:59:59Z", "--format", "json"});
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  auto j = parse_json(p.out);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["results"][0]["accepted"]["expires"], "2027-03-31");

  // The next day: the finding is back, and stderr says why.
  p = lint({"--now", "2027-04-01T00:00:00Z"});
  EXPECT_EQ(p.code, 1) << p.out << p.err;
  EXPECT_NE(p.err.find("expired on 2027-03-31"), std::string::npos) << p.err;

  // 01:00 on 1 April in UTC+02:00 is still 31 March in UTC.
  p = lint({"--now", "2027-04-01T01:00:00+02:00"});
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  // And the same instant always gives the same report.
  EXPECT_EQ(lint({"--now", "2027-04-01T01:00:00+02:00", "--format", "json"}).out,
            lint({"--now", "2027-03-31T23:00:00Z", "--format", "json"}).out);
}

TEST_F(TrustNow, NotATimeIsAUsageError) {
  for (const char* bad : {"tomorrow", "2027-04-01T00:00:00", "2027-02-30T00:00:00Z"}) {
    const auto p = lint({"--now", bad});
    EXPECT_EQ(p.code, 2) << bad << p.out << p.err;
    EXPECT_NE(p.err.find("--now: not an RFC 3339 time"), std::string::npos) << p.err;
  }
}

TEST_F(TrustNow, EveryCommandTakesIt) {
  const std::vector<std::vector<std::string>> commands{
      {"host"},           {"container"},        {"dockerfile"},         {"compose"},         {"image"},
      {"checks"},         {"db", "import"},     {"db", "info"},         {"harden", "compose"}, {"harden", "container"},
      {"seccomp", "build"}, {"seccomp", "record"}, {"watch"},            {"history"},         {"diff"},
      {"verify"},         {"merge"},            {"fleet"},              {"fleet-task"}};
  for (const auto& c : commands) {
    std::vector<std::string> argv{DRYDOCK_BIN};
    argv.insert(argv.end(), c.begin(), c.end());
    argv.emplace_back("--help");
    const auto p = run(argv);
    EXPECT_EQ(p.code, 0) << describe(argv, p);
    EXPECT_NE(p.out.find("--now"), std::string::npos) << describe(argv, p);
  }
  // `checks` needs no time but takes it, so a wrapper can pass it to every command.
  EXPECT_EQ(run({DRYDOCK_BIN, "checks", "--now", "2027-01-01T00:00:00Z"}).code, 0);
}

TEST_F(TrustNow, DiffStampsItsLinesWithIt) {
  ASSERT_EQ(run({DRYDOCK_BIN, "dockerfile", (m_dir / "Dockerfile").string(), "--only", "4.1", "--fail-on", "low", "--format",
                 "json", "-o", (m_dir / "new.json").string()})
                .code,
            1);
  ASSERT_EQ(run({DRYDOCK_BIN, "dockerfile", (m_dir / "Dockerfile").string(), "--only", "dockerfile.healthcheck",
                 "--format", "json", "-o", (m_dir / "old.json").string()})
                .code,
            0);
  const auto p = run({DRYDOCK_BIN, "diff", (m_dir / "old.json").string(), (m_dir / "new.json").string(), "--format",
                      "ndjson", "--now", "2026-12-03T10:30:00+01:00"});
  ASSERT_FALSE(p.out.empty()) << p.err;
  for (const auto& line : lines(p.out)) {
    const auto j = parse_json(line);
    ASSERT_TRUE(j) << line;
    EXPECT_EQ((*j)["time"], "2026-12-03T09:30:00.000Z") << line;
  }
}

TEST_F(TrustNow, DbInfoCountsTheAgeFromIt) {
  const auto db = (m_dir / "vuln.db").string();
  ASSERT_EQ(run({DRYDOCK_BIN, "db", "import", "--db", db, std::string(DRYDOCK_TEST_DATA) + "/vuln/debian"}).code, 0);
  auto p = run({DRYDOCK_BIN, "db", "info", "--db", db});
  EXPECT_NE(p.out.find("(today)"), std::string::npos) << p.out;
  // A century later.
  p = run({DRYDOCK_BIN, "db", "info", "--db", db, "--now", "2126-12-03T00:00:00Z"});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(p.out.find("(today)"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("days ago)"), std::string::npos) << p.out;
}

}  // namespace
