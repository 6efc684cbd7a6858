#include "drydock/parse/notation.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/core/time.hpp"
#include "drydock/parse/cosign.hpp"
#include "drydock/parse/engine.hpp"

namespace drydock::parse::notation {
namespace {

using core::ErrorKind;
using nlohmann::json;
using sv = std::string_view;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

constexpr std::string_view k_scheme_x509 = "notary.x509";
constexpr std::string_view k_scheme_authority = "notary.x509.signingAuthority";
constexpr const char* k_h_scheme = "io.cncf.notary.signingScheme";
constexpr const char* k_h_signing_time = "io.cncf.notary.signingTime";
constexpr const char* k_h_authentic_time = "io.cncf.notary.authenticSigningTime";
constexpr const char* k_h_expiry = "io.cncf.notary.expiry";
constexpr const char* k_h_plugin = "io.cncf.notary.verificationPlugin";
constexpr const char* k_h_plugin_version = "io.cncf.notary.verificationPluginMinVersion";

core::Expected<json> parse_json(sv text, sv what) {
  const JsonShape shape = json_shape(text);
  if (shape.depth > 16 || shape.values > 10'000)
    return core::fail(ErrorKind::parse, fmt::format("{} is JSON too deep or too large for a signature", what));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return core::fail(ErrorKind::parse, fmt::format("{} is not valid JSON", what));
  return j;
}

const json* field(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

/// The string at `key`: nullopt when absent, an error when not a string.
core::Expected<std::optional<std::string>> optional_text(const json& j, const char* key, sv what) {
  const json* f = field(j, key);
  if (f == nullptr) return std::optional<std::string>();
  if (!f->is_string()) return core::fail(ErrorKind::parse, fmt::format("{} `{}` is not a string", what, key));
  return std::optional<std::string>(f->get<std::string>());
}

/// "CN=leaf,O=Example" (RFC 2253), for evidence.
std::string subject_of(const X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) return "(unreadable subject)";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, static_cast<std::size_t>(std::max(0L, n)));
  return out.empty() ? std::string("(empty subject)") : out.substr(0, 200);
}

std::string der_of(const X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

/// One DER certificate, all of its bytes.
Cert parse_der(sv der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())), &X509_free);
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) cert.reset();
  return cert;
}

const EVP_MD* md_of(sv alg) {
  if (alg.ends_with("256")) return EVP_sha256();
  if (alg.ends_with("384")) return EVP_sha384();
  return EVP_sha512();
}

/// The alg a key must sign with (the Notary Project's key specs), or "" when it is not one:
/// RSA 2048/3072/4096 -> PS256/384/512, EC P-256/384/521 -> ES256/384/512.
std::string alg_for_key(EVP_PKEY* key, std::string& described) {
  const int id = EVP_PKEY_get_base_id(key);
  const int bits = EVP_PKEY_get_bits(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    described = fmt::format("RSA {}", bits);
    if (bits == 2048) return "PS256";
    if (bits == 3072) return "PS384";
    if (bits == 4096) return "PS512";
    return {};
  }
  if (id == EVP_PKEY_EC) {
    std::array<char, 64> group{};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &len) != 1) return {};
    const std::string name(group.data(), len);
    described = fmt::format("EC {}", name);
    if (name == "prime256v1" || name == "P-256") return "ES256";
    if (name == "secp384r1" || name == "P-384") return "ES384";
    if (name == "secp521r1" || name == "P-521") return "ES512";
    return {};
  }
  described = OBJ_nid2sn(id);
  return {};
}

