#pragma once
/// Notation (Notary Project) signatures, verified offline against an X.509 trust store (CIS 4.5,
/// 4.12): the JWS envelope (JSON serialization, flattened) as the Notary Project signature
/// specification defines it: the protected header (alg PS256/384/512 or ES256/384/512 matching
/// the signing certificate's key, cty, crit listing every critical header, the signing scheme
/// notary.x509 or notary.x509.signingAuthority, signing time, expiry), the x5c chain in the
/// unprotected header (leaf first), the signature over `protected.payload` with the leaf's key,
/// the notary.x509 certificate requirements (basic constraints, key usage, extended key usage,
/// key sizes, no SHA-1, each certificate issued by the next and the last self-signed, each valid
/// at the signing time and, without an authentic signing time, now), a certificate of the chain
/// in the trust store, and the payload's targetArtifact equal to the image's manifest
/// descriptor. COSE envelopes are recognised and reported as not verified. Pure: bytes in,
/// verdicts out; malformed envelopes are errors that say what is wrong, never crashes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::parse::notation {

/// The artifactType (or, before OCI 1.1, config mediaType) of a Notation signature manifest.
inline constexpr std::string_view k_signature_artifact = "application/vnd.cncf.notary.signature";
/// The media types of the signature envelope layer.
inline constexpr std::string_view k_jws = "application/jose+json";
inline constexpr std::string_view k_cose = "application/cose";
/// The content type (cty) of the signed payload.
inline constexpr std::string_view k_payload_type = "application/vnd.cncf.notary.payload.v1+json";

/// Limits on untrusted envelopes: bigger or deeper ones are malformed.
inline constexpr std::size_t k_max_envelope_bytes = std::size_t{4} << 20;
inline constexpr std::size_t k_max_certificates = 10;

/// An OCI descriptor as a signature names it, or as the image is known (size -1: unknown).
struct Descriptor {
  std::string media_type;
  std::string digest;
  std::int64_t size = -1;
};

/// A JWS envelope, parsed and its header checked; nothing verified yet.
struct Envelope {
  std::string protected_b64;  ///< as found: the signing input uses these exact characters
  std::string payload_b64;
  std::string signature;  ///< raw bytes (ES*: r || s; PS*: the RSASSA-PSS signature)
  std::string alg;        ///< PS256, ..., ES512
  std::string signing_scheme;  ///< notary.x509 or notary.x509.signingAuthority
  std::int64_t signing_time = 0;  ///< signingTime, or authenticSigningTime for signingAuthority
  std::optional<std::int64_t> expiry;
  std::string verification_plugin;  ///< io.cncf.notary.verificationPlugin ("" when none)
  bool has_timestamp = false;       ///< an RFC 3161 countersignature came with it (not verified)
  std::vector<std::string> certificates;  ///< DER, leaf first
  std::string payload;                    ///< decoded payload bytes
};

/// Parses a JWS envelope (flattened JSON serialization): `payload`, `protected`, `header` with
/// `x5c`, `signature`. Every missing or malformed part, an unsupported alg, cty or signing
/// scheme, a critical header not listed in `crit` or listed and unknown, is an error saying which.
core::Expected<Envelope> parse_jws(std::string_view bytes);

/// The targetArtifact of a Notation payload (digest, mediaType and size are required).
core::Expected<Descriptor> parse_payload(std::string_view json);

/// Base64url without padding (RFC 7515); an error when it is not.
core::Expected<std::string> base64url_decode(std::string_view text);

/// X.509 certificates trusted as Notation roots (the CA trust store). Holds OpenSSL X509s.
class TrustStore {
 public:
  TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;
  ~TrustStore();
  /// Adds the certificates of a file: one or more PEM certificates, or one DER certificate.
  /// A file with no certificate is an error naming it.
  core::Expected<std::size_t> add(std::string_view bytes, std::string_view where);
  [[nodiscard]] std::size_t size() const;
  /// The subject of the trusted certificate equal to this DER certificate, or nullopt.
  [[nodiscard]] std::optional<std::string> find(std::string_view der) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The verdict on one Notation signature for one image manifest descriptor.
struct Verdict {
  enum class Kind {
    valid,
    wrong_digest,         ///< a valid signature of another artifact
    bad_signature,        ///< the signature does not verify (tampered, or alg not the key's)
    tampered_envelope,    ///< the envelope's bytes are not what its manifest promised
    untrusted,            ///< no certificate of the chain is in the trust store
    expired,              ///< the signature, or a certificate at signing time or now, expired
    invalid_certificate,  ///< the chain breaks the Notary Project certificate requirements
    unsupported,          ///< COSE, a verification plugin: not verified here
    malformed,
  } kind = Kind::malformed;
  std::string detail;   ///< what was found, for evidence
  std::string subject;  ///< the signing certificate's subject ("" when unknown)
};

/// Verifies one signature: the envelope against its manifest's digest, then the envelope
/// (parse_jws), the signature with the leaf's key, the chain's requirements, trust, the
/// validity of each certificate at the signing time and at `now` (Unix seconds; without an
/// authentic signing time), the expiry at `now`, then the payload's targetArtifact against
/// `image` (mediaType and size compared when known).
Verdict verify(const model::NotationSignature& signature, const TrustStore& trust, const Descriptor& image, std::int64_t now);

/// The image's verdict over its Notation signatures (image.signature): pass when one is valid
/// for its manifest; fail with each one's reason, or that there is none or no digest; error
/// when every one is malformed or unsupported.
model::SignatureCheck check_image(const model::ImageSpec& image, const TrustStore& trust, std::int64_t now);

/// True when `bytes` look like a JWS envelope (a JSON object with `protected` and `signature`),
/// as opposed to `cosign download signature` output.
bool looks_like_jws(std::string_view bytes);

}  // namespace drydock::parse::notation
