#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "drydock/checks/catalogue.hpp"
#include "drydock/audit/merge.hpp"
#include "drydock/parse/policy.hpp"
#include "drydock/render/render.hpp"
#include "support.hpp"

namespace drydock::render {
namespace {

using core::Severity;
using core::Status;
using fixture::expect_golden;
using fixture::run_shell;
using fixture::sample;

const std::string k_tools = std::string(DRYDOCK_TEST_DATA) + "/../tools/sarif";

/// A file in a fresh temporary directory, removed with it.
class TempFiles {
 public:
  TempFiles() : m_dir(std::filesystem::temp_directory_path() / ("drydock-sarif-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(m_dir);
  }
  ~TempFiles() { std::filesystem::remove_all(m_dir); }
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;
  std::string write(const std::string& name, const std::string& content) {
    const auto path = (m_dir / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

 private:
  std::filesystem::path m_dir;
};

/// The official validator (tests/tools/sarif): installs it when needed, then validates.
int validate(const std::vector<std::string>& files, std::string& output) {
  std::string install_output;
  if (run_shell("sh " + k_tools + "/install.sh", install_output) != 0) {
    output = "install.sh failed: " + install_output;
    return -1;
  }
  std::string command = "node " + k_tools + "/validate.js";
  for (const auto& f : files)
    command += " '" + f + "'";
  return run_shell(command, output);
}

/// One result for every check of the catalogue, every status, kind of subject and location,
/// with evidence that is not valid UTF-8: what any real subcommand can produce.
audit::Report whole_catalogue() {
  audit::Report r;
  r.command = "host";
  r.target = "this host";
  const std::vector<audit::Subject> subjects = {
      {"container", "0123abcd", "web"},        {"image", "sha256:1111", "busybox:1"}, {"daemon", "", "dockerd"},
      {"file", "", "/etc/docker/daemon.json"}, {"dockerfile", "", "ctx/Dockerfile"},  {"host", "", ""}};
  const std::vector<std::optional<model::Location>> locations = {std::nullopt, model::Location{"compose dir/compose.yaml", 12, 3},
                                                                 model::Location{"/etc/docker/daemon.json", 0, 0},
                                                                 model::Location{"./Dockerfile", 4, 0}};
  std::size_t i = 0;
  for (const auto& c : checks::catalogue()) {
    const auto status = static_cast<Status>(i % 6);
    const auto& subject = subjects[(i / 6) % subjects.size()];
    r.results.push_back(
        {&c, subject,
         checks::Finding{"value \"x\" <y> & \xff\xfe tab\t nul" + std::string(1, '\0') + " end", locations[i % locations.size()], status, i % 5 == 0 ? std::optional<Severity>(Severity::low) : std::nullopt}});
    ++i;
  }
  // A Dockerfile finding without a line still points at its file; a container's at no file.
  r.results.push_back({&checks::catalogue().front(), subjects[4], checks::Finding{"e", {}, Status::fail, {}}});
  r.results.push_back({&checks::catalogue().front(), subjects[0], checks::Finding{"e", {}, Status::warn, {}}});
  return r;
}

TEST(RenderSarif, Golden) { expect_golden("report.sarif", sarif(sample())); }

TEST(RenderSarif, RulesFromTheChecks) {
  const auto doc = nlohmann::json::parse(sarif(sample()));
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "drydock");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3U);  // image.user-root, runtime.privileged, runtime.sensitive-host-mount
  EXPECT_EQ(rules[0]["id"], "image.user-root");
  EXPECT_EQ(rules[0]["shortDescription"]["text"], "Image runs as root");
  EXPECT_EQ(rules[1]["properties"]["security-severity"], "9.5");  // a string, as GitHub wants
  EXPECT_EQ(rules[1]["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(rules[0]["properties"]["tags"][0], "security");
  EXPECT_NE(rules[1]["help"]["markdown"].get<std::string>().find("**Remediation:** Run without --privileged."),
            std::string::npos);
  EXPECT_NE(rules[1]["help"]["text"].get<std::string>().find("CKV_DOCKER_X"), std::string::npos);
  EXPECT_EQ(run["automationDetails"]["id"], "drydock/host/");
}

TEST(RenderSarif, ResultsLevelsAndLocations) {
  const auto doc = nlohmann::json::parse(sarif(sample()));
  const auto& run = doc["runs"][0];
  const auto& results = run["results"];
  // Three failures; the pass is only counted, the error is a notification.
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0]["ruleId"], "image.user-root");
  EXPECT_EQ(results[0]["ruleIndex"], 0);
  EXPECT_EQ(results[0]["level"], "warning");  // medium
  EXPECT_EQ(results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], "image/busybox:1");
  // Code scanning wants a physical location on every result: engine objects get a pseudo-file.
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "image/busybox%3A1");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "DOCKER");
  EXPECT_EQ(results[1]["level"], "error");  // critical
  EXPECT_EQ(results[1]["message"]["text"], "Container runs privileged (container web): HostConfig.Privileged=true");
  const auto& mount = results[2];
  EXPECT_EQ(mount["level"], "warning");  // the finding's own severity (medium), not the check's (high)
  const auto& physical = mount["locations"][0]["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"], "compose.yaml");
  EXPECT_EQ(physical["region"]["startLine"], 7);
  EXPECT_EQ(physical["region"]["startColumn"], 5);
  EXPECT_EQ(run["properties"]["summary"]["pass"], 1);
  const auto& notes = run["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_EQ(notes[0]["associatedRule"]["id"], "runtime.sensitive-host-mount");
  EXPECT_EQ(notes[0]["level"], "error");
  for (const auto& r : results)
    EXPECT_EQ(r["partialFingerprints"]["drydockFingerprint/v1"].get<std::string>().size(), 16U);
}

