#pragma once
/// Severities of checks and statuses of results, with their stable spellings.

#include <cstdint>
#include <optional>
#include <string_view>

namespace drydock::core {

/// Ordered: a higher value is more severe. One byte, as Status: a report holds both in each of
/// its hundreds of thousands of results.
enum class Severity : std::uint8_t { info, low, medium, high, critical };

/// The outcome of evaluating one check on one subject (DESIGN.md section 4).
enum class Status : std::uint8_t { pass, fail, warn, info, skip, error };

std::string_view to_string(Severity s);
std::string_view to_string(Status s);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<Status> parse_status(std::string_view text);

}  // namespace drydock::core
