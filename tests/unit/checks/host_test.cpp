/// CIS section 1 host checks: hand-built HostFacts for each control, and the acceptance
/// host tree of issue 3 collected through collect_host_facts.

#include <gtest/gtest.h>

#include "../collect/host_tree.hpp"
#include "drydock/collect/host/host_facts.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using test::check;
using test::run;

model::FileFact present(std::string role, std::string path) {
  model::FileFact f;
  f.role = std::move(role);
  f.path = std::move(path);
  f.exists = true;
  f.type = "file";
  f.mode = 0644;
  f.owner = f.group = "root";
  return f;
}

model::FileFact missing(std::string role, std::string path) {
  model::FileFact f;
  f.role = std::move(role);
  f.path = std::move(path);
  return f;
}

model::AuditRule watch(std::string path, int line = 1) {
  return model::AuditRule{std::move(path), "rwxa", "docker", model::Location{"/etc/audit/rules.d/docker.rules", line, 1}};
}

model::HostSnapshot with_host(model::HostFacts facts) {
  model::HostSnapshot s;
  s.host = std::move(facts);
  return s;
}

TEST(HostChecks, SkipWhenHostFilesWereNotRead) {
  for (const auto& c : host_checks()) {
    if (c.id == "host.hardened" || c.id == "host.docker-version") continue;
    const auto f = run(c.id, model::HostSnapshot{});
    EXPECT_EQ(f.status, Status::skip) << c.id;
    EXPECT_EQ(f.evidence, "host files were not read") << c.id;
  }
}

TEST(HostChecks, DataRootPartition) {
  model::HostFacts h;
  h.data_root_mount = "/";
  auto f = run("host.data-root-partition", with_host(h));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.evidence, "/var/lib/docker is on the root filesystem (mount point /)");
  h.data_root = "/srv/docker";
  h.data_root_mount = "/srv";
  f = run("host.data-root-partition", with_host(h));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_NE(f.evidence.find("/srv/docker"), std::string::npos);
  EXPECT_NE(f.evidence.find("mounted at /srv"), std::string::npos);
  h.data_root_mount = "";
  EXPECT_EQ(run("host.data-root-partition", with_host(h)).status, Status::skip);
}

TEST(HostChecks, DockerGroupMembers) {
  model::HostFacts h;
  EXPECT_EQ(run("host.docker-group-members", with_host(h)).status, Status::pass);
  h.docker_group_members = std::vector<std::string>{};
  EXPECT_EQ(run("host.docker-group-members", with_host(h)).status, Status::pass);
  h.docker_group_members = std::vector<std::string>{"alice", "bob"};
  const auto f = run("host.docker-group-members", with_host(h));
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("alice, bob"), std::string::npos);
  EXPECT_TRUE(check("host.docker-group-members").manual);
}

/// Each audit control, the way collect_host_facts says where its path is.
struct AuditCase {
  std::string_view id;
  std::string_view cis;
  enum Kind { binary, role, data_root } kind;
  std::string key;   ///< binary name or FileFact role
  std::string path;  ///< where it is on the test host
};

