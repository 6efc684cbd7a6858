// libFuzzer target for the Notation signature parsers (untrusted envelopes): the first byte
// selects a JWS envelope verified against a fixed trust store and descriptor (0), a payload (1),
// a trust store file (2) or base64url (3); the rest is the input. Each gives a verdict or a clear
// error, never a crash. Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/notation).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drydock/parse/notation.hpp"

namespace {

/// The root of tests/data/notation (make.sh), so that the seed envelope's chain is trusted.
constexpr std::string_view k_root =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDLzCCAhegAwIBAgIULqmAAPSjVJzRBv9M3eySGUtlJ3UwDQYJKoZIhvcNAQEL\n"
    "BQAwHzEdMBsGA1UEAwwUZHJ5ZG9jayBmaXh0dXJlIHJvb3QwHhcNMjYxMjAzMjAz\n"
    "MzMyWhcNMzYxMTMwMjAzMzMyWjAfMR0wGwYDVQQDDBRkcnlkb2NrIGZpeHR1cmUg\n"
    "cm9vdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBANdYHKZrqsDKmtE8\n"
    "30Omo0KCV8B8swb7De1E0kIdiDHIDIb3As0U1IUQkfcy0aGcpf1w6g9bImGw0YcM\n"
    "CTV3VNLwszbCaMep0ZmCn2+Yu3Nysmn4YXNYzA86aFIwpCheB86I1q+RXNqyY791\n"
    "U/AV0r/0UPBZxXh3LJW6dFrHKuyTaUZRBX4fp5P6XoeWDkh8u414MCqP4OP4wuTg\n"
    "K6RTRrvYkS5WKo/YtwznkdMNELm8qosQThML24U01yM5ctNzu6Kf0TaCndgGOSXL\n"
    "mgSXvlJBCCh2eteJNBcKAvmemgWd3MDmS7Rmvyed0DfypfRilsNT3VwBC6SSyn+h\n"
    "xn0iCvUCAwEAAaNjMGEwHQYDVR0OBBYEFMnI8rxvYWWMc7MUvv2j6R63bwh8MB8G\n"
    "A1UdIwQYMBaAFMnI8rxvYWWMc7MUvv2j6R63bwh8MA8GA1UdEwEB/wQFMAMBAf8w\n"
    "DgYDVR0PAQH/BAQDAgEGMA0GCSqGSIb3DQEBCwUAA4IBAQB2tSuiTNqpIlwJBu1J\n"
    "gx52qHzXKyxiIJmRv5eo/qIvmF6W2Gag+nj9GdBL7H1aMaJRY8s4VEqWH/h68e1H\n"
    "yrzUTbJY++OfoUEBZVBxXU1IiB1SJXAcZ1L0ecFSYhpil+x1cbCXv03cDXML9/Xg\n"
    "G5bsGi9M5Kf2eR7BU6jCwKMb34t1ADU5s8aGLLMbPt4SEKqOPULwme10GA6o2TkT\n"
    "p5EpEJxsXY4cG8kd/wYE25MZn5Fe5IgqpQBSDiuYIhCdxCBW8lJdhaR0NHgaYhIZ\n"
    "L2q958hW4vxOFsXmE/fhSyP3VvnUfvb+QBT9rf1N6aALD/ZDBhvDhrRx833Y8Ceb\n"
    "IKQG\n"
    "-----END CERTIFICATE-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  namespace notation = drydock::parse::notation;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      static const notation::TrustStore trust = [] {
        notation::TrustStore t;
        if (!t.add(k_root, "root.pem")) __builtin_trap();
        return t;
      }();
      drydock::model::ImageSpec img;
      img.manifest_digest = "sha256:" + std::string(64, 'a');
      img.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
      img.manifest_size = 1234;
      img.notation_signatures.push_back({std::string(input), std::string(notation::k_jws), "", "fuzz"});
      const auto check = notation::check_image(img, trust, 1800000000);
      if (check.evidence.empty()) __builtin_trap();
      (void)notation::looks_like_jws(input);
      break;
    }
    case 1:
      (void)notation::parse_payload(input);
      break;
    case 2: {
      notation::TrustStore t;
      (void)t.add(input, "fuzz");
      break;
    }
    default:
      (void)notation::base64url_decode(input);
      break;
  }
  return 0;
}
