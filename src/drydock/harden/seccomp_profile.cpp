#include "drydock/harden/seccomp_profile.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace drydock::harden {
namespace {

using nlohmann::json;
using core::ErrorKind;

/// libseccomp's architecture tokens (the AUDIT_ARCH_* values), Docker's names for them, and Go's
/// (the `includes.arches` of Docker's profile name the engine's GOARCH).
struct Arch {
  std::uint32_t token;
  std::string_view docker;
  std::string_view go;
};
constexpr std::array k_arches{
    Arch{SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", "amd64"},  Arch{SCMP_ARCH_X86, "SCMP_ARCH_X86", "386"},
    Arch{SCMP_ARCH_X32, "SCMP_ARCH_X32", "x32"},          Arch{SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "arm64"},
    Arch{SCMP_ARCH_ARM, "SCMP_ARCH_ARM", "arm"},          Arch{SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le"},
    Arch{SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64", "ppc64"},    Arch{SCMP_ARCH_PPC, "SCMP_ARCH_PPC", "ppc"},
    Arch{SCMP_ARCH_S390X, "SCMP_ARCH_S390X", "s390x"},    Arch{SCMP_ARCH_S390, "SCMP_ARCH_S390", "s390"},
    Arch{SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64", "mips64"}, Arch{SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", "mips64n32"},
    Arch{SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS", "mips"},       Arch{SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", "mips64le"},
    Arch{SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", "mips64n32le"},
    Arch{SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", "mipsle"}, Arch{SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64"},
};

const Arch* arch_by_token(std::uint32_t token) {
  for (const auto& a : k_arches)
    if (a.token == token) return &a;
  return nullptr;
}
const Arch* arch_by_docker_name(std::string_view name) {
  for (const auto& a : k_arches)
    if (a.docker == name) return &a;
  return nullptr;
}

/// Capabilities Docker 20.10 gives a container by default (oci/caps/defaults.go).
const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps{
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",         "CAP_MKNOD",
      "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",           "CAP_SETFCAP",        "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE",           "CAP_SYS_CHROOT",       "CAP_KILL",           "CAP_AUDIT_WRITE"};
  return caps;
}

const json& default_profile() {
  static const json profile = json::parse(docker_default_profile_json());
  return profile;
}

/// The architectures of this machine's family in the default profile's archMap: the native one
/// first, then its sub-architectures.
std::vector<std::string> native_architectures() {
  const Arch* native = arch_by_token(seccomp_arch_native());
  if (native == nullptr) return {};
  std::vector<std::string> out{std::string(native->docker)};
  for (const auto& m : default_profile().value("archMap", json::array())) {
    if (m.value("architecture", "") != native->docker) continue;
    for (const auto& s : m.value("subArchitectures", json::array()))
      if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

bool contains(const json& list, std::string_view value) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(), [&](const json& v) { return v.is_string() && v.get<std::string>() == value; });
}

/// "4.8" -> {4, 8}.
std::pair<int, int> kernel_version(std::string_view text) {
  int major = 0;
  int minor = 0;
  std::sscanf(std::string(text).c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

/// Whether Docker 20.10 applies an entry on this machine for a container with `caps`
/// (daemon/profiles/seccomp: includes and excludes of arches, caps and minKernel).
bool entry_applies(const json& entry, std::string_view go_arch, const std::vector<std::string>& caps) {
  const auto has_cap = [&](const json& list) {
    return std::any_of(caps.begin(), caps.end(), [&](const std::string& c) { return contains(list, c); });
  };
  const json none = json::object();
  const json& inc = entry.contains("includes") && entry["includes"].is_object() ? entry["includes"] : none;
  const json& exc = entry.contains("excludes") && entry["excludes"].is_object() ? entry["excludes"] : none;
  if (exc.contains("arches") && contains(exc["arches"], go_arch)) return false;
  if (exc.contains("caps") && has_cap(exc["caps"])) return false;
  if (inc.contains("arches") && !inc["arches"].empty() && !contains(inc["arches"], go_arch)) return false;
  if (inc.contains("caps") && inc["caps"].is_array()) {
    for (const auto& c : inc["caps"])
      if (!c.is_string() || std::find(caps.begin(), caps.end(), c.get<std::string>()) == caps.end()) return false;
  }
  if (inc.contains("minKernel") && inc["minKernel"].is_string()) {
    utsname u{};
    if (uname(&u) == 0 && kernel_version(u.release) < kernel_version(inc["minKernel"].get<std::string>())) return false;
  }
  return true;
}

core::Expected<std::uint32_t> action_of(const json& entry, std::string_view key, const json& errno_ret) {
  const std::string action = entry.value(std::string(key), std::string());
  const std::uint32_t ret = errno_ret.is_number_unsigned() ? errno_ret.get<std::uint32_t>() : EPERM;
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (action == "SCMP_ACT_KILL") return SCMP_ACT_KILL;
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
  return core::fail(ErrorKind::parse, fmt::format("unknown seccomp action \"{}\"", action));
}

core::Expected<scmp_compare> compare_of(std::string_view op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return core::fail(ErrorKind::parse, fmt::format("unknown seccomp comparison \"{}\"", op));
}

struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

/// One compilation of `profile` for a container with `caps`.
core::Expected<bool> compile_for(const json& profile, const std::vector<std::string>& caps) {
  if (!profile.is_object()) return core::fail(ErrorKind::parse, "a seccomp profile is a JSON object");
  if (profile.contains("defaultErrnoRet"))
    return core::fail(ErrorKind::parse, "defaultErrnoRet is not understood by Docker 20.10");
  DRYDOCK_TRY(default_action, action_of(profile, "defaultAction", json()));
  std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(default_action));
  if (!ctx) return core::fail(ErrorKind::parse, "libseccomp could not create a filter");
  const Arch* native = arch_by_token(seccomp_arch_native());
  const std::string go_arch = native != nullptr ? std::string(native->go) : std::string();
  if (!profile.contains("architectures") || !profile["architectures"].is_array() || profile["architectures"].empty())
    return core::fail(ErrorKind::parse, "the profile names no architectures");
  for (const auto& a : profile["architectures"]) {
    const Arch* arch = a.is_string() ? arch_by_docker_name(a.get<std::string>()) : nullptr;
    if (arch == nullptr) return core::fail(ErrorKind::parse, fmt::format("unknown architecture {}", a.dump()));
    const int rc = seccomp_arch_add(ctx.get(), arch->token);
    if (rc != 0 && rc != -EEXIST)
      return core::fail(ErrorKind::parse, fmt::format("libseccomp: cannot add architecture {}: {}", arch->docker, std::strerror(-rc)));
  }
  if (!profile.contains("syscalls") || !profile["syscalls"].is_array())
    return core::fail(ErrorKind::parse, "the profile has no \"syscalls\" list");
  std::size_t index = 0;
  for (const auto& entry : profile["syscalls"]) {
    ++index;
    if (!entry.is_object()) return core::fail(ErrorKind::parse, fmt::format("syscalls[{}] is not an object", index - 1));
    if (!entry_applies(entry, go_arch, caps)) continue;
    DRYDOCK_TRY(action, action_of(entry, "action", entry.value("errnoRet", json())));
    if (action == default_action) continue;  // Docker skips these too
    std::vector<scmp_arg_cmp> conditions;
    bool same_index = false;
    if (entry.contains("args") && entry["args"].is_array()) {
      std::set<unsigned> seen;
      for (const auto& arg : entry["args"]) {
        DRYDOCK_TRY(op, compare_of(arg.value("op", "")));
        const unsigned i = arg.value("index", 0U);
        if (i > 5) return core::fail(ErrorKind::parse, fmt::format("syscalls[{}]: argument index {} > 5", index - 1, i));
        same_index = same_index || !seen.insert(i).second;
        conditions.push_back(scmp_arg_cmp{i, op, arg.value("value", std::uint64_t{0}), arg.value("valueTwo", std::uint64_t{0})});
      }
    }
    const std::vector<std::string> names = entry.value("names", std::vector<std::string>{});
    for (const auto& name : names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // unknown to libseccomp on this architecture: skipped, as Docker does
      // Several conditions on one argument are alternatives (one rule each), else they all hold.
      const auto add = [&](const scmp_arg_cmp* c, unsigned n) {
        return seccomp_rule_add_array(ctx.get(), action, nr, n, c);
      };
      int rc = 0;
      if (same_index) {
        for (const auto& c : conditions)
          if ((rc = add(&c, 1)) != 0) break;
      } else {
        rc = add(conditions.data(), static_cast<unsigned>(conditions.size()));
      }
      if (rc != 0)
        return core::fail(ErrorKind::parse,
                          fmt::format("libseccomp rejects syscalls[{}] ({}): {}", index - 1, name, std::strerror(-rc)));
    }
  }
  const int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return core::fail(ErrorKind::io, "cannot open /dev/null");
  const int rc = seccomp_export_bpf(ctx.get(), fd);
  close(fd);
  if (rc != 0) return core::fail(ErrorKind::parse, fmt::format("libseccomp cannot compile the profile: {}", std::strerror(-rc)));
  return true;
}

}  // namespace

const std::vector<std::string>& runtime_syscalls() {
  // Seen from runc:[2:INIT] under a log-only profile (Docker 20.10.24, runc 1.1), and what the Go
  // runtime may call in that window (signals, scheduling, memory, thread exit).
  static const std::vector<std::string> calls{
      "arch_prctl", "brk",          "capget",      "capset",     "chdir",      "close",         "epoll_ctl",
      "epoll_pwait", "epoll_wait",  "execve",      "exit",       "exit_group", "faccessat2",    "fchown",
      "fcntl",      "fstat",        "fstatfs",     "futex",      "getcwd",     "getdents64",    "getpid",
      "getppid",    "gettid",       "madvise",     "mmap",       "mprotect",   "munmap",        "nanosleep",
      "newfstatat", "openat",       "prctl",       "read",       "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
      "sched_yield", "setgid",      "setgroups",   "setuid",     "sigaltstack", "tgkill",       "write",
  };
  return calls;
}

ResolvedCalls resolve_calls(const std::vector<SyscallRef>& calls) {
  ResolvedCalls out;
  std::set<std::string> unknown;
  for (const auto& c : calls) {
    std::uint32_t arch = c.arch != 0 ? c.arch : seccomp_arch_native();
    if (c.arch == 0 && !c.arch_name.empty()) {
      const std::uint32_t named = seccomp_arch_resolve_name(c.arch_name.c_str());
      if (named != 0) arch = named;
    }
    if (c.number >= 0) {
      char* name = c.number <= 0xffff ? seccomp_syscall_resolve_num_arch(arch, static_cast<int>(c.number)) : nullptr;
      if (name != nullptr) {
        out.names.insert(name);
        std::free(name);  // NOLINT(cppcoreguidelines-no-malloc): libseccomp allocates with malloc
        continue;
      }
      if (!c.name.empty() && seccomp_syscall_resolve_name_arch(arch, c.name.c_str()) != __NR_SCMP_ERROR) {
        out.names.insert(c.name);
        continue;
      }
      unknown.insert(fmt::format("arch {:08x} number {}", arch, c.number));
    } else if (!c.name.empty()) {
      if (seccomp_syscall_resolve_name_arch(arch, c.name.c_str()) != __NR_SCMP_ERROR)
        out.names.insert(c.name);
      else
        unknown.insert(c.name);
    }
  }
  out.unknown.assign(unknown.begin(), unknown.end());
  return out;
}

core::Expected<SeccompProfile> restrict_default_profile(const std::set<std::string>& observed) {
  const json& base = default_profile();
  const auto arches = native_architectures();
  if (arches.empty()) return core::fail(ErrorKind::usage, "this machine's architecture has no entry in Docker's default profile");

  std::set<std::string> wanted = observed;
  std::set<std::string> added;
  for (const auto& c : runtime_syscalls())
    if (wanted.insert(c).second) added.insert(c);
  // Docker's profile answers clone3 with ENOSYS without CAP_SYS_ADMIN, and the C library then
  // falls back to clone: a workload seen calling clone3 needs clone.
  if (wanted.count("clone3") != 0 && wanted.insert("clone").second) added.insert("clone");

  SeccompProfile out;
  std::set<std::string> allowed;
  std::set<std::string> in_default;
  json syscalls = json::array();
  for (const auto& entry : base["syscalls"]) {
    const auto names = entry.value("names", std::vector<std::string>{});
    in_default.insert(names.begin(), names.end());
    json kept = entry;
    if (entry.value("action", "") != "SCMP_ACT_ALLOW") {
      // Entries that refuse (clone3 -> ENOSYS) allow nothing: always kept.
      syscalls.push_back(std::move(kept));
      continue;
    }
    std::vector<std::string> keep;
    for (const auto& n : names)
      if (wanted.count(n) != 0) keep.push_back(n);
    if (keep.empty()) continue;
    allowed.insert(keep.begin(), keep.end());
    kept["names"] = keep;
    syscalls.push_back(std::move(kept));
  }
  for (const auto& n : observed)
    if (in_default.count(n) == 0) out.not_allowed.push_back(n);
  for (const auto& n : added)
    if (allowed.count(n) != 0) out.added.push_back(n);
  out.allowed.assign(allowed.begin(), allowed.end());
  out.json = json::object();
  out.json["defaultAction"] = base.value("defaultAction", "SCMP_ACT_ERRNO");
  out.json["architectures"] = arches;
  out.json["syscalls"] = std::move(syscalls);
  return out;
}

json complain_profile() {
  json p = json::object();
  p["defaultAction"] = "SCMP_ACT_LOG";
  p["architectures"] = native_architectures();
  p["syscalls"] = json::array();
  return p;
}

core::Expected<bool> compile_profile(const json& profile) {
  DRYDOCK_TRY(with_default, compile_for(profile, default_capabilities()));
  std::vector<std::string> all;
  for (int cap = 0; cap <= 40; ++cap) {
    static constexpr std::array<std::string_view, 41> k_names{
        "CAP_CHOWN",          "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",        "CAP_FSETID",
        "CAP_KILL",           "CAP_SETGID",        "CAP_SETUID",          "CAP_SETPCAP",       "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",     "CAP_NET_RAW",       "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",      "CAP_SYS_MODULE",    "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",    "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",      "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",          "CAP_LEASE",         "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",       "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",     "CAP_SYSLOG",
        "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",      "CAP_PERFMON",       "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE"};
    all.emplace_back(k_names[static_cast<std::size_t>(cap)]);
  }
  DRYDOCK_TRY(with_all, compile_for(profile, all));
  return with_default && with_all;
}

std::string profile_text(const json& profile) { return profile.dump(2) + "\n"; }

}  // namespace drydock::harden
