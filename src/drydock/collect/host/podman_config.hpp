#pragma once
/// Podman's configuration where Podman keeps it, live or under --root: containers.conf
/// (/usr/share/containers, /etc/containers and their containers.conf.d drop-ins; for a rootless
/// Podman also ~/.config/containers), registries.conf (and registries.conf.d), policy.json and
/// storage.conf (the user's file first when rootless, then /etc/containers, then
/// /usr/share/containers). The environment of the Podman service (CONTAINERS_CONF and the like)
/// is not known here and is not followed.

#include <string>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/podman.hpp"

namespace drydock::collect {

/// `home` is the home directory of the user running a rootless Podman ("" for rootful Podman).
model::PodmanConfig collect_podman_config(const HostRoot& root, const std::string& home);

/// The files of Podman's system configuration that exist (/etc/containers and what is in it
/// and in /usr/share/containers: containers.conf and drop-ins, registries.conf and drop-ins,
/// policy.json, storage.conf, seccomp.json), role "podman-config", and the engine's socket,
/// role "podman.sock", for section 3's owner and mode checks.
std::vector<model::FileFact> podman_files(const HostRoot& root, const std::string& home, const std::string& socket_path);

}  // namespace drydock::collect
