#include "drydock/parse/notary.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/core/time.hpp"
#include "drydock/parse/cosign.hpp"

namespace drydock::parse::notary {
namespace {

using json = nlohmann::json;
using sv = std::string_view;
using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

constexpr std::size_t k_max_signatures = 64;
constexpr std::size_t k_max_keys = 256;

const json* field(const json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

std::string text(const json& j, const char* name) {
  const auto* f = field(j, name);
  return f != nullptr && f->is_string() ? f->get<std::string>() : std::string();
}

std::optional<long long> integer(const json& j, const char* name) {
  const auto* f = field(j, name);
  if (f == nullptr || !f->is_number_integer()) return std::nullopt;
  return f->get<long long>();
}

std::string short_id(sv id) { return std::string(id.substr(0, 12)); }

std::string hex(sv bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes)
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

std::string digest(sv bytes, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, md, nullptr);
  return {reinterpret_cast<const char*>(out.data()), len};
}

/// A public key of the metadata, loaded once.
struct Key {
  std::string type;
  PKey pkey{nullptr, &EVP_PKEY_free};
  bool certificate = false;
  std::int64_t not_before = 0, not_after = 0;
  std::string common_name;  ///< the certificate's subject CN ("" when none or not a certificate)
  std::string error;  ///< why it cannot be used
};

Key load_key(const json& k) {
  Key key;
  key.type = text(k, "keytype");
  const auto* val = field(k, "keyval");
  const std::string pub_b64 = val != nullptr ? text(*val, "public") : std::string();
  auto pub = core::base64_decode(pub_b64);
  if (pub_b64.empty() || !pub) {
    key.error = "its public key is not base64";
    return key;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(pub->data());
  if (key.type == "ecdsa" || key.type == "rsa") {
    const unsigned char* p = bytes;
    key.pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(pub->size())));
  } else if (key.type == "ed25519") {
    if (pub->size() == 32) key.pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, pub->size()));
  } else if (key.type == "ecdsa-x509" || key.type == "rsa-x509") {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pub->data(), static_cast<int>(pub->size())), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                                                     &X509_free);
    if (cert) {
      key.certificate = true;
      key.not_before = cosign::asn1_unix(X509_get0_notBefore(cert.get()));
      key.not_after = cosign::asn1_unix(X509_get0_notAfter(cert.get()));
      std::array<char, 256> cn{};
      const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn.data(), static_cast<int>(cn.size()));
      if (n > 0) key.common_name.assign(cn.data(), static_cast<std::size_t>(std::min(n, static_cast<int>(cn.size()) - 1)));
      key.pkey.reset(X509_get_pubkey(cert.get()));
    }
  } else {
    key.error = fmt::format("its key type `{}` is not one Notary uses", key.type);
    return key;
  }
  if (!key.pkey) key.error = fmt::format("its {} public key cannot be read", key.type);
  return key;
}

