#include "drydock/audit/report.hpp"

namespace drydock::audit {

Summary Report::summary() const {
  Summary counts{};
  for (const auto& r : results)
    ++counts.at(static_cast<std::size_t>(r.finding.status));
  return counts;
}

bool Report::has_findings_at_or_above(core::Severity threshold) const {
  for (const auto& r : results) {
    const auto s = r.finding.status;
    if ((s == core::Status::fail || s == core::Status::warn) && r.severity() >= threshold) return true;
  }
  return false;
}

}  // namespace drydock::audit
