#pragma once
/// Podman's own configuration, read where Podman keeps it: containers.conf (the system file in
/// /usr/share/containers, then /etc/containers, then the user's ~/.config/containers, each
/// followed by its containers.conf.d drop-ins; a later file sets a key again), registries.conf,
/// policy.json (the signature policy) and storage.conf.

#include <map>
#include <string>
#include <vector>

#include "drydock/model/location.hpp"

namespace drydock::model {

/// One key of a TOML file as it was last set: a scalar is one value, an array its elements.
struct PodmanSetting {
  std::vector<std::string> values;
  bool list = false;
  Location location;  ///< file and line of the `key =`
};

/// A registry registries.conf lets Podman reach over HTTP or unverified TLS.
struct PodmanInsecureRegistry {
  std::string location;
  Location where;
};

/// An entry of policy.json that accepts images without any signature.
struct PodmanPolicyEntry {
  std::string scope;  ///< "default", or "docker:registry.example/ns"
  std::string type;   ///< "insecureAcceptAnything", "reject", "signedBy", "sigstoreSigned"
};

struct PodmanConfig {
  /// containers.conf settings by "table.key" ("containers.default_capabilities",
  /// "containers.log_driver", "engine.events_logger").
  std::map<std::string, PodmanSetting> containers_conf;
  /// storage.conf settings by "table.key" ("storage.driver").
  std::map<std::string, PodmanSetting> storage_conf;
  std::vector<PodmanInsecureRegistry> insecure_registries;  ///< registries.conf
  bool registries_conf_read = false;
  /// policy.json: false when no policy file was read.
  bool policy_read = false;
  std::string policy_file;
  std::vector<PodmanPolicyEntry> policy;  ///< "default" first, then every transport scope
  /// Files read, in order.
  std::vector<std::string> sources;
  /// The variables of the Podman service's environment that moved its files
  /// ("CONTAINERS_CONF=/srv/c.conf (podman, pid 12)").
  std::vector<std::string> environment;
  /// Files that could not be read or parsed, and what was wrong.
  std::vector<std::string> diagnostics;

  [[nodiscard]] const PodmanSetting* containers(const std::string& key) const {
    const auto it = containers_conf.find(key);
    return it == containers_conf.end() ? nullptr : &it->second;
  }
};

}  // namespace drydock::model