/// Verifies a signature of `message` by `key` with Notary's `method`.
bool verifies(const Key& key, sv method, sv sig, sv message) {
  if (!key.pkey) return false;
  EVP_PKEY* pkey = key.pkey.get();
  std::string der;
  if (method == "ecdsa") {
    // Notary's ECDSA signatures are r||s, each the size of the curve's order.
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return false;
    const auto half = static_cast<std::size_t>((EVP_PKEY_get_bits(pkey) + 7) / 8);
    auto converted = cosign::ecdsa_raw_to_der(sig, half);
    if (!converted) return false;
    der = std::move(*converted);
    sig = der;
  } else if (method == "eddsa") {
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) return false;
  } else if (method == "rsapss" || method == "rsapkcs1v15") {
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) return false;
  } else {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, method == "eddsa" ? nullptr : EVP_sha256(), nullptr, pkey) != 1) return false;
  if (method == "rsapss") {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)
      return false;
  } else if (method == "rsapkcs1v15") {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

using Keys = std::map<std::string, Key>;

void load_keys(const json* keys, Keys& out, std::string_view whose, model::NotaryRepo& repo) {
  if (keys == nullptr || !keys->is_object()) {
    repo.problems.push_back(fmt::format("{} lists no keys", whose));
    return;
  }
  for (const auto& [id, k] : keys->items()) {
    if (out.size() >= k_max_keys) break;
    out.emplace(id, load_key(k));
  }
}

struct Role {
  std::vector<std::string> keyids;
  long long threshold = 0;
};

std::optional<Role> read_role(const json& r) {
  Role role;
  const auto* ids = field(r, "keyids");
  const auto threshold = integer(r, "threshold");
  if (ids == nullptr || !ids->is_array() || !threshold) return std::nullopt;
  for (const auto& id : *ids) {
    if (id.is_string()) role.keyids.push_back(id.get<std::string>());
  }
  role.threshold = *threshold;
  return role;
}

/// One metadata file, parsed: its document and `signed`.
struct Doc {
  json doc;
  const json* signed_part = nullptr;
};

std::optional<Doc> parse_doc(std::string_view name, const std::string& bytes, const char* type, model::NotaryRepo& repo) {
  Doc d;
  d.doc = json::parse(bytes, nullptr, false);
  if (d.doc.is_discarded() || !d.doc.is_object()) {
    repo.problems.push_back(fmt::format("{}.json is not JSON", name));
    return std::nullopt;
  }
  d.signed_part = field(d.doc, "signed");
  if (d.signed_part == nullptr || !d.signed_part->is_object()) {
    repo.problems.push_back(fmt::format("{}.json has no `signed` object", name));
    return std::nullopt;
  }
  if (text(*d.signed_part, "_type") != type) {
    repo.problems.push_back(fmt::format("{}.json's _type is `{}`, not {}", name, text(*d.signed_part, "_type"), type));
    return std::nullopt;
  }
  if (const auto v = integer(*d.signed_part, "version")) repo.versions.emplace_back(std::string(name), *v);
  return d;
}

/// Signatures of `doc` by the role's keys; true when the threshold of distinct keys is met.
bool check_signatures(std::string_view name, const Doc& d, const Keys& keys, const Role& role, model::NotaryRepo& repo) {
  if (role.threshold < 1) {
    repo.problems.push_back(fmt::format("{}: its threshold is {}, below 1", name, role.threshold));
    return false;
  }
  const std::string message = d.signed_part->dump();
  std::set<std::string> good;
  const auto* sigs = field(d.doc, "signatures");
  std::size_t n = 0;
  if (sigs != nullptr && sigs->is_array()) {
    for (const auto& s : *sigs) {
      if (++n > k_max_signatures) break;
      const std::string id = text(s, "keyid");
      if (std::find(role.keyids.begin(), role.keyids.end(), id) == role.keyids.end()) continue;
      const auto k = keys.find(id);
      if (k == keys.end()) {
        repo.problems.push_back(fmt::format("{}: key {} of the role is not among the listed keys", name, short_id(id)));
        continue;
      }
      if (!k->second.error.empty()) {
        repo.problems.push_back(fmt::format("{}: key {}: {}", name, short_id(id), k->second.error));
        continue;
      }
      auto sig = core::base64_decode(text(s, "sig"));
      if (sig && verifies(k->second, text(s, "method"), *sig, message)) {
        good.insert(id);
      } else {
        repo.problems.push_back(fmt::format("{}: the {} signature by key {} does not verify", name, text(s, "method"), short_id(id)));
      }
    }
  }
  if (static_cast<long long>(good.size()) < role.threshold) {
    repo.problems.push_back(fmt::format("{}: {} valid signature{} from distinct keys, its threshold is {}", name, good.size(),
                                        good.size() == 1 ? "" : "s", role.threshold));
    return false;
  }
  return true;
}

void check_expiry(std::string_view name, const Doc& d, std::int64_t now, model::NotaryRepo& repo) {
  const std::string expires = text(*d.signed_part, "expires");
  const auto t = core::parse_rfc3339(expires);
  if (!t) {
    repo.problems.push_back(fmt::format("{}: its expiry `{}` is not a time", name, expires.substr(0, 40)));
  } else if (now > *t) {
    repo.problems.push_back(fmt::format("{} expired at {}", name, core::rfc3339_utc(*t)));
  }
}

/// The length and hashes `from` signed for `name` against the cached bytes.
void check_meta(std::string_view from, const json& meta, std::string_view name, const std::map<std::string, std::string>& files,
                model::NotaryRepo& repo) {
  const auto* entry = field(meta, std::string(name).c_str());
  if (entry == nullptr) entry = field(meta, (std::string(name) + ".json").c_str());
  if (entry == nullptr) {
    repo.problems.push_back(fmt::format("{} does not list {}", from, name));
    return;
  }
  const auto file = files.find(std::string(name));
  if (file == files.end()) return;  // listed, not cached: nothing to compare
  const auto length = integer(*entry, "length");
  if (!length || *length != static_cast<long long>(file->second.size())) {
    repo.problems.push_back(fmt::format("{}.json is {} bytes, {} says {}", name, file->second.size(), from,
                                        length ? std::to_string(*length) : std::string("nothing")));
  }
  const auto* hashes = field(*entry, "hashes");
  bool any = false;
  for (const auto& [alg, md] : {std::pair<const char*, const EVP_MD*>{"sha256", EVP_sha256()}, {"sha512", EVP_sha512()}}) {
    const auto* h = hashes != nullptr ? field(*hashes, alg) : nullptr;
    if (h == nullptr || !h->is_string()) continue;
    any = true;
    const auto want = core::base64_decode(h->get<std::string>());
    if (!want || *want != digest(file->second, md))
      repo.problems.push_back(fmt::format("the {} of {}.json is not the one {} signed", alg, name, from));
  }
  if (!any) repo.problems.push_back(fmt::format("{} gives no sha256 or sha512 of {}", from, name));
}

/// What a delegation may sign: target names with one of its `paths` as a prefix ("" is every
/// name), or whose sha256 (hex) starts with one of its `path_hash_prefixes`. A role lists one kind
/// or none (then it may sign nothing).
struct Restriction {
  std::vector<std::string> paths;
  std::vector<std::string> hash_prefixes;

  [[nodiscard]] bool allows(sv target) const {
    for (const auto& p : paths) {
      if (target.starts_with(p)) return true;
    }
    if (hash_prefixes.empty()) return false;
    const std::string h = hex(digest(target, EVP_sha256()));
    for (const auto& p : hash_prefixes) {
      if (sv(h).starts_with(p)) return true;
    }
    return false;
  }

  [[nodiscard]] std::string describe() const {
    std::vector<std::string> shown;
    for (const auto& p : paths)
      shown.push_back(fmt::format("path `{}`", p.substr(0, 64)));
    for (const auto& p : hash_prefixes)
      shown.push_back(fmt::format("hash prefix `{}`", p.substr(0, 64)));
    if (shown.empty()) return "no paths";
    if (shown.size() > 4) shown.resize(4), shown.emplace_back("...");
    std::string out;
    for (const auto& x : shown)
      out += (out.empty() ? "" : ", ") + x;
    return out;
  }
};

std::optional<Restriction> read_restriction(std::string_view name, const json& r, model::NotaryRepo& repo) {
  Restriction out;
  const auto* paths = field(r, "paths");
  const auto* prefixes = field(r, "path_hash_prefixes");
  const auto strings = [](const json* a, std::vector<std::string>& into) {
    if (a == nullptr || !a->is_array()) return;
    for (const auto& x : *a) {
      if (x.is_string() && into.size() < k_max_keys) into.push_back(x.get<std::string>());
    }
  };
  strings(paths, out.paths);
  strings(prefixes, out.hash_prefixes);
  if (!out.paths.empty() && !out.hash_prefixes.empty()) {
    repo.problems.push_back(fmt::format("{} is delegated both paths and path_hash_prefixes, which Notary refuses", name));
    return std::nullopt;
  }
  return out;
}

/// The signed targets of a trusted role; in a delegation, only those every delegation above it
/// (`chain`) allows: another is a problem, and not trusted.
void collect_targets(std::string_view role, const json& signed_part, const std::vector<Restriction>& chain, model::NotaryRepo& repo) {
  const auto* targets = field(signed_part, "targets");
  if (targets == nullptr || !targets->is_object()) return;
  for (const auto& item : targets->items()) {
    // Not a structured binding: clang (C++20) cannot capture one in the lambda below.
    const std::string& name = item.key();
    const json& t = item.value();
    const auto refused = std::find_if(chain.begin(), chain.end(), [&](const Restriction& r) { return !r.allows(name); });
    if (refused != chain.end()) {
      repo.problems.push_back(fmt::format("{} signs {}, outside what it is delegated ({}): not trusted", role, name.substr(0, 128),
                                          refused->describe()));
      continue;
    }
    const auto* hashes = field(t, "hashes");
    const std::string b64 = hashes != nullptr ? text(*hashes, "sha256") : std::string();
    const auto raw = core::base64_decode(b64);
    if (b64.empty() || !raw || raw->size() != 32) {
      repo.problems.push_back(fmt::format("{}: target {} has no sha256", role, name));
      continue;
    }
    repo.targets.push_back(model::NotaryTarget{std::string(role), name, "sha256:" + hex(*raw)});
  }
}

constexpr int k_max_depth = 16;

/// Walks the delegations below a targets role, as Notary does: a role delegated by `parent` is
/// named `parent/NAME`; its keys and threshold are the parent's `delegations`; it is trusted when
/// its parent is and its signatures meet the threshold; its targets must be within its paths and
/// every ancestor's; its expiry and the snapshot's hash of it are checked.
struct Delegations {
  const std::map<std::string, std::string>& files;
  const json* snapshot_meta;  ///< nullptr when there is no snapshot
  std::int64_t now;
  model::NotaryRepo& repo;
  std::set<std::string> declared;

  void walk(const std::string& parent, const json& parent_signed, bool parent_trusted, const std::vector<Restriction>& chain,
            int depth) {
    const auto* delegations = field(parent_signed, "delegations");
    if (delegations == nullptr) return;
    Keys keys;
    if (field(*delegations, "keys") != nullptr) load_keys(field(*delegations, "keys"), keys, parent + "'s delegations", repo);
    const auto* roles = field(*delegations, "roles");
    if (roles == nullptr || !roles->is_array()) return;
    for (const auto& r : *roles) {
      const std::string name = text(r, "name");
      if (name.empty()) continue;
      const sv below = sv(name).substr(std::min(name.size(), parent.size() + 1));
      if (!name.starts_with(parent + "/") || below.empty() || below.find('/') != sv::npos) {
        repo.problems.push_back(
            fmt::format("{} delegates `{}`, which is not a role directly below it: Notary refuses it", parent, name.substr(0, 128)));
        continue;
      }
      declared.insert(name);
      const auto bytes = files.find(name);
      if (bytes == files.end()) continue;  // not cached: the client fetches delegations when needed
      auto role = read_role(r);
      auto restriction = read_restriction(name, r, repo);
      auto doc = parse_doc(name, bytes->second, "Targets", repo);
      if (!role || !restriction || !doc) continue;
      if (snapshot_meta != nullptr) check_meta("snapshot", *snapshot_meta, name, files, repo);
      const bool trusted = check_signatures(name, *doc, keys, *role, repo) && parent_trusted;
      check_expiry(name, *doc, now, repo);
      auto below_chain = chain;
      below_chain.push_back(std::move(*restriction));
      if (trusted) {
        repo.verified.push_back(name);
        collect_targets(name, *doc->signed_part, below_chain, repo);
      }
      if (depth + 1 < k_max_depth) walk(name, *doc->signed_part, trusted, below_chain, depth + 1);
    }
  }
};

}  // namespace

