#pragma once
/// cosign signature verification shared by `drydock image --verify-key` and `drydock verify`.

#include <string>
#include <vector>

#include "drydock/cli/common.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::cli {

/// Adds the signatures of `signatures_path` (`cosign download signature` output; "" for none) to
/// every image, then sets each image's signature_check from the PEM key at `key_path`, and with
/// `rekor_key_path` ("" for none) the Rekor public key that checks each signature's bundle.
core::Expected<bool> verify_signatures(std::vector<model::ImageSpec>& images, const std::string& key_path,
                                       const std::string& signatures_path, const std::string& rekor_key_path);

/// `drydock verify` (verify.cpp).
Command add_verify(CLI::App& app, Common& common);

}  // namespace drydock::cli
