#pragma once
/// Seccomp records -> the system calls a workload made. Pure.
///
/// `parse_audit_log` reads the records the kernel writes when a seccomp filter returns
/// SCMP_ACT_LOG (or kills, or logs for another reason): audit records of type SECCOMP (1326), in
/// every form they reach a file:
///   - auditd's log: `type=SECCOMP msg=audit(1796232862.683:355): ... arch=c000003e syscall=257 ...`,
///     with or without the enriched part after a `\x1d` byte (`ARCH=x86_64 SYSCALL=openat ...`);
///   - kernel messages: `audit: type=1326 audit(...): ...`, as `dmesg` (with or without its
///     `[seconds]` prefix), /dev/kmsg (`6,123,456,-;audit: ...`), syslog and journald print them;
///   - `ausearch -i` output (`arch=x86_64 syscall=openat`, names instead of numbers).
/// Each line is recognized on its own, so one file may mix the forms. Records of other types are
/// ignored. Unquoted `comm`/`exe` values are hex-encoded by the kernel when they hold spaces or
/// quotes, and are decoded. The kernel's notes that records were dropped (`callbacks suppressed`,
/// `audit_lost=`, `rate limit exceeded`, `backlog limit exceeded`) are counted: the record is
/// then partial.
///
/// `parse_strace` reads `strace -f` output (`[pid N] name(...`, `N name(...`, `<... name resumed>`,
/// optional `-t`/`-tt`/`-ttt` timestamps): system call names, no numbers.
///
/// Any input is accepted; what is not a record is skipped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drydock::parse {

/// Where a record came from.
enum class SeccompSource { auditd, kernel, strace };

struct SeccompRecord {
  SeccompSource source = SeccompSource::auditd;
  int line = 0;                 ///< 1-based line of the input
  std::uint32_t arch = 0;       ///< AUDIT_ARCH_* (0xc000003e for x86_64); 0 when only a name was given
  std::string arch_name;        ///< "x86_64" from the enriched part or `ausearch -i`; may be empty
  std::int64_t syscall = -1;    ///< the number; -1 when the record gave only a name
  std::string syscall_name;     ///< strace, `ausearch -i`, or the enriched SYSCALL= when it names one
  std::int64_t pid = -1;        ///< host pid of the caller; -1 when not given
  std::string comm;             ///< decoded
  std::string exe;              ///< decoded
  std::uint32_t code = 0;       ///< the filter's return value (0x7ffc0000 = SCMP_ACT_LOG); 0 when absent
  bool has_code = false;
  std::uint64_t serial = 0;     ///< audit serial number; 0 when absent
  double time = 0;              ///< audit timestamp, Unix seconds; 0 when absent
};

struct SeccompLog {
  std::vector<SeccompRecord> records;
  int lines = 0;           ///< lines read
  int other_records = 0;   ///< audit records of other types, ignored
  int loss_notes = 0;      ///< lines saying records were dropped
  std::vector<std::string> loss_samples;  ///< up to 3 of those lines, trimmed, "line N: ..."
  [[nodiscard]] bool partial() const { return loss_notes > 0; }
};

/// The SECCOMP records of an audit or kernel log, in any mix of the forms above.
SeccompLog parse_audit_log(std::string_view text);

/// The system calls of `strace -f` output, one record per call started.
SeccompLog parse_strace(std::string_view text);

/// Decodes the kernel's hex encoding of an untrusted audit value ("2F62696E" -> "/bin");
/// returns `value` unchanged when it is not an even run of hex digits.
std::string decode_audit_hex(std::string_view value);

}  // namespace drydock::parse