/// The JWS signature over `input` by `key` with `alg` (ES*: the raw r || s of RFC 7518, turned
/// into DER for OpenSSL; PS*: RSASSA-PSS, MGF1 with the same hash).
bool signature_verifies(EVP_PKEY* key, sv alg, sv input, sv signature) {
  const EVP_MD* md = md_of(alg);
  std::string der;
  if (alg.starts_with("ES")) {
    const std::size_t half = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
    auto converted = cosign::ecdsa_raw_to_der(signature, half);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1) return false;
  if (alg.starts_with("PS")) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
      return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

/// An extension's criticality: -1 when absent.
int critical(const X509* cert, int nid) {
  const int at = X509_get_ext_by_NID(cert, nid, -1);
  if (at < 0) return -1;
  return X509_EXTENSION_get_critical(X509_get_ext(cert, at)) != 0 ? 1 : 0;
}

bool issued_by(X509* cert, X509* issuer) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0) return false;
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  return key != nullptr && X509_verify(cert, key) == 1;
}

/// Why a certificate signed with SHA-1 (or MD5) is refused; "" when its algorithm is fine.
std::string weak_signature(const X509* cert) {
  int md = NID_undef;
  int pk = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk) != 1) return {};
  if (md == NID_sha1 || md == NID_md5) return fmt::format("it is signed with {}, which the Notary Project refuses", OBJ_nid2sn(md));
  return {};
}

/// The leaf's requirements (the signing certificate of notary.x509): "" or why it breaks them.
std::string leaf_problem(X509* cert) {
  const std::uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_INVALID) != 0U) return "its extensions cannot be decoded";
  if ((flags & EXFLAG_BCONS) != 0U && (flags & EXFLAG_CA) != 0U)
    return "it is a CA certificate (basic constraints cA true), not a signing certificate";
  if (critical(cert, NID_key_usage) < 0) return "it has no key usage extension (it must have one, with digitalSignature)";
  if (critical(cert, NID_key_usage) == 0) return "its key usage extension is not marked critical";
  const std::uint32_t ku = X509_get_key_usage(cert);
  if ((ku & KU_DIGITAL_SIGNATURE) == 0U) return "its key usage lacks digitalSignature";
  std::vector<std::string> extra;
  for (const auto& [bit, name] : {std::pair{KU_KEY_ENCIPHERMENT, "keyEncipherment"}, std::pair{KU_DATA_ENCIPHERMENT, "dataEncipherment"},
                                  std::pair{KU_KEY_AGREEMENT, "keyAgreement"}, std::pair{KU_KEY_CERT_SIGN, "keyCertSign"},
                                  std::pair{KU_CRL_SIGN, "cRLSign"}, std::pair{KU_ENCIPHER_ONLY, "encipherOnly"},
                                  std::pair{KU_DECIPHER_ONLY, "decipherOnly"}}) {
    if ((ku & static_cast<std::uint32_t>(bit)) != 0U) extra.emplace_back(name);
  }
  if (!extra.empty()) {
    std::string list;
    for (const auto& e : extra)
      list += (list.empty() ? "" : ", ") + e;
    return fmt::format("its key usage must be digitalSignature only, it also has {}", list);
  }
  if (critical(cert, NID_ext_key_usage) >= 0) {
    int crit = 0;
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, nullptr));
    if (eku == nullptr) return "its extended key usage cannot be decoded";
    std::string refused;
    bool code_signing = false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
      const int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
      if (nid == NID_code_sign) code_signing = true;
      if (nid == NID_server_auth || nid == NID_client_auth || nid == NID_email_protect || nid == NID_time_stamp ||
          nid == NID_OCSP_sign || nid == NID_anyExtendedKeyUsage)
        refused += (refused.empty() ? "" : ", ") + std::string(OBJ_nid2ln(nid));
    }
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    if (!refused.empty())
      return fmt::format("its extended key usage is {}{}, not code signing (a code-signing certificate must not have it)", refused,
                         code_signing ? " besides code signing" : "");
  }
  return {};
}

