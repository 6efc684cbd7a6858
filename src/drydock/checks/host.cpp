/// Host checks: CIS Docker Benchmark section 1 (data-root partition, docker group, audit
/// rules for Docker's files and binaries, host hardening and version).

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using model::HostFacts;
using model::HostSnapshot;

/// Why a host check is skipped when the host's files were not read.
std::string no_host(const HostSnapshot& s) {
  return common::not_read(s, "the host's files (mounts, /etc/group, audit rules)", "host files were not read");
}

// ---------------------------------------------------------------------------------------
// 1.1.3 - 1.1.18: one audit rule per path, all evaluated by audit_rule_check().

/// How the audited path is found in HostFacts.
enum class Locate {
  binary,          ///< HostFacts::binaries[key], else absent
  file_role,       ///< the first existing FileFact with role `key`
  data_root,       ///< HostFacts::data_root (existence from the "data-root" FileFact)
  file_path,       ///< the FileFact at path `key` (Podman's files: listed when present), else absent
  podman_storage,  ///< Podman's graphroot: storage.conf's, else the engine's /info DockerRootDir
};

/// Whose the audited path is: the engine's kind decides which controls apply.
enum class Engine { docker, podman };

struct AuditTarget {
  Locate locate;
  std::string_view key;           ///< binary name or FileFact role (see collect/host/host_facts.hpp)
  std::string_view default_path;  ///< the CIS path, used when the host does not say where it is
  /// Whose file it is: Docker's are not a Podman engine's (skipped there), Podman's only a
  /// Podman engine's; empty: either's (runc, the OCI runtime both may use).
  std::optional<Engine> engine;
};

/// Indexed by the AuditId below: CIS order 1.1.3 to 1.1.18, then Podman's (no CIS control).
const std::array<AuditTarget, 21> k_audit_targets = {{
    {Locate::binary, "dockerd", "/usr/bin/dockerd", Engine::docker},
    {Locate::file_role, "/run/containerd", "/run/containerd", Engine::docker},
    {Locate::data_root, "data-root", "/var/lib/docker", Engine::docker},
    {Locate::file_role, "/etc/docker", "/etc/docker", Engine::docker},
    {Locate::file_role, "docker.service", "/lib/systemd/system/docker.service", Engine::docker},
    {Locate::file_role, "containerd.sock", "/run/containerd/containerd.sock", Engine::docker},
    {Locate::file_role, "docker.socket", "/lib/systemd/system/docker.socket", Engine::docker},
    {Locate::file_role, "/etc/default/docker", "/etc/default/docker", Engine::docker},
    {Locate::file_role, "daemon.json", "/etc/docker/daemon.json", Engine::docker},
    {Locate::file_role, "containerd-config", "/etc/containerd/config.toml", Engine::docker},
    {Locate::file_role, "/etc/sysconfig/docker", "/etc/sysconfig/docker", Engine::docker},
    {Locate::binary, "containerd", "/usr/bin/containerd", Engine::docker},
    {Locate::binary, "containerd-shim", "/usr/bin/containerd-shim", Engine::docker},
    {Locate::binary, "containerd-shim-runc-v1", "/usr/bin/containerd-shim-runc-v1", Engine::docker},
    {Locate::binary, "containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2", Engine::docker},
    {Locate::binary, "runc", "/usr/bin/runc", std::nullopt},
    {Locate::binary, "podman", "/usr/bin/podman", Engine::podman},
    {Locate::binary, "conmon", "/usr/bin/conmon", Engine::podman},
    {Locate::binary, "crun", "/usr/bin/crun", Engine::podman},
    {Locate::file_path, "/etc/containers", "/etc/containers", Engine::podman},
    {Locate::podman_storage, "storage.graphroot", "/var/lib/containers/storage", Engine::podman},
}};

enum AuditId : std::size_t {
  k_dockerd,
  k_run_containerd,
  k_data_root,
  k_etc_docker,
  k_docker_service,
  k_containerd_sock,
  k_docker_socket,
  k_etc_default_docker,
  k_daemon_json,
  k_containerd_config,
  k_etc_sysconfig_docker,
  k_containerd,
  k_containerd_shim,
  k_shim_runc_v1,
  k_shim_runc_v2,
  k_runc,
  k_podman,
  k_conmon,
  k_crun,
  k_etc_containers,
  k_podman_storage,
};

