#pragma once
/// Notary v1 (Docker Content Trust) TUF metadata, verified offline as Notary's client does:
/// the canonical JSON of each file's `signed` object, ecdsa / eddsa (ed25519) / rsapss /
/// rsapkcs1v15 signatures checked with OpenSSL, thresholds counted over distinct key ids, the
/// root's X.509 certificates (ecdsa-x509, rsa-x509) valid at `now` and naming the GUN as their
/// Common Name, every role's expiry at `now`, and the lengths and hashes from timestamp to
/// snapshot to root, targets and delegations. Delegations at any depth (targets/a, targets/a/b)
/// are verified with the keys and threshold their parent delegates, and trusted only for the
/// targets within their `paths` or `path_hash_prefixes` and every ancestor's. Like Notary,
/// delegation certificates' validity is not checked. Nothing is trusted below a root that does
/// not verify. Pure: bytes in, verdict out; malformed metadata is a problem that says what is
/// wrong, never a crash.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "drydock/model/trust.hpp"

namespace drydock::parse::notary {

/// The canonical JSON of a document (keys sorted, no insignificant whitespace), as Notary
/// signs `signed`. nullopt-like: an empty string when `json_text` is not JSON.
std::string canonical_json(std::string_view json_text);

/// Verifies one repository. `files` maps role names ("root", "timestamp", "snapshot",
/// "targets", "targets/releases") to the bytes of their metadata files as cached; `now` is
/// Unix seconds. Fills versions, problems, verified and targets of the result.
model::NotaryRepo verify_repo(std::string_view gun, const std::map<std::string, std::string>& files, std::int64_t now);

}  // namespace drydock::parse::notary
