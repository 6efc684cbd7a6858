// `drydock host` against a real rootless Docker: Debian's rootlesskit and uidmap, docker.io's
// contrib dockerd-rootless.sh, run as an unprivileged user of the suite's own (dd-rootless, made
// here with its subordinate uid/gid ranges when the host has none) with a HOME and an
// XDG_RUNTIME_DIR of this run under /tmp. rootlesskit's network is the host's (--net=host,
// port driver none: slirp4netns needs /dev/net/tun, which not every machine has) and the
// daemon manages no bridge and no firewall rule, so nothing touches the shared dockerd; the
// rootless dockerd can change nothing in the host's network namespace anyway (its user
// namespace does not own it). The image is a busybox-static root file system made with
// `docker import`; the container is made with `docker create --cap-add SYS_ADMIN -v /etc:/host/etc`.
// The same user also runs a rootless `podman system service` (RootlessPodman, below).

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

constexpr const char* k_user = "dd-rootless";

/// The user's uid and gid, made when missing (a system of its own: no home, no login), with
/// subordinate ids: useradd gives them from /etc/login.defs; otherwise a range of our own.
/// "" on success, else what failed.
std::string ensure_user(uid_t& uid, gid_t& gid) {
  if (::getpwnam(k_user) == nullptr) {
    const auto add = run({"useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", k_user});
    // Another run may have made it meanwhile: only its absence afterwards is a failure.
    if (add.code != 0 && ::getpwnam(k_user) == nullptr) return "useradd: " + add.err;
  }
  const passwd* pw = ::getpwnam(k_user);
  if (pw == nullptr) return std::string("no user ") + k_user;
  uid = pw->pw_uid;
  gid = pw->pw_gid;
  auto has_range = [](const char* file) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with(std::string(k_user) + ":")) return true;
    }
    return false;
  };
  if (!has_range("/etc/subuid") || !has_range("/etc/subgid")) {
    const auto mod = run({"usermod", "--add-subuids", "1000000000-1000065535", "--add-subgids", "1000000000-1000065535", k_user});
    if (mod.code != 0) return "usermod --add-subuids: " + mod.err;
  }
  return {};
}

/// dockerd-rootless.sh: on PATH (Docker's own packages), else where Debian's docker.io keeps it.
std::string rootless_script() {
  const auto which = run({"sh", "-c", "command -v dockerd-rootless.sh"});
  if (which.code == 0 && !trim(which.out).empty()) return trim(which.out);
  return "/usr/share/docker.io/contrib/dockerd-rootless.sh";
}

struct RootlessDocker {
  std::string dir;     ///< ours, owned by the user: home/, run/ (XDG_RUNTIME_DIR), rootfs.tar
  std::string home;    ///< the user's HOME for this daemon
  std::string socket;  ///< $XDG_RUNTIME_DIR/docker.sock
  std::string user_unit;
  std::string daemon_json;
  uid_t uid = 0;
  gid_t gid = 0;
  int pid = 0;  ///< rootlesskit (the script execs it), the daemon's parent
  bool ready = false;
  std::string why;  ///< what failed, when not ready
  std::string versions;
  json report;
  Proc audit;

  RootlessDocker() {
    if (::geteuid() != 0) {
      why = "the suite runs as root (it makes the user and runs the daemon as that user)";
      return;
    }
    if (why = ensure_user(uid, gid); !why.empty()) return;
    char templ[] = "/tmp/dd-rootless-XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
      why = "mkdtemp";
      return;
    }
    dir = templ;
    home = dir + "/home";
    socket = dir + "/run/docker.sock";
    daemon_json = home + "/.config/docker/daemon.json";
    user_unit = home + "/.config/systemd/user/docker.service";
    fs::create_directories(home + "/.config/docker");
    fs::create_directories(home + "/.config/systemd/user");
    fs::create_directories(dir + "/run");
    // The rootless daemon's own configuration: read by it and by drydock (as its daemon.json).
    write_file(daemon_json, "{\n  \"storage-driver\": \"vfs\",\n  \"iptables\": false,\n  \"bridge\": \"none\"\n}\n");
    ::chmod(daemon_json.c_str(), 0600);
    // The user's unit, owned by root: section 3 expects the user (the failing case).
    write_file(user_unit, "[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n");
    ::chmod(user_unit.c_str(), 0644);
    for (const std::string& p : {dir, home, home + "/.config", home + "/.config/docker", daemon_json,
                                 home + "/.config/systemd", home + "/.config/systemd/user", dir + "/run"}) {
      if (::chown(p.c_str(), uid, gid) != 0) {
        why = "chown " + p;
        return;
      }
    }
    ::chmod(dir.c_str(), 0700);
    ::chmod((dir + "/run").c_str(), 0700);

