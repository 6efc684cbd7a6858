#include "drydock/collect/host/daemon_config.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_proc.hpp"
#include "host_tree.hpp"

namespace drydock::collect {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> values(const model::DaemonConfig& c, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : c.values(key))
    out.push_back(v.value);
  return out;
}

std::string all_diagnostics(const model::DaemonConfig& c) {
  std::string out;
  for (const auto& d : c.diagnostics)
    out += d + "\n";
  return out;
}

constexpr const char* k_debian_unit =
    "[Unit]\nDescription=Docker Application Container Engine\n\n[Service]\nType=notify\n"
    "EnvironmentFile=-/etc/default/docker\n"
    "ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS --containerd=/run/containerd/containerd.sock\n"
    "ExecReload=/bin/kill -s HUP $MAINPID\n";

TEST(CollectDaemonConfig, UnitEnvironmentFileAndDaemonJson) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", k_debian_unit);
  t.file("/etc/default/docker", "# options\nexport DOCKER_OPTS=\"--icc=false --log-level warn\"\n");
  t.file("/etc/docker/daemon.json", "{\n  \"live-restore\": true,\n  \"insecure-registries\": [\"r:5000\"]\n}\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));

  EXPECT_THAT(c.sources, ElementsAre("/lib/systemd/system/docker.service", "/etc/default/docker", "/etc/docker/daemon.json"));
  EXPECT_THAT(c.diagnostics, IsEmpty()) << all_diagnostics(c);
  EXPECT_THAT(values(c, "hosts"), ElementsAre("fd://"));
  const auto& host = c.values("hosts").front();
  EXPECT_EQ(host.source, "docker.service ExecStart");
  EXPECT_EQ(host.location.file, "/lib/systemd/system/docker.service");
  EXPECT_EQ(host.location.line, 7);

  // The flags that came from $DOCKER_OPTS name the environment file and its line.
  ASSERT_THAT(values(c, "icc"), ElementsAre("false"));
  EXPECT_EQ(c.values("icc").front().source, "/etc/default/docker");
  EXPECT_EQ(c.values("icc").front().location.file, "/etc/default/docker");
  EXPECT_EQ(c.values("icc").front().location.line, 2);
  EXPECT_THAT(values(c, "log-level"), ElementsAre("warn"));

  ASSERT_THAT(values(c, "live-restore"), ElementsAre("true"));
  EXPECT_EQ(c.values("live-restore").front().source, "daemon.json");
  EXPECT_EQ(c.values("live-restore").front().location.line, 2);
  EXPECT_THAT(values(c, "insecure-registries"), ElementsAre("r:5000"));
}

TEST(CollectDaemonConfig, DropInsResetExecStartAndMaskByName) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", k_debian_unit);
  t.file("/lib/systemd/system/docker.service.d/10-tcp.conf",
         "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n");
  // The same name in /etc masks the one in /lib; 20-env.conf sets a variable the command uses.
  t.file("/etc/systemd/system/docker.service.d/10-tcp.conf",
         "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H unix:///run/docker.sock ${EXTRA}\n");
  t.file("/etc/systemd/system/docker.service.d/20-env.conf", "[Service]\nEnvironment=\"EXTRA=--live-restore\"\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(values(c, "hosts"), ElementsAre("unix:///run/docker.sock"));
  EXPECT_EQ(c.values("hosts").front().location.file, "/etc/systemd/system/docker.service.d/10-tcp.conf");
  EXPECT_EQ(c.values("hosts").front().location.line, 3);
  EXPECT_THAT(values(c, "live-restore"), ElementsAre("true"));
  EXPECT_THAT(c.sources, Contains("/etc/systemd/system/docker.service.d/20-env.conf"));
  EXPECT_THAT(c.sources, ::testing::Not(Contains("/lib/systemd/system/docker.service.d/10-tcp.conf")));
}

TEST(CollectDaemonConfig, UnitInEtcWinsOverLib) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd --icc=true\n");
  t.file("/etc/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd --icc=false\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(values(c, "icc"), ElementsAre("false"));
  EXPECT_THAT(c.sources, ElementsAre("/etc/systemd/system/docker.service"));
}

