#pragma once
/// What the Compose override and the `docker run` line share: which checks a subject fails, and
/// the limits proposed from what the engine measured.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "drydock/audit/report.hpp"

namespace drydock::harden {

/// The ids of the checks with a fail or warn result on the subject (kind and name) in `report`.
std::set<std::string> failing_checks(const audit::Report& report, std::string_view kind, std::string_view name);

/// Twice the memory in use, rounded up to a MiB, at least 64 MiB.
std::int64_t memory_limit_for(std::int64_t used_bytes);

/// Four times the processes counted (at least 64) when measured, else 1024; with the reason.
std::pair<std::int64_t, std::string> pids_limit_for(std::optional<std::int64_t> pids, const std::string& source);

}  // namespace drydock::harden
