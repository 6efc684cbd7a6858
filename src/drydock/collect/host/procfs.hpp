#pragma once
/// The host's process table read from /proc: which processes belong to which container, for
/// a local engine, without asking dockerd to run `ps` per container (`/containers/{id}/top`).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/model/container.hpp"

namespace drydock::collect {

/// The /proc the collector reads when nothing else is said.
inline constexpr std::string_view k_default_proc_root = "/proc";

/// One process as read from <proc>/<pid>/.
struct ProcEntry {
  int pid = 0;
  std::string cgroup;   ///< the whole content of `cgroup`
  std::string uid;      ///< real uid (first number of the "Uid:" line of `status`), as text
  std::string command;  ///< `cmdline`, NUL-separated arguments joined with spaces; "[comm]" when empty
};

/// A snapshot of the processes under a proc root, read once. Read-only: files are opened
/// O_RDONLY; a process that vanishes while it is read is left out.
class ProcessTable {
 public:
  /// Reads every <proc_root>/<numeric pid>/ (cgroup, cmdline, status, and comm when the
  /// command line is empty). A root that cannot be listed gives an empty, unreadable table.
  /// Does not throw for I/O problems.
  static ProcessTable scan(const std::string& proc_root = std::string(k_default_proc_root));

  /// Whether the root could be listed.
  [[nodiscard]] bool readable() const { return m_readable; }
  /// Every process read, by ascending pid.
  [[nodiscard]] const std::vector<ProcEntry>& entries() const { return m_entries; }
  /// The process with this pid, or nullptr.
  [[nodiscard]] const ProcEntry* find(int pid) const;

  /// The processes of the container whose init process is `init_pid` (State.Pid), by
  /// ascending pid: those in the init process's cgroup or below it (as `docker top` lists the
  /// pids of the container's cgroup tree: a systemd in the container may move its services to
  /// sub-cgroups). nullopt unless `init_pid` is in the table and its cgroup names the full
  /// `container_id` ("0::/docker/<id>", "0::/system.slice/docker-<id>.scope",
  /// "N:pids:/docker/<id>"), which proves the pid is that container seen from this PID
  /// namespace; the caller then asks the engine instead.
  /// Process::user is the uid as text.
  [[nodiscard]] std::optional<std::vector<model::Process>> processes_of(int init_pid, std::string_view container_id) const;

 private:
  bool m_readable = false;
  std::vector<ProcEntry> m_entries;
};

/// Whether `proc_root` is a directory this process can list.
bool proc_root_readable(const std::string& proc_root);

/// Whether cgroup file content `member` is `group` or lies below it: the same lines in the
/// same order, each with the same "hierarchy:controllers:" and a path equal to group's or
/// under it.
bool cgroup_within(std::string_view member, std::string_view group);

}  // namespace drydock::collect
