// The Compose runner: the runtime checks on each service, located at the key that decided each
// result (merge keys, a second file, .env interpolation), the Compose checks, error subjects.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "drydock/audit/runner.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/checks/compose.hpp"
#include "drydock/parse/compose.hpp"

namespace drydock::audit {
namespace {

using core::Status;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/compose/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The fixture project with its override file and .env, audited with every check.
const Report& project_report() {
  static const Report report = [] {
    parse::ComposeInput in;
    in.working_dir = "project";
    in.files = {parse::ComposeFile{"project/compose.yaml", fixture("project/compose.yaml")},
                parse::ComposeFile{"project/compose.override.yaml", fixture("project/compose.override.yaml")}};
    for (auto& [k, v] : parse::dotenv(fixture("project/.env")))
      in.environment[k] = v;
    const auto project = parse::compose_project(in);
    EXPECT_EQ(project.diagnostics.size(), 0U);
    return run(project, Selection{});
  }();
  return report;
}

const Result& result(const std::string& check, const std::string& service) {
  for (const auto& r : project_report().results) {
    if (r.check->id == check && r.subject->name == service) return r;
  }
  static const Result k_none;
  ADD_FAILURE() << "no result of " << check << " on " << service;
  return k_none;
}

/// "file:line" of a result, "" when it has none.
std::string where(const Result& r) {
  if (!r.finding.location) return "";
  return r.finding.location->file + ":" + std::to_string(r.finding.location->line);
}

TEST(ComposeRunner, DoneWhenEachFlaggedAtTheRightLine) {
  // Privileged through a merge key: the anchor's `privileged: true`.
  EXPECT_EQ(result("runtime.privileged", "merged").finding.status, Status::fail);
  EXPECT_EQ(where(result("runtime.privileged", "merged")), "project/compose.yaml:7");
  // Through the second file.
  EXPECT_EQ(result("runtime.privileged", "overridden").finding.status, Status::fail);
  EXPECT_EQ(where(result("runtime.privileged", "overridden")), "project/compose.override.yaml:4");
  // Through .env interpolation: `privileged: ${PRIV}`.
  EXPECT_EQ(result("runtime.privileged", "interpolated").finding.status, Status::fail);
  EXPECT_EQ(where(result("runtime.privileged", "interpolated")), "project/compose.yaml:25");
  // network_mode: host.
  EXPECT_EQ(result("runtime.host-network", "hostnet").finding.status, Status::fail);
  EXPECT_EQ(where(result("runtime.host-network", "hostnet")), "project/compose.yaml:30");
  // /etc read-only with the long syntax: the volume entry, at medium severity (read-only).
  const auto& etc = result("runtime.sensitive-host-mount", "etc-reader");
  EXPECT_EQ(etc.finding.status, Status::fail);
  EXPECT_EQ(where(etc), "project/compose.yaml:38");
  EXPECT_EQ(etc.severity(), core::Severity::medium);
  // "80:80": the ports entry, by the runtime checks and the Compose one.
  for (const char* id : {"runtime.privileged-ports", "runtime.port-all-interfaces", "compose.port-without-host-ip"}) {
    EXPECT_EQ(result(id, "web").finding.status, Status::fail) << id;
    EXPECT_EQ(where(result(id, "web")), "project/compose.yaml:46") << id;
  }
  EXPECT_EQ(result("runtime.cap-net-admin", "overridden").finding.location->column, 5);
}

TEST(ComposeRunner, HardenedServicePassesLimitsAndRestart) {
  for (const char* id : {"runtime.memory-limit", "runtime.cpu-limit", "runtime.pids-limit", "runtime.restart-policy",
                         "runtime.privileged", "runtime.capabilities-added", "runtime.readonly-rootfs", "runtime.user-root",
                         "runtime.no-new-privileges", "runtime.healthcheck", "runtime.port-all-interfaces",
                         "runtime.default-bridge", "compose.image-latest", "compose.port-without-host-ip",
                         "compose.environment-secret"}) {
    EXPECT_EQ(result(id, "hardened").finding.status, Status::pass) << id << ": " << result(id, "hardened").finding.evidence;
  }
  // Passes point at the key that set the value: deploy.resources.limits.memory, not mem_limit of the anchor.
  EXPECT_EQ(where(result("runtime.memory-limit", "hardened")), "project/compose.yaml:79");
  EXPECT_EQ(where(result("runtime.restart-policy", "hardened")), "project/compose.yaml:83");
}

TEST(ComposeRunner, AbsentKeysPointAtTheService) {
  const auto& r = result("runtime.memory-limit", "web");
  EXPECT_EQ(r.finding.status, Status::fail);
  EXPECT_EQ(where(r), "project/compose.yaml:43");
  EXPECT_EQ(r.subject->kind, "compose-service");
  EXPECT_EQ(r.subject->id, "shop/web");
}

TEST(ComposeRunner, ComposeChecks) {
  const auto& secret = result("compose.environment-secret", "db");
  EXPECT_EQ(secret.finding.status, Status::fail);
  EXPECT_EQ(where(secret), "project/compose.yaml:54");
  EXPECT_EQ(secret.finding.evidence.find("hunter2-not"), std::string::npos) << "the value is redacted";
  EXPECT_EQ(result("compose.image-latest", "db").finding.status, Status::fail);
  EXPECT_EQ(result("compose.image-latest", "web").finding.status, Status::fail);
  EXPECT_EQ(where(result("compose.image-latest", "web")), "project/compose.yaml:44");
  EXPECT_EQ(result("compose.image-latest", "merged").finding.status, Status::pass);
}

TEST(ComposeRunner, RunningStateChecksAreSkipped) {
  for (const char* id : {"runtime.sshd", "runtime.exec-privileged", "runtime.exec-root", "runtime.image-outdated"})
    EXPECT_EQ(result(id, "web").finding.status, Status::skip) << id;
  for (const auto& r : project_report().results) {
    EXPECT_NE(r.check->scope(), checks::Scope::dockerfile) << r.check->id;
    // The one host check a project runs reads its folder's CI files (once, on the project):
    // located at a CI file's line when it finds something there, else at no line.
    if (checks::compose::reads_project_folder(r.check->id)) {
      EXPECT_EQ(r.subject->kind, "compose-file") << r.check->id;
      continue;
    }
    EXPECT_NE(r.check->scope(), checks::Scope::daemon) << r.check->id;
    EXPECT_TRUE(r.finding.location.has_value()) << r.check->id << " " << r.subject->name;
  }
}

model::ComposeProject load(const std::string& text) {
  parse::ComposeInput in;
  in.files = {parse::ComposeFile{"c.yaml", text}};
  return parse::compose_project(in);
}

Result only(const model::ComposeProject& p, const std::string& check) {
  auto sel = Selection::make({check}, {});
  EXPECT_TRUE(sel);
  const auto report = run(p, *sel);
  EXPECT_EQ(report.results.size(), 1U);
  return report.results.empty() ? Result{} : report.results.front();
}

TEST(ComposeRunner, ListElementsAreLocatedOneByOne) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    cap_add:\n"
      "      - NET_BIND_SERVICE\n"
      "      - SYS_ADMIN\n"          // 6
      "    security_opt:\n"
      "      - label=type:x\n"
      "      - seccomp=unconfined\n"  // 9
      "    volumes:\n"
      "      - ./data:/data\n"
      "      - /var/run/docker.sock:/var/run/docker.sock\n"  // 12
      "    devices:\n"
      "      - /dev/fuse\n"  // 14
      "    ulimits:\n"
      "      nofile: 1024\n"  // 16
      "    user: root\n");    // 17
  EXPECT_EQ(only(p, "runtime.cap-sys-admin").finding.location->line, 6);
  EXPECT_EQ(only(p, "runtime.seccomp-unconfined").finding.location->line, 9);
  EXPECT_EQ(only(p, "runtime.docker-socket-mount").finding.location->line, 12);
  EXPECT_EQ(only(p, "runtime.host-devices").finding.location->line, 14);
  EXPECT_EQ(only(p, "runtime.ulimit-override").finding.location->line, 15);
  EXPECT_EQ(only(p, "runtime.user-root").finding.location->line, 17);
  EXPECT_EQ(only(p, "runtime.healthcheck").finding.location->line, 2);  // absent: the service
}

TEST(ComposeRunner, UseApiSocketMountsTheDockerSocket) {
  const auto p = load(
      "services:\n"
      "  ci:\n"
      "    image: ci:1\n"
      "    use_api_socket: true\n");  // 4
  const auto r = only(p, "runtime.docker-socket-mount");
  EXPECT_EQ(r.finding.status, Status::fail);
  EXPECT_EQ(r.finding.location->line, 4);
  const auto off = load("services:\n  ci:\n    image: ci:1\n    use_api_socket: false\n");
  EXPECT_EQ(only(off, "runtime.docker-socket-mount").finding.status, Status::pass);
}

TEST(ComposeRunner, UnloadableFileGivesErrorResults) {
  const auto p = load("services: [\n");
  auto sel = Selection::make({"runtime.privileged"}, {});
  const auto report = run(p, *sel);
  ASSERT_EQ(report.results.size(), 1U);
  EXPECT_EQ(report.results[0].finding.status, Status::error);
  EXPECT_EQ(report.results[0].subject->kind, "compose-file");
  EXPECT_EQ(report.results[0].subject->name, "c.yaml");
}

}  // namespace
}  // namespace drydock::audit
