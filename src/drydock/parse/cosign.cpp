#include "drydock/parse/cosign.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <ctime>
#include <cstdint>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/core/time.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/notary.hpp"

namespace drydock::parse::cosign {
namespace {

using core::ErrorKind;
using nlohmann::json;

bool is_sha256_digest(std::string_view d) {
  return d.size() == 71 && d.starts_with("sha256:") && d.find_first_not_of("0123456789abcdef", 7) == std::string_view::npos;
}

/// The string at a key of an object, "" when absent or not a string.
std::string text_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// A JSON object or array, refused before parsing when deeper or larger than a signature is.
core::Expected<json> parse_json(std::string_view text, std::string_view where) {
  const JsonShape shape = json_shape(text);
  if (shape.depth > 32 || shape.values > 100'000)
    return core::fail(ErrorKind::parse, "JSON too deep or too large for a signature", std::string(where));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return core::fail(ErrorKind::parse, "not valid JSON", std::string(where));
  return j;
}

std::string core_join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

std::string sha256_digest(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i)
    out += fmt::format("{:02x}", md[i]);
  return out;
}

std::int64_t asn1_unix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return core::unix_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday),
                               static_cast<unsigned>(tm.tm_hour), static_cast<unsigned>(tm.tm_min),
                               static_cast<unsigned>(tm.tm_sec));
}

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::size_t half) {
  if (half == 0 || raw.size() != 2 * half) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (sig == nullptr) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* out = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &out);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

core::Expected<Payload> parse_payload(std::string_view text) {
  auto doc = parse_json(text, "payload");
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->is_object() || !doc->contains("critical") || !(*doc)["critical"].is_object())
    return core::fail(ErrorKind::parse, "not a simple-signing payload: no `critical` object");
  const json& critical = (*doc)["critical"];
  Payload p;
  p.type = text_at(critical, "type");
  if (critical.contains("image")) p.manifest_digest = text_at(critical["image"], "docker-manifest-digest");
  if (critical.contains("identity")) p.docker_reference = text_at(critical["identity"], "docker-reference");
  if (p.type.empty()) return core::fail(ErrorKind::parse, "not a simple-signing payload: no `critical.type`");
  if (!is_sha256_digest(p.manifest_digest))
    return core::fail(ErrorKind::parse, "not a simple-signing payload: `critical.image.docker-manifest-digest` is not a sha256 digest");
  return p;
}

core::Expected<std::vector<Signature>> parse_downloaded(std::string_view text, std::string_view path) {
  std::vector<Signature> out;
  int line_number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = fmt::format("{}:{}", path, line_number);
    auto doc = parse_json(line, where);
    if (!doc) return tl::unexpected(doc.error());
    if (!doc->is_object()) return core::fail(ErrorKind::parse, "not a signature object of `cosign download signature`", where);
    Signature s;
    s.signature_b64 = text_at(*doc, "Base64Signature");
    const std::string payload_b64 = text_at(*doc, "Payload");
    if (s.signature_b64.empty() || payload_b64.empty())
      return core::fail(ErrorKind::parse, "a signature without `Base64Signature` or `Payload`", where);
    auto payload = core::base64_decode(payload_b64);
    if (!payload) return core::fail(ErrorKind::parse, "`Payload` is " + payload.error().message, where);
    s.payload = std::move(*payload);
    s.source = where;
    const auto bundle = doc->find("Bundle");
    s.has_bundle = bundle != doc->end() && bundle->is_object();
    if (s.has_bundle) s.bundle = bundle->dump();
    out.push_back(std::move(s));
  }
  if (out.empty()) return core::fail(ErrorKind::parse, "no signature in the file (`cosign download signature` writes one per line)", std::string(path));
  return out;
}

core::Expected<PublicKey> PublicKey::from_pem(std::string_view pem, std::string_view path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio || pem.size() > (1U << 20U)) return core::fail(ErrorKind::parse, "cannot read the key", std::string(path));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr)
    return core::fail(ErrorKind::parse, "not a PEM public key (-----BEGIN PUBLIC KEY-----, as cosign.pub)", std::string(path));
  PublicKey k;
  k.m_key = key;
  const int id = EVP_PKEY_get_base_id(key);
  const int bits = EVP_PKEY_get_bits(key);
  std::string kind = id == EVP_PKEY_EC ? (bits == 256 ? std::string("ECDSA P-256") : fmt::format("ECDSA {}-bit", bits))
                     : id == EVP_PKEY_RSA ? fmt::format("RSA {}", bits)
                                          : fmt::format("{} {}-bit", OBJ_nid2sn(id), bits);
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  std::string fingerprint;
  if (len > 0) {
    fingerprint = sha256_digest(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
  }
  k.m_description = fmt::format("{} key {}", kind, fingerprint.substr(0, 19));
  if (fingerprint.size() > 7) k.m_fingerprint = fingerprint.substr(7);
  core::Expected<PublicKey> out(std::move(k));
  return out;
}

