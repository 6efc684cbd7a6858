#pragma once
/// Reports and the catalogue as text for people and JSON for machines.

#include <string>

#include "drydock/audit/report.hpp"

namespace drydock::render {

struct TextOptions {
  bool color = false;    ///< ANSI colour (only when writing to a terminal)
  bool verbose = false;  ///< every pass listed, remediation under each finding
};

/// The JSON report of DESIGN.md section 4 ("drydock.report/v1").
std::string json(const audit::Report& report);

/// Grouped by CIS section and check, non-passing subjects listed, a closing summary line.
std::string text(const audit::Report& report, const TextOptions& options);

/// The catalogue of checks: "text", "json" or "markdown" (docs/checks.md).
std::string catalogue(std::string_view format);

/// The heading of a CIS section ("5" -> "Container runtime"), "" when unknown.
std::string_view section_title(std::string_view section);
/// The section a check is listed under: its CIS section ("5"), "compose" for the Compose checks,
/// "" for the others.
std::string section_of(const checks::Check& check);
/// "5 Container runtime", "Compose files", or "Other checks".
std::string section_heading(std::string_view section);

}  // namespace drydock::render
