// Reports people read (issue 17), from the real binary: the bundled examples/ rendered as text,
// gnu, codeclimate and markdown against golden files; what the first screen of the text report
// shows; an engine with no containers fits in 40 lines; the README's first example is a real
// report; errors are said once per subject and never pass silently.
// DRYDOCK_UPDATE_GOLDEN=1 rewrites the golden files (review the diff).

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "second_daemon.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_root = std::string(DRYDOCK_TEST_DATA) + "/../..";

/// drydock run from the repository's root, so the paths in the reports are relative and stable.
Proc drydock_at_root(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"sh", "-c", "cd \"$0\" && exec \"$@\"", k_root, DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

Proc examples(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"container", "examples/hardened-container.json", "examples/insecure-containers.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return drydock_at_root(args);
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::vector<std::string> first_lines(const std::string& text, std::size_t n) {
  auto all = lines(text);
  if (all.size() > n) all.resize(n);
  return all;
}

TEST(ReportsGolden, TextOfTheExamples) {
  const auto p = examples({"--no-color"});
  EXPECT_EQ(p.code, 1) << p.err;  // critical findings, default --fail-on high
  expect_golden("examples.txt", p.out);
}

TEST(ReportsGolden, GnuOfTheExamples) {
  const auto p = examples({"--format", "gnu", "--fail-on", "none"});
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("examples.gnu", p.out);
  for (const auto& line : lines(p.out)) {
    // FILE:LINE:COL: or KIND/NAME:, then SEVERITY:, the message and [ID].
    EXPECT_TRUE(line.starts_with("container/")) << line;
    EXPECT_TRUE(line.ends_with("]")) << line;
  }
}

TEST(ReportsGolden, CodeclimateOfTheExamples) {
  const auto p = examples({"--format", "codeclimate", "--fail-on", "none"});
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("examples.codeclimate.json", p.out);
  const auto issues = parse_json(p.out);
  ASSERT_TRUE(issues && issues->is_array()) << p.out.substr(0, 500);
  ASSERT_FALSE(issues->empty());
  std::set<std::string> fingerprints;
  static const std::set<std::string> k_severities = {"info", "minor", "major", "critical", "blocker"};
  for (const auto& i : *issues) {
    EXPECT_EQ(i["type"], "issue");
    EXPECT_TRUE(i["description"].is_string() && !i["description"].get<std::string>().empty());
    EXPECT_TRUE(i["check_name"].is_string());
    EXPECT_TRUE(k_severities.contains(i["severity"].get<std::string>())) << i;
    EXPECT_TRUE(i["location"]["path"].is_string()) << i;
    EXPECT_GE(i["location"]["lines"]["begin"].get<int>(), 1) << i;
    EXPECT_TRUE(fingerprints.insert(i["fingerprint"].get<std::string>()).second) << "fingerprints are unique: " << i;
  }
}

TEST(ReportsGolden, MarkdownOfTheExamples) {
  const auto p = examples({"--format", "markdown", "--fail-on", "none"});
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("examples.md", p.out);
  EXPECT_LT(p.out.size(), 64U * 1024U);
  EXPECT_NE(p.out.find("### critical"), std::string::npos);
}

TEST(ReportsText, ThePrivilegedContainerIsInTheFirstScreen) {
  const auto p = examples({"--no-color"});
  // A terminal of 24 lines: the privileged check and the container it found.
  std::string screen;
  for (const auto& l : first_lines(p.out, 24))
    screen += l + "\n";
  const auto heading = screen.find("Containers do not run privileged [runtime.privileged]");
  ASSERT_NE(heading, std::string::npos) << screen;
  EXPECT_TRUE(screen.starts_with("drydock container:")) << screen;
  EXPECT_NE(screen.find("critical", screen.rfind('\n', heading) + 1), std::string::npos) << screen;
  EXPECT_NE(screen.find("container legacy-admin", heading), std::string::npos) << screen;
  EXPECT_NE(screen.find("HostConfig.Privileged=true", heading), std::string::npos) << screen;
}

TEST(ReportsText, PassesAndSkipsAreCountedNotListedUnlessVerbose) {
  const auto p = examples({"--no-color"});
  EXPECT_EQ(p.out.find("\npass "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("5 Container runtime: "), std::string::npos) << p.out;
  const auto v = examples({"--no-color", "--verbose"});
  EXPECT_NE(v.out.find("pass  container api"), std::string::npos) << v.out.substr(0, 3000);
  EXPECT_GT(lines(v.out).size(), lines(p.out).size());
}

TEST(ReportsText, AnEngineWithNoContainersFitsIn40Lines) {
  SecondDaemon d;
  if (!d.ready()) {
    if (in_ci()) FAIL() << "could not start a private dockerd:\n" << d.log();
    GTEST_SKIP() << "could not start a private dockerd here";
  }
  // What `make audit` runs, against an engine with no containers and no images.
  const auto p = run({DRYDOCK_BIN, "host", "--host", d.host(), "--no-color"});
  EXPECT_TRUE(p.code == 0 || p.code == 1) << p.err;
  EXPECT_LT(lines(p.out).size(), 40U) << p.out;
  EXPECT_NE(p.out.find("Summary: "), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("5 Container runtime: "), std::string::npos) << p.out;
}

TEST(ReportsText, TheReadmeOpensWithARealReport) {
  // The first ```text block of the README is the start of this report, line for line.
  std::ifstream in(k_root + "/README.md");
  std::stringstream s;
  s << in.rdbuf();
  const std::string readme = s.str();
  const auto open = readme.find("```text\n");
  ASSERT_NE(open, std::string::npos) << "the README has no text report";
  EXPECT_LT(open, readme.find("## What it checks")) << "the report comes first";
  const auto body = open + 8;
  const auto close = readme.find("```", body);
  ASSERT_NE(close, std::string::npos);
  auto shown = lines(readme.substr(body, close - body));
  ASSERT_GE(shown.size(), 5U);
  ASSERT_TRUE(shown.front().starts_with("$ ")) << shown.front();
  const auto command = words(shown.front().substr(2));
  ASSERT_GE(command.size(), 2U);
  ASSERT_EQ(command[0], "drydock");
  std::vector<std::string> args(command.begin() + 1, command.end());
  args.emplace_back("--no-color");
  const auto p = drydock_at_root(args);
  const auto real = lines(p.out);
  std::size_t i = 0;
  for (std::size_t k = 1; k < shown.size(); ++k) {
    if (shown[k] == "...") {  // an elision: skip ahead to the next line shown
      ASSERT_LT(k + 1, shown.size());
      while (i < real.size() && real[i] != shown[k + 1])
        ++i;
      continue;
    }
    ASSERT_LT(i, real.size()) << "the README shows more than the report has: " << shown[k];
    EXPECT_EQ(shown[k], real[i]) << "README line " << k << " of the report";
    ++i;
  }
}

TEST(ReportsErrors, AnUnreadableFileIsOneLineAndExit3) {
  const auto p = drydock_at_root({"dockerfile", "no-such-file.txt", "--no-color"});
  EXPECT_EQ(p.code, 3) << p.err;
  std::size_t errors = 0;
  for (const auto& l : lines(p.out))
    errors += l.find("no-such-file.txt") != std::string::npos && l.starts_with("error") ? 1 : 0;
  EXPECT_EQ(errors, 1U) << p.out;
  // JSON keeps one result per check and subject.
  const auto j = drydock_at_root({"dockerfile", "no-such-file.txt", "--format", "json"});
  EXPECT_EQ(j.code, 3);
  const auto report = parse_json(j.out);
  ASSERT_TRUE(report);
  EXPECT_GT((*report)["results"].size(), 1U);
  EXPECT_EQ((*report)["summary"]["error"], (*report)["results"].size());
}

TEST(ReportsErrors, ErrorResultsMakeTheExitCodeNonZeroUnlessFailOnNone) {
  // A directory scan that finds a file which is not a Dockerfile: an error result, not a named
  // file; it counts.
  const std::string dir = std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli/services";
  const auto p = run({DRYDOCK_BIN, "dockerfile", dir, "--fail-on", "critical", "--only", "dockerfile.workdir-relative"});
  EXPECT_EQ(p.code, 1) << p.out << p.err;
  EXPECT_NE(p.out.find(" error"), std::string::npos) << p.out;
  const auto none = run({DRYDOCK_BIN, "dockerfile", dir, "--fail-on", "none", "--only", "dockerfile.workdir-relative"});
  EXPECT_EQ(none.code, 0) << none.out << none.err;
}

}  // namespace