    const std::string script = rootless_script();
    if (!fs::exists(script)) {
      why = script + " is missing (docker.io)";
      return;
    }
    // setsid and setpriv exec in place, so $! is the script's, then rootlesskit's, pid.
    const auto started =
        run({"sh", "-c",
             "setsid setpriv --reuid=\"$0\" --regid=\"$1\" --init-groups env -i "
             "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=\"$2\" XDG_RUNTIME_DIR=\"$3\" "
             "DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \"$4\" "
             ">\"$5\" 2>&1 </dev/null & echo $!",
             std::to_string(uid), std::to_string(gid), home, dir + "/run", script, dir + "/dockerd.log"});
    pid = std::atoi(trim(started.out).c_str());
    if (started.code != 0 || pid <= 1) {
      why = "starting " + script + ": " + started.err;
      return;
    }
    ready = await_ping(socket, 120, pid);  // when it gives up, its log says why
    if (!ready) {
      why = "no rootless dockerd answered on " + socket + "; its log:\n" + log();
      return;
    }
    ready = false;
    versions = trim(run({"sh", "-c", "rootlesskit --version; dpkg-query -W -f='${Package} ${Version}\\n' docker.io uidmap"}).out);

    const std::string host = "unix://" + socket;
    fs::create_directories(dir + "/rootfs/bin");
    fs::copy_file("/bin/busybox", dir + "/rootfs/bin/busybox");
    fs::create_symlink("busybox", dir + "/rootfs/bin/sh");
    if (const auto t = run({"tar", "-C", dir + "/rootfs", "-cf", dir + "/rootfs.tar", "."}); t.code != 0) {
      why = "tar: " + t.err;
      return;
    }
    if (const auto i = run({"docker", "-H", host, "import", dir + "/rootfs.tar", "dd-rootless-busybox:1"}); i.code != 0) {
      why = "docker import: " + i.err;
      return;
    }
    if (const auto c = run({"docker", "-H", host, "create", "--name", "dd-rootless-admin", "--network", "none", "--cap-add",
                            "SYS_ADMIN", "-v", "/etc:/host/etc", "dd-rootless-busybox:1", "/bin/sh"});
        c.code != 0) {
      why = "docker create: " + c.err;
      return;
    }
    ready = true;
    audit = audit_now("host,daemon,runtime,files");
    if (auto j = parse_json(audit.out)) report = *j;
  }

  [[nodiscard]] Proc audit_now(const std::string& only) const {
    return run({DRYDOCK_BIN, "host", "--host", "unix://" + socket, "--timeout", "120", "--format", "json", "--only", only},
               std::chrono::seconds(300));
  }

  [[nodiscard]] std::string log() const {
    std::ifstream in(dir + "/dockerd.log");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
  }

  /// Stops rootlesskit (which stops dockerd, and dockerd its containerd) and removes every file
  /// of ours: the image and the container lived in the data root under our HOME.
  void stop() {
    if (dir.empty()) return;
    if (pid > 1) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
      // Our processes only: the user's processes whose command line names our directory
      // (dockerd's containerd names its configuration under our XDG_RUNTIME_DIR).
      const auto left = run({"pgrep", "-u", std::to_string(uid), "-f", dir});
      for (const auto& line : lines(left.out)) {
        const int p = std::atoi(line.c_str());
        if (p > 1) ::kill(p, SIGKILL);
      }
      for (int i = 0; i < 50 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    dir.clear();
  }
};

