/// Notation signatures checked offline: envelopes built here with OpenSSL (a root CA, an
/// intermediate, a code-signing leaf; ES256 and PS256 JWS signatures) verify against a trust
/// store holding the root; a changed byte, another digest, an untrusted root, an expired
/// certificate or signature, a leaf that is not a code-signing certificate, and malformed
/// headers each give their verdict.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drydock/core/time.hpp"
#include "drydock/parse/notation.hpp"

namespace drydock::parse::notation {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using K = Verdict::Kind;
using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

const std::int64_t k_jan = core::unix_from_civil(2026, 1, 1);
const std::int64_t k_signed = core::unix_from_civil(2026, 6, 1);
const std::int64_t k_now = core::unix_from_civil(2026, 12, 3, 9, 30);
const std::int64_t k_end = core::unix_from_civil(2027, 6, 1);
const std::string k_digest = "sha256:" + std::string(64, 'a');
const std::string k_manifest = "application/vnd.oci.image.manifest.v1+json";
const Descriptor k_image{k_manifest, k_digest, 1234};

PKey ec_key(const char* curve = "P-256") { return {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), &EVP_PKEY_free}; }
PKey rsa_key(std::size_t bits) { return {EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits), &EVP_PKEY_free}; }

std::string b64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string b64url(std::string_view bytes) {
  std::string out = b64(bytes);
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (auto& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string der(const X509* cert) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(cert, &out);
  std::string s(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return s;
}

std::string pem(const X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(n)};
}

/// A certificate for `key` named CN=`cn`, issued by `issuer` (nullptr: self-signed) with
/// `extensions` (nid, OpenSSL config value), valid from `from` to `to`.
Cert make_cert(const std::string& cn, EVP_PKEY* key, const X509* issuer, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, std::string>>& extensions, std::int64_t from = k_jan, std::int64_t to = k_end) {
  Cert cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(from));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(to));
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? const_cast<X509*>(issuer) : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    EXPECT_NE(ext, nullptr) << value;
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return cert;
}

const std::vector<std::pair<int, std::string>> k_ca = {{NID_basic_constraints, "critical,CA:TRUE"},
                                                        {NID_key_usage, "critical,keyCertSign,cRLSign"}};
const std::vector<std::pair<int, std::string>> k_leaf = {{NID_basic_constraints, "CA:FALSE"},
                                                          {NID_key_usage, "critical,digitalSignature"},
                                                          {NID_ext_key_usage, "codeSigning"}};

/// A root, an intermediate and a leaf (its key type chosen), and the JWS envelopes they sign.
struct Pki {
  PKey root_key = ec_key();
  PKey mid_key = ec_key();
  PKey leaf_key;
  Cert root{nullptr, &X509_free};
  Cert mid{nullptr, &X509_free};
  Cert leaf{nullptr, &X509_free};

  explicit Pki(PKey leaf_key_in = ec_key(), const std::vector<std::pair<int, std::string>>& leaf_ext = k_leaf, std::int64_t leaf_to = k_end)
      : leaf_key(std::move(leaf_key_in)) {
    root = make_cert("Test Root", root_key.get(), nullptr, nullptr, k_ca);
    mid = make_cert("Test Intermediate", mid_key.get(), root.get(), root_key.get(), k_ca);
    leaf = make_cert("Test Signer", leaf_key.get(), mid.get(), mid_key.get(), leaf_ext, k_jan, leaf_to);
  }

  [[nodiscard]] TrustStore trust_root() const {
    TrustStore t;
    EXPECT_TRUE(t.add(pem(root.get()), "root.pem"));
    return t;
  }

  [[nodiscard]] std::vector<std::string> chain() const { return {b64(der(leaf.get())), b64(der(mid.get())), b64(der(root.get()))}; }

