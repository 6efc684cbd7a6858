// CIS section 2 checks over daemon configurations parsed from fixtures (tests/data/daemon),
// so that the evidence and locations are the ones a real audit shows.

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/parse/daemon_config.hpp"
#include "drydock/parse/podman.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using test::run;
using ::testing::HasSubstr;
using ::testing::Not;

std::string daemon_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/daemon/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void add(model::DaemonConfig& d, const parse::DaemonSettings& settings) {
  for (const auto& [k, v] : settings)
    d.settings[k].push_back(v);
}

/// A host whose only configuration is this daemon.json text.
model::HostSnapshot json_host(std::string_view text, std::optional<model::EngineInfo> engine = std::nullopt) {
  auto parsed = parse::daemon_json(text, "/etc/docker/daemon.json");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  model::HostSnapshot h;
  h.daemon = model::DaemonConfig{};
  h.daemon->sources.emplace_back("/etc/docker/daemon.json");
  if (parsed) add(*h.daemon, *parsed);
  h.engine = std::move(engine);
  return h;
}

model::HostSnapshot fixture_host(const std::string& name, std::optional<model::EngineInfo> engine = std::nullopt) {
  return json_host(daemon_fixture(name), std::move(engine));
}

/// A host whose daemon is started by docker.service with these arguments.
model::HostSnapshot args_host(std::vector<std::string> argv) {
  argv.insert(argv.begin(), "/usr/sbin/dockerd");
  model::HostSnapshot h;
  h.daemon = model::DaemonConfig{};
  h.daemon->sources.emplace_back("/lib/systemd/system/docker.service");
  add(*h.daemon, parse::dockerd_args(argv, "docker.service ExecStart", {"/lib/systemd/system/docker.service", 12, 0}));
  return h;
}

model::EngineInfo engine(std::vector<std::string> security_options = {"seccomp"}) {
  model::EngineInfo e;
  e.security_options = std::move(security_options);
  e.swarm_state = "inactive";
  return e;
}

Status status_of(std::string_view id, const model::HostSnapshot& h) { return run(id, h).status; }

const model::HostSnapshot& insecure() {
  static const auto h = fixture_host("insecure.json");
  return h;
}
const model::HostSnapshot& hardened() {
  static const auto h = fixture_host("hardened.json");
  return h;
}

TEST(DaemonChecks, EveryDaemonCheckSkipsWithoutConfiguration) {
  const model::HostSnapshot none;
  for (const auto& c : daemon_checks()) {
    ASSERT_EQ(c.scope(), Scope::daemon) << c.id;
    EXPECT_FALSE(test::check(c.id).cis.empty()) << c.id;  // each a control of v1.8.0
    if (c.id == "daemon.rootless") continue;  // the engine alone can answer it
    const auto f = run(c.id, none);
    EXPECT_EQ(f.status, Status::skip) << c.id;
    EXPECT_EQ(f.evidence, "daemon configuration was not collected") << c.id;
  }
  EXPECT_EQ(daemon_checks().size(), 19u);
}

TEST(DaemonChecks, Rootless) {
  EXPECT_EQ(status_of("daemon.rootless", test::engine_host({"seccomp", "rootless"})), Status::pass);
  const auto f = run("daemon.rootless", insecure());
  EXPECT_EQ(f.status, Status::info);
  EXPECT_THAT(f.evidence, HasSubstr("dockerd-rootless-setuptool.sh"));
  EXPECT_TRUE(test::check("daemon.rootless").manual);
}

TEST(DaemonChecks, Icc) {
  const auto f = run("daemon.icc-enabled", insecure());
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("\"icc\": true in /etc/docker/daemon.json:3"));
  EXPECT_EQ(status_of("daemon.icc-enabled", hardened()), Status::pass);
  const auto unset = run("daemon.icc-enabled", json_host("{}"));
  EXPECT_EQ(unset.status, Status::fail);
  EXPECT_THAT(unset.evidence, HasSubstr("icc not set in daemon.json, the dockerd command line or the unit (default: true)"));
  const auto flag = run("daemon.icc-enabled", args_host({"--icc=false"}));
  EXPECT_EQ(flag.status, Status::pass);
  EXPECT_THAT(flag.evidence, HasSubstr("--icc=false in docker.service ExecStart (/lib/systemd/system/docker.service:12)"));
}