std::string canonical_json(std::string_view json_text) {
  const auto j = json::parse(json_text, nullptr, false);
  return j.is_discarded() ? std::string() : j.dump();
}

model::NotaryRepo verify_repo(std::string_view gun, const std::map<std::string, std::string>& files, std::int64_t now) {
  model::NotaryRepo repo;
  repo.gun = std::string(gun);
  const auto get = [&](const std::string& name) -> const std::string* {
    const auto it = files.find(name);
    return it == files.end() ? nullptr : &it->second;
  };
  const auto* root_bytes = get("root");
  if (root_bytes == nullptr) {
    repo.problems.push_back("no root.json: nothing can be verified");
    return repo;
  }
  auto root = parse_doc("root", *root_bytes, "Root", repo);
  if (!root) return repo;
  Keys keys;
  load_keys(field(*root->signed_part, "keys"), keys, "root", repo);
  const auto* roles = field(*root->signed_part, "roles");
  std::map<std::string, Role> top;
  for (const char* name : {"root", "targets", "snapshot", "timestamp"}) {
    const auto* r = roles != nullptr ? field(*roles, name) : nullptr;
    auto role = r != nullptr ? read_role(*r) : std::nullopt;
    if (!role) {
      repo.problems.push_back(fmt::format("root does not define the {} role", name));
      return repo;
    }
    top.emplace(name, std::move(*role));
  }
  // Like Notary: a root certificate must name the repository (its GUN) as its Common Name;
  // Notary drops any other, so it signs nothing here.
  for (const auto& id : top["root"].keyids) {
    const auto k = keys.find(id);
    if (k == keys.end() || !k->second.certificate || !k->second.error.empty() || k->second.common_name == gun) continue;
    k->second.error = fmt::format("its certificate's Common Name is `{}`, not the repository's GUN `{}`: Notary rejects this root",
                                  k->second.common_name.substr(0, 255), gun);
  }
  const bool root_ok = check_signatures("root", *root, keys, top["root"], repo);
  if (root_ok) repo.verified.emplace_back("root signed by its own keys");
  check_expiry("root", *root, now, repo);
  // Like Notary: the root role's certificates must be valid now (not the delegations').
  for (const auto& id : top["root"].keyids) {
    const auto k = keys.find(id);
    if (k == keys.end() || !k->second.certificate) continue;
    if (now > k->second.not_after) {
      repo.problems.push_back(fmt::format("the root certificate of key {} expired at {}", short_id(id),
                                          core::rfc3339_utc(k->second.not_after)));
    } else if (now < k->second.not_before) {
      repo.problems.push_back(fmt::format("the root certificate of key {} is valid only from {}", short_id(id),
                                          core::rfc3339_utc(k->second.not_before)));
    }
  }

  std::optional<Doc> snapshot;
  if (const auto* ts_bytes = get("timestamp")) {
    if (auto ts = parse_doc("timestamp", *ts_bytes, "Timestamp", repo)) {
      if (check_signatures("timestamp", *ts, keys, top["timestamp"], repo)) repo.verified.emplace_back("timestamp");
      check_expiry("timestamp", *ts, now, repo);
      const auto* meta = field(*ts->signed_part, "meta");
      check_meta("timestamp", meta != nullptr ? *meta : json::object(), "snapshot", files, repo);
    }
  } else {
    repo.problems.emplace_back("no timestamp.json cached: the snapshot cannot be checked against it");
  }
  if (const auto* sn_bytes = get("snapshot")) {
    snapshot = parse_doc("snapshot", *sn_bytes, "Snapshot", repo);
    if (snapshot) {
      if (check_signatures("snapshot", *snapshot, keys, top["snapshot"], repo)) repo.verified.emplace_back("snapshot");
      check_expiry("snapshot", *snapshot, now, repo);
    }
  } else {
    repo.problems.emplace_back("no snapshot.json cached: root and targets cannot be checked against it");
  }
  const json snapshot_meta = snapshot ? (field(*snapshot->signed_part, "meta") != nullptr ? *field(*snapshot->signed_part, "meta")
                                                                                           : json::object())
                                      : json::object();
  if (snapshot) {
    check_meta("snapshot", snapshot_meta, "root", files, repo);
    check_meta("snapshot", snapshot_meta, "targets", files, repo);
  }

  const auto* targets_bytes = get("targets");
  if (targets_bytes == nullptr) {
    repo.problems.emplace_back("no targets.json cached");
    return repo;
  }
  auto targets = parse_doc("targets", *targets_bytes, "Targets", repo);
  if (!targets) return repo;
  // Nothing is trusted below a root that does not verify.
  const bool targets_ok = check_signatures("targets", *targets, keys, top["targets"], repo) && root_ok;
  check_expiry("targets", *targets, now, repo);
  if (targets_ok) {
    repo.verified.emplace_back("targets");
    collect_targets("targets", *targets->signed_part, {}, repo);
  }

  // Delegations, at any depth: each role's keys, thresholds and paths come from its parent's
  // `delegations`; its file is cached under targets/.
  Delegations walk{files, snapshot ? &snapshot_meta : nullptr, now, repo, {}};
  walk.walk("targets", *targets->signed_part, targets_ok, {}, 0);
  for (const auto& [name, bytes] : files) {
    if (name.starts_with("targets/") && !walk.declared.contains(name))
      repo.problems.push_back(fmt::format("{}.json is cached but no role delegates {}", name, name));
  }
  return repo;
}

}  // namespace drydock::parse::notary