  /// The raw JWS signature of `input` with the leaf's key, as `alg` says.
  [[nodiscard]] std::string sign(const std::string& alg, const std::string& input) const {
    const EVP_MD* md = alg.ends_with("256") ? EVP_sha256() : alg.ends_with("384") ? EVP_sha384() : EVP_sha512();
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, leaf_key.get());
    if (alg.starts_with("PS")) {
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    std::size_t len = 0;
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    sig.resize(len);
    if (!alg.starts_with("ES")) return sig;
    // DER ECDSA-Sig-Value to JWS's fixed-size r || s.
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    const int half = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
    std::string raw(static_cast<std::size_t>(2 * half), '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), half);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + half, half);
    ECDSA_SIG_free(es);
    return raw;
  }
};

json header(const std::string& alg = "ES256", std::int64_t signed_at = k_signed) {
  return {{"alg", alg},
          {"cty", "application/vnd.cncf.notary.payload.v1+json"},
          {"io.cncf.notary.signingScheme", "notary.x509"},
          {"io.cncf.notary.signingTime", core::rfc3339_utc(signed_at)},
          {"crit", {"io.cncf.notary.signingScheme"}}};
}

std::string payload(const std::string& digest = k_digest, const std::string& media = k_manifest, std::int64_t size = 1234) {
  return json{{"targetArtifact", {{"mediaType", media}, {"digest", digest}, {"size", size}}}}.dump();
}

/// A JWS envelope signed by `pki`'s leaf over `protected_header` and `payload_text`.
std::string envelope(const Pki& pki, const json& protected_header = header(), const std::string& payload_text = payload(),
                     std::vector<std::string> x5c = {}) {
  const std::string p = b64url(protected_header.dump());
  const std::string q = b64url(payload_text);
  const std::string sig = pki.sign(protected_header["alg"].get<std::string>(), p + "." + q);
  if (x5c.empty()) x5c = pki.chain();
  return json{{"payload", q}, {"protected", p}, {"header", {{"x5c", x5c}, {"io.cncf.notary.signingAgent", "test/1"}}},
              {"signature", b64url(sig)}}
      .dump();
}

model::NotationSignature sig(std::string env, std::string media = std::string(k_jws), std::string digest = "") {
  return {std::move(env), std::move(media), std::move(digest), "sig.jws"};
}

TEST(TrustNotation, SignedByATrustedChainVerifies) {
  const Pki pki;
  const auto v = verify(sig(envelope(pki)), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("signed by CN=Test Signer (chain to trusted CN=Test Root), ES256"));
  EXPECT_THAT(v.detail, HasSubstr("signing time 2026-06-01T00:00:00Z"));
  EXPECT_EQ(v.subject, "CN=Test Signer");
}

TEST(TrustNotation, RsaPssAndOtherCurvesVerify) {
  const Pki rsa(rsa_key(2048));
  auto v = verify(sig(envelope(rsa, header("PS256"))), rsa.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  const Pki p384(ec_key("P-384"));
  v = verify(sig(envelope(p384, header("ES384"))), p384.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  // alg must be the one of the leaf's key: a P-384 key's signature labelled ES256 is refused.
  v = verify(sig(envelope(p384, header("ES256"))), p384.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::bad_signature) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("algorithm substitution"));
}

TEST(TrustNotation, AChangedByteFailsTheSignatureOrTheEnvelopeDigest) {
  const Pki pki;
  const std::string env = envelope(pki);
  // The payload re-encoded with one byte changed, the signature kept.
  auto doc = json::parse(env);
  std::string changed = payload();
  changed[changed.find("aaaa")] = 'b';
  doc["payload"] = b64url(changed);
  auto v = verify(sig(doc.dump()), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::bad_signature) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("the signature does not verify with the key of signing certificate CN=Test Signer"));
  // The protected header changed (a later expiry) after signing.
  json later = header();
  later["io.cncf.notary.signingTime"] = "2026-06-02T00:00:00Z";
  doc = json::parse(env);
  doc["protected"] = b64url(later.dump());
  EXPECT_EQ(verify(sig(doc.dump()), pki.trust_root(), k_image, k_now).kind, K::bad_signature);
  // The stored envelope is not what the manifest's layer descriptor promised.
  const std::string digest = "sha256:" + std::string(64, 'c');
  v = verify(sig(env, std::string(k_jws), digest), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::tampered_envelope) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("the envelope was altered"));
}

TEST(TrustNotation, APayloadOfAnotherArtifactFails) {
  const Pki pki;
  auto v = verify(sig(envelope(pki, header(), payload("sha256:" + std::string(64, 'e')))), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::wrong_digest) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("a valid signature of another artifact: it signs sha256:eeee"));
  v = verify(sig(envelope(pki, header(), payload(k_digest, "application/vnd.oci.image.index.v1+json"))), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::wrong_digest) << v.detail;
  v = verify(sig(envelope(pki, header(), payload(k_digest, k_manifest, 99))), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::wrong_digest) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("of 99 bytes"));
  // Only the digest known (drydock verify --digest): it is compared alone, and the evidence says so.
  v = verify(sig(envelope(pki, header(), payload(k_digest, k_manifest, 99))), pki.trust_root(), Descriptor{"", k_digest, -1}, k_now);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("media type and size were not known"));
}

