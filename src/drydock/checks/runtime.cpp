/// Container runtime checks: CIS Docker Benchmark section 5, and 4.1 on containers.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using common::json_list;
using common::shown;
using model::ContainerSpec;
using model::HostSnapshot;

// ---------------------------------------------------------------------------------------
// Capabilities, computed the way moby's TweakCapabilities does.

/// Every capability the kernel knows (what `--privileged` or `--cap-add ALL` grants).
constexpr std::array<std::string_view, 41> k_all_caps = {"CHOWN",
                                                         "DAC_OVERRIDE",
                                                         "DAC_READ_SEARCH",
                                                         "FOWNER",
                                                         "FSETID",
                                                         "KILL",
                                                         "SETGID",
                                                         "SETUID",
                                                         "SETPCAP",
                                                         "LINUX_IMMUTABLE",
                                                         "NET_BIND_SERVICE",
                                                         "NET_BROADCAST",
                                                         "NET_ADMIN",
                                                         "NET_RAW",
                                                         "IPC_LOCK",
                                                         "IPC_OWNER",
                                                         "SYS_MODULE",
                                                         "SYS_RAWIO",
                                                         "SYS_CHROOT",
                                                         "SYS_PTRACE",
                                                         "SYS_PACCT",
                                                         "SYS_ADMIN",
                                                         "SYS_BOOT",
                                                         "SYS_NICE",
                                                         "SYS_RESOURCE",
                                                         "SYS_TIME",
                                                         "SYS_TTY_CONFIG",
                                                         "MKNOD",
                                                         "LEASE",
                                                         "AUDIT_WRITE",
                                                         "AUDIT_CONTROL",
                                                         "SETFCAP",
                                                         "MAC_OVERRIDE",
                                                         "MAC_ADMIN",
                                                         "SYSLOG",
                                                         "WAKE_ALARM",
                                                         "BLOCK_SUSPEND",
                                                         "AUDIT_READ",
                                                         "PERFMON",
                                                         "BPF",
                                                         "CHECKPOINT_RESTORE"};

/// The engine's default set for a non-privileged container.
constexpr std::array<std::string_view, 14> k_default_caps = {
    "CHOWN",  "DAC_OVERRIDE", "FSETID",  "FOWNER",           "MKNOD",      "NET_RAW", "SETGID",
    "SETUID", "SETFCAP",      "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",    "AUDIT_WRITE"};

/// "cap_sys_admin", "CAP_SYS_ADMIN", " SYS_ADMIN" -> "SYS_ADMIN"; "all" -> "ALL".
std::string normalize_cap(std::string_view cap) {
  std::string c = core::to_upper(core::trim(cap));
  if (c.starts_with("CAP_")) c.erase(0, 4);
  return c;
}

std::set<std::string> normalized(const std::vector<std::string>& caps) {
  std::set<std::string> out;
  for (const auto& c : caps)
    out.insert(normalize_cap(c));
  return out;
}

bool is_default_cap(std::string_view cap) {
  return std::find(k_default_caps.begin(), k_default_caps.end(), cap) != k_default_caps.end();
}

/// The capabilities the container's processes get.
std::set<std::string> effective_caps(const ContainerSpec& c) {
  std::set<std::string> out;
  if (c.privileged) {
    out.insert(k_all_caps.begin(), k_all_caps.end());
    return out;
  }
  if (c.cap_add.empty() && c.cap_drop.empty()) {
    out.insert(k_default_caps.begin(), k_default_caps.end());
    return out;
  }
  auto adds = normalized(c.cap_add);
  const auto drops = normalized(c.cap_drop);
  if (adds.contains("ALL")) {
    for (auto cap : k_all_caps) {
      if (!drops.contains(std::string(cap))) out.emplace(cap);
    }
    // Names the engine knows but this table does not (newer kernels) still count.
    for (const auto& a : adds) {
      if (a != "ALL" && !drops.contains(a)) out.insert(a);
    }
    return out;
  }
  if (drops.contains("ALL")) return adds;
  for (auto cap : k_default_caps) {
    if (!drops.contains(std::string(cap))) out.emplace(cap);
  }
  out.insert(adds.begin(), adds.end());  // an add wins over the same drop
  return out;
}

std::string cap_list(const std::set<std::string>& caps) {
  std::vector<std::string> names;
  names.reserve(caps.size());
  for (const auto& c : caps)
    names.push_back("CAP_" + c);
  return core::join(names, ", ");
}

/// "HostConfig.CapAdd=[...], HostConfig.CapDrop=[...]".
std::string cap_fields(const ContainerSpec& c) {
  return fmt::format("HostConfig.CapAdd={}, HostConfig.CapDrop={}", json_list(c.cap_add), json_list(c.cap_drop));
}

/// One specific capability: fail when the effective set holds it.
void capability_check(std::string_view cap, const ContainerSpec& c, Results& out) {
  if (c.privileged) {
    out.fail(fmt::format("HostConfig.Privileged=true grants every capability, CAP_{} included", cap));
    return;
  }
  const auto caps = effective_caps(c);
  if (!caps.contains(std::string(cap))) {
    out.pass(fmt::format("CAP_{} is not in the effective set ({})", cap, cap_fields(c)));
  } else if (normalized(c.cap_add).contains("ALL")) {
    out.fail(fmt::format("HostConfig.CapAdd includes ALL, which grants CAP_{} ({})", cap, cap_fields(c)));
  } else {
    out.fail(fmt::format("effective set includes CAP_{} ({})", cap, cap_fields(c)));
  }
}

// ---------------------------------------------------------------------------------------
// Security options ("key=value", or the legacy "key:value").

/// The values of every `key` option in HostConfig.SecurityOpt ("" for a bare "key").
std::vector<std::string> security_opt_values(const ContainerSpec& c, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& opt : c.security_opt) {
    const auto sep = opt.find_first_of("=:");
    const std::string_view k = std::string_view(opt).substr(0, sep);
    if (k != key) continue;
    out.push_back(sep == std::string::npos ? std::string() : opt.substr(sep + 1));
  }
  return out;
}

