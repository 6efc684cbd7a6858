#include "drydock/vuln/severity.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "drydock/core/strings.hpp"

namespace drydock::vuln {
namespace {

/// CVSS v3.1's Roundup: the smallest number with one decimal at or above x, computed on
/// integers so that floating-point noise (e.g. 4.000000000001) does not bump it.
double roundup_31(double x) {
  const auto scaled = static_cast<std::int64_t>(std::llround(x * 100000.0));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  const std::int64_t tenths = scaled / 10000 + 1;  // whole tenths, rounded up
  return static_cast<double>(tenths) / 10.0;
}

/// CVSS v3.0's round up: ceil to one decimal.
double roundup_30(double x) { return std::ceil(x * 10.0) / 10.0; }

}  // namespace

std::optional<double> cvss3_base_score(std::string_view vector) {
  const auto parts = core::split(vector, '/');
  if (parts.empty()) return std::nullopt;
  bool v30 = false;
  if (parts[0] == "CVSS:3.0") {
    v30 = true;
  } else if (parts[0] != "CVSS:3.1") {
    return std::nullopt;
  }
  // Index: AV AC PR UI S C I A.
  static constexpr std::array<std::string_view, 8> k_names = {"AV", "AC", "PR", "UI", "S", "C", "I", "A"};
  std::array<char, 8> value{};
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto& p = parts[i];
    const auto colon = p.find(':');
    if (colon == std::string::npos || colon + 2 != p.size()) {
      // Temporal/environmental metrics may have longer values ("E:X"); only base ones are read.
      if (colon == std::string::npos) return std::nullopt;
      continue;
    }
    const std::string_view name(p.data(), colon);
    for (std::size_t k = 0; k < k_names.size(); ++k) {
      if (name == k_names[k]) {
        if (value[k] != 0) return std::nullopt;
        value[k] = p[colon + 1];
      }
    }
  }
  const auto pick = [](char c, std::string_view letters, std::initializer_list<double> weights) -> std::optional<double> {
    const auto pos = letters.find(c);
    if (c == 0 || pos == std::string_view::npos) return std::nullopt;
    return *(weights.begin() + static_cast<std::ptrdiff_t>(pos));
  };
  if (value[4] != 'U' && value[4] != 'C') return std::nullopt;
  const bool changed = value[4] == 'C';
  const auto av = pick(value[0], "NALP", {0.85, 0.62, 0.55, 0.2});
  const auto ac = pick(value[1], "LH", {0.77, 0.44});
  const auto pr = changed ? pick(value[2], "NLH", {0.85, 0.68, 0.5}) : pick(value[2], "NLH", {0.85, 0.62, 0.27});
  const auto ui = pick(value[3], "NR", {0.85, 0.62});
  const auto c = pick(value[5], "HLN", {0.56, 0.22, 0.0});
  const auto i = pick(value[6], "HLN", {0.56, 0.22, 0.0});
  const auto a = pick(value[7], "HLN", {0.56, 0.22, 0.0});
  if (!av || !ac || !pr || !ui || !c || !i || !a) return std::nullopt;

  const double iss = 1.0 - ((1.0 - *c) * (1.0 - *i) * (1.0 - *a));
  const double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * *av * *ac * *pr * *ui;
  if (impact <= 0) return 0.0;
  const double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return v30 ? roundup_30(raw) : roundup_31(raw);
}

core::Severity severity_of_score(double score) {
  if (score <= 0.0) return core::Severity::info;
  if (score < 4.0) return core::Severity::low;
  if (score < 7.0) return core::Severity::medium;
  if (score < 9.0) return core::Severity::high;
  return core::Severity::critical;
}

std::optional<core::Severity> severity_of_rating(std::string_view rating) {
  const auto word = core::to_lower(core::trim(rating));
  if (word == "critical") return core::Severity::critical;
  if (word == "high" || word == "important") return core::Severity::high;
  if (word == "medium" || word == "moderate") return core::Severity::medium;
  if (word == "low" || word == "negligible" || word == "unimportant") return core::Severity::low;
  if (word == "none" || word == "info") return core::Severity::info;
  return std::nullopt;
}

Assessed assess(const model::Advisory& advisory, const model::Affected& affected) {
  Assessed out;
  for (const auto& s : advisory.severity) {
    if (s.type != "CVSS_V3") continue;
    if (const auto score = cvss3_base_score(s.score); score && (!out.score || *score > *out.score)) out.score = score;
  }
  if (out.score) {
    out.severity = severity_of_score(*out.score);
    return out;
  }
  out.severity = severity_of_rating(affected.severity);
  if (!out.severity) out.severity = severity_of_rating(advisory.rating);
  // Ubuntu and others give their rating as a severity[] entry of their own type.
  for (const auto& s : advisory.severity) {
    if (out.severity) break;
    if (s.type != "CVSS_V2" && s.type != "CVSS_V4") out.severity = severity_of_rating(s.score);
  }
  return out;
}

}  // namespace drydock::vuln