TEST(TrustNotation, ARootOutsideTheTrustStoreFails) {
  const Pki pki;
  const Pki other;
  auto v = verify(sig(envelope(pki)), other.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::untrusted) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("no certificate of its chain (root CN=Test Root) is in the trust store (1 certificate)"));
  // Trusting the intermediate trusts what it issued (as notation does).
  TrustStore mid;
  ASSERT_TRUE(mid.add(pem(pki.mid.get()), "mid.pem"));
  EXPECT_EQ(verify(sig(envelope(pki)), mid, k_image, k_now).kind, K::valid);
}

TEST(TrustNotation, ExpiredCertificatesAndSignaturesFail) {
  // The leaf expires before --now: notary.x509 without an authentic time needs it valid now.
  const Pki pki(ec_key(), k_leaf, core::unix_from_civil(2026, 9, 1));
  auto v = verify(sig(envelope(pki)), pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::expired) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("certificate CN=Test Signer expired at 2026-09-01T00:00:00Z, before now (2026-12-03T09:30:00Z)"));
  EXPECT_EQ(verify(sig(envelope(pki)), pki.trust_root(), k_image, core::unix_from_civil(2026, 8, 1)).kind, K::valid);
  // Signed after the leaf expired.
  v = verify(sig(envelope(pki, header("ES256", core::unix_from_civil(2026, 10, 1)))), pki.trust_root(), k_image,
             core::unix_from_civil(2026, 8, 1));
  EXPECT_EQ(v.kind, K::expired) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("before the signing time"));
  // The signature's own expiry.
  const Pki fresh;
  json h = header();
  h["io.cncf.notary.expiry"] = "2026-11-01T00:00:00Z";
  h["crit"] = {"io.cncf.notary.signingScheme", "io.cncf.notary.expiry"};
  v = verify(sig(envelope(fresh, h)), fresh.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::expired) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("expired at 2026-11-01T00:00:00Z (now 2026-12-03T09:30:00Z)"));
  v = verify(sig(envelope(fresh, h)), fresh.trust_root(), k_image, core::unix_from_civil(2026, 10, 1));
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("expires 2026-11-01T00:00:00Z"));
}

TEST(TrustNotation, TheLeafMustBeACodeSigningCertificate) {
  // A TLS server certificate (extended key usage serverAuth, not codeSigning).
  const Pki tls(ec_key(), {{NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "serverAuth"}});
  auto v = verify(sig(envelope(tls)), tls.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::invalid_certificate) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("its extended key usage is TLS Web Server Authentication, not code signing"));
  // No key usage at all; key usage not critical; keyEncipherment besides; a CA as the leaf.
  for (const auto& ext : std::vector<std::vector<std::pair<int, std::string>>>{
           {{NID_ext_key_usage, "codeSigning"}},
           {{NID_key_usage, "digitalSignature"}},
           {{NID_key_usage, "critical,digitalSignature,keyEncipherment"}},
           {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_key_usage, "critical,digitalSignature"}}}) {
    const Pki bad(ec_key(), ext);
    v = verify(sig(envelope(bad)), bad.trust_root(), k_image, k_now);
    EXPECT_EQ(v.kind, K::invalid_certificate) << v.detail;
  }
  // The specification makes the extended key usage optional: without it the leaf is accepted.
  const Pki plain(ec_key(), {{NID_key_usage, "critical,digitalSignature"}});
  EXPECT_EQ(verify(sig(envelope(plain)), plain.trust_root(), k_image, k_now).kind, K::valid);
}

TEST(TrustNotation, TheChainMustBeOrderedAndIssuedByCAs) {
  const Pki pki;
  // Intermediate and root swapped.
  auto v = verify(sig(envelope(pki, header(), payload(), {b64(der(pki.leaf.get())), b64(der(pki.root.get())), b64(der(pki.mid.get()))})),
                  pki.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::invalid_certificate) << v.detail;
  // No root at the end.
  v = verify(sig(envelope(pki, header(), payload(), {b64(der(pki.leaf.get())), b64(der(pki.mid.get()))})), pki.trust_root(), k_image,
             k_now);
  EXPECT_EQ(v.kind, K::invalid_certificate) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("not a self-signed root"));
  // An intermediate that is not a CA.
  Pki weak;
  weak.mid = make_cert("Not A CA", weak.mid_key.get(), weak.root.get(), weak.root_key.get(), {{NID_key_usage, "critical,keyCertSign"}});
  weak.leaf = make_cert("Test Signer", weak.leaf_key.get(), weak.mid.get(), weak.mid_key.get(), k_leaf);
  v = verify(sig(envelope(weak)), weak.trust_root(), k_image, k_now);
  EXPECT_EQ(v.kind, K::invalid_certificate) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("not a CA"));
  // A self-signed code-signing certificate alone, trusted as itself.
  PKey key = ec_key();
  const Cert self = make_cert("Self Signer", key.get(), nullptr, nullptr, k_leaf);
  Pki single;
  single.leaf_key = std::move(key);
  TrustStore t;
  ASSERT_TRUE(t.add(pem(self.get()), "self.pem"));
  v = verify(sig(envelope(single, header(), payload(), {b64(der(self.get()))})), t, k_image, k_now);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
}

