#pragma once
/// Notary v1 TUF metadata made by the tests themselves: keys generated with OpenSSL (ECDSA
/// P-256, Ed25519, RSA), a self-signed X.509 certificate for the root key, `signed` objects
/// signed over their canonical JSON the way Notary signs them (ECDSA as r||s, eddsa, rsapss),
/// lengths and hashes chained from timestamp to snapshot to root, targets and delegations.
/// Header-only so that unit and integration tests share it.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drydock::test::tuf {

using json = nlohmann::json;

inline std::string b64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

inline std::string sha(std::string_view bytes, const EVP_MD* md = EVP_sha256()) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
  return {reinterpret_cast<const char*>(out), len};
}

inline std::string hex(std::string_view bytes) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += k[c >> 4U];
    out += k[c & 15U];
  }
  return out;
}

/// A key of the metadata, with its private half for signing.
struct Key {
  std::shared_ptr<EVP_PKEY> pkey;
  std::string type;    ///< keytype: ecdsa, ed25519, rsa, ecdsa-x509
  std::string method;  ///< ecdsa, eddsa, rsapss
  std::string public_bytes;

  [[nodiscard]] json to_json() const { return {{"keytype", type}, {"keyval", {{"private", nullptr}, {"public", b64(public_bytes)}}}}; }
  [[nodiscard]] std::string id() const { return hex(sha(to_json().dump())); }

  [[nodiscard]] std::string sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestSignInit(ctx.get(), &pctx, method == "eddsa" ? nullptr : EVP_sha256(), nullptr, pkey.get()) != 1)
      throw std::runtime_error("sign init");
    if (method == "rsapss") {
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    std::size_t len = 0;
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
      throw std::runtime_error("sign");
    sig.resize(len);
    if (method != "ecdsa") return sig;
    // DER to Notary's r||s.
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(s);
    return raw;
  }
};

