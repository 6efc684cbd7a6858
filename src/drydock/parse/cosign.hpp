#pragma once
/// cosign signatures, key-based and offline (CIS 4.5, 4.12): the simple-signing payload, the JSON
/// that `cosign download signature` writes, and the signature itself (ECDSA P-256 / SHA-256, or
/// any EC or RSA public key with SHA-256, base64 DER) checked with OpenSSL over the exact payload
/// bytes. Pure: bytes in, verdicts out; every malformed input is an error that says what is wrong.

#include <openssl/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::parse::cosign {

/// The annotation of a signature layer that holds the base64 signature.
inline constexpr std::string_view k_signature_annotation = "dev.cosignproject.cosign/signature";
/// The annotation of a signature layer that holds its Rekor bundle (JSON).
inline constexpr std::string_view k_bundle_annotation = "dev.sigstore.cosign/bundle";
/// The media type of a simple-signing payload layer.
inline constexpr std::string_view k_payload_media_type = "application/vnd.dev.cosign.simplesigning.v1+json";

/// What a simple-signing payload says it signs.
struct Payload {
  std::string manifest_digest;   ///< critical.image.docker-manifest-digest, "sha256:..."
  std::string type;              ///< critical.type, "cosign container image signature"
  std::string docker_reference;  ///< critical.identity.docker-reference ("" when absent)
};

/// Parses a payload: `critical.image.docker-manifest-digest` (a sha256 digest) and
/// `critical.type` are required.
core::Expected<Payload> parse_payload(std::string_view json);

/// One signature as found: the payload's exact bytes and the base64 signature over them.
using Signature = model::ImageSignature;

/// The output of `cosign download signature`: one JSON object per line with `Payload` (base64
/// of the payload bytes) and `Base64Signature`; `Bundle` kept for --rekor-key. An empty file or a line that
/// is not such an object is an error naming the line.
core::Expected<std::vector<Signature>> parse_downloaded(std::string_view text, std::string_view path);


/// "sha256:" and the hex sha256 of `bytes` (a digest as OCI and Docker write them).
std::string sha256_digest(std::string_view bytes);

/// An X.509 time (a certificate's notBefore or notAfter) as Unix seconds; 0 when absent or unreadable.
std::int64_t asn1_unix(const ASN1_TIME* t);

/// An ECDSA signature written as r||s, each `half` bytes (JWS ES*, Notary's ecdsa), as the DER
/// ECDSA-Sig-Value OpenSSL verifies; nullopt when it is not 2 * half bytes.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::size_t half);

/// A PEM public key (SubjectPublicKeyInfo, as `cosign generate-key-pair` and `openssl pkey
/// -pubout` write it). Checked once, used for many signatures.
class PublicKey {
 public:
  static core::Expected<PublicKey> from_pem(std::string_view pem, std::string_view path);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;
  ~PublicKey();
  /// True when `der_signature` is a valid SHA-256 signature of `message` by this key.
  [[nodiscard]] bool verifies(std::string_view message, std::string_view der_signature) const;
  /// "ECDSA P-256", "RSA 2048", ... and the sha256 of the DER key, for evidence.
  [[nodiscard]] const std::string& description() const { return m_description; }
  /// The hex sha256 of the DER SubjectPublicKeyInfo (a Rekor log's ID is its key's).
  [[nodiscard]] const std::string& fingerprint() const { return m_fingerprint; }

 private:
  PublicKey() = default;
  void* m_key = nullptr;  ///< EVP_PKEY*
  std::string m_description;
  std::string m_fingerprint;
};

/// The verdict on one signature for one image manifest digest.
struct Verdict {
  /// unlogged: valid, but its Rekor bundle is missing or does not verify (with --rekor-key).
  enum class Kind { valid, wrong_digest, bad_signature, tampered_payload, malformed, unlogged } kind = Kind::malformed;
  std::string detail;  ///< what was found, for evidence
};

/// Checks one signature: the payload's bytes against the digest its manifest promised
/// (tampered_payload), the signature over the bytes with `key` (bad_signature: another key or
/// altered bytes), then the payload's manifest digest and type (wrong_digest, malformed).
Verdict verify(const Signature& signature, const PublicKey& key, std::string_view manifest_digest);

/// The verdict on a signature's Rekor bundle (the transparency log's promise that it logged the
/// signature), checked offline with the log's public key.
struct BundleVerdict {
  bool ok = false;
  std::string detail;  ///< what held, or why not
};

/// Checks the Rekor bundle of a signature that `key` signed, as cosign does offline: the bundle
/// names the log of `rekor` (its logID is the sha256 of the Rekor key), its signed entry timestamp
/// (SignedEntryTimestamp: ECDSA / SHA-256, base64 DER) verifies with `rekor` over the canonical
/// JSON of {body, integratedTime, logIndex, logID}, and the logged entry (a hashedrekord or
/// rekord) is this signature, over this payload's sha256, by `key`. A missing or malformed
/// bundle is not ok, with its reason.
BundleVerdict verify_bundle(const Signature& signature, const PublicKey& key, const PublicKey& rekor);

/// The image's verdict (image.signature): pass when one of its signatures is valid for its
/// manifest digest (an OCI layout's), else for one of its RepoDigests (a pulled image of the
/// engine) and, with a Rekor key, its bundle verifies; fail with each signature's reason, or
/// saying that there is no signature or no digest to verify; error when every signature is
/// malformed. Without a Rekor key it says that the transparency log was not checked.
model::SignatureCheck check_image(const model::ImageSpec& image, const PublicKey& key, const PublicKey* rekor = nullptr);

}  // namespace drydock::parse::cosign
