/// cosign signatures checked offline: a payload signed the way cosign signs it (ECDSA P-256,
/// SHA-256, base64 DER) verifies; a changed byte, another digest and another key each fail with
/// their reason; malformed inputs are errors, never crashes.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/parse/cosign.hpp"

namespace drydock::parse::cosign {
namespace {

using ::testing::HasSubstr;

struct Key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free};

  [[nodiscard]] std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), pkey.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }

  [[nodiscard]] std::string sign_b64(const std::string& message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get());
    std::size_t len = 0;
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::string der(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                   reinterpret_cast<const unsigned char*>(message.data()), message.size());
    der.resize(len);
    std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), reinterpret_cast<const unsigned char*>(der.data()),
                                  static_cast<int>(der.size()));
    b64.resize(static_cast<std::size_t>(n));
    return b64;
  }
};

const std::string k_image = "sha256:" + std::string(64, 'a');
const std::string k_other = "sha256:" + std::string(64, 'b');

std::string payload_for(const std::string& digest) {
  return R"({"critical":{"identity":{"docker-reference":"registry.example/app"},"image":{"docker-manifest-digest":")" + digest +
         R"("},"type":"cosign container image signature"},"optional":null})";
}

PublicKey key_of(const Key& k) {
  auto p = PublicKey::from_pem(k.public_pem(), "cosign.pub");
  EXPECT_TRUE(p) << p.error().describe();
  return std::move(*p);
}

TEST(TrustCosign, SignedPayloadVerifies) {
  const Key k;
  const auto pub = key_of(k);
  EXPECT_THAT(pub.description(), HasSubstr("ECDSA P-256 key sha256:"));
  Signature s{payload_for(k_image), k.sign_b64(payload_for(k_image)), "", "sig", false};
  const auto v = verify(s, pub, k_image);
  EXPECT_EQ(v.kind, Verdict::Kind::valid) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("signed by the ECDSA P-256 key"));
}

TEST(TrustCosign, OneChangedByteAnotherDigestAnotherKeyEachFail) {
  const Key k;
  const Key other;
  const auto pub = key_of(k);
  std::string payload = payload_for(k_image);
  const std::string sig = k.sign_b64(payload);

  std::string tampered = payload;
  tampered[tampered.find("registry")] = 'R';
  auto v = verify(Signature{tampered, sig, "", "sig", false}, pub, k_image);
  EXPECT_EQ(v.kind, Verdict::Kind::bad_signature) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("does not verify"));

  // The payload's digest as its manifest gave it: the change is named as such.
  Signature with_digest{tampered, sig, "sha256:" + std::string(64, '0'), "blobs/sha256/00", false};
  v = verify(with_digest, pub, k_image);
  EXPECT_EQ(v.kind, Verdict::Kind::tampered_payload) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("the payload was altered"));

  const std::string other_payload = payload_for(k_other);
  v = verify(Signature{other_payload, k.sign_b64(other_payload), "", "sig", false}, pub, k_image);
  EXPECT_EQ(v.kind, Verdict::Kind::wrong_digest) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("it signs " + k_other));

  v = verify(Signature{payload, other.sign_b64(payload), "", "sig", false}, pub, k_image);
  EXPECT_EQ(v.kind, Verdict::Kind::bad_signature) << v.detail;
}

TEST(TrustCosign, DownloadedSignaturesFile) {
  const Key k;
  const std::string payload = payload_for(k_image);
  std::string b64(4 * ((payload.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                      reinterpret_cast<const unsigned char*>(payload.data()),
                                                      static_cast<int>(payload.size()))));
  const std::string line = R"({"Base64Signature":")" + k.sign_b64(payload) + R"(","Payload":")" + b64 +
                           R"(","Cert":null,"Chain":null,"Bundle":{"SignedEntryTimestamp":"x"}})";
  auto sigs = parse_downloaded(line + "\n\n", "sigs.json");
  ASSERT_TRUE(sigs) << sigs.error().describe();
  ASSERT_EQ(sigs->size(), 1U);
  EXPECT_EQ((*sigs)[0].payload, payload);
  EXPECT_TRUE((*sigs)[0].has_bundle);
  EXPECT_EQ((*sigs)[0].source, "sigs.json:1");
  EXPECT_EQ(verify((*sigs)[0], key_of(k), k_image).kind, Verdict::Kind::valid);
}

