#pragma once
/// Facts read from the host's files (live, or under --root): file metadata, audit rules,
/// groups, mounts.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/location.hpp"
#include "drydock/model/trust.hpp"

namespace drydock::model {

/// lstat of one file CIS names, with owner and group resolved through the host's own
/// /etc/passwd and /etc/group.
struct FileFact {
  std::string role;  ///< what it is: "trust-key", "trust-key-dir", "docker.service", "docker.socket", "/etc/docker", "registry-certificate",
                     ///< "tls-ca", "tls-cert", "tls-key", "docker.sock", "daemon.json", "/etc/default/docker",
                     ///< "/etc/sysconfig/docker", "containerd.sock"; on Podman "podman-config",
                     ///< "podman-user-config", "podman.sock"
  std::string path;  ///< the path on the host (without the --root prefix)
  bool exists = false;
  std::string type;   ///< "file", "directory", "socket", "symlink", "other"; "" when missing
  unsigned mode = 0;  ///< permission bits, st_mode & 07777
  unsigned uid = 0, gid = 0;
  std::string owner, group;  ///< names, or the numbers as text when the host has no entry
  std::string error;         ///< why it could not be read (exists unknown), "" otherwise
};

/// One audit rule that watches a path: `-w PATH -p PERMS -k KEY` or `-a ... -F path=PATH`.
struct AuditRule {
  std::string path;
  std::string permissions;  ///< "rwxa" letters, "" = all
  std::string key;
  Location location;  ///< rules file and line; file "auditctl -l" for the kernel's live list
};

struct HostFacts {
  std::vector<FileFact> files;

  std::vector<AuditRule> audit_rules;
  std::vector<std::string> audit_sources;  ///< files (and `auditctl -l`) the rules were read from
  bool audit_rules_readable = false;       ///< false: no rules file could be read at all

  /// Members of the `docker` group (/etc/group); nullopt when there is no docker group.
  std::optional<std::vector<std::string>> docker_group_members;

  /// The user a rootless Docker engine runs as (name=rootless in its SecurityOptions; the owner
  /// of its socket): section 3 expects that user as the owner of the engine's files. "" for a
  /// rootful engine.
  std::string rootless_user;
  /// The user a rootless Podman runs as (the owner of its socket): section 3 expects that user as
  /// the owner of its files (role "podman-user-config") and socket. "" for a rootful Podman.
  std::string podman_user;

  std::string data_root = "/var/lib/docker";  ///< the daemon's data root (data-root setting or /info)
  std::string data_root_mount;                ///< mount point that holds the data root ("/" = not separate); "" unknown

  /// Where each Docker binary was found on the host: "dockerd" -> "/usr/sbin/dockerd",
  /// also "containerd", "containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2", "runc".
  std::map<std::string, std::string> binaries;

  /// Where Docker Content Trust is switched on (the daemon's environment, units, profiles);
  /// nullopt when not looked for.
  std::optional<ContentTrustFacts> content_trust;
  /// The docker CLI's trust keys of root and every user with a home (their files and folders
  /// are also in `files`, roles "trust-key" and "trust-key-dir"); nullopt when not looked for.
  std::optional<std::vector<TrustKey>> trust_keys;
  /// The docker CLI's TUF caches (~/.docker/trust/tuf/<gun>), verified at --now (each GUN's
  /// folder also in `files`, role "notary-trust-data"); nullopt when not looked for.
  std::optional<std::vector<NotaryRepo>> notary_repos;
};

}  // namespace drydock::model
