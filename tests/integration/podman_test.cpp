// `drydock host` against a real Podman (Debian's podman): `podman system service --time=0` on a
// socket of the suite's own, with its storage, run root and events under /tmp (vfs storage,
// cgroupfs, no network), so nothing touches the shared dockerd. The image is a busybox-static
// root file system made with `podman import`; the container is made with `podman create
// --cap-add SYS_ADMIN -v /etc:/host/etc`. Podman's compatible /info fills what it does not have
// with placeholders: no finding may come from them, nor from Docker's daemon.json defaults.

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

struct PodmanHost {
  std::string dir;
  std::string socket;
  std::vector<std::string> podman;  ///< "podman" and the global options of our own storage
  bool ready = false;
  std::string why;  ///< what failed, when not ready
  json report;
  Proc audit;

  PodmanHost() {
    char templ[] = "/tmp/dd-podman-XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
      why = "mkdtemp";
      return;
    }
    dir = templ;
    socket = dir + ".sock";
    podman = {"podman",        "--root", dir + "/root", "--runroot", dir + "/run", "--tmpdir", dir + "/tmp",
              "--storage-driver", "vfs", "--events-backend", "file", "--cgroup-manager", "cgroupfs"};
    fs::create_directories(dir + "/rootfs/bin");
    fs::copy_file("/bin/busybox", dir + "/rootfs/bin/busybox");
    fs::create_symlink("busybox", dir + "/rootfs/bin/sh");
    if (const auto t = run({"tar", "-C", dir + "/rootfs", "-cf", dir + "/rootfs.tar", "."}); t.code != 0) {
      why = "tar: " + t.err;
      return;
    }
    if (const auto i = podman_run({"import", dir + "/rootfs.tar", "localhost/dd-podman-busybox:1"}); i.code != 0) {
      why = "podman import: " + i.err;
      return;
    }
    if (const auto c = podman_run({"create", "--name", "dd-podman-admin", "--network", "none", "--cap-add", "SYS_ADMIN", "-v",
                                   "/etc:/host/etc", "localhost/dd-podman-busybox:1", "/bin/sh"});
        c.code != 0) {
      why = "podman create: " + c.err;
      return;
    }
    // --cap-add NET_RAW: Docker grants it by default, Podman does not; inspect shows no CapAdd.
    if (const auto c = podman_run({"create", "--name", "dd-podman-netraw", "--network", "none", "--cap-add", "NET_RAW",
                                   "localhost/dd-podman-busybox:1", "/bin/sh"});
        c.code != 0) {
      why = "podman create: " + c.err;
      return;
    }
    std::string cmd;
    for (const auto& a : podman)
      cmd += "'" + a + "' ";
    const auto started = run({"sh", "-c",
                              "setsid " + cmd + "system service --time=0 \"unix://$0\" >\"$1\" 2>&1 </dev/null & echo $! >\"$2\"",
                              socket, dir + "/service.log", dir + "/service.pid"});
    if (started.code != 0) {
      why = "podman system service: " + started.err;
      return;
    }
    ready = await_ping(socket, 60);
    if (!ready) {
      why = "the service did not answer on " + socket;
      return;
    }
    // Podman answers /version by running conmon and the OCI runtime: seconds each on a busy machine.
    audit = run({DRYDOCK_BIN, "host", "--host", "unix://" + socket, "--timeout", "120", "--format", "json", "--only",
                 "host,daemon,runtime,files"},
                std::chrono::seconds(600));
    if (auto j = parse_json(audit.out)) report = *j;
  }

  Proc podman_run(std::vector<std::string> args) const {
    std::vector<std::string> argv = podman;
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  /// Stops the service and removes the container, the image and every file of ours.
  void stop() {
    if (dir.empty()) return;
    std::ifstream pid_file(dir + "/service.pid");
    int pid = 0;
    if (pid_file >> pid && pid > 1) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    podman_run({"rm", "-f", "dd-podman-admin", "dd-podman-netraw"});
    podman_run({"rmi", "-f", "localhost/dd-podman-busybox:1"});
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::remove(socket, ec);
    dir.clear();
  }
};

PodmanHost* g_podman = nullptr;  // made by the first test that needs it, for the whole run

PodmanHost& podman_host() {
  if (g_podman == nullptr) g_podman = new PodmanHost;  // NOLINT(cppcoreguidelines-owning-memory)
  return *g_podman;
}

// Stopped at the end by a test environment, so that the service stops even when a test fails;
// nothing is started when no Podman test ran.
class PodmanCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_podman != nullptr) g_podman->stop();
  }
};
const auto* const k_cleanup = ::testing::AddGlobalTestEnvironment(new PodmanCleanup);

