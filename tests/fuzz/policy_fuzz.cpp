// libFuzzer target for the team policy file (.drydock.yaml, found in the directory audited, so
// written by whoever controls the repository) and the --baseline report: any bytes give a policy
// (or findings) or an error at file:line, never a crash; and the reports `drydock merge` reads.
// The first byte chooses (modulo 3): 0 policy YAML, 1 baseline JSON report, 2 a report to merge. Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/policy).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 3U == 2) {
    const auto r = drydock::parse::report_file(text, "report.json");
    if (!r && r.error().message.empty()) __builtin_trap();
  } else if (data[0] % 3U == 0) {
    const auto p = drydock::parse::policy(text, ".drydock.yaml");
    if (!p && p.error().message.empty()) __builtin_trap();
  } else {
    const auto b = drydock::parse::baseline_findings(text, "baseline.json");
    if (!b && b.error().message.empty()) __builtin_trap();
  }
  (void)drydock::parse::is_iso_date(text);
  return 0;
}
