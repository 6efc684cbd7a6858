#pragma once
/// Child processes and the kernel's audit state, for `drydock seccomp record`: runs the
/// `docker run` line the user gave (the one command of drydock that acts, DESIGN.md 1.3), asks the
/// kernel whether audit is on and who receives its records, and reads the records written while
/// the workload ran from auditd's log or /dev/kmsg.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::collect {

/// A child started with the standard streams of this process.
class Child {
 public:
  /// Starts argv[0] (PATH lookup) with argv; stdin, stdout and stderr inherited.
  static core::Expected<Child> spawn(const std::vector<std::string>& argv);
  Child(Child&& other) noexcept : m_pid(other.m_pid), m_status(other.m_status) { other.m_pid = -1; }
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  [[nodiscard]] pid_t pid() const { return m_pid; }
  /// The exit code (128+signal when killed) once it ended, waiting at most `wait`.
  std::optional<int> wait_for(std::chrono::milliseconds wait);

 private:
  explicit Child(pid_t pid) : m_pid(pid) {}
  pid_t m_pid = -1;
  std::optional<int> m_status;
};

/// Runs argv to its end (at most `timeout`), stdin from /dev/null; its exit code and stdout
/// (at most 1 MiB). stderr is discarded.
struct RunResult {
  int code = -1;
  std::string out;
};
core::Expected<RunResult> run_capture(const std::vector<std::string>& argv, std::chrono::seconds timeout);

/// The kernel's audit status (AUDIT_GET over netlink, what `auditctl -s` prints).
struct AuditStatus {
  bool enabled = false;
  pid_t daemon_pid = 0;    ///< auditd's pid; 0 when no daemon receives the records (they go to the kernel log)
  std::uint32_t lost = 0;  ///< records the kernel dropped since boot
  std::uint32_t rate_limit = 0;
  std::uint32_t backlog_limit = 0;
};
/// An error when the kernel does not answer (no CAP_AUDIT_CONTROL, audit not built in).
core::Expected<AuditStatus> audit_status();

/// auditd's log file: `log_file` of /etc/audit/auditd.conf, else /var/log/audit/audit.log.
std::string auditd_log_path(const std::string& conf = "/etc/audit/auditd.conf");

/// What was appended to a log since it was opened.
class LogTail {
 public:
  /// Remembers the end of `path` (a regular file, or /dev/kmsg: the kernel's ring buffer).
  static core::Expected<LogTail> open(const std::string& path);
  LogTail(LogTail&& other) noexcept;
  LogTail& operator=(LogTail&&) = delete;
  LogTail(const LogTail&) = delete;
  LogTail& operator=(const LogTail&) = delete;
  ~LogTail();

  /// The lines appended since open (or the last read). For a file that shrank (rotated), the
  /// whole new file, and `rotated` is set. For /dev/kmsg, `overrun` says the ring buffer dropped
  /// messages before they could be read.
  core::Expected<std::string> read_new();
  [[nodiscard]] bool rotated() const { return m_rotated; }
  [[nodiscard]] bool overrun() const { return m_overrun; }
  [[nodiscard]] const std::string& path() const { return m_path; }
  /// /dev/kmsg: the kernel's timestamps (microseconds since boot) of the audit messages it
  /// printed, from those already in the ring buffer at open to the last read: without auditd the
  /// kernel prints at most 10 of them per 5 seconds (printk_ratelimited) and drops the others.
  [[nodiscard]] const std::vector<std::uint64_t>& audit_message_times() const { return m_audit_times; }

 private:
  LogTail() = default;
  std::string m_path;
  int m_fd = -1;
  bool m_kmsg = false;
  off_t m_offset = 0;
  bool m_rotated = false;
  bool m_overrun = false;
  std::vector<std::uint64_t> m_audit_times;
  /// Reads the records of /dev/kmsg available now: their first lines into `out` (when given),
  /// the times of audit messages into m_audit_times.
  void drain_kmsg(std::string* out);
};

/// Whether some `window_us` span of `times` (sorted or not) holds `burst` or more of them.
bool reaches_burst(std::vector<std::uint64_t> times, std::size_t burst, std::uint64_t window_us);

/// The pids whose cgroup names `container_id` and the other pids, from one scan of /proc.
struct PidScan {
  std::set<int> inside;
  std::set<int> outside;
};
PidScan scan_container_pids(std::string_view container_id, const std::string& proc_root = "/proc");

}  // namespace drydock::collect
