// Podman's configuration read under --root where Podman keeps it: containers.conf files merged
// in Podman's order, registries.conf, policy.json and storage.conf; its files for section 3.

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "drydock/collect/host/podman_config.hpp"
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

}  // namespace
}  // namespace drydock::collect
