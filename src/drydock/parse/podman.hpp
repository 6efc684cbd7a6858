#pragma once
/// Podman behind Docker's API: recognised by "Podman Engine" among /version's Components or by
/// /info BuildahVersion. Its compatible /info fills what Podman does not have with placeholders
/// (LiveRestoreEnabled false, LoggingDriver "", ExperimentalBuild true, a new random ID on every
/// call, its own version as ServerVersion): `engine_info` leaves those unset on a Podman engine.

#include <optional>
#include <string>
#include <string_view>

namespace drydock::parse {

struct PodmanEngine {
  std::string version;  ///< the "Podman Engine" component's Version, else ServerVersion
};

/// nullopt when the engine is not Podman (or the texts are not JSON objects).
std::optional<PodmanEngine> podman_engine(std::string_view version_json, std::string_view info_json);

}  // namespace drydock::parse
