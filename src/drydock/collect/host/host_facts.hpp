#pragma once
/// Facts about the host's Docker files, audit rules, docker group, data-root mount and
/// binaries, read through a HostRoot (live or --root DIR). Read-only.

#include <string>
#include <vector>

#include "drydock/collect/host/root.hpp"
#include "drydock/model/daemon.hpp"
#include "drydock/model/host_facts.hpp"

namespace drydock::collect {

struct HostFactsOptions {
  /// Also read the kernel's loaded rules with `auditctl -l` (only on the live host).
  bool live_audit_rules = true;
  /// The programs tried for `auditctl -l`, in order: run directly (argv {program, "-l"}, no
  /// shell, stdin and stderr /dev/null); a bare name is looked up in PATH.
  std::vector<std::string> auditctl = {"auditctl", "/usr/sbin/auditctl", "/sbin/auditctl"};
};

/// Roles of the FileFacts added beside those of the section-3 file checks, so that the
/// section-1 audit checks know whether the path they look for exists on the host.
inline constexpr const char* k_role_run_containerd = "/run/containerd";
inline constexpr const char* k_role_containerd_config = "containerd-config";  ///< /etc/containerd/config.toml
inline constexpr const char* k_role_data_root = "data-root";

/// The directories searched for the Docker binaries, in order.
inline const std::vector<std::string>& binary_dirs() {
  static const std::vector<std::string> k_dirs = {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"};
  return k_dirs;
}

/// Collects HostFacts:
/// - files: docker.service and docker.socket in every systemd unit directory that has them
///   (/etc, /run, /lib, /usr/lib; a merged-/usr alias of /lib is not counted twice; none found
///   gives one missing FileFact at /lib/systemd/system), /etc/docker, each certs.d/*/ .crt
///   .cert .key .pem ("registry-certificate"), tlscacert/tlscert/tlskey as the daemon's
///   configuration names them (none when not configured), /var/run/docker.sock and every
///   unix:// path in `hosts` ("docker.sock"), daemon.json (`config-file` or the default),
///   /etc/default/docker, /etc/sysconfig/docker, containerd.sock, and the audit-only roles above;
/// - audit rules from /etc/audit/audit.rules, /etc/audit/rules.d/*.rules (sorted) and, live,
///   `auditctl -l` (a failure is recorded in audit_sources as "auditctl -l: not available (...)");
/// - docker group members (listed in /etc/group, or with docker as primary group in /etc/passwd);
/// - the data root (`data-root`, legacy `graph`, else /var/lib/docker) and the mount point that
///   holds it: longest match in /proc/mounts (live) or /etc/fstab (under a root);
/// - where dockerd, containerd, the shims and runc are (first of binary_dirs() that has them).
/// `daemon` may be null (not collected).
model::HostFacts collect_host_facts(const HostRoot& root, const model::DaemonConfig* daemon, const HostFactsOptions& opts = {});

}  // namespace drydock::collect
