// Notary v1 TUF metadata verified offline, on repositories the test generates: keys made with
// OpenSSL (an X.509 root certificate, ECDSA, Ed25519 and RSA-PSS roles, an ECDSA delegation),
// canonical JSON signed as Notary signs it. Valid data verifies; expiry at --now, an expired root
// certificate, a corrupted signature, a threshold not met, altered bytes and malformed input each
// give their problem.

#include <algorithm>

#include <gtest/gtest.h>

#include "drydock/core/time.hpp"
#include "drydock/parse/notary.hpp"
#include "tuf_maker.hpp"

namespace {

namespace tuf = drydock::test::tuf;
using drydock::parse::notary::canonical_json;
using drydock::parse::notary::verify_repo;

const std::int64_t k_now = 1796290200;  // 2026-12-03T09:30:00Z

std::string problems(const drydock::model::NotaryRepo& r) {
  std::string out;
  for (const auto& p : r.problems)
    out += p + "\n";
  return out;
}

bool has(const drydock::model::NotaryRepo& r, const std::string& text) { return problems(r).find(text) != std::string::npos; }

TEST(TrustNotary, CanonicalJsonSortsAndCompacts) {
  EXPECT_EQ(canonical_json("{ \"b\": 1,\n \"a\": [true, null, \"x\"] }"), R"({"a":[true,null,"x"],"b":1})");
  EXPECT_EQ(canonical_json("{"), "");
}

TEST(TrustNotary, AGeneratedRepositoryVerifies) {
  const tuf::Repo repo;
  const auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(r.problems.empty()) << problems(r);
  ASSERT_EQ(r.targets.size(), 3U);
  EXPECT_EQ(r.targets[0].role, "targets");
  EXPECT_EQ(r.targets[0].name, "1.0");
  EXPECT_EQ(r.targets[0].digest, "sha256:" + std::string(64, '1'));
  EXPECT_EQ(r.targets[2].role, "targets/releases");
  const std::vector<std::string> verified{"root signed by its own keys", "timestamp", "snapshot", "targets", "targets/releases"};
  EXPECT_EQ(r.verified, verified);
  ASSERT_FALSE(r.versions.empty());
  EXPECT_EQ(r.versions[0].first, "root");
}

TEST(TrustNotary, ExpiredAtNow) {
  const tuf::Repo repo;
  const auto r = verify_repo(repo.gun, repo.build(), *drydock::core::parse_rfc3339("2028-01-02T00:00:00Z"));
  for (const char* role : {"root", "timestamp", "snapshot", "targets", "targets/releases"})
    EXPECT_TRUE(has(r, std::string(role) + " expired at 2028-01-01T00:00:00Z")) << problems(r);
  // The same data the day before it expires.
  EXPECT_TRUE(verify_repo(repo.gun, repo.build(), *drydock::core::parse_rfc3339("2027-12-31T23:59:59Z")).problems.empty());
}

TEST(TrustNotary, ExpiredRootCertificate) {
  tuf::Repo repo;
  repo.root_key = tuf::ecdsa_x509(repo.gun, 1704067200, 1767225600);  // 2024-01-01 to 2026-01-01
  const auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "expired at 2026-01-01T00:00:00Z")) << problems(r);
  EXPECT_TRUE(has(r, "the root certificate of key")) << problems(r);
  EXPECT_EQ(r.problems.size(), 1U) << problems(r);
}

TEST(TrustNotary, CorruptedSignature) {
  const tuf::Repo repo;
  auto files = repo.build();
  auto doc = nlohmann::json::parse(files["targets"]);
  auto sig = doc["signatures"][0]["sig"].get<std::string>();
  sig[5] = sig[5] == 'A' ? 'B' : 'A';
  doc["signatures"][0]["sig"] = sig;
  files["targets"] = doc.dump();
  const auto r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "targets: the ecdsa signature by key")) << problems(r);
  EXPECT_TRUE(has(r, "targets: 0 valid signatures from distinct keys, its threshold is 1")) << problems(r);
  // Its bytes changed too: the snapshot's hash says so.
  EXPECT_TRUE(has(r, "the sha256 of targets.json is not the one snapshot signed")) << problems(r);
}

TEST(TrustNotary, AlteredSignedContent) {
  const tuf::Repo repo;
  auto files = repo.build();
  auto doc = nlohmann::json::parse(files["targets/releases"]);
  doc["signed"]["targets"]["1.0"]["hashes"]["sha256"] = tuf::b64(std::string(32, '\x33'));
  files["targets/releases"] = doc.dump(1);
  const auto r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "targets/releases: the ecdsa signature by key")) << problems(r);
  EXPECT_TRUE(has(r, "the sha256 of targets/releases.json is not the one snapshot signed")) << problems(r);
  for (const auto& t : r.targets)
    EXPECT_NE(t.role, "targets/releases");  // nothing of an unverified role is trusted
}