bool has_security_opt(const ContainerSpec& c, std::string_view key, std::string_view value) {
  const auto values = security_opt_values(c, key);
  return std::find(values.begin(), values.end(), value) != values.end();
}

/// A long option value (a whole seccomp profile is stored inline) cut for evidence.
std::string abbreviated(std::string_view text, std::size_t max = 60) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

/// "SecurityOptions: seccomp, userns" as the engine reported them.
std::string engine_options(const model::EngineInfo& e) {
  return "SecurityOptions: " + (e.security_options.empty() ? std::string("none") : core::join(e.security_options, ", "));
}

// ---------------------------------------------------------------------------------------
// Mounts and ports.

std::string describe_mount(const model::Mount& m, std::size_t index) {
  return fmt::format("Mounts[{}] {} -> {} ({}, propagation {})", index, shown(m.source), m.destination,
                     m.read_write ? "rw" : "ro", m.propagation.empty() ? "default" : m.propagation);
}

bool is_socket_path(std::string_view path) { return path.ends_with("docker.sock"); }

/// Host directories whose exposure lets a container read or change the host.
constexpr std::array<std::string_view, 13> k_sensitive_dirs = {
    "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr", "/bin", "/sbin", "/var/lib/docker", "/run", "/var/run"};

bool is_sensitive_source(std::string_view source) {
  if (core::normalize_path(source) == "/" || is_socket_path(source)) return true;
  return std::any_of(k_sensitive_dirs.begin(), k_sensitive_dirs.end(),
                     [&](std::string_view dir) { return core::path_within(source, dir); });
}

/// "0.0.0.0:80->80/tcp", "[::]:8080->80/tcp", "*:random->9000/tcp" (empty IP = every interface).
std::string describe_port(const model::PortBinding& p) {
  std::string ip = p.host_ip.empty() ? "*" : p.host_ip;
  if (ip.find(':') != std::string::npos && !ip.starts_with('[')) ip = "[" + ip + "]";
  return fmt::format("{}:{}->{}", ip, p.host_port.empty() ? "random" : p.host_port, p.container_port);
}

std::vector<std::string> describe_ports(const std::vector<model::PortBinding>& ports) {
  std::vector<std::string> out;
  out.reserve(ports.size());
  for (const auto& p : ports)
    out.push_back(describe_port(p));
  return out;
}

