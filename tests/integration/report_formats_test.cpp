// The SARIF and JUnit reports of the real binary, for every subcommand: `drydock host` on this
// machine and its engine (containers, images, daemon, files), `drydock container` on the saved
// inspect output of examples/, `drydock image` on a tarball `docker save` wrote, `drydock
// dockerfile` over the fixture folder and `drydock compose` on the fixture project.
// SARIF is validated against the SARIF 2.1.0 schemas (tests/tools/sarif, ajv); JUnit is parsed
// by Python's xml.etree (tests/tools/junit/check_junit.py).

#include <gtest/gtest.h>

#include <fstream>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_tools = std::string(DRYDOCK_TEST_DATA) + "/../tools";

json parse_file(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

/// The report of `drydock ARGS... --format FORMAT --fail-on none -q`, written to a file.
std::string report_file(const std::vector<std::string>& args, const std::string& format) {
  const auto path = fs::temp_directory_path() / ("drydock-it-" + std::to_string(::getpid()) + "-" + args[0] + "." + format);
  // Reports with a physical location for every result are what code scanning accepts.
  std::vector<std::string> argv{DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"--format", format.c_str(), "--fail-on", "none", "-q", "--output", path.c_str()})
    argv.emplace_back(a);
  const auto p = run(argv, std::chrono::seconds(300));
  EXPECT_EQ(p.code, 0) << describe(argv, p);
  return path.string();
}

void expect_valid_sarif(const std::string& file) {
  const auto install = run({"sh", k_tools + "/sarif/install.sh"}, std::chrono::seconds(600));
  ASSERT_EQ(install.code, 0) << install.out << install.err;
  const auto p = run({"node", k_tools + "/sarif/validate.js", file});
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("valid against sarif-schema-2.1.0.json"), std::string::npos) << p.out;
  const auto doc = parse_file(file);
  EXPECT_FALSE(doc["runs"][0]["tool"]["driver"]["rules"].empty()) << file;
}

void expect_valid_junit(const std::string& file) {
  const auto p = run({"python3", k_tools + "/junit/check_junit.py", file});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_FALSE(p.out.empty()) << "no testcase in " << file;
}

TEST(ReportFormats, HostSarifIsValid) {
  const auto file = report_file({"host"}, "sarif");
  expect_valid_sarif(file);
  const auto doc = parse_file(file);
  bool logical = false;
  for (const auto& r : doc["runs"][0]["results"]) {
    logical = logical || r["locations"][0].contains("logicalLocations");
    // Code scanning rejects a whole log when one result lacks a physical location.
    EXPECT_TRUE(r["locations"][0]["physicalLocation"]["artifactLocation"].contains("uri")) << r.dump();
  }
  EXPECT_TRUE(logical) << "a host audit has findings about the host, its daemon or its containers";
  fs::remove(file);
}

TEST(ReportFormats, HostJunitIsWellFormed) {
  const auto file = report_file({"host"}, "junit");
  expect_valid_junit(file);
  fs::remove(file);
}

TEST(ReportFormats, DockerfileSarifAndJunit) {
  const std::string dir = std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli";
  const auto sarif = report_file({"dockerfile", dir}, "sarif");
  expect_valid_sarif(sarif);
  const auto doc = parse_file(sarif);
  bool physical = false;
  for (const auto& r : doc["runs"][0]["results"])
    physical = physical || r["locations"][0].contains("physicalLocation");
  EXPECT_TRUE(physical) << "Dockerfile findings point into their files";
  fs::remove(sarif);
  const auto junit = report_file({"dockerfile", dir}, "junit");
  expect_valid_junit(junit);
  fs::remove(junit);
}

/// Both formats of one subcommand: SARIF valid against the schemas, JUnit well formed.
void expect_both_formats(const std::vector<std::string>& args) {
  const auto sarif = report_file(args, "sarif");
  expect_valid_sarif(sarif);
  const auto doc = parse_file(sarif);
  EXPECT_FALSE(doc["runs"][0]["results"].empty()) << args[0] << ": the fixtures have findings";
  for (const auto& r : doc["runs"][0]["results"])
    EXPECT_TRUE(r["locations"][0]["physicalLocation"]["artifactLocation"].contains("uri")) << r.dump();
  fs::remove(sarif);
  const auto junit = report_file(args, "junit");
  expect_valid_junit(junit);
  fs::remove(junit);
}

TEST(ReportFormats, ContainerSarifAndJunit) {
  const std::string examples = std::string(DRYDOCK_TEST_DATA) + "/../../examples/";
  expect_both_formats({"container", examples + "insecure-containers.json", examples + "hardened-container.json"});
}

TEST(ReportFormats, ComposeSarifAndJunit) {
  const std::string project = std::string(DRYDOCK_TEST_DATA) + "/compose/project/";
  expect_both_formats({"compose", project + "compose.yaml", project + "compose.override.yaml"});
}

TEST(ReportFormats, ImageSarifAndJunit) {
  // An image made here (no registry): a busybox rootfs, run as root, no health check.
  const fs::path dir = fs::temp_directory_path() / ("drydock-it-sarif-image-" + std::to_string(::getpid()));
  fs::create_directories(dir / "rootfs/bin");
  std::error_code ec;
  fs::copy_file("/bin/busybox", dir / "rootfs/bin/busybox", ec);
  ASSERT_FALSE(ec) << "busybox-static is needed: " << ec.message();
  write_file(dir / "Dockerfile", "FROM scratch\nCOPY rootfs/ /\nEXPOSE 22\n");
  const std::string label = "drydock.test=it-sarif-" + std::to_string(::getpid());
  const std::string tag = "drydock-test/sarif:" + std::to_string(::getpid());
  const auto built = run({"docker", "build", "-q", "--label", label, "-t", tag, dir.string()}, std::chrono::seconds(300));
  ASSERT_EQ(built.code, 0) << built.err;
  const std::string tar = (dir / "image.tar").string();
  const auto saved = run({"docker", "save", "-o", tar, tag}, std::chrono::seconds(120));
  ASSERT_EQ(saved.code, 0) << saved.err;
  expect_both_formats({"image", tar});
  remove_labelled_images(label);
  fs::remove_all(dir, ec);
}

}  // namespace