RootlessDocker* g_rootless = nullptr;  // made by the first test that needs it, for the whole run

RootlessDocker& rootless() {
  if (g_rootless == nullptr) g_rootless = new RootlessDocker;  // NOLINT(cppcoreguidelines-owning-memory)
  return *g_rootless;
}

// Stopped at the end by a test environment, so that the daemon stops even when a test fails.
class RootlessCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_rootless != nullptr) g_rootless->stop();
  }
};
const auto* const k_cleanup = ::testing::AddGlobalTestEnvironment(new RootlessCleanup);

json result_in(const json& report, const std::string& id, const std::string& subject_name = "") {
  for (const auto& r : report["results"]) {
    if (r["id"] == id && (subject_name.empty() || r["subject"]["name"] == subject_name)) return r;
  }
  return json();
}

json result(const std::string& id, const std::string& subject_name = "") { return result_in(rootless().report, id, subject_name); }

std::string evidence(const json& r) { return r.is_object() && r["evidence"].is_string() ? r["evidence"].get<std::string>() : ""; }

TEST(RootlessDocker, EngineIsRootlessAndCis21Passes) {
  auto& d = rootless();
  ASSERT_TRUE(d.ready) << d.why;
  ASSERT_TRUE(d.report.is_object()) << d.audit.out.substr(0, 500) << d.audit.err;
  std::cout << "[ rootless ] " << d.versions << "\n";
  const auto info = run({"curl", "-s", "--max-time", "10", "--unix-socket", d.socket, "http://d/info"});
  const auto j = parse_json(info.out);
  ASSERT_TRUE(j) << info.out.substr(0, 300);
  bool named = false;
  for (const auto& o : (*j)["SecurityOptions"]) named = named || o == "name=rootless";
  EXPECT_TRUE(named) << (*j)["SecurityOptions"];
  const auto r = result("daemon.rootless");
  EXPECT_EQ(r["cis"], "2.1");
  EXPECT_EQ(r["status"], "pass") << evidence(r);
  EXPECT_NE(evidence(r).find("rootless"), std::string::npos) << evidence(r);
}

TEST(RootlessDocker, UsernsRemappingIsNotApplicable) {
  ASSERT_TRUE(rootless().ready) << rootless().why;
  const auto r = result("daemon.userns-remap");
  EXPECT_EQ(r["status"], "skip") << evidence(r);
  EXPECT_TRUE(evidence(r).starts_with("not applicable: ")) << evidence(r);
  EXPECT_NE(evidence(r).find("maps container root to the unprivileged user"), std::string::npos) << evidence(r);
}

// The daemon's settings come from the user's daemon.json (found through the dockerd's HOME),
// never /etc/docker/daemon.json.
TEST(RootlessDocker, SettingsAreReadFromTheUsersDaemonJson) {
  auto& d = rootless();
  ASSERT_TRUE(d.ready) << d.why;
  const auto storage = result("daemon.aufs-storage");
  EXPECT_EQ(storage["status"], "pass") << evidence(storage);
  EXPECT_NE(evidence(storage).find(d.daemon_json + ":2"), std::string::npos) << evidence(storage);
}

// No "hosts" anywhere: the rootless daemon listens on the user's socket, not on
// /var/run/docker.sock, and 2.7/2.8 says so.
TEST(RootlessDocker, NoTcpListenerNamesTheUsersSocketAsTheDefault) {
  auto& d = rootless();
  ASSERT_TRUE(d.ready) << d.why;
  const auto r = result("daemon.tcp-without-tls");
  EXPECT_EQ(r["status"], "pass") << evidence(r);
  EXPECT_NE(evidence(r).find("default: unix://" + d.socket), std::string::npos) << evidence(r);
  EXPECT_EQ(evidence(r).find("/var/run/docker.sock"), std::string::npos) << evidence(r);
}

