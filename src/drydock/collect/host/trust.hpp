#pragma once
/// Docker Content Trust (Notary v1) on a host, live or under --root, and in a project folder:
/// where DOCKER_CONTENT_TRUST is switched on (the daemon's environment, its units and
/// environment files, system-wide and users' shell profiles and environment files, CI files).

#include <cstdint>
#include <string>
#include <vector>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/trust.hpp"

namespace drydock::collect {

/// A user with a home directory, from the root's /etc/passwd (homes that do not exist are
/// still listed: reading under them finds nothing). Each home once, root's first.
struct HomeDir {
  std::string user;
  std::string home;
};
std::vector<HomeDir> home_dirs(const HostRoot& root);

/// Reads, through `root`: /proc/`dockerd_pid`/environ under `proc_root` (the live host only,
/// when a pid is given); docker.service and its drop-ins in every systemd unit folder and the
/// EnvironmentFile= files they name, /etc/default/docker, /etc/sysconfig/docker; /etc/environment,
/// /etc/environment.d, pam_env.conf, the system-wide profiles of sh, bash, zsh, csh and fish; the
/// same files in every home directory (`.profile`, `.bashrc`, `.zshenv`, `.pam_environment`,
/// `.config/environment.d/*.conf`, fish's config, ...). Missing files are normal; unreadable
/// ones are diagnostics.
model::ContentTrustFacts collect_content_trust(const HostRoot& root, int dockerd_pid = 0, const std::string& proc_root = "/proc");

/// The docker CLI's trust keys (~/.docker/trust/private, both layouts: `<id>.key` with `role:`
/// and `gun:` headers, and the older root_keys/ and tuf_keys/<gun>/) of root and every user with a
/// home: each key (its PEM headers read, its lstat as a FileFact of role "trust-key") and each
/// folder on the way (role "trust-key-dir") are added to `facts`.
void collect_trust_keys(const HostRoot& root, model::HostFacts& facts);

/// The docker CLI's TUF caches of root and every user with a home: each folder under
/// ~/.docker/trust/tuf that holds `metadata/` is a repository (its path below tuf/ the GUN);
/// root, timestamp, snapshot, targets and the delegations under metadata/targets/ are read and
/// verified at `now` (parse::notary::verify_repo); the GUN's folder is added to `facts.files`
/// with role "notary-trust-data".
void collect_notary(const HostRoot& root, std::int64_t now, model::HostFacts& facts);

/// The CI files of a project folder (`dir` on this machine, nothing read outside it):
/// .github/workflows/*.yml|yaml, .gitlab-ci.yml, Jenkinsfile, .circleci/config.yml,
/// azure-pipelines.yml, bitbucket-pipelines.yml, .drone.yml, .travis.yml, .buildkite/pipeline.yml,
/// .woodpecker.yml and .woodpecker/*.yml. Locations name the files as `dir`/path.
model::ContentTrustFacts collect_project_content_trust(const std::string& dir);

}  // namespace drydock::collect
