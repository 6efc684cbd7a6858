#pragma once
/// The catalogue: every check of every area, in report order.

#include <span>
#include <string_view>

#include "drydock/checks/check.hpp"

namespace drydock::checks {

/// Each area's table, defined in its own .cpp file.
std::span<const Check> runtime_checks();  // runtime.cpp: CIS section 5 and 4.1 on containers
std::span<const Check> image_checks();    // images.cpp: CIS section 4 on images

/// All checks, ids unique, in report order.
std::span<const Check> catalogue();

/// The check with this id, or nullptr.
const Check* find_check(std::string_view id);

}  // namespace drydock::checks