PublicKey::PublicKey(PublicKey&& o) noexcept
    : m_key(o.m_key), m_description(std::move(o.m_description)), m_fingerprint(std::move(o.m_fingerprint)) {
  o.m_key = nullptr;
}

PublicKey& PublicKey::operator=(PublicKey&& o) noexcept {
  if (this != &o) {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(m_key));
    m_key = o.m_key;
    o.m_key = nullptr;
    m_description = std::move(o.m_description);
    m_fingerprint = std::move(o.m_fingerprint);
  }
  return *this;
}

PublicKey::~PublicKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(m_key)); }

bool PublicKey::verifies(std::string_view message, std::string_view der_signature) const {
  if (m_key == nullptr) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(m_key)) != 1) return false;
  const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()), der_signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size());
  return rc == 1;
}

Verdict verify(const Signature& s, const PublicKey& key, std::string_view manifest_digest) {
  using K = Verdict::Kind;
  if (!s.payload_digest.empty()) {
    const std::string actual = sha256_digest(s.payload);
    if (actual != s.payload_digest)
      return {K::tampered_payload,
              fmt::format("{}: the payload was altered: its bytes hash to {}, the signature manifest says {}", s.source, actual,
                          s.payload_digest)};
  }
  auto der = core::base64_decode(s.signature_b64);
  if (!der || der->empty()) return {K::malformed, fmt::format("{}: the signature is not base64", s.source)};
  if (!key.verifies(s.payload, *der))
    return {K::bad_signature, fmt::format("{}: the signature does not verify with the {} (signed by another key, or the payload "
                                          "was changed after signing)",
                                          s.source, key.description())};
  auto payload = parse_payload(s.payload);
  if (!payload) return {K::malformed, fmt::format("{}: signed, but {}", s.source, payload.error().message)};
  if (payload->manifest_digest != manifest_digest)
    return {K::wrong_digest,
            fmt::format("{}: a valid signature of another image: it signs {}{}, this image is {}", s.source, payload->manifest_digest,
                        payload->docker_reference.empty() ? "" : " (" + payload->docker_reference + ")", manifest_digest)};
  if (payload->type != "cosign container image signature")
    return {K::malformed, fmt::format("{}: signed, but its critical.type is `{}`, not a container image signature", s.source,
                                      payload->type)};
  return {K::valid, fmt::format("{}: signed by the {} for {}", s.source, key.description(), manifest_digest)};
}

