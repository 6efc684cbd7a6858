#pragma once
/// Severity of an advisory: computed from a CVSS v3 vector (the base score formula of the
/// CVSS v3.0 and v3.1 specifications), else taken from the source's own rating word.

#include <optional>
#include <string_view>

#include "drydock/core/severity.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::vuln {

/// The CVSS v3.x base score of a vector such as "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".
/// Every base metric must be present once; temporal and environmental metrics are allowed and
/// do not change the base score. nullopt for anything else (v2, v4, malformed).
std::optional<double> cvss3_base_score(std::string_view vector);

/// The qualitative rating of a CVSS v3 score: 0 is `info` (CVSS "None"), then low < 4.0,
/// medium < 7.0, high < 9.0, critical.
core::Severity severity_of_score(double score);

/// A source's rating word, case-insensitive: critical; high/important; medium/moderate;
/// low/negligible/unimportant; none/info. nullopt for anything else ("unknown", "not yet assigned").
std::optional<core::Severity> severity_of_rating(std::string_view rating);

/// The severity of an advisory for one affected entry: the highest CVSS v3 base score among
/// its `severity[]` vectors, else the package's rating, else the advisory's rating.
struct Assessed {
  std::optional<core::Severity> severity;
  std::optional<double> score;
};
Assessed assess(const model::Advisory& advisory, const model::Affected& affected);

}  // namespace drydock::vuln
