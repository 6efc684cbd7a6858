#pragma once
/// Seccomp profiles from observed system calls: Docker's default profile (kept as data, from
/// moby, see seccomp_default.cpp) restricted to the calls a workload made. Entries keep their
/// argument filters (clone's namespace-flag mask, personality's values) and capability and
/// architecture conditions, so nothing the default profile denies becomes allowed. The output is
/// in the format Docker 20.10 reads (`architectures`, no `defaultErrnoRet`), and is compiled with
/// libseccomp before anyone writes it.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "drydock/core/error.hpp"

namespace drydock::harden {

/// moby's profiles/seccomp/default.json, unchanged, and the version it comes from.
std::string_view docker_default_profile_json();
std::string_view docker_default_profile_version();

/// The calls the runtime makes inside the container between loading the filter and exec'ing the
/// workload (runc's init: Go runtime, capability and identity changes, execve). Always allowed.
const std::vector<std::string>& runtime_syscalls();

/// One observed system call: a number on an architecture (AUDIT_ARCH_* as in audit records,
/// 0 = this machine's), or a name.
struct SyscallRef {
  std::uint32_t arch = 0;
  std::string arch_name;  ///< "x86_64" when the number came with a name for its architecture instead
  std::int64_t number = -1;
  std::string name;
};

struct ResolvedCalls {
  std::set<std::string> names;
  std::vector<std::string> unknown;  ///< what libseccomp could not name ("arch c000003e number 999")
};

/// Names for the observed calls, resolved per architecture by libseccomp
/// (seccomp_syscall_resolve_num_arch); names are checked with seccomp_syscall_resolve_name_arch.
ResolvedCalls resolve_calls(const std::vector<SyscallRef>& calls);

struct SeccompProfile {
  nlohmann::json json;
  std::vector<std::string> allowed;      ///< names the profile allows (sorted)
  std::vector<std::string> not_allowed;  ///< observed, but Docker's default profile does not allow them either
  std::vector<std::string> added;        ///< allowed without being observed: the runtime's calls, clone for clone3
};

/// The default profile restricted to `observed` (plus runtime_syscalls()), for this machine's
/// architecture family.
core::Expected<SeccompProfile> restrict_default_profile(const std::set<std::string>& observed);

/// The log-only profile that records: every call allowed and logged (SCMP_ACT_LOG).
nlohmann::json complain_profile();

/// Compiles `profile` with libseccomp as Docker 20.10 would load it on this machine (default
/// capabilities, and again with every capability), to BPF; an error says which entry failed.
core::Expected<bool> compile_profile(const nlohmann::json& profile);

/// The profile as written to disk: two-space indented JSON and a final newline.
std::string profile_text(const nlohmann::json& profile);

}  // namespace drydock::harden