enum class Presence { present, absent, unknown };

struct Located {
  std::string path;
  Presence presence = Presence::unknown;
  std::string why_absent;
};

Located locate_by_role(const HostFacts& h, std::string_view role, std::string_view fallback) {
  const model::FileFact* missing = nullptr;
  const model::FileFact* unreadable = nullptr;
  for (const auto& f : h.files) {
    if (f.role != role) continue;
    if (f.exists) return {f.path, Presence::present, ""};
    if (!f.error.empty() && unreadable == nullptr) unreadable = &f;
    if (f.error.empty() && missing == nullptr) missing = &f;
  }
  if (unreadable != nullptr) return {unreadable->path, Presence::unknown, ""};
  if (missing != nullptr) return {missing->path, Presence::absent, ""};
  return {std::string(fallback), Presence::unknown, ""};
}

Located locate(const HostSnapshot& s, const AuditTarget& t) {
  const HostFacts& h = *s.host;
  switch (t.locate) {
    case Locate::binary: {
      const auto it = h.binaries.find(std::string(t.key));
      if (it != h.binaries.end()) return {it->second, Presence::present, ""};
      return {std::string(t.default_path), Presence::absent,
              fmt::format("{} not found in /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, /bin, /sbin", t.key)};
    }
    case Locate::file_role:
      return locate_by_role(h, t.key, t.default_path);
    case Locate::data_root: {
      Located l = locate_by_role(h, t.key, h.data_root.empty() ? t.default_path : std::string_view(h.data_root));
      if (!h.data_root.empty()) l.path = h.data_root;
      return l;
    }
    case Locate::file_path: {
      for (const auto& f : h.files) {
        if (f.path != t.key) continue;
        return {f.path, f.exists ? Presence::present : (f.error.empty() ? Presence::absent : Presence::unknown), ""};
      }
      return {std::string(t.default_path), Presence::absent, ""};
    }
    case Locate::podman_storage: {
      // Watched whether it exists or not: Podman makes it with its first image.
      if (s.podman) {
        const auto it = s.podman->storage_conf.find(std::string(t.key));
        if (it != s.podman->storage_conf.end() && !it->second.values.empty() && it->second.values.front().starts_with('/')) {
          return {it->second.values.front(), Presence::unknown, ""};
        }
      }
      if (s.engine && s.engine->docker_root_dir.starts_with('/')) return {s.engine->docker_root_dir, Presence::unknown, ""};
      return {std::string(t.default_path), Presence::unknown, ""};
    }
  }
  return {std::string(t.default_path), Presence::unknown, ""};
}

std::string describe(const model::AuditRule& r) {
  std::string text = fmt::format("{}:{}: watch on {}", r.location.file, r.location.line, r.path);
  text += r.permissions.empty() ? " (all access)" : fmt::format(" -p {}", r.permissions);
  if (!r.key.empty()) text += fmt::format(" -k {}", r.key);
  return text;
}

