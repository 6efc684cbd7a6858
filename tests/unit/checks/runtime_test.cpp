/// Runtime checks over real `docker inspect` fixtures (tests/data/inspect/capture.sh made
/// them on a real dockerd) and, where the engine cannot produce a case here, over models.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support.hpp"

namespace drydock::checks {
namespace {

using core::Severity;
using core::Status;
using test::check;
using test::container;
using test::file_host;
using test::run;
using test::seccomp_host;
using ::testing::HasSubstr;
using ::testing::Not;

#define EXPECT_RESULT(finding, expected_status, text)     \
  do {                                                    \
    const Finding f_ = (finding);                         \
    EXPECT_EQ(f_.status, expected_status) << f_.evidence; \
    EXPECT_THAT(f_.evidence, HasSubstr(text));            \
  } while (0)

model::HostSnapshot apparmor_host() { return test::engine_host({"apparmor", "seccomp"}); }
model::HostSnapshot selinux_host() { return test::engine_host({"seccomp", "selinux"}); }

model::ContainerSpec with_caps(std::vector<std::string> add, std::vector<std::string> drop) {
  model::ContainerSpec c;
  c.cap_add = std::move(add);
  c.cap_drop = std::move(drop);
  return c;
}

// 4.1 ----------------------------------------------------------------------------------

TEST(UserRoot, FailsForRootInEverySpelling) {
  EXPECT_RESULT(run("runtime.user-root", container("default.json")), Status::fail, "Config.User=\"\" (defaults to root)");
  EXPECT_RESULT(run("runtime.user-root", container("user-root.json")), Status::fail, "Config.User=root:root");
  EXPECT_RESULT(run("runtime.user-root", container("user-0-group.json")), Status::fail, "Config.User=0:1000");
  for (const char* user : {"root", "0", "0:0", "00", " root", "root:staff"}) {
    model::ContainerSpec c;
    c.user = user;
    EXPECT_EQ(run("runtime.user-root", c).status, Status::fail) << user;
  }
}

TEST(UserRoot, PassesForOtherUsers) {
  EXPECT_RESULT(run("runtime.user-root", container("hardened.json")), Status::pass, "Config.User=1000:1000");
  for (const char* user : {"1000", "nobody", "app:app", "10:0", "rooter"}) {
    model::ContainerSpec c;
    c.user = user;
    EXPECT_EQ(run("runtime.user-root", c).status, Status::pass) << user;
  }
}

// 5.1 ----------------------------------------------------------------------------------

TEST(SwarmMode, RealEngineIsInactive) {
  auto engine = parse::engine_info(test::inspect_fixture("version.json"), test::inspect_fixture("info.json"));
  ASSERT_TRUE(engine);
  model::HostSnapshot host;
  host.engine = *engine;
  EXPECT_RESULT(run("runtime.swarm-mode", host), Status::pass, "Swarm.LocalNodeState=inactive");
}

TEST(SwarmMode, ActiveWarnsAndNoEngineSkips) {
  auto host = seccomp_host();
  host.engine->swarm_state = "active";
  host.engine->swarm_control_available = true;
  EXPECT_RESULT(run("runtime.swarm-mode", host), Status::warn, "Swarm.LocalNodeState=active, Swarm.ControlAvailable=true");
  host.engine->swarm_state = "locked";
  EXPECT_EQ(run("runtime.swarm-mode", host).status, Status::warn);
  EXPECT_RESULT(run("runtime.swarm-mode", file_host()), Status::skip, "no engine consulted");
  EXPECT_EQ(check("runtime.swarm-mode").scope(), Scope::daemon);
}

// 5.2 ----------------------------------------------------------------------------------

TEST(AppArmor, SkippedWhereTheHostHasNoAppArmor) {
  EXPECT_RESULT(run("runtime.apparmor-profile", container("default.json"), seccomp_host()), Status::skip,
                "AppArmor is not enabled on this host (SecurityOptions: seccomp)");
}

TEST(AppArmor, WithAppArmor) {
  EXPECT_RESULT(run("runtime.apparmor-profile", container("custom-lsm.json"), apparmor_host()), Status::pass,
                "AppArmorProfile=docker-default");
  EXPECT_RESULT(run("runtime.apparmor-profile", container("unconfined.json"), apparmor_host()), Status::fail,
                "AppArmorProfile=unconfined");
  EXPECT_RESULT(run("runtime.apparmor-profile", container("privileged.json"), apparmor_host()), Status::fail, "Privileged=true");
  EXPECT_RESULT(run("runtime.apparmor-profile", container("default.json"), apparmor_host()), Status::fail,
                "AppArmorProfile=\"\"");
  model::ContainerSpec legacy;
  legacy.apparmor_profile = "docker-default";
  legacy.security_opt = {"apparmor:unconfined"};
  EXPECT_EQ(run("runtime.apparmor-profile", legacy, apparmor_host()).status, Status::fail);
}

TEST(AppArmor, FromAFile) {
  EXPECT_RESULT(run("runtime.apparmor-profile", container("custom-lsm.json"), file_host()), Status::pass, "docker-default");
  EXPECT_RESULT(run("runtime.apparmor-profile", container("default.json"), file_host()), Status::warn, "unknown");
}

// 5.3 ----------------------------------------------------------------------------------

TEST(SELinux, SkippedWithoutSELinux) {
  EXPECT_RESULT(run("runtime.selinux-options", container("unconfined.json"), seccomp_host()), Status::skip,
                "SELinux is not enabled on this host");
}

TEST(SELinux, WithSELinux) {
  EXPECT_RESULT(run("runtime.selinux-options", container("unconfined.json"), selinux_host()), Status::fail, "label=disable");
  EXPECT_RESULT(run("runtime.selinux-options", container("custom-lsm.json"), selinux_host()), Status::pass,
                "label=type:container_t");
  EXPECT_RESULT(run("runtime.selinux-options", container("default.json"), selinux_host()), Status::fail, "ProcessLabel=\"\"");
  model::ContainerSpec labelled;
  labelled.process_label = "system_u:system_r:container_t:s0:c1,c2";
  EXPECT_RESULT(run("runtime.selinux-options", labelled, selinux_host()), Status::pass, "container_t");
  model::ContainerSpec legacy;
  legacy.security_opt = {"label:disable"};
  EXPECT_EQ(run("runtime.selinux-options", legacy, selinux_host()).status, Status::fail);
  EXPECT_EQ(run("runtime.selinux-options", container("default.json"), file_host()).status, Status::warn);
}

// 5.4 ----------------------------------------------------------------------------------

TEST(Capabilities, AddedBeyondDefault) {
  EXPECT_RESULT(run("runtime.capabilities-added", container("cap-add.json")), Status::fail,
                "CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SYS_PTRACE");
  EXPECT_RESULT(run("runtime.capabilities-added", container("cap-add-all.json")), Status::fail, "CAP_SYS_MODULE");
  // An add wins over the same drop.
  EXPECT_RESULT(run("runtime.capabilities-added", container("cap-module.json")), Status::fail, "CAP_SYS_MODULE");
  EXPECT_RESULT(run("runtime.capabilities-added", container("privileged.json")), Status::fail,
                "Privileged=true grants every capability");
}

TEST(Capabilities, NothingBeyondDefault) {
  EXPECT_RESULT(run("runtime.capabilities-added", container("cap-drop-all.json")), Status::pass,
                "drops ALL, adds NET_BIND_SERVICE");
  EXPECT_RESULT(run("runtime.capabilities-added", container("default.json")), Status::pass, "default set");
  EXPECT_RESULT(run("runtime.capabilities-added", container("hardened.json")), Status::pass, "drops ALL");
  // Adding a default capability is not beyond the default.
  EXPECT_EQ(run("runtime.capabilities-added", with_caps({"chown"}, {})).status, Status::pass);
}

// Podman's compatible inspect states CapAdd/CapDrop against Docker's set (Podman 4.3.1: a plain
// `podman create` has CapDrop AUDIT_WRITE, MKNOD, NET_RAW; --cap-add NET_RAW removes NET_RAW from
// CapDrop and adds nothing to CapAdd); what is beyond is judged against Podman's own set.
model::HostSnapshot podman_host(std::vector<std::string> defaults) {
  auto h = test::engine_host({"seccomp"});
  h.engine->podman = true;
  h.engine->podman_version = "4.3.1";
  h.engine->default_capabilities = std::move(defaults);
  h.engine->default_capabilities_source = "containers.conf:55";
  return h;
}

const std::vector<std::string> k_podman_caps = {"CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "NET_BIND_SERVICE",
                                                "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};

TEST(CapabilitiesPodman, SysAdminAloneBeyondPodmansSet) {
  const auto f = run("runtime.capabilities-added", with_caps({"SYS_ADMIN"}, {"AUDIT_WRITE", "MKNOD", "NET_RAW"}),
                     podman_host(k_podman_caps));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, ::testing::StartsWith("beyond Podman's default set: CAP_SYS_ADMIN ("));
  EXPECT_THAT(f.evidence, HasSubstr("from containers.conf:55"));
}

TEST(CapabilitiesPodman, DockerDefaultsPodmanDoesNotGrantAreBeyond) {
  // podman create --cap-add NET_RAW: CapAdd [], CapDrop [AUDIT_WRITE, MKNOD].
  EXPECT_RESULT(run("runtime.capabilities-added", with_caps({}, {"AUDIT_WRITE", "MKNOD"}), podman_host(k_podman_caps)),
                Status::fail, "beyond Podman's default set: CAP_NET_RAW (");
  // The same container on dockerd is within Docker's set.
  EXPECT_EQ(run("runtime.capabilities-added", with_caps({}, {"AUDIT_WRITE", "MKNOD"})).status, Status::pass);
  // A containers.conf that grants NET_RAW makes it Podman's default.
  auto with_net_raw = k_podman_caps;
  with_net_raw.emplace_back("CAP_NET_RAW");
  EXPECT_RESULT(run("runtime.capabilities-added", with_caps({}, {"AUDIT_WRITE", "MKNOD"}), podman_host(with_net_raw)),
                Status::pass, "nothing beyond Podman's default set");
}

TEST(CapabilitiesPodman, PlainPodmanContainerIsWithinItsSet) {
  EXPECT_RESULT(run("runtime.capabilities-added", with_caps({}, {"AUDIT_WRITE", "MKNOD", "NET_RAW"}), podman_host(k_podman_caps)),
                Status::pass, "nothing beyond Podman's default set");
}

TEST(Capabilities, Spellings) {
  for (const char* spelling : {"SYS_ADMIN", "CAP_SYS_ADMIN", "sys_admin", "cap_sys_admin", " Cap_Sys_Admin "}) {
    EXPECT_EQ(run("runtime.cap-sys-admin", with_caps({spelling}, {})).status, Status::fail) << spelling;
  }
  EXPECT_EQ(run("runtime.cap-sys-admin", with_caps({"all"}, {"cap_sys_admin"})).status, Status::pass);
  EXPECT_EQ(run("runtime.cap-all", with_caps({"all"}, {"cap_sys_admin"})).status, Status::fail);
  // cap_drop ALL keeps exactly the adds.
  EXPECT_EQ(run("runtime.cap-net-admin", with_caps({"NET_ADMIN"}, {"ALL"})).status, Status::fail);
  EXPECT_EQ(run("runtime.cap-sys-admin", with_caps({"NET_ADMIN"}, {"ALL"})).status, Status::pass);
}

TEST(Capabilities, SpecificCapabilitiesFail) {
  EXPECT_RESULT(run("runtime.cap-sys-admin", container("cap-add.json")), Status::fail, "CAP_SYS_ADMIN");
  EXPECT_RESULT(run("runtime.cap-sys-admin", container("privileged.json")), Status::fail,
                "Privileged=true grants every capability");
  EXPECT_RESULT(run("runtime.cap-sys-admin", container("cap-add-all.json")), Status::fail, "ALL");
  EXPECT_RESULT(run("runtime.cap-sys-module", container("cap-module.json")), Status::fail, "CAP_SYS_MODULE");
  EXPECT_RESULT(run("runtime.cap-sys-module", container("privileged.json")), Status::fail, "Privileged=true");
  EXPECT_RESULT(run("runtime.cap-sys-ptrace", container("cap-add.json")), Status::fail, "CAP_SYS_PTRACE");
  EXPECT_RESULT(run("runtime.cap-dac-read-search", container("cap-module.json")), Status::fail, "CAP_DAC_READ_SEARCH");
  EXPECT_RESULT(run("runtime.cap-net-admin", container("cap-add.json")), Status::fail, "HostConfig.CapAdd=[\"CAP_NET_ADMIN\"");
  EXPECT_RESULT(run("runtime.cap-all", container("cap-add-all.json")), Status::fail, "HostConfig.CapAdd=[\"ALL\"]");
  EXPECT_RESULT(run("runtime.cap-all", container("privileged.json")), Status::fail, "Privileged=true");
}

TEST(Capabilities, SpecificCapabilitiesPass) {
  for (const char* id : {"runtime.cap-sys-admin", "runtime.cap-sys-module", "runtime.cap-sys-ptrace",
                         "runtime.cap-dac-read-search", "runtime.cap-net-admin", "runtime.cap-all"}) {
    EXPECT_RESULT(run(id, container("default.json")), Status::pass, "HostConfig.CapAdd=null");
    EXPECT_EQ(run(id, container("cap-drop-all.json")).status, Status::pass) << id;
  }
  EXPECT_EQ(run("runtime.cap-sys-module", container("cap-add.json")).status, Status::pass);
  EXPECT_EQ(run("runtime.cap-all", container("cap-add.json")).status, Status::pass);
  EXPECT_EQ(run("runtime.cap-net-admin", container("cap-add-all.json")).status, Status::fail);
  EXPECT_EQ(run("runtime.cap-net-admin", with_caps({"ALL"}, {"NET_ADMIN"})).status, Status::pass);
}

// 5.5 ----------------------------------------------------------------------------------

TEST(Privileged, FailAndPass) {
  EXPECT_RESULT(run("runtime.privileged", container("privileged.json")), Status::fail, "HostConfig.Privileged=true");
  EXPECT_RESULT(run("runtime.privileged", container("default.json")), Status::pass, "HostConfig.Privileged=false");
}

// 5.6 ----------------------------------------------------------------------------------

TEST(SensitiveMount, ListsEveryOffender) {
  const auto f = run("runtime.sensitive-host-mount", container("mounts.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/etc -> /host/etc (ro, propagation rprivate)"));
  EXPECT_THAT(f.evidence, HasSubstr("/var/run/docker.sock -> /var/run/docker.sock (rw, propagation rprivate)"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/tmp")));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/data")));
  EXPECT_FALSE(f.severity);  // a writable one keeps the check's severity
  EXPECT_RESULT(run("runtime.sensitive-host-mount", container("mount-root-rw.json")), Status::fail, "/ -> /host (rw");
}

TEST(SensitiveMount, ReadOnlyIsMedium) {
  model::ContainerSpec c;
  c.mounts = {{.type = "bind", .source = "/etc/ssl", .destination = "/ssl", .read_write = false, .propagation = "rprivate"},
              {.type = "bind", .source = "/proc/", .destination = "/p", .read_write = false, .propagation = ""}};
  const auto f = run("runtime.sensitive-host-mount", c);
  EXPECT_EQ(f.status, Status::fail);
  ASSERT_TRUE(f.severity);
  EXPECT_EQ(*f.severity, Severity::medium);
  EXPECT_THAT(f.evidence, HasSubstr("Mounts[1] /proc/ -> /p (ro, propagation default)"));
}

TEST(SensitiveMount, Passes) {
  EXPECT_RESULT(run("runtime.sensitive-host-mount", container("volume-only.json")), Status::pass, "2 mounts, none");
  EXPECT_RESULT(run("runtime.sensitive-host-mount", container("default.json")), Status::pass, "Mounts=[]");
  model::ContainerSpec c;
  c.mounts = {{.type = "bind", .source = "/etcd", .destination = "/e", .read_write = true, .propagation = ""},
              {.type = "bind", .source = "/srv/usr", .destination = "/u", .read_write = true, .propagation = ""},
              {.type = "volume",
               .source = "/var/lib/docker/volumes/x/_data",
               .destination = "/x",
               .read_write = true,
               .propagation = ""}};
  EXPECT_EQ(run("runtime.sensitive-host-mount", c).status, Status::pass);
}

// 5.7 ----------------------------------------------------------------------------------

TEST(Sshd, SkippedWithoutProcessList) {
  EXPECT_RESULT(run("runtime.sshd", container("running.json")), Status::skip, "no process list");
  model::ContainerSpec stopped;
  stopped.processes_unavailable = "container is not running";
  EXPECT_RESULT(run("runtime.sshd", stopped), Status::skip, "container is not running");
}

TEST(Sshd, RealProcessListPasses) {
  auto c = container("running.json");
  auto ps = parse::top(test::inspect_fixture("top.json"));
  ASSERT_TRUE(ps);
  c.processes = *ps;
  EXPECT_RESULT(run("runtime.sshd", c), Status::pass, "4 processes, none is an SSH server");
}

TEST(Sshd, FindsSshServersInEveryForm) {
  model::ContainerSpec c;
  c.processes = std::vector<model::Process>{{"1", "root", "/usr/sbin/sshd -D"},
                                            {"20", "root", "sshd: root@pts/0"},
                                            {"21", "root", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"},
                                            {"30", "root", "/usr/sbin/dropbear -F -E"},
                                            {"40", "app", "/usr/bin/sshd-exporter"},
                                            {"41", "app", "grep sshd"}};
  const auto f = run("runtime.sshd", c);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("PID 1 /usr/sbin/sshd -D"));
  EXPECT_THAT(f.evidence, HasSubstr("PID 20 sshd: root@pts/0"));
  EXPECT_THAT(f.evidence, HasSubstr("PID 21 "));
  EXPECT_THAT(f.evidence, HasSubstr("PID 30 /usr/sbin/dropbear"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("PID 40")));
  EXPECT_THAT(f.evidence, Not(HasSubstr("PID 41")));
}

// 5.8, 5.9, 5.14 -----------------------------------------------------------------------

TEST(Ports, PrivilegedPorts) {
  EXPECT_RESULT(run("runtime.privileged-ports", container("ports.json")), Status::fail, "0.0.0.0:80->80/tcp");
  EXPECT_THAT(run("runtime.privileged-ports", container("ports.json")).evidence, Not(HasSubstr("8080")));
  EXPECT_RESULT(run("runtime.privileged-ports", container("hardened.json")), Status::pass, "127.0.0.1:8080->8080/tcp");
  EXPECT_EQ(run("runtime.privileged-ports", container("default.json")).status, Status::pass);
  model::ContainerSpec eph;
  eph.ports = {{.container_port = "80/tcp", .host_ip = "", .host_port = ""}};
  EXPECT_EQ(run("runtime.privileged-ports", eph).status, Status::pass);
  eph.ports = {{.container_port = "80/tcp", .host_ip = "10.0.0.1", .host_port = "1023"}};
  EXPECT_EQ(run("runtime.privileged-ports", eph).status, Status::fail);
  eph.ports = {{.container_port = "80/tcp", .host_ip = "10.0.0.1", .host_port = "1024"}};
  EXPECT_EQ(run("runtime.privileged-ports", eph).status, Status::pass);
}

TEST(Ports, OpenPortsManual) {
  EXPECT_RESULT(run("runtime.open-ports", container("ports.json")), Status::info,
                "0.0.0.0:80->80/tcp, [::]:8080->80/tcp, *:random->9000/tcp");
  EXPECT_RESULT(run("runtime.open-ports", container("publish-all.json")), Status::info, "PublishAllPorts=true");
  EXPECT_RESULT(run("runtime.open-ports", container("default.json")), Status::pass, "no published ports");
}

TEST(Ports, AllInterfaces) {
  const auto f = run("runtime.port-all-interfaces", container("ports.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("0.0.0.0:80->80/tcp"));
  EXPECT_THAT(f.evidence, HasSubstr("[::]:8080->80/tcp"));
  EXPECT_THAT(f.evidence, HasSubstr("*:random->9000/tcp"));
  EXPECT_RESULT(run("runtime.port-all-interfaces", container("publish-all.json")), Status::fail, "PublishAllPorts=true");
  EXPECT_RESULT(run("runtime.port-all-interfaces", container("hardened.json")), Status::pass, "127.0.0.1:8080");
  EXPECT_RESULT(run("runtime.port-all-interfaces", container("default.json")), Status::pass, "no published ports");
  model::ContainerSpec v6;
  v6.ports = {{.container_port = "80/tcp", .host_ip = "[::]", .host_port = "8080"}};
  EXPECT_EQ(run("runtime.port-all-interfaces", v6).status, Status::fail);
  v6.ports = {{.container_port = "80/tcp", .host_ip = "::1", .host_port = "8080"}};
  EXPECT_RESULT(run("runtime.port-all-interfaces", v6), Status::pass, "[::1]:8080->80/tcp");
}

// Namespaces: 5.10, 5.16, 5.17, 5.21, 5.31 ----------------------------------------------

TEST(Namespaces, HostFails) {
  EXPECT_RESULT(run("runtime.host-network", container("host-network.json")), Status::fail, "HostConfig.NetworkMode=host");
  EXPECT_RESULT(run("runtime.host-pid", container("namespaces.json")), Status::fail, "HostConfig.PidMode=host");
  EXPECT_RESULT(run("runtime.host-ipc", container("namespaces.json")), Status::fail, "HostConfig.IpcMode=host");
  EXPECT_RESULT(run("runtime.host-uts", container("namespaces.json")), Status::fail, "HostConfig.UTSMode=host");
  EXPECT_RESULT(run("runtime.host-userns", container("namespaces.json")), Status::fail, "HostConfig.UsernsMode=host");
}

TEST(Namespaces, PrivateNamespacesPass) {
  const auto c = container("default.json");
  EXPECT_RESULT(run("runtime.host-network", c), Status::pass, "HostConfig.NetworkMode=default");
  EXPECT_RESULT(run("runtime.host-pid", c), Status::pass, "HostConfig.PidMode=\"\"");
  EXPECT_RESULT(run("runtime.host-ipc", c), Status::pass, "HostConfig.IpcMode=private");
  EXPECT_RESULT(run("runtime.host-uts", c), Status::pass, "HostConfig.UTSMode=");
  EXPECT_RESULT(run("runtime.host-userns", c), Status::pass, "HostConfig.UsernsMode=");
}

// 5.11, 5.12, 5.13, 5.29 ---------------------------------------------------------------

TEST(Limits, Memory) {
  EXPECT_RESULT(run("runtime.memory-limit", container("hardened.json")), Status::pass, "HostConfig.Memory=67108864 (64 MiB)");
  EXPECT_RESULT(run("runtime.memory-limit", container("cpu-shares.json")), Status::pass, "128 MiB");
  EXPECT_RESULT(run("runtime.memory-limit", container("default.json")), Status::fail, "HostConfig.Memory=0");
}

TEST(Limits, Cpu) {
  EXPECT_RESULT(run("runtime.cpu-limit", container("hardened.json")), Status::pass, "HostConfig.NanoCpus=500000000 (0.5 CPUs)");
  EXPECT_RESULT(run("runtime.cpu-limit", container("cpu-shares.json")), Status::pass, "HostConfig.CpuShares=512");
  EXPECT_RESULT(run("runtime.cpu-limit", container("default.json")), Status::fail, "HostConfig.CpuShares=0");
  model::ContainerSpec c;
  c.cpu_shares = 1024;
  EXPECT_EQ(run("runtime.cpu-limit", c).status, Status::fail);
  c.cpu_quota = 50000;
  c.cpu_period = 100000;
  EXPECT_RESULT(run("runtime.cpu-limit", c), Status::pass, "HostConfig.CpuQuota=50000");
}

TEST(Limits, ReadonlyRootfs) {
  EXPECT_RESULT(run("runtime.readonly-rootfs", container("hardened.json")), Status::pass, "HostConfig.ReadonlyRootfs=true");
  EXPECT_RESULT(run("runtime.readonly-rootfs", container("default.json")), Status::fail, "HostConfig.ReadonlyRootfs=false");
}

TEST(Limits, Pids) {
  EXPECT_RESULT(run("runtime.pids-limit", container("hardened.json")), Status::pass, "HostConfig.PidsLimit=50");
  EXPECT_RESULT(run("runtime.pids-limit", container("default.json")), Status::fail, "HostConfig.PidsLimit=null");
  model::ContainerSpec c;
  c.pids_limit = -1;
  EXPECT_RESULT(run("runtime.pids-limit", c), Status::fail, "HostConfig.PidsLimit=-1");
  c.pids_limit = 0;
  EXPECT_EQ(run("runtime.pids-limit", c).status, Status::fail);
}

// 5.15 ---------------------------------------------------------------------------------

TEST(RestartPolicy, Unbounded) {
  EXPECT_RESULT(run("runtime.restart-policy", container("restart-unless-stopped.json")), Status::fail,
                "HostConfig.RestartPolicy.Name=unless-stopped");
  EXPECT_RESULT(run("runtime.restart-policy", container("restart-always.json")), Status::fail, "Name=always");
  EXPECT_RESULT(run("runtime.restart-policy", container("restart-on-failure-10.json")), Status::fail, "MaximumRetryCount=10");
  EXPECT_RESULT(run("runtime.restart-policy", container("restart-on-failure-0.json")), Status::fail,
                "MaximumRetryCount=0 (no limit)");
}

TEST(RestartPolicy, Bounded) {
  EXPECT_RESULT(run("runtime.restart-policy", container("hardened.json")), Status::pass, "MaximumRetryCount=3");
  EXPECT_RESULT(run("runtime.restart-policy", container("default.json")), Status::pass, "Name=no");
  model::ContainerSpec c;
  c.restart_policy = "on-failure";
  c.restart_max_retries = 5;
  EXPECT_EQ(run("runtime.restart-policy", c).status, Status::pass);
  c.restart_max_retries = 6;
  EXPECT_EQ(run("runtime.restart-policy", c).status, Status::fail);
  EXPECT_EQ(run("runtime.restart-policy", model::ContainerSpec{}).status, Status::pass);
}

// 5.18, 5.19, 5.20, 5.25 ---------------------------------------------------------------

TEST(Devices, ListedForAPerson) {
  const auto f = run("runtime.host-devices", container("devices.json"));
  EXPECT_EQ(f.status, Status::info);
  EXPECT_THAT(f.evidence, HasSubstr("HostConfig.Devices[0] /dev/null -> /dev/null (rwm)"));
  EXPECT_THAT(f.evidence, HasSubstr("HostConfig.DeviceCgroupRules=[\"c 1:3 mr\"]"));
  EXPECT_RESULT(run("runtime.host-devices", container("privileged.json")), Status::fail, "every host device");
  EXPECT_EQ(run("runtime.host-devices", container("default.json")).status, Status::pass);
}

TEST(Ulimits, ListedForAPerson) {
  EXPECT_RESULT(run("runtime.ulimit-override", container("devices.json")), Status::info, "HostConfig.Ulimits: nofile=1024:2048");
  EXPECT_RESULT(run("runtime.ulimit-override", container("default.json")), Status::pass, "daemon defaults");
}

TEST(MountPropagation, SharedFails) {
  const auto f = run("runtime.mount-propagation-shared", container("mounts.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/tmp -> /x (rw, propagation rshared)"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/etc")));
  EXPECT_RESULT(run("runtime.mount-propagation-shared", container("volume-only.json")), Status::pass, "none with shared");
  EXPECT_RESULT(run("runtime.mount-propagation-shared", container("default.json")), Status::pass, "Mounts=[]");
}

TEST(CgroupParent, WarnsWhenSet) {
  EXPECT_RESULT(run("runtime.cgroup-parent", container("devices.json")), Status::warn, "HostConfig.CgroupParent=dd-fx-parent");
  EXPECT_RESULT(run("runtime.cgroup-parent", container("default.json")), Status::pass, "HostConfig.CgroupParent=\"\"");
}

// 5.22 ---------------------------------------------------------------------------------

TEST(Seccomp, Unconfined) {
  EXPECT_RESULT(run("runtime.seccomp-unconfined", container("unconfined.json")), Status::fail, "seccomp=unconfined");
  EXPECT_RESULT(run("runtime.seccomp-unconfined", container("privileged.json")), Status::fail, "Privileged=true");
  EXPECT_RESULT(run("runtime.seccomp-unconfined", container("default.json"), test::engine_host({"apparmor"})), Status::fail,
                "engine reports no seccomp support (SecurityOptions: apparmor)");
  model::ContainerSpec legacy;
  legacy.security_opt = {"seccomp:unconfined"};
  EXPECT_EQ(run("runtime.seccomp-unconfined", legacy).status, Status::fail);
}

TEST(Seccomp, Confined) {
  EXPECT_RESULT(run("runtime.seccomp-unconfined", container("default.json")), Status::pass, "default seccomp profile");
  EXPECT_EQ(run("runtime.seccomp-unconfined", container("default.json"), file_host()).status, Status::pass);
  model::ContainerSpec custom;
  custom.security_opt = {
      R"(seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write","exit"],"action":"SCMP_ACT_ALLOW"}]})"};
  const auto f = run("runtime.seccomp-unconfined", custom);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("custom profile"));
  EXPECT_LT(f.evidence.size(), 120u);  // a whole inline profile is cut short
}

