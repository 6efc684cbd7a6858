#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "drydock/checks/catalogue.hpp"
#include "drydock/render/render.hpp"

namespace drydock::render {
namespace {

using checks::Check;
using checks::Finding;
using core::Severity;
using core::Status;

const std::vector<Check>& table() {
  static const std::vector<Check> t{
      Check{.id = "runtime.privileged",
            .cis = "5.5",
            .title = "Container runs privileged",
            .severity = Severity::critical,
            .rationale = "r",
            .remediation = "Run without --privileged.",
            .aliases = {"CKV_DOCKER_X"},
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&, checks::Results&) {}},
      Check{.id = "runtime.sensitive-host-mount",
            .cis = "5.6",
            .title = "Sensitive host directory mounted",
            .severity = Severity::high,
            .rationale = "r",
            .remediation = "Mount only what the container needs.",
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&, checks::Results&) {}},
      Check{.id = "image.user-root",
            .cis = "4.1",
            .title = "Image runs as root",
            .severity = Severity::medium,
            .rationale = "r",
            .remediation = "Add USER 10001 to the Dockerfile.",
            .evaluate = [](const model::ImageSpec&, const model::HostSnapshot&, checks::Results&) {}},
  };
  return t;
}

audit::Report sample() {
  const auto& t = table();
  audit::Report r;
  r.command = "host";
  r.target = "unix:///var/run/docker.sock";
  r.results = {
      {&t[2],
       {"image", "sha256:1111", "busybox:1"},
       Finding{Status::fail, "Config.User=\"\" (root)", std::nullopt, std::nullopt}},
      {&t[0], {"container", "c1", "web"}, Finding{Status::fail, "HostConfig.Privileged=true", std::nullopt, std::nullopt}},
      {&t[0], {"container", "c2", "db"}, Finding{Status::pass, "HostConfig.Privileged=false", std::nullopt, std::nullopt}},
      {&t[1],
       {"container", "c1", "web"},
       Finding{Status::fail, "Mounts[0] /etc -> /host/etc (ro)", Severity::medium, model::Location{"compose.yaml", 7, 5}}},
      {&t[1], {"container", "c2", "db"}, Finding{Status::error, "inspect: malformed JSON", std::nullopt, std::nullopt}},
  };
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Compares with tests/golden/<name>; DRYDOCK_UPDATE_GOLDEN=1 rewrites the file (review the diff).
void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(DRYDOCK_GOLDEN) + "/" + name;
  if (std::getenv("DRYDOCK_UPDATE_GOLDEN") != nullptr) std::ofstream(path) << actual;
  EXPECT_EQ(actual, read_file(path)) << "golden file " << path;
}

TEST(RenderJson, FollowsTheReportContract) {
  const auto doc = nlohmann::json::parse(json(sample()));
  EXPECT_EQ(doc["schema"], "drydock.report/v1");
  EXPECT_EQ(doc["benchmark"], "cis-docker-1.6.0");
  EXPECT_EQ(doc["tool"]["name"], "drydock");
  ASSERT_EQ(doc["results"].size(), 5u);
  const auto& mount = doc["results"][3];
  EXPECT_EQ(mount["severity"], "medium");  // the finding's override
  EXPECT_EQ(mount["location"]["file"], "compose.yaml");
  EXPECT_EQ(mount["location"]["line"], 7);
  EXPECT_EQ(mount["location"]["column"], 5);
  EXPECT_TRUE(doc["results"][0]["location"].is_null());
  EXPECT_EQ(doc["results"][1]["aliases"][0], "CKV_DOCKER_X");
  EXPECT_EQ(doc["results"][1]["subject"]["name"], "web");
  EXPECT_EQ(doc["summary"]["fail"], 3);
  EXPECT_EQ(doc["summary"]["pass"], 1);
  EXPECT_EQ(doc["summary"]["error"], 1);
  EXPECT_EQ(doc["summary"]["skip"], 0);
}

TEST(RenderJson, Golden) { expect_golden("report.json", json(sample())); }
TEST(RenderText, Golden) { expect_golden("report.txt", text(sample(), TextOptions{})); }
TEST(RenderText, GoldenVerbose) { expect_golden("report-verbose.txt", text(sample(), TextOptions{.verbose = true})); }

TEST(RenderText, ColourOnlyWhenAsked) {
  EXPECT_EQ(text(sample(), TextOptions{}).find('\x1b'), std::string::npos);
  EXPECT_NE(text(sample(), TextOptions{.color = true}).find('\x1b'), std::string::npos);
}

TEST(RenderJson, HostileEvidenceStaysValidJson) {
  auto r = sample();
  r.results[0].finding.evidence = "bad \xff\xfe bytes, overlong \xc0\xaf, cut \xe2\x82";
  r.results[1].finding.evidence =
      std::string("quote \" backslash \\ tab \t nul ") + '\0' + " bell \x07 caf\xc3\xa9 \xf0\x9f\x90\xb3";
  const auto doc = nlohmann::json::parse(json(r));  // throws on invalid JSON or UTF-8
  EXPECT_EQ(doc["results"][0]["evidence"], "bad \ufffd\ufffd bytes, overlong \ufffd\ufffd, cut \ufffd\ufffd");
  EXPECT_EQ(doc["results"][1]["evidence"],
            std::string("quote \" backslash \\ tab \t nul ") + '\0' + " bell \x07 caf\xc3\xa9 \xf0\x9f\x90\xb3");
}

TEST(Catalogue, MarkdownListsEveryCheck) {
  const auto md = catalogue("markdown");
  for (const auto& c : checks::catalogue())
    EXPECT_NE(md.find("`" + std::string(c.id) + "`"), std::string::npos) << c.id;
  const auto list = nlohmann::json::parse(catalogue("json"));
  EXPECT_EQ(list.size(), checks::catalogue().size());
}

}  // namespace
}  // namespace drydock::render