BundleVerdict verify_bundle(const Signature& s, const PublicKey& key, const PublicKey& rekor) {
  const auto no = [](std::string why) { return BundleVerdict{false, std::move(why)}; };
  if (s.bundle.empty())
    return no(fmt::format("it has no Rekor bundle (no `{}` annotation, no `Bundle` in `cosign download signature` output): "
                          "nothing shows that it was logged",
                          k_bundle_annotation));
  auto doc = parse_json(s.bundle, "bundle");
  if (!doc || !doc->is_object()) return no("its Rekor bundle is not a JSON object");
  const std::string set_b64 = text_at(*doc, "SignedEntryTimestamp");
  const auto payload = doc->find("Payload");
  if (set_b64.empty() || payload == doc->end() || !payload->is_object())
    return no("its Rekor bundle has no SignedEntryTimestamp or no Payload");
  const std::string body_b64 = text_at(*payload, "body");
  const std::string log_id = text_at(*payload, "logID");
  const auto integrated = payload->find("integratedTime");
  const auto index = payload->find("logIndex");
  if (body_b64.empty() || log_id.empty() || integrated == payload->end() || !integrated->is_number_integer() ||
      index == payload->end() || !index->is_number_integer())
    return no("its Rekor bundle's Payload lacks body, integratedTime, logIndex or logID");
  if (log_id != rekor.fingerprint())
    return no(fmt::format("its Rekor bundle names log {}, not the log of the Rekor key {} (another transparency log, or "
                          "another Rekor key)",
                          log_id.substr(0, 16), rekor.description()));
  // What Rekor signs: the canonical JSON (keys sorted, compact) of these four fields alone.
  const json signed_fields = {{"body", body_b64}, {"integratedTime", *integrated}, {"logID", log_id}, {"logIndex", *index}};
  const std::string canonical = notary::canonical_json(signed_fields.dump());
  const auto set = core::base64_decode(set_b64);
  if (!set || set->empty() || !rekor.verifies(canonical, *set))
    return no(fmt::format("its Rekor bundle's signed entry timestamp does not verify with the Rekor key {} (the entry, its "
                          "time or index was altered, or the timestamp is not that log's)",
                          rekor.description()));
  // The entry the log signed must be this signature of this payload by this key.
  const auto body_text = core::base64_decode(body_b64);
  auto body = body_text ? parse_json(*body_text, "bundle body") : core::Expected<json>(json());
  if (!body || !body->is_object() || !body->contains("spec") || !(*body)["spec"].is_object())
    return no("the entry its Rekor bundle logs is not JSON with a `spec`");
  const std::string kind = text_at(*body, "kind");
  if (kind != "hashedrekord" && kind != "rekord")
    return no(fmt::format("the entry its Rekor bundle logs is a `{}`, not a signature (hashedrekord)", kind.substr(0, 40)));
  const json& spec = (*body)["spec"];
  const json signature = spec.contains("signature") ? spec["signature"] : json();
  const json hash = spec.contains("data") && spec["data"].is_object() && spec["data"].contains("hash") ? spec["data"]["hash"] : json();
  const auto logged_sig = core::base64_decode(text_at(signature, "content"));
  const auto our_sig = core::base64_decode(s.signature_b64);
  if (!logged_sig || !our_sig || *logged_sig != *our_sig) return no("the entry its Rekor bundle logs is another signature");
  const std::string payload_hash = sha256_digest(s.payload).substr(7);
  if (text_at(hash, "algorithm") != "sha256" || text_at(hash, "value") != payload_hash)
    return no("the entry its Rekor bundle logs signs another payload (its sha256 differs)");
  const json public_key = signature.contains("publicKey") ? signature["publicKey"] : json();
  const auto logged_pem = core::base64_decode(text_at(public_key, "content"));
  bool same_key = false;
  if (logged_pem) {
    const auto logged_key = PublicKey::from_pem(*logged_pem, "bundle");
    same_key = logged_key && logged_key->fingerprint() == key.fingerprint();
  }
  if (!same_key)
    return no("the entry its Rekor bundle logs was made with another public key");
  return {true, fmt::format("its Rekor bundle verifies with the Rekor key {}: log index {}, integrated at {}", rekor.description(),
                            index->get<long long>(), core::rfc3339_utc(integrated->get<std::int64_t>()))};
}

model::SignatureCheck check_image(const model::ImageSpec& image, const PublicKey& key, const PublicKey* rekor) {
  using K = Verdict::Kind;
  std::vector<std::string> digests;
  std::string digest_source;
  if (!image.manifest_digest.empty()) {
    digests.push_back(image.manifest_digest);
    digest_source = "its manifest";
  } else {
    for (const auto& d : image.repo_digests) {
      const auto at = d.find('@');
      if (at != std::string::npos) digests.push_back(d.substr(at + 1));
    }
    digest_source = "its RepoDigests";
  }
  if (digests.empty()) {
    return {core::Status::fail,
            "cannot be verified: the engine keeps no registry manifest for an image it built or loaded (RepoDigests is empty), "
            "and a signature signs a manifest digest; verify the OCI layout that was signed, or the image as pulled by digest"};
  }
  if (image.signatures.empty()) {
    return {core::Status::fail,
            fmt::format("no cosign signature found for {} (looked for the sha256-<hex>.sig manifest, `cosign save` kinds and OCI "
                        "referrers; give `cosign download signature` output with --signatures)",
                        core_join(digests))};
  }
  std::vector<std::string> reasons;
  bool all_malformed = true;
  for (const auto& s : image.signatures) {
    Verdict best;
    for (const auto& d : digests) {
      Verdict v = verify(s, key, d);
      if (v.kind == K::valid && rekor == nullptr) {
        return {core::Status::pass,
                fmt::format("{} (digest from {}); the transparency log was not checked (no --rekor-key given)", v.detail,
                            digest_source)};
      }
      if (v.kind == K::valid) {
        const auto logged = verify_bundle(s, key, *rekor);
        if (logged.ok) return {core::Status::pass, fmt::format("{} (digest from {}); {}", v.detail, digest_source, logged.detail)};
        v = {K::unlogged, fmt::format("{}: signed by the {}, but {}", s.source, key.description(), logged.detail)};
      }
      if (best.detail.empty() || (best.kind == K::wrong_digest && v.kind != K::wrong_digest)) best = std::move(v);
    }
    all_malformed = all_malformed && best.kind == K::malformed;
    reasons.push_back(std::move(best.detail));
  }
  std::string evidence = fmt::format("no valid signature for {}: ", core_join(digests));
  for (std::size_t i = 0; i < reasons.size(); ++i)
    evidence += (i == 0 ? "" : "; ") + reasons[i];
  return {all_malformed ? core::Status::error : core::Status::fail, std::move(evidence)};
}

}  // namespace drydock::parse::cosign
