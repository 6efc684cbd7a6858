#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "drydock/audit/runner.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/checks/catalogue.hpp"

namespace drydock::audit {
namespace {

using checks::Check;
using checks::Results;
using core::Severity;
using core::Status;

model::ContainerSpec container(std::string name, bool privileged = false) {
  model::ContainerSpec c;
  c.id = name + "-id";
  c.name = std::move(name);
  c.privileged = privileged;
  return c;
}

const std::vector<Check>& table() {
  static const std::vector<Check> t{
      Check{.id = "test.privileged",
            .cis = "5.5",
            .title = "privileged",
            .severity = Severity::critical,
            .rationale = "r",
            .remediation = "x",
            .aliases = {"ALIAS-1"},
            .evaluate =
                [](const model::ContainerSpec& c, const model::HostSnapshot&, Results& out) {
                  if (c.privileged)
                    out.fail("HostConfig.Privileged=true").severity = Severity::high;
                  else
                    out.pass("HostConfig.Privileged=false");
                }},
      Check{.id = "test.throws",
            .cis = "5.10",
            .title = "throws",
            .severity = Severity::low,
            .rationale = "r",
            .remediation = "x",
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&,
                           Results&) { throw std::runtime_error("boom"); }},
      Check{.id = "test.twice",
            .cis = "",
            .title = "twice",
            .severity = Severity::low,
            .rationale = "r",
            .remediation = "x",
            .evaluate =
                [](const model::ContainerSpec&, const model::HostSnapshot&, Results& out) {
                  out.pass("one");
                  out.pass("two");
                }},
      Check{.id = "test.silent",
            .cis = "",
            .title = "silent",
            .severity = Severity::low,
            .rationale = "r",
            .remediation = "x",
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&, Results&) {}},
      Check{.id = "test.daemon",
            .cis = "5.1",
            .title = "daemon",
            .severity = Severity::low,
            .rationale = "r",
            .remediation = "x",
            .evaluate = [](const model::HostSnapshot&, Results& out) { out.pass("ok"); }},
  };
  return t;
}

const Result& find(const Report& r, std::string_view id, std::string_view subject) {
  for (const auto& res : r.results) {
    if (res.check->id == id && res.subject->name == subject) return res;
  }
  throw std::runtime_error("no result for " + std::string(id) + " on " + std::string(subject));
}

TEST(Runner, OneResultPerCheckAndSubject) {
  model::HostSnapshot s;
  s.containers = {container("web", true), container("db")};
  const auto report = run(s, Selection{}, RunOptions{}, table());
  EXPECT_EQ(report.results.size(), 4u * 2u + 1u);
  EXPECT_EQ(find(report, "test.privileged", "web").finding.status, Status::fail);
  EXPECT_EQ(find(report, "test.privileged", "web").severity(), Severity::high);  // the finding's override
  EXPECT_EQ(find(report, "test.privileged", "db").finding.status, Status::pass);
  EXPECT_EQ(find(report, "test.privileged", "db").severity(), Severity::critical);
  EXPECT_EQ(find(report, "test.privileged", "web").subject->kind, "container");
  EXPECT_EQ(find(report, "test.privileged", "web").subject->id, "web-id");
}

TEST(Runner, ExceptionsAndMisbehavingChecksBecomeErrors) {
  model::HostSnapshot s;
  s.containers = {container("web")};
  const auto report = run(s, Selection{}, RunOptions{}, table());
  const auto& thrown = find(report, "test.throws", "web").finding;
  EXPECT_EQ(thrown.status, Status::error);
  EXPECT_NE(thrown.evidence.find("boom"), std::string::npos);
  EXPECT_EQ(find(report, "test.twice", "web").finding.status, Status::error);
  EXPECT_EQ(find(report, "test.silent", "web").finding.status, Status::error);
}

TEST(Runner, NothingToEvaluateIsSaidOnceAsSkip) {
  model::HostSnapshot s;
  const auto report = run(s, Selection{}, RunOptions{}, table());
  int skips = 0;
  for (const auto& r : report.results) {
    if (r.check->id == "test.privileged") {
      ++skips;
      EXPECT_EQ(r.finding.status, Status::skip);
    }
  }
  EXPECT_EQ(skips, 1);
}

TEST(Runner, UnreadableSubjectsAreErrorsNotPasses) {
  model::HostSnapshot s;
  s.containers = {container("web")};
  s.unreadable = {model::Unreadable{"container", "bad-id", "bad", "inspect: malformed JSON"}};
  const auto report = run(s, Selection{}, RunOptions{}, table());
  const auto& r = find(report, "test.privileged", "bad");
  EXPECT_EQ(r.finding.status, Status::error);
  EXPECT_EQ(r.finding.evidence, "inspect: malformed JSON");
}