const std::vector<AuditCase>& audit_cases() {
  static const std::vector<AuditCase> k_cases = {
      {"host.audit-dockerd", "1.1.3", AuditCase::binary, "dockerd", "/usr/sbin/dockerd"},
      {"host.audit-run-containerd", "1.1.4", AuditCase::role, "/run/containerd", "/run/containerd"},
      {"host.audit-var-lib-docker", "1.1.5", AuditCase::data_root, "data-root", "/srv/docker"},
      {"host.audit-etc-docker", "1.1.6", AuditCase::role, "/etc/docker", "/etc/docker"},
      {"host.audit-docker-service", "1.1.7", AuditCase::role, "docker.service", "/usr/lib/systemd/system/docker.service"},
      {"host.audit-containerd-sock", "1.1.8", AuditCase::role, "containerd.sock", "/run/containerd/containerd.sock"},
      {"host.audit-docker-socket", "1.1.9", AuditCase::role, "docker.socket", "/etc/systemd/system/docker.socket"},
      {"host.audit-etc-default-docker", "1.1.10", AuditCase::role, "/etc/default/docker", "/etc/default/docker"},
      {"host.audit-daemon-json", "1.1.11", AuditCase::role, "daemon.json", "/etc/docker/daemon.json"},
      {"host.audit-containerd-config", "1.1.12", AuditCase::role, "containerd-config", "/etc/containerd/config.toml"},
      {"host.audit-etc-sysconfig-docker", "1.1.13", AuditCase::role, "/etc/sysconfig/docker", "/etc/sysconfig/docker"},
      {"host.audit-containerd", "1.1.14", AuditCase::binary, "containerd", "/usr/local/bin/containerd"},
      {"host.audit-containerd-shim", "1.1.15", AuditCase::binary, "containerd-shim", "/usr/bin/containerd-shim"},
      {"host.audit-containerd-shim-runc-v1", "1.1.16", AuditCase::binary, "containerd-shim-runc-v1",
       "/usr/bin/containerd-shim-runc-v1"},
      {"host.audit-containerd-shim-runc-v2", "1.1.17", AuditCase::binary, "containerd-shim-runc-v2",
       "/usr/bin/containerd-shim-runc-v2"},
      {"host.audit-runc", "1.1.18", AuditCase::binary, "runc", "/usr/sbin/runc"},
  };
  return k_cases;
}

/// A host where the case's path exists, with these rules.
model::HostFacts host_with(const AuditCase& c, std::vector<model::AuditRule> rules) {
  model::HostFacts h;
  switch (c.kind) {
    case AuditCase::binary:
      h.binaries[c.key] = c.path;
      break;
    case AuditCase::role:
      h.files.push_back(present(c.key, c.path));
      break;
    case AuditCase::data_root:
      h.data_root = c.path;
      h.files.push_back(present(c.key, c.path));
      break;
  }
  h.audit_rules = std::move(rules);
  h.audit_rules_readable = true;
  h.audit_sources = {"/etc/audit/rules.d/docker.rules"};
  return h;
}

TEST(HostChecks, EveryAuditControlHasACheck) {
  EXPECT_EQ(audit_cases().size(), 16U);
  for (const auto& c : audit_cases()) {
    EXPECT_EQ(check(c.id).cis, c.cis) << c.id;
    EXPECT_EQ(check(c.id).scope(), Scope::daemon) << c.id;
  }
}

TEST(HostChecks, AuditRulePassesOnlyOnTheExactPath) {
  for (const auto& c : audit_cases()) {
    SCOPED_TRACE(std::string(c.id));
    // The exact path, with a trailing slash: pass, naming file:line.
    auto f = run(c.id, with_host(host_with(c, {watch("/etc/hosts", 1), watch(c.path + "/", 7)})));
    EXPECT_EQ(f.status, Status::pass);
    EXPECT_NE(f.evidence.find("/etc/audit/rules.d/docker.rules:7"), std::string::npos) << f.evidence;
    ASSERT_TRUE(f.location);
    EXPECT_EQ(f.location->line, 7);

    // Rules only on other paths (a file inside it, its parent): fail, naming the path looked for.
    f = run(c.id, with_host(host_with(c, {watch(c.path + "/daemon.json"), watch(c.path.substr(0, c.path.rfind('/')))})));
    EXPECT_EQ(f.status, Status::fail);
    EXPECT_NE(f.evidence.find("no audit rule watches " + c.path), std::string::npos) << f.evidence;

    // No rules readable at all.
    auto none = host_with(c, {});
    none.audit_rules_readable = false;
    none.audit_sources.clear();
    f = run(c.id, with_host(none));
    EXPECT_EQ(f.status, Status::fail);
    EXPECT_NE(f.evidence.find("no audit rules found (/etc/audit/audit.rules, rules.d)"), std::string::npos) << f.evidence;
  }
}

