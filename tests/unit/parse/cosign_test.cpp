/// cosign signatures checked offline: a payload signed the way cosign signs it (ECDSA P-256,
/// SHA-256, base64 DER) verifies; a changed byte, another digest and another key each fail with
/// their reason; malformed inputs are errors, never crashes.

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_FALSE(base64_decode("A"));
  EXPECT_EQ(base64_decode("aGk=").value_or(""), "hi");
  const Key k;
  const std::string p = payload_for(k_image);
  EXPECT_EQ(verify(Signature{p, "***", "", "s", false}, key_of(k), k_image).kind, Verdict::Kind::malformed);
  EXPECT_EQ(verify(Signature{"{}", k.sign_b64("{}"), "", "s", false}, key_of(k), k_image).kind, Verdict::Kind::malformed);
}

}  // namespace
}  // namespace drydock::parse::cosign