// 5.23, 5.24 ---------------------------------------------------------------------------

model::ContainerSpec running_with_execs() {
  auto c = container("running.json");
  for (const char* name : {"exec-0.json", "exec-1.json", "exec-2.json"}) {
    auto e = parse::exec_inspect(test::inspect_fixture(name));
    EXPECT_TRUE(e);
    if (e) c.execs.push_back(*e);
  }
  return c;
}

TEST(Exec, Privileged) {
  EXPECT_RESULT(run("runtime.exec-privileged", running_with_execs()), Status::pass,
                "3 exec sessions recorded by the engine, none privileged");
  EXPECT_RESULT(run("runtime.exec-privileged", container("default.json")), Status::pass, "no exec sessions");
  auto c = running_with_execs();
  c.execs[1].privileged = true;
  EXPECT_RESULT(run("runtime.exec-privileged", c), Status::fail, "is privileged");
  // Listed but never inspected (read from a file): not a pass.
  EXPECT_RESULT(run("runtime.exec-privileged", container("running.json")), Status::warn, "3 of 3 exec sessions");
}

TEST(Exec, Root) {
  const auto f = run("runtime.exec-root", running_with_execs());
  EXPECT_EQ(f.status, Status::info);
  EXPECT_THAT(f.evidence, HasSubstr("`sleep 601` as user 0"));
  EXPECT_THAT(f.evidence, HasSubstr("`sleep 600` as the container's user (Config.User=\"\")"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("sleep 602")));
  model::ContainerSpec c;
  c.user = "1000";
  c.exec_ids = {"a", "b"};
  c.execs = {{.id = "a", .privileged = false, .user = "", .command = "sh", .running = true},
             {.id = "b", .privileged = false, .user = "app", .command = "sh", .running = true}};
  EXPECT_RESULT(run("runtime.exec-root", c), Status::pass, "2 exec sessions recorded by the engine, none as root");
  EXPECT_EQ(run("runtime.exec-root", container("hardened.json")).status, Status::pass);
}

