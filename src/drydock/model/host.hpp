#pragma once
/// Everything collected about one Docker host, in plain data.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/container.hpp"
#include "drydock/model/daemon.hpp"
#include "drydock/model/host_facts.hpp"
#include "drydock/model/image.hpp"
#include "drydock/model/podman.hpp"
#include "drydock/model/policy.hpp"
#include "drydock/model/swarm.hpp"

namespace drydock::model {

/// What the engine says about itself (`/version`, `/info`).
struct EngineInfo {
  std::string name;  ///< host name of the engine
  std::string id;
  std::string server_version;
  std::string api_version;  ///< negotiated
  std::string os, kernel_version;
  /// Linux security modules the engine reports (SecurityOptions), e.g. "apparmor",
  /// "selinux", "seccomp", "userns", "rootless", "cgroupns".
  std::vector<std::string> security_options;
  std::string swarm_state;  ///< LocalNodeState: "inactive", "active", "pending", "error", "locked"
  bool swarm_control_available = false;
  /// The cluster, when this node is an active swarm manager (Swarm.Cluster present).
  std::optional<SwarmCluster> swarm_cluster;
  int containers = 0, images = 0;
  std::vector<std::string> warnings;

  /// The running daemon's own settings (/info); nullopt or empty when the engine did not say.
  std::optional<bool> live_restore_enabled;  ///< LiveRestoreEnabled
  std::optional<bool> experimental_build;    ///< ExperimentalBuild
  std::string logging_driver;                ///< LoggingDriver
  std::string storage_driver;                ///< Driver
  std::string docker_root_dir;               ///< DockerRootDir
  std::string cgroup_driver;                 ///< CgroupDriver
  /// RegistryConfig.InsecureRegistryCIDRs (always holds the implicit 127.0.0.0/8), then the
  /// names of RegistryConfig.IndexConfigs with Secure=false.
  std::vector<std::string> insecure_registries;
  std::vector<std::string> authorization_plugins;  ///< Plugins.Authorization

  /// Podman behind Docker's API (/version's "Podman Engine" component, /info BuildahVersion).
  bool podman = false;
  std::string podman_version;  ///< the "Podman Engine" component's version
  /// The capabilities the engine grants a container that neither adds nor drops any, without
  /// "CAP_": empty for dockerd (Docker's 14); Podman's own set (its containers.conf
  /// `default_capabilities`, else Podman's built-in 11) on Podman.
  std::vector<std::string> default_capabilities;
  std::string default_capabilities_source;  ///< where `default_capabilities` was read ("containers.conf:55")

  [[nodiscard]] bool has_security_option(std::string_view name) const {
    for (const auto& o : security_options) {
      if (o == name) return true;
    }
    return false;
  }
};

/// An entry of the engine's image list (every image, used or not).
struct ImageSummary {
  std::string id;
  std::vector<std::string> repo_tags;  ///< empty for a dangling image
  std::int64_t size = 0;               ///< bytes
  std::int64_t created = 0;            ///< unix time
  std::vector<std::string> repo_digests;  ///< "name@sha256:...": the manifests it was pulled or pushed as

  [[nodiscard]] bool dangling() const {
    for (const auto& t : repo_tags) {
      if (t != "<none>:<none>") return false;
    }
    return true;
  }
};

/// A subject that could not be read, with the reason: it becomes `error` results.
struct Unreadable {
  std::string kind;  ///< "container", "image"
  std::string id;
  std::string name;
  std::string reason;
};

/// One host as collected. `engine` is empty when no engine was consulted.
struct HostSnapshot {
  std::optional<EngineInfo> engine;
  std::vector<ContainerSpec> containers;
  std::vector<ImageSpec> images;  ///< the images in use by `containers`
  /// Current tag -> image id, for every tagged image on the engine (5.28).
  std::map<std::string, std::string> tags;
  /// Every image on the engine (6.1); nullopt when the image list was not read.
  std::optional<std::vector<ImageSummary>> all_images;
  std::vector<Unreadable> unreadable;

  /// The daemon's configuration (daemon.json, command line, unit files); nullopt when not collected.
  std::optional<DaemonConfig> daemon;
  /// Podman's configuration (containers.conf, registries.conf, policy.json, storage.conf) when
  /// the engine is Podman and the host's files were read; nullopt otherwise.
  std::optional<PodmanConfig> podman;
  /// The host's files; nullopt when not collected (auditing containers only).
  std::optional<HostFacts> host;
  /// Listening swarm sockets (2377, 7946) of the live host; nullopt when not read.
  std::optional<std::vector<SwarmListener>> swarm_listeners;
  /// "" for the live host, else the directory given with --root.
  std::string root;
  /// The engine's address when it is on another machine (a tcp:// endpoint): that machine's
  /// files, the daemon's command line and configuration files and its audit rules cannot be
  /// read from here, so `daemon`, `host` and `swarm_listeners` stay empty and the checks that
  /// need them say so. "" for an engine on this machine (or its files under --root).
  std::string remote;
  /// The policy's trusted registries and images (CIS 4.2); null when there is no such policy.
  std::shared_ptr<const SourcePolicy> trusted_sources;
};

}  // namespace drydock::model
