#pragma once
/// Docker Content Trust (Notary v1) on a host or in a project folder: where it is switched on,
/// the docker CLI's trust keys, and what its cached TUF metadata says.

#include <string>
#include <utility>
#include <vector>

#include "drydock/model/location.hpp"

namespace drydock::model {

/// One place that switches Docker Content Trust on, points it at a Notary server, or runs
/// `docker trust`.
struct ContentTrustSetting {
  std::string variable;  ///< "DOCKER_CONTENT_TRUST", "DOCKER_CONTENT_TRUST_SERVER", "docker trust"
  std::string value;     ///< as written, quotes removed ("1", "https://notary.corp:4443", "sign")
  std::string where;     ///< what the file is: "dockerd's environment", "docker.service", "shell profile of alice", "CI file"
  Location location;     ///< file and line (line 0 for a process environment)
};

/// Content trust as found in the places that set the docker CLI's or the daemon's environment.
struct ContentTrustFacts {
  /// DOCKER_CONTENT_TRUST set to a value the docker CLI takes as on (anything but "", 0, f,
  /// false), DOCKER_CONTENT_TRUST_SERVER, and `docker trust` commands.
  std::vector<ContentTrustSetting> settings;
  std::vector<std::string> files_read;   ///< every file (and process environment) read
  std::vector<std::string> diagnostics;  ///< what could not be read (permission denied, too large)
};

/// One private key of the docker CLI's trust store (~/.docker/trust/private/*.key).
struct TrustKey {
  std::string user;   ///< whose home it is in
  std::string path;   ///< the host path
  std::string role;   ///< the PEM's `role:` header ("root", "targets", a delegation); "root" in the old
                      ///< root_keys/ folder; "" when it says none
  std::string gun;    ///< the PEM's `gun:` header ("docker.io/library/app"), "" when none
  std::string error;  ///< why it could not be read ("" when it was)
};

/// A target a Notary repository signs: a tag and the digest of its manifest.
struct NotaryTarget {
  std::string role;    ///< "targets" or a delegation ("targets/releases")
  std::string name;    ///< the tag
  std::string digest;  ///< "sha256:<hex>"
};

/// One repository (GUN) of the docker CLI's TUF cache (~/.docker/trust/tuf/<gun>/metadata),
/// verified offline as Notary verifies it.
struct NotaryRepo {
  std::string user;  ///< whose home it is in
  std::string gun;   ///< "docker.io/library/debian"
  std::string path;  ///< the GUN's folder (host path)
  /// role -> signed.version of each metadata file that could be read.
  std::vector<std::pair<std::string, long long>> versions;
  std::vector<std::string> problems;  ///< expired metadata or root certificate, signatures, thresholds, hashes
  std::vector<std::string> verified;  ///< what held, for evidence
  std::vector<NotaryTarget> targets;  ///< the signed targets of every role that verified
};

}  // namespace drydock::model