// `drydock watch` saw these exec sessions start (exec_start events): 5.23 and 5.24 are decided,
// with the full exec id, while sessions only recorded by the engine stay evidence for a person.
TEST(Exec, SeenStartingDecides) {
  auto c = running_with_execs();
  for (auto& e : c.execs)
    e.observed = true;
  const auto root = run("runtime.exec-root", c);
  EXPECT_EQ(root.status, Status::fail);
  EXPECT_THAT(root.evidence, HasSubstr("exec " + c.execs[0].id + " `sleep 601` as user 0 (seen starting)"));
  c.execs[2].privileged = true;
  EXPECT_RESULT(run("runtime.exec-privileged", c), Status::fail, c.execs[2].id + " `sleep 600` is privileged (seen starting)");
  // Seen, but as the container's unprivileged user: a pass.
  model::ContainerSpec u;
  u.user = "1000";
  u.exec_ids = {"a"};
  u.execs = {{.id = "a", .privileged = false, .user = "", .command = "sh", .running = true, .observed = true}};
  EXPECT_EQ(run("runtime.exec-root", u).status, Status::pass);
}

// 5.26 ---------------------------------------------------------------------------------

TEST(NoNewPrivileges, Set) {
  EXPECT_RESULT(run("runtime.no-new-privileges", container("hardened.json")), Status::pass, "[\"no-new-privileges\"]");
  for (const char* opt : {"no-new-privileges:true", "no-new-privileges=true"}) {
    model::ContainerSpec c;
    c.security_opt = {opt};
    EXPECT_EQ(run("runtime.no-new-privileges", c).status, Status::pass) << opt;
  }
}

