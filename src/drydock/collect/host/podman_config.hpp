#pragma once
/// Podman's configuration where Podman keeps it, live or under --root: containers.conf
/// (/usr/share/containers, /etc/containers and their containers.conf.d drop-ins; for a rootless
/// Podman also ~/.config/containers), registries.conf (and registries.conf.d), policy.json and
/// storage.conf (the user's file first when rootless, then /etc/containers, then
/// /usr/share/containers). On the live host the environment of the podman process serving the
/// socket moves them as it moves Podman: CONTAINERS_CONF (the only containers.conf read),
/// CONTAINERS_REGISTRIES_CONF (replaces registries.conf; the drop-ins still apply),
/// CONTAINERS_STORAGE_CONF (the only storage.conf), and a rootless Podman's HOME.

#include <string>
#include <vector>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/podman.hpp"

namespace drydock::collect {

/// What moves Podman's files: the environment of the podman process that serves the socket
/// (all empty when it is not known: under --root, or no such process found).
struct PodmanEnvironment {
  std::string home;             ///< a rootless Podman's HOME ("" rootful): its ~/.config/containers
  std::string user;             ///< a rootless Podman's user, the owner of its socket ("" rootful)
  std::string containers_conf;  ///< CONTAINERS_CONF, absolute
  std::string registries_conf;  ///< CONTAINERS_REGISTRIES_CONF, absolute
  std::string storage_conf;     ///< CONTAINERS_STORAGE_CONF, absolute
  /// The variables followed, as the report says them: "CONTAINERS_CONF=/srv/c.conf (podman, pid 12)".
  std::vector<std::string> followed;
  std::vector<std::string> diagnostics;  ///< what could not be followed
};

/// The environment of the podman process holding the listening socket at `socket_path` (the
/// live host; `proc_root` is /proc): its CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF and
/// CONTAINERS_STORAGE_CONF (a relative path taken from the process's working directory), and for
/// a rootless Podman its user (the socket's owner) and HOME (else that user's home in /etc/passwd).
PodmanEnvironment podman_environment(const HostRoot& root, const std::string& proc_root, const std::string& socket_path,
                                     bool rootless);

model::PodmanConfig collect_podman_config(const HostRoot& root, const PodmanEnvironment& env);
/// `home` is the home directory of the user running a rootless Podman ("" for rootful Podman).
inline model::PodmanConfig collect_podman_config(const HostRoot& root, const std::string& home) {
  PodmanEnvironment env;
  env.home = home;
  return collect_podman_config(root, env);
}

/// The files of Podman's system configuration that exist (/etc/containers and what is in it
/// and in /usr/share/containers: containers.conf and drop-ins, registries.conf and drop-ins,
/// policy.json, storage.conf, seccomp.json), role "podman-config"; a rootless Podman's own files
/// (~/.config/containers and its containers.conf, registries.conf, storage.conf, policy.json and
/// drop-ins), role "podman-user-config"; the files its environment names (the user's role when
/// rootless); and the engine's socket, role "podman.sock", for section 3's owner and mode checks.
std::vector<model::FileFact> podman_files(const HostRoot& root, const PodmanEnvironment& env, const std::string& socket_path);
inline std::vector<model::FileFact> podman_files(const HostRoot& root, const std::string& home, const std::string& socket_path) {
  PodmanEnvironment env;
  env.home = home;
  return podman_files(root, env, socket_path);
}

}  // namespace drydock::collect