TEST(TrustCosign, MalformedInputsAreErrors) {
  EXPECT_FALSE(parse_downloaded("", "f"));
  EXPECT_FALSE(parse_downloaded("not json\n", "f"));
  EXPECT_FALSE(parse_downloaded(R"({"Payload":"e30="})", "f"));
  EXPECT_FALSE(parse_downloaded(R"({"Payload":"!!","Base64Signature":"AA=="})", "f"));
  EXPECT_FALSE(parse_payload("{}"));
  EXPECT_FALSE(parse_payload(R"({"critical":{"type":"x","image":{"docker-manifest-digest":"md5:1"}}})"));
  EXPECT_FALSE(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "k"));
  EXPECT_FALSE(drydock::core::base64_decode("A"));
  EXPECT_EQ(drydock::core::base64_decode("aGk=").value_or(""), "hi");
  const Key k;
  const std::string p = payload_for(k_image);
  EXPECT_EQ(verify(Signature{p, "***", "", "s", false}, key_of(k), k_image).kind, Verdict::Kind::malformed);
  EXPECT_EQ(verify(Signature{"{}", k.sign_b64("{}"), "", "s", false}, key_of(k), k_image).kind, Verdict::Kind::malformed);
}

// Rekor bundles (the transparency log's signed entry timestamp), checked offline with --rekor-key.

std::string b64_of(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                                      static_cast<int>(bytes.size()))));
  return out;
}

std::string sha256_hex_of(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* k = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += k[md[i] >> 4U];
    out += k[md[i] & 15U];
  }
  return out;
}

/// The log ID of a Rekor key: the sha256 of its DER public key.
std::string log_id_of(const Key& rekor) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(rekor.pkey.get(), &der);
  const std::string out = sha256_hex_of(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  return out;
}

/// A bundle as Rekor returns it for a hashedrekord entry of `signature_b64` over `payload` by
/// `signer`: the entry (body), its time and index, the log's ID, and the log's signed entry
/// timestamp over the canonical JSON of those four.
nlohmann::json bundle_of(const Key& rekor, const Key& signer, const std::string& payload, const std::string& signature_b64,
                         long long integrated = 1796290200, long long index = 42) {
  const nlohmann::json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", sha256_hex_of(payload)}}}}},
        {"signature", {{"content", signature_b64}, {"publicKey", {{"content", b64_of(signer.public_pem())}}}}}}}};
  nlohmann::json p = {{"body", b64_of(body.dump())}, {"integratedTime", integrated}, {"logIndex", index}, {"logID", log_id_of(rekor)}};
  // Keys sorted, compact: the canonical JSON Rekor signs (RFC 8785 for these fields).
  const std::string canonical = R"({"body":")" + p["body"].get<std::string>() + R"(","integratedTime":)" + std::to_string(integrated) +
                                R"(,"logID":")" + p["logID"].get<std::string>() + R"(","logIndex":)" + std::to_string(index) + "}";
  return {{"SignedEntryTimestamp", rekor.sign_b64(canonical)}, {"Payload", p}};
}

struct Logged {
  Key signer, rekor, other_rekor;
  std::string payload = payload_for(k_image);
  std::string signature = signer.sign_b64(payload);

  [[nodiscard]] model::ImageSpec image(const std::string& bundle) const {
    model::ImageSpec img;
    img.manifest_digest = k_image;
    img.signatures.push_back(Signature{payload, signature, "", "layer", !bundle.empty(), bundle});
    return img;
  }
};

TEST(TrustRekor, BundleVerifiesWithTheRekorKey) {
  const Logged l;
  const auto bundle = bundle_of(l.rekor, l.signer, l.payload, l.signature).dump();
  const auto rekor = key_of(l.rekor);
  const auto r = check_image(l.image(bundle), key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::pass) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("its Rekor bundle verifies with the Rekor key ECDSA P-256 key sha256:"));
  EXPECT_THAT(r.evidence, HasSubstr("log index 42, integrated at 2026-12-03T09:30:00Z"));
  EXPECT_THAT(r.evidence, ::testing::Not(HasSubstr("not checked")));
  // Without a Rekor key the same signature passes, saying the log was not checked.
  const auto unchecked = check_image(l.image(bundle), key_of(l.signer));
  EXPECT_EQ(unchecked.status, core::Status::pass) << unchecked.evidence;
  EXPECT_THAT(unchecked.evidence, HasSubstr("the transparency log was not checked (no --rekor-key given)"));
}

