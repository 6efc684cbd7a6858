/// CIS section 3 file checks: owners and modes compared as permission bits.

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "../collect/host_tree.hpp"
#include "drydock/audit/runner.hpp"
#include "drydock/collect/host/host_facts.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using test::check;

Finding run_file(std::string_view id, const model::FileFact& f) {
  const Check& c = check(id);
  EXPECT_EQ(c.scope(), Scope::file) << id;
  EXPECT_EQ(c.file_role, f.role) << id;
  Results out;
  std::get<FileEval>(c.evaluate)(f, model::HostSnapshot{}, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

model::FileFact fact(std::string role, std::string path, unsigned mode, std::string owner = "root", std::string group = "root",
                     std::string type = "file") {
  model::FileFact f;
  f.role = std::move(role);
  f.path = std::move(path);
  f.exists = true;
  f.type = std::move(type);
  f.mode = mode;
  f.owner = std::move(owner);
  f.group = std::move(group);
  f.uid = f.owner == "root" ? 0 : 1000;
  f.gid = f.group == "root" ? 0 : 998;
  return f;
}

/// Every control of section 3: id, CIS number, role, path, what is allowed.
struct FileCase {
  std::string_view owner_id, mode_id;
  std::string_view owner_cis, mode_cis;
  std::string role, path, type;
  unsigned allowed;
  std::string group;
  Severity severity;
};

const std::vector<FileCase>& cases() {
  static const std::vector<FileCase> k = {
      {"files.docker-service-owner", "files.docker-service-mode", "3.1", "3.2", "docker.service",
       "/lib/systemd/system/docker.service", "file", 0644, "root", Severity::medium},
      {"files.docker-socket-unit-owner", "files.docker-socket-unit-mode", "3.3", "3.4", "docker.socket",
       "/lib/systemd/system/docker.socket", "file", 0644, "root", Severity::medium},
      {"files.etc-docker-owner", "files.etc-docker-mode", "3.5", "3.6", "/etc/docker", "/etc/docker", "directory", 0755, "root",
       Severity::medium},
      {"files.registry-certs-owner", "files.registry-certs-mode", "3.7", "3.8", "registry-certificate",
       "/etc/docker/certs.d/reg:5000/ca.crt", "file", 0444, "root", Severity::medium},
      {"files.tls-ca-owner", "files.tls-ca-mode", "3.9", "3.10", "tls-ca", "/etc/docker/tls/ca.pem", "file", 0444, "root",
       Severity::medium},
      {"files.tls-cert-owner", "files.tls-cert-mode", "3.11", "3.12", "tls-cert", "/etc/docker/tls/cert.pem", "file", 0444,
       "root", Severity::medium},
      {"files.tls-key-owner", "files.tls-key-mode", "3.13", "3.14", "tls-key", "/etc/docker/tls/key.pem", "file", 0400, "root",
       Severity::high},
      {"files.docker-sock-owner", "files.docker-sock-mode", "3.15", "3.16", "docker.sock", "/var/run/docker.sock", "socket", 0660,
       "docker", Severity::high},
      {"files.daemon-json-owner", "files.daemon-json-mode", "3.17", "3.18", "daemon.json", "/etc/docker/daemon.json", "file",
       0644, "root", Severity::medium},
      {"files.etc-default-docker-owner", "files.etc-default-docker-mode", "3.19", "3.20", "/etc/default/docker",
       "/etc/default/docker", "file", 0644, "root", Severity::medium},
      {"files.etc-sysconfig-docker-owner", "files.etc-sysconfig-docker-mode", "3.22", "3.21", "/etc/sysconfig/docker",
       "/etc/sysconfig/docker", "file", 0644, "root", Severity::medium},
      {"files.containerd-sock-owner", "files.containerd-sock-mode", "3.23", "3.24", "containerd.sock",
       "/run/containerd/containerd.sock", "socket", 0660, "root", Severity::high},
  };
  return k;
}

TEST(DaemonFileChecks, EveryControlOfSection3) {
  std::set<std::string_view> numbers;
  for (const auto& c : cases()) {
    EXPECT_EQ(check(c.owner_id).cis, c.owner_cis);
    EXPECT_EQ(check(c.mode_id).cis, c.mode_cis);
    EXPECT_EQ(check(c.owner_id).severity, c.severity) << c.owner_id;
    EXPECT_EQ(check(c.mode_id).severity, c.severity) << c.mode_id;
    EXPECT_NE(check(c.mode_id).remediation.find("chmod"), std::string_view::npos);
    EXPECT_NE(check(c.owner_id).remediation.find("chown root:" + c.group), std::string_view::npos);
    numbers.insert(c.owner_cis);
    numbers.insert(c.mode_cis);
  }
  EXPECT_EQ(numbers.size(), 24U);
  EXPECT_EQ(daemon_file_checks().size(), 30U);  // and Podman's six, without a CIS number
}

TEST(DaemonFileChecks, OwnerPassAndFail) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(std::string(c.owner_id));
    auto f = run_file(c.owner_id, fact(c.role, c.path, c.allowed, "root", c.group, c.type));
    EXPECT_EQ(f.status, Status::pass) << f.evidence;
    f = run_file(c.owner_id, fact(c.role, c.path, c.allowed, "alice", c.group, c.type));
    EXPECT_EQ(f.status, Status::fail);
    EXPECT_NE(f.evidence.find("owned by alice:" + c.group), std::string::npos) << f.evidence;
    EXPECT_NE(f.evidence.find("fix: chown root:" + c.group + " " + c.path), std::string::npos) << f.evidence;
    f = run_file(c.owner_id, fact(c.role, c.path, c.allowed, "root", c.group == "root" ? "docker" : "root", c.type));
    EXPECT_EQ(f.status, Status::fail);
  }
}