TEST(CollectDaemonConfig, FlagAndDaemonJsonConflictIsReported) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", k_debian_unit);
  t.file("/etc/docker/daemon.json", "{\n  \"hosts\": [\"tcp://0.0.0.0:2375\"]\n}\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(values(c, "hosts"), ElementsAre("fd://", "tcp://0.0.0.0:2375"));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("hosts is set both as a flag"));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("/etc/docker/daemon.json:2"));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("refuses to start"));
}

TEST(CollectDaemonConfig, LiveCommandLineWinsAndDisagreementsAreReported) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd -H fd:// --icc=false\n");
  t.file("/etc/docker/daemon.json", "{\n  \"icc\": false\n}\n");
  DaemonConfigOptions opts;
  opts.live_argv = std::vector<std::string>{"/usr/sbin/dockerd", "-H", "fd://", "--icc=true"};
  opts.live_pid = 812;
  const auto c = collect_daemon_config(HostRoot(t.root()), opts);
  ASSERT_THAT(values(c, "icc"), ElementsAre("true", "false"));
  EXPECT_EQ(c.values("icc").front().source, "dockerd (pid 812) command line");
  EXPECT_TRUE(c.values("icc").front().location.file.empty());
  EXPECT_EQ(c.sources.front(), "dockerd (pid 812) command line");
  const auto d = all_diagnostics(c);
  EXPECT_THAT(d, HasSubstr("changed since the daemon started"));
  EXPECT_THAT(d, HasSubstr("the unit changed since the daemon started, or the daemon was not started by it"));
}

TEST(CollectDaemonConfig, WithoutUnitTheInitScriptOptionsCount) {
  test::HostTree t;
  t.file("/etc/sysconfig/docker", "# /etc/sysconfig/docker\nOPTIONS='--selinux-enabled --log-driver=journald'\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(values(c, "log-driver"), ElementsAre("journald"));
  EXPECT_EQ(c.values("log-driver").front().source, "/etc/sysconfig/docker");
  EXPECT_EQ(c.values("log-driver").front().location.line, 2);
  EXPECT_THAT(all_diagnostics(c), HasSubstr("no docker.service unit found"));
}

TEST(CollectDaemonConfig, EnvironmentFileTheUnitDoesNotReadIsIgnored) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n");
  t.file("/etc/default/docker", "DOCKER_OPTS=\"--icc=false\"\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_FALSE(c.has("icc"));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("does not read it"));
}

TEST(CollectDaemonConfig, MissingRequiredEnvironmentFile) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service",
         "[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $OPTIONS\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("does not exist"));
}

