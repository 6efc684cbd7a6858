// trust.docker-content-trust: warn for each place that switches Docker Content Trust on (with the
// retirement said), pass when the places read say nothing of it, skip when nothing was read.

#include <gtest/gtest.h>

#include "support.hpp"

namespace {

using namespace drydock::checks::test;  // NOLINT(google-build-using-namespace): the tests' own support
using drydock::checks::Status;
using drydock::model::ContentTrustFacts;
using drydock::model::ContentTrustSetting;
using drydock::model::HostSnapshot;

HostSnapshot with(ContentTrustFacts f) {
  HostSnapshot s;
  s.host.emplace();
  s.host->content_trust = std::move(f);
  return s;
}

TEST(TrustDockerContentTrust, SwitchedOnWarnsWithTheRetirement) {
  ContentTrustFacts f;
  f.files_read = {"/etc/profile.d/dct.sh", "/proc/812/environ"};
  f.settings.push_back(ContentTrustSetting{"DOCKER_CONTENT_TRUST", "1", "a system-wide shell profile", {"/etc/profile.d/dct.sh", 3, 0}});
  f.settings.push_back(ContentTrustSetting{"DOCKER_CONTENT_TRUST", "1", "the environment of dockerd (pid 812)", {"/proc/812/environ", 0, 0}});
  f.settings.push_back(ContentTrustSetting{"docker trust", "sign", "a CI file", {"Jenkinsfile", 9, 0}});
  const auto r = run("trust.docker-content-trust", with(f));
  EXPECT_EQ(r.status, Status::warn) << r.evidence;
  EXPECT_NE(r.evidence.find("/etc/profile.d/dct.sh:3 (a system-wide shell profile): DOCKER_CONTENT_TRUST=1"), std::string::npos)
      << r.evidence;
  EXPECT_NE(r.evidence.find("/proc/812/environ (the environment of dockerd (pid 812))"), std::string::npos) << r.evidence;
  EXPECT_NE(r.evidence.find("Jenkinsfile:9 (a CI file): `docker trust sign`"), std::string::npos) << r.evidence;
  EXPECT_NE(r.evidence.find("December 2026"), std::string::npos) << r.evidence;
  ASSERT_TRUE(r.location);
  EXPECT_EQ(r.location->file, "/etc/profile.d/dct.sh");
  EXPECT_EQ(check("trust.docker-content-trust").cis, "4.5");
}

TEST(TrustDockerContentTrust, NothingSetPasses) {
  ContentTrustFacts f;
  f.files_read = {"/etc/environment", "/root/.bashrc"};
  const auto r = run("trust.docker-content-trust", with(f));
  EXPECT_EQ(r.status, Status::pass) << r.evidence;
  EXPECT_NE(r.evidence.find("2 files read: /etc/environment, /root/.bashrc"), std::string::npos) << r.evidence;
}

TEST(TrustDockerContentTrust, NothingReadSkips) {
  EXPECT_EQ(run("trust.docker-content-trust", HostSnapshot{}).status, Status::skip);
  EXPECT_EQ(run("trust.docker-content-trust", with(ContentTrustFacts{})).status, Status::skip);
}

}  // namespace

namespace {

using drydock::model::FileFact;
using drydock::model::TrustKey;

struct KeyHost {
  HostSnapshot s;
  const drydock::checks::Check& root_check = check("trust.root-key-on-host");

  void key(const std::string& path, unsigned mode, const std::string& role) {
    if (!s.host) s.host.emplace();
    if (!s.host->trust_keys) s.host->trust_keys.emplace();
    s.host->trust_keys->push_back(TrustKey{"alice", path, role, "docker.io/team/app", ""});
    FileFact f;
    f.role = "trust-key";
    f.path = path;
    f.exists = true;
    f.type = "file";
    f.mode = mode;
    f.owner = "alice";
    s.host->files.push_back(f);
  }
  void dir(const std::string& path, unsigned mode) {
    if (!s.host) s.host.emplace();
    FileFact f;
    f.role = "trust-key-dir";
    f.path = path;
    f.exists = true;
    f.type = "directory";
    f.mode = mode;
    s.host->files.push_back(f);
  }
  drydock::checks::Finding run_on(std::string_view id, const std::string& path) {
    drydock::checks::Results out;
    for (const auto& f : s.host->files) {
      if (f.path == path) std::get<drydock::checks::FileEval>(check(id).evaluate)(f, s, out);
    }
    return *out.finding();
  }
};

TEST(TrustRootKey, RootKeyFailsTargetsKeyPasses) {
  KeyHost h;
  h.dir("/home/alice/.docker/trust/private", 0700);
  h.key("/home/alice/.docker/trust/private/a.key", 0600, "root");
  h.key("/home/alice/.docker/trust/private/b.key", 0600, "targets");
  auto r = h.run_on("trust.root-key-on-host", "/home/alice/.docker/trust/private/a.key");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("Notary root key"), std::string::npos) << r.evidence;
  r = h.run_on("trust.root-key-on-host", "/home/alice/.docker/trust/private/b.key");
  EXPECT_EQ(r.status, Status::pass) << r.evidence;
  EXPECT_EQ(h.root_check.file_role, "trust-key");
}

