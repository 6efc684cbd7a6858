// Docker Content Trust looked for under --root: the daemon's unit, drop-ins and environment
// files, system-wide and users' profiles (homes from /etc/passwd), a fake /proc for the live
// daemon's environment, and a project folder's CI files; symlinks never lead out of the folder.

#include <gtest/gtest.h>

#include <algorithm>

#include "drydock/collect/host/trust.hpp"
#include "host_tree.hpp"

namespace {

using drydock::collect::collect_content_trust;
using drydock::collect::collect_project_content_trust;
using drydock::collect::HostRoot;
using drydock::test::HostTree;

std::vector<std::string> places(const drydock::model::ContentTrustFacts& f) {
  std::vector<std::string> out;
  for (const auto& s : f.settings)
    out.push_back(s.location.file + ":" + std::to_string(s.location.line) + " " + s.variable);
  return out;
}

TEST(TrustContentTrustCollect, UnitsProfilesAndHomesUnderRoot) {
  HostTree t;
  t.file("/etc/passwd",
         "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\nsvc:x:999:999::/nonexistent:/usr/sbin/nologin\n");
  t.file("/lib/systemd/system/docker.service", "[Service]\nEnvironmentFile=-/etc/docker/env\nExecStart=/usr/bin/dockerd\n");
  t.file("/etc/systemd/system/docker.service.d/trust.conf", "[Service]\nEnvironment=\"DOCKER_CONTENT_TRUST=1\"\n");
  t.file("/etc/docker/env", "# content trust\nDOCKER_CONTENT_TRUST_SERVER=https://notary.corp:4443\n");
  t.file("/etc/profile.d/dct.sh", "export DOCKER_CONTENT_TRUST=1\n");
  t.file("/home/alice/.zshrc", "alias k=kubectl\nexport DOCKER_CONTENT_TRUST=true\n");
  t.file("/root/.bashrc", "export DOCKER_CONTENT_TRUST=0\n");
  const auto f = collect_content_trust(HostRoot(t.root()));
  const std::vector<std::string> want{
      "/etc/systemd/system/docker.service.d/trust.conf:2 DOCKER_CONTENT_TRUST",
      "/etc/docker/env:2 DOCKER_CONTENT_TRUST_SERVER",
      "/etc/profile.d/dct.sh:1 DOCKER_CONTENT_TRUST",
      "/home/alice/.zshrc:2 DOCKER_CONTENT_TRUST",
  };
  EXPECT_EQ(places(f), want);
  EXPECT_EQ(f.settings[3].where, "a shell profile or environment file of alice");
  EXPECT_NE(std::find(f.files_read.begin(), f.files_read.end(), "/root/.bashrc"), f.files_read.end());
  EXPECT_TRUE(f.diagnostics.empty());
}

TEST(TrustContentTrustCollect, NothingSetReadsButFindsNothing) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  t.file("/etc/environment", "PATH=/usr/bin\n");
  t.file("/root/.profile", "export DOCKER_CONTENT_TRUST=0\n");
  const auto f = collect_content_trust(HostRoot(t.root()));
  EXPECT_TRUE(f.settings.empty());
  EXPECT_EQ(f.files_read.size(), 2U);
}

TEST(TrustContentTrustCollect, TheLiveDaemonsEnvironment) {
  HostTree proc;
  const std::string env("PATH=/usr/bin\0DOCKER_CONTENT_TRUST=1\0", 36);
  proc.file("/812/environ", env);
  const auto f = collect_content_trust(HostRoot(), 812, proc.root());
  ASSERT_FALSE(f.settings.empty());
  EXPECT_EQ(f.settings[0].location.file, proc.root() + "/812/environ");
  EXPECT_EQ(f.settings[0].where, "the environment of dockerd (pid 812)");
}

TEST(TrustContentTrustCollect, ProjectCiFiles) {
  HostTree p;
  p.file("/.github/workflows/build.yml", "jobs:\n  b:\n    env:\n      DOCKER_CONTENT_TRUST: 1\n");
  p.file("/.github/workflows/notes.md", "DOCKER_CONTENT_TRUST=1\n");
  p.file("/.gitlab-ci.yml", "variables:\n  FOO: bar\n");
  p.file("/Jenkinsfile", "sh 'docker trust sign app:1'\n");
  HostTree outside;
  outside.file("/ci.yml", "DOCKER_CONTENT_TRUST=1\n");
  p.link("/.drone.yml", outside.at("/ci.yml"));  // absolute: resolved inside the project, so missing
  const auto f = collect_project_content_trust(p.root());
  const std::vector<std::string> want{p.root() + "/.github/workflows/build.yml:4 DOCKER_CONTENT_TRUST",
                                      p.root() + "/Jenkinsfile:1 docker trust"};
  EXPECT_EQ(places(f), want);
  EXPECT_EQ(f.files_read.size(), 3U);
}

}  // namespace

namespace {

using drydock::collect::collect_trust_keys;

const std::string k_root_pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: root\n\nMIIBtest\n-----END ENCRYPTED PRIVATE KEY-----\n";
const std::string k_targets_pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: docker.io/team/app\nrole: targets\n\nMIIBtest\n-----END ENCRYPTED PRIVATE KEY-----\n";

TEST(TrustKeysCollect, BothLayoutsEveryHome) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\n");
  t.dir("/root/.docker/trust/private", 0700);
  t.file("/root/.docker/trust/private/aaaa.key", k_root_pem, 0600);
  t.dir("/home/alice/.docker/trust/private", 0755);
  t.file("/home/alice/.docker/trust/private/bbbb.key", k_targets_pem, 0644);
  t.file("/home/alice/.docker/trust/private/root_keys/cccc.key", "-----BEGIN EC PRIVATE KEY-----\n\nMII\n-----END EC PRIVATE KEY-----\n", 0600);
  t.file("/home/alice/.docker/trust/private/notes.txt", "hello", 0644);
  drydock::model::HostFacts facts;
  collect_trust_keys(HostRoot(t.root()), facts);
  ASSERT_TRUE(facts.trust_keys);
  ASSERT_EQ(facts.trust_keys->size(), 3U);
  const auto& k = *facts.trust_keys;
  EXPECT_EQ(k[0].path, "/root/.docker/trust/private/aaaa.key");
  EXPECT_EQ(k[0].role, "root");
  EXPECT_EQ(k[0].user, "root");
  EXPECT_EQ(k[1].path, "/home/alice/.docker/trust/private/bbbb.key");
  EXPECT_EQ(k[1].role, "targets");
  EXPECT_EQ(k[1].gun, "docker.io/team/app");
  EXPECT_EQ(k[2].path, "/home/alice/.docker/trust/private/root_keys/cccc.key");
  EXPECT_EQ(k[2].role, "root");  // the old layout's folder says it
  std::size_t keys = 0, dirs = 0;
  for (const auto& f : facts.files) {
    keys += f.role == "trust-key" ? 1 : 0;
    dirs += f.role == "trust-key-dir" ? 1 : 0;
    if (f.path == "/home/alice/.docker/trust/private/bbbb.key") {
      EXPECT_EQ(f.mode, 0644U);
    }
  }
  EXPECT_EQ(keys, 3U);
  EXPECT_EQ(dirs, 3U);
}

TEST(TrustKeysCollect, NoTrustStoreNoKeys) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  drydock::model::HostFacts facts;
  collect_trust_keys(HostRoot(t.root()), facts);
  ASSERT_TRUE(facts.trust_keys);
  EXPECT_TRUE(facts.trust_keys->empty());
  EXPECT_TRUE(facts.files.empty());
}

}  // namespace
