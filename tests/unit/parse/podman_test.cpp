// Podman behind Docker's API (`podman system service`): recognised, and the placeholders of
// its compatible /info never reach the model. Fixtures: Podman 4.3.1's /version and /info
// (Debian 12).

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "drydock/parse/engine.hpp"
#include "drydock/parse/podman.hpp"
#include "inspect_fixture.hpp"

namespace drydock::parse {
namespace {

using test_data::inspect_fixture;

TEST(PodmanEngine, RecognisedByItsComponentOrBuildahVersion) {
  const auto p = podman_engine(inspect_fixture("podman-version.json"), inspect_fixture("podman-info.json"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, "4.3.1");
  const auto b = podman_engine(R"({"Version":"4.9.3"})", R"({"BuildahVersion":"1.33.7"})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->version, "4.9.3");
  EXPECT_FALSE(b->rootless);
  // Podman's own /info field: its SecurityOptions do not say name=rootless.
  const auto r = podman_engine(R"({"Version":"4.3.1"})", R"({"BuildahVersion":"1.28.2","Rootless":true,"SecurityOptions":["name=seccomp,profile=default"]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->rootless);
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
  EXPECT_FALSE(d->podman);
  EXPECT_TRUE(d->default_capabilities.empty());  // Docker's set
}

TEST(PodmanEngine, FlaggedWithPodmansDefaultCapabilities) {
  const auto e = engine_info(inspect_fixture("podman-version.json"), inspect_fixture("podman-info.json"));
  ASSERT_TRUE(e) << e.error().describe();
  EXPECT_TRUE(e->podman);
  EXPECT_EQ(e->podman_version, "4.3.1");
  ASSERT_EQ(e->default_capabilities.size(), 11U);
  for (const char* absent : {"NET_RAW", "MKNOD", "AUDIT_WRITE"}) {
    EXPECT_EQ(std::count(e->default_capabilities.begin(), e->default_capabilities.end(), absent), 0) << absent;
  }
}

}  // namespace
}  // namespace drydock::parse

namespace drydock::parse {
namespace {

TEST(PodmanToml, ScalarsArraysAndTables) {
  std::map<std::string, model::PodmanSetting> s;
  std::vector<std::string> diagnostics;
  toml_settings(R"([containers]
# a comment
default_capabilities = [
  "CHOWN",   # trailing comment
  'KILL',
]
log_driver = "journald"  # inline comment
pids_limit = 2048
userns="auto"
"quoted key" = true
seccomp_profile = """
/etc/containers/seccomp.json"""

[engine.runtimes]
crun = ["/usr/bin/crun", "/usr/local/bin/crun"]
[[registry]]
location = "a.example"
[[registry]]
location = "b.example"
)",
                "/etc/containers/containers.conf", s, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.front();
  const auto& caps = s.at("containers.default_capabilities");
  EXPECT_TRUE(caps.list);
  EXPECT_EQ(caps.values, (std::vector<std::string>{"CHOWN", "KILL"}));
  EXPECT_EQ(caps.location.line, 3);
  EXPECT_EQ(caps.location.file, "/etc/containers/containers.conf");
  EXPECT_EQ(s.at("containers.log_driver").values.front(), "journald");
  EXPECT_EQ(s.at("containers.log_driver").location.line, 7);
  EXPECT_FALSE(s.at("containers.log_driver").list);
  EXPECT_EQ(s.at("containers.pids_limit").values.front(), "2048");
  EXPECT_EQ(s.at("containers.userns").values.front(), "auto");
  EXPECT_EQ(s.at("containers.quoted key").values.front(), "true");
  EXPECT_EQ(s.at("containers.seccomp_profile").values.front(), "/etc/containers/seccomp.json");
  EXPECT_EQ(s.at("engine.runtimes.crun").values.size(), 2U);
  EXPECT_EQ(s.at("registry#1.location").values.front(), "a.example");
  EXPECT_EQ(s.at("registry#2.location").values.front(), "b.example");
}

TEST(PodmanToml, ALaterFileSetsAKeyAgain) {
  std::map<std::string, model::PodmanSetting> s;
  std::vector<std::string> diagnostics;
  toml_settings("[containers]\nlog_driver = \"k8s-file\"\n", "/usr/share/containers/containers.conf", s, diagnostics);
  toml_settings("[containers]\n\nlog_driver = \"journald\"\n", "/etc/containers/containers.conf", s, diagnostics);
  EXPECT_EQ(s.at("containers.log_driver").values.front(), "journald");
  EXPECT_EQ(s.at("containers.log_driver").location.file, "/etc/containers/containers.conf");
  EXPECT_EQ(s.at("containers.log_driver").location.line, 3);
}

TEST(PodmanToml, WhatCannotBeReadIsNamedAndTheRestKept) {
  std::map<std::string, model::PodmanSetting> s;
  std::vector<std::string> diagnostics;
  toml_settings("[containers\nnot a key line\nbroken = \"no end\nlog_driver = \"journald\"\nlist = [1, 2\n", "c.conf", s,
                diagnostics);
  EXPECT_EQ(s.at("log_driver").values.front(), "journald");  // the broken header did not open a table
  ASSERT_GE(diagnostics.size(), 3U);
  EXPECT_EQ(diagnostics[0], "c.conf:1: a table header that does not close");
  EXPECT_EQ(diagnostics[1], "c.conf:2: not a `key = value` line");
  EXPECT_FALSE(s.contains("list"));
  for (const std::string_view bad : {"[", "[[", "=", "a = [[[[[[[[[[[[[[[[[[[[[[[[[[", "a = '''", "a = {", "a = \"\\"}) {
    std::map<std::string, model::PodmanSetting> t;
    std::vector<std::string> d;
    toml_settings(bad, "x", t, d);
    EXPECT_FALSE(d.empty()) << bad;
  }
}

TEST(PodmanRegistries, InsecureRegistriesOfBothFormats) {
  model::PodmanConfig p;
  registries_conf(R"(unqualified-search-registries = ["docker.io"]
[[registry]]
location = "secure.example"
[[registry]]
prefix = "mirror.example/ns"
location = "plain.example:5000"
insecure = true

[registries.insecure]
registries = ["old.example"]
)",
                  "/etc/containers/registries.conf", p);
  EXPECT_TRUE(p.registries_conf_read);
  ASSERT_EQ(p.insecure_registries.size(), 2U);
  EXPECT_EQ(p.insecure_registries[0].location, "plain.example:5000");
  EXPECT_EQ(p.insecure_registries[0].where.line, 7);
  EXPECT_EQ(p.insecure_registries[1].location, "old.example");
}

TEST(PodmanPolicy, DefaultThenTransportScopes) {
  model::PodmanConfig p;
  ASSERT_TRUE(signature_policy(R"({"default": [{"type": "reject"}],
    "transports": {"docker": {"registry.example/team": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k.gpg"}],
                              "docker.io": [{"type": "insecureAcceptAnything"}]},
                   "docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}}})",
                               "/etc/containers/policy.json", p));
  ASSERT_EQ(p.policy.size(), 4U);
  EXPECT_EQ(p.policy[0].scope, "default");
  EXPECT_EQ(p.policy[0].type, "reject");
  EXPECT_EQ(p.policy[1].scope, "docker:docker.io");
  EXPECT_EQ(p.policy[1].type, "insecureAcceptAnything");
  EXPECT_EQ(p.policy[3].scope, "docker-daemon:(every image)");
  model::PodmanConfig bad;
  EXPECT_FALSE(signature_policy("{}", "policy.json", bad));
  EXPECT_FALSE(signature_policy("not json", "policy.json", bad));
  EXPECT_EQ(bad.diagnostics.size(), 2U);
  EXPECT_FALSE(bad.policy_read);
}

}  // namespace
}  // namespace drydock::parse
