#pragma once
/// A Compose project after loading: every service turned into the ContainerSpec a live container
/// created from it would have, with the position in the files of every setting that was read.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/container.hpp"
#include "drydock/model/location.hpp"
#include "drydock/model/policy.hpp"
#include "drydock/model/trust.hpp"

namespace drydock::model {

/// One `environment` entry of a service, as written.
struct ComposeEnv {
  std::string name;
  std::string value;
  bool has_value = false;  ///< false for a bare `NAME` (taken from the shell's environment)
  /// True when the value is written in the Compose file itself (a literal); false when it came
  /// from an env_file or when the whole value was interpolated from a variable.
  bool literal = false;
  Location location;
};

struct ComposeService {
  std::string name;
  Location location;  ///< the service's own key under `services:`
  /// The ContainerSpec `docker compose up` would create (no engine facts: no id, state, processes).
  ContainerSpec spec;
  /// Where each ContainerSpec field was set, by field name: "privileged", "cap_add", "cap_drop",
  /// "security_opt", "mounts", "ports", "network_mode", "pid_mode", "ipc_mode", "uts_mode",
  /// "userns_mode", "memory", "nano_cpus", "cpu_shares", "cpu_quota", "pids_limit", "readonly_rootfs",
  /// "restart_policy", "devices", "ulimits", "cgroup_parent", "healthcheck", "user", "image", "env".
  /// The position is where the key that set the final value was written (the merge-key's anchor,
  /// the override file, the extended service).
  std::map<std::string, Location> field_at;
  /// The position of each element, parallel to spec.mounts / spec.ports / spec.devices /
  /// spec.cap_add / spec.security_opt.
  std::vector<Location> mount_at, port_at, device_at, cap_add_at, security_opt_at;
  std::vector<ComposeEnv> environment;  ///< the `environment` entries (not env_file's)
  std::vector<std::string> env_files;   ///< resolved paths, in order
  std::vector<std::string> profiles;
  std::vector<std::string> secrets, configs;  ///< names (sources) the service uses
  bool has_build = false;                     ///< a `build:` section (the image may be built locally)
};

/// A problem found while loading, with its position (file:line when known).
struct ComposeDiagnostic {
  Location location;
  std::string message;
  bool fatal = false;  ///< the file could not be used at all
};

struct ComposeProject {
  std::string name;  ///< the project name (`name:`, COMPOSE_PROJECT_NAME, or the folder's name)
  std::string working_dir;  ///< the first file's folder: relative paths resolve against it
  std::vector<std::string> files;
  std::vector<ComposeService> services;  ///< sorted by name, as `docker compose config` lists them
  std::vector<ComposeDiagnostic> diagnostics;
  /// The policy's trusted registries and images (CIS 4.2); null when there is no such policy.
  std::shared_ptr<const SourcePolicy> trusted_sources;
  /// Docker Content Trust in the project folder's CI files; nullopt when not looked for.
  std::optional<ContentTrustFacts> content_trust;
};

}  // namespace drydock::model
