// Podman behind Docker's API (`podman system service`): recognised, and the placeholders of
// its compatible /info never reach the model. Fixtures: Podman 4.3.1's /version and /info
// (Debian 12).

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "drydock/parse/engine.hpp"
#include "drydock/parse/podman.hpp"

namespace drydock::parse {
namespace {

std::string inspect_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/inspect/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PodmanEngine, RecognisedByItsComponentOrBuildahVersion) {
  const auto p = podman_engine(inspect_fixture("podman-version.json"), inspect_fixture("podman-info.json"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, "4.3.1");
  const auto b = podman_engine(R"({"Version":"4.9.3"})", R"({"BuildahVersion":"1.33.7"})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->version, "4.9.3");
  EXPECT_FALSE(podman_engine(inspect_fixture("version.json"), inspect_fixture("info.json")));  // Docker's
  EXPECT_FALSE(podman_engine("not json", "[]"));
  EXPECT_FALSE(podman_engine(R"({"Components":[{"Name":"Engine","Version":"20.10.24"}]})", R"({"BuildahVersion":""})"));
}

TEST(PodmanEngine, PlaceholdersAreNotFacts) {
  const auto e = engine_info(inspect_fixture("podman-version.json"), inspect_fixture("podman-info.json"));
  ASSERT_TRUE(e) << e.error().describe();
  // The fixture says LiveRestoreEnabled false, ExperimentalBuild true, LoggingDriver "" and a
  // random ID: none of them is kept.
  EXPECT_FALSE(e->live_restore_enabled);
  EXPECT_FALSE(e->experimental_build);
  EXPECT_TRUE(e->logging_driver.empty());
  EXPECT_TRUE(e->id.empty());
  // What Podman does know stays.
  EXPECT_EQ(e->api_version, "1.41");
  EXPECT_EQ(e->storage_driver, "vfs");
  EXPECT_EQ(e->swarm_state, "inactive");
  EXPECT_TRUE(e->has_security_option("seccomp"));
  // Docker's engine keeps its values.
  const auto d = engine_info(inspect_fixture("version.json"), inspect_fixture("info.json"));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->id.empty());
}

}  // namespace
}  // namespace drydock::parse
