#pragma once
/// What `drydock harden` does about each check: the one table of fix kinds, read by the override
/// and run-line generators and by the catalogue (the "Harden" column of docs/checks.md).

#include <span>
#include <string>
#include <string_view>

namespace drydock::harden {

/// How harden deals with a failing check.
enum class FixKind {
  none,    ///< not a setting of the container (daemon, host, image contents, processes): harden leaves it
  fixes,   ///< harden sets what makes the check pass
  strict,  ///< harden sets it only with --strict (it commonly breaks workloads)
  edit,    ///< harden cannot set it (an override only adds): listed as an edit at its file:line:column
};

std::string_view to_string(FixKind kind);

/// One check's entry: what the Compose override and the `docker run` line do about it.
struct Fix {
  std::string_view check_id;
  FixKind compose = FixKind::none;
  FixKind container = FixKind::none;
  std::string_view how;  ///< the change, or why there is none
};

/// Every check harden knows, in catalogue order; a check not listed is FixKind::none for both.
std::span<const Fix> fixes();

/// The entry of a check, or nullptr.
const Fix* find_fix(std::string_view check_id);

/// The "Harden" cell of docs/checks.md: "fixes", "edit", "--strict", "compose: edit; run line: fixes", or "—".
std::string catalogue_cell(std::string_view check_id);

}  // namespace drydock::harden