/// The one evaluation of every "auditd watches X" control: a rule must name exactly the path
/// where X is on this host (a rule on a file inside a directory does not audit the directory).
void audit_rule_check(const HostSnapshot& s, AuditId id, Results& out) {
  if (!s.host) {
    out.skip(no_host(s));
    return;
  }
  const HostFacts& h = *s.host;
  const AuditTarget& wanted = k_audit_targets.at(id);
  const bool podman = s.engine && s.engine->podman;
  if (wanted.engine == Engine::docker && podman) {
    out.skip(fmt::format("not applicable: the engine is Podman {}, which does not use {} (host.audit-podman and the "
                         "other Podman audit checks name its files)",
                         s.engine->podman_version, wanted.default_path));
    return;
  }
  if (wanted.engine == Engine::podman && !podman) {
    out.skip(s.engine ? fmt::format("not a Podman engine: {} is Podman's", wanted.default_path)
                      : fmt::format("no engine consulted: {} is audited when the engine is Podman", wanted.default_path));
    return;
  }
  const Located target = locate(s, wanted);
  if (target.presence == Presence::absent) {
    out.skip(fmt::format("{} is not present on this host{}", target.path,
                         target.why_absent.empty() ? "" : " (" + target.why_absent + ")"));
    return;
  }
  if (!h.audit_rules_readable) {
    std::string tried = core::join(h.audit_sources, "; ");
    out.fail(fmt::format("no audit rules found (/etc/audit/audit.rules, rules.d){}: nothing watches {}",
                         tried.empty() ? "" : " [" + tried + "]", target.path));
    return;
  }
  const std::string want = core::normalize_path(target.path);
  for (const auto& r : h.audit_rules) {
    if (core::normalize_path(r.path) != want) continue;
    out.pass(describe(r)).location = r.location;
    return;
  }
  out.fail(fmt::format("no audit rule watches {} ({} path rules read from {}); add: -w {} -p rwxa -k {}", want,
                       h.audit_rules.size(), core::join(h.audit_sources, ", "), want, podman ? "podman" : "docker"));
}

constexpr std::string_view k_podman_audit_rationale =
    "Auditing this Podman file or binary records who changed or ran it, which an investigation of a compromised host "
    "needs; a rootful Podman runs its containers as root. No CIS control names Podman's files: section 1.1's controls "
    "name Docker's.";

constexpr std::string_view k_audit_rationale =
    "Auditing this Docker file or binary records who changed or ran it, which an investigation of a compromised "
    "host needs; Docker runs as root, so its files are high-value targets.";

}  // namespace