TEST(TrustKeyPermissions, OpenKeyOrFolderFails) {
  KeyHost h;
  h.dir("/home/alice/.docker/trust/private", 0755);
  h.dir("/home/alice/.docker/trust/private/tuf_keys", 0700);
  h.key("/home/alice/.docker/trust/private/tuf_keys/a.key", 0600, "targets");
  h.key("/home/alice/.docker/trust/private/b.key", 0640, "targets");
  auto r = h.run_on("trust.key-permissions", "/home/alice/.docker/trust/private/tuf_keys/a.key");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("its folder /home/alice/.docker/trust/private is mode 0755 (want 0700)"), std::string::npos)
      << r.evidence;
  r = h.run_on("trust.key-permissions", "/home/alice/.docker/trust/private/b.key");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("b.key is mode 0640 (want 0600)"), std::string::npos) << r.evidence;
}

TEST(TrustKeyPermissions, PrivateKeyInPrivateFoldersPasses) {
  KeyHost h;
  h.dir("/root/.docker/trust/private", 0700);
  h.key("/root/.docker/trust/private/a.key", 0600, "targets");
  h.key("/root/.docker/trust/private/c.key", 0400, "targets");
  EXPECT_EQ(h.run_on("trust.key-permissions", "/root/.docker/trust/private/a.key").status, Status::pass);
  EXPECT_EQ(h.run_on("trust.key-permissions", "/root/.docker/trust/private/c.key").status, Status::pass);
}

}  // namespace

namespace {

using drydock::model::NotaryRepo;
using drydock::model::NotaryTarget;

struct NotaryHost {
  HostSnapshot s;
  NotaryHost() {
    s.host.emplace();
    s.host->notary_repos.emplace();
  }
  void repo(const std::string& user, const std::string& path, long long targets_version, std::vector<std::string> problems = {}) {
    NotaryRepo r;
    r.user = user;
    r.gun = "docker.io/library/debian";
    r.path = path;
    r.versions = {{"root", 1}, {"targets", targets_version}};
    r.problems = std::move(problems);
    r.targets.push_back(NotaryTarget{"targets", "12", "sha256:" + std::string(64, 'a')});
    s.host->notary_repos->push_back(r);
    FileFact f;
    f.role = "notary-trust-data";
    f.path = path;
    f.exists = true;
    f.type = "directory";
    s.host->files.push_back(f);
  }
  drydock::checks::Finding run_on(const std::string& path) {
    drydock::checks::Results out;
    for (const auto& f : s.host->files) {
      if (f.path == path) std::get<drydock::checks::FileEval>(check("trust.notary-metadata").evaluate)(f, s, out);
    }
    return *out.finding();
  }
};

TEST(TrustNotaryMetadata, VerifiedDataPasses) {
  NotaryHost h;
  h.repo("root", "/root/.docker/trust/tuf/docker.io/library/debian", 3);
  const auto r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::pass) << r.evidence;
  EXPECT_NE(r.evidence.find("docker.io/library/debian (root's Docker Content Trust data; root v1, targets v3)"), std::string::npos)
      << r.evidence;
}

TEST(TrustNotaryMetadata, ProblemsOfTheVerificationFail) {
  NotaryHost h;
  h.repo("root", "/root/.docker/trust/tuf/docker.io/library/debian", 3, {"targets expired at 2026-01-01T00:00:00Z"});
  const auto r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("targets expired at 2026-01-01T00:00:00Z"), std::string::npos) << r.evidence;
}

TEST(TrustNotaryMetadata, OlderCopyIsARollback) {
  NotaryHost h;
  h.repo("root", "/root/.docker/trust/tuf/docker.io/library/debian", 3);
  h.repo("alice", "/home/alice/.docker/trust/tuf/docker.io/library/debian", 5);
  auto r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("targets is version 3 here, alice's copy (/home/alice/.docker/trust/tuf/docker.io/library/debian) has "
                            "version 5"),
            std::string::npos)
      << r.evidence;
  EXPECT_EQ(h.run_on("/home/alice/.docker/trust/tuf/docker.io/library/debian").status, Status::pass);
}

TEST(TrustNotaryMetadata, EngineDigestAgainstTheSignedOne) {
  NotaryHost h;
  h.repo("root", "/root/.docker/trust/tuf/docker.io/library/debian", 3);
  h.s.all_images.emplace();
  drydock::model::ImageSummary img;
  img.id = "sha256:1";
  img.repo_tags = {"debian:12"};
  img.repo_digests = {"debian@sha256:" + std::string(64, 'a')};
  h.s.all_images->push_back(img);
  auto r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::pass) << r.evidence;
  EXPECT_NE(r.evidence.find("the engine's RepoDigests of 1 of its tags match"), std::string::npos) << r.evidence;

  (*h.s.all_images)[0].repo_digests = {"debian@sha256:" + std::string(64, 'b')};
  r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::fail) << r.evidence;
  EXPECT_NE(r.evidence.find("the engine's debian:12 is sha256:bbbb"), std::string::npos) << r.evidence;

  // Built or loaded here, no registry digest: nothing to compare.
  (*h.s.all_images)[0].repo_digests.clear();
  r = h.run_on("/root/.docker/trust/tuf/docker.io/library/debian");
  EXPECT_EQ(r.status, Status::pass) << r.evidence;
  EXPECT_NE(r.evidence.find("the engine holds none of its tags with a registry digest to compare"), std::string::npos) << r.evidence;
}

}  // namespace