TEST(HostChecks, AuditOfAbsentPathsIsSkipped) {
  model::HostFacts h;
  h.audit_rules_readable = true;
  h.files.push_back(missing("/etc/sysconfig/docker", "/etc/sysconfig/docker"));
  auto f = run("host.audit-etc-sysconfig-docker", with_host(h));
  EXPECT_EQ(f.status, Status::skip);
  EXPECT_EQ(f.evidence, "/etc/sysconfig/docker is not present on this host");
  f = run("host.audit-containerd-shim-runc-v1", with_host(h));
  EXPECT_EQ(f.status, Status::skip);
  EXPECT_NE(f.evidence.find("containerd-shim-runc-v1 not found in /usr/bin"), std::string::npos) << f.evidence;
  // A file whose existence is unknown (no FileFact) is still looked for at the CIS path.
  f = run("host.audit-containerd-config", with_host(h));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.evidence.find("/etc/containerd/config.toml"), std::string::npos);
}

TEST(HostChecks, AuditUsesTheFirstUnitFound) {
  model::HostFacts h = host_with(audit_cases()[4], {watch("/lib/systemd/system/docker.service")});
  h.files.insert(h.files.begin(), missing("docker.service", "/etc/systemd/system/docker.service"));
  h.files.push_back(present("docker.service", "/lib/systemd/system/docker.service"));
  // The first existing one is /usr/lib/...; the rule on /lib/... does not audit it.
  EXPECT_EQ(run("host.audit-docker-service", with_host(h)).status, Status::fail);
}

TEST(HostChecks, HardenedIsInfo) {
  EXPECT_EQ(run("host.hardened", model::HostSnapshot{}).status, Status::info);
  auto s = test::seccomp_host();
  s.engine->kernel_version = "6.1.0-18-amd64";
  const auto f = run("host.hardened", s);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("6.1.0-18-amd64"), std::string::npos);
}

TEST(HostChecks, DockerVersion) {
  EXPECT_EQ(run("host.docker-version", model::HostSnapshot{}).status, Status::skip);
  auto s = test::seccomp_host();
  s.engine->server_version = "20.10.24+dfsg1";
  const auto f = run("host.docker-version", s);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("20.10.24+dfsg1"), std::string::npos);
}

/// Issue 3's acceptance host, section 1: dockerd and daemon.json audited, /var/lib/docker only
/// in a commented-out rule, /etc/docker not audited although a file inside it is.
TEST(HostChecks, AcceptanceTree) {
  drydock::test::HostTree t;
  drydock::test::build_acceptance_host(t);
  model::HostSnapshot s;
  s.host = collect::collect_host_facts(collect::HostRoot(t.root()), nullptr);
  s.root = t.root();

  auto f = run("host.audit-dockerd", s);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_NE(f.evidence.find("/etc/audit/rules.d/docker.rules:1"), std::string::npos) << f.evidence;
  EXPECT_NE(f.evidence.find("/usr/sbin/dockerd"), std::string::npos) << f.evidence;
  EXPECT_EQ(run("host.audit-daemon-json", s).status, Status::pass);

  f = run("host.audit-var-lib-docker", s);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(check("host.audit-var-lib-docker").cis, "1.1.5");
  EXPECT_NE(f.evidence.find("/var/lib/docker"), std::string::npos);
  EXPECT_EQ(run("host.audit-etc-docker", s).status, Status::fail);
  EXPECT_EQ(run("host.audit-docker-service", s).status, Status::fail);
  EXPECT_EQ(run("host.audit-runc", s).status, Status::fail);
  EXPECT_EQ(run("host.audit-etc-sysconfig-docker", s).status, Status::skip);
  EXPECT_EQ(run("host.audit-containerd-config", s).status, Status::skip);
  EXPECT_EQ(run("host.audit-containerd-shim-runc-v1", s).status, Status::skip);
  EXPECT_EQ(run("host.data-root-partition", s).status, Status::fail);
  f = run("host.docker-group-members", s);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("alice, bob"), std::string::npos);
}

}  // namespace
}  // namespace drydock::checks