TEST(TrustNotation, HeadersAreCheckedAsTheSpecificationSays) {
  const Pki pki;
  const auto kind_with = [&](json h) { return verify(sig(envelope(pki, h)), pki.trust_root(), k_image, k_now); };
  json h = header();
  h.erase("crit");
  EXPECT_THAT(kind_with(h).detail, HasSubstr("no `crit` list"));
  h = header();
  h["io.cncf.notary.expiry"] = "2027-01-01T00:00:00Z";
  EXPECT_THAT(kind_with(h).detail, HasSubstr("`io.cncf.notary.expiry` is present but not listed in `crit`"));
  h = header();
  h["com.example.policy"] = "x";
  h["crit"] = {"io.cncf.notary.signingScheme", "com.example.policy"};
  EXPECT_THAT(kind_with(h).detail, HasSubstr("the critical header `com.example.policy` is unknown"));
  h = header();
  h["crit"] = {"io.cncf.notary.signingScheme", "io.cncf.notary.expiry"};
  EXPECT_THAT(kind_with(h).detail, HasSubstr("which the protected header does not have"));
  h = header();
  h["cty"] = "application/json";
  EXPECT_THAT(kind_with(h).detail, HasSubstr("cty is `application/json`"));
  h = header();
  h["io.cncf.notary.signingScheme"] = "notary.default";
  EXPECT_THAT(kind_with(h).detail, HasSubstr("unsupported signing scheme"));
  h = header();
  h.erase("io.cncf.notary.signingTime");
  EXPECT_THAT(kind_with(h).detail, HasSubstr("no `io.cncf.notary.signingTime`"));
  EXPECT_EQ(kind_with(h).kind, K::malformed);
  // A non-critical extended header is informational.
  h = header();
  h["com.example.note"] = "hello";
  EXPECT_EQ(kind_with(h).kind, K::valid);
  // A verification plugin cannot run here.
  h = header();
  h["io.cncf.notary.verificationPlugin"] = "com.example.plugin";
  h["crit"] = {"io.cncf.notary.signingScheme", "io.cncf.notary.verificationPlugin"};
  EXPECT_EQ(kind_with(h).kind, K::unsupported);
}

TEST(TrustNotation, MalformedEnvelopesAreErrorsNeverCrashes) {
  const Pki pki;
  const TrustStore trust = pki.trust_root();
  for (const std::string& bad : std::vector<std::string>{"", "{", "[]", "null", R"({"payload":"e30","protected":"e30","signature":"AA"})",
        R"({"payload":"e30","protected":"e30","signature":"AA","header":{"x5c":[]}})",
        R"({"payload":"e30","protected":"e30","signature":"AA","header":{"x5c":["!!"]}})",
        R"({"payload":"e30","protected":"e30","signature":"AA","header":{"x5c":["AAAA"]}})",
        R"({"payload":"e30=","protected":"e30","signature":"AA","header":{"x5c":["AAAA"]}})",
        R"({"signatures":[],"payload":"e30"})", std::string(100, '[')}) {
    const auto v = verify(sig(bad), trust, k_image, k_now);
    EXPECT_EQ(v.kind, K::malformed) << bad << ": " << v.detail;
  }
  auto v = verify(sig(envelope(pki), std::string(k_cose)), trust, k_image, k_now);
  EXPECT_EQ(v.kind, K::unsupported) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("COSE envelope (application/cose), which drydock does not verify"));
  // The payload is signed but is no Notary Project payload.
  v = verify(sig(envelope(pki, header(), R"({"subject":"x"})")), trust, k_image, k_now);
  EXPECT_EQ(v.kind, K::malformed) << v.detail;
  EXPECT_THAT(v.detail, HasSubstr("signed, but the payload has no `targetArtifact`"));
  EXPECT_FALSE(parse_payload(R"({"targetArtifact":{"digest":"sha256:x","mediaType":"m","size":-1}})"));
}

