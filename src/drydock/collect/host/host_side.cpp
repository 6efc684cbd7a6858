#include "drydock/collect/host/host_side.hpp"

#include "drydock/collect/host/daemon_config.hpp"
#include "drydock/collect/host/host_facts.hpp"
#include "drydock/parse/proc_net.hpp"

namespace drydock::collect {
namespace {

/// The ports a swarm node listens on: cluster management and the gossip (control plane).
const std::vector<int> k_swarm_ports = {2377, 7946};

std::vector<model::SwarmListener> swarm_listeners(const std::string& proc_root) {
  const HostRoot live;
  std::vector<model::SwarmListener> out;
  for (const bool ipv6 : {false, true}) {
    const auto text = live.read(proc_root + (ipv6 ? "/net/tcp6" : "/net/tcp"));
    if (!text) continue;  // no IPv6 on this host, for instance
    auto found = parse::listening_sockets(*text, ipv6, k_swarm_ports);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace

void collect_host_side(const HostRoot& root, const HostSideOptions& options, model::HostSnapshot& snapshot) {
  snapshot.root = root.dir();

  DaemonConfigOptions daemon_options;
  if (root.live()) {
    const std::string socket = options.socket_path.empty() ? "/var/run/docker.sock" : options.socket_path;
    if (auto dockerd = find_dockerd(options.proc_root, socket)) {
      daemon_options.live_pid = dockerd->first;
      daemon_options.live_argv = std::move(dockerd->second);
    }
  }
  auto daemon = collect_daemon_config(root, daemon_options);
  // The running daemon's data root is a fact; the files only say what it was told.
  if (snapshot.engine && !snapshot.engine->docker_root_dir.empty() && !daemon.has("data-root") && !daemon.has("graph")) {
    daemon.settings["data-root"].push_back(
        model::SettingValue{snapshot.engine->docker_root_dir, "engine /info DockerRootDir", model::Location{}});
  }
  snapshot.host = collect_host_facts(root, &daemon);
  snapshot.daemon = std::move(daemon);

  const bool swarm = snapshot.engine && (snapshot.engine->swarm_state == "active" || snapshot.engine->swarm_state == "locked");
  if (root.live() && swarm) snapshot.swarm_listeners = swarm_listeners(options.proc_root);
}

}  // namespace drydock::collect