namespace drydock::checks {
namespace {

model::HostSnapshot podman_host(model::HostFacts facts) {
  model::HostSnapshot s;
  s.engine = model::EngineInfo{};
  s.engine->podman = true;
  s.engine->podman_version = "4.3.1";
  s.host = std::move(facts);
  s.host->audit_rules_readable = true;
  s.host->audit_sources = {"/etc/audit/rules.d/podman.rules"};
  return s;
}

// On a Podman engine section 1's audit rules name Podman's files (no CIS number: the controls
// name Docker's); Docker's own files are not this engine's and skip, runc applies to both.
TEST(HostChecksPodman, AuditRulesNamePodmansFiles) {
  model::HostFacts h;
  h.binaries = {{"podman", "/usr/bin/podman"}, {"conmon", "/usr/bin/conmon"}, {"crun", "/usr/bin/crun"},
                {"runc", "/usr/sbin/runc"},    {"dockerd", "/usr/sbin/dockerd"}};
  model::FileFact etc = present("podman-config", "/etc/containers");
  etc.type = "directory";
  h.files.push_back(etc);
  h.files.push_back(present("daemon.json", "/etc/docker/daemon.json"));
  h.audit_rules = {watch("/usr/bin/podman", 3), watch("/etc/containers", 4), watch("/var/lib/containers/storage", 5)};
  auto s = podman_host(h);
  for (const char* id : {"host.audit-podman", "host.audit-conmon", "host.audit-crun", "host.audit-etc-containers",
                         "host.audit-podman-storage"}) {
    EXPECT_TRUE(check(id).cis.empty()) << id;
  }
  auto f = run("host.audit-podman", s);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_EQ(f.evidence, "/etc/audit/rules.d/docker.rules:3: watch on /usr/bin/podman -p rwxa -k docker");
  EXPECT_EQ(run("host.audit-etc-containers", s).status, Status::pass);
  f = run("host.audit-podman-storage", s);  // Podman's default graphroot
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  f = run("host.audit-conmon", s);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_NE(f.evidence.find("no audit rule watches /usr/bin/conmon"), std::string::npos) << f.evidence;
  EXPECT_NE(f.evidence.find("add: -w /usr/bin/conmon -p rwxa -k podman"), std::string::npos) << f.evidence;
  EXPECT_EQ(run("host.audit-crun", s).status, Status::fail);
  EXPECT_EQ(run("host.audit-runc", s).status, Status::fail);  // the OCI runtime of either engine: CIS 1.1.18
  for (const char* id : {"host.audit-dockerd", "host.audit-daemon-json", "host.audit-var-lib-docker", "host.audit-containerd",
                         "host.audit-run-containerd", "host.audit-docker-service"}) {
    f = run(id, s);
    EXPECT_EQ(f.status, Status::skip) << id;
    EXPECT_TRUE(f.evidence.starts_with("not applicable: the engine is Podman 4.3.1, which does not use ")) << id << ": "
                                                                                                         << f.evidence;
  }

  // The graphroot storage.conf sets, else the engine's DockerRootDir.
  s.engine->docker_root_dir = "/srv/podman-root";
  f = run("host.audit-podman-storage", s);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_NE(f.evidence.find("no audit rule watches /srv/podman-root"), std::string::npos) << f.evidence;
  s.podman = model::PodmanConfig{};
  s.podman->storage_conf["storage.graphroot"] = model::PodmanSetting{{"/var/lib/containers/storage"}, false, {}};
  EXPECT_EQ(run("host.audit-podman-storage", s).status, Status::pass);

  // Not installed: skipped as absent.
  s.host->binaries.erase("crun");
  f = run("host.audit-crun", s);
  EXPECT_EQ(f.status, Status::skip) << f.evidence;
}

TEST(HostChecksPodman, PodmansAuditChecksSkipOnDocker) {
  model::HostFacts h;
  h.binaries = {{"podman", "/usr/bin/podman"}};
  h.audit_rules_readable = true;
  for (const char* id : {"host.audit-podman", "host.audit-conmon", "host.audit-crun", "host.audit-etc-containers",
                         "host.audit-podman-storage"}) {
    auto f = run(id, with_host(h));
    EXPECT_EQ(f.status, Status::skip) << id;
    EXPECT_TRUE(f.evidence.starts_with("no engine consulted: ")) << id << ": " << f.evidence;
    auto docker = with_host(h);
    docker.engine = model::EngineInfo{};
    f = run(id, docker);
    EXPECT_EQ(f.status, Status::skip) << id;
    EXPECT_TRUE(f.evidence.starts_with("not a Podman engine: ")) << id << ": " << f.evidence;
  }
}

}  // namespace
}  // namespace drydock::checks
