#include <gtest/gtest.h>

#include "drydock/parse/engine.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

/// A snapshot of the real engine of this machine after `docker swarm init`, with one
/// encrypted and one plain overlay network (fixtures captured from the API).
model::HostSnapshot manager() {
  auto info = parse::engine_info(test::inspect_fixture("version.json"), test::inspect_fixture("info-swarm-manager.json"));
  EXPECT_TRUE(info) << info.error().message;
  model::HostSnapshot s;
  s.engine = *info;
  auto networks = parse::overlay_networks(test::inspect_fixture("networks-swarm.json"));
  EXPECT_TRUE(networks) << networks.error().message;
  s.engine->swarm_cluster->overlay_networks = *networks;
  return s;
}

TEST(SwarmParse, ClusterFromInfo) {
  const auto s = manager();
  ASSERT_TRUE(s.engine->swarm_cluster);
  const auto& c = *s.engine->swarm_cluster;
  EXPECT_EQ(c.managers, 1);
  EXPECT_EQ(c.nodes, 1);
  EXPECT_FALSE(c.autolock);
  EXPECT_EQ(c.node_addr, "127.0.0.1");
  EXPECT_EQ(c.node_cert_expiry_ns, 7776000000000000);
  ASSERT_EQ(c.overlay_networks->size(), 3u);
}

TEST(Swarm, InactiveSwarmSkipsEverySection7Check) {
  auto info = parse::engine_info(test::inspect_fixture("version.json"), test::inspect_fixture("info.json"));
  ASSERT_TRUE(info);
  model::HostSnapshot s;
  s.engine = *info;
  for (const auto& c : swarm_checks())
    EXPECT_EQ(test::run(c.id, s).status, Status::skip) << c.id;
  for (const auto& c : swarm_checks())
    EXPECT_EQ(test::run(c.id, test::file_host()).status, Status::skip) << c.id;
}

TEST(Swarm, WorkerNodeSkipsWithTheReason) {
  auto s = manager();
  s.engine->swarm_cluster.reset();
  const auto f = test::run("swarm.autolock", s);
  EXPECT_EQ(f.status, Status::skip);
  EXPECT_NE(f.evidence.find("not a swarm manager"), std::string::npos);
}

TEST(Swarm, ManagerCount) {
  auto s = manager();
  EXPECT_EQ(test::run("swarm.manager-count", s).status, Status::pass);
  s.engine->swarm_cluster->managers = 2;
  EXPECT_EQ(test::run("swarm.manager-count", s).status, Status::fail);
  s.engine->swarm_cluster->managers = 3;
  EXPECT_EQ(test::run("swarm.manager-count", s).status, Status::pass);
  s.engine->swarm_cluster->managers = 9;
  EXPECT_EQ(test::run("swarm.manager-count", s).status, Status::warn);
}

TEST(Swarm, ListenAddresses) {
  auto s = manager();
  EXPECT_EQ(test::run("swarm.listen-all-interfaces", s).status, Status::info);  // not read
  s.swarm_listeners = std::vector<model::SwarmListener>{{"127.0.0.1", 2377}, {"::", 7946}};
  const auto f = test::run("swarm.listen-all-interfaces", s);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.evidence.find("[::]:7946"), std::string::npos) << f.evidence;
  s.swarm_listeners = std::vector<model::SwarmListener>{{"127.0.0.1", 2377}, {"127.0.0.1", 7946}};
  EXPECT_EQ(test::run("swarm.listen-all-interfaces", s).status, Status::pass);
}

TEST(Swarm, OverlayEncryptionIgnoresIngress) {
  auto s = manager();
  const auto f = test::run("swarm.overlay-unencrypted", s);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_NE(f.evidence.find("dd-plain"), std::string::npos);
  EXPECT_EQ(f.evidence.find("dd-enc"), std::string::npos);
  EXPECT_EQ(f.evidence.find("ingress"), std::string::npos);
  std::erase_if(*s.engine->swarm_cluster->overlay_networks, [](const auto& n) { return n.name == "dd-plain"; });
  EXPECT_EQ(test::run("swarm.overlay-unencrypted", s).status, Status::pass);
  s.engine->swarm_cluster->overlay_networks.reset();
  EXPECT_EQ(test::run("swarm.overlay-unencrypted", s).status, Status::error);
}

TEST(Swarm, Autolock) {
  auto s = manager();
  EXPECT_EQ(test::run("swarm.autolock", s).status, Status::fail);
  s.engine->swarm_cluster->autolock = true;
  EXPECT_EQ(test::run("swarm.autolock", s).status, Status::pass);
}

TEST(Swarm, ManualControlsGiveEvidence) {
  const auto s = manager();
  for (auto id : {"swarm.secrets-management", "swarm.unlock-key-rotation", "swarm.node-cert-rotation", "swarm.ca-rotation",
                  "swarm.plane-separation"}) {
    const auto f = test::run(id, s);
    EXPECT_EQ(f.status, Status::info) << id;
    EXPECT_FALSE(f.evidence.empty()) << id;
  }
  EXPECT_NE(test::run("swarm.node-cert-rotation", s).evidence.find("90 days"), std::string::npos);
}

}  // namespace
}  // namespace drydock::checks