TEST(NoNewPrivileges, UnsetOrFalse) {
  EXPECT_RESULT(run("runtime.no-new-privileges", container("custom-lsm.json")), Status::fail, "no-new-privileges to false");
  EXPECT_RESULT(run("runtime.no-new-privileges", container("default.json")), Status::fail, "HostConfig.SecurityOpt=null");
  model::ContainerSpec c;
  c.security_opt = {"no-new-privileges=false"};
  EXPECT_EQ(run("runtime.no-new-privileges", c).status, Status::fail);
}

// 5.27 ---------------------------------------------------------------------------------

TEST(Healthcheck, Runtime) {
  EXPECT_RESULT(run("runtime.healthcheck", container("hardened.json")), Status::pass,
                "Config.Healthcheck.Test=[\"CMD-SHELL\",\"true\"]");
  EXPECT_RESULT(run("runtime.healthcheck", container("healthy.json")), Status::pass, "State.Health.Status=healthy");
  EXPECT_RESULT(run("runtime.healthcheck", container("no-healthcheck.json")), Status::fail, "disabled");
  EXPECT_RESULT(run("runtime.healthcheck", container("default.json")), Status::fail, "Config.Healthcheck absent");
}

// 5.28 ---------------------------------------------------------------------------------

model::HostSnapshot host_with_real_tags() {
  auto host = seccomp_host();
  auto tags = parse::image_tags(test::inspect_fixture("images.json"));
  EXPECT_TRUE(tags);
  if (tags) host.tags.insert(tags->begin(), tags->end());
  return host;
}