TEST(DaemonFileChecks, OwnerByNumberWhenTheHostHasNoNames) {
  auto f = fact("daemon.json", "/etc/docker/daemon.json", 0644, "0", "0");
  f.uid = f.gid = 0;
  EXPECT_EQ(run_file("files.daemon-json-owner", f).status, Status::pass);
}

TEST(DaemonFileChecks, ModeIsComparedAsPermissionBits) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(std::string(c.mode_id));
    EXPECT_EQ(run_file(c.mode_id, fact(c.role, c.path, c.allowed, "root", c.group, c.type)).status, Status::pass);
    EXPECT_EQ(run_file(c.mode_id, fact(c.role, c.path, c.allowed & 0700, "root", c.group, c.type)).status, Status::pass);
    const auto f = run_file(c.mode_id, fact(c.role, c.path, c.allowed | 0002, "root", c.group, c.type));
    EXPECT_EQ(f.status, Status::fail);
    EXPECT_NE(f.evidence.find(fmt::format("fix: chmod {:o} {}", c.allowed, c.path)), std::string::npos) << f.evidence;
  }
  const auto json = [](unsigned mode) {
    return run_file("files.daemon-json-mode", fact("daemon.json", "/etc/docker/daemon.json", mode));
  };
  EXPECT_EQ(json(0446).status, Status::fail);  // smaller than 644 as a number, yet o+w is beyond it
  EXPECT_EQ(json(0606).status, Status::fail);
  EXPECT_EQ(json(0600).status, Status::pass);
  EXPECT_EQ(json(0640).status, Status::pass);
  EXPECT_EQ(json(0400).status, Status::pass);
  EXPECT_EQ(json(0000).status, Status::pass);
  EXPECT_EQ(json(0700).status, Status::fail);   // u+x is beyond 644
  EXPECT_EQ(json(04644).status, Status::fail);  // setuid
  const auto f = json(0606);
  EXPECT_EQ(f.evidence,
            "/etc/docker/daemon.json mode 0606 (-rw----rw-), allowed 0644: extra bits 0002; fix: chmod 644 "
            "/etc/docker/daemon.json");
  EXPECT_FALSE(f.severity);
}

