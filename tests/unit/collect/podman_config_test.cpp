// Podman's configuration read under --root where Podman keeps it: containers.conf files merged
// in Podman's order, registries.conf, policy.json and storage.conf; its files for section 3.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "drydock/collect/host/podman_config.hpp"
#include "fake_proc.hpp"
#include "host_tree.hpp"

namespace drydock::collect {
namespace {

std::string podman_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/podman/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PodmanConfigCollect, FilesMergedInPodmansOrder) {
  test::HostTree tree;
  tree.file("/usr/share/containers/containers.conf", podman_fixture("containers.conf"));
  tree.file("/etc/containers/containers.conf", "[containers]\nlog_driver = \"journald\"\n", 0664);
  tree.file("/etc/containers/containers.conf.d/10-userns.conf", "[containers]\nuserns = \"host\"\n");
  tree.file("/etc/containers/containers.conf.d/README", "not a drop-in\n");
  tree.file("/etc/containers/registries.conf", podman_fixture("registries.conf"));
  tree.file("/etc/containers/policy.json", podman_fixture("policy.json"));
  tree.file("/usr/share/containers/storage.conf", "[storage]\ndriver = \"overlay\"\n");
  const HostRoot root(tree.root());
  const auto p = collect_podman_config(root, "");
  EXPECT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
  EXPECT_EQ(p.sources, (std::vector<std::string>{"/usr/share/containers/containers.conf", "/etc/containers/containers.conf",
                                                 "/etc/containers/containers.conf.d/10-userns.conf",
                                                 "/etc/containers/registries.conf", "/etc/containers/policy.json",
                                                 "/usr/share/containers/storage.conf"}));
  ASSERT_NE(p.containers("containers.log_driver"), nullptr);
  EXPECT_EQ(p.containers("containers.log_driver")->values.front(), "journald");  // /etc over /usr/share
  EXPECT_EQ(p.containers("containers.userns")->values.front(), "host");          // the drop-in over both
  EXPECT_EQ(p.containers("containers.default_capabilities")->values.size(), 3U);
  EXPECT_EQ(p.containers("containers.seccomp_profile")->values.front(), "/etc/containers/seccomp-strict.json");
  ASSERT_EQ(p.insecure_registries.size(), 1U);
  EXPECT_EQ(p.insecure_registries.front().location, "lab.example:5000");
  EXPECT_TRUE(p.policy_read);
  EXPECT_EQ(p.policy.front().type, "insecureAcceptAnything");
  EXPECT_EQ(p.storage_conf.at("storage.driver").values.front(), "overlay");

  const auto files = podman_files(root, "", "/run/podman/podman.sock");
  auto find = [&](const std::string& path) {
    return std::find_if(files.begin(), files.end(), [&](const model::FileFact& f) { return f.path == path; });
  };
  ASSERT_NE(find("/etc/containers/containers.conf"), files.end());
  EXPECT_EQ(find("/etc/containers/containers.conf")->role, "podman-config");
  EXPECT_EQ(find("/etc/containers/containers.conf")->mode, 0664U);
  EXPECT_NE(find("/etc/containers/containers.conf.d/10-userns.conf"), files.end());
  EXPECT_NE(find("/etc/containers"), files.end());
  EXPECT_EQ(find("/etc/containers/containers.conf.d/README"), files.end());
  EXPECT_EQ(find("/run/podman/podman.sock"), files.end());  // not on this host: not listed
}

TEST(PodmanConfigCollect, NothingThereIsNoProblemAndBrokenFilesAreSaid) {
  test::HostTree tree;
  tree.dir("/etc");
  const HostRoot root(tree.root());
  const auto none = collect_podman_config(root, "");
  EXPECT_TRUE(none.sources.empty());
  EXPECT_TRUE(none.diagnostics.empty());
  EXPECT_FALSE(none.policy_read);
  EXPECT_FALSE(none.registries_conf_read);

  tree.file("/etc/containers/containers.conf", "[containers\nuserns = \"auto\"\n");
  tree.file("/etc/containers/policy.json", "{not json");
  const auto broken = collect_podman_config(root, "");
  ASSERT_EQ(broken.diagnostics.size(), 2U);
  EXPECT_EQ(broken.diagnostics[0], "/etc/containers/containers.conf:1: a table header that does not close");
  EXPECT_EQ(broken.diagnostics[1], "/etc/containers/policy.json: not a JSON object");
}

TEST(PodmanConfigCollect, ARootlessUsersFilesComeLast) {
  test::HostTree tree;
  tree.file("/etc/containers/containers.conf", "[containers]\nuserns = \"host\"\n");
  tree.file("/etc/containers/policy.json", podman_fixture("policy.json"));
  tree.file("/home/u/.config/containers/containers.conf", "[containers]\nuserns = \"keep-id\"\n");
  tree.file("/home/u/.config/containers/policy.json", R"({"default": [{"type": "reject"}]})");
  const HostRoot root(tree.root());
  const auto p = collect_podman_config(root, "/home/u");
  EXPECT_EQ(p.containers("containers.userns")->values.front(), "keep-id");
  EXPECT_EQ(p.policy_file, "/home/u/.config/containers/policy.json");
  EXPECT_EQ(p.policy.front().type, "reject");
}

// CONTAINERS_CONF is the only containers.conf Podman reads; CONTAINERS_REGISTRIES_CONF replaces
// registries.conf, whose drop-ins still apply; CONTAINERS_STORAGE_CONF is the only storage.conf.
TEST(PodmanConfigCollect, TheServicesEnvironmentMovesTheFiles) {
  test::HostTree tree;
  tree.file("/usr/share/containers/containers.conf", "[containers]\nuserns = \"host\"\nlog_driver = \"k8s-file\"\n");
  tree.file("/etc/containers/containers.conf.d/10-caps.conf", "[containers]\ndefault_capabilities = [\"CHOWN\"]\n");
  tree.file("/srv/podman/containers.conf", "[containers]\nuserns = \"auto\"\n");
  tree.file("/etc/containers/registries.conf", "[[registry]]\nlocation = \"system.example\"\ninsecure = true\n");
  tree.file("/etc/containers/registries.conf.d/50-lab.conf", "[[registry]]\nlocation = \"lab.example\"\ninsecure = true\n");
  tree.file("/srv/podman/registries.conf", "[[registry]]\nlocation = \"moved.example\"\ninsecure = true\n");
  tree.file("/etc/containers/storage.conf", "[storage]\ndriver = \"overlay\"\n");
  tree.file("/srv/podman/storage.conf", "[storage]\ndriver = \"vfs\"\n");
  const HostRoot root(tree.root());
  PodmanEnvironment env;
  env.containers_conf = "/srv/podman/containers.conf";
  env.registries_conf = "/srv/podman/registries.conf";
  env.storage_conf = "/srv/podman/storage.conf";
  env.followed = {"CONTAINERS_CONF=/srv/podman/containers.conf (podman, pid 12)"};
  const auto p = collect_podman_config(root, env);
  EXPECT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
  EXPECT_EQ(p.sources, (std::vector<std::string>{"/srv/podman/containers.conf", "/srv/podman/registries.conf",
                                                 "/etc/containers/registries.conf.d/50-lab.conf", "/srv/podman/storage.conf"}));
  EXPECT_EQ(p.environment, env.followed);
  EXPECT_EQ(p.containers("containers.userns")->values.front(), "auto");
  EXPECT_EQ(p.containers("containers.userns")->location.file, "/srv/podman/containers.conf");
  EXPECT_EQ(p.containers("containers.log_driver"), nullptr);          // /usr/share's file is not read
  EXPECT_EQ(p.containers("containers.default_capabilities"), nullptr);  // nor /etc's drop-ins
  ASSERT_EQ(p.insecure_registries.size(), 2U);
  EXPECT_EQ(p.insecure_registries[0].location, "moved.example");
  EXPECT_EQ(p.insecure_registries[1].location, "lab.example");
  EXPECT_EQ(p.storage_conf.at("storage.driver").values.front(), "vfs");

  // Without the environment: the usual files.
  const auto usual = collect_podman_config(root, PodmanEnvironment{});
  EXPECT_EQ(usual.containers("containers.userns")->values.front(), "host");
  EXPECT_EQ(usual.storage_conf.at("storage.driver").values.front(), "overlay");

  // A file the environment names that is not there: Podman would not start.
  env.containers_conf = "/srv/podman/missing.conf";
  const auto missing = collect_podman_config(root, env);
  ASSERT_EQ(missing.diagnostics.size(), 1U);
  EXPECT_EQ(missing.diagnostics.front(), "CONTAINERS_CONF=/srv/podman/missing.conf: no such file (Podman refuses to start)");
  EXPECT_TRUE(missing.containers_conf.empty());

  // The named files are checked as Podman's (rootful) or as the user's (rootless).
  env.containers_conf = "/srv/podman/containers.conf";
  auto role_of = [](const std::vector<model::FileFact>& files, const std::string& path) {
    const auto it = std::find_if(files.begin(), files.end(), [&](const model::FileFact& f) { return f.path == path; });
    return it == files.end() ? std::string("(none)") : it->role;
  };
  EXPECT_EQ(role_of(podman_files(root, env, ""), "/srv/podman/containers.conf"), "podman-config");
  env.user = "alice";
  EXPECT_EQ(role_of(podman_files(root, env, ""), "/srv/podman/storage.conf"), "podman-user-config");
}

// A user's own registries.conf comes with the user's drop-ins only.
TEST(PodmanConfigCollect, AUsersRegistriesConfTakesOnlyTheUsersDropIns) {
  test::HostTree tree;
  tree.file("/etc/containers/registries.conf", "[[registry]]\nlocation = \"system.example\"\ninsecure = true\n");
  tree.file("/etc/containers/registries.conf.d/50-lab.conf", "[[registry]]\nlocation = \"lab.example\"\ninsecure = true\n");
  tree.file("/home/u/.config/containers/registries.conf", "unqualified-search-registries = []\n");
  tree.file("/home/u/.config/containers/registries.conf.d/10-mine.conf", "[[registry]]\nlocation = \"mine.example\"\ninsecure = true\n");
  const HostRoot root(tree.root());
  const auto p = collect_podman_config(root, "/home/u");
  ASSERT_EQ(p.insecure_registries.size(), 1U);
  EXPECT_EQ(p.insecure_registries.front().location, "mine.example");
}

// A rootless Podman's own files: ~/.config/containers and what is in it, the user's role.
TEST(PodmanConfigCollect, ARootlessPodmansOwnFiles) {
  test::HostTree tree;
  tree.file("/etc/containers/policy.json", podman_fixture("policy.json"));
  tree.file("/home/u/.config/containers/containers.conf", "[containers]\nuserns = \"keep-id\"\n");
  tree.file("/home/u/.config/containers/containers.conf.d/10-x.conf", "[containers]\n");
  tree.file("/home/u/.config/containers/storage.conf", "[storage]\ndriver = \"overlay\"\n", 0666);
  tree.file("/home/u/.config/containers/notes.txt", "x\n");
  const HostRoot root(tree.root());
  PodmanEnvironment env;
  env.home = "/home/u";
  env.user = "u";
  const auto files = podman_files(root, env, "");
  std::vector<std::string> user_files;
  for (const auto& f : files) {
    if (f.role == "podman-user-config") user_files.push_back(f.path);
  }
  EXPECT_EQ(user_files, (std::vector<std::string>{"/home/u/.config/containers", "/home/u/.config/containers/containers.conf",
                                                  "/home/u/.config/containers/storage.conf",
                                                  "/home/u/.config/containers/containers.conf.d/10-x.conf"}));
}

// The environment of the podman process that holds the socket: its CONTAINERS_* variables (a
// relative one from its working directory) and, rootless, its HOME; the socket's owner is the user.
TEST(PodmanServiceEnvironment, FromTheProcessServingTheSocket) {
  test::HostTree tree;
  tree.file("/run/user/1000/podman/podman.sock", "");
  const HostRoot root(tree.root());
  testing::FakeProc proc;
  proc.add({.pid = 70, .cmdline = testing::cmdline({"/usr/bin/podman", "system", "service", "--time=0"})});
  proc.add({.pid = 80, .cmdline = testing::cmdline({"podman", "system", "service"})});
  const std::filesystem::path dir = proc.dir();
  const std::string header = "Num       RefCount Protocol Flags    Type St Inode Path\n";
  std::filesystem::create_directories(dir / "80" / "net");
  std::ofstream(dir / "80" / "net" / "unix") << header
                                             << "0000000067cd8db6: 00000002 00000000 00010000 0001 01  4242 "
                                                "/run/user/1000/podman/podman.sock\n";
  std::filesystem::create_directories(dir / "80" / "fd");
  std::filesystem::create_symlink("socket:[4242]", dir / "80" / "fd" / "3");
  std::filesystem::create_symlink("/srv/work", dir / "80" / "cwd");
  const std::string environ = std::string("PATH=/usr/bin") + '\0' + "HOME=/home/alice" + '\0' +
                              "CONTAINERS_CONF=/etc/podman-alt.conf" + '\0' + "CONTAINERS_STORAGE_CONF=conf/storage.conf" +
                              '\0' + "CONTAINERS_REGISTRIES_CONF=" + '\0';
  std::ofstream(dir / "80" / "environ", std::ios::binary) << environ;

  const auto env = podman_environment(root, proc.dir(), "/run/user/1000/podman/podman.sock", true);
  EXPECT_TRUE(env.diagnostics.empty()) << env.diagnostics.front();
  EXPECT_EQ(env.containers_conf, "/etc/podman-alt.conf");
  EXPECT_EQ(env.storage_conf, "/srv/work/conf/storage.conf");
  EXPECT_TRUE(env.registries_conf.empty());  // set but empty: Podman's default
  EXPECT_EQ(env.home, "/home/alice");
  EXPECT_FALSE(env.user.empty());  // the socket's owner (whoever made the tree)
  EXPECT_EQ(env.followed, (std::vector<std::string>{"CONTAINERS_CONF=/etc/podman-alt.conf (podman, pid 80)",
                                                    "CONTAINERS_STORAGE_CONF=/srv/work/conf/storage.conf (podman, pid 80)"}));
  // Rootful: no user, no HOME; the variables all the same.
  const auto rootful = podman_environment(root, proc.dir(), "/run/user/1000/podman/podman.sock", false);
  EXPECT_TRUE(rootful.user.empty());
  EXPECT_TRUE(rootful.home.empty());
  EXPECT_EQ(rootful.containers_conf, "/etc/podman-alt.conf");
  // No process behind another socket: nothing moved.
  const auto none = podman_environment(root, proc.dir(), "/run/podman/podman.sock", false);
  EXPECT_TRUE(none.followed.empty());
  EXPECT_TRUE(none.containers_conf.empty());
}

}  // namespace
}  // namespace drydock::collect