json result(const std::string& id, const std::string& subject_name = "") {
  for (const auto& r : podman_host().report["results"]) {
    if (r["id"] == id && (subject_name.empty() || r["subject"]["name"] == subject_name)) return r;
  }
  return json();
}

TEST(Podman, EngineIsDetectedAndNamedInTheReport) {
  auto& h = podman_host();
  ASSERT_TRUE(h.ready) << h.why;
  ASSERT_TRUE(h.report.is_object()) << h.audit.out.substr(0, 500) << h.audit.err;
  const std::string target = h.report["target"];
  EXPECT_NE(target.find(", Podman 4."), std::string::npos) << target;
}

TEST(Podman, SysAdminIsTheOnlyCapabilityBeyondPodmansDefaults) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  const auto admin = result("runtime.cap-sys-admin", "dd-podman-admin");
  ASSERT_TRUE(admin.is_object());
  EXPECT_EQ(admin["status"], "fail") << admin["evidence"];
  const auto added = result("runtime.capabilities-added", "dd-podman-admin");
  ASSERT_TRUE(added.is_object());
  EXPECT_EQ(added["status"], "fail") << added["evidence"];
  // SYS_ADMIN alone: Podman does not grant NET_RAW, MKNOD or AUDIT_WRITE (its containers.conf
  // default set has 11 capabilities), and its compatible inspect states CapAdd/CapDrop against
  // Docker's set: CapDrop AUDIT_WRITE, MKNOD, NET_RAW.
  const std::string evidence = added["evidence"];
  EXPECT_TRUE(evidence.starts_with("beyond Podman's default set: CAP_SYS_ADMIN (")) << evidence;
  EXPECT_NE(evidence.find("CapDrop=[\"AUDIT_WRITE\""), std::string::npos) << "dropped, as inspect says: " << evidence;
}

TEST(Podman, NetRawIsBeyondPodmansDefaultsThoughDockerGrantsIt) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  const auto added = result("runtime.capabilities-added", "dd-podman-netraw");
  ASSERT_TRUE(added.is_object());
  EXPECT_EQ(added["status"], "fail") << added["evidence"];
  const std::string evidence = added["evidence"];
  EXPECT_TRUE(evidence.starts_with("beyond Podman's default set: CAP_NET_RAW (")) << evidence;
  const auto admin = result("runtime.cap-sys-admin", "dd-podman-netraw");
  EXPECT_EQ(admin["status"], "pass") << admin["evidence"];
}

TEST(Podman, HostEtcMountIsAFinding) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  const auto mount = result("runtime.sensitive-host-mount", "dd-podman-admin");
  EXPECT_EQ(mount["status"], "fail") << mount;
  EXPECT_NE(mount["evidence"].get<std::string>().find("/etc"), std::string::npos) << mount["evidence"];
}

TEST(Podman, NoDaemonFindingComesFromAPlaceholderOrDockersDefaults) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  int daemon_results = 0;
  for (const auto& r : podman_host().report["results"]) {
    const std::string id = r["id"];
    if (!id.starts_with("daemon.")) continue;
    ++daemon_results;
    const std::string evidence = r["evidence"];
    // Never dockerd's configuration or defaults: Podman's files, the engine's real facts, or a
    // skip that says why.
    EXPECT_EQ(evidence.find("daemon.json"), std::string::npos) << id << ": " << evidence;
    EXPECT_EQ(evidence.find("dockerd"), std::string::npos) << id << ": " << evidence;
    if (r["status"] == "fail" || r["status"] == "warn") {
      const bool podmans = evidence.find("containers.conf") != std::string::npos ||
                           evidence.find("registries.conf") != std::string::npos ||
                           evidence.find("/etc/containers/policy.json") != std::string::npos;
      EXPECT_TRUE(podmans) << id << ": " << evidence;
    }
  }
  EXPECT_GE(daemon_results, 19);
  for (const char* id : {"daemon.live-restore", "daemon.experimental", "daemon.icc-enabled", "daemon.authorization-plugin"}) {
    const auto r = result(id);
    EXPECT_EQ(r["status"], "skip") << id << ": " << r["evidence"];
    EXPECT_TRUE(r["evidence"].get<std::string>().starts_with("Podman 4.")) << id << ": " << r["evidence"];
  }
}