TEST(DaemonChecks, LogLevel) {
  const auto f = run("daemon.log-level", insecure());
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("\"log-level\": \"debug\" in /etc/docker/daemon.json:4"));
  EXPECT_EQ(status_of("daemon.log-level", hardened()), Status::pass);
  EXPECT_EQ(status_of("daemon.log-level", json_host("{}")), Status::pass);
  EXPECT_EQ(status_of("daemon.log-level", args_host({"-D"})), Status::fail);
  EXPECT_EQ(status_of("daemon.log-level", args_host({"-l", "error"})), Status::fail);
}

TEST(DaemonChecks, Iptables) {
  EXPECT_EQ(status_of("daemon.iptables-disabled", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.iptables-disabled", hardened()), Status::pass);
}

TEST(DaemonChecks, InsecureRegistries) {
  const auto f = run("daemon.insecure-registries", insecure());
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("registry.local:5000, 10.0.0.0/8"));
  EXPECT_THAT(f.evidence, HasSubstr("/etc/docker/daemon.json:6"));

  // The engine always reports the implicit 127.0.0.0/8 (and ::1/128 on newer engines).
  auto e = engine();
  e.insecure_registries = {"127.0.0.0/8", "::1/128"};
  const auto clean = run("daemon.insecure-registries", json_host("{}", e));
  EXPECT_EQ(clean.status, Status::pass);
  EXPECT_EQ(status_of("daemon.insecure-registries", json_host(R"({"insecure-registries": ["127.0.0.0/8"]})")), Status::pass);

  e.insecure_registries.emplace_back("myregistry:5000");  // an IndexConfigs entry with Secure=false
  const auto running = run("daemon.insecure-registries", json_host("{}", e));
  EXPECT_EQ(running.status, Status::fail);
  EXPECT_THAT(running.evidence, HasSubstr("engine /info RegistryConfig: myregistry:5000"));
}

TEST(DaemonChecks, AufsStorage) {
  EXPECT_EQ(status_of("daemon.aufs-storage", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.aufs-storage", hardened()), Status::pass);
  auto e = engine();
  e.storage_driver = "aufs";
  const auto f = run("daemon.aufs-storage", json_host("{}", e));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("engine /info Driver=aufs"));
  e.storage_driver = "overlay2";
  EXPECT_EQ(status_of("daemon.aufs-storage", json_host("{}", e)), Status::pass);
}

TEST(DaemonChecks, DevicemapperStorage) {
  auto e = engine();
  e.storage_driver = "devicemapper";
  const auto f = run("daemon.devicemapper-storage", json_host("{}", e));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("engine /info Driver=devicemapper"));
  const auto configured = run("daemon.devicemapper-storage", json_host(R"({"storage-driver": "devicemapper"})"));
  EXPECT_EQ(configured.status, Status::fail);
  EXPECT_THAT(configured.evidence, HasSubstr("\"storage-driver\": \"devicemapper\" in /etc/docker/daemon.json:1"));
  const auto flag = run("daemon.devicemapper-storage", args_host({"--storage-driver=devicemapper"}));
  EXPECT_EQ(flag.status, Status::fail);
  e.storage_driver = "overlay2";
  const auto pass = run("daemon.devicemapper-storage", json_host("{}", e));
  EXPECT_EQ(pass.status, Status::pass);
  EXPECT_THAT(pass.evidence, HasSubstr("engine /info Driver=overlay2"));
  EXPECT_EQ(status_of("daemon.devicemapper-storage", insecure()), Status::pass);  // aufs there, not devicemapper
  EXPECT_EQ(status_of("daemon.devicemapper-storage", hardened()), Status::pass);
  EXPECT_EQ(test::check("daemon.devicemapper-storage").cis, "2.7");  // v1.8.0, the default
}

TEST(DaemonChecks, TcpWithoutTlsOnEveryInterfaceIsCritical) {
  const auto f = run("daemon.tcp-without-tls", insecure());
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_FALSE(f.severity);  // the check's own: critical
  EXPECT_EQ(test::check("daemon.tcp-without-tls").severity, Severity::critical);
  EXPECT_THAT(f.evidence, HasSubstr("\"hosts\": \"tcp://0.0.0.0:2375\" in /etc/docker/daemon.json:2"));
  EXPECT_THAT(f.evidence, HasSubstr("not loopback"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("unix://")));
}

TEST(DaemonChecks, TcpWithoutTlsOnLoopbackIsHigh) {
  const auto f = run("daemon.tcp-without-tls", args_host({"-H", "fd://", "-H", "tcp://127.0.0.1:2375"}));
  EXPECT_EQ(f.status, Status::fail);
  ASSERT_TRUE(f.severity);
  EXPECT_EQ(*f.severity, Severity::high);
  EXPECT_THAT(f.evidence, HasSubstr("-H tcp://127.0.0.1:2375 in docker.service ExecStart"));
  EXPECT_THAT(f.evidence, HasSubstr("(loopback)"));
  EXPECT_EQ(run("daemon.tcp-without-tls", args_host({"-H", "tcp://[::1]:2375"})).severity, Severity::high);
  // No host part: dockerd binds localhost. No scheme: dockerd takes it as TCP.
  EXPECT_EQ(run("daemon.tcp-without-tls", args_host({"-H", "tcp://:2375"})).severity, Severity::high);
  const auto bare = run("daemon.tcp-without-tls", args_host({"-H", "0.0.0.0:2375"}));
  EXPECT_EQ(bare.status, Status::fail);
  EXPECT_FALSE(bare.severity);
}

// "hosts" not set: a rootful dockerd listens on /var/run/docker.sock, a rootless one on its
// user's socket (the path the collection found), and the evidence says which.
TEST(DaemonChecks, TcpWithoutTlsNamesTheDefaultSocketOfARootlessDaemon) {
  const auto rootful = run("daemon.tcp-without-tls", json_host("{}", engine()));
  EXPECT_EQ(rootful.status, Status::pass);
  EXPECT_THAT(rootful.evidence, HasSubstr("default: unix:///var/run/docker.sock"));
  auto h = json_host("{}", engine({"seccomp", "rootless"}));
  const auto unknown = run("daemon.tcp-without-tls", h);  // the socket's path not collected
  EXPECT_EQ(unknown.status, Status::pass);
  EXPECT_THAT(unknown.evidence, HasSubstr("default: unix://$XDG_RUNTIME_DIR/docker.sock"));
  h.host = model::HostFacts{};
  h.host->rootless_user = "alice";
  h.host->files.push_back(model::FileFact{.role = "docker.sock", .path = "/run/user/1001/docker.sock"});
  const auto f = run("daemon.tcp-without-tls", h);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("default: unix:///run/user/1001/docker.sock"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/var/run/docker.sock")));
}

TEST(DaemonChecks, TcpWithTlsButNoVerifyIsHigh) {
  const auto f = run("daemon.tcp-without-tls",
                     args_host({"-H", "tcp://0.0.0.0:2376", "--tls", "--tlscacert=/c", "--tlscert=/s", "--tlskey=/k"}));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_THAT(f.evidence, HasSubstr("without client verification"));
}

TEST(DaemonChecks, TcpWithVerifyButMissingFiles) {
  const auto f = run("daemon.tcp-without-tls", args_host({"-H", "tcp://10.0.0.5:2376", "--tlsverify"}));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.severity, Severity::medium);
  EXPECT_THAT(f.evidence, HasSubstr("tlscacert, tlscert, tlskey not set"));
}

TEST(DaemonChecks, TcpWithTlsVerifyPasses) {
  const auto f = run("daemon.tcp-without-tls", hardened());
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("\"tlsverify\": true in /etc/docker/daemon.json:16"));
  EXPECT_EQ(status_of("daemon.tcp-without-tls", json_host("{}")), Status::pass);
  EXPECT_EQ(status_of("daemon.tcp-without-tls", args_host({"-H", "fd://", "-H", "unix:///run/x.sock"})), Status::pass);
}

