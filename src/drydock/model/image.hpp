#pragma once
/// The normalized shape of an image's configuration.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/container.hpp"
#include "drydock/model/dockerfile.hpp"
#include "drydock/model/image_content.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::model {

/// One step of the image's history (the config's `history`, or the engine's `/history`), base first.
struct HistoryEntry {
  std::string created;
  std::string created_by;  ///< "/bin/sh -c apt-get update", "ADD file:... in /"
  std::string comment;
  bool empty_layer = false;  ///< made no layer (ENV, USER, ...)
  /// `created_by` read as the instruction that made the step (RUN split into shell commands).
  Instruction instruction;
};

/// A cosign signature of an image (CIS 4.5, 4.12), found beside it in an OCI layout or given
/// with --signatures: the payload's exact bytes and the base64 signature over them.
struct ImageSignature {
  std::string payload;
  std::string signature_b64;
  std::string payload_digest;  ///< the digest the signature manifest gives the payload; "" when none
  std::string source;          ///< where it was found, for evidence
  bool has_bundle = false;     ///< a transparency-log bundle came with it
  std::string bundle;          ///< its Rekor bundle, JSON as found ("" when none), checked with --rekor-key
};

/// A Notation (Notary Project) signature of an image, found as an OCI 1.1 referrer in an OCI
/// layout (artifactType or config mediaType `application/vnd.cncf.notary.signature`) or given
/// as an envelope file: the envelope's exact bytes and its media type.
struct NotationSignature {
  std::string envelope;
  std::string media_type;       ///< "application/jose+json" (JWS) or "application/cose"
  std::string envelope_digest;  ///< the digest the signature manifest gives the envelope; "" when none
  std::string source;           ///< where it was found, for evidence
};

/// What `--verify-key` and `--trust-store` concluded about an image's signatures.
struct SignatureCheck {
  core::Status status = core::Status::skip;
  std::string evidence;
};

struct ImageSpec {
  std::string id;                      ///< sha256:...
  std::vector<std::string> repo_tags;  ///< "name:tag"; empty for untagged images
  std::vector<std::string> repo_digests;
  std::string created;
  std::string user;  ///< Config.User
  std::optional<Healthcheck> healthcheck;
  std::vector<std::string> env;
  std::vector<std::string> exposed_ports;  ///< "22/tcp"
  std::map<std::string, std::string> labels;
  std::int64_t size = 0;
  /// The build history; nullopt when it was not read (the host audit does not).
  std::optional<std::vector<HistoryEntry>> history;
  /// What the layers hold; null when they were not read (only `drydock image` reads them).
  std::shared_ptr<const ImageContent> content;
  /// Where it was read from: "engine", or the tarball or OCI directory.
  std::string origin;
  /// The vulnerability scan of its packages; nullopt when none was asked for (`--vulns`).
  std::optional<VulnScan> vulns;
  /// The digest of the manifest it was read from ("sha256:..."): what a signature signs; "" when
  /// the source keeps no manifest (the engine's export of Docker 20.10).
  std::string manifest_digest;
  /// The media type and size of the descriptor whose digest is manifest_digest ("" and -1 when
  /// unknown): a Notation signature names all three.
  std::string manifest_media_type;
  std::int64_t manifest_size = -1;
  /// cosign signatures found with it (OCI layout) or given with --signatures.
  std::vector<ImageSignature> signatures;
  /// Notation signatures found with it (OCI referrers) or given with --signatures.
  std::vector<NotationSignature> notation_signatures;
  /// The verdict of --verify-key and --trust-store on them; nullopt when neither was given.
  std::optional<SignatureCheck> signature_check;

  /// The name people know it by: the first tag, else the short id.
  [[nodiscard]] std::string display_name() const {
    if (!repo_tags.empty() && repo_tags.front() != "<none>:<none>") return repo_tags.front();
    return id.substr(0, id.starts_with("sha256:") ? 19 : 12);
  }
};

}  // namespace drydock::model