inline std::string der_public(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(k, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

inline Key ecdsa() {
  Key k{std::shared_ptr<EVP_PKEY>(EVP_EC_gen("P-256"), &EVP_PKEY_free), "ecdsa", "ecdsa", {}};
  k.public_bytes = der_public(k.pkey.get());
  return k;
}

inline Key ed25519() {
  Key k{std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free), "ed25519", "eddsa", {}};
  std::size_t len = 32;
  k.public_bytes.resize(len);
  EVP_PKEY_get_raw_public_key(k.pkey.get(), reinterpret_cast<unsigned char*>(k.public_bytes.data()), &len);
  return k;
}

inline Key rsa() {
  Key k{std::shared_ptr<EVP_PKEY>(EVP_RSA_gen(2048), &EVP_PKEY_free), "rsa", "rsapss", {}};
  k.public_bytes = der_public(k.pkey.get());
  return k;
}

/// An ECDSA P-256 key whose public half is a self-signed certificate valid from `not_before`
/// to `not_after` (Unix seconds), as Notary's root keys are.
inline Key ecdsa_x509(const std::string& gun, std::int64_t not_before, std::int64_t not_after) {
  Key k = ecdsa();
  k.type = "ecdsa-x509";
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(gun.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), k.pkey.get());
  X509_sign(cert.get(), k.pkey.get(), EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  k.public_bytes.assign(data, static_cast<std::size_t>(len));
  return k;
}

/// A signed metadata file: `signed` and its signatures by `signers`, written indented (the
/// verifier must canonicalize, not hash the file's bytes).
inline std::string sign_doc(const json& signed_part, const std::vector<const Key*>& signers) {
  json sigs = json::array();
  for (const auto* k : signers)
    sigs.push_back({{"keyid", k->id()}, {"method", k->method}, {"sig", b64(k->sign(signed_part.dump()))}});
  return json{{"signed", signed_part}, {"signatures", sigs}}.dump(1) + "\n";
}

inline json meta(const std::string& bytes) {
  return {{"length", bytes.size()}, {"hashes", {{"sha256", b64(sha(bytes))}, {"sha512", b64(sha(bytes, EVP_sha512()))}}}};
}

/// A delegated targets role: its name (targets/releases, targets/a/b: the folder above it is the
/// role that delegates it), key, threshold, what it may sign and what it signs.
struct Delegation {
  std::string name;
  Key key;
  int threshold = 1;
  json paths = json::array({""});  ///< null: no `paths` field
  json path_hash_prefixes = nullptr;     ///< null: no `path_hash_prefixes` field
  std::map<std::string, std::string> targets;
  std::int64_t expires = 0;  ///< 0: the repository's
  std::vector<Key> signers;  ///< who signs its file; empty: its key
};

/// A whole repository: root (an X.509 root key), targets, snapshot, timestamp and the delegations
/// (by default one, targets/releases); tweak the fields, then build().
struct Repo {
  std::string gun = "docker.io/team/app";
  std::int64_t issued = 1767225600;           // 2026-01-01
  std::int64_t expires = 1830297600;          // 2028-01-01
  std::int64_t cert_not_after = 2082758400;   // 2036-01-01
  Key root_key, targets_key, snapshot_key, timestamp_key;
  int root_threshold = 1;
  int targets_version = 3;
  std::map<std::string, std::string> tags{{"1.0", std::string(32, '\x11')}, {"latest", std::string(32, '\x22')}};
  std::vector<Delegation> delegations;

  /// A repository for `name`, its root certificate naming it.
  explicit Repo(std::string name = "docker.io/team/app")
      : gun(std::move(name)), root_key(ecdsa_x509(gun, issued, cert_not_after)), targets_key(ecdsa()), snapshot_key(ed25519()),
        timestamp_key(rsa()) {
    delegations.push_back(Delegation{"targets/releases", ecdsa(), 1, json::array({""}), nullptr, {{"1.0", std::string(32, '\x11')}}, 0, {}});
  }

  static std::string time(std::int64_t t) {
    const auto tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  static json target_list(const std::map<std::string, std::string>& t) {
    json out = json::object();
    for (const auto& [name, digest] : t)
      out[name] = {{"length", 1234}, {"hashes", {{"sha256", b64(digest)}}}};
    return out;
  }

  /// The `delegations` object of role `parent`: the keys and roles of the delegations directly
  /// below it.
  [[nodiscard]] json delegations_of(const std::string& parent) const {
    json keys = json::object();
    json roles = json::array();
    for (const auto& d : delegations) {
      if (d.name.substr(0, d.name.rfind('/')) != parent) continue;
      keys[d.key.id()] = d.key.to_json();
      json role{{"name", d.name}, {"keyids", json::array({d.key.id()})}, {"threshold", d.threshold}};
      if (!d.paths.is_null()) role["paths"] = d.paths;
      if (!d.path_hash_prefixes.is_null()) role["path_hash_prefixes"] = d.path_hash_prefixes;
      roles.push_back(role);
    }
    return {{"keys", keys}, {"roles", roles}};
  }

  /// Role name -> file bytes, as the docker CLI caches them under metadata/.
  [[nodiscard]] std::map<std::string, std::string> build() const {
    std::map<std::string, std::string> files;
    json keys = json::object();
    for (const Key* k : {&root_key, &targets_key, &snapshot_key, &timestamp_key})
      keys[k->id()] = k->to_json();
    const auto role = [](const Key& k, int threshold) { return json{{"keyids", json::array({k.id()})}, {"threshold", threshold}}; };
    json root{{"_type", "Root"},
              {"consistent_snapshot", false},
              {"expires", time(expires)},
              {"keys", keys},
              {"roles",
               {{"root", role(root_key, root_threshold)},
                {"targets", role(targets_key, 1)},
                {"snapshot", role(snapshot_key, 1)},
                {"timestamp", role(timestamp_key, 1)}}},
              {"version", 1}};
    files["root"] = sign_doc(root, {&root_key});
    json snapshot_meta = json::object();
    for (const auto& d : delegations) {
      json doc{{"_type", "Targets"}, {"delegations", delegations_of(d.name)},
               {"expires", time(d.expires != 0 ? d.expires : expires)}, {"targets", target_list(d.targets)}, {"version", 2}};
      std::vector<const Key*> by;
      for (const auto& k : d.signers)
        by.push_back(&k);
      if (by.empty()) by.push_back(&d.key);
      files[d.name] = sign_doc(doc, by);
      snapshot_meta[d.name] = meta(files[d.name]);
    }
    json targets{{"_type", "Targets"},
                 {"delegations", delegations_of("targets")},
                 {"expires", time(expires)},
                 {"targets", target_list(tags)},
                 {"version", targets_version}};
    files["targets"] = sign_doc(targets, {&targets_key});
    snapshot_meta["root"] = meta(files["root"]);
    snapshot_meta["targets"] = meta(files["targets"]);
    json snapshot{{"_type", "Snapshot"}, {"expires", time(expires)}, {"meta", snapshot_meta}, {"version", 4}};
    files["snapshot"] = sign_doc(snapshot, {&snapshot_key});
    json timestamp{{"_type", "Timestamp"},
                   {"expires", time(expires)},
                   {"meta", {{"snapshot", meta(files["snapshot"])}}},
                   {"version", 5}};
    files["timestamp"] = sign_doc(timestamp, {&timestamp_key});
    return files;
  }
};

}  // namespace drydock::test::tuf