/// A CA's requirements: basic constraints present, critical, cA true, path length enough for
/// `below` CAs under it; key usage present, critical, with keyCertSign.
std::string ca_problem(X509* cert, long below) {
  const std::uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_INVALID) != 0U) return "its extensions cannot be decoded";
  if ((flags & EXFLAG_BCONS) == 0U || (flags & EXFLAG_CA) == 0U) return "it is not a CA (basic constraints cA is not true)";
  if (critical(cert, NID_basic_constraints) != 1) return "its basic constraints extension is not marked critical";
  const long pathlen = X509_get_pathlen(cert);
  if (pathlen >= 0 && pathlen < below)
    return fmt::format("its path length constraint is {}, and {} CA certificate{} follow{} it", pathlen, below,
                       below == 1 ? "" : "s", below == 1 ? "s" : "");
  if (critical(cert, NID_key_usage) < 0) return "it has no key usage extension";
  if (critical(cert, NID_key_usage) == 0) return "its key usage extension is not marked critical";
  if ((X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) == 0U) return "its key usage lacks keyCertSign";
  return {};
}

/// The chain's structure (notary.x509's certificate requirements): "" or what breaks them.
std::string chain_problem(const std::vector<Cert>& chain) {
  for (const auto& c : chain) {
    if (auto weak = weak_signature(c.get()); !weak.empty()) return fmt::format("certificate {}: {}", subject_of(c.get()), weak);
  }
  if (chain.size() == 1) {
    X509* only = chain.front().get();
    if (!issued_by(only, only))
      return fmt::format("its only certificate, {}, is not self-signed: the chain must end with a root", subject_of(only));
    if (auto p = leaf_problem(only); !p.empty()) return fmt::format("signing certificate {}: {}", subject_of(only), p);
    return {};
  }
  for (std::size_t i = 0; i < chain.size(); ++i) {
    X509* c = chain[i].get();
    const bool self_signed = issued_by(c, c);
    if (i + 1 == chain.size()) {
      if (!self_signed) return fmt::format("the chain ends with {}, which is not a self-signed root", subject_of(c));
    } else {
      if (self_signed)
        return fmt::format("{} certificate {} is self-signed, yet more certificates follow it", i == 0 ? "the signing" : "an intermediate",
                           subject_of(c));
      if (!issued_by(c, chain[i + 1].get()))
        return fmt::format("certificate {} was not issued by the next one in x5c, {}", subject_of(c), subject_of(chain[i + 1].get()));
    }
    const std::string p = i == 0 ? leaf_problem(c) : ca_problem(c, static_cast<long>(i) - 1);
    if (!p.empty()) return fmt::format("{} certificate {}: {}", i == 0 ? "signing" : "CA", subject_of(c), p);
  }
  return {};
}

/// "" when every certificate is valid at `t`, else why not; `expired` tells which.
std::string validity_problem(const std::vector<Cert>& chain, std::int64_t t, sv when, bool& expired) {
  for (const auto& c : chain) {
    const std::int64_t before = cosign::asn1_unix(X509_get0_notBefore(c.get()));
    const std::int64_t after = cosign::asn1_unix(X509_get0_notAfter(c.get()));
    if (t > after) {
      expired = true;
      return fmt::format("certificate {} expired at {}, before {} ({})", subject_of(c.get()), core::rfc3339_utc(after), when,
                         core::rfc3339_utc(t));
    }
    if (t < before) {
      expired = false;
      return fmt::format("certificate {} is valid only from {}, after {} ({})", subject_of(c.get()), core::rfc3339_utc(before), when,
                         core::rfc3339_utc(t));
    }
  }
  return {};
}

bool is_registered_header(sv name) {
  for (sv r : {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}) {
    if (name == r) return true;
  }
  return false;
}

core::Expected<std::int64_t> header_time(const json& header, const char* key) {
  DRYDOCK_TRY(text, optional_text(header, key, "the protected header's"));
  if (!text) return core::fail(ErrorKind::parse, fmt::format("the protected header has no `{}`", key));
  auto t = core::parse_rfc3339(*text);
  if (!t) return core::fail(ErrorKind::parse, fmt::format("the protected header's `{}` is not an RFC 3339 time", key));
  return *t;
}

}  // namespace