// Section 2 from Podman's own files: Debian's /usr/share/containers/containers.conf sets no
// userns (Podman's default: host), and /etc/containers/policy.json accepts anything.
TEST(Podman, Section2IsReadFromContainersConf) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  const auto userns = result("daemon.userns-remap");
  EXPECT_EQ(userns["status"], "fail") << userns["evidence"];
  EXPECT_NE(userns["evidence"].get<std::string>().find("userns not set in containers.conf (/usr/share/containers/containers.conf"),
            std::string::npos)
      << userns["evidence"];
  const auto seccomp = result("daemon.seccomp-profile");
  EXPECT_EQ(seccomp["status"], "info") << seccomp["evidence"];
  EXPECT_NE(seccomp["evidence"].get<std::string>().find("Podman's default profile"), std::string::npos) << seccomp["evidence"];
  const auto storage = result("daemon.aufs-storage");
  EXPECT_EQ(storage["status"], "pass") << storage["evidence"];
  EXPECT_NE(storage["evidence"].get<std::string>().find("engine /info Driver=vfs"), std::string::npos) << storage["evidence"];
  const auto policy = result("daemon.podman-signature-policy");
  EXPECT_EQ(policy["status"], "fail") << policy["evidence"];
  EXPECT_NE(policy["evidence"].get<std::string>().find("insecureAcceptAnything\" for default"), std::string::npos)
      << policy["evidence"];
  // The default capability set came from the same file.
  const auto added = result("runtime.capabilities-added", "dd-podman-admin");
  EXPECT_NE(added["evidence"].get<std::string>().find("from /usr/share/containers/containers.conf:"), std::string::npos)
      << added["evidence"];
}

TEST(Podman, PodmansFilesAndSocketHaveTheirOwnersAndModesChecked) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  auto& h = podman_host();
  int config = 0;
  bool socket_owner = false;
  bool socket_mode = false;
  for (const auto& r : h.report["results"]) {
    const std::string id = r["id"];
    const std::string name = r["subject"]["name"].is_string() ? r["subject"]["name"].get<std::string>() : "";
    if (id == "files.podman-config-owner" || id == "files.podman-config-mode") {
      ++config;
      EXPECT_EQ(r["status"], "pass") << id << ": " << r["evidence"];  // Debian's files: root:root 644, 755
    }
    if (id == "files.podman-sock-owner" && name.find(h.socket) != std::string::npos) socket_owner = r["status"] == "pass";
    if (id == "files.podman-sock-mode" && name.find(h.socket) != std::string::npos) socket_mode = r["status"] == "pass";
  }
  EXPECT_GE(config, 6);  // /etc/containers, containers.conf, seccomp.json, registries.conf, policy.json: owner and mode
  EXPECT_TRUE(socket_owner);
  EXPECT_TRUE(socket_mode);  // srw------- root:root
}

// No --host, no DOCKER_HOST, no context, and no engine on /var/run/docker.sock (a mount
// namespace of the test's own with an empty /run): drydock finds rootless Podman's socket in
// $XDG_RUNTIME_DIR and says so.
TEST(Podman, FoundInTheRuntimeDirectoryWhenNoDockerSocketAnswers) {
  auto& h = podman_host();
  ASSERT_TRUE(h.ready) << h.why;
  const std::string xdg = h.dir + "/xdg";
  fs::create_directories(xdg + "/podman");
  std::error_code ec;
  fs::create_symlink(h.socket, xdg + "/podman/podman.sock", ec);
  const std::string config = h.dir + "/docker-config";
  fs::create_directories(config);
  const auto found = run({"unshare", "-m", "sh", "-c",
                          "mount -t tmpfs tmpfs /run && exec env -u DOCKER_HOST -u DOCKER_CONTEXT DOCKER_CONFIG=\"$1\" "
                          "XDG_RUNTIME_DIR=\"$2\" \"$3\" host --timeout 120 --format json --only daemon.experimental -v",
                          "sh", config, xdg, DRYDOCK_BIN},
                         std::chrono::seconds(600));
  const auto report = parse_json(found.out);
  ASSERT_TRUE(report) << found.out.substr(0, 300) << found.err;
  const std::string target = (*report)["target"];
  EXPECT_NE(target.find(", Podman 4."), std::string::npos) << target;
  EXPECT_NE(target.find("engine unix://" + xdg + "/podman/podman.sock"), std::string::npos) << target;
}

