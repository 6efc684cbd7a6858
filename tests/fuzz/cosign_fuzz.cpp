// libFuzzer target for the cosign parsers (untrusted signature data): the first byte selects
// `cosign download signature` output (0), a simple-signing payload (1), a PEM public key (2) or
// base64 (3); the rest is the input. Each gives a value or a clear error, never a crash, and a
// signature that parsed is checked against a fixed key, its Rekor bundle too, without crashing.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/cosign).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drydock/core/strings.hpp"
#include "drydock/parse/cosign.hpp"

namespace {

/// A fixed P-256 public key, so that verification runs on whatever parsed.
constexpr std::string_view k_key =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2vLSDqqLs2OUnR2KitAgrsxZDoVK\n"
    "sa/TKCtgn/ITPXXZgSfpWBZeN7+d+HLxSXy7pogPDyWwrGV/zB2/jSJ4Ow==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  namespace cosign = drydock::parse::cosign;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto sigs = cosign::parse_downloaded(input, "fuzz");
      static auto key = cosign::PublicKey::from_pem(k_key, "key");
      if (sigs && key) {
        drydock::model::ImageSpec img;
        img.manifest_digest = "sha256:" + std::string(64, 'a');
        img.signatures = *sigs;
        const auto check = cosign::check_image(img, *key);
        if (check.evidence.empty()) __builtin_trap();
        // The fixed key as a Rekor key too: every Bundle is parsed and checked.
        const auto logged = cosign::check_image(img, *key, &*key);
        if (logged.evidence.empty()) __builtin_trap();
        for (const auto& s : img.signatures)
          (void)cosign::verify_bundle(s, *key, *key);
      }
      break;
    }
    case 1:
      (void)cosign::parse_payload(input);
      break;
    case 2:
      (void)cosign::PublicKey::from_pem(input, "fuzz");
      break;
    default:
      (void)drydock::core::base64_decode(input);
      break;
  }
  return 0;
}
