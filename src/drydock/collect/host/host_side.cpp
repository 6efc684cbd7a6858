#include "drydock/collect/host/host_side.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "drydock/collect/host/daemon_config.hpp"
#include "drydock/collect/host/host_facts.hpp"
#include "drydock/collect/host/podman_config.hpp"
#include "drydock/parse/etc_files.hpp"
#include "drydock/collect/host/trust.hpp"
#include "drydock/core/time.hpp"
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

struct Rootless {
  std::string user;        ///< the socket's owner
  std::string config_dir;  ///< the engine's configuration directory ("/home/u/.config/docker")
};

Rootless find_rootless(const HostRoot& root, const HostSideOptions& options, int dockerd_pid) {
  Rootless r;
  const auto socket = root.stat(options.socket_path, "docker.sock");
  if (!socket.exists) return r;
  r.user = socket.owner;
  std::string home;
  if (dockerd_pid > 0) {
    if (const auto env = HostRoot().read(options.proc_root + "/" + std::to_string(dockerd_pid) + "/environ")) {
      if (const auto xdg = environ_value(*env, "XDG_CONFIG_HOME"); xdg && xdg->starts_with('/')) r.config_dir = *xdg + "/docker";
      home = environ_value(*env, "HOME").value_or("");
    }
  }
  if (home.empty()) {
    if (const auto passwd = root.read("/etc/passwd")) {
      for (const auto& u : parse::passwd_entries(*passwd)) {
        if (u.uid == socket.uid) home = u.home;
      }
    }
  }
  if (r.config_dir.empty() && home.starts_with('/')) r.config_dir = home + "/.config/docker";
  return r;
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
  // Rootless Docker (name=rootless, live host): the engine's user is the owner of its socket;
  // its daemon.json is $XDG_CONFIG_HOME/docker/daemon.json of the dockerd's environment (else
  // ~/.config/docker/daemon.json of that user), its unit the user's docker.service.
  Rootless rootless;
  if (root.live() && snapshot.engine && !snapshot.engine->podman && snapshot.engine->has_security_option("rootless") &&
      !options.socket_path.empty()) {
    rootless = find_rootless(root, options, daemon_options.live_pid);
    if (!rootless.config_dir.empty()) daemon_options.default_config_file = rootless.config_dir + "/daemon.json";
  }
  auto daemon = collect_daemon_config(root, daemon_options);
  // The running daemon's data root is a fact; the files only say what it was told.
  if (snapshot.engine && !snapshot.engine->docker_root_dir.empty() && !daemon.has("data-root") && !daemon.has("graph")) {
    daemon.settings["data-root"].push_back(
        model::SettingValue{snapshot.engine->docker_root_dir, "engine /info DockerRootDir", model::Location{}});
  }
  snapshot.host = collect_host_facts(root, &daemon);
  if (!rootless.user.empty()) {
    // The rootful files (/etc/docker/daemon.json, docker.service, /var/run/docker.sock) are not
    // this engine's: its own take their roles.
    auto& files = snapshot.host->files;
    std::erase_if(files, [](const model::FileFact& f) {
      return f.role == "daemon.json" || f.role == "docker.service" || f.role == "docker.socket" || f.role == "docker.sock";
    });
    files.push_back(root.stat(daemon_options.default_config_file, "daemon.json"));
    if (!rootless.config_dir.empty()) {
      // ~/.config/docker -> ~/.config/systemd/user/docker.service
      const std::string config_home = rootless.config_dir.substr(0, rootless.config_dir.rfind('/'));
      files.push_back(root.stat(config_home + "/systemd/user/docker.service", "docker.service"));
    }
    files.push_back(root.stat(options.socket_path, "docker.sock"));
    snapshot.host->rootless_user = rootless.user;
  }
  snapshot.host->content_trust = collect_content_trust(root, daemon_options.live_pid, options.proc_root);
  collect_trust_keys(root, *snapshot.host);
  collect_notary(root, options.now != 0 ? options.now : core::wall_clock_now(), *snapshot.host);
  snapshot.daemon = std::move(daemon);

  if (snapshot.engine && snapshot.engine->podman) {
    // Podman's configuration where Podman keeps it, moved as the serving podman's environment
    // moves it; a rootless Podman's own files are its user's (the live host only: under --root
    // neither the environment nor the user is known).
    PodmanEnvironment env;
    if (root.live()) {
      env = podman_environment(root, options.proc_root, options.socket_path,
                               options.podman_rootless || snapshot.engine->has_security_option("rootless"));
    }
    auto podman = collect_podman_config(root, env);
    if (const auto* caps = podman.containers("containers.default_capabilities"); caps != nullptr && caps->list) {
      snapshot.engine->default_capabilities = caps->values;
      snapshot.engine->default_capabilities_source = fmt::format("{}:{}", caps->location.file, caps->location.line);
    }
    auto files = podman_files(root, env, options.socket_path);
    snapshot.host->files.insert(snapshot.host->files.end(), files.begin(), files.end());
    snapshot.host->podman_user = env.user;
    snapshot.podman = std::move(podman);
  }

  const bool swarm = snapshot.engine && (snapshot.engine->swarm_state == "active" || snapshot.engine->swarm_state == "locked");
  if (root.live() && swarm) snapshot.swarm_listeners = swarm_listeners(options.proc_root);
}

}  // namespace drydock::collect