// Section 1's audit rules on a Podman host name Podman's files (no CIS number); Docker's own
// files are not this engine's and skip with the reason.
TEST(Podman, AuditRulesNamePodmansFiles) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  const auto podman = result("host.audit-podman");
  ASSERT_TRUE(podman.is_object());
  EXPECT_TRUE(podman["cis"].is_null() || podman["cis"] == "") << podman;
  EXPECT_NE(podman["status"], "skip") << podman["evidence"];
  EXPECT_NE(podman["evidence"].get<std::string>().find("/usr/bin/podman"), std::string::npos) << podman["evidence"];
  const auto etc = result("host.audit-etc-containers");
  EXPECT_NE(etc["status"], "skip") << etc["evidence"];
  EXPECT_NE(etc["evidence"].get<std::string>().find("/etc/containers"), std::string::npos) << etc["evidence"];
  // The service's own storage root (--root), as its /info DockerRootDir says.
  const auto storage = result("host.audit-podman-storage");
  EXPECT_NE(storage["evidence"].get<std::string>().find(podman_host().dir + "/root"), std::string::npos) << storage["evidence"];
  for (const char* id : {"host.audit-dockerd", "host.audit-etc-docker", "host.audit-daemon-json", "host.audit-containerd"}) {
    const auto r = result(id);
    EXPECT_EQ(r["status"], "skip") << id << ": " << r["evidence"];
    EXPECT_TRUE(r["evidence"].get<std::string>().starts_with("not applicable: the engine is Podman 4.")) << id << ": " << r["evidence"];
  }
}

// Section 3's checks of Docker's files (its unit, /etc/docker, daemon.json, its socket) skip on a
// Podman engine, even where Docker is installed beside it (as on the test machine): those files
// configure another engine. Podman's own files are judged by the files.podman-* checks above.
TEST(Podman, DockersFilesAreNotThisEnginesFiles) {
  ASSERT_TRUE(podman_host().ready) << podman_host().why;
  for (const char* id : {"files.docker-service-owner", "files.etc-docker-mode", "files.daemon-json-owner", "files.docker-sock-owner",
                         "files.containerd-sock-mode"}) {
    const auto r = result(id);
    ASSERT_TRUE(r.is_object()) << id;
    EXPECT_EQ(r["status"], "skip") << id << ": " << r["evidence"];
    EXPECT_TRUE(r["evidence"].get<std::string>().starts_with("not applicable: the engine is Podman 4.")) << id << ": " << r["evidence"];
  }
}

// CONTAINERS_CONF and CONTAINERS_REGISTRIES_CONF in the environment of the podman serving the
// socket move its configuration, and drydock follows them: a second service on the same storage.
TEST(Podman, TheServicesEnvironmentMovesItsConfiguration) {
  auto& h = podman_host();
  ASSERT_TRUE(h.ready) << h.why;
  const std::string conf = h.dir + "/env-containers.conf";
  const std::string registries = h.dir + "/env-registries.conf";
  write_file(conf, "[containers]\ndefault_capabilities = [\"CHOWN\", \"KILL\"]\n");
  write_file(registries, "[[registry]]\nlocation = \"dd-podman-env.example:5000\"\ninsecure = true\n");
  const std::string socket = h.dir + "-env.sock";
  std::string cmd;
  for (const auto& a : h.podman)
    cmd += "'" + a + "' ";
  const auto started = run({"sh", "-c",
                            "CONTAINERS_CONF=\"$3\" CONTAINERS_REGISTRIES_CONF=\"$4\" setsid " + cmd +
                                "system service --time=0 \"unix://$0\" >\"$1\" 2>&1 </dev/null & echo $!",
                            socket, h.dir + "/service-env.log", "", conf, registries});
  const int pid = std::atoi(trim(started.out).c_str());
  ASSERT_GT(pid, 1) << started.err;
  const bool ready = await_ping(socket, 60);
  Proc audit;
  if (ready) {
    audit = run({DRYDOCK_BIN, "host", "--host", "unix://" + socket, "--timeout", "120", "--format", "json", "-v", "--only",
                 "daemon.insecure-registries,runtime.capabilities-added"},
                std::chrono::seconds(600));
  }
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::error_code ec;
  fs::remove(socket, ec);
  ASSERT_TRUE(ready) << "the second service did not answer";
  const auto report = parse_json(audit.out);
  ASSERT_TRUE(report) << audit.out.substr(0, 300) << audit.err;
  EXPECT_NE(audit.err.find("CONTAINERS_CONF=" + conf + " (podman, pid " + std::to_string(pid) + ")"), std::string::npos)
      << audit.err;
  json insecure;
  json added;
  for (const auto& r : (*report)["results"]) {
    if (r["id"] == "daemon.insecure-registries") insecure = r;
    if (r["id"] == "runtime.capabilities-added" && r["subject"]["name"] == "dd-podman-netraw") added = r;
  }
  EXPECT_EQ(insecure["status"], "fail") << insecure;
  EXPECT_NE(insecure["evidence"].get<std::string>().find("dd-podman-env.example:5000 (insecure = true in " + registries + ":"),
            std::string::npos)
      << insecure["evidence"];
  // NET_RAW judged against CHOWN and KILL, the set CONTAINERS_CONF gives.
  EXPECT_EQ(added["status"], "fail") << added;
  EXPECT_NE(added["evidence"].get<std::string>().find("from " + conf + ":2"), std::string::npos) << added["evidence"];
}

}  // namespace
