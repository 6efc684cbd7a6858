#pragma once
/// Everything `drydock host` reads from the host itself (not from the engine): the daemon's
/// configuration, the host's files and, on the live host, the swarm listeners.

#include <cstdint>
#include <string>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/host.hpp"

namespace drydock::collect {

struct HostSideOptions {
  /// The engine's unix socket, to tell which dockerd is behind it ("" = the default socket).
  std::string socket_path;
  /// Where the live host's /proc is (tests point it elsewhere).
  std::string proc_root = "/proc";
  /// Podman's /info said Rootless=true (Podman 4.3's SecurityOptions omit name=rootless).
  bool podman_rootless = false;
  /// The instant signed metadata and certificates are judged at (--now), Unix seconds; 0: the clock.
  std::int64_t now = 0;
};

/// Fills snapshot.daemon, snapshot.host, snapshot.root and, on the live host when swarm is
/// active, snapshot.swarm_listeners. Uses what the engine said (snapshot.engine) where it is
/// the truth: the data root the running daemon uses. Never fails as a whole: what cannot be
/// read is said in the facts (missing files, diagnostics) and so in the results.
void collect_host_side(const HostRoot& root, const HostSideOptions& options, model::HostSnapshot& snapshot);

}  // namespace drydock::collect