// Section 3 expects the user as the owner of the engine's files: its daemon.json and its socket
// pass, its user unit (owned by root) fails; then the other way round.
TEST(RootlessDocker, Section3ExpectsTheUserAsOwner) {
  auto& d = rootless();
  ASSERT_TRUE(d.ready) << d.why;
  const std::string expected = std::string("expected ") + k_user + ", the user rootless Docker runs as";
  const auto json_owner = result("files.daemon-json-owner");
  EXPECT_EQ(json_owner["status"], "pass") << evidence(json_owner);
  EXPECT_TRUE(evidence(json_owner).starts_with(d.daemon_json + " owned by dd-rootless:")) << evidence(json_owner);
  EXPECT_NE(evidence(json_owner).find(expected), std::string::npos) << evidence(json_owner);
  EXPECT_EQ(result("files.daemon-json-mode")["status"], "pass") << evidence(result("files.daemon-json-mode"));
  const auto sock_owner = result("files.docker-sock-owner");
  EXPECT_EQ(sock_owner["status"], "pass") << evidence(sock_owner);
  EXPECT_TRUE(evidence(sock_owner).starts_with(d.socket + " owned by dd-rootless:")) << evidence(sock_owner);
  EXPECT_EQ(result("files.docker-sock-mode")["status"], "pass") << evidence(result("files.docker-sock-mode"));
  const auto unit_owner = result("files.docker-service-owner");
  EXPECT_EQ(unit_owner["status"], "fail") << evidence(unit_owner);
  EXPECT_TRUE(evidence(unit_owner).starts_with(d.user_unit + " owned by root:root")) << evidence(unit_owner);
  EXPECT_NE(evidence(unit_owner).find(expected), std::string::npos) << evidence(unit_owner);

  // The other way round: daemon.json root's and writable by all, the unit the user's.
  ASSERT_EQ(::chown(d.daemon_json.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(d.daemon_json.c_str(), 0666), 0);
  ASSERT_EQ(::chown(d.user_unit.c_str(), d.uid, d.gid), 0);
  const auto again = d.audit_now("files");
  const auto report = parse_json(again.out);
  ASSERT_TRUE(report) << again.out.substr(0, 300) << again.err;
  const auto json_owner2 = result_in(*report, "files.daemon-json-owner");
  EXPECT_EQ(json_owner2["status"], "fail") << evidence(json_owner2);
  EXPECT_TRUE(evidence(json_owner2).starts_with(d.daemon_json + " owned by root:root")) << evidence(json_owner2);
  EXPECT_NE(evidence(json_owner2).find(expected), std::string::npos) << evidence(json_owner2);
  const auto json_mode2 = result_in(*report, "files.daemon-json-mode");
  EXPECT_EQ(json_mode2["status"], "fail") << evidence(json_mode2);
  EXPECT_NE(evidence(json_mode2).find("mode 0666"), std::string::npos) << evidence(json_mode2);
  const auto unit_owner2 = result_in(*report, "files.docker-service-owner");
  EXPECT_EQ(unit_owner2["status"], "pass") << evidence(unit_owner2);
  EXPECT_TRUE(evidence(unit_owner2).starts_with(d.user_unit + " owned by dd-rootless:")) << evidence(unit_owner2);
  // The rootful engine's files are not this engine's.
  for (const auto& r : (*report)["results"]) {
    const std::string name = r["subject"]["name"].is_string() ? r["subject"]["name"].get<std::string>() : "";
    EXPECT_NE(name, "/etc/docker/daemon.json") << r["id"];
    EXPECT_NE(name, "/var/run/docker.sock") << r["id"];
    EXPECT_NE(name, "/run/docker.sock") << r["id"];
  }
}

TEST(RootlessDocker, ContainerFindingsAreReported) {
  ASSERT_TRUE(rootless().ready) << rootless().why;
  const auto admin = result("runtime.cap-sys-admin", "dd-rootless-admin");
  EXPECT_EQ(admin["status"], "fail") << admin;
  const auto added = result("runtime.capabilities-added", "dd-rootless-admin");
  EXPECT_EQ(added["status"], "fail") << added;
  EXPECT_TRUE(evidence(added).starts_with("beyond the default set: CAP_SYS_ADMIN (")) << evidence(added);
  const auto mount = result("runtime.sensitive-host-mount", "dd-rootless-admin");
  EXPECT_EQ(mount["status"], "fail") << mount;
  EXPECT_NE(evidence(mount).find("/etc -> /host/etc"), std::string::npos) << evidence(mount);
  const auto net = result("runtime.host-network", "dd-rootless-admin");
  EXPECT_EQ(net["status"], "pass") << net;
}

// ---------------------------------------------------------------------------------------
// Rootless Podman: `podman system service` run by the same user, with a HOME and an
// XDG_RUNTIME_DIR of its own (vfs storage under that HOME, cgroupfs, file events). Podman 4.3's
// compatible /info says Rootless=true but no name=rootless among its SecurityOptions.

struct RootlessPodman {
  std::string dir, home, socket;
  uid_t uid = 0;
  gid_t gid = 0;
  int pid = 0;
  bool ready = false;
  std::string why;
  json report;
  Proc audit;

  RootlessPodman() {
    if (::geteuid() != 0) {
      why = "the suite runs as root (it makes the user and runs Podman as that user)";
      return;
    }
    if (why = ensure_user(uid, gid); !why.empty()) return;
    char templ[] = "/tmp/dd-rootless-podman-XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
      why = "mkdtemp";
      return;
    }
    dir = templ;
    home = dir + "/home";
    socket = dir + "/run/podman/podman.sock";
    const std::string conf = home + "/.config/containers";
    fs::create_directories(conf);
    fs::create_directories(dir + "/run/podman");
    write_file(conf + "/containers.conf", "[containers]\nlog_driver = \"k8s-file\"\n");
    // Owned by root, in the user's own configuration: section 3 expects the user.
    write_file(conf + "/registries.conf", "unqualified-search-registries = []\n");
    ::chmod((conf + "/containers.conf").c_str(), 0644);
    ::chmod((conf + "/registries.conf").c_str(), 0644);
    for (const std::string& p : {dir, home, home + "/.config", conf, conf + "/containers.conf", dir + "/run", dir + "/run/podman"}) {
      if (::chown(p.c_str(), uid, gid) != 0) {
        why = "chown " + p;
        return;
      }
    }
    ::chmod(dir.c_str(), 0700);
    ::chmod((dir + "/run").c_str(), 0700);
    const auto started =
        run({"sh", "-c",
             "cd / && setsid setpriv --reuid=\"$0\" --regid=\"$1\" --init-groups env -i "
             "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=\"$2\" XDG_RUNTIME_DIR=\"$3\" "
             "podman --storage-driver vfs --events-backend file --cgroup-manager cgroupfs system service --time=0 "
             "\"unix://$4\" >\"$5\" 2>&1 </dev/null & echo $!",
             std::to_string(uid), std::to_string(gid), home, dir + "/run", socket, dir + "/service.log"});
    pid = std::atoi(trim(started.out).c_str());
    if (started.code != 0 || pid <= 1) {
      why = "starting podman system service: " + started.err;
      return;
    }
    ready = await_ping(socket, 120, pid);
    if (!ready) {
      std::ifstream in(dir + "/service.log");
      why = "no rootless Podman answered on " + socket + ": " +
            std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      return;
    }
    audit = run({DRYDOCK_BIN, "host", "--host", "unix://" + socket, "--timeout", "120", "--format", "json", "-v", "--only",
                 "daemon.rootless,daemon.userns-remap,files"},
                std::chrono::seconds(600));
    if (auto j = parse_json(audit.out)) report = *j;
  }

  /// Stops the service and Podman's pause process (which holds its user namespace), then
  /// removes every file of ours.
  void stop() {
    if (dir.empty()) return;
    std::vector<int> pids;
    if (pid > 1) pids.push_back(pid);
    std::ifstream pause(dir + "/run/libpod/tmp/pause.pid");
    int pause_pid = 0;
    if (pause >> pause_pid && pause_pid > 1) pids.push_back(pause_pid);
    for (const int p : pids)
      ::kill(p, SIGTERM);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const int p : pids) {
      if (::kill(p, 0) == 0) ::kill(p, SIGKILL);
    }
    const auto left = run({"pgrep", "-u", std::to_string(uid), "-f", dir});
    for (const auto& line : lines(left.out)) {
      const int p = std::atoi(line.c_str());
      if (p > 1) ::kill(p, SIGKILL);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    dir.clear();
  }
};