TEST(ImageOutdated, CurrentTagPasses) {
  EXPECT_RESULT(run("runtime.image-outdated", container("default.json"), host_with_real_tags()), Status::pass,
                "the current image of tag drydock-test/busybox:1");
}

TEST(ImageOutdated, MovedTagWarns) {
  auto host = host_with_real_tags();
  host.tags["drydock-test/busybox:1"] = "sha256:def0000000000000000000000000000000000000000000000000000000000000";
  const auto f = run("runtime.image-outdated", container("default.json"), host);
  EXPECT_EQ(f.status, Status::warn);
  EXPECT_THAT(f.evidence, HasSubstr("runs sha256:48d45247b620, tag drydock-test/busybox:1 now points to sha256:def000000000"));
}

TEST(ImageOutdated, UnknownIsInfo) {
  EXPECT_RESULT(run("runtime.image-outdated", container("default.json"), file_host()), Status::info, "no engine consulted");
  EXPECT_RESULT(run("runtime.image-outdated", container("default.json"), seccomp_host()), Status::info,
                "no longer exists on this host");
  auto by_id = container("default.json");
  by_id.image = by_id.image_id.substr(7, 12);
  EXPECT_RESULT(run("runtime.image-outdated", by_id, host_with_real_tags()), Status::info, "by id");
  auto digest = container("default.json");
  digest.image = "busybox@sha256:0123456789abcdef";
  EXPECT_RESULT(run("runtime.image-outdated", digest, host_with_real_tags()), Status::info, "pinned by digest");
}

