// Notary v1 TUF metadata verified offline, on repositories the test generates: keys made with
// OpenSSL (an X.509 root certificate, ECDSA, Ed25519 and RSA-PSS roles, an ECDSA delegation),
// canonical JSON signed as Notary signs it. Valid data verifies; expiry at --now, an expired root
// certificate, a corrupted signature, a threshold not met, altered bytes and malformed input each
// give their problem.

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

}  // namespace