std::span<const Check> host_checks() {
  static const std::vector<Check> table{
      Check{
          .id = "host.data-root-partition",
          .cis = "1.1.1",
          .title = "Docker's data root is on a separate partition",
          .severity = Severity::low,
          .rationale = "Images, containers and volumes under the data root can fill the disk; on the root "
                       "filesystem that stops the whole host.",
          .remediation = "Create a separate partition (or logical volume) for /var/lib/docker (or the daemon's "
                         "`data-root`) and mount it there in /etc/fstab.",
          .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
            if (!s.host) {
              out.skip(no_host(s));
              return;
            }
            const auto& h = *s.host;
            if (h.data_root_mount.empty()) {
              out.skip(fmt::format("mount point of {} unknown: the mount table could not be read", h.data_root));
            } else if (h.data_root_mount == "/") {
              out.fail(fmt::format("{} is on the root filesystem (mount point /)", h.data_root));
            } else {
              out.pass(fmt::format("{} is on its own filesystem, mounted at {}", h.data_root, h.data_root_mount));
            }
          }},
      },
      Check{
          .id = "host.docker-group-members",
          .cis = "1.1.2",
          .title = "Only trusted users are in the docker group",
          .severity = Severity::medium,
          .rationale = "Every member of the docker group can control the daemon, which is root on the host; only "
                       "trusted administrators belong in it.",
          .remediation = "Remove users who do not need the daemon: `gpasswd -d <user> docker`.",
          .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
            if (!s.host) {
              out.skip(no_host(s));
            } else if (!s.host->docker_group_members) {
              out.pass("no docker group in /etc/group");
            } else if (s.host->docker_group_members->empty()) {
              out.pass("/etc/group: the docker group has no members");
            } else {
              out.info(fmt::format("/etc/group and /etc/passwd: docker group members: {} (each is root-equivalent)",
                                   core::join(*s.host->docker_group_members, ", ")));
            }
          }},
          .manual = true,
      },
      Check{.id = "host.audit-dockerd",
            .cis = "1.1.3",
            .title = "The dockerd binary is audited",
            .severity = Severity::medium,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/dockerd -p rwxa -k docker` (dockerd's path on this host, see the evidence) "
                           "to /etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_dockerd, out); }}},
      Check{.id = "host.audit-run-containerd",
            .cis = "1.1.4",
            .title = "/run/containerd is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /run/containerd -p rwxa -k docker` to /etc/audit/rules.d/docker.rules and run "
                           "`augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_run_containerd, out); }}},
      Check{.id = "host.audit-var-lib-docker",
            .cis = "1.1.5",
            .title = "Docker's data root is audited",
            .severity = Severity::medium,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /var/lib/docker -p rwxa -k docker` (the daemon's data-root) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_data_root, out); }}},
      Check{.id = "host.audit-etc-docker",
            .cis = "1.1.6",
            .title = "/etc/docker is audited",
            .severity = Severity::medium,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /etc/docker -p rwxa -k docker` to /etc/audit/rules.d/docker.rules and run "
                           "`augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_etc_docker, out); }}},
      Check{.id = "host.audit-docker-service",
            .cis = "1.1.7",
            .title = "The docker.service unit file is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /lib/systemd/system/docker.service -p rwxa -k docker` (the unit's path, see "
                           "`systemctl show -p FragmentPath docker.service`) to /etc/audit/rules.d/docker.rules and "
                           "run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_docker_service, out); }}},
      Check{.id = "host.audit-containerd-sock",
            .cis = "1.1.8",
            .title = "containerd's socket is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /run/containerd/containerd.sock -p rwxa -k docker` to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_containerd_sock, out); }}},
      Check{.id = "host.audit-docker-socket",
            .cis = "1.1.9",
            .title = "The docker.socket unit file is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /lib/systemd/system/docker.socket -p rwxa -k docker` (the unit's path, see "
                           "`systemctl show -p FragmentPath docker.socket`) to /etc/audit/rules.d/docker.rules and "
                           "run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_docker_socket, out); }}},
      Check{.id = "host.audit-etc-default-docker",
            .cis = "1.1.10",
            .title = "/etc/default/docker is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /etc/default/docker -p rwxa -k docker` to /etc/audit/rules.d/docker.rules and run "
                           "`augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_etc_default_docker, out); }}},
      Check{.id = "host.audit-daemon-json",
            .cis = "1.1.11",
            .title = "daemon.json is audited",
            .severity = Severity::medium,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /etc/docker/daemon.json -p rwxa -k docker` (or the --config-file in use) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_daemon_json, out); }}},
      Check{.id = "host.audit-containerd-config",
            .cis = "1.1.12",
            .title = "containerd's config.toml is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /etc/containerd/config.toml -p rwxa -k docker` to /etc/audit/rules.d/docker.rules "
                           "and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_containerd_config, out); }}},
      Check{
          .id = "host.audit-etc-sysconfig-docker",
          .cis = "1.1.13",
          .title = "/etc/sysconfig/docker is audited",
          .severity = Severity::low,
          .rationale = k_audit_rationale,
          .remediation = "Add `-w /etc/sysconfig/docker -p rwxa -k docker` to /etc/audit/rules.d/docker.rules and "
                         "run `augenrules --load`.",
          .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_etc_sysconfig_docker, out); }}},
      Check{.id = "host.audit-containerd",
            .cis = "1.1.14",
            .title = "The containerd binary is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/containerd -p rwxa -k docker` (containerd's path on this host, see the "
                           "evidence) to /etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_containerd, out); }}},
      Check{.id = "host.audit-containerd-shim",
            .cis = "1.1.15",
            .title = "The containerd-shim binary is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/containerd-shim -p rwxa -k docker` (its path on this host) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_containerd_shim, out); }}},
      Check{.id = "host.audit-containerd-shim-runc-v1",
            .cis = "1.1.16",
            .title = "The containerd-shim-runc-v1 binary is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/containerd-shim-runc-v1 -p rwxa -k docker` (its path on this host) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_shim_runc_v1, out); }}},
      Check{.id = "host.audit-containerd-shim-runc-v2",
            .cis = "1.1.17",
            .title = "The containerd-shim-runc-v2 binary is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/containerd-shim-runc-v2 -p rwxa -k docker` (its path on this host) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_shim_runc_v2, out); }}},
      Check{.id = "host.audit-runc",
            .cis = "1.1.18",
            .title = "The runc binary is audited",
            .severity = Severity::low,
            .rationale = k_audit_rationale,
            .remediation = "Add `-w /usr/bin/runc -p rwxa -k docker` (runc's path on this host, see the evidence) to "
                           "/etc/audit/rules.d/docker.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_runc, out); }}},
      // Podman's files and binaries (no CIS number), in place of Docker's on a Podman engine.
      Check{.id = "host.audit-podman",
            .cis = "",
            .title = "The podman binary is audited",
            .severity = Severity::medium,
            .rationale = k_podman_audit_rationale,
            .remediation = "Add `-w /usr/bin/podman -p rwxa -k podman` (podman's path on this host, see the evidence) to "
                           "/etc/audit/rules.d/podman.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_podman, out); }}},
      Check{.id = "host.audit-conmon",
            .cis = "",
            .title = "The conmon binary is audited",
            .severity = Severity::low,
            .rationale = k_podman_audit_rationale,
            .remediation = "Add `-w /usr/bin/conmon -p rwxa -k podman` (its path on this host) to "
                           "/etc/audit/rules.d/podman.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_conmon, out); }}},
      Check{.id = "host.audit-crun",
            .cis = "",
            .title = "The crun binary is audited",
            .severity = Severity::low,
            .rationale = k_podman_audit_rationale,
            .remediation = "Add `-w /usr/bin/crun -p rwxa -k podman` (its path on this host) to "
                           "/etc/audit/rules.d/podman.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_crun, out); }}},
      Check{.id = "host.audit-etc-containers",
            .cis = "",
            .title = "/etc/containers is audited",
            .severity = Severity::medium,
            .rationale = k_podman_audit_rationale,
            .remediation = "Add `-w /etc/containers -p rwxa -k podman` to /etc/audit/rules.d/podman.rules and run "
                           "`augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_etc_containers, out); }}},
      Check{.id = "host.audit-podman-storage",
            .cis = "",
            .title = "Podman's storage is audited",
            .severity = Severity::medium,
            .rationale = k_podman_audit_rationale,
            .remediation = "Add `-w /var/lib/containers/storage -p rwxa -k podman` (storage.conf's graphroot) to "
                           "/etc/audit/rules.d/podman.rules and run `augenrules --load`.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) { audit_rule_check(s, k_podman_storage, out); }}},
      Check{
          .id = "host.hardened",
          .cis = "1.2.1",
          .title = "The host is hardened",
          .severity = Severity::medium,
          .rationale = "Containers share the host's kernel; a host with unneeded services, missing updates or no "
                       "mandatory access control weakens every container on it.",
          .remediation = "Harden the host following the CIS benchmark of its distribution (minimal packages, "
                         "updates, AppArmor or SELinux enforcing, restricted SSH).",
          .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
            if (!s.engine) {
              out.info(
                  "review the host against its distribution's hardening guide (no engine consulted for "
                  "kernel and security options)");
              return;
            }
            const auto& e = *s.engine;
            out.info(
                fmt::format("review the host against its distribution's hardening guide; engine reports "
                            "OperatingSystem={}, KernelVersion={}, SecurityOptions=[{}]",
                            e.os.empty() ? "?" : e.os, e.kernel_version.empty() ? "?" : e.kernel_version,
                            core::join(e.security_options, ",")));
          }},
          .manual = true,
      },
      Check{
          .id = "host.docker-version",
          .cis = "1.2.2",
          .title = "Docker is up to date",
          .severity = Severity::medium,
          .rationale = "Docker releases fix vulnerabilities in the daemon, containerd and runc; an outdated engine "
                       "keeps known escapes open.",
          .remediation = "Upgrade Docker through the distribution's packages (`apt-get install --only-upgrade "
                         "docker.io` or docker-ce) after checking the release notes.",
          .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
            if (!s.engine || s.engine->server_version.empty()) {
              out.skip("engine version unknown: no engine consulted");
              return;
            }
            out.info(fmt::format("engine /version: Version={}, ApiVersion={}; compare with the latest release",
                                 s.engine->server_version, s.engine->api_version.empty() ? "?" : s.engine->api_version));
          }},
          .manual = true,
      },
  };
  return table;
}

}  // namespace drydock::checks
