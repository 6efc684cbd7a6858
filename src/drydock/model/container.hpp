#pragma once
/// The one normalized shape of a container's runtime configuration (DESIGN.md principle 4),
/// whatever it came from: the Engine API, `docker inspect` JSON, later Compose or `docker run`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/location.hpp"

namespace drydock::model {

/// One entry of `Mounts`.
struct Mount {
  std::string type;         ///< "bind", "volume", "tmpfs", "npipe"
  std::string source;       ///< host path for binds; volume name for volumes
  std::string destination;  ///< path inside the container
  bool read_write = true;
  std::string propagation;  ///< "", "private", "rprivate", "shared", "rshared", "slave", "rslave"
  std::string name;         ///< the volume's name (`Mounts[].Name`), "" for other types
};

/// One host binding of a container port (`HostConfig.PortBindings`).
struct PortBinding {
  std::string container_port;  ///< "80/tcp"
  std::string host_ip;         ///< "" means every interface
  std::string host_port;       ///< "" means an ephemeral port chosen by the engine
};

struct DeviceMapping {
  std::string host_path;
  std::string container_path;
  std::string permissions;  ///< "rwm"
};

struct Ulimit {
  std::string name;
  std::int64_t soft = 0;
  std::int64_t hard = 0;
};

struct Healthcheck {
  std::vector<std::string> test;  ///< ["CMD-SHELL", "..."], ["CMD", ...], ["NONE"]; empty = inherit
  /// True when the test disables health checking (["NONE"]).
  [[nodiscard]] bool disabled() const { return !test.empty() && test.front() == "NONE"; }
};

/// A process seen inside the container (from the engine's `top`, or /proc when local).
struct Process {
  std::string pid;
  std::string user;
  std::string command;  ///< full command line
};

/// What the engine measured of a running container (`/containers/{id}/stats?stream=false`).
struct ContainerUsage {
  std::optional<std::int64_t> memory;  ///< bytes in use, page cache (inactive file pages) excluded
  std::optional<std::int64_t> pids;    ///< processes and threads
};

/// An exec session the engine still records for the container (`ExecIDs` -> /exec/{id}/json).
struct ExecSession {
  std::string id;
  bool privileged = false;
  std::string user;  ///< "" = the container's user
  std::string command;
  bool running = false;
  /// Seen starting, from the engine's event stream (`drydock watch`): a fact about this
  /// container, not only a record the engine may have dropped since.
  bool observed = false;
};

/// Runtime configuration of one container. Absent optional fields mean "not set";
/// numeric zero means what the engine means by zero (usually "unlimited").
struct ContainerSpec {
  std::string id;
  std::string name;      ///< without the leading '/'
  std::string image;     ///< Config.Image as the user wrote it (tag or id)
  std::string image_id;  ///< resolved image id (sha256:...)
  std::string state;     ///< "running", "exited", "created", ...
  bool running = false;
  int pid = 0;  ///< State.Pid: the init process in the engine's PID namespace; 0 when not running

  std::string user;  ///< Config.User (image default merged in by the engine)
  std::map<std::string, std::string> labels;
  std::vector<std::string> env;
  std::optional<Healthcheck> healthcheck;  ///< Config.Healthcheck
  std::string health_status;               ///< State.Health.Status, "" when none

  bool privileged = false;
  std::vector<std::string> cap_add;  ///< as given: "SYS_ADMIN", "CAP_SYS_ADMIN", "ALL"
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::string apparmor_profile;  ///< AppArmorProfile
  std::string process_label;     ///< ProcessLabel (SELinux)

  std::vector<Mount> mounts;
  std::vector<PortBinding> ports;
  bool publish_all_ports = false;
  std::string network_mode;           ///< "default", "bridge", "host", "none", "container:<id>", a network name
  std::vector<std::string> networks;  ///< names of the networks the container is attached to
  std::string pid_mode, ipc_mode, uts_mode, userns_mode, cgroupns_mode, cgroup_parent;

  std::int64_t memory = 0;  ///< bytes; 0 = unlimited
  std::int64_t memory_reservation = 0;
  std::int64_t memory_swap = 0;
  std::int64_t nano_cpus = 0;
  std::int64_t cpu_shares = 0;  ///< 0 = default (1024)
  std::int64_t cpu_quota = 0;
  std::int64_t cpu_period = 0;
  std::string cpuset_cpus;
  std::optional<std::int64_t> pids_limit;  ///< null, 0 and -1 all mean unlimited

  bool readonly_rootfs = false;
  std::string restart_policy;  ///< "", "no", "always", "unless-stopped", "on-failure"
  int restart_max_retries = 0;

  std::vector<DeviceMapping> devices;
  std::vector<std::string> device_cgroup_rules;
  std::vector<Ulimit> ulimits;

  std::vector<std::string> exec_ids;
  std::vector<ExecSession> execs;  ///< filled when the collector could read them

  /// The processes in the container; nullopt when they could not be listed (not running,
  /// or read from a file), with the reason in processes_unavailable.
  std::optional<std::vector<Process>> processes;
  std::string processes_unavailable;

  // What `docker run` needs to recreate the container (drydock harden container).
  std::vector<std::string> cmd;                    ///< Config.Cmd (the image's merged in by the engine)
  std::optional<std::vector<std::string>> entrypoint;  ///< Config.Entrypoint; nullopt = the image's
  std::string working_dir;                         ///< Config.WorkingDir
  bool tty = false;                                ///< Config.Tty
  bool open_stdin = false;                         ///< Config.OpenStdin
  std::map<std::string, std::string> tmpfs;        ///< HostConfig.Tmpfs: path -> options
  std::vector<std::string> group_add;              ///< HostConfig.GroupAdd
  std::vector<std::string> extra_hosts;            ///< HostConfig.ExtraHosts

  /// Where the spec came from: "engine" or a file path.
  std::string origin = "engine";
  /// Position of the container in its source file, when it has one.
  std::optional<Location> location;
};

}  // namespace drydock::model
