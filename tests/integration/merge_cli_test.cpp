// `drydock merge`: the reports of two real engines (the shared one and a private dockerd) made
// one report of two hosts, in every format that groups by host.
#include <gtest/gtest.h>

#include <set>

#include "second_daemon.hpp"
#include "support.hpp"

namespace drydock_it {
namespace {

class MergeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char templ[] = "/tmp/dd-merge-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    s_dir = templ;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(s_dir, ec);
  }
  static std::string s_dir;
};
std::string MergeCli::s_dir;

TEST_F(MergeCli, TwoEnginesBecomeTwoHostsInEveryFormat) {
  SecondDaemon d;
  if (!d.ready()) {
    if (in_ci()) FAIL() << "could not start a private dockerd:\n" << d.log();
    GTEST_SKIP() << "could not start a private dockerd here";
  }
  // Section 2 (the daemon) of each engine: quick, and every engine has it.
  const std::string a = s_dir + "/shared.json", b = s_dir + "/private.json";
  auto pa = run({DRYDOCK_BIN, "host", "--only", "2", "--format", "json", "-o", a, "--quiet"});
  ASSERT_TRUE(pa.code == 0 || pa.code == 1) << pa.err;
  auto pb = run({DRYDOCK_BIN, "host", "--host", d.host(), "--only", "2", "--format", "json", "-o", b, "--quiet"});
  ASSERT_TRUE(pb.code == 0 || pb.code == 1) << pb.err;
  std::ifstream ia(a), ib(b);
  const auto ra = json::parse(ia), rb = json::parse(ib);
  ASSERT_TRUE(ra["host"].is_object()) << ra["host"];
  ASSERT_FALSE(ra["host"]["engine_id"].get<std::string>().empty());
  ASSERT_NE(ra["host"]["engine_id"], rb["host"]["engine_id"]);
  EXPECT_TRUE(ra["host"]["engine_version"].get<std::string>().starts_with("20.10.24")) << ra["host"];

  const auto merged = run({DRYDOCK_BIN, "merge", a, b, "--format", "json", "--fail-on", "none"});
  ASSERT_EQ(merged.code, 0) << merged.err;
  const auto m = json::parse(merged.out);
  EXPECT_EQ(m["schema"], "drydock.report/v1");
  EXPECT_EQ(m["command"], "host");
  EXPECT_TRUE(m["host"].is_null());
  ASSERT_EQ(m["hosts"].size(), 2U);
  EXPECT_EQ(m["hosts"][0]["engine_id"], ra["host"]["engine_id"]);
  EXPECT_EQ(m["hosts"][1]["engine_id"], rb["host"]["engine_id"]);
  ASSERT_EQ(m["results"].size(), ra["results"].size() + rb["results"].size());
  // Each host's results are its own report's, evidence for evidence.
  for (int h = 0; h < 2; ++h) {
    const auto& own = h == 0 ? ra : rb;
    const auto name = m["hosts"][h]["name"];
    std::multiset<std::string> mine, theirs;
    for (const auto& r : m["results"])
      if (r["host"] == name) mine.insert(r["id"].get<std::string>() + " " + r["status"].get<std::string>() + " " + r["evidence"].get<std::string>());
    for (const auto& r : own["results"])
      theirs.insert(r["id"].get<std::string>() + " " + r["status"].get<std::string>() + " " + r["evidence"].get<std::string>());
    EXPECT_EQ(mine, theirs) << "host " << name;
  }
  for (const auto& k : {"fail", "warn", "pass", "error"})
    EXPECT_EQ(m["summary"][k].get<int>(), ra["summary"][k].get<int>() + rb["summary"][k].get<int>()) << k;

  const auto sarif = run({DRYDOCK_BIN, "merge", a, b, "--format", "sarif", "--fail-on", "none"});
  ASSERT_EQ(sarif.code, 0) << sarif.err;
  const auto s = json::parse(sarif.out);
  ASSERT_EQ(s["runs"].size(), 2U);
  EXPECT_NE(s["runs"][0]["automationDetails"]["id"], s["runs"][1]["automationDetails"]["id"]);

  const auto junit = run({DRYDOCK_BIN, "merge", a, b, "--format", "junit", "--fail-on", "none"});
  EXPECT_NE(junit.out.find("<testsuite name=\"host " + m["hosts"][1]["name"].get<std::string>() + "\""), std::string::npos)
      << junit.out.substr(0, 2000);

  const auto text = run({DRYDOCK_BIN, "merge", a, b, "--no-color"});
  EXPECT_TRUE(text.code == 0 || text.code == 1) << text.err;
  EXPECT_NE(text.out.find("2 hosts\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("== host " + m["hosts"][0]["name"].get<std::string>()), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("== all 2 hosts"), std::string::npos) << text.out;
  // The exit code follows --fail-on over every host, as for one report.
  const auto strict = run({DRYDOCK_BIN, "merge", a, b, "--fail-on", "info", "--quiet"});
  EXPECT_EQ(strict.code, m["summary"]["fail"].get<int>() + m["summary"]["warn"].get<int>() + m["summary"]["error"].get<int>() > 0 ? 1 : 0);
}

TEST_F(MergeCli, WhatIsNotAReportIsAClearError) {
  write_file(s_dir + "/not.json", "{\"schema\": \"something else\"}");
  const auto p = run({DRYDOCK_BIN, "merge", s_dir + "/not.json"});
  EXPECT_EQ(p.code, 2) << p.err;
  EXPECT_NE(p.err.find("not a drydock JSON report"), std::string::npos) << p.err;
  const auto missing = run({DRYDOCK_BIN, "merge", s_dir + "/absent.json"});
  EXPECT_EQ(missing.code, 2) << missing.err;
}

}  // namespace
}  // namespace drydock_it