TEST(DaemonChecks, DefaultUlimits) {
  const auto set = run("daemon.default-ulimits", insecure());
  EXPECT_EQ(set.status, Status::info);
  EXPECT_THAT(set.evidence, HasSubstr("nofile=1024:2048"));
  const auto unset = run("daemon.default-ulimits", hardened());
  EXPECT_EQ(unset.status, Status::info);
  EXPECT_THAT(unset.evidence, HasSubstr("none set"));
}

TEST(DaemonChecks, UsernsRemap) {
  EXPECT_EQ(status_of("daemon.userns-remap", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.userns-remap", hardened()), Status::pass);
  EXPECT_EQ(status_of("daemon.userns-remap", json_host("{}", engine({"seccomp", "userns"}))), Status::pass);
  const auto f = run("daemon.userns-remap", json_host("{}", engine()));
  EXPECT_THAT(f.evidence, HasSubstr("engine SecurityOptions: seccomp (no userns)"));
}

TEST(DaemonChecks, CgroupParent) {
  const auto f = run("daemon.cgroup-parent", insecure());
  EXPECT_EQ(f.status, Status::warn);
  EXPECT_THAT(f.evidence, HasSubstr("\"cgroup-parent\": \"/custom\""));
  EXPECT_EQ(status_of("daemon.cgroup-parent", hardened()), Status::pass);
}

TEST(DaemonChecks, BaseDeviceSize) {
  const auto f = run("daemon.base-device-size", insecure());
  EXPECT_EQ(f.status, Status::warn);
  EXPECT_THAT(f.evidence, HasSubstr("dm.basesize=20G"));
  EXPECT_EQ(status_of("daemon.base-device-size", hardened()), Status::pass);
  EXPECT_EQ(status_of("daemon.base-device-size", args_host({"--storage-opt", "overlay2.size=10G"})), Status::pass);
}

TEST(DaemonChecks, AuthorizationPlugin) {
  EXPECT_EQ(status_of("daemon.authorization-plugin", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.authorization-plugin", hardened()), Status::pass);
  auto e = engine();
  e.authorization_plugins = {"opa-docker-authz"};
  EXPECT_EQ(status_of("daemon.authorization-plugin", json_host("{}", e)), Status::pass);
}

TEST(DaemonChecks, CentralizedLogging) {
  const auto local = run("daemon.centralized-logging", insecure());
  EXPECT_EQ(local.status, Status::fail);
  EXPECT_THAT(local.evidence, HasSubstr("\"log-driver\": \"json-file\""));
  EXPECT_EQ(status_of("daemon.centralized-logging", hardened()), Status::pass);

  const auto none = run("daemon.centralized-logging", json_host(R"({"log-driver": "none"})"));
  EXPECT_EQ(none.status, Status::fail);
  EXPECT_THAT(none.evidence, HasSubstr("no container logs at all"));
  EXPECT_EQ(status_of("daemon.centralized-logging", json_host("{}")), Status::fail);
  EXPECT_EQ(status_of("daemon.centralized-logging", json_host(R"({"log-driver": "journald"})")), Status::warn);
  EXPECT_EQ(status_of("daemon.centralized-logging", json_host(R"({"log-driver": "syslog"})")), Status::warn);
  EXPECT_EQ(status_of("daemon.centralized-logging", json_host(R"({"log-driver": "gelf"})")), Status::pass);

  auto e = engine();
  e.logging_driver = "json-file";  // the running daemon has not picked up the file's syslog
  EXPECT_EQ(status_of("daemon.centralized-logging", fixture_host("hardened.json", e)), Status::fail);
}

TEST(DaemonChecks, NoNewPrivileges) {
  EXPECT_EQ(status_of("daemon.no-new-privileges", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.no-new-privileges", hardened()), Status::pass);
  EXPECT_EQ(status_of("daemon.no-new-privileges", args_host({"--no-new-privileges"})), Status::pass);
}

TEST(DaemonChecks, LiveRestore) {
  EXPECT_EQ(status_of("daemon.live-restore", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.live-restore", hardened()), Status::pass);

  auto e = engine();
  e.live_restore_enabled = true;
  EXPECT_EQ(status_of("daemon.live-restore", json_host("{}", e)), Status::pass);
  e.live_restore_enabled = false;
  const auto stale = run("daemon.live-restore", fixture_host("hardened.json", e));
  EXPECT_EQ(stale.status, Status::fail);
  EXPECT_THAT(stale.evidence, HasSubstr("has not picked it up"));

  e.swarm_state = "active";
  const auto swarm = run("daemon.live-restore", json_host("{}", e));
  EXPECT_EQ(swarm.status, Status::skip);
  EXPECT_THAT(swarm.evidence, HasSubstr("incompatible with swarm mode"));
}

TEST(DaemonChecks, UserlandProxy) {
  EXPECT_EQ(status_of("daemon.userland-proxy", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.userland-proxy", json_host("{}")), Status::fail);
  EXPECT_EQ(status_of("daemon.userland-proxy", hardened()), Status::pass);
}

TEST(DaemonChecks, SeccompProfile) {
  const auto unconfined = run("daemon.seccomp-profile", insecure());
  EXPECT_EQ(unconfined.status, Status::fail);
  EXPECT_THAT(unconfined.evidence, HasSubstr("\"seccomp-profile\": \"unconfined\""));
  const auto custom = run("daemon.seccomp-profile", hardened());
  EXPECT_EQ(custom.status, Status::info);
  EXPECT_THAT(custom.evidence, HasSubstr("/etc/docker/seccomp.json"));
  const auto unset = run("daemon.seccomp-profile", json_host("{}"));
  EXPECT_EQ(unset.status, Status::info);
  EXPECT_THAT(unset.evidence, HasSubstr("the default profile applies"));
}

TEST(DaemonChecks, Experimental) {
  EXPECT_EQ(status_of("daemon.experimental", insecure()), Status::fail);
  EXPECT_EQ(status_of("daemon.experimental", hardened()), Status::pass);
  auto e = engine();
  e.experimental_build = true;
  EXPECT_EQ(status_of("daemon.experimental", json_host("{}", e)), Status::fail);
}

TEST(DaemonChecks, CommandLineValueWinsAndOthersAreNamed) {
  // The live command line is collected first; daemon.json's differing value is cited after it.
  auto h = args_host({"--icc=true"});
  add(*h.daemon, *parse::daemon_json("{\n\"icc\": false\n}", "/etc/docker/daemon.json"));
  const auto f = run("daemon.icc-enabled", h);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("(also \"icc\": false in /etc/docker/daemon.json:2)"));
}

TEST(DaemonChecks, NothingFoundIsSaid) {
  model::HostSnapshot h;
  h.daemon = model::DaemonConfig{};
  EXPECT_THAT(run("daemon.icc-enabled", h).evidence, HasSubstr("no configuration source was found"));
}

#define EXPECT_RESULT(finding, expected_status, text)     \
  do {                                                    \
    const Finding f_ = (finding);                         \
    EXPECT_EQ(f_.status, expected_status) << f_.evidence; \
    EXPECT_THAT(f_.evidence, HasSubstr(text));            \
  } while (0)

// Podman behind Docker's API: answered from Podman's files, or skipped with the reason; never
// from dockerd's defaults.
model::HostSnapshot podman_host(std::string_view containers_conf, std::vector<std::string> security_options = {"seccomp"}) {
  auto h = test::engine_host(std::move(security_options));
  h.engine->podman = true;
  h.engine->podman_version = "4.3.1";
  h.engine->storage_driver = "overlay";
  h.podman = model::PodmanConfig{};
  h.podman->sources.emplace_back("/etc/containers/containers.conf");
  std::vector<std::string> diagnostics;
  parse::toml_settings(containers_conf, "/etc/containers/containers.conf", h.podman->containers_conf, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  return h;
}

TEST(DaemonPodman, EveryCheckAnswersFromPodmansFilesOrSkipsWithTheReason) {
  const auto h = podman_host("[containers]\n");
  const std::set<std::string_view> answered = {"daemon.rootless",          "daemon.insecure-registries", "daemon.aufs-storage",
                                               "daemon.devicemapper-storage", "daemon.default-ulimits",  "daemon.userns-remap",
                                               "daemon.centralized-logging", "daemon.seccomp-profile"};
  for (const auto& c : daemon_checks()) {
    const auto f = run(c.id, h);
    EXPECT_THAT(f.evidence, Not(HasSubstr("daemon.json"))) << c.id;
    EXPECT_THAT(f.evidence, Not(HasSubstr("dockerd"))) << c.id;
    if (answered.contains(c.id)) {
      EXPECT_NE(f.status, Status::skip) << c.id << ": " << f.evidence;
    } else {
      EXPECT_EQ(f.status, Status::skip) << c.id;
      EXPECT_THAT(f.evidence, HasSubstr("Podman 4.3.1: ")) << c.id;
    }
  }
  // Without Podman's files read, nothing is answered but the engine's own facts.
  auto unread = h;
  unread.podman.reset();
  EXPECT_EQ(run("daemon.userns-remap", unread).status, Status::skip);
  EXPECT_THAT(run("daemon.userns-remap", unread).evidence, HasSubstr("containers.conf) was not read"));
}

TEST(DaemonPodman, UsernsFromContainersConf) {
  EXPECT_RESULT(run("daemon.userns-remap", podman_host("[containers]\n")), Status::fail,
                "userns not set in containers.conf (/etc/containers/containers.conf; Podman's default: host)");
  EXPECT_RESULT(run("daemon.userns-remap", podman_host("[containers]\nuserns = \"auto\"\n")), Status::pass,
                "userns = \"auto\" in /etc/containers/containers.conf:2");
  EXPECT_RESULT(run("daemon.userns-remap", podman_host("[containers]\nuserns = \"host\"\n")), Status::fail,
                "userns = \"host\" in /etc/containers/containers.conf:2");
  EXPECT_RESULT(run("daemon.userns-remap", podman_host("[containers]\n", {"rootless", "seccomp"})), Status::skip,
                "not applicable: engine SecurityOptions: rootless, seccomp");
}

// Podman 4.3's /info says Rootless=true but not name=rootless: the collection then knows the
// user (HostFacts::podman_user, the socket's owner), and 2.1 and userns remapping follow it.
TEST(DaemonPodman, RootlessFromItsInfoAndItsUser) {
  auto h = podman_host("[containers]\n");
  EXPECT_EQ(run("daemon.rootless", h).status, Status::info);  // rootful
  h.host = model::HostFacts{};
  h.host->podman_user = "alice";
  EXPECT_RESULT(run("daemon.rootless", h), Status::pass,
                "Podman's /info Rootless=true, its socket owned by alice: Podman runs rootless, as alice");
  EXPECT_RESULT(run("daemon.userns-remap", h), Status::skip, "not applicable: Podman's /info Rootless=true, its socket owned by alice");
}

TEST(DaemonPodman, LoggingSeccompUlimitsNoNewPrivileges) {
  EXPECT_RESULT(run("daemon.centralized-logging", podman_host("[containers]\nlog_driver = \"k8s-file\"\n")), Status::fail,
                "log_driver = \"k8s-file\" in /etc/containers/containers.conf:2: container logs stay in files");
  EXPECT_EQ(run("daemon.centralized-logging", podman_host("[containers]\nlog_driver = \"journald\"\n")).status, Status::warn);
  EXPECT_EQ(run("daemon.centralized-logging", podman_host("[containers]\nlog_driver = \"none\"\n")).status, Status::fail);
  EXPECT_RESULT(run("daemon.seccomp-profile", podman_host("[containers]\nseccomp_profile = \"unconfined\"\n")), Status::fail,
                "without any seccomp filter");
  EXPECT_RESULT(run("daemon.seccomp-profile", podman_host("[containers]\n")), Status::info,
                "Podman's default: /usr/share/containers/seccomp.json");
  EXPECT_RESULT(run("daemon.default-ulimits", podman_host("[containers]\ndefault_ulimits = [\"nofile=1280:2560\"]\n")),
                Status::info, "default_ulimits = [\"nofile=1280:2560\"] in /etc/containers/containers.conf:2");
  EXPECT_EQ(run("daemon.no-new-privileges", podman_host("[containers]\n")).status, Status::skip);
  EXPECT_EQ(run("daemon.no-new-privileges", podman_host("[containers]\nno_new_privileges = true\n")).status, Status::pass);
  EXPECT_EQ(run("daemon.no-new-privileges", podman_host("[containers]\nno_new_privileges = false\n")).status, Status::fail);
}

TEST(DaemonPodman, InsecureRegistriesAndStorageDriver) {
  auto h = podman_host("[containers]\n");
  parse::registries_conf("[[registry]]\nlocation = \"plain.example\"\ninsecure = true\n", "/etc/containers/registries.conf",
                         *h.podman);
  EXPECT_RESULT(run("daemon.insecure-registries", h), Status::fail,
                "plain.example (insecure = true in /etc/containers/registries.conf:3)");
  auto clean = podman_host("[containers]\n");
  parse::registries_conf("[[registry]]\nlocation = \"tls.example\"\n", "/etc/containers/registries.conf", *clean.podman);
  EXPECT_EQ(run("daemon.insecure-registries", clean).status, Status::pass);
  EXPECT_RESULT(run("daemon.aufs-storage", clean), Status::pass, "engine /info Driver=overlay");
  clean.engine->storage_driver = "devicemapper";
  EXPECT_EQ(run("daemon.devicemapper-storage", clean).status, Status::fail);
}

TEST(DaemonPodman, SignaturePolicy) {
  auto h = podman_host("[containers]\n");
  ASSERT_TRUE(parse::signature_policy(R"({"default": [{"type": "insecureAcceptAnything"}], "transports": {}})",
                                      "/etc/containers/policy.json", *h.podman));
  EXPECT_RESULT(run("daemon.podman-signature-policy", h), Status::fail,
                "/etc/containers/policy.json: \"type\": \"insecureAcceptAnything\" for default");
  auto strict = podman_host("[containers]\n");
  ASSERT_TRUE(parse::signature_policy(R"({"default": [{"type": "reject"}], "transports": {"docker": {"r.example": [{"type": "signedBy"}]}}})",
                                      "/etc/containers/policy.json", *strict.podman));
  EXPECT_RESULT(run("daemon.podman-signature-policy", strict), Status::pass, "default requirement \"reject\"");
  EXPECT_EQ(run("daemon.podman-signature-policy", fixture_host("hardened.json")).status, Status::skip);
  EXPECT_EQ(test::check("daemon.podman-signature-policy").cis, "4.5");
}

// Rootless Docker (name=rootless): 2.1 passes, userns remapping does not apply, and the engine's
// own files belong to the user it runs as.
TEST(DaemonRootless, RootlessPassesAndUsernsRemapIsNotApplicable) {
  const auto h = json_host("{}", test::engine_host({"seccomp", "rootless"}).engine);
  EXPECT_EQ(run("daemon.rootless", h).status, Status::pass);
  EXPECT_RESULT(run("daemon.userns-remap", h), Status::skip, "not applicable: engine SecurityOptions: seccomp, rootless");
  // Configured remapping still passes; a rootful engine without it fails.
  EXPECT_EQ(run("daemon.userns-remap", json_host("{}", test::engine_host({"seccomp"}).engine)).status, Status::fail);
}

}  // namespace
}  // namespace drydock::checks
