#pragma once
/// Podman behind Docker's API: recognised by "Podman Engine" among /version's Components or by
/// /info BuildahVersion. Its compatible /info fills what Podman does not have with placeholders
/// (LiveRestoreEnabled false, LoggingDriver "", ExperimentalBuild true, a new random ID on every
/// call, its own version as ServerVersion): `engine_info` leaves those unset on a Podman engine.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/model/podman.hpp"

namespace drydock::parse {

struct PodmanEngine {
  std::string version;  ///< the "Podman Engine" component's Version, else ServerVersion
  /// /info Rootless, Podman's own field: Podman 4.3's SecurityOptions do not say name=rootless.
  bool rootless = false;
};

/// nullopt when the engine is not Podman (or the texts are not JSON objects).
std::optional<PodmanEngine> podman_engine(std::string_view version_json, std::string_view info_json);

/// Podman's built-in default capability set (containers/common's DefaultCapabilities, the
/// `default_capabilities` of Debian 12's /usr/share/containers/containers.conf): 11 names without
/// "CAP_"; no NET_RAW, MKNOD or AUDIT_WRITE, which Docker grants.
const std::vector<std::string>& podman_default_capabilities();

/// A TOML file of Podman's (containers.conf, storage.conf, registries.conf): every `key = value`
/// by "table.key" into `into`, a key set again replacing the earlier one (as Podman merges its
/// files). Strings (basic, literal, multi-line), booleans, numbers and arrays of them (across
/// lines) are read; an inline table is kept as written. The n-th `[[name]]` table is "name#n".
/// What cannot be read is named in `diagnostics` ("FILE:LINE: ...") and the reader goes on
/// at the next line; it never throws.
void toml_settings(std::string_view text, const std::string& file, std::map<std::string, model::PodmanSetting>& into,
                   std::vector<std::string>& diagnostics);

/// registries.conf: the registries Podman reaches insecurely (`[[registry]]` with `insecure =
/// true`, named by `location` or `prefix`; v1's `[registries.insecure] registries = [...]`).
void registries_conf(std::string_view text, const std::string& file, model::PodmanConfig& into);

/// policy.json: its "default" requirements, then every transport scope's. false (with the
/// reason in `diagnostics`) when the text is not a policy.
bool signature_policy(std::string_view text, const std::string& file, model::PodmanConfig& into);

}  // namespace drydock::parse