core::Expected<std::string> base64url_decode(std::string_view text) {
  if (text.find_first_of("+/=") != sv::npos) return core::fail(ErrorKind::parse, "not base64url: it has `+`, `/` or padding");
  auto out = core::base64_decode(text, core::Base64::url);
  if (!out) return core::fail(ErrorKind::parse, "not base64url");
  return out;
}

core::Expected<Envelope> parse_jws(std::string_view bytes) {
  if (bytes.size() > k_max_envelope_bytes)
    return core::fail(ErrorKind::parse, fmt::format("the envelope is larger than the limit ({} bytes)", k_max_envelope_bytes));
  DRYDOCK_TRY(doc, parse_json(bytes, "the envelope"));
  if (!doc.is_object()) return core::fail(ErrorKind::parse, "the envelope is not a JSON object");
  if (doc.contains("signatures"))
    return core::fail(ErrorKind::parse, "the envelope is general JWS JSON (`signatures`); a Notary Project envelope is flattened");
  Envelope e;
  DRYDOCK_TRY(protected_b64, optional_text(doc, "protected", "the envelope's"));
  DRYDOCK_TRY(payload_b64, optional_text(doc, "payload", "the envelope's"));
  DRYDOCK_TRY(signature_b64, optional_text(doc, "signature", "the envelope's"));
  if (!protected_b64 || !payload_b64 || !signature_b64)
    return core::fail(ErrorKind::parse, "the envelope lacks `protected`, `payload` or `signature`");
  e.protected_b64 = std::move(*protected_b64);
  e.payload_b64 = std::move(*payload_b64);
  auto signature = base64url_decode(*signature_b64);
  if (!signature || signature->empty()) return core::fail(ErrorKind::parse, "the envelope's `signature` is empty or not base64url");
  e.signature = std::move(*signature);
  auto payload = base64url_decode(e.payload_b64);
  if (!payload || payload->empty()) return core::fail(ErrorKind::parse, "the envelope's `payload` is empty or not base64url");
  e.payload = std::move(*payload);

  // The unprotected header: the certificate chain, leaf first, and the optional countersignature.
  const json* header = field(doc, "header");
  if (header == nullptr || !header->is_object()) return core::fail(ErrorKind::parse, "the envelope has no unprotected `header`");
  const json* x5c = field(*header, "x5c");
  if (x5c == nullptr || !x5c->is_array() || x5c->empty())
    return core::fail(ErrorKind::parse, "the unprotected header has no `x5c` certificate chain");
  if (x5c->size() > k_max_certificates)
    return core::fail(ErrorKind::parse, fmt::format("`x5c` has {} certificates, more than the limit ({})", x5c->size(), k_max_certificates));
  for (const auto& c : *x5c) {
    auto der = c.is_string() ? core::base64_decode(c.get<std::string>()) : core::Expected<std::string>(std::string());
    if (!der || der->empty()) return core::fail(ErrorKind::parse, fmt::format("`x5c` entry {} is not base64 DER", e.certificates.size() + 1));
    e.certificates.push_back(std::move(*der));
  }
  DRYDOCK_TRY(timestamp, optional_text(*header, "io.cncf.notary.timestampSignature", "the unprotected header's"));
  e.has_timestamp = timestamp.has_value() && !timestamp->empty();

  // The protected header.
  auto protected_text = base64url_decode(e.protected_b64);
  if (!protected_text) return core::fail(ErrorKind::parse, "the envelope's `protected` is not base64url");
  DRYDOCK_TRY(p, parse_json(*protected_text, "the protected header"));
  if (!p.is_object()) return core::fail(ErrorKind::parse, "the protected header is not a JSON object");
  DRYDOCK_TRY(alg, optional_text(p, "alg", "the protected header's"));
  if (!alg) return core::fail(ErrorKind::parse, "the protected header has no `alg`");
  static const std::set<std::string, std::less<>> k_algs = {"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};
  if (k_algs.count(*alg) == 0)
    return core::fail(ErrorKind::parse, fmt::format("the protected header's alg `{}` is not one the Notary Project allows "
                                                    "(PS256, PS384, PS512, ES256, ES384, ES512)",
                                                    alg->substr(0, 20)));
  e.alg = *alg;
  DRYDOCK_TRY(cty, optional_text(p, "cty", "the protected header's"));
  if (!cty || *cty != k_payload_type)
    return core::fail(ErrorKind::parse, fmt::format("the protected header's cty is `{}`, not `{}`", cty ? cty->substr(0, 80) : "",
                                                    k_payload_type));
  DRYDOCK_TRY(scheme, optional_text(p, k_h_scheme, "the protected header's"));
  if (!scheme) return core::fail(ErrorKind::parse, fmt::format("the protected header has no `{}`", k_h_scheme));
  e.signing_scheme = *scheme;
  if (*scheme == k_scheme_x509) {
    if (p.contains(k_h_authentic_time))
      return core::fail(ErrorKind::parse, fmt::format("`{}` must not be present with the notary.x509 signing scheme", k_h_authentic_time));
    DRYDOCK_TRY(t, header_time(p, k_h_signing_time));
    e.signing_time = t;
  } else if (*scheme == k_scheme_authority) {
    if (p.contains(k_h_signing_time))
      return core::fail(ErrorKind::parse,
                        fmt::format("`{}` must not be present with the notary.x509.signingAuthority signing scheme", k_h_signing_time));
    DRYDOCK_TRY(t, header_time(p, k_h_authentic_time));
    e.signing_time = t;
  } else {
    return core::fail(ErrorKind::parse, fmt::format("unsupported signing scheme `{}` (notary.x509 or notary.x509.signingAuthority)",
                                                    scheme->substr(0, 60)));
  }
  if (p.contains(k_h_expiry)) {
    DRYDOCK_TRY(t, header_time(p, k_h_expiry));
    if (t <= e.signing_time) return core::fail(ErrorKind::parse, "the signature's expiry is not after its signing time");
    e.expiry = t;
  }
  DRYDOCK_TRY(plugin, optional_text(p, k_h_plugin, "the protected header's"));
  if (plugin) e.verification_plugin = plugin->substr(0, 100);

  // crit: present, strings, naming present headers, every critical one drydock must process.
  const json* crit = field(p, "crit");
  if (crit == nullptr || !crit->is_array() || crit->empty())
    return core::fail(ErrorKind::parse, "the protected header has no `crit` list (the Notary Project requires one)");
  std::set<std::string, std::less<>> listed;
  for (const auto& c : *crit) {
    if (!c.is_string()) return core::fail(ErrorKind::parse, "`crit` lists something that is not a string");
    const std::string name = c.get<std::string>();
    if (is_registered_header(name))
      return core::fail(ErrorKind::parse, fmt::format("`crit` lists the registered header `{}`, which it must not", name));
    if (!p.contains(name))
      return core::fail(ErrorKind::parse, fmt::format("`crit` lists `{}`, which the protected header does not have", name.substr(0, 80)));
    static const std::set<std::string, std::less<>> k_known = {k_h_scheme, k_h_authentic_time, k_h_expiry, k_h_plugin, k_h_plugin_version,
                                                                k_h_signing_time};
    if (k_known.count(name) == 0)
      return core::fail(ErrorKind::parse, fmt::format("the critical header `{}` is unknown to drydock (an unknown critical header "
                                                      "fails verification)",
                                                      name.substr(0, 80)));
    listed.insert(name);
  }
  std::vector<std::string> required = {k_h_scheme};
  if (e.expiry) required.emplace_back(k_h_expiry);
  if (e.signing_scheme == k_scheme_authority) required.emplace_back(k_h_authentic_time);
  for (const auto& r : required) {
    if (listed.count(r) == 0) return core::fail(ErrorKind::parse, fmt::format("`{}` is present but not listed in `crit`", r));
  }
  return e;
}

core::Expected<Descriptor> parse_payload(std::string_view text) {
  DRYDOCK_TRY(doc, parse_json(text, "the payload"));
  const json* target = field(doc, "targetArtifact");
  if (target == nullptr || !target->is_object()) return core::fail(ErrorKind::parse, "the payload has no `targetArtifact` descriptor");
  Descriptor d;
  DRYDOCK_TRY(digest, optional_text(*target, "digest", "targetArtifact's"));
  DRYDOCK_TRY(media, optional_text(*target, "mediaType", "targetArtifact's"));
  const json* size = field(*target, "size");
  if (!digest || !media || size == nullptr || !size->is_number_integer() || size->get<std::int64_t>() < 0)
    return core::fail(ErrorKind::parse, "targetArtifact lacks `digest`, `mediaType` or a `size`");
  d.digest = std::move(*digest);
  d.media_type = std::move(*media);
  d.size = size->get<std::int64_t>();
  return d;
}

bool looks_like_jws(std::string_view bytes) {
  if (bytes.size() > k_max_envelope_bytes) return false;
  const JsonShape shape = json_shape(bytes);
  if (shape.depth > 16 || shape.values > 10'000) return false;
  const json doc = json::parse(bytes, nullptr, false);
  return doc.is_object() && doc.contains("protected") && doc.contains("signature") && !doc.contains("Base64Signature");
}

struct TrustStore::Impl {
  std::vector<Cert> certs;
};

TrustStore::TrustStore() : m_impl(std::make_unique<Impl>()) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

std::size_t TrustStore::size() const { return m_impl->certs.size(); }

core::Expected<std::size_t> TrustStore::add(std::string_view bytes, std::string_view where) {
  if (bytes.size() > (std::size_t{4} << 20))
    return core::fail(ErrorKind::parse, "too large for a trust store certificate file", std::string(where));
  std::size_t added = 0;
  if (bytes.find("-----BEGIN") != sv::npos) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())), &BIO_free);
    while (bio) {
      Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
      if (!cert) break;
      m_impl->certs.push_back(std::move(cert));
      ++added;
    }
  } else if (auto cert = parse_der(bytes)) {
    m_impl->certs.push_back(std::move(cert));
    ++added;
  }
  ERR_clear_error();  // the read that ended the loop, or a DER that did not parse
  if (added == 0)
    return core::fail(ErrorKind::parse, "no X.509 certificate in it (a trust store holds PEM or DER certificates)", std::string(where));
  return added;
}