TEST(RenderSarif, ManualControlsAreForReview) {
  auto r = sample();
  r.results[2].finding.status = Status::info;  // the db container's privileged check
  const auto doc = nlohmann::json::parse(sarif(r));
  const auto& results = doc["runs"][0]["results"];
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[2]["kind"], "review");
  EXPECT_EQ(results[2]["level"], "none");
  EXPECT_EQ(results[1]["kind"], "fail");
}

TEST(RenderSarif, FingerprintIgnoresLinesButNotSubjects) {
  auto r = sample();
  const auto before = fingerprint(r.results[3]);
  r.results[3].finding.location->line = 42;
  r.results[3].finding.evidence = "changed";
  EXPECT_EQ(fingerprint(r.results[3]), before);
  r.results[3].finding.location->file = "other.yaml";
  EXPECT_NE(fingerprint(r.results[3]), before);
  EXPECT_NE(fingerprint(r.results[1]), fingerprint(r.results[2]));  // same check, another container
  EXPECT_NE(fingerprint(r.results[1]), fingerprint(r.results[3]));  // same container, another check
}

TEST(RenderSarif, EveryResultHasAPhysicalLocation) {
  const auto doc = nlohmann::json::parse(sarif(whole_catalogue()));
  const auto& run = doc["runs"][0];
  std::set<std::string> uris;
  ASSERT_FALSE(run["results"].empty());
  for (const auto& r : run["results"]) {
    ASSERT_EQ(r["locations"].size(), 1U);
    const auto& artifact = r["locations"][0]["physicalLocation"]["artifactLocation"];
    ASSERT_TRUE(artifact.contains("uri")) << r.dump();
    const auto base = artifact.value("uriBaseId", std::string());
    EXPECT_TRUE(base.empty() || run["originalUriBaseIds"].contains(base)) << base;
    uris.insert((base.empty() ? "" : base + ":") + artifact["uri"].get<std::string>());
  }
  EXPECT_TRUE(uris.contains("compose%20dir/compose.yaml"));       // relative to the repository
  EXPECT_TRUE(uris.contains("HOSTROOT:etc/docker/daemon.json"));  // a file of the host
  EXPECT_TRUE(uris.contains("Dockerfile"));
  EXPECT_TRUE(uris.contains("ctx/Dockerfile"));  // a dockerfile subject without a location
  EXPECT_TRUE(uris.contains("DOCKER:container/web"));
  EXPECT_TRUE(uris.contains("DOCKER:host/host"));  // a subject without name or id
  EXPECT_EQ(run["originalUriBaseIds"]["HOSTROOT"]["uri"], "file:///");
}

TEST(RenderSarif, ValidAgainstTheOfficialSchema) {
  TempFiles tmp;
  const auto golden = tmp.write("sample.sarif", sarif(sample()));
  const auto all = tmp.write("catalogue.sarif", sarif(whole_catalogue()));
  audit::Report empty;
  empty.command = "dockerfile";
  const auto none = tmp.write("empty.sarif", sarif(empty));
  std::string output;
  EXPECT_EQ(validate({golden, all, none}, output), 0) << output;
  EXPECT_NE(output.find("catalogue.sarif: valid against sarif-schema-2.1.0.json"), std::string::npos) << output;
  EXPECT_NE(output.find("catalogue.sarif: valid against sarif-2.1.0-rtm.5.json"), std::string::npos) << output;
}