TEST(ImageOutdated, ImplicitLatestAndDockerHubPrefixes) {
  auto host = seccomp_host();
  host.tags["nginx:latest"] = "sha256:aaa";
  host.tags["localhost:5000/app:latest"] = "sha256:bbb";
  model::ContainerSpec c;
  c.image_id = "sha256:aaa";
  for (const char* image : {"nginx", "docker.io/library/nginx", "docker.io/library/nginx:latest"}) {
    c.image = image;
    EXPECT_EQ(run("runtime.image-outdated", c, host).status, Status::pass) << image;
  }
  c.image = "localhost:5000/app";
  c.image_id = "sha256:ccc";
  EXPECT_RESULT(run("runtime.image-outdated", c, host), Status::warn, "localhost:5000/app:latest now points to");
}

// 5.30 ---------------------------------------------------------------------------------

TEST(DefaultBridge, ManualInfo) {
  EXPECT_RESULT(run("runtime.default-bridge", container("default.json")), Status::info,
                "HostConfig.NetworkMode=default, NetworkSettings.Networks: bridge");
  EXPECT_RESULT(run("runtime.default-bridge", container("hardened.json")), Status::pass, "HostConfig.NetworkMode=none");
  EXPECT_EQ(run("runtime.default-bridge", container("host-network.json")).status, Status::pass);
}