TEST(TrustNotation, TheImagesVerdict) {
  const Pki pki;
  model::ImageSpec img;
  img.manifest_digest = k_digest;
  img.manifest_media_type = k_manifest;
  img.manifest_size = 1234;
  auto check = check_image(img, pki.trust_root(), k_now);
  EXPECT_EQ(check.status, core::Status::fail);
  EXPECT_THAT(check.evidence, HasSubstr("no Notation signature found for " + k_digest));
  img.notation_signatures.push_back(sig("{"));
  EXPECT_EQ(check_image(img, pki.trust_root(), k_now).status, core::Status::error);
  img.notation_signatures.push_back(sig(envelope(pki, header(), payload("sha256:" + std::string(64, 'e')))));
  check = check_image(img, pki.trust_root(), k_now);
  EXPECT_EQ(check.status, core::Status::fail);
  EXPECT_THAT(check.evidence, HasSubstr("malformed JWS envelope"));
  EXPECT_THAT(check.evidence, HasSubstr("another artifact"));
  img.notation_signatures.push_back(sig(envelope(pki)));
  check = check_image(img, pki.trust_root(), k_now);
  EXPECT_EQ(check.status, core::Status::pass) << check.evidence;
  EXPECT_THAT(check.evidence, HasSubstr("signed by CN=Test Signer"));
  // An engine image without a manifest digest: its RepoDigests, media type and size unknown.
  model::ImageSpec pulled;
  pulled.repo_digests = {"registry.example/app@" + k_digest};
  pulled.notation_signatures = {sig(envelope(pki))};
  EXPECT_EQ(check_image(pulled, pki.trust_root(), k_now).status, core::Status::pass);
  pulled.repo_digests.clear();
  EXPECT_THAT(check_image(pulled, pki.trust_root(), k_now).evidence, HasSubstr("cannot be verified"));
}

std::string notation_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/notation/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TrustNotation, AnEnvelopeSignedByTheOpensslCliVerifies) {
  // tests/data/notation/make.sh: RSA 2048 keys, PS256 signed by `openssl dgst`, a 10-year chain.
  TrustStore t;
  ASSERT_TRUE(t.add(notation_fixture("root.pem"), "root.pem"));
  const std::string env = notation_fixture("envelope.jws");
  auto parsed = parse_jws(env);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  const std::int64_t at = parsed->signing_time + 60;
  auto v = verify(sig(env), t, k_image, at);
  EXPECT_EQ(v.kind, K::valid) << v.detail;
  EXPECT_EQ(v.subject, "CN=drydock fixture signer");
  EXPECT_EQ(parse_payload(notation_fixture("payload.json"))->digest, k_digest);
  // The same envelope with a character of its signature changed.
  auto doc = json::parse(env);
  std::string s = doc["signature"].get<std::string>();
  s[s.size() / 2] = s[s.size() / 2] == 'A' ? 'B' : 'A';
  doc["signature"] = s;
  EXPECT_EQ(verify(sig(doc.dump()), t, k_image, at).kind, K::bad_signature);
}

TEST(TrustNotation, TrustStoreFilesAndBase64url) {
  const Pki pki;
  TrustStore t;
  auto added = t.add(pem(pki.root.get()) + pem(pki.mid.get()), "bundle.pem");
  ASSERT_TRUE(added) << added.error().describe();
  EXPECT_EQ(*added, 2U);
  ASSERT_TRUE(t.add(der(pki.leaf.get()), "leaf.cer"));
  EXPECT_EQ(t.size(), 3U);
  EXPECT_EQ(t.find(der(pki.mid.get())), "CN=Test Intermediate");
  auto none = t.add("not a certificate", "notes.txt");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().where, "notes.txt");
  const std::string bytes("\xff\xfe\x00x>?", 6);
  EXPECT_EQ(base64url_decode(b64url(bytes)).value_or("x"), bytes);
  EXPECT_FALSE(base64url_decode("aGk="));
  EXPECT_FALSE(base64url_decode("a+b/"));
  EXPECT_TRUE(looks_like_jws(envelope(pki)));
  EXPECT_FALSE(looks_like_jws(R"({"Base64Signature":"AA","Payload":"e30"})"));
}

}  // namespace
}  // namespace drydock::parse::notation
