// libFuzzer target for the version comparators and the CVSS reader: any two strings compare
// without a crash, and each comparison is antisymmetric and reflexive.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/vuln/severity.hpp"
#include "drydock/vuln/version.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto split = text.find('\n');
  const std::string_view a = text.substr(0, split);
  const std::string_view b = split == std::string_view::npos ? std::string_view() : text.substr(split + 1);
  using drydock::vuln::Scheme;
  for (const auto scheme : {Scheme::dpkg, Scheme::apk, Scheme::rpm}) {
    const int ab = drydock::vuln::compare(scheme, a, b);
    const int ba = drydock::vuln::compare(scheme, b, a);
    if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) __builtin_trap();
    if (drydock::vuln::compare(scheme, a, a) != 0) __builtin_trap();
  }
  (void)drydock::vuln::apk_version_valid(a);
  if (const auto score = drydock::vuln::cvss3_base_score(a); score && (*score < 0.0 || *score > 10.0)) __builtin_trap();
  return 0;
}
