#pragma once
/// The daemon's configuration gathered from every place it can come from, read-only,
/// through a HostRoot (live host or --root DIR).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/daemon.hpp"

namespace drydock::collect {

struct DaemonConfigOptions {
  /// The running dockerd's argv (from find_dockerd), only for a live root. When set, it is
  /// the command line of record and the unit's ExecStart is only compared with it.
  std::optional<std::vector<std::string>> live_argv;
  int live_pid = 0;  ///< the pid live_argv was read from, for evidence
  /// daemon.json when the command line names no --config-file: a rootless dockerd reads
  /// ~/.config/docker/daemon.json.
  std::string default_config_file = "/etc/docker/daemon.json";
};

/// The daemon's configuration, from these sources in this order (a command line first, so
/// that DaemonConfig::values(key).front() is what the daemon was started with when a key is
/// set in more than one place):
/// 1. the command line: `options.live_argv` when given ("dockerd (pid N) command line");
///    else docker.service's ExecStart ("docker.service ExecStart", with file:line), the unit
///    found first in /etc/systemd/system, /run/systemd/system, /usr/local/lib/systemd/system,
///    /lib/systemd/system, /usr/lib/systemd/system, with its drop-ins docker.service.d/*.conf
///    from all of those (a name in an earlier directory masks the same name in a later one;
///    applied in name order; `ExecStart=` resets), `$VAR`/`${VAR}` expanded from Environment=
///    and EnvironmentFile= (values that came from an environment file name that file and line:
///    source "/etc/default/docker");
///    /etc/default/docker DOCKER_OPTS and /etc/sysconfig/docker OPTIONS count through the unit's
///    EnvironmentFile=, or on their own when no unit was found (then a diagnostic says so);
/// 2. daemon.json: the `--config-file` of the command line, else /etc/docker/daemon.json.
/// `sources` lists every file (and the live command line) read; `diagnostics` says what could
/// not be read or parsed and which settings are given both as a flag and in daemon.json
/// (dockerd refuses to start so: with a live daemon, daemon.json changed since it started).
/// A missing file is not a problem: no daemon.json is normal. Never throws for I/O.
model::DaemonConfig collect_daemon_config(const HostRoot& root, const DaemonConfigOptions& options = {});

/// The dockerd behind `socket_path`, from `proc_root`/<pid>/cmdline (the live host only):
/// processes whose argv[0] has the basename "dockerd"; with several, the one whose -H/--host
/// names unix://<socket_path> (/var/run and /run taken as the same), else one without -H or
/// with fd:// (the default socket), else the lowest pid. nullopt when none runs or /proc cannot
/// be read. Returns the pid and the argv.
std::optional<std::pair<int, std::vector<std::string>>> find_dockerd(const std::string& proc_root = "/proc",
                                                                     std::string_view socket_path = "/var/run/docker.sock");

/// The process whose argv[0] has the basename `name` ("podman") and that holds the listening
/// unix socket at `socket_path` open (a service that listens itself, or one systemd's socket
/// activation handed the socket to), from `proc_root` (the live host only). nullopt when none
/// does or /proc cannot be read. Returns the pid and the argv.
std::optional<std::pair<int, std::vector<std::string>>> find_socket_server(const std::string& proc_root,
                                                                           std::string_view socket_path, std::string_view name);

/// One variable of a NUL-separated environment (/proc/PID/environ); nullopt when it is not set.
std::optional<std::string> environ_value(std::string_view env_text, std::string_view name);

}  // namespace drydock::collect