/// The lowest host port of a binding ("8080", "8000-8010"), or nullopt when ephemeral or not a number.
std::optional<long> host_port_number(std::string_view port) {
  port = port.substr(0, port.find('-'));
  port = core::trim(port);
  if (port.empty() || port.size() > 6 || port.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stol(std::string(port));
}

bool binds_all_interfaces(const model::PortBinding& p) {
  return p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::" || p.host_ip == "[::]";
}

std::string mib(std::int64_t bytes) {
  const double m = static_cast<double>(bytes) / (1024.0 * 1024.0);
  return fmt::format("{:g} MiB", m);
}

// ---------------------------------------------------------------------------------------
// Namespaces: one body for 5.10, 5.16, 5.17, 5.21, 5.31.

void namespace_check(std::string_view field, const std::string& mode, Results& out) {
  if (mode == "host") {
    out.fail(fmt::format("HostConfig.{}=host", field));
  } else {
    out.pass(fmt::format("HostConfig.{}={}", field, shown(mode)));
  }
}

// ---------------------------------------------------------------------------------------
// Processes and exec sessions.

/// The program a command line runs: "/usr/sbin/sshd -D" -> "sshd", "sshd: root@pts/0" -> "sshd".
std::string program_name(std::string_view command) {
  command = core::trim(command);
  std::string_view first = command.substr(0, command.find_first_of(" \t"));
  if (first.ends_with(':')) first.remove_suffix(1);
  const auto slash = first.rfind('/');
  if (slash != std::string_view::npos) first.remove_prefix(slash + 1);
  return std::string(first);
}

std::string short_id(std::string_view id) {
  if (id.starts_with("sha256:")) return std::string(id.substr(0, 19));
  return std::string(id.substr(0, 12));
}

/// Exec sessions the engine listed but the collector could not inspect (no details known).
std::size_t uninspected_execs(const ContainerSpec& c) {
  return c.exec_ids.size() > c.execs.size() ? c.exec_ids.size() - c.execs.size() : 0;
}

// ---------------------------------------------------------------------------------------
// Images (5.28).

/// "nginx" -> "nginx:latest"; "docker.io/library/nginx:1" -> "nginx:1"; digests and ids -> nullopt.
std::optional<std::string> tag_reference(std::string_view image) {
  std::string ref(core::trim(image));
  if (ref.empty() || ref.find('@') != std::string::npos || ref.starts_with("sha256:")) return std::nullopt;
  for (std::string_view prefix : {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"}) {
    if (ref.starts_with(prefix)) {
      ref.erase(0, prefix.size());
      break;
    }
  }
  const auto slash = ref.rfind('/');
  if (ref.find(':', slash == std::string::npos ? 0 : slash) == std::string::npos) ref += ":latest";
  return ref;
}

/// A bare hex string that is a prefix of the image id: the user referenced the image by id.
bool is_id_reference(std::string_view image, std::string_view image_id) {
  if (image.size() < 12 || image.find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
  if (image_id.starts_with("sha256:")) image_id.remove_prefix(7);
  return image_id.starts_with(image);
}

// ---------------------------------------------------------------------------------------

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = "runtime.user-root",
          .cis = "4.1",
          .title = "Containers run as a non-root user",
          .severity = Severity::medium,
          .rationale = "A process running as root inside the container is root on the host if it escapes, and can "
                       "change anything in the container's filesystem.",
          .remediation = "Run as an unprivileged user: `docker run --user 1000:1000` (Compose: `user: \"1000:1000\"`), "
                         "or set USER in the image.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (common::user_is_root(c.user)) {
              out.fail(fmt::format("Config.User={}{}", shown(c.user), c.user.empty() ? " (defaults to root)" : ""));
            } else {
              out.pass(fmt::format("Config.User={}", c.user));
            }
          }},
      },
      Check{
          .id = "runtime.swarm-mode",
          .cis = "5.1",
          .title = "Swarm mode is off unless needed",
          .severity = Severity::low,
          .rationale = "A swarm node opens management ports and holds cluster secrets; on a host that does not need "
                       "orchestration this is attack surface for nothing.",
          .remediation = "If this host does not need Swarm, leave it: `docker swarm leave` (on a manager: "
                         "`docker swarm leave --force`).",
          .aliases = {},
          .evaluate = DaemonEval{[](const HostSnapshot& host, Results& out) {
            if (!host.engine) {
              out.skip("no engine consulted");
              return;
            }
            const auto& e = *host.engine;
            const std::string evidence = fmt::format("Swarm.LocalNodeState={}, Swarm.ControlAvailable={}", shown(e.swarm_state),
                                                     e.swarm_control_available);
            if (e.swarm_state == "inactive") {
              out.pass(evidence);
            } else if (e.swarm_state.empty()) {
              out.skip("the engine did not report a swarm state (" + evidence + ")");
            } else {
              out.warn(evidence + "; confirm this host needs Swarm");
            }
          }},
      },
      Check{
          .id = "runtime.apparmor-profile",
          .cis = "5.2",
          .title = "Containers run under an AppArmor profile",
          .severity = Severity::medium,
          .rationale = "An AppArmor profile limits which files, mounts and kernel interfaces the container may use, "
                       "even if it gains privileges.",
          .remediation = "Keep the default profile (do not pass `--security-opt apparmor=unconfined` or "
                         "`--privileged`), or apply your own: `docker run --security-opt apparmor=<profile>` "
                         "(Compose: `security_opt: [\"apparmor=<profile>\"]`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            if (host.engine && !host.engine->has_security_option("apparmor")) {
              out.skip("AppArmor is not enabled on this host (" + engine_options(*host.engine) + ")");
              return;
            }
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true: privileged containers run unconfined");
              return;
            }
            if (c.apparmor_profile == "unconfined" || has_security_opt(c, "apparmor", "unconfined")) {
              out.fail(fmt::format("AppArmorProfile={}, HostConfig.SecurityOpt={}", shown(c.apparmor_profile),
                                   json_list(c.security_opt)));
              return;
            }
            const auto requested = security_opt_values(c, "apparmor");
            const std::string profile = !c.apparmor_profile.empty() ? c.apparmor_profile
                                        : requested.empty()         ? std::string()
                                                                    : requested.back();
            if (!profile.empty()) {
              out.pass("AppArmorProfile=" + profile);
            } else if (host.engine) {
              out.fail("AppArmorProfile=\"\" although the engine reports AppArmor");
            } else {
              out.warn("AppArmorProfile=\"\"; whether the host runs AppArmor is unknown (no engine consulted)");
            }
          }},
      },
      Check{
          .id = "runtime.selinux-options",
          .cis = "5.3",
          .title = "Containers run with SELinux labels",
          .severity = Severity::medium,
          .rationale = "SELinux labels confine what the container's processes may touch on the host; disabling "
                       "labelling removes that barrier.",
          .remediation = "Do not pass `--security-opt label=disable`; set a label where needed: "
                         "`docker run --security-opt label=type:container_t` (Compose: `security_opt`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            if (host.engine && !host.engine->has_security_option("selinux")) {
              out.skip("SELinux is not enabled on this host (" + engine_options(*host.engine) + ")");
              return;
            }
            const auto labels = security_opt_values(c, "label");
            if (std::find(labels.begin(), labels.end(), "disable") != labels.end()) {
              out.fail("HostConfig.SecurityOpt=" + json_list(c.security_opt) + " disables SELinux labelling");
              return;
            }
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true: privileged containers run without SELinux separation");
              return;
            }
            if (!labels.empty() || !c.process_label.empty()) {
              out.pass(
                  fmt::format("ProcessLabel={}, HostConfig.SecurityOpt={}", shown(c.process_label), json_list(c.security_opt)));
              return;
            }
            const std::string evidence =
                "ProcessLabel=\"\", no label option in HostConfig.SecurityOpt=" + json_list(c.security_opt);
            if (host.engine) {
              out.fail(evidence);
            } else {
              out.warn(evidence + "; whether the host runs SELinux is unknown (no engine consulted)");
            }
          }},
      },
      Check{
          .id = "runtime.capabilities-added",
          .cis = "5.4",
          .title = "Containers have no capabilities beyond the default set",
          .severity = Severity::medium,
          .rationale = "Each added capability hands the container a piece of root's power over the kernel; most "
                       "workloads need fewer than the default set, not more.",
          .remediation = "Drop everything and add back only what is needed: `docker run --cap-drop ALL --cap-add "
                         "NET_BIND_SERVICE` (Compose: `cap_drop: [ALL]`, `cap_add: [...]`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true grants every capability");
              return;
            }
            // Podman grants fewer than Docker by default (its containers.conf): what a Podman
            // container has beyond Podman's set is beyond the default set, even where Docker would
            // grant it (--cap-add NET_RAW). Its inspect states CapAdd/CapDrop against Docker's set,
            // so the effective set is computed the same way on both engines.
            const bool engine_set = host.engine && !host.engine->default_capabilities.empty();
            const std::set<std::string> engine_defaults =
                engine_set ? normalized(host.engine->default_capabilities) : std::set<std::string>{};
            std::set<std::string> extra;
            for (const auto& cap : effective_caps(c)) {
              if (engine_set ? !engine_defaults.contains(cap) : !is_default_cap(cap)) extra.insert(cap);
            }
            const auto drops = normalized(c.cap_drop);
            const auto adds = normalized(c.cap_add);
            std::string summary;
            if (!drops.empty()) summary += "drops " + core::join(std::vector<std::string>(drops.begin(), drops.end()), ", ");
            if (!adds.empty())
              summary +=
                  (summary.empty() ? "adds " : ", adds ") + core::join(std::vector<std::string>(adds.begin(), adds.end()), ", ");
            if (summary.empty()) summary = "default set";
            std::string evidence = cap_fields(c) + "; " + summary;
            std::string set_name = "the default set";
            if (engine_set) {
              set_name = host.engine->podman ? "Podman's default set" : "the engine's default set";
              evidence += "; " + set_name + ": " + cap_list(engine_defaults) + ", from " +
                          host.engine->default_capabilities_source;
            }
            if (!extra.empty()) {
              out.fail("beyond " + set_name + ": " + cap_list(extra) + " (" + evidence + ")");
            } else {
              out.pass("nothing beyond " + set_name + " (" + evidence + ")");
            }
          }},
      },
      Check{
          .id = "runtime.cap-sys-admin",
          .cis = "5.4",
          .title = "Containers do not have CAP_SYS_ADMIN",
          .severity = Severity::high,
          .rationale = "CAP_SYS_ADMIN covers mounts, namespaces and many device operations; it is the usual first "
                       "step of a container escape.",
          .remediation = "Remove `--cap-add SYS_ADMIN` (Compose: `cap_add`); grant a narrower capability or use a "
                         "device or volume instead.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            capability_check("SYS_ADMIN", c, out);
          }},
      },
      Check{
          .id = "runtime.cap-sys-module",
          .cis = "5.4",
          .title = "Containers cannot load kernel modules (CAP_SYS_MODULE)",
          .severity = Severity::critical,
          .rationale = "Loading a kernel module is running arbitrary code in the host kernel.",
          .remediation = "Remove `--cap-add SYS_MODULE` (Compose: `cap_add`); load modules on the host instead.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            capability_check("SYS_MODULE", c, out);
          }},
      },
      Check{
          .id = "runtime.cap-sys-ptrace",
          .cis = "5.4",
          .title = "Containers cannot trace processes (CAP_SYS_PTRACE)",
          .severity = Severity::high,
          .rationale = "With ptrace a process can read and rewrite the memory of others it can see, including "
                       "host processes when the PID namespace is shared.",
          .remediation = "Remove `--cap-add SYS_PTRACE` (Compose: `cap_add`); attach debuggers from the host.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            capability_check("SYS_PTRACE", c, out);
          }},
      },
      Check{
          .id = "runtime.cap-dac-read-search",
          .cis = "5.4",
          .title = "Containers cannot bypass file read permissions (CAP_DAC_READ_SEARCH)",
          .severity = Severity::high,
          .rationale = "This capability allows opening files by handle, which has been used to read host files "
                       "from a container (the \"shocker\" escape).",
          .remediation = "Remove `--cap-add DAC_READ_SEARCH` (Compose: `cap_add`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            capability_check("DAC_READ_SEARCH", c, out);
          }},
      },
      Check{
          .id = "runtime.cap-net-admin",
          .cis = "5.4",
          .title = "Containers cannot reconfigure networking (CAP_NET_ADMIN)",
          .severity = Severity::medium,
          .rationale = "NET_ADMIN lets the container change interfaces, routes and firewall rules of its network "
                       "namespace, and of the host's when it shares it.",
          .remediation = "Remove `--cap-add NET_ADMIN` (Compose: `cap_add`) unless the container is a network tool "
                         "that needs it.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            capability_check("NET_ADMIN", c, out);
          }},
      },
      Check{
          .id = "runtime.cap-all",
          .cis = "5.4",
          .title = "Containers are not granted every capability",
          .severity = Severity::critical,
          .rationale = "All capabilities together are full root over the kernel; the container boundary no longer "
                       "holds.",
          .remediation = "Replace `--cap-add ALL` with the few capabilities needed, e.g. `--cap-drop ALL --cap-add "
                         "NET_BIND_SERVICE` (Compose: `cap_add`/`cap_drop`); do not use `--privileged`.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true grants every capability");
            } else if (normalized(c.cap_add).contains("ALL")) {
              out.fail(cap_fields(c));
            } else {
              out.pass(cap_fields(c));
            }
          }},
      },
      Check{
          .id = "runtime.privileged",
          .cis = "5.5",
          .title = "Containers do not run privileged",
          .severity = Severity::critical,
          .rationale = "A privileged container gets every capability and device and runs without seccomp, "
                       "AppArmor or SELinux confinement: it is root on the host.",
          .remediation = "Run without `--privileged` (Compose: remove `privileged: true`); add only the capabilities "
                         "and devices needed.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true");
            } else {
              out.pass("HostConfig.Privileged=false");
            }
          }},
      },
      Check{
          .id = "runtime.sensitive-host-mount",
          .cis = "5.6",
          .title = "Sensitive host directories are not mounted",
          .severity = Severity::high,
          .rationale = "Host system directories give the container a way to read secrets or change the host's "
                       "configuration and binaries; even read-only they disclose a lot.",
          .remediation = "Mount only the application's own data, preferably as a named volume: "
                         "`docker run -v appdata:/data` (Compose: `volumes:`); never `/`, `/etc`, `/proc`, "
                         "`/var/run` and the like.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> offenders;
            bool any_writable = false;
            for (std::size_t i = 0; i < c.mounts.size(); ++i) {
              const auto& m = c.mounts[i];
              if (m.type != "bind" || !is_sensitive_source(m.source)) continue;
              offenders.push_back(describe_mount(m, i));
              any_writable = any_writable || m.read_write;
            }
            if (offenders.empty()) {
              out.pass(c.mounts.empty() ? "Mounts=[]" : fmt::format("{} mounts, none of a sensitive host path", c.mounts.size()));
              return;
            }
            auto& finding = out.fail(core::join(offenders, "; "));
            if (!any_writable) finding.severity = Severity::medium;
          }},
      },
      Check{
          .id = "runtime.sshd",
          .cis = "5.7",
          .title = "No SSH server runs inside containers",
          .severity = Severity::high,
          .rationale = "An SSH daemon adds credentials, keys and a network service to manage in every container; "
                       "`docker exec` already gives operators a shell.",
          .remediation = "Remove the SSH server from the image and use `docker exec -it <container> sh` for access.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (!c.processes) {
              out.skip(c.processes_unavailable.empty() ? std::string("the process list is not available")
                                                       : c.processes_unavailable);
              return;
            }
            std::vector<std::string> found;
            for (const auto& p : *c.processes) {
              const auto name = program_name(p.command);
              if (name == "sshd" || name == "dropbear") found.push_back(fmt::format("PID {} {}", p.pid, p.command));
            }
            if (!found.empty()) {
              out.fail(core::join(found, "; "));
            } else {
              out.pass(fmt::format("{} processes, none is an SSH server", c.processes->size()));
            }
          }},
      },
      Check{
          .id = "runtime.privileged-ports",
          .cis = "5.8",
          .title = "No privileged host port (below 1024) is mapped",
          .severity = Severity::medium,
          .rationale = "Ports below 1024 are meant for trusted system services; a container holding one can "
                       "impersonate such a service.",
          .remediation = "Publish on a port of 1024 or above: `docker run -p 8080:80` (Compose: `ports: "
                         "[\"8080:80\"]`), and put a proxy in front if port 80/443 is needed.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> low;
            for (const auto& p : c.ports) {
              const auto n = host_port_number(p.host_port);
              if (n && *n >= 1 && *n <= 1023) low.push_back(describe_port(p));
            }
            if (!low.empty()) {
              out.fail("HostConfig.PortBindings: " + core::join(low, ", "));
            } else if (c.ports.empty()) {
              out.pass("HostConfig.PortBindings={}");
            } else {
              out.pass("HostConfig.PortBindings: " + core::join(describe_ports(c.ports), ", "));
            }
          }},
      },
      Check{
          .id = "runtime.open-ports",
          .cis = "5.9",
          .title = "Only needed ports are published",
          .severity = Severity::info,
          .rationale = "Every published port is reachable from outside the host; only the ones the service needs "
                       "should be open.",
          .remediation = "Publish only needed ports with explicit `-p` flags; avoid `-P`/`--publish-all` (Compose: "
                         "list only needed `ports:`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.ports.empty() && !c.publish_all_ports) {
              out.pass("no published ports (HostConfig.PortBindings={}, HostConfig.PublishAllPorts=false)");
              return;
            }
            std::vector<std::string> parts;
            if (!c.ports.empty()) parts.emplace_back("HostConfig.PortBindings: " + core::join(describe_ports(c.ports), ", "));
            if (c.publish_all_ports) parts.emplace_back("HostConfig.PublishAllPorts=true publishes every exposed port");
            out.info(core::join(parts, "; "));
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.host-network",
          .cis = "5.10",
          .title = "Containers do not share the host's network namespace",
          .severity = Severity::high,
          .rationale = "With the host network the container sees every host interface and can bind or sniff on "
                       "them, including services listening on localhost.",
          .remediation = "Use a bridge or user-defined network instead of `--network host` (Compose: remove "
                         "`network_mode: host`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            namespace_check("NetworkMode", c.network_mode, out);
          }},
      },
      Check{
          .id = "runtime.memory-limit",
          .cis = "5.11",
          .title = "Containers have a memory limit",
          .severity = Severity::medium,
          .rationale = "Without a limit one container can use all the host's memory and starve everything else.",
          .remediation = "Set a limit: `docker run --memory 512m` (Compose: `mem_limit: 512m` or "
                         "`deploy.resources.limits.memory`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.memory > 0) {
              out.pass(fmt::format("HostConfig.Memory={} ({})", c.memory, mib(c.memory)));
            } else {
              out.fail(fmt::format("HostConfig.Memory={} (unlimited)", c.memory));
            }
          }},
      },
      Check{
          .id = "runtime.cpu-limit",
          .cis = "5.12",
          .title = "Containers have a CPU limit or priority",
          .severity = Severity::medium,
          .rationale = "Without a CPU limit or relative weight a busy container can take CPU time from every other "
                       "workload on the host.",
          .remediation = "Set a limit or weight: `docker run --cpus 1.5` or `--cpu-shares 512` (Compose: `cpus: "
                         "1.5`, `cpu_shares: 512`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> set;
            if (c.nano_cpus > 0) {
              set.push_back(
                  fmt::format("HostConfig.NanoCpus={} ({:g} CPUs)", c.nano_cpus, static_cast<double>(c.nano_cpus) / 1e9));
            }
            if (c.cpu_quota > 0) {
              set.push_back(fmt::format("HostConfig.CpuQuota={} (CpuPeriod={})", c.cpu_quota, c.cpu_period));
            }
            if (c.cpu_shares != 0 && c.cpu_shares != 1024) set.push_back(fmt::format("HostConfig.CpuShares={}", c.cpu_shares));
            if (!set.empty()) {
              out.pass(core::join(set, ", "));
            } else {
              out.fail(fmt::format("HostConfig.CpuShares={}, HostConfig.NanoCpus=0, HostConfig.CpuQuota={}", c.cpu_shares,
                                   c.cpu_quota));
            }
          }},
      },
      Check{
          .id = "runtime.readonly-rootfs",
          .cis = "5.13",
          .title = "Containers' root filesystems are read-only",
          .severity = Severity::medium,
          .rationale = "A read-only root filesystem stops an intruder from changing the container's binaries and "
                       "makes every writable path an explicit volume.",
          .remediation = "Run with `docker run --read-only` plus `--tmpfs /tmp` or volumes for the paths that must "
                         "be written (Compose: `read_only: true`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.readonly_rootfs) {
              out.pass("HostConfig.ReadonlyRootfs=true");
            } else {
              out.fail("HostConfig.ReadonlyRootfs=false");
            }
          }},
      },
      Check{
          .id = "runtime.port-all-interfaces",
          .cis = "5.14",
          .title = "Ports are bound to a specific host interface",
          .severity = Severity::medium,
          .rationale = "A port bound to 0.0.0.0 or :: is reachable on every network the host is attached to, "
                       "not just the one the service is meant for.",
          .remediation = "Bind to a specific address: `docker run -p 127.0.0.1:8080:80` (Compose: `ports: "
                         "[\"127.0.0.1:8080:80\"]`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> wide;
            for (const auto& p : c.ports) {
              if (binds_all_interfaces(p)) wide.push_back(describe_port(p));
            }
            std::vector<std::string> parts;
            if (!wide.empty()) parts.push_back("HostConfig.PortBindings: " + core::join(wide, ", "));
            if (c.publish_all_ports)
              parts.emplace_back("HostConfig.PublishAllPorts=true binds every exposed port on all interfaces");
            if (!parts.empty()) {
              out.fail(core::join(parts, "; "));
            } else if (c.ports.empty()) {
              out.pass("no published ports");
            } else {
              out.pass("HostConfig.PortBindings: " + core::join(describe_ports(c.ports), ", "));
            }
          }},
      },
      Check{
          .id = "runtime.restart-policy",
          .cis = "5.15",
          .title = "Restart policies retry at most 5 times",
          .severity = Severity::low,
          .rationale = "A container that restarts forever can hide a crash loop and keep hammering what it depends "
                       "on; a bounded on-failure policy makes the failure visible.",
          .remediation = "Use `docker run --restart on-failure:5` (Compose: `restart: on-failure:5`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            const std::string field = "HostConfig.RestartPolicy.Name=" + shown(c.restart_policy);
            const auto& p = c.restart_policy;
            if (p == "always" || p == "unless-stopped") {
              out.fail(field + " restarts without limit");
            } else if (p == "on-failure") {
              const std::string evidence =
                  fmt::format("{}, HostConfig.RestartPolicy.MaximumRetryCount={}", field, c.restart_max_retries);
              if (c.restart_max_retries <= 0) {
                out.fail(evidence + " (no limit)");
              } else if (c.restart_max_retries > 5) {
                out.fail(evidence + " (more than 5)");
              } else {
                out.pass(evidence);
              }
            } else if (p.empty() || p == "no") {
              out.pass(field + " (never restarted)");
            } else {
              out.warn(field + " is not a policy this check knows");
            }
          }},
      },
      Check{
          .id = "runtime.host-pid",
          .cis = "5.16",
          .title = "Containers do not share the host's PID namespace",
          .severity = Severity::high,
          .rationale = "Sharing the host PID namespace lets the container see, signal and (with ptrace) inspect "
                       "every process on the host.",
          .remediation = "Remove `--pid host` (Compose: `pid: host`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            namespace_check("PidMode", c.pid_mode, out);
          }},
      },
      Check{
          .id = "runtime.host-ipc",
          .cis = "5.17",
          .title = "Containers do not share the host's IPC namespace",
          .severity = Severity::high,
          .rationale = "Sharing the host IPC namespace exposes host shared memory and semaphores to the container.",
          .remediation = "Remove `--ipc host` (Compose: `ipc: host`); use `--ipc shareable`/`container:<id>` to "
                         "share between containers.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            namespace_check("IpcMode", c.ipc_mode, out);
          }},
      },
      Check{
          .id = "runtime.host-devices",
          .cis = "5.18",
          .title = "Host devices are not exposed to containers",
          .severity = Severity::medium,
          .rationale = "A host device node gives the container direct access to hardware or kernel interfaces "
                       "that bypass the usual isolation.",
          .remediation = "Pass only the devices needed, with the least permissions: `docker run --device "
                         "/dev/ttyUSB0:/dev/ttyUSB0:r` (Compose: `devices:`); never `--privileged`.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.privileged) {
              out.fail("HostConfig.Privileged=true exposes every host device");
              return;
            }
            if (c.devices.empty() && c.device_cgroup_rules.empty()) {
              out.pass("no host devices (HostConfig.Devices and HostConfig.DeviceCgroupRules are empty)");
              return;
            }
            std::vector<std::string> parts;
            for (std::size_t i = 0; i < c.devices.size(); ++i) {
              const auto& d = c.devices[i];
              parts.push_back(
                  fmt::format("HostConfig.Devices[{}] {} -> {} ({})", i, d.host_path, d.container_path, d.permissions));
            }
            if (!c.device_cgroup_rules.empty())
              parts.push_back("HostConfig.DeviceCgroupRules=" + json_list(c.device_cgroup_rules));
            out.info(core::join(parts, "; "));
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.ulimit-override",
          .cis = "5.19",
          .title = "Containers keep the default ulimits",
          .severity = Severity::low,
          .rationale = "Per-container ulimits replace the daemon's defaults; raised limits can let one container "
                       "exhaust host resources such as file descriptors.",
          .remediation = "Rely on the daemon's default ulimits; pass `docker run --ulimit nofile=1024:2048` only "
                         "where a workload needs it (Compose: `ulimits:`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.ulimits.empty()) {
              out.pass("HostConfig.Ulimits=[] (daemon defaults apply)");
              return;
            }
            std::vector<std::string> parts;
            for (const auto& u : c.ulimits)
              parts.push_back(fmt::format("{}={}:{}", u.name, u.soft, u.hard));
            out.info("HostConfig.Ulimits: " + core::join(parts, ", "));
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.mount-propagation-shared",
          .cis = "5.20",
          .title = "Mount propagation is not shared",
          .severity = Severity::medium,
          .rationale = "With shared propagation, mounts made inside the container appear on the host and the "
                       "other way round.",
          .remediation = "Use the default private propagation: drop `bind-propagation=shared|rshared` from "
                         "`--mount` (Compose: `bind.propagation`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> shared;
            for (std::size_t i = 0; i < c.mounts.size(); ++i) {
              const auto& m = c.mounts[i];
              if (m.propagation == "shared" || m.propagation == "rshared") shared.push_back(describe_mount(m, i));
            }
            if (!shared.empty()) {
              out.fail(core::join(shared, "; "));
            } else {
              out.pass(c.mounts.empty() ? "Mounts=[]" : fmt::format("{} mounts, none with shared propagation", c.mounts.size()));
            }
          }},
      },
      Check{
          .id = "runtime.host-uts",
          .cis = "5.21",
          .title = "Containers do not share the host's UTS namespace",
          .severity = Severity::medium,
          .rationale = "Sharing the host UTS namespace lets the container change the host's hostname.",
          .remediation = "Remove `--uts host` (Compose: `uts: host`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            namespace_check("UTSMode", c.uts_mode, out);
          }},
      },
      Check{
          .id = "runtime.seccomp-unconfined",
          .cis = "5.22",
          .title = "Containers run with seccomp filtering",
          .severity = Severity::high,
          .rationale = "The default seccomp profile blocks system calls that containers rarely need and attackers "
                       "often use; without it the whole kernel interface is open.",
          .remediation = "Do not pass `--security-opt seccomp=unconfined` or `--privileged`; use the default profile "
                         "or `--security-opt seccomp=<profile.json>` (Compose: `security_opt`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            const auto values = security_opt_values(c, "seccomp");
            if (std::find(values.begin(), values.end(), "unconfined") != values.end()) {
              out.fail("HostConfig.SecurityOpt contains seccomp=unconfined");
            } else if (c.privileged) {
              out.fail("HostConfig.Privileged=true disables seccomp filtering");
            } else if (host.engine && !host.engine->has_security_option("seccomp")) {
              out.fail("engine reports no seccomp support (" + engine_options(*host.engine) + ")");
            } else if (!values.empty()) {
              out.pass("custom profile: HostConfig.SecurityOpt seccomp=" + abbreviated(values.back()));
            } else {
              out.pass("default seccomp profile (no seccomp option in HostConfig.SecurityOpt)");
            }
          }},
      },
      Check{
          .id = "runtime.exec-privileged",
          .cis = "5.23",
          .title = "Exec sessions do not run privileged",
          .severity = Severity::high,
          .rationale = "`docker exec --privileged` gives the new process every capability and no confinement, "
                       "whatever the container was started with.",
          .remediation = "Do not use `docker exec --privileged`; grant the container what it needs at `docker run`.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> found;
            for (const auto& e : c.execs) {
              if (e.privileged) {
                found.push_back(e.observed ? fmt::format("exec {} `{}` is privileged (seen starting)", e.id, e.command)
                                           : fmt::format("exec {} `{}` is privileged", short_id(e.id), e.command));
              }
            }
            if (!found.empty()) {
              out.fail(core::join(found, "; "));
            } else if (const auto missing = uninspected_execs(c); missing > 0) {
              out.warn(fmt::format("{} of {} exec sessions in ExecIDs could not be inspected", missing, c.exec_ids.size()));
            } else if (c.execs.empty()) {
              out.pass("no exec sessions recorded by the engine (ExecIDs=null)");
            } else {
              out.pass(fmt::format("{} exec sessions recorded by the engine, none privileged", c.execs.size()));
            }
          }},
      },
      Check{
          .id = "runtime.exec-root",
          .cis = "5.24",
          .title = "Exec sessions do not run as root",
          .severity = Severity::medium,
          .rationale = "An exec session as root undoes the benefit of running the container as an unprivileged "
                       "user.",
          .remediation = "Run exec sessions as the container's user: `docker exec --user 1000 ...`; avoid "
                         "`--user root`/`-u 0`.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> found;
            bool seen = false;  // a root exec seen starting decides the control; a record alone is for a person
            for (const auto& e : c.execs) {
              const std::string& user = e.user.empty() ? c.user : e.user;
              if (!common::user_is_root(user)) continue;
              seen = seen || e.observed;
              const std::string id = e.observed ? e.id : short_id(e.id);
              const std::string how = e.observed ? " (seen starting)" : "";
              found.push_back(e.user.empty() ? fmt::format("exec {} `{}` as the container's user (Config.User={}){}", id,
                                                           e.command, shown(c.user), how)
                                             : fmt::format("exec {} `{}` as user {}{}", id, e.command, e.user, how));
            }
            if (!found.empty() && seen) {
              out.fail(core::join(found, "; "));
            } else if (!found.empty()) {
              out.info(core::join(found, "; "));
            } else if (const auto missing = uninspected_execs(c); missing > 0) {
              out.info(fmt::format("{} of {} exec sessions in ExecIDs could not be inspected", missing, c.exec_ids.size()));
            } else {
              out.pass(c.execs.empty() ? std::string("no exec sessions recorded by the engine (ExecIDs=null)")
                                       : fmt::format("{} exec sessions recorded by the engine, none as root", c.execs.size()));
            }
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.cgroup-parent",
          .cis = "5.25",
          .title = "Containers use the default cgroup parent",
          .severity = Severity::medium,
          .rationale = "The cgroup parent decides which resource limits apply; an unexpected parent can escape the "
                       "limits the host relies on.",
          .remediation = "Remove `--cgroup-parent` (Compose: `cgroup_parent`) unless the parent is the one meant "
                         "for this workload.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (!c.cgroup_parent.empty()) {
              out.warn("HostConfig.CgroupParent=" + c.cgroup_parent + "; confirm it is intended");
            } else {
              out.pass("HostConfig.CgroupParent=\"\" (daemon default)");
            }
          }},
      },
      Check{
          .id = "runtime.no-new-privileges",
          .cis = "5.26",
          .title = "Container processes cannot gain new privileges",
          .severity = Severity::medium,
          .rationale = "Without no-new-privileges a process can gain privileges through setuid or setgid binaries "
                       "or file capabilities.",
          .remediation = "`docker run --security-opt no-new-privileges` (Compose: `security_opt: "
                         "[\"no-new-privileges:true\"]`), or `\"no-new-privileges\": true` in daemon.json.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            const auto values = security_opt_values(c, "no-new-privileges");
            if (values.empty()) {
              // The daemon's default applies, and inspect does not show it: ask the daemon's configuration.
              const auto* daemon_value = host.daemon && host.daemon->has("no-new-privileges")
                                             ? &host.daemon->values("no-new-privileges").front()
                                             : nullptr;
              const std::string opts = "HostConfig.SecurityOpt=" + json_list(c.security_opt);
              if (daemon_value != nullptr && daemon_value->value == "true") {
                out.pass(opts + "; the daemon's default applies: no-new-privileges=true (" + daemon_value->source +
                         (daemon_value->location.file.empty()
                              ? ""
                              : " " + daemon_value->location.file + ":" + std::to_string(daemon_value->location.line)) +
                         ")");
              } else if (host.daemon) {
                out.fail(opts + " has no no-new-privileges, and the daemon does not set it by default");
              } else {
                out.fail(opts + " has no no-new-privileges (a daemon-wide default is not visible here)");
              }
            } else if (const auto& v = values.back(); v.empty() || v == "true") {
              out.pass("HostConfig.SecurityOpt=" + json_list(c.security_opt));
            } else {
              out.fail("HostConfig.SecurityOpt=" + json_list(c.security_opt) + " sets no-new-privileges to " + v);
            }
          }},
      },
      Check{
          .id = "runtime.healthcheck",
          .cis = "5.27",
          .title = "Container health is checked at runtime",
          .severity = Severity::low,
          .rationale = "Without a health check the engine and orchestrators cannot tell a hung service from a "
                       "working one.",
          .remediation = "`docker run --health-cmd 'curl -f http://localhost/ || exit 1'` (Compose: "
                         "`healthcheck.test`), or a HEALTHCHECK in the image.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            const std::string evidence = common::health_evidence(c.healthcheck);
            switch (common::health_state(c.healthcheck)) {
              case common::Health::set:
                out.pass(c.health_status.empty() ? evidence : evidence + ", State.Health.Status=" + c.health_status);
                break;
              case common::Health::disabled:
                out.fail(evidence + " (disabled)");
                break;
              case common::Health::absent:
                out.fail(evidence);
                break;
            }
          }},
      },
      Check{
          .id = "runtime.image-outdated",
          .cis = "5.28",
          .title = "Containers run the current image of their tag",
          .severity = Severity::low,
          .rationale = "When the tag has moved on, the running container misses the fixes in the newer image.",
          .remediation = "Pull the image and re-create the container: `docker pull <image> && docker rm -f <name> "
                         "&& docker run ...` (Compose: `docker compose pull && docker compose up -d`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot& host, Results& out) {
            const std::string runs = c.image_id.empty() ? std::string("an unknown image id") : short_id(c.image_id);
            if (is_id_reference(c.image, c.image_id)) {
              out.info(fmt::format("Config.Image={} references the image by id; runs {}, no tag to compare", c.image, runs));
              return;
            }
            const auto ref = tag_reference(c.image);
            if (!ref) {
              out.info(fmt::format("Config.Image={} is pinned by digest or id; runs {}", shown(c.image), runs));
              return;
            }
            if (!host.engine) {
              out.info(fmt::format("Config.Image={}, runs {}; the current image of {} is unknown (no engine consulted)", c.image,
                                   runs, *ref));
              return;
            }
            const auto it = host.tags.find(*ref);
            if (it == host.tags.end()) {
              out.info(fmt::format("Config.Image={}, runs {}; tag {} no longer exists on this host", c.image, runs, *ref));
            } else if (it->second != c.image_id) {
              out.warn(fmt::format("runs {}, tag {} now points to {}", runs, *ref, short_id(it->second)));
            } else {
              out.pass(fmt::format("runs {}, the current image of tag {}", runs, *ref));
            }
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.pids-limit",
          .cis = "5.29",
          .title = "Containers have a PIDs limit",
          .severity = Severity::medium,
          .rationale = "Without a PIDs limit a fork bomb in one container can exhaust the host's process table.",
          .remediation = "`docker run --pids-limit 200` (Compose: `pids_limit: 200`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            if (c.pids_limit && *c.pids_limit > 0) {
              out.pass(fmt::format("HostConfig.PidsLimit={}", *c.pids_limit));
            } else {
              out.fail(fmt::format("HostConfig.PidsLimit={} (unlimited)",
                                   c.pids_limit ? std::to_string(*c.pids_limit) : std::string("null")));
            }
          }},
      },
      Check{
          .id = "runtime.default-bridge",
          .cis = "5.30",
          .title = "Containers use a user-defined network, not the default bridge",
          .severity = Severity::low,
          .rationale = "On the default bridge every container can reach every other one; user-defined networks "
                       "separate workloads and give name resolution.",
          .remediation = "Create a network per application and attach to it: `docker network create app && docker "
                         "run --network app ...` (Compose does this by default).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            const bool on_bridge = c.network_mode == "default" || c.network_mode == "bridge" ||
                                   std::find(c.networks.begin(), c.networks.end(), "bridge") != c.networks.end();
            const std::string evidence =
                fmt::format("HostConfig.NetworkMode={}, NetworkSettings.Networks: {}", shown(c.network_mode),
                            c.networks.empty() ? std::string("none") : core::join(c.networks, ", "));
            if (on_bridge) {
              out.info(evidence);
            } else {
              out.pass(evidence);
            }
          }},
          .manual = true,
      },
      Check{
          .id = "runtime.host-userns",
          .cis = "5.31",
          .title = "Containers do not share the host's user namespace",
          .severity = Severity::high,
          .rationale = "With `--userns host` the container opts out of user namespace remapping, so its root is "
                       "the host's root.",
          .remediation = "Remove `--userns host` (Compose: `userns_mode: host`).",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            namespace_check("UsernsMode", c.userns_mode, out);
          }},
      },
      Check{
          .id = "runtime.docker-socket-mount",
          .cis = "5.32",
          .title = "The Docker socket is not mounted into containers",
          .severity = Severity::critical,
          .rationale = "Whoever can talk to the Docker socket can start a privileged container and so controls the "
                       "host.",
          .remediation = "Remove `-v /var/run/docker.sock:/var/run/docker.sock` (Compose: the `volumes:` entry); "
                         "if a tool needs the API, give it a filtering socket proxy.",
          .aliases = {},
          .evaluate = ContainerEval{[](const ContainerSpec& c, const HostSnapshot&, Results& out) {
            std::vector<std::string> found;
            for (std::size_t i = 0; i < c.mounts.size(); ++i) {
              const auto& m = c.mounts[i];
              const bool run_dir = m.type == "bind" && !m.source.empty() &&
                                   (core::normalize_path(m.source) == "/run" || core::normalize_path(m.source) == "/var/run");
              if (is_socket_path(m.source) || is_socket_path(m.destination) || run_dir) {
                found.push_back(describe_mount(m, i));
              }
            }
            if (!found.empty()) {
              out.fail(core::join(found, "; "));
            } else {
              out.pass(c.mounts.empty() ? "Mounts=[]" : fmt::format("{} mounts, none of the Docker socket", c.mounts.size()));
            }
          }},
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> runtime_checks() { return table(); }

}  // namespace drydock::checks