// 5.32 ---------------------------------------------------------------------------------

TEST(DockerSocket, Mounted) {
  const auto f = run("runtime.docker-socket-mount", container("mounts.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/var/run/docker.sock -> /var/run/docker.sock (rw"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/etc")));
  for (const auto& [source, destination] :
       std::vector<std::pair<std::string, std::string>>{{"/run", "/host-run"},
                                                        {"/var/run/", "/r"},
                                                        {"/home/u/.docker/run/docker.sock", "/s"},
                                                        {"/srv/x", "/tmp/docker.sock"}}) {
    model::ContainerSpec c;
    c.mounts = {{.type = "bind", .source = source, .destination = destination, .read_write = false, .propagation = ""}};
    EXPECT_EQ(run("runtime.docker-socket-mount", c).status, Status::fail) << source;
  }
}

TEST(DockerSocket, NotMounted) {
  EXPECT_RESULT(run("runtime.docker-socket-mount", container("volume-only.json")), Status::pass, "none of the Docker socket");
  EXPECT_RESULT(run("runtime.docker-socket-mount", container("default.json")), Status::pass, "Mounts=[]");
  model::ContainerSpec c;
  c.mounts = {{.type = "bind", .source = "/run/user/1000/app", .destination = "/a", .read_write = true, .propagation = ""}};
  EXPECT_EQ(run("runtime.docker-socket-mount", c).status, Status::pass);
}

// Every runtime check, on every fixture: exactly one result, never an exception.

TEST(RuntimeChecks, EveryCheckOnEveryFixtureWritesOneResult) {
  for (const char* name : {"default.json",
                           "privileged.json",
                           "cap-add.json",
                           "cap-add-all.json",
                           "cap-drop-all.json",
                           "cap-module.json",
                           "mounts.json",
                           "mount-root-rw.json",
                           "volume-only.json",
                           "ports.json",
                           "publish-all.json",
                           "restart-unless-stopped.json",
                           "restart-always.json",
                           "restart-on-failure-10.json",
                           "restart-on-failure-0.json",
                           "namespaces.json",
                           "host-network.json",
                           "unconfined.json",
                           "custom-lsm.json",
                           "devices.json",
                           "no-healthcheck.json",
                           "user-root.json",
                           "user-0-group.json",
                           "cpu-shares.json",
                           "hardened.json",
                           "running.json",
                           "healthy.json"}) {
    const auto spec = container(name);
    for (const auto& c : runtime_checks()) {
      for (const auto& host : {seccomp_host(), file_host(), apparmor_host(), selinux_host()}) {
        Results out;
        if (c.scope() == Scope::container) {
          EXPECT_NO_THROW(std::get<ContainerEval>(c.evaluate)(spec, host, out)) << c.id << " on " << name;
        } else if (c.scope() == Scope::daemon) {
          EXPECT_NO_THROW(std::get<DaemonEval>(c.evaluate)(host, out)) << c.id;
        }
        ASSERT_TRUE(out.finding()) << c.id << " on " << name;
        EXPECT_FALSE(out.finding()->evidence.empty()) << c.id << " on " << name;
      }
    }
  }
}

}  // namespace
}  // namespace drydock::checks

namespace drydock::checks {
namespace {

TEST(NoNewPrivileges, TheDaemonsDefaultCountsWhenTheContainerSaysNothing) {
  const auto c = test::container("default.json");
  auto host = test::seccomp_host();
  EXPECT_EQ(test::run("runtime.no-new-privileges", c, host).status, Status::fail);  // daemon not read
  host.daemon.emplace();
  EXPECT_EQ(test::run("runtime.no-new-privileges", c, host).status, Status::fail);  // read, not set
  host.daemon->settings["no-new-privileges"].push_back(
      model::SettingValue{"true", "daemon.json", model::Location{"/etc/docker/daemon.json", 4, 0}});
  const auto f = test::run("runtime.no-new-privileges", c, host);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_NE(f.evidence.find("/etc/docker/daemon.json:4"), std::string::npos) << f.evidence;
  // A container that turns it off explicitly still fails, whatever the daemon's default.
  auto off = c;
  off.security_opt = {"no-new-privileges:false"};
  EXPECT_EQ(test::run("runtime.no-new-privileges", off, host).status, Status::fail);
}

}  // namespace
}  // namespace drydock::checks
