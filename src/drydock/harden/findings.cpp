#include "drydock/harden/findings.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace drydock::harden {

std::set<std::string> failing_checks(const audit::Report& report, std::string_view kind, std::string_view name) {
  std::set<std::string> out;
  for (const auto& r : report.results) {
    if (r.subject->kind != kind || r.subject->name != name) continue;
    if (r.finding.status == core::Status::fail || r.finding.status == core::Status::warn) out.emplace(r.check->id);
  }
  return out;
}

std::int64_t memory_limit_for(std::int64_t used_bytes) {
  constexpr std::int64_t mib = 1024 * 1024;
  const std::int64_t twice = std::max<std::int64_t>(used_bytes, 0) * 2;
  const std::int64_t rounded = (twice + mib - 1) / mib * mib;
  return std::max<std::int64_t>(rounded, 64 * mib);
}

std::pair<std::int64_t, std::string> pids_limit_for(std::optional<std::int64_t> pids, const std::string& source) {
  if (pids && *pids > 0) {
    return {std::max<std::int64_t>(*pids * 4, 64),
            fmt::format("four times the {} processes and threads {} runs now, at least 64", *pids, source)};
  }
  return {1024,
          "nothing was measured: 1024 stops a fork bomb and is far above what most services use; lower it to a few times "
          "what the service runs"};
}

}  // namespace drydock::harden
