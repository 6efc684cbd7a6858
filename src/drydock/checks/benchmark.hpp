#pragma once
/// The versions of the CIS Docker Benchmark a report can be numbered by (`--benchmark`), and
/// how each version renumbered the controls of the one before it: the one place that knows.
/// A check's `cis` in its area's table is its v1.6.0 control; `catalogue(Benchmark)` gives every
/// check with the number of the chosen version. Ids never change.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "drydock/checks/check.hpp"

namespace drydock::checks {

enum class Benchmark { cis_1_6, cis_1_7, cis_1_8 };

/// The default: the newest version.
inline constexpr Benchmark k_newest_benchmark = Benchmark::cis_1_8;

/// "cis-1.8" (the --benchmark value).
std::string_view option_name(Benchmark b);
/// "cis-docker-1.8.0" (the JSON report's `benchmark`, SARIF's run property).
std::string_view report_key(Benchmark b);
/// "CIS Docker Benchmark v1.8.0" (what people read).
std::string_view display_name(Benchmark b);
/// From "cis-1.8" (or "cis-docker-1.8.0", "1.8", "1.8.0"); nullopt for anything else.
std::optional<Benchmark> parse_benchmark(std::string_view text);
/// Every version, oldest first.
std::span<const Benchmark> benchmarks();

/// One change a version made to the numbering of the version before it. `id` names a check
/// whose control is new in this version (`from` is ""); else the control `from` became `to`,
/// whichever checks carry it.
struct Renumbering {
  std::string_view id;
  std::string_view from;
  std::string_view to;
};

/// The changes `b` made relative to the version before it (none for v1.6.0, the base).
std::span<const Renumbering> changes(Benchmark b);

/// The control of a check (its id and v1.6.0 control) in version `b`; "" when none applies.
std::string_view control_in(std::string_view id, std::string_view cis_1_6, Benchmark b);

/// All checks, ids unique, in report order (catalogue.hpp's `catalogue()`), numbered by the
/// controls of `b`. `catalogue()` and `find_check` use `current_benchmark()`.
std::span<const Check> catalogue(Benchmark b);

/// The version reports are numbered by in this process (set once by the command line, before
/// any audit; the default is the newest). `catalogue()` and `find_check` follow it.
Benchmark current_benchmark();
void use_benchmark(Benchmark b);

}  // namespace drydock::checks