RootlessPodman* g_podman = nullptr;

RootlessPodman& rootless_podman() {
  if (g_podman == nullptr) g_podman = new RootlessPodman;  // NOLINT(cppcoreguidelines-owning-memory)
  return *g_podman;
}

class RootlessPodmanCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_podman != nullptr) g_podman->stop();
  }
};
const auto* const k_podman_cleanup = ::testing::AddGlobalTestEnvironment(new RootlessPodmanCleanup);

TEST(RootlessPodman, SeenAsRootlessThroughItsInfo) {
  auto& p = rootless_podman();
  ASSERT_TRUE(p.ready) << p.why;
  ASSERT_TRUE(p.report.is_object()) << p.audit.out.substr(0, 500) << p.audit.err;
  const auto info = parse_json(run({"curl", "-s", "--max-time", "10", "--unix-socket", p.socket, "http://d/info"}).out);
  ASSERT_TRUE(info);
  EXPECT_EQ((*info)["Rootless"], true);
  const auto r = result_in(p.report, "daemon.rootless");
  EXPECT_EQ(r["status"], "pass") << evidence(r);
  EXPECT_EQ(evidence(r), std::string("Podman's /info Rootless=true, its socket owned by ") + k_user + ": Podman runs rootless, as " +
                             k_user);
  const auto userns = result_in(p.report, "daemon.userns-remap");
  EXPECT_EQ(userns["status"], "skip") << evidence(userns);
  EXPECT_TRUE(evidence(userns).starts_with("not applicable: Podman's /info Rootless=true")) << evidence(userns);
  // Section 2 read the user's containers.conf, found through the service's HOME.
  EXPECT_NE(p.audit.err.find(p.home + "/.config/containers/containers.conf"), std::string::npos) << p.audit.err;
}