TEST(DaemonFileChecks, WorldWritableDockerSocketIsCritical) {
  auto f = run_file("files.docker-sock-mode", fact("docker.sock", "/var/run/docker.sock", 0666, "root", "docker", "socket"));
  EXPECT_EQ(f.status, Status::fail);
  ASSERT_TRUE(f.severity);
  EXPECT_EQ(*f.severity, Severity::critical);
  EXPECT_NE(f.evidence.find("mode 0666 (srw-rw-rw-), allowed 0660: extra bits 0006"), std::string::npos) << f.evidence;
  // Readable by others but not writable: a failure at the check's own severity.
  f = run_file("files.docker-sock-mode", fact("docker.sock", "/var/run/docker.sock", 0664, "root", "docker", "socket"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_FALSE(f.severity);
  // containerd's socket has no override.
  f = run_file("files.containerd-sock-mode",
               fact("containerd.sock", "/run/containerd/containerd.sock", 0666, "root", "root", "socket"));
  EXPECT_FALSE(f.severity);
}

TEST(DaemonFileChecks, MissingUnreadableAndSymlinks) {
  model::FileFact gone;
  gone.role = "/etc/sysconfig/docker";
  gone.path = "/etc/sysconfig/docker";
  auto f = run_file("files.etc-sysconfig-docker-mode", gone);
  EXPECT_EQ(f.status, Status::skip);
  EXPECT_EQ(f.evidence, "/etc/sysconfig/docker is not present on this host");
  EXPECT_EQ(run_file("files.etc-sysconfig-docker-owner", gone).status, Status::skip);

  model::FileFact unreadable = gone;
  unreadable.error = "/etc/sysconfig/docker: permission denied";
  EXPECT_EQ(run_file("files.etc-sysconfig-docker-mode", unreadable).status, Status::error);
  EXPECT_EQ(run_file("files.etc-sysconfig-docker-owner", unreadable).status, Status::error);

  const auto link = fact("daemon.json", "/etc/docker/daemon.json", 0777, "root", "root", "symlink");
  f = run_file("files.daemon-json-mode", link);
  EXPECT_EQ(f.status, Status::warn);
  EXPECT_NE(f.evidence.find("symbolic link"), std::string::npos);
  f = run_file("files.daemon-json-owner", link);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_NE(f.evidence.find("symbolic link"), std::string::npos);
}

/// Issue 3's acceptance host, section 3, through the runner: one result per file.
TEST(DaemonFileChecks, AcceptanceTree) {
  drydock::test::HostTree t;
  drydock::test::build_acceptance_host(t);
  model::HostSnapshot s;
  s.host = collect::collect_host_facts(collect::HostRoot(t.root()), nullptr);
  const auto report = audit::run(s, audit::Selection{}, audit::RunOptions{}, daemon_file_checks());
  std::map<std::string, const audit::Result*> by_id;
  for (const auto& r : report.results) {
    EXPECT_TRUE(by_id.emplace(std::string(r.check->id), &r).second) << "two results for " << r.check->id;
  }
  auto status = [&](std::string_view id) { return by_id.at(std::string(id))->finding.status; };

  const auto& json = *by_id.at("files.daemon-json-mode");
  EXPECT_EQ(json.finding.status, Status::fail);
  EXPECT_EQ(json.check->cis, "3.18");
  EXPECT_EQ(json.subject->name, "/etc/docker/daemon.json");
  EXPECT_NE(json.finding.evidence.find("mode 0606"), std::string::npos);

  const auto& socket_unit = *by_id.at("files.docker-socket-unit-mode");
  EXPECT_EQ(socket_unit.finding.status, Status::fail);
  EXPECT_EQ(socket_unit.check->cis, "3.4");
  EXPECT_NE(socket_unit.finding.evidence.find("mode 0446 (-r--r--rw-), allowed 0644: extra bits 0002"), std::string::npos)
      << socket_unit.finding.evidence;

  const auto& sock = *by_id.at("files.docker-sock-mode");
  EXPECT_EQ(sock.finding.status, Status::fail);
  EXPECT_EQ(sock.check->cis, "3.16");
  EXPECT_EQ(sock.severity(), Severity::critical);
  EXPECT_EQ(sock.subject->name, "/var/run/docker.sock");
  EXPECT_NE(sock.finding.evidence.find("mode 0666 (srw-rw-rw-), allowed 0660: extra bits 0006"), std::string::npos)
      << sock.finding.evidence;

  EXPECT_EQ(status("files.docker-service-mode"), Status::pass);
  EXPECT_EQ(status("files.etc-docker-mode"), Status::pass);
  EXPECT_EQ(status("files.etc-default-docker-mode"), Status::pass);
  EXPECT_EQ(status("files.containerd-sock-mode"), Status::pass);
  EXPECT_EQ(status("files.etc-sysconfig-docker-mode"), Status::skip);
  EXPECT_EQ(status("files.tls-key-mode"), Status::skip);  // no TLS configured
  EXPECT_EQ(status("files.registry-certs-mode"), Status::skip);
  if (::geteuid() == 0) {  // the tree's files are owned by whoever ran the test
    EXPECT_EQ(status("files.daemon-json-owner"), Status::pass);
    EXPECT_EQ(status("files.docker-sock-owner"), Status::pass);
    EXPECT_EQ(status("files.containerd-sock-owner"), Status::pass);
  }
  for (const auto& r : report.results) {
    if (r.check->id.starts_with("files.podman-")) continue;  // Podman's files: no CIS control names them
    EXPECT_FALSE(r.check->cis.empty()) << r.check->id;
  }
}

Finding run_file_on(std::string_view id, const model::FileFact& f, const model::HostSnapshot& host) {
  Results out;
  std::get<FileEval>(check(id).evaluate)(f, host, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

// Podman's files: no CIS control names them, so no number.
TEST(DaemonFilesPodman, ConfigurationAndSocket) {
  for (const char* id : {"files.podman-config-owner", "files.podman-config-mode", "files.podman-sock-owner", "files.podman-sock-mode"}) {
    EXPECT_TRUE(check(id).cis.empty()) << id;
  }
  EXPECT_EQ(run_file("files.podman-config-owner", fact("podman-config", "/etc/containers/policy.json", 0644)).status, Status::pass);
  EXPECT_EQ(run_file("files.podman-config-owner", fact("podman-config", "/etc/containers/policy.json", 0644, "alice")).status,
            Status::fail);
  EXPECT_EQ(run_file("files.podman-config-mode", fact("podman-config", "/etc/containers/containers.conf", 0644)).status,
            Status::pass);
  const auto writable = run_file("files.podman-config-mode", fact("podman-config", "/etc/containers/containers.conf", 0664));
  EXPECT_EQ(writable.status, Status::fail);
  EXPECT_NE(writable.evidence.find("allowed 0644: extra bits 0020"), std::string::npos) << writable.evidence;
  EXPECT_EQ(run_file("files.podman-config-mode", fact("podman-config", "/etc/containers", 0755, "root", "root", "directory")).status,
            Status::pass);
  EXPECT_EQ(run_file("files.podman-sock-mode", fact("podman.sock", "/run/podman/podman.sock", 0660, "root", "root", "socket")).status,
            Status::pass);
  const auto open = run_file("files.podman-sock-mode", fact("podman.sock", "/run/podman/podman.sock", 0666, "root", "root", "socket"));
  EXPECT_EQ(open.status, Status::fail);
  EXPECT_EQ(open.severity, Severity::critical);
  EXPECT_EQ(run_file("files.podman-sock-owner", fact("podman.sock", "/run/podman/podman.sock", 0660, "root", "root", "socket")).status,
            Status::pass);
  // A rootless Podman's socket is its user's; without the user known, nothing to judge by.
  auto rootless = test::engine_host({"rootless"});
  const auto user_sock = fact("podman.sock", "/run/user/1000/podman/podman.sock", 0600, "alice", "alice", "socket");
  EXPECT_EQ(run_file_on("files.podman-sock-owner", user_sock, rootless).status, Status::skip);
  rootless.host = model::HostFacts{};
  rootless.host->podman_user = "alice";
  auto f = run_file_on("files.podman-sock-owner", user_sock, rootless);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_NE(f.evidence.find("expected alice, the user rootless Podman runs as"), std::string::npos) << f.evidence;
  f = run_file_on("files.podman-sock-owner", fact("podman.sock", "/run/user/1000/podman/podman.sock", 0600, "bob", "bob", "socket"),
                  rootless);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
}

// A rootless Podman's own files (~/.config/containers, the files its environment names): its
// user's, mode 644 (a directory 755) or stricter.
TEST(DaemonFilesPodman, ARootlessPodmansFilesBelongToItsUser) {
  for (const char* id : {"files.podman-user-config-owner", "files.podman-user-config-mode"}) {
    EXPECT_TRUE(check(id).cis.empty()) << id;
    EXPECT_EQ(check(id).file_role, "podman-user-config") << id;
  }
  auto h = test::engine_host({"rootless"});
  h.host = model::HostFacts{};
  h.host->podman_user = "alice";
  const auto mine = fact("podman-user-config", "/home/alice/.config/containers/containers.conf", 0644, "alice", "alice");
  auto f = run_file_on("files.podman-user-config-owner", mine, h);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_EQ(f.evidence,
            "/home/alice/.config/containers/containers.conf owned by alice:alice (uid 1000, gid 998), expected alice, the user "
            "rootless Podman runs as");
  f = run_file_on("files.podman-user-config-owner",
                  fact("podman-user-config", "/home/alice/.config/containers/policy.json", 0644, "bob", "bob"), h);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_NE(f.evidence.find("fix: chown alice /home/alice/.config/containers/policy.json"), std::string::npos) << f.evidence;
  f = run_file_on("files.podman-user-config-owner", mine, test::engine_host({"rootless"}));  // the user unknown
  EXPECT_EQ(f.status, Status::skip) << f.evidence;
  EXPECT_EQ(run_file_on("files.podman-user-config-mode", mine, h).status, Status::pass);
  f = run_file_on("files.podman-user-config-mode",
                  fact("podman-user-config", "/home/alice/.config/containers/registries.conf", 0666, "alice", "alice"), h);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_NE(f.evidence.find("extra bits 0022"), std::string::npos) << f.evidence;
  EXPECT_EQ(run_file_on("files.podman-user-config-mode",
                        fact("podman-user-config", "/home/alice/.config/containers", 0755, "alice", "alice", "directory"), h)
                .status,
            Status::pass);
}

// Rootless Docker: the engine's unit, daemon.json and socket belong to the user it runs as.
TEST(DaemonFilesRootless, TheEnginesFilesBelongToItsUser) {
  model::HostSnapshot h = test::engine_host({"seccomp", "rootless"});
  h.host = model::HostFacts{};
  h.host->rootless_user = "alice";
  const auto json = fact("daemon.json", "/home/alice/.config/docker/daemon.json", 0644, "alice", "alice");
  auto f = run_file_on("files.daemon-json-owner", json, h);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_NE(f.evidence.find("expected alice, the user rootless Docker runs as"), std::string::npos) << f.evidence;
  f = run_file_on("files.daemon-json-owner", fact("daemon.json", "/home/alice/.config/docker/daemon.json", 0644), h);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_NE(f.evidence.find("fix: chown alice /home/alice/.config/docker/daemon.json"), std::string::npos) << f.evidence;
  // The socket's group is shown, not judged.
  EXPECT_EQ(run_file_on("files.docker-sock-owner", fact("docker.sock", "/run/user/1000/docker.sock", 0660, "alice", "100104", "socket"), h)
                .status,
            Status::pass);
  EXPECT_EQ(run_file_on("files.docker-service-owner",
                        fact("docker.service", "/home/alice/.config/systemd/user/docker.service", 0644, "alice", "alice"), h)
                .status,
            Status::pass);
  // dockerd-rootless marks its socket sticky (srw-rw---T): no access in that.
  EXPECT_EQ(run_file_on("files.docker-sock-mode", fact("docker.sock", "/run/user/1000/docker.sock", 01660, "alice", "100104", "socket"), h)
                .status,
            Status::pass);
  EXPECT_EQ(run_file("files.docker-sock-mode", fact("docker.sock", "/var/run/docker.sock", 01660, "root", "docker", "socket")).status,
            Status::fail);
  // Files that are not the engine's own keep their rootful owner.
  EXPECT_EQ(run_file_on("files.etc-docker-owner", fact("/etc/docker", "/etc/docker", 0755, "alice", "alice", "directory"), h).status,
            Status::fail);
}

}  // namespace
}  // namespace drydock::checks