TEST(RenderSarif, AMergedReportOfThreeHostsIsValidWithThreeRuns) {
  // Three hosts' JSON reports, read back and merged as `drydock merge` does.
  std::vector<model::ReportFile> files;
  for (int n = 1; n <= 3; ++n) {
    auto r = whole_catalogue();
    r.hosts = {{fmt::format("node-{}", n), fmt::format("ENGINE:{}", n), "20.10.24", "Debian GNU/Linux 12 (bookworm)"}};
    auto file = parse::report_file(json(r), fmt::format("node-{}.json", n));
    ASSERT_TRUE(file) << file.error().describe();
    files.push_back(std::move(*file));
  }
  const auto merged = audit::merge(files);
  ASSERT_TRUE(merged) << merged.error().describe();
  const auto text = sarif(*merged);
  const auto doc = nlohmann::json::parse(text);
  ASSERT_EQ(doc["runs"].size(), 3U);
  std::set<std::string> ids;
  for (const auto& run : doc["runs"])
    ids.insert(run["automationDetails"]["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"drydock/host/node-1/", "drydock/host/node-2/", "drydock/host/node-3/"}));
  // Each run has the results of one host, as many as the single report's.
  const auto single = nlohmann::json::parse(sarif(whole_catalogue()));
  for (const auto& run : doc["runs"])
    EXPECT_EQ(run["results"].size(), single["runs"][0]["results"].size());
  TempFiles tmp;
  const auto path = tmp.write("merged.sarif", text);
  std::string output;
  EXPECT_EQ(validate({path}, output), 0) << output;
  EXPECT_NE(output.find("merged.sarif: valid against sarif-schema-2.1.0.json"), std::string::npos) << output;
  EXPECT_NE(output.find("merged.sarif: valid against sarif-2.1.0-rtm.5.json"), std::string::npos) << output;
}

TEST(RenderSarif, AcceptedFindingsAreExternalSuppressions) {
  auto report = sample();
  std::size_t i = 0;
  while (report.results[i].finding.status != core::Status::fail)
    ++i;
  report.results[i].accepted = audit::Acceptance{"reviewed by security", "2027-03-31", {".drydock.yaml", 4, 5}};
  const auto doc = nlohmann::json::parse(sarif(report));
  std::size_t suppressed = 0;
  for (const auto& r : doc["runs"][0]["results"]) {
    if (!r.contains("suppressions")) continue;
    ++suppressed;
    EXPECT_EQ(r["suppressions"][0]["kind"], "external");
    EXPECT_EQ(r["suppressions"][0]["justification"], "reviewed by security (until 2027-03-31)");
  }
  EXPECT_EQ(suppressed, 1u);
  TempFiles tmp;
  std::string output;
  EXPECT_EQ(validate({tmp.write("accepted.sarif", sarif(report))}, output), 0) << output;
}

TEST(RenderSarif, TheValidatorRejectsInvalidSarif) {
  // The validator must be able to fail: the same log with a level SARIF does not have, a
  // region without a start line, a rule without an id.
  TempFiles tmp;
  auto doc = nlohmann::json::parse(sarif(sample()));
  auto bad_level = doc;
  bad_level["runs"][0]["results"][0]["level"] = "critical";
  auto bad_region = doc;
  bad_region["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  auto bad_rule = doc;
  bad_rule["runs"][0]["tool"]["driver"]["rules"][0].erase("id");
  std::vector<std::string> files;
  for (const auto& [name, bad] : {std::pair{"level", bad_level}, {"region", bad_region}, {"rule", bad_rule}})
    files.push_back(tmp.write(std::string("bad-") + name + ".sarif", bad.dump()));
  std::string output;
  EXPECT_EQ(validate(files, output), 1) << output;
  for (const auto& f : files) {
    EXPECT_NE(output.find(f + ": sarif-schema-2.1.0.json: "), std::string::npos) << f << "\n" << output;
    EXPECT_EQ(output.find(f + ": valid against sarif-schema-2.1.0.json"), std::string::npos) << f << "\n" << output;
  }
}

}  // namespace
}  // namespace drydock::render
