// Docker Content Trust on hosts and in Compose projects, through the real binary: under --root a
// host tree made here (a drop-in and a user's profile that switch it on, trust keys of both
// layouts with wrong and right modes), the live host (the running dockerd's environment read),
// and a Compose project whose CI file switches it on.

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "../unit/collect/host_tree.hpp"
#include "../unit/parse/tuf_maker.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
using drydock::test::HostTree;

const std::string k_root_pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: root\n\nMIIBtest\n-----END ENCRYPTED PRIVATE KEY-----\n";
const std::string k_targets_pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: docker.io/team/app\nrole: targets\n\nMIIBtest\n-----END ENCRYPTED PRIVATE KEY-----\n";

json host_report(const HostTree& t) {
  const auto p = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", DRYDOCK_BIN, "host", "--root", t.root(),
                      "--no-engine", "--only", "trust", "--format", "json"});
  auto j = parse_json(p.out);
  EXPECT_TRUE(j) << p.out << p.err;
  return j ? *j : json();
}

json find(const json& report, const std::string& id, const std::string& subject = "") {
  for (const auto& r : report["results"]) {
    if (r["id"] == id && (subject.empty() || r["subject"]["name"] == subject)) return r;
  }
  return json();
}

TEST(TrustHost, UnderRootSwitchedOnAndKeysExposed) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\n");
  t.file("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n");
  t.file("/etc/systemd/system/docker.service.d/trust.conf", "[Service]\nEnvironment=DOCKER_CONTENT_TRUST=1\n");
  t.file("/home/alice/.zshrc", "export DOCKER_CONTENT_TRUST=1\n");
  t.dir("/root/.docker/trust/private", 0700);
  t.file("/root/.docker/trust/private/1111.key", k_targets_pem, 0600);
  t.dir("/home/alice/.docker/trust/private", 0755);
  t.file("/home/alice/.docker/trust/private/2222.key", k_root_pem, 0644);
  const auto j = host_report(t);

  const auto dct = find(j, "trust.docker-content-trust");
  EXPECT_EQ(dct["status"], "warn") << dct;
  EXPECT_EQ(dct["cis"], "4.5");
  EXPECT_EQ(dct["subject"]["kind"], "host");
  const auto ev = dct["evidence"].get<std::string>();
  EXPECT_NE(ev.find("/etc/systemd/system/docker.service.d/trust.conf:2 (a docker.service drop-in): DOCKER_CONTENT_TRUST=1"),
            std::string::npos)
      << ev;
  EXPECT_NE(ev.find("/home/alice/.zshrc:1 (a shell profile or environment file of alice)"), std::string::npos) << ev;
  EXPECT_EQ(dct["location"]["file"], "/etc/systemd/system/docker.service.d/trust.conf");

  EXPECT_EQ(find(j, "trust.root-key-on-host", "/home/alice/.docker/trust/private/2222.key")["status"], "fail");
  EXPECT_EQ(find(j, "trust.root-key-on-host", "/root/.docker/trust/private/1111.key")["status"], "pass");
  const auto perm = find(j, "trust.key-permissions", "/home/alice/.docker/trust/private/2222.key");
  EXPECT_EQ(perm["status"], "fail") << perm;
  EXPECT_NE(perm["evidence"].get<std::string>().find("mode 0644 (want 0600)"), std::string::npos) << perm;
  EXPECT_NE(perm["evidence"].get<std::string>().find("/home/alice/.docker/trust/private is mode 0755 (want 0700)"),
            std::string::npos)
      << perm;
  EXPECT_EQ(find(j, "trust.key-permissions", "/root/.docker/trust/private/1111.key")["status"], "pass");
}

TEST(TrustHost, UnderRootNothingSwitchedOnNoKeys) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  t.file("/etc/environment", "PATH=/usr/bin\n");
  t.file("/root/.bashrc", "export DOCKER_CONTENT_TRUST=0\n");
  const auto j = host_report(t);
  const auto dct = find(j, "trust.docker-content-trust");
  EXPECT_EQ(dct["status"], "pass") << dct;
  EXPECT_EQ(find(j, "trust.root-key-on-host")["status"], "skip");
  EXPECT_EQ(find(j, "trust.key-permissions")["status"], "skip");
}

TEST(TrustHost, LiveReadsTheRunningDaemonsEnvironment) {
  const auto p = run({DRYDOCK_BIN, "host", "--only", "trust.docker-content-trust", "--format", "json", "--verbose"});
  const auto j = parse_json(p.out);
  ASSERT_TRUE(j) << p.out << p.err;
  const auto r = find(*j, "trust.docker-content-trust");
  // This machine's dockerd runs without DOCKER_CONTENT_TRUST; its environment is one of the places read.
  ASSERT_EQ(r["status"], "pass") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find("/environ"), std::string::npos) << r;
}

