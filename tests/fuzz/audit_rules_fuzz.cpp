// libFuzzer target for the audit rules parser (/etc/audit/rules.d/*.rules, `auditctl -l`): any
// bytes give rules or none, never a crash. The input is split at its first NUL byte into two
// rules files loaded in order, so that `-W` lines of the second remove rules of the first.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/host-files/audit).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "drydock/parse/audit_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nul = text.find('\0');
  std::vector<drydock::model::AuditRule> rules;
  drydock::parse::append_audit_rules(text.substr(0, nul), "a.rules", rules);
  if (nul != std::string_view::npos) drydock::parse::append_audit_rules(text.substr(nul + 1), "b.rules", rules);
  for (const auto& r : rules) {
    if (r.path.empty() || r.location.line < 1) __builtin_trap();  // a rule watches a path, at a line
  }
  return 0;
}