std::optional<std::string> TrustStore::find(std::string_view der) const {
  for (const auto& c : m_impl->certs) {
    if (der_of(c.get()) == der) return subject_of(c.get());
  }
  return std::nullopt;
}

Verdict verify(const model::NotationSignature& s, const TrustStore& trust, const Descriptor& image, std::int64_t now) {
  using K = Verdict::Kind;
  if (s.media_type.empty()) return {K::malformed, fmt::format("{}: no signature envelope", s.source), ""};
  if (s.media_type == k_cose)
    return {K::unsupported,
            fmt::format("{}: a COSE envelope (application/cose), which drydock does not verify: not checked", s.source), ""};
  if (s.media_type != k_jws)
    return {K::unsupported, fmt::format("{}: envelope type `{}` is not a Notary Project envelope drydock verifies", s.source,
                                        s.media_type.substr(0, 80)),
            ""};
  if (!s.envelope_digest.empty()) {
    const std::string actual = cosign::sha256_digest(s.envelope);
    if (actual != s.envelope_digest)
      return {K::tampered_envelope,
              fmt::format("{}: the envelope was altered: its bytes hash to {}, the signature manifest says {}", s.source, actual,
                          s.envelope_digest),
              ""};
  }
  auto envelope = parse_jws(s.envelope);
  if (!envelope) return {K::malformed, fmt::format("{}: malformed JWS envelope: {}", s.source, envelope.error().message), ""};
  const Envelope& e = *envelope;
  if (!e.verification_plugin.empty())
    return {K::unsupported,
            fmt::format("{}: it requires the verification plugin `{}`, which drydock cannot run: not verified", s.source,
                        e.verification_plugin),
            ""};
  std::vector<Cert> chain;
  for (std::size_t i = 0; i < e.certificates.size(); ++i) {
    Cert c = parse_der(e.certificates[i]);
    if (!c) return {K::malformed, fmt::format("{}: `x5c` entry {} is not a DER X.509 certificate", s.source, i + 1), ""};
    chain.push_back(std::move(c));
  }
  X509* leaf = chain.front().get();
  const std::string subject = subject_of(leaf);
  EVP_PKEY* key = X509_get0_pubkey(leaf);
  if (key == nullptr) return {K::malformed, fmt::format("{}: the signing certificate's key cannot be read", s.source), subject};
  std::string key_text;
  const std::string key_alg = alg_for_key(key, key_text);
  if (key_alg.empty())
    return {K::invalid_certificate,
            fmt::format("{}: signing certificate {} has a {} key, not one the Notary Project allows (RSA 2048/3072/4096, EC "
                        "P-256/384/521)",
                        s.source, subject, key_text),
            subject};
  if (key_alg != e.alg)
    return {K::bad_signature,
            fmt::format("{}: the protected header says alg {}, but signing certificate {} has a {} key, which signs {} (algorithm "
                        "substitution)",
                        s.source, e.alg, subject, key_text, key_alg),
            subject};
  const std::string input = e.protected_b64 + "." + e.payload_b64;
  if (!signature_verifies(key, e.alg, input, e.signature))
    return {K::bad_signature,
            fmt::format("{}: the signature does not verify with the key of signing certificate {} (the payload or protected "
                        "header was changed after signing, or another key signed it)",
                        s.source, subject),
            subject};
  if (auto problem = chain_problem(chain); !problem.empty())
    return {K::invalid_certificate, fmt::format("{}: the certificate chain breaks the Notary Project's requirements: {}", s.source, problem),
            subject};
  std::optional<std::string> anchor;
  for (const auto& c : chain) {
    anchor = trust.find(der_of(c.get()));
    if (anchor) break;
  }
  if (!anchor)
    return {K::untrusted,
            fmt::format("{}: signed by {}, but no certificate of its chain (root {}) is in the trust store ({} certificate{})", s.source,
                        subject, subject_of(chain.back().get()), trust.size(), trust.size() == 1 ? "" : "s"),
            subject};
  bool expired = false;
  const sv time_name = e.signing_scheme == k_scheme_authority ? "the authentic signing time" : "the signing time";
  if (auto problem = validity_problem(chain, e.signing_time, time_name, expired); !problem.empty())
    return {expired ? K::expired : K::invalid_certificate, fmt::format("{}: {}", s.source, problem), subject};
  // Without an authentic signing time (notary.x509; a timestamp countersignature is not
  // verified here), every certificate must also be valid now.
  if (e.signing_scheme == k_scheme_x509) {
    if (auto problem = validity_problem(chain, now, "now", expired); !problem.empty())
      return {expired ? K::expired : K::invalid_certificate,
              fmt::format("{}: {}{}", s.source, problem,
                          e.has_timestamp ? " (its RFC 3161 timestamp countersignature is not verified by drydock)" : ""),
              subject};
  }
  if (e.expiry && *e.expiry <= now)
    return {K::expired,
            fmt::format("{}: the signature by {} expired at {} (now {})", s.source, subject, core::rfc3339_utc(*e.expiry),
                        core::rfc3339_utc(now)),
            subject};
  auto target = parse_payload(e.payload);
  if (!target) return {K::malformed, fmt::format("{}: signed, but {}", s.source, target.error().message), subject};
  if (target->digest != image.digest)
    return {K::wrong_digest,
            fmt::format("{}: a valid signature of another artifact: it signs {}, this image is {}", s.source, target->digest.substr(0, 80),
                        image.digest),
            subject};
  if (!image.media_type.empty() && target->media_type != image.media_type)
    return {K::wrong_digest,
            fmt::format("{}: it signs {} as `{}`, but this image's manifest is `{}`", s.source, image.digest,
                        target->media_type.substr(0, 80), image.media_type),
            subject};
  if (image.size >= 0 && target->size != image.size)
    return {K::wrong_digest,
            fmt::format("{}: it signs {} of {} bytes, but this image's manifest is {} bytes", s.source, image.digest, target->size,
                        image.size),
            subject};
  std::string detail = fmt::format("{}: signed by {} (chain to trusted {}), {}, {} {}", s.source, subject, *anchor, e.alg,
                                   e.signing_scheme == k_scheme_authority ? "authentic signing time" : "signing time",
                                   core::rfc3339_utc(e.signing_time));
  if (e.expiry) detail += fmt::format(", expires {}", core::rfc3339_utc(*e.expiry));
  detail += fmt::format(", for {}", image.digest);
  if (image.media_type.empty() || image.size < 0) detail += " (the manifest's media type and size were not known to compare)";
  return {K::valid, std::move(detail), subject};
}

