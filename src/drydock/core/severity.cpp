#include "drydock/core/severity.hpp"

#include <array>

namespace drydock::core {
namespace {
constexpr std::array<std::string_view, 5> k_severities{"info", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 6> k_statuses{"pass", "fail", "warn", "info", "skip", "error"};
}  // namespace

std::string_view to_string(Severity s) { return k_severities.at(static_cast<std::size_t>(s)); }
std::string_view to_string(Status s) { return k_statuses.at(static_cast<std::size_t>(s)); }

std::optional<Severity> parse_severity(std::string_view text) {
  for (std::size_t i = 0; i < k_severities.size(); ++i) {
    if (k_severities[i] == text) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::optional<Status> parse_status(std::string_view text) {
  for (std::size_t i = 0; i < k_statuses.size(); ++i) {
    if (k_statuses[i] == text) return static_cast<Status>(i);
  }
  return std::nullopt;
}

}  // namespace drydock::core