TEST(TrustNotary, ThresholdOfDistinctKeys) {
  tuf::Repo repo;
  repo.root_threshold = 2;
  auto files = repo.build();
  auto r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "root: 1 valid signature from distinct keys, its threshold is 2")) << problems(r);
  // The same key twice is still one key.
  auto doc = nlohmann::json::parse(files["root"]);
  doc["signatures"].push_back(doc["signatures"][0]);
  files["root"] = doc.dump();
  r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "root: 1 valid signature from distinct keys, its threshold is 2")) << problems(r);
}

TEST(TrustNotary, SignedByAnotherKey) {
  tuf::Repo repo;
  auto files = repo.build();
  tuf::Repo other;  // its own keys
  files["timestamp"] = other.build()["timestamp"];
  const auto r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "timestamp: 0 valid signatures from distinct keys")) << problems(r);
}

TEST(TrustNotary, MalformedInputIsAProblemNotACrash) {
  const tuf::Repo repo;
  const auto good = repo.build();
  for (const char* bad : {"", "{", "[]", "{\"signed\":1}", "{\"signed\":{\"_type\":\"Targets\"}}",
                          "{\"signed\":{\"_type\":\"Root\",\"keys\":[],\"roles\":7}}",
                          "{\"signed\":{\"_type\":\"Root\",\"expires\":5,\"keys\":{\"a\":{\"keytype\":\"ecdsa\",\"keyval\":{\"public\":\"!!\"}}},"
                          "\"roles\":{\"root\":{\"keyids\":[\"a\"],\"threshold\":1}}},\"signatures\":[{\"keyid\":\"a\",\"sig\":7}]}"}) {
    auto files = good;
    files["root"] = bad;
    const auto r = verify_repo(repo.gun, files, k_now);
    EXPECT_FALSE(r.problems.empty()) << bad;
    files = good;
    files["snapshot"] = bad;
    EXPECT_FALSE(verify_repo(repo.gun, files, k_now).problems.empty()) << bad;
  }
  EXPECT_TRUE(has(verify_repo(repo.gun, {}, k_now), "no root.json"));
}

TEST(TrustNotary, RootCertificateMustNameTheGun) {
  tuf::Repo repo;
  // The same data verifies for the GUN its root certificate names...
  EXPECT_TRUE(verify_repo("docker.io/team/app", repo.build(), k_now).problems.empty());
  // ...and not for another: Notary drops a root certificate whose CN is not the GUN.
  auto r = verify_repo("docker.io/team/other", repo.build(), k_now);
  EXPECT_TRUE(has(r, "its certificate's Common Name is `docker.io/team/app`, not the repository's GUN `docker.io/team/other`: "
                     "Notary rejects this root"))
      << problems(r);
  EXPECT_TRUE(has(r, "root: 0 valid signatures from distinct keys, its threshold is 1")) << problems(r);
  EXPECT_TRUE(r.targets.empty());  // nothing is trusted below a root that does not verify
  EXPECT_TRUE(std::find(r.verified.begin(), r.verified.end(), "targets") == r.verified.end());
  // A certificate made for another repository, in this one's root.
  repo.root_key = tuf::ecdsa_x509("docker.io/team/other", 1767225600, 2082758400);
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "Common Name is `docker.io/team/other`, not the repository's GUN `docker.io/team/app`")) << problems(r);
}

/// targets -> targets/a (paths `1.`, `2.`) -> targets/a/b (paths `1.`), each signing its own tags.
tuf::Repo nested() {
  tuf::Repo repo;
  repo.delegations.push_back(tuf::Delegation{"targets/a", tuf::ecdsa(), 1, nlohmann::json::array({"1.", "2."}), nullptr,
                                             {{"2.0", std::string(32, '\x44')}}, 0, {}});
  repo.delegations.push_back(tuf::Delegation{"targets/a/b", tuf::ed25519(), 1, nlohmann::json::array({"1."}), nullptr,
                                             {{"1.5", std::string(32, '\x55')}}, 0, {}});
  return repo;
}

bool signs(const drydock::model::NotaryRepo& r, const std::string& role, const std::string& tag) {
  return std::any_of(r.targets.begin(), r.targets.end(), [&](const auto& t) { return t.role == role && t.name == tag; });
}

TEST(TrustNotary, NestedDelegationsVerifyWithTheKeysTheirParentDelegates) {
  const auto repo = nested();
  const auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(r.problems.empty()) << problems(r);
  const std::vector<std::string> verified{"root signed by its own keys", "timestamp", "snapshot", "targets", "targets/releases",
                                          "targets/a", "targets/a/b"};
  EXPECT_EQ(r.verified, verified);
  EXPECT_TRUE(signs(r, "targets/a", "2.0"));
  EXPECT_TRUE(signs(r, "targets/a/b", "1.5"));
  EXPECT_EQ(r.targets.back().digest, "sha256:" + std::string(64, '5'));
}

