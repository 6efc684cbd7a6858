#include "drydock/collect/host/host_facts.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "host_tree.hpp"

namespace drydock::collect {
namespace {

using test::HostTree;

std::vector<const model::FileFact*> with_role(const model::HostFacts& h, std::string_view role) {
  std::vector<const model::FileFact*> out;
  for (const auto& f : h.files) {
    if (f.role == role) out.push_back(&f);
  }
  return out;
}

const model::FileFact& one(const model::HostFacts& h, std::string_view role) {
  const auto all = with_role(h, role);
  if (all.size() != 1) throw std::runtime_error("expected one " + std::string(role) + ", got " + std::to_string(all.size()));
  return *all.front();
}

model::DaemonConfig config(std::vector<std::pair<std::string, std::string>> values) {
  model::DaemonConfig c;
  for (auto& [k, v] : values)
    c.settings[k].push_back(model::SettingValue{v, "daemon.json", {}});
  return c;
}

TEST(HostFacts, AcceptanceTree) {
  HostTree t;
  test::build_acceptance_host(t);
  const auto h = collect_host_facts(HostRoot(t.root()), nullptr);

  const auto& json = one(h, "daemon.json");
  EXPECT_EQ(json.path, "/etc/docker/daemon.json");
  EXPECT_TRUE(json.exists);
  EXPECT_EQ(json.mode, 0606U);
  EXPECT_EQ(one(h, "docker.socket").mode, 0446U);
  EXPECT_EQ(one(h, "docker.socket").path, "/lib/systemd/system/docker.socket");
  EXPECT_EQ(one(h, "docker.service").mode, 0644U);
  const auto& sock = one(h, "docker.sock");
  EXPECT_EQ(sock.path, "/var/run/docker.sock");
  EXPECT_EQ(sock.type, "socket");
  EXPECT_EQ(sock.mode, 0666U);
  if (::geteuid() == 0) {
    EXPECT_EQ(sock.group, "docker");
  }
  EXPECT_EQ(one(h, "containerd.sock").type, "socket");
  EXPECT_EQ(one(h, "/etc/docker").type, "directory");
  EXPECT_TRUE(one(h, "/etc/default/docker").exists);
  EXPECT_FALSE(one(h, "/etc/sysconfig/docker").exists);
  EXPECT_TRUE(one(h, k_role_run_containerd).exists);
  EXPECT_FALSE(one(h, k_role_containerd_config).exists);
  EXPECT_TRUE(one(h, k_role_data_root).exists);
  EXPECT_TRUE(with_role(h, "tls-ca").empty());  // no TLS configured: nothing guessed
  EXPECT_TRUE(with_role(h, "registry-certificate").empty());

  EXPECT_TRUE(h.audit_rules_readable);
  EXPECT_EQ(h.audit_sources, (std::vector<std::string>{"/etc/audit/audit.rules", "/etc/audit/rules.d/docker.rules"}));
  ASSERT_EQ(h.audit_rules.size(), 2U);
  EXPECT_EQ(h.audit_rules[0].path, "/usr/sbin/dockerd");
  EXPECT_EQ(h.audit_rules[1].path, "/etc/docker/daemon.json");
  EXPECT_EQ(h.audit_rules[1].location.file, "/etc/audit/rules.d/docker.rules");
  EXPECT_EQ(h.audit_rules[1].location.line, 2);

  ASSERT_TRUE(h.docker_group_members);
  EXPECT_EQ(*h.docker_group_members, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(h.data_root, "/var/lib/docker");
  EXPECT_EQ(h.data_root_mount, "/");

  EXPECT_EQ(h.binaries.at("dockerd"), "/usr/sbin/dockerd");
  EXPECT_EQ(h.binaries.at("containerd"), "/usr/bin/containerd");
  EXPECT_EQ(h.binaries.at("runc"), "/usr/sbin/runc");
  EXPECT_EQ(h.binaries.at("containerd-shim-runc-v2"), "/usr/bin/containerd-shim-runc-v2");
  EXPECT_FALSE(h.binaries.contains("containerd-shim-runc-v1"));
}

TEST(HostFacts, EmptyTree) {
  HostTree t;
  const auto h = collect_host_facts(HostRoot(t.root()), nullptr);
  EXPECT_FALSE(h.audit_rules_readable);
  EXPECT_TRUE(h.audit_sources.empty());  // auditctl is only asked on the live host
  EXPECT_FALSE(h.docker_group_members);
  EXPECT_EQ(h.data_root_mount, "");
  EXPECT_TRUE(h.binaries.empty());
  const auto& unit = one(h, "docker.service");
  EXPECT_FALSE(unit.exists);
  EXPECT_EQ(unit.path, "/lib/systemd/system/docker.service");
  EXPECT_FALSE(one(h, "daemon.json").exists);
}

TEST(HostFacts, DaemonConfigNamesFilesAndDataRoot) {
  HostTree t;
  t.file("/etc/docker/tls/ca.pem", "ca", 0444);
  t.file("/etc/docker/tls/server.pem", "cert", 0644);
  t.file("/etc/docker/tls/server-key.pem", "key", 0600);
  t.file("/srv/docker.json", "{}", 0644);
  t.dir("/data/docker");
  t.socket("/run/alt.sock", 0660);
  t.file("/etc/fstab",
         "UUID=1 / ext4 defaults 0 1\nUUID=2 /data ext4 defaults 0 2\nUUID=3 /data/doc ext4 defaults 0 2\n"
         "/swap none swap sw 0 0\n");
  auto c = config({{"tlscacert", "/etc/docker/tls/ca.pem"},
                   {"tlscert", "/etc/docker/tls/server.pem"},
                   {"tlskey", "/etc/docker/tls/server-key.pem"},
                   {"hosts", "unix:///run/alt.sock"},
                   {"hosts", "tcp://0.0.0.0:2376"},
                   {"hosts", "unix:///var/run/docker.sock"},
                   {"config-file", "/srv/docker.json"},
                   {"data-root", "/data/docker/"}});
  const auto h = collect_host_facts(HostRoot(t.root()), &c);
  EXPECT_EQ(one(h, "tls-ca").mode, 0444U);
  EXPECT_EQ(one(h, "tls-cert").path, "/etc/docker/tls/server.pem");
  EXPECT_EQ(one(h, "tls-key").mode, 0600U);
  const auto socks = with_role(h, "docker.sock");
  ASSERT_EQ(socks.size(), 2U);
  EXPECT_EQ(socks[0]->path, "/var/run/docker.sock");
  EXPECT_FALSE(socks[0]->exists);
  EXPECT_EQ(socks[1]->path, "/run/alt.sock");
  EXPECT_EQ(socks[1]->type, "socket");
  EXPECT_EQ(one(h, "daemon.json").path, "/srv/docker.json");
  EXPECT_TRUE(one(h, "daemon.json").exists);
  EXPECT_EQ(h.data_root, "/data/docker");
  EXPECT_EQ(h.data_root_mount, "/data");  // not /data/doc: a prefix of the name is not a parent
  EXPECT_TRUE(one(h, k_role_data_root).exists);
}

TEST(HostFacts, UnitsWhereverSystemdKeepsThem) {
  HostTree t;
  t.file("/etc/systemd/system/docker.service", "[Service]\n", 0664);
  t.file("/usr/lib/systemd/system/docker.service", "[Service]\n", 0644);
  t.file("/usr/lib/systemd/system/docker.socket", "[Socket]\n", 0644);
  t.link("/lib", "usr/lib");  // merged /usr: /lib/systemd/system is /usr/lib/systemd/system
  const auto h = collect_host_facts(HostRoot(t.root()), nullptr);
  const auto services = with_role(h, "docker.service");
  ASSERT_EQ(services.size(), 2U);
  EXPECT_EQ(services[0]->path, "/etc/systemd/system/docker.service");
  EXPECT_EQ(services[0]->mode, 0664U);
  EXPECT_EQ(services[1]->path, "/lib/systemd/system/docker.service");
  const auto sockets = with_role(h, "docker.socket");
  ASSERT_EQ(sockets.size(), 1U);
  EXPECT_EQ(sockets[0]->path, "/lib/systemd/system/docker.socket");
}

TEST(HostFacts, RegistryCertificates) {
  HostTree t;
  t.file("/etc/docker/certs.d/registry.example:5000/ca.crt", "c", 0444);
  t.file("/etc/docker/certs.d/registry.example:5000/client.cert", "c", 0644);
  t.file("/etc/docker/certs.d/registry.example:5000/client.key", "k", 0600);
  t.file("/etc/docker/certs.d/registry.example:5000/README", "r", 0644);
  t.file("/etc/docker/certs.d/other/ca.pem", "c", 0444);
  const auto h = collect_host_facts(HostRoot(t.root()), nullptr);
  const auto certs = with_role(h, "registry-certificate");
  ASSERT_EQ(certs.size(), 4U);
  EXPECT_EQ(certs[0]->path, "/etc/docker/certs.d/other/ca.pem");
  EXPECT_EQ(certs[1]->path, "/etc/docker/certs.d/registry.example:5000/ca.crt");
  EXPECT_EQ(certs[3]->path, "/etc/docker/certs.d/registry.example:5000/client.key");
  EXPECT_EQ(certs[3]->mode, 0600U);
}

TEST(HostFacts, DockerGroupWithoutMembers) {
  HostTree t;
  t.file("/etc/group", "root:x:0:\ndocker:x:999:\n");
  t.file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
  const auto h = collect_host_facts(HostRoot(t.root()), nullptr);
  ASSERT_TRUE(h.docker_group_members);
  EXPECT_TRUE(h.docker_group_members->empty());
}

TEST(HostFacts, LiveAuditctlIsRunWithoutAShell) {
  HostTree t;
  t.file("/fake-auditctl", "#!/bin/sh\n[ \"$1\" = -l ] || exit 3\necho '-w /usr/bin/dockerd -p rwxa -k docker'\n", 0755);
  HostFactsOptions opts;
  opts.auditctl = {t.at("/fake-auditctl")};
  const auto h = collect_host_facts(HostRoot(), nullptr, opts);
  EXPECT_TRUE(h.audit_rules_readable);
  ASSERT_FALSE(h.audit_sources.empty());
  EXPECT_EQ(h.audit_sources.back(), "auditctl -l");
  const auto it = std::find_if(h.audit_rules.begin(), h.audit_rules.end(),
                               [](const model::AuditRule& r) { return r.location.file == "auditctl -l"; });
  ASSERT_NE(it, h.audit_rules.end());
  EXPECT_EQ(it->path, "/usr/bin/dockerd");
  EXPECT_EQ(it->location.line, 1);

  opts.auditctl = {t.at("/missing-auditctl")};
  const auto none = collect_host_facts(HostRoot(), nullptr, opts);
  ASSERT_FALSE(none.audit_sources.empty());
  EXPECT_TRUE(none.audit_sources.back().starts_with("auditctl -l: not available")) << none.audit_sources.back();

  t.file("/failing-auditctl", "#!/bin/sh\necho 'You must be root' >&2\nexit 1\n", 0755);
  opts.auditctl = {t.at("/failing-auditctl")};
  const auto failed = collect_host_facts(HostRoot(), nullptr, opts);
  EXPECT_NE(failed.audit_sources.back().find("exit status 1"), std::string::npos) << failed.audit_sources.back();

  opts.live_audit_rules = false;
  const auto off = collect_host_facts(HostRoot(), nullptr, opts);
  for (const auto& s : off.audit_sources)
    EXPECT_FALSE(s.starts_with("auditctl")) << s;
}

TEST(HostFacts, LiveHostDataRootMountFromProcMounts) {
  const auto h = collect_host_facts(HostRoot(), nullptr, HostFactsOptions{false, {}});
  EXPECT_FALSE(h.data_root_mount.empty());  // at least "/"
}

}  // namespace
}  // namespace drydock::collect