/// Containers c0 .. c{n-1}, those whose number is `privileged` modulo `every` privileged.
model::HostSnapshot snapshot_of(std::size_t n, std::size_t every, std::size_t privileged) {
  model::HostSnapshot s;
  for (std::size_t i = 0; i < n; ++i)
    s.containers.push_back(container("c" + std::to_string(i), i % every == privileged));
  return s;
}

TEST(Runner, ManyContainersKeepCatalogueThenContainerOrder) {
  // Enough containers for several work items of the parallel evaluation: the report must be
  // the same as one thread would make, check by check, each in the snapshot's container order.
  constexpr std::size_t n = 1000;
  const auto s = snapshot_of(n, 7, 3);
  const auto report = run(s, Selection{}, RunOptions{}, table());
  ASSERT_EQ(report.results.size(), 4 * n + 1);
  const std::vector<std::string_view> order = {"test.privileged", "test.throws", "test.twice", "test.silent"};
  for (std::size_t k = 0; k < order.size(); ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto& r = report.results[k * n + i];
      ASSERT_EQ(r.check->id, order[k]) << k << " " << i;
      ASSERT_EQ(r.subject->name, "c" + std::to_string(i));
      const Status expected = k > 0 ? Status::error : i % 7 == 3 ? Status::fail : Status::pass;
      ASSERT_EQ(r.finding.status, expected) << i;
    }
  }
  EXPECT_EQ(report.results.back().check->id, "test.daemon");
}

TEST(RunnerContainerAudit, TheReportsResultsAreTheRoomMadeWhileCollecting) {
  // The containers evaluated as they were collected: the report is the same as run() alone
  // makes, and its results live in the room ContainerAudit::resize made (with its margin for
  // the subjects not known at the list: images, files, unreadable ones), not in a vector run()
  // reserved to the exact count.
  constexpr std::size_t n = 300;
  const auto s = snapshot_of(n, 5, 1);
  const auto alone = run(s, Selection{}, RunOptions{}, table());
  ContainerAudit audit(Selection{}, table());
  audit.resize(n);
  for (std::size_t i = n; i-- > 0;)  // in any order, as answers arrive
    audit.add(i, s.containers[i], s);
  const auto report = run(s, Selection{}, RunOptions{}, table(), &audit);
  ASSERT_EQ(report.results.size(), alone.results.size());
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    ASSERT_EQ(report.results[i].check, alone.results[i].check) << i;
    ASSERT_EQ(report.results[i].subject->name, alone.results[i].subject->name) << i;
    ASSERT_EQ(report.results[i].finding.status, alone.results[i].finding.status) << i;
    ASSERT_EQ(report.results[i].finding.evidence, alone.results[i].finding.evidence) << i;
  }
  EXPECT_LT(alone.results.capacity(), alone.results.size() + 100);
  EXPECT_GE(report.results.capacity(), report.results.size() + 8000);
}

TEST(Runner, DaemonChecksOnlyWhenAsked) {
  model::HostSnapshot s;
  s.containers = {container("web")};
  auto with = run(s, Selection{}, RunOptions{}, table());
  auto without = run(s, Selection{}, RunOptions{.daemon_checks = false}, table());
  EXPECT_EQ(with.results.size(), without.results.size() + 1);
}

/// The catalogue's file checks on a host whose engine is `podman` or not, with a Docker file
/// and a Podman file present: the status of each check, by id.
std::map<std::string, Status> file_statuses(bool podman) {
  model::HostSnapshot s;
  s.engine = model::EngineInfo{};
  s.engine->podman = podman;
  s.engine->podman_version = podman ? "4.3.1" : "";
  s.host = model::HostFacts{};
  model::FileFact unit;
  unit.path = "/lib/systemd/system/docker.service";
  unit.role = "docker.service";
  unit.exists = true;
  unit.mode = 0644;
  model::FileFact conf = unit;
  conf.path = "/etc/containers/containers.conf";
  conf.role = "podman-config";
  s.host->files = {unit, conf};
  Selection only;
  const auto report = run(s, only, RunOptions{.image_checks = false, .container_checks = false}, checks::catalogue());
  std::map<std::string, Status> out;
  for (const auto& r : report.results) {
    if (r.check->id == "files.docker-service-mode" || r.check->id == "files.podman-config-mode") {
      out[std::string(r.check->id)] = r.finding.status;
      if (podman && r.check->id == "files.docker-service-mode") {
        EXPECT_EQ(r.finding.evidence, "not applicable: the engine is Podman 4.3.1, which does not use Docker's docker.service "
                                      "(the files.podman-* checks judge Podman's own files)");
      }
    }
  }
  return out;
}

TEST(Runner, DockersFilesAreNotJudgedForAPodmanEngine) {
  EXPECT_EQ(file_statuses(false), (std::map<std::string, Status>{{"files.docker-service-mode", Status::pass},
                                                                 {"files.podman-config-mode", Status::pass}}));
  EXPECT_EQ(file_statuses(true), (std::map<std::string, Status>{{"files.docker-service-mode", Status::skip},
                                                                {"files.podman-config-mode", Status::pass}}));
}

