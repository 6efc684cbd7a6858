// drydock merge: JSON reports of several hosts read back and made one report.
#include <gtest/gtest.h>

#include <string>

#include "drydock/audit/merge.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/parse/policy.hpp"
#include "drydock/render/render.hpp"

namespace drydock::audit {
namespace {

using core::Status;

/// A report of one host with a privileged container and an image, as `drydock host` writes it.
Report host_report(const std::string& name, const std::string& engine_id, const std::string& container) {
  Report r;
  r.command = "host";
  r.target = "this host, engine /var/run/docker.sock";
  r.hosts = {{name, engine_id, "20.10.24", "Debian GNU/Linux 12 (bookworm)"}};
  const auto* privileged = checks::find_check("runtime.privileged");
  const auto* user = checks::find_check("image.user-root");
  r.results.push_back({user, Subject{"image", "sha256:1", "busybox:1"}, {"root", std::nullopt, Status::fail, std::nullopt}});
  r.results.push_back({privileged, Subject{"container", "c-" + container, container}, {"Privileged=true", {}, Status::fail, {}}});
  r.results.push_back({privileged, Subject{"container", "c-ok", "ok"}, {"Privileged=false", {}, Status::pass, {}}});
  return r;
}

model::ReportFile read_back(const Report& r, const std::string& path) {
  auto file = parse::report_file(render::json(r), path);
  EXPECT_TRUE(file) << file.error().describe();
  return file ? *file : model::ReportFile{};
}

TEST(MergeReports, EveryResultUnderItsHostInCatalogueOrder) {
  const auto merged = merge({read_back(host_report("node-1", "E1", "web"), "a.json"),
                             read_back(host_report("node-2", "E2", "db"), "b.json")});
  ASSERT_TRUE(merged) << merged.error().describe();
  EXPECT_EQ(merged->command, "host");
  EXPECT_EQ(merged->target, "a.json, b.json");
  ASSERT_EQ(merged->hosts.size(), 2U);
  EXPECT_EQ(merged->hosts[0], (Host{"node-1", "E1", "20.10.24", "Debian GNU/Linux 12 (bookworm)"}));
  EXPECT_EQ(merged->hosts[1].name, "node-2");
  ASSERT_EQ(merged->results.size(), 6U);
  for (std::size_t i = 1; i < merged->results.size(); ++i)
    EXPECT_LE(merged->results[i - 1].check, merged->results[i].check) << "one group per check";
  for (const auto& r : merged->results) {
    if (r.subject->name == "web") {
      EXPECT_EQ(r.host, 0U);
    }
    if (r.subject->name == "db") {
      EXPECT_EQ(r.host, 1U);
    }
  }
  EXPECT_EQ(merged->summary()[static_cast<std::size_t>(Status::fail)], 4);
  // Merging the merged report again gives the same hosts and results.
  const auto again = merge({read_back(*merged, "m.json")});
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(again->hosts, merged->hosts);
  ASSERT_EQ(again->results.size(), merged->results.size());
  for (std::size_t i = 0; i < again->results.size(); ++i) {
    EXPECT_EQ(again->results[i].host, merged->results[i].host);
    EXPECT_EQ(again->results[i].subject->name, merged->results[i].subject->name);
    EXPECT_EQ(again->results[i].finding.evidence, merged->results[i].finding.evidence);
  }
}

TEST(MergeReports, SeveritiesLocationsAndAcceptancesSurvive) {
  auto r = host_report("node-1", "E1", "web");
  r.results[1].finding.severity = core::Severity::low;
  r.results[1].finding.location = model::Location{"compose.yaml", 7, 5};
  r.results[0].accepted = Acceptance{"reviewed", "2027-03-31", {".drydock.yaml", 4, 0}};
  const auto merged = merge({read_back(r, "a.json")});
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->results.size(), 3U);
  const auto& priv = merged->results[1].check->id == "runtime.privileged" ? merged->results[1] : merged->results[0];
  EXPECT_EQ(priv.severity(), core::Severity::low);
  ASSERT_TRUE(priv.finding.location);
  EXPECT_EQ(priv.finding.location->line, 7);
  EXPECT_EQ(priv.finding.location->column, 5);
  std::size_t accepted = 0;
  for (const auto& res : merged->results) {
    if (!res.accepted) continue;
    ++accepted;
    EXPECT_EQ(res.accepted->reason, "reviewed");
    EXPECT_EQ(res.accepted->expires, "2027-03-31");
    EXPECT_EQ(res.accepted->source.file, ".drydock.yaml");
    EXPECT_EQ(res.accepted->source.line, 4);
  }
  EXPECT_EQ(accepted, 1U);
}

TEST(MergeReports, TheSameHostTwiceIsOneHostAndTwoOfOneNameAreTwo) {
  const auto a = read_back(host_report("node-1", "E1", "web"), "a.json");
  const auto b = read_back(host_report("node-1", "E1", "db"), "b.json");
  const auto c = read_back(host_report("node-1", "OTHER", "api"), "c.json");
  const auto merged = merge({a, b, c});
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->hosts.size(), 2U);
  EXPECT_EQ(merged->hosts[1].name, "node-1 (2)");
  EXPECT_EQ(merged->hosts[1].engine_id, "OTHER");
  for (const auto& r : merged->results) {
    if (r.subject->name == "api") {
      EXPECT_EQ(r.host, 1U);
    }
  }
}

TEST(MergeReports, AReportWithoutHostIsKnownByItsPath) {
  auto r = host_report("x", "E", "web");
  r.hosts.clear();
  r.command = "dockerfile";
  const auto merged = merge({read_back(r, "ci/dockerfile.json"), read_back(host_report("node-1", "E1", "db"), "b.json")});
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->command, "merge");  // two commands
  ASSERT_EQ(merged->hosts.size(), 2U);
  EXPECT_EQ(merged->hosts[0].name, "ci/dockerfile.json");
}

TEST(MergeReports, AnUnknownCheckOrHostIsAnError) {
  auto text = render::json(host_report("node-1", "E1", "web"));
  const auto at = text.find("\"runtime.privileged\"");
  ASSERT_NE(at, std::string::npos);
  auto unknown = text;
  unknown.replace(at, 20, "\"runtime.from-later\"");
  auto file = parse::report_file(unknown, "new.json");
  ASSERT_TRUE(file);
  const auto merged = merge({*file});
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().message.find("runtime.from-later"), std::string::npos);

  auto other_host = text;
  const auto h = other_host.find("\"host\": \"node-1\"");
  ASSERT_NE(h, std::string::npos);
  other_host.replace(h, 16, "\"host\": \"node-9\"");
  const auto bad = parse::report_file(other_host, "bad.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("node-9"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse::report_file("{\"schema\": \"other\"}", "x.json"));
  EXPECT_FALSE(parse::report_file("not json", "x.json"));
  EXPECT_FALSE(parse::report_file(R"({"schema": "drydock.report/v1", "results": [{"id": "x", "status": "odd"}]})", "x.json"));
}

}  // namespace
}  // namespace drydock::audit
