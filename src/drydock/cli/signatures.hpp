#pragma once
/// Signature verification shared by `drydock image --verify-key/--trust-store` and `drydock
/// verify`: cosign signatures with a public key, Notation signatures with an X.509 trust store.

#include <cstdint>
#include <string>
#include <vector>

#include "drydock/cli/common.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::cli {

/// What to verify signatures with; "" for what was not given.
struct SignatureOptions {
  std::string key;          ///< a cosign public key (PEM)
  std::string signatures;   ///< `cosign download signature` output, or a Notation JWS envelope, for every image
  std::string rekor_key;    ///< Rekor's public key (PEM), to check the cosign signatures' bundles
  std::string trust_store;  ///< Notation: a PEM/DER certificate file or a directory of them, trusted as roots
};

/// Adds the signatures of `options.signatures` to every image, then sets each image's
/// signature_check: cosign's verdict with `options.key` (and `rekor_key`), Notation's with
/// `options.trust_store` at `now` (Unix seconds); pass when either passes.
core::Expected<bool> verify_signatures(std::vector<model::ImageSpec>& images, const SignatureOptions& options, std::int64_t now);

/// `drydock verify` (verify.cpp).
Command add_verify(CLI::App& app, Common& common);

}  // namespace drydock::cli
