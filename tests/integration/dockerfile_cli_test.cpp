// `drydock dockerfile` over the fixture directory tests/data/dockerfiles/cli: recursion and
// file names, a binary file reported as an error, the golden JSON and text reports, stdin,
// and exit codes. Needs no engine. DRYDOCK_UPDATE_GOLDEN=1 rewrites the golden files.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_dir = std::string(DRYDOCK_TEST_DATA) + "/dockerfiles";

/// Runs drydock from the fixture folder, so paths in the report are relative and stable.
Proc lint(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"sh", "-c", "cd \"$0\" && exec \"$@\"", k_dir, DRYDOCK_BIN, "dockerfile"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

TEST(DockerfileCli, GoldenJsonOverAFixtureDirectory) {
  const auto p = lint({"cli", "--format", "json", "--fail-on", "none"});
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("dockerfile-cli.json", p.out);
  EXPECT_NE(p.err.find("cli/services/Containerfile"), std::string::npos) << p.err;  // the binary one, said on stderr
}

TEST(DockerfileCli, GoldenText) {
  const auto p = lint({"cli", "--fail-on", "none", "--no-color"});
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("dockerfile-cli.txt", p.out);
}

TEST(DockerfileCli, WhatTheReportSays) {
  const auto p = lint({"cli", "--format", "json", "--fail-on", "none"});
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report);
  std::set<std::string> subjects;
  for (const auto& r : (*report)["results"]) {
    subjects.insert(r["subject"]["name"]);
    EXPECT_EQ(r["subject"]["kind"], "dockerfile");
    const std::string name = r["subject"]["name"];
    if (name == "cli/Dockerfile") {
      // Without trusted-registries or trusted-images, CIS 4.2 lists the base images for a person (info).
      EXPECT_EQ(r["status"], r["id"] == "dockerfile.trusted-base-image" ? "info" : "pass") << r["id"] << ": " << r["evidence"];
    }
    if (name == "cli/services/Containerfile") {
      EXPECT_EQ(r["status"], "error");
    }
    if (r["status"] == "fail") {
      EXPECT_TRUE(r["location"].is_object()) << r["id"];
    }
  }
  // README.md is not a Dockerfile name; the three real ones and the binary Containerfile are.
  EXPECT_EQ(subjects, (std::set<std::string>{"cli/Dockerfile", "cli/services/Containerfile", "cli/services/api/Dockerfile.prod",
                                             "cli/services/web/web.dockerfile"}));
}

TEST(DockerfileCli, ExitCodesAndStdin) {
  EXPECT_EQ(lint({"cli/services/api/Dockerfile.prod"}).code, 1);  // a critical secret, default --fail-on high
  EXPECT_EQ(lint({"cli/Dockerfile"}).code, 0);
  EXPECT_EQ(lint({"cli/services/Containerfile"}).code, 3);  // nothing could be read
  EXPECT_EQ(lint({"/nonexistent-dir/"}).code, 3);
  const auto p = run({"sh", "-c", "exec \"$0\" dockerfile - --format json < \"$1\"", DRYDOCK_BIN, k_dir + "/cli/Dockerfile"});
  EXPECT_EQ(p.code, 0) << p.err;
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["results"][0]["subject"]["name"], "(stdin)");
}

}  // namespace
