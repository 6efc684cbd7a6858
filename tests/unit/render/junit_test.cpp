#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "drydock/render/render.hpp"
#include "support.hpp"

namespace drydock::render {
namespace {

using core::Status;
using fixture::expect_golden;
using fixture::run_shell;
using fixture::sample;

/// Parses `xml` with Python's xml.etree through tests/tools/junit/check_junit.py: its exit
/// status, and its listing ("status classname name" lines, or the complaint) in `listing`.
int check_with_python(const std::string& xml, std::string& listing) {
  const auto file = std::filesystem::temp_directory_path() / ("drydock-junit-" + std::to_string(::getpid()) + ".xml");
  std::ofstream(file, std::ios::binary) << xml;
  const std::string command =
      "python3 " + std::string(DRYDOCK_TEST_DATA) + "/../tools/junit/check_junit.py '" + file.string() + "'";
  const int status = run_shell(command, listing);
  std::filesystem::remove(file);
  return status;
}

TEST(RenderJunit, Golden) { expect_golden("report.junit.xml", junit(sample())); }

TEST(RenderJunit, OneTestcasePerCheckAndSubjectAsAParserSeesIt) {
  std::string listing;
  ASSERT_EQ(check_with_python(junit(sample()), listing), 0) << listing;
  // Suites in catalogue order; within one, the report's order.
  EXPECT_EQ(listing,
            "failure image.user-root image busybox:1\n"
            "failure runtime.privileged container web\n"
            "passed runtime.privileged container db\n"
            "failure runtime.sensitive-host-mount container web\n"
            "error runtime.sensitive-host-mount container db\n");
}

TEST(RenderJunit, SkipWarnAndInfo) {
  auto r = sample();
  r.results[0].finding.status = Status::skip;
  r.results[0].finding.evidence = "no image to inspect";
  r.results[1].finding.status = Status::warn;
  r.results[2].finding.status = Status::info;
  const auto xml = junit(r);
  std::string listing;
  ASSERT_EQ(check_with_python(xml, listing), 0) << listing;
  EXPECT_EQ(listing,
            "skipped image.user-root image busybox:1\n"
            "failure runtime.privileged container web\n"
            "passed runtime.privileged container db\n"
            "failure runtime.sensitive-host-mount container web\n"
            "error runtime.sensitive-host-mount container db\n");
  EXPECT_NE(xml.find(R"(<skipped message="no image to inspect"/>)"), std::string::npos);
  EXPECT_NE(xml.find("<system-out>info: HostConfig.Privileged=false</system-out>"), std::string::npos);
  EXPECT_NE(
      xml.find(R"(<testsuites name="drydock host: unix:///var/run/docker.sock" tests="5" failures="2" errors="1" skipped="1")"),
      std::string::npos);
}

TEST(RenderJunit, HostileTextStaysWellFormed) {
  auto r = sample();
  r.results[0].finding.evidence = "quote \" amp & lt < gt > ]]> apos ' bad \xff\xfe nul " + std::string(1, '\0') +
                                  " bell \x07 noncharacter \xef\xbf\xbe caf\xc3\xa9 \xf0\x9f\x90\xb3";
  r.results[0].subject = audit::Subject{r.results[0].subject->kind, r.results[0].subject->id, "name with <tags> & \"quotes\"\nand a newline"};
  r.results[2].finding.evidence = "</system-out><injected/>";
  std::string listing;
  ASSERT_EQ(check_with_python(junit(r), listing), 0) << listing;
  EXPECT_NE(listing.find("failure image.user-root image name with <tags> & \"quotes\"\nand a newline\n"), std::string::npos)
      << listing;
}

TEST(RenderJunit, TheCheckerRejectsBrokenReports) {
  std::string listing;
  EXPECT_EQ(check_with_python("<testsuites><testsuite", listing), 1) << listing;
  EXPECT_NE(listing.find("not well-formed"), std::string::npos);
  auto xml = junit(sample());
  xml.replace(xml.find("failures=\"3\""), 12, "failures=\"2\"");
  EXPECT_EQ(check_with_python(xml, listing), 1) << listing;
  EXPECT_NE(listing.find("failures=2, counted 3"), std::string::npos) << listing;
}

}  // namespace
}  // namespace drydock::render