const std::vector<Check>& dockerfile_table() {
  static const std::vector<Check> t{
      Check{.id = "test.df-path",
            .title = "path",
            .rationale = "r",
            .remediation = "x",
            .evaluate = [](const model::Dockerfile& d, Results& out) { out.pass("saw " + d.path.str()); }},
      Check{.id = "test.df-stages",
            .title = "stages",
            .rationale = "r",
            .remediation = "x",
            .evaluate =
                [](const model::Dockerfile& d, Results& out) {
                  if (d.path.str().ends_with("7"))
                    out.fail("seven");
                  else
                    out.pass(std::to_string(d.stages.size()));
                }},
  };
  return t;
}

/// DockerfileAudit makes results in place, check-major: with room reserved for fewer files than
/// added (regrowth), for more (gaps closed by finish), or none, the order and the findings are
/// those of one result per (check, file) in catalogue then file order, unreadable files included.
TEST(RunnerDockerfileAudit, ResultsInCheckThenFileOrderWhateverTheRoomReserved) {
  for (const std::size_t reserved : {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{1000}}) {
    DockerfileAudit audit(Selection{}, dockerfile_table());
    if (reserved > 0) audit.reserve(reserved);
    std::vector<std::string> names;
    for (int i = 0; i < 37; ++i) {
      model::Dockerfile d;
      d.path = "df-" + std::to_string(i);
      names.push_back(d.path.str());
      audit.add(d);
      if (i % 10 == 3) {
        audit.add(model::Unreadable{"dockerfile", "bad-" + std::to_string(i), "bad-" + std::to_string(i), "unreadable"});
        names.push_back("bad-" + std::to_string(i));
      }
    }
    const auto report = std::move(audit).finish();
    ASSERT_EQ(report.results.size(), 2 * names.size()) << reserved;
    for (std::size_t c = 0; c < 2; ++c) {
      for (std::size_t f = 0; f < names.size(); ++f) {
        const auto& r = report.results[c * names.size() + f];
        EXPECT_EQ(r.check->id, c == 0 ? "test.df-path" : "test.df-stages");
        EXPECT_EQ(r.subject->kind, "dockerfile");
        EXPECT_EQ(r.subject->name, names[f]);
        EXPECT_EQ(&*r.subject, &*report.results[f].subject);  // a file's results share one subject
        const bool bad = names[f].starts_with("bad-");
        EXPECT_EQ(r.finding.status, bad ? Status::error : (c == 1 && names[f].ends_with("7") ? Status::fail : Status::pass));
        if (c == 0 && !bad) {
          EXPECT_EQ(r.finding.evidence, "saw " + names[f]);
        }
      }
    }
  }
}

TEST(Selection, MatchesIdCisSectionAliasAndArea) {
  const auto& t = table();
  EXPECT_TRUE(matches(t[0], "test.privileged"));
  EXPECT_TRUE(matches(t[0], "5.5"));
  EXPECT_TRUE(matches(t[0], "5"));
  EXPECT_TRUE(matches(t[0], "ALIAS-1"));
  EXPECT_TRUE(matches(t[0], "test"));
  EXPECT_FALSE(matches(t[1], "5.1"));  // 5.10 is not within 5.1
  EXPECT_TRUE(matches(t[1], "5.10"));
  EXPECT_FALSE(matches(t[0], "test.priv"));
  EXPECT_FALSE(matches(t[0], ""));
}

TEST(Selection, UnknownPatternIsAUsageError) {
  const auto s = Selection::make({"runtime.no-such-check"}, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, core::ErrorKind::usage);
  EXPECT_NE(s.error().message.find("runtime.no-such-check"), std::string::npos);
}

TEST(Selection, OnlyAndSkip) {
  const auto s = Selection::make({"runtime.privileged", "5.10"}, {"5.10"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->selected(*checks::find_check("runtime.privileged")));
  EXPECT_FALSE(s->selected(*checks::find_check("runtime.host-network")));
  EXPECT_FALSE(s->selected(*checks::find_check("runtime.memory-limit")));
}

TEST(Report, FailOnThresholdCountsFailAndWarnOnly) {
  model::HostSnapshot s;
  s.containers = {container("web", true)};
  const auto report = run(s, Selection{}, RunOptions{}, std::span(table()).first(1));
  EXPECT_TRUE(report.has_findings_at_or_above(Severity::high));  // overridden to high
  EXPECT_FALSE(report.has_findings_at_or_above(Severity::critical));
  const auto counts = report.summary();
  EXPECT_EQ(counts[static_cast<int>(Status::fail)], 1);
}

}  // namespace
}  // namespace drydock::audit