model::SignatureCheck check_image(const model::ImageSpec& image, const TrustStore& trust, std::int64_t now) {
  using K = Verdict::Kind;
  std::vector<Descriptor> targets;
  std::string source;
  if (!image.manifest_digest.empty()) {
    targets.push_back(Descriptor{image.manifest_media_type, image.manifest_digest, image.manifest_size});
    source = "its manifest";
  } else {
    for (const auto& d : image.repo_digests) {
      const auto at = d.find('@');
      if (at != std::string::npos) targets.push_back(Descriptor{"", d.substr(at + 1), -1});
    }
    source = "its RepoDigests";
  }
  std::string digests;
  for (const auto& t : targets)
    digests += (digests.empty() ? "" : ", ") + t.digest;
  if (targets.empty())
    return {core::Status::fail,
            "cannot be verified: the engine keeps no registry manifest for an image it built or loaded (RepoDigests is empty), "
            "and a Notation signature signs a manifest descriptor; verify the OCI layout that was signed"};
  if (image.notation_signatures.empty())
    return {core::Status::fail,
            fmt::format("no Notation signature found for {} (looked for OCI referrers with artifactType {}; give an envelope "
                        "with --signatures)",
                        digests, k_signature_artifact)};
  std::vector<std::string> reasons;
  bool all_unusable = true;
  for (const auto& s : image.notation_signatures) {
    Verdict best;
    for (const auto& t : targets) {
      Verdict v = verify(s, trust, t, now);
      if (v.kind == K::valid) return {core::Status::pass, fmt::format("{} (digest from {})", v.detail, source)};
      if (best.detail.empty() || (best.kind == K::wrong_digest && v.kind != K::wrong_digest)) best = std::move(v);
    }
    all_unusable = all_unusable && (best.kind == K::malformed || best.kind == K::unsupported);
    reasons.push_back(std::move(best.detail));
  }
  std::string evidence = fmt::format("no valid Notation signature for {}: ", digests);
  for (std::size_t i = 0; i < reasons.size(); ++i)
    evidence += (i == 0 ? "" : "; ") + reasons[i];
  return {all_unusable ? core::Status::error : core::Status::fail, std::move(evidence)};
}

}  // namespace drydock::parse::notation