TEST(CollectDaemonConfig, InvalidDaemonJsonIsADiagnostic) {
  test::HostTree t;
  t.file("/etc/docker/daemon.json", "{\n  \"icc\": false,\n}\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_TRUE(c.settings.empty());
  EXPECT_THAT(c.sources, ElementsAre("/etc/docker/daemon.json"));
  EXPECT_THAT(all_diagnostics(c), HasSubstr("/etc/docker/daemon.json: not valid JSON"));
}

TEST(CollectDaemonConfig, ConfigFileFlagIsFollowed) {
  test::HostTree t;
  t.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --config-file /srv/docker.json\n");
  t.file("/etc/docker/daemon.json", "{\"icc\": true}\n");
  t.file("/srv/docker.json", "{\"icc\": false}\n");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_THAT(values(c, "icc"), ElementsAre("false"));
  EXPECT_EQ(c.values("icc").front().location.file, "/srv/docker.json");

  test::HostTree missing;
  missing.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --config-file=/nope.json\n");
  EXPECT_THAT(all_diagnostics(collect_daemon_config(HostRoot(missing.root()))), HasSubstr("/nope.json, which does not exist"));
}

TEST(CollectDaemonConfig, EmptyRootAssumesDefaults) {
  test::HostTree t;
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_TRUE(c.settings.empty());
  EXPECT_TRUE(c.sources.empty());
  EXPECT_THAT(all_diagnostics(c), HasSubstr("the defaults are assumed"));
}

TEST(CollectDaemonConfig, OversizedDaemonJsonIsNotRead) {
  test::HostTree t;
  t.file("/etc/docker/daemon.json", "{\"labels\": [\"" + std::string(2U << 20U, 'x') + "\"]}");
  const auto c = collect_daemon_config(HostRoot(t.root()));
  EXPECT_TRUE(c.settings.empty());
  EXPECT_FALSE(c.diagnostics.empty());
}

// ---------------------------------------------------------------------------------------

TEST(FindDockerd, PicksTheOneBehindTheSocket) {
  testing::FakeProc proc;
  proc.add({.pid = 10, .cmdline = testing::cmdline({"/usr/bin/containerd"})});
  proc.add({.pid = 20, .cmdline = testing::cmdline({"dockerd", "-H", "unix:///run/user/1000/docker.sock"})});
  proc.add({.pid = 30, .cmdline = testing::cmdline({"/usr/sbin/dockerd", "-H", "fd://", "--icc=false"})});
  proc.add({.pid = 40, .cmdline = testing::cmdline({"/usr/sbin/dockerd", "-H", "unix:///tmp/test.sock"})});
  proc.add_other("self", true);

  const auto by_default = find_dockerd(proc.dir(), "/var/run/docker.sock");
  ASSERT_TRUE(by_default);
  EXPECT_EQ(by_default->first, 30);
  EXPECT_THAT(by_default->second, ElementsAre("/usr/sbin/dockerd", "-H", "fd://", "--icc=false"));

  const auto rootless = find_dockerd(proc.dir(), "/var/run/user/1000/docker.sock");
  ASSERT_TRUE(rootless);
  EXPECT_EQ(rootless->first, 20);

  const auto other = find_dockerd(proc.dir(), "/tmp/test.sock");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->first, 40);

  const auto unknown = find_dockerd(proc.dir(), "/elsewhere.sock");  // none matches: the first
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->first, 20);
}

TEST(FindDockerd, NoneOrUnreadable) {
  testing::FakeProc proc;
  proc.add({.pid = 5, .cmdline = testing::cmdline({"/usr/bin/dockerd-rootless.sh"})});
  proc.add({.pid = 6, .cmdline = ""});
  EXPECT_FALSE(find_dockerd(proc.dir()));
  EXPECT_FALSE(find_dockerd(proc.dir() + "/does-not-exist"));
}

}  // namespace
}  // namespace drydock::collect

namespace drydock::collect {
namespace {

/// Two dockerds with no -H on their command lines (hosts in their daemon.json): the one
/// behind a socket is the one holding that listening socket open.
TEST(FindDockerd, TheOwnerOfTheListeningSocketWins) {
  testing::FakeProc proc;
  proc.add({.pid = 50, .cmdline = testing::cmdline({"/usr/sbin/dockerd"})});
  proc.add({.pid = 60, .cmdline = testing::cmdline({"/usr/sbin/dockerd", "--config-file", "/srv/d/daemon.json"})});
  const std::filesystem::path root = proc.dir();
  // Each dockerd in a network namespace of its own: each sees only its own sockets.
  const std::string header = "Num       RefCount Protocol Flags    Type St Inode Path\n";
  for (const auto& [pid, line] :
       {std::pair{50, "0000000067cd8db5: 00000002 00000000 00010000 0001 01  6169 /var/run/docker.sock\n"},
        std::pair{60,
                  "0000000067cd8db6: 00000002 00000000 00010000 0001 01  7777 /srv/d/docker.sock\n"
                  "0000000067cd8db7: 00000003 00000000 00000000 0001 03  7778 /srv/d/docker.sock\n"}}) {
    std::filesystem::create_directories(root / std::to_string(pid) / "net");
    std::ofstream(root / std::to_string(pid) / "net" / "unix") << header << line;
  }
  for (const auto& [pid, inode] : {std::pair{50, 6169}, std::pair{60, 7777}}) {
    const auto fd = root / std::to_string(pid) / "fd";
    std::filesystem::create_directories(fd);
    std::filesystem::create_symlink("socket:[" + std::to_string(inode) + "]", fd / "3");
  }
  const auto second = find_dockerd(proc.dir(), "/srv/d/docker.sock");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first, 60);
  const auto first = find_dockerd(proc.dir(), "/run/docker.sock");  // /var/run is /run
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, 50);
}

}  // namespace
}  // namespace drydock::collect