TEST(TrustNotary, NestedDelegationSignedByAKeyItsParentDidNotDelegate) {
  auto repo = nested();
  repo.delegations[2].signers = {tuf::ecdsa()};
  auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/a/b: 0 valid signatures from distinct keys, its threshold is 1")) << problems(r);
  EXPECT_FALSE(signs(r, "targets/a/b", "1.5"));
  EXPECT_TRUE(signs(r, "targets/a", "2.0"));  // its parent still holds
  // Its own key, but a threshold of two distinct keys.
  repo = nested();
  repo.delegations[2].threshold = 2;
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/a/b: 1 valid signature from distinct keys, its threshold is 2")) << problems(r);
  EXPECT_FALSE(signs(r, "targets/a/b", "1.5"));
  // Below a parent that does not verify, nothing is trusted, however well it is signed.
  repo = nested();
  repo.delegations[1].signers = {tuf::ecdsa()};
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/a: 0 valid signatures")) << problems(r);
  EXPECT_FALSE(signs(r, "targets/a/b", "1.5"));
  EXPECT_TRUE(std::find(r.verified.begin(), r.verified.end(), "targets/a/b") == r.verified.end());
}

TEST(TrustNotary, DelegationOnlyBelowItsParent) {
  // targets lists targets/a/b itself: Notary refuses a delegation that is not directly below the role.
  auto repo = nested();
  auto files = repo.build();
  auto doc = nlohmann::json::parse(files["targets"]);
  auto a = nlohmann::json::parse(files["targets/a"]);
  for (const auto& role : a["signed"]["delegations"]["roles"])
    doc["signed"]["delegations"]["roles"].push_back(role);
  files["targets"] = tuf::sign_doc(doc["signed"], {&repo.targets_key});
  const auto r = verify_repo(repo.gun, files, k_now);
  EXPECT_TRUE(has(r, "targets delegates `targets/a/b`, which is not a role directly below it")) << problems(r);
}

TEST(TrustNotary, DelegationPathsAreHonoured) {
  // targets/releases may sign 1.x only; it signs 1.0 and 2.0.
  tuf::Repo repo;
  repo.delegations[0].paths = nlohmann::json::array({"1."});
  repo.delegations[0].targets["2.0"] = std::string(32, '\x66');
  auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/releases signs 2.0, outside what it is delegated (path `1.`): not trusted")) << problems(r);
  EXPECT_EQ(r.problems.size(), 1U) << problems(r);
  EXPECT_TRUE(signs(r, "targets/releases", "1.0"));
  EXPECT_FALSE(signs(r, "targets/releases", "2.0"));
  // A parent's paths bound its children's: targets/a/b may list `` (everything), targets/a allows 1. and 2. only.
  repo = nested();
  repo.delegations[2].paths = nlohmann::json::array({""});
  repo.delegations[2].targets["3.0"] = std::string(32, '\x77');
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/a/b signs 3.0, outside what it is delegated (path `1.`, path `2.`): not trusted")) << problems(r);
  EXPECT_TRUE(signs(r, "targets/a/b", "1.5"));
  EXPECT_FALSE(signs(r, "targets/a/b", "3.0"));
  // No paths at all: it may sign nothing.
  repo = tuf::Repo();
  repo.delegations[0].paths = nullptr;
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/releases signs 1.0, outside what it is delegated (no paths)")) << problems(r);
}

TEST(TrustNotary, DelegationPathHashPrefixesAreHonoured) {
  const std::string h10 = tuf::hex(tuf::sha("1.0"));
  tuf::Repo repo;
  repo.delegations[0].paths = nullptr;
  repo.delegations[0].path_hash_prefixes = nlohmann::json::array({h10.substr(0, 3)});
  auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(r.problems.empty()) << problems(r);
  EXPECT_TRUE(signs(r, "targets/releases", "1.0"));
  // A prefix that the name's hash does not start with.
  const std::string other = h10[0] == '0' ? "1" : "0";
  repo.delegations[0].path_hash_prefixes = nlohmann::json::array({other});
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/releases signs 1.0, outside what it is delegated (hash prefix `" + other + "`): not trusted"))
      << problems(r);
  EXPECT_FALSE(signs(r, "targets/releases", "1.0"));
  // Both kinds at once: Notary refuses the role.
  repo.delegations[0].paths = nlohmann::json::array({""});
  r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/releases is delegated both paths and path_hash_prefixes")) << problems(r);
  EXPECT_FALSE(signs(r, "targets/releases", "1.0"));
}

TEST(TrustNotary, NestedDelegationExpiry) {
  auto repo = nested();
  repo.delegations[2].expires = 1793491200;  // 2026-11-01
  auto r = verify_repo(repo.gun, repo.build(), k_now);
  EXPECT_TRUE(has(r, "targets/a/b expired at 2026-11-01T00:00:00Z")) << problems(r);
  EXPECT_EQ(r.problems.size(), 1U) << problems(r);
  // The day before, it is current.
  EXPECT_TRUE(verify_repo(repo.gun, repo.build(), 1793404800).problems.empty());
}

}  // namespace
