#pragma once
/// Which checks run: --only / --skip, by check id, CIS number, alias or area.

#include <string>
#include <vector>

#include "drydock/checks/check.hpp"
#include "drydock/core/error.hpp"

namespace drydock::audit {

class Selection {
 public:
  /// Every check.
  Selection() = default;
  /// Each pattern is a check id ("runtime.privileged"), a CIS number ("5.5", or a section
  /// prefix "5"), an alias ("CKV_DOCKER_3"), or an area ("runtime"). An unknown pattern is
  /// a usage error that names it, so a typo never silently selects nothing.
  static core::Expected<Selection> make(const std::vector<std::string>& only, const std::vector<std::string>& skip);

  [[nodiscard]] bool selected(const checks::Check& check) const;

 private:
  std::vector<std::string> m_only;
  std::vector<std::string> m_skip;
};

/// True when the pattern designates the check (see Selection::make).
bool matches(const checks::Check& check, std::string_view pattern);

}  // namespace drydock::audit