TEST(TrustRekor, TamperedSetFails) {
  const Logged l;
  const auto rekor = key_of(l.rekor);
  auto bundle = bundle_of(l.rekor, l.signer, l.payload, l.signature);
  // One character of the signed entry timestamp.
  auto set = bundle["SignedEntryTimestamp"].get<std::string>();
  set[10] = set[10] == 'A' ? 'B' : 'A';
  auto tampered = bundle;
  tampered["SignedEntryTimestamp"] = set;
  auto r = check_image(l.image(tampered.dump()), key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("signed by the ECDSA P-256 key"));
  EXPECT_THAT(r.evidence, HasSubstr("its Rekor bundle's signed entry timestamp does not verify with the Rekor key"));
  // What it signs changed: another time of entry.
  tampered = bundle;
  tampered["Payload"]["integratedTime"] = 1796290201;
  r = check_image(l.image(tampered.dump()), key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("signed entry timestamp does not verify"));
}

TEST(TrustRekor, WrongRekorKeyFails) {
  const Logged l;
  const auto bundle = bundle_of(l.rekor, l.signer, l.payload, l.signature).dump();
  const auto other = key_of(l.other_rekor);
  auto r = check_image(l.image(bundle), key_of(l.signer), &other);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("its Rekor bundle names log " + log_id_of(l.rekor).substr(0, 16) + ", not the log of the Rekor key"));
  // A bundle that claims the other log's ID, signed by the first: the timestamp does not verify.
  auto forged = bundle_of(l.rekor, l.signer, l.payload, l.signature);
  forged["Payload"]["logID"] = log_id_of(l.other_rekor);
  r = check_image(l.image(forged.dump()), key_of(l.signer), &other);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("signed entry timestamp does not verify"));
}

TEST(TrustRekor, MissingBundleFails) {
  const Logged l;
  const auto rekor = key_of(l.rekor);
  const auto r = check_image(l.image(""), key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("it has no Rekor bundle (no `dev.sigstore.cosign/bundle` annotation"));
}

TEST(TrustRekor, BundleOfAnotherEntryFails) {
  const Logged l;
  const auto rekor = key_of(l.rekor);
  // A genuine bundle of another signature of the same payload.
  auto r = check_image(l.image(bundle_of(l.rekor, l.signer, l.payload, l.signer.sign_b64(l.payload)).dump()), key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::fail) << r.evidence;
  EXPECT_THAT(r.evidence, HasSubstr("the entry its Rekor bundle logs is another signature"));
  // Of another payload.
  r = check_image(l.image(bundle_of(l.rekor, l.signer, payload_for(k_other), l.signature).dump()), key_of(l.signer), &rekor);
  EXPECT_THAT(r.evidence, HasSubstr("signs another payload")) << r.evidence;
  // Made with another public key.
  const Key someone;
  r = check_image(l.image(bundle_of(l.rekor, someone, l.payload, l.signature).dump()), key_of(l.signer), &rekor);
  EXPECT_THAT(r.evidence, HasSubstr("was made with another public key")) << r.evidence;
}

TEST(TrustRekor, MalformedBundlesFailWithTheirReason) {
  const Logged l;
  const auto rekor = key_of(l.rekor);
  for (const char* bad : {"x", "[]", "{}", R"({"SignedEntryTimestamp":"AAAA","Payload":{}})",
                          R"({"SignedEntryTimestamp":"AAAA","Payload":{"body":"e30=","integratedTime":"1","logIndex":1,"logID":"a"}})"}) {
    const auto r = check_image(l.image(bad), key_of(l.signer), &rekor);
    EXPECT_EQ(r.status, core::Status::fail) << bad << ": " << r.evidence;
    EXPECT_THAT(r.evidence, HasSubstr("Rekor bundle")) << bad;
  }
  // A `cosign download signature` line keeps its Bundle for the check.
  const auto bundle = bundle_of(l.rekor, l.signer, l.payload, l.signature);
  const nlohmann::json line = {{"Base64Signature", l.signature}, {"Payload", b64_of(l.payload)}, {"Bundle", bundle}};
  auto sigs = parse_downloaded(line.dump() + "\n", "sigs.json");
  ASSERT_TRUE(sigs) << sigs.error().describe();
  model::ImageSpec img;
  img.manifest_digest = k_image;
  img.signatures = *sigs;
  const auto r = check_image(img, key_of(l.signer), &rekor);
  EXPECT_EQ(r.status, core::Status::pass) << r.evidence;
}

}  // namespace
}  // namespace drydock::parse::cosign
