#include "drydock/audit/selection.hpp"

#include <algorithm>

#include "drydock/checks/catalogue.hpp"

namespace drydock::audit {

bool matches(const checks::Check& check, std::string_view pattern) {
  if (pattern.empty()) return false;
  if (check.id == pattern) return true;
  // An area: the part of the id before the dot.
  if (check.id.substr(0, check.id.find('.')) == pattern) return true;
  // A CIS control, or a whole section/subsection ("5" covers "5.1" .. "5.32").
  if (!check.cis.empty() && (check.cis == pattern || (check.cis.starts_with(pattern) && check.cis[pattern.size()] == '.')))
    return true;
  return std::any_of(check.aliases.begin(), check.aliases.end(), [&](std::string_view a) { return a == pattern; });
}

core::Expected<Selection> Selection::make(const std::vector<std::string>& only, const std::vector<std::string>& skip) {
  for (const auto* list : {&only, &skip}) {
    for (const auto& pattern : *list) {
      const auto all = checks::catalogue();
      if (std::none_of(all.begin(), all.end(), [&](const checks::Check& c) { return matches(c, pattern); })) {
        return core::fail(
            core::ErrorKind::usage,
            "no check matches '" + pattern + "' (use a check id, CIS number, alias or area; `drydock checks` lists them)");
      }
    }
  }
  Selection s;
  s.m_only = only;
  s.m_skip = skip;
  return s;
}

bool Selection::selected(const checks::Check& check) const {
  auto any = [&](const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return matches(check, p); });
  };
  if (!m_only.empty() && !any(m_only)) return false;
  return !any(m_skip);
}

}  // namespace drydock::audit