TEST(TrustHost, ComposeProjectCiFiles) {
  HostTree dir;
  dir.file("/compose.yaml", "services:\n  web:\n    image: busybox:latest\n");
  const auto compose = [&] {
    const auto p = run({DRYDOCK_BIN, "compose", dir.at("/compose.yaml"), "--only", "trust.docker-content-trust", "--format", "json"});
    auto j = parse_json(p.out);
    EXPECT_TRUE(j) << p.out << p.err;
    return j ? find(*j, "trust.docker-content-trust") : json();
  };
  auto r = compose();
  EXPECT_EQ(r["status"], "skip") << r;  // no CI file

  dir.file("/.gitlab-ci.yml", "variables:\n  IMAGE: app\nbuild:\n  script: docker build -t app .\n");
  r = compose();
  EXPECT_EQ(r["status"], "pass") << r;

  dir.file("/.github/workflows/release.yml",
           "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    env:\n      DOCKER_CONTENT_TRUST: 1\n");
  r = compose();
  EXPECT_EQ(r["status"], "warn") << r;
  EXPECT_EQ(r["subject"]["kind"], "compose-file");
  EXPECT_EQ(r["location"]["file"], dir.root() + "/.github/workflows/release.yml");
  EXPECT_EQ(r["location"]["line"], 6);
}

/// Writes a repository's metadata where the docker CLI caches it in `home`.
void write_repo(const HostTree& t, const std::string& home, const drydock::test::tuf::Repo& repo) {
  for (const auto& [role, bytes] : repo.build())
    t.file(home + "/.docker/trust/tuf/" + repo.gun + "/metadata/" + role + ".json", bytes, 0644);
}

json notary_report(const HostTree& t, const std::string& now) {
  const auto p = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", DRYDOCK_BIN, "host", "--root", t.root(),
                      "--no-engine", "--only", "trust.notary-metadata", "--format", "json", "--now", now});
  auto j = parse_json(p.out);
  EXPECT_TRUE(j) << p.out << p.err;
  return j ? *j : json();
}

TEST(TrustHost, NotaryMetadataVerifiedAtNow) {
  HostTree t;
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\n");
  drydock::test::tuf::Repo repo;
  write_repo(t, "/root", repo);
  const std::string dir = "/root/.docker/trust/tuf/docker.io/team/app";

  auto r = find(notary_report(t, "2026-12-03T09:30:00Z"), "trust.notary-metadata", dir);
  EXPECT_EQ(r["status"], "pass") << r;
  EXPECT_EQ(r["cis"], "4.5");
  EXPECT_NE(r["evidence"].get<std::string>().find("3 signed targets"), std::string::npos) << r;

  // The same files a day after they expire.
  r = find(notary_report(t, "2028-01-02T00:00:00Z"), "trust.notary-metadata", dir);
  EXPECT_EQ(r["status"], "fail") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find("timestamp expired at 2028-01-01T00:00:00Z"), std::string::npos) << r;

  // A newer copy of the same repository in alice's home makes root's a rollback.
  repo.targets_version = 7;
  write_repo(t, "/home/alice", repo);
  r = find(notary_report(t, "2026-12-03T09:30:00Z"), "trust.notary-metadata", dir);
  EXPECT_EQ(r["status"], "fail") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find("targets is version 3 here, alice's copy"), std::string::npos) << r;

  // A corrupted signature.
  const std::string snapshot = "/home/alice/.docker/trust/tuf/docker.io/team/app/metadata/snapshot.json";
  std::ifstream in(t.at(snapshot));
  auto doc = json::parse(in);
  doc["signatures"][0]["sig"] = drydock::test::tuf::b64(std::string(64, '\x01'));
  t.file(snapshot, doc.dump(), 0644);
  r = find(notary_report(t, "2026-12-03T09:30:00Z"), "trust.notary-metadata", "/home/alice/.docker/trust/tuf/docker.io/team/app");
  EXPECT_EQ(r["status"], "fail") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find("snapshot: the eddsa signature by key"), std::string::npos) << r;

  // A root whose threshold its one signature does not meet.
  drydock::test::tuf::Repo two("docker.io/team/two");
  two.root_threshold = 2;
  write_repo(t, "/root", two);
  r = find(notary_report(t, "2026-12-03T09:30:00Z"), "trust.notary-metadata", "/root/.docker/trust/tuf/docker.io/team/two");
  EXPECT_EQ(r["status"], "fail") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find("root: 1 valid signature from distinct keys, its threshold is 2"),
            std::string::npos)
      << r;

  // Metadata whose root certificate names another repository than the folder it is cached in.
  drydock::test::tuf::Repo three("docker.io/team/three");
  three.root_key = drydock::test::tuf::ecdsa_x509("docker.io/team/app", three.issued, three.cert_not_after);
  write_repo(t, "/root", three);
  r = find(notary_report(t, "2026-12-03T09:30:00Z"), "trust.notary-metadata", "/root/.docker/trust/tuf/docker.io/team/three");
  EXPECT_EQ(r["status"], "fail") << r;
  EXPECT_NE(r["evidence"].get<std::string>().find(
                "its certificate's Common Name is `docker.io/team/app`, not the repository's GUN `docker.io/team/three`"),
            std::string::npos)
      << r;
}

}  // namespace