TEST(RootlessPodman, ItsOwnFilesAndSocketAreItsUsers) {
  auto& p = rootless_podman();
  ASSERT_TRUE(p.ready) << p.why;
  const std::string conf = p.home + "/.config/containers";
  const std::string expected = std::string("expected ") + k_user + ", the user rootless Podman runs as";
  int seen = 0;
  for (const auto& r : p.report["results"]) {
    const std::string name = r["subject"]["name"].is_string() ? r["subject"]["name"].get<std::string>() : "";
    if (r["id"] == "files.podman-user-config-owner") {
      ++seen;
      if (name == conf + "/registries.conf") {
        EXPECT_EQ(r["status"], "fail") << evidence(r);
        EXPECT_TRUE(evidence(r).starts_with(conf + "/registries.conf owned by root:root")) << evidence(r);
      } else {
        EXPECT_EQ(r["status"], "pass") << name << ": " << evidence(r);
      }
      EXPECT_NE(evidence(r).find(expected), std::string::npos) << evidence(r);
    }
    if (r["id"] == "files.podman-sock-owner" && name == p.socket) {
      ++seen;
      EXPECT_EQ(r["status"], "pass") << evidence(r);
      EXPECT_NE(evidence(r).find(expected), std::string::npos) << evidence(r);
    }
  }
  EXPECT_EQ(seen, 4);  // ~/.config/containers, containers.conf, registries.conf; the socket
}

}  // namespace
