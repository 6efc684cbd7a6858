/// Daemon file checks: CIS Docker Benchmark section 3, owners and modes of the daemon's files.
/// Each check runs on every FileFact of its role (collect/host/host_facts.hpp fills them).

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"

namespace drydock::checks {
namespace {

using model::FileFact;
using model::HostSnapshot;

/// `ls -l` style: "srw-rw-rw-", "drwxr-xr-x", "-rw-r--r--", with s/S/t/T for the special bits.
std::string ls_mode(const FileFact& f) {
  std::string s = "?---------";
  if (f.type == "file") s[0] = '-';
  if (f.type == "directory") s[0] = 'd';
  if (f.type == "socket") s[0] = 's';
  if (f.type == "symlink") s[0] = 'l';
  constexpr std::string_view k_rwx = "rwxrwxrwx";
  for (unsigned i = 0; i < 9; ++i) {
    if ((f.mode & (0400U >> i)) != 0) s[1 + i] = k_rwx[i];
  }
  auto special = [&](unsigned bit, std::size_t pos, char set_exec, char set_no_exec) {
    if ((f.mode & bit) != 0) s[pos] = s[pos] == '-' ? set_no_exec : set_exec;
  };
  special(04000U, 3, 's', 'S');
  special(02000U, 6, 's', 'S');
  special(01000U, 9, 't', 'T');
  return s;
}

/// False (with the result written) when there is nothing to judge: unreadable or missing.
bool judgeable(const FileFact& f, Results& out) {
  if (!f.error.empty()) {
    out.error(fmt::format("{}: could not be read: {}", f.path, f.error));
    return false;
  }
  if (!f.exists) {
    out.skip(fmt::format("{} is not present on this host", f.path));
    return false;
  }
  return true;
}

/// A name matches the expected one; uid/gid 0 counts as root when the host has no entry for it.
bool is(std::string_view name, unsigned id, std::string_view want) { return name == want || (want == "root" && id == 0); }

/// The shared owner check: `want_user`:`want_group`.
void owner_is(const FileFact& f, std::string_view want_user, std::string_view want_group, Results& out) {
  if (!judgeable(f, out)) return;
  const std::string link = f.type == "symlink" ? " (a symbolic link: these are the link's own owners; CIS targets the file)" : "";
  const std::string evidence = fmt::format("{} owned by {}:{} (uid {}, gid {}), expected {}:{}{}", f.path, f.owner, f.group,
                                           f.uid, f.gid, want_user, want_group, link);
  if (is(f.owner, f.uid, want_user) && is(f.group, f.gid, want_group)) {
    out.pass(evidence);
  } else {
    out.fail(fmt::format("{}; fix: chown {}{}:{} {}", evidence, f.type == "symlink" ? "-h " : "", want_user, want_group, f.path));
  }
}

/// The owner check of the engine's own files (its unit, daemon.json, socket): `want_user`:
/// `want_group` for a rootful engine; for rootless Docker the user it runs as (the group is
/// shown, not judged: a rootless engine has no docker group).
void engine_owner_is(const FileFact& f, const HostSnapshot& s, std::string_view want_user, std::string_view want_group,
                     Results& out) {
  if (!s.host || s.host->rootless_user.empty()) {
    owner_is(f, want_user, want_group, out);
    return;
  }
  if (!judgeable(f, out)) return;
  const std::string& user = s.host->rootless_user;
  const std::string evidence = fmt::format("{} owned by {}:{} (uid {}, gid {}), expected {}, the user rootless Docker runs as",
                                           f.path, f.owner, f.group, f.uid, f.gid, user);
  if (f.owner == user) {
    out.pass(evidence);
  } else {
    out.fail(fmt::format("{}; fix: chown {}{} {}", evidence, f.type == "symlink" ? "-h " : "", user, f.path));
  }
}

/// A rootless Podman's file: owned by the user it runs as (the owner of its socket).
void podman_user_owns(const FileFact& f, const HostSnapshot& s, Results& out) {
  if (!judgeable(f, out)) return;
  const std::string user = s.host ? s.host->podman_user : std::string();
  if (user.empty()) {
    out.skip(f.path + ": a rootless Podman's file belongs to the user who runs it, and that user is not known here (owner " +
             f.owner + ")");
    return;
  }
  const std::string evidence = fmt::format("{} owned by {}:{} (uid {}, gid {}), expected {}, the user rootless Podman runs as",
                                           f.path, f.owner, f.group, f.uid, f.gid, user);
  if (f.owner == user) {
    out.pass(evidence);
  } else {
    out.fail(fmt::format("{}; fix: chown {}{} {}", evidence, f.type == "symlink" ? "-h " : "", user, f.path));
  }
}

/// The shared mode check: "`allowed` or more restrictive" = no permission bit outside
/// `allowed` (0446 and 0606 fail against 0644; 0600 and 0640 pass).
void mode_at_most(const FileFact& f, unsigned allowed, Results& out, bool world_writable_is_critical = false) {
  if (!judgeable(f, out)) return;
  const std::string shown = fmt::format("{} mode {:04o} ({})", f.path, f.mode, ls_mode(f));
  if (f.type == "symlink") {
    out.warn(
        fmt::format("{} is a symbolic link (link mode {:04o}); CIS targets the file: check the mode of its target, "
                    "allowed {:04o}",
                    f.path, f.mode, allowed));
    return;
  }
  const unsigned extra = f.mode & ~allowed & 07777U;
  if (extra == 0) {
    out.pass(fmt::format("{}, allowed {:04o}", shown, allowed));
    return;
  }
  Finding& finding =
      out.fail(fmt::format("{}, allowed {:04o}: extra bits {:04o}; fix: chmod {:o} {}", shown, allowed, extra, allowed, f.path));
  if (world_writable_is_critical && (f.mode & 0002U) != 0) finding.severity = Severity::critical;
}

}  // namespace

std::span<const Check> daemon_file_checks() {
  static const std::vector<Check> table{
      Check{.id = "files.docker-service-owner",
            .cis = "3.1",
            .title = "docker.service is owned by root:root",
            .severity = Severity::medium,
            .rationale = "Whoever can change the unit file chooses the daemon's command line, which runs as root.",
            .remediation = "chown root:root /lib/systemd/system/docker.service (the unit's path: `systemctl show -p "
                           "FragmentPath docker.service`)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) { engine_owner_is(f, s, "root", "root", out); }},
            .file_role = "docker.service"},
      Check{.id = "files.docker-service-mode",
            .cis = "3.2",
            .title = "docker.service is mode 644 or stricter",
            .severity = Severity::medium,
            .rationale = "A group- or world-writable unit file lets others change the daemon's command line, which runs as root.",
            .remediation = "chmod 644 /lib/systemd/system/docker.service (the unit's path: `systemctl show -p FragmentPath "
                           "docker.service`)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0644, out); }},
            .file_role = "docker.service"},
      Check{.id = "files.docker-socket-unit-owner",
            .cis = "3.3",
            .title = "docker.socket is owned by root:root",
            .severity = Severity::medium,
            .rationale = "Whoever can change the socket unit chooses where and for whom the daemon's API listens.",
            .remediation = "chown root:root /lib/systemd/system/docker.socket (the unit's path: `systemctl show -p "
                           "FragmentPath docker.socket`)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "docker.socket"},
      Check{.id = "files.docker-socket-unit-mode",
            .cis = "3.4",
            .title = "docker.socket is mode 644 or stricter",
            .severity = Severity::medium,
            .rationale = "A socket unit others can write lets them change where and for whom the daemon's API listens.",
            .remediation = "chmod 644 /lib/systemd/system/docker.socket (the unit's path: `systemctl show -p FragmentPath "
                           "docker.socket`)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0644, out); }},
            .file_role = "docker.socket"},
      Check{.id = "files.etc-docker-owner",
            .cis = "3.5",
            .title = "/etc/docker is owned by root:root",
            .severity = Severity::medium,
            .rationale = "/etc/docker holds daemon.json, TLS keys and registry certificates; its owner can replace any of them.",
            .remediation = "chown root:root /etc/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "/etc/docker"},
      Check{.id = "files.etc-docker-mode",
            .cis = "3.6",
            .title = "/etc/docker is mode 755 or stricter",
            .severity = Severity::medium,
            .rationale = "A directory others can write lets them add or replace the daemon's configuration and certificates.",
            .remediation = "chmod 755 /etc/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0755, out); }},
            .file_role = "/etc/docker"},
      Check{.id = "files.registry-certs-owner",
            .cis = "3.7",
            .title = "Registry certificates are owned by root:root",
            .severity = Severity::medium,
            .rationale = "Registry certificates decide which registries the daemon trusts; their owner can redirect image pulls.",
            .remediation = "chown root:root /etc/docker/certs.d/<registry>/*",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "registry-certificate"},
      Check{.id = "files.registry-certs-mode",
            .cis = "3.8",
            .title = "Registry certificates are mode 444 or stricter",
            .severity = Severity::medium,
            .rationale = "A writable registry certificate can be replaced to make the daemon trust another registry.",
            .remediation = "chmod 444 /etc/docker/certs.d/<registry>/*",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0444, out); }},
            .file_role = "registry-certificate"},
      Check{.id = "files.tls-ca-owner",
            .cis = "3.9",
            .title = "The TLS CA certificate is owned by root:root",
            .severity = Severity::medium,
            .rationale = "The CA certificate decides which clients may use the daemon's TCP API; its owner can admit any client.",
            .remediation = "chown root:root <tlscacert> (the path in daemon.json `tlscacert` or --tlscacert)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "tls-ca"},
      Check{.id = "files.tls-ca-mode",
            .cis = "3.10",
            .title = "The TLS CA certificate is mode 444 or stricter",
            .severity = Severity::medium,
            .rationale = "A writable CA certificate can be replaced to admit any client to the daemon's TCP API.",
            .remediation = "chmod 444 <tlscacert> (the path in daemon.json `tlscacert` or --tlscacert)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0444, out); }},
            .file_role = "tls-ca"},
      Check{.id = "files.tls-cert-owner",
            .cis = "3.11",
            .title = "The Docker server certificate is owned by root:root",
            .severity = Severity::medium,
            .rationale = "The server certificate identifies the daemon to its clients; its owner can impersonate the daemon.",
            .remediation = "chown root:root <tlscert> (the path in daemon.json `tlscert` or --tlscert)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "tls-cert"},
      Check{.id = "files.tls-cert-mode",
            .cis = "3.12",
            .title = "The Docker server certificate is mode 444 or stricter",
            .severity = Severity::medium,
            .rationale = "A writable server certificate can be replaced to impersonate the daemon.",
            .remediation = "chmod 444 <tlscert> (the path in daemon.json `tlscert` or --tlscert)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0444, out); }},
            .file_role = "tls-cert"},
      Check{.id = "files.tls-key-owner",
            .cis = "3.13",
            .title = "The Docker server key is owned by root:root",
            .severity = Severity::high,
            .rationale = "The server's private key lets its holder impersonate the daemon to every client.",
            .remediation = "chown root:root <tlskey> (the path in daemon.json `tlskey` or --tlskey)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "tls-key"},
      Check{.id = "files.tls-key-mode",
            .cis = "3.14",
            .title = "The Docker server key is mode 400 or stricter",
            .severity = Severity::high,
            .rationale = "A private key anyone else can read is no longer private: its reader can impersonate the daemon.",
            .remediation = "chmod 400 <tlskey> (the path in daemon.json `tlskey` or --tlskey)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0400, out); }},
            .file_role = "tls-key"},
      Check{
          .id = "files.docker-sock-owner",
          .cis = "3.15",
          .title = "The Docker socket is owned by root:docker",
          .severity = Severity::high,
          .rationale = "Access to the Docker socket is root on the host; only root and the docker group may have it.",
          .remediation = "chown root:docker /var/run/docker.sock",
          .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) { engine_owner_is(f, s, "root", "docker", out); }},
          .file_role = "docker.sock"},
      Check{.id = "files.docker-sock-mode",
            .cis = "3.16",
            .title = "The Docker socket is mode 660 or stricter",
            .severity = Severity::high,
            .rationale = "Access to the Docker socket is root on the host; a world-writable socket gives root to every "
                         "local user and process.",
            .remediation = "chmod 660 /var/run/docker.sock (and `SocketMode=0660` in docker.socket)",
            // Rootless Docker marks what it keeps in $XDG_RUNTIME_DIR sticky, so that the runtime
            // directory's cleanup leaves it: the sticky bit gives nobody access.
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) {
              mode_at_most(f, s.host && !s.host->rootless_user.empty() ? 01660 : 0660, out, true);
            }},
            .file_role = "docker.sock"},
      Check{.id = "files.daemon-json-owner",
            .cis = "3.17",
            .title = "daemon.json is owned by root:root",
            .severity = Severity::medium,
            .rationale = "daemon.json configures the daemon, which runs as root; its owner decides how the daemon runs.",
            .remediation = "chown root:root /etc/docker/daemon.json",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) { engine_owner_is(f, s, "root", "root", out); }},
            .file_role = "daemon.json"},
      Check{.id = "files.daemon-json-mode",
            .cis = "3.18",
            .title = "daemon.json is mode 644 or stricter",
            .severity = Severity::medium,
            .rationale = "A daemon.json others can write lets them open the API, disable protections or add registries.",
            .remediation = "chmod 644 /etc/docker/daemon.json",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0644, out); }},
            .file_role = "daemon.json"},
      Check{.id = "files.etc-default-docker-owner",
            .cis = "3.19",
            .title = "/etc/default/docker is owned by root:root",
            .severity = Severity::medium,
            .rationale = "/etc/default/docker sets the daemon's options on SysV and some systemd setups.",
            .remediation = "chown root:root /etc/default/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "/etc/default/docker"},
      Check{.id = "files.etc-default-docker-mode",
            .cis = "3.20",
            .title = "/etc/default/docker is mode 644 or stricter",
            .severity = Severity::medium,
            .rationale = "A writable /etc/default/docker lets others change the daemon's options.",
            .remediation = "chmod 644 /etc/default/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0644, out); }},
            .file_role = "/etc/default/docker"},
      Check{.id = "files.etc-sysconfig-docker-mode",
            .cis = "3.21",
            .title = "/etc/sysconfig/docker is mode 644 or stricter",
            .severity = Severity::medium,
            .rationale = "A writable /etc/sysconfig/docker lets others change the daemon's options (RHEL family).",
            .remediation = "chmod 644 /etc/sysconfig/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0644, out); }},
            .file_role = "/etc/sysconfig/docker"},
      Check{.id = "files.etc-sysconfig-docker-owner",
            .cis = "3.22",
            .title = "/etc/sysconfig/docker is owned by root:root",
            .severity = Severity::medium,
            .rationale = "/etc/sysconfig/docker sets the daemon's options on the RHEL family; its owner decides them.",
            .remediation = "chown root:root /etc/sysconfig/docker",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "/etc/sysconfig/docker"},
      Check{.id = "files.containerd-sock-owner",
            .cis = "3.23",
            .title = "containerd's socket is owned by root:root",
            .severity = Severity::high,
            .rationale = "containerd's socket controls every container's runtime; access to it is root on the host.",
            .remediation = "chown root:root /run/containerd/containerd.sock",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "containerd.sock"},
      Check{.id = "files.containerd-sock-mode",
            .cis = "3.24",
            .title = "containerd's socket is mode 660 or stricter",
            .severity = Severity::high,
            .rationale = "containerd's socket controls every container's runtime; others must not be able to connect.",
            .remediation = "chmod 660 /run/containerd/containerd.sock",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0660, out); }},
            .file_role = "containerd.sock"},
      // Podman's files (collect/host/podman_config.cpp, on a Podman engine). No CIS control names
      // them: section 3's controls are about Docker's own files.
      Check{.id = "files.podman-config-owner",
            .cis = "",
            .title = "Podman's configuration is owned by root:root",
            .severity = Severity::medium,
            .rationale = "containers.conf, registries.conf, policy.json, storage.conf and seccomp.json decide how a rootful "
                         "Podman runs every container, which registries it trusts and which signatures it requires; "
                         "their owner decides that.",
            .remediation = "chown root:root <the file> (/etc/containers and the files in it and in /usr/share/containers)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { owner_is(f, "root", "root", out); }},
            .file_role = "podman-config"},
      Check{.id = "files.podman-config-mode",
            .cis = "",
            .title = "Podman's configuration is mode 644 (a directory 755) or stricter",
            .severity = Severity::medium,
            .rationale = "Whoever can write Podman's configuration can turn off its seccomp profile, signature policy "
                         "or registry verification for every container.",
            .remediation = "chmod 644 <the file> (chmod 755 /etc/containers)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) {
              mode_at_most(f, f.type == "directory" ? 0755 : 0644, out);
            }},
            .file_role = "podman-config"},
      Check{.id = "files.podman-user-config-owner",
            .cis = "",
            .title = "A rootless Podman's own configuration is owned by its user",
            .severity = Severity::medium,
            .rationale = "A rootless Podman reads ~/.config/containers (containers.conf, registries.conf, storage.conf, "
                         "policy.json and their drop-ins) and the files its environment names (CONTAINERS_CONF and the "
                         "like) after the system's; another owner of those files decides how its containers run.",
            .remediation = "chown <the user> <the file> (the files under ~/.config/containers)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) { podman_user_owns(f, s, out); }},
            .file_role = "podman-user-config"},
      Check{.id = "files.podman-user-config-mode",
            .cis = "",
            .title = "A rootless Podman's own configuration is mode 644 (a directory 755) or stricter",
            .severity = Severity::medium,
            .rationale = "Whoever can write a rootless Podman's configuration can turn off its seccomp profile, signature "
                         "policy or registry verification for its containers.",
            .remediation = "chmod 644 <the file> (chmod 755 ~/.config/containers)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) {
              mode_at_most(f, f.type == "directory" ? 0755 : 0644, out);
            }},
            .file_role = "podman-user-config"},
      Check{.id = "files.podman-sock-owner",
            .cis = "",
            .title = "Podman's API socket is owned by root:root",
            .severity = Severity::high,
            .rationale = "Access to a rootful Podman's socket is root on the host; Podman has no docker group, so only "
                         "root may have it.",
            .remediation = "chown root:root /run/podman/podman.sock (`SocketUser=`/`SocketGroup=` in podman.socket)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot& s, Results& out) {
              // A rootless Podman (its user known from its /info Rootless and its socket's owner).
              if ((s.host && !s.host->podman_user.empty()) || (s.engine && s.engine->has_security_option("rootless"))) {
                podman_user_owns(f, s, out);
                return;
              }
              owner_is(f, "root", "root", out);
            }},
            .file_role = "podman.sock"},
      Check{.id = "files.podman-sock-mode",
            .cis = "",
            .title = "Podman's API socket is mode 660 or stricter",
            .severity = Severity::high,
            .rationale = "Whoever can connect to Podman's socket controls every container, and with a rootful Podman the "
                         "host.",
            .remediation = "chmod 660 /run/podman/podman.sock (`SocketMode=0660` in podman.socket)",
            .evaluate = FileEval{[](const FileFact& f, const HostSnapshot&, Results& out) { mode_at_most(f, 0660, out, true); }},
            .file_role = "podman.sock"},
  };
  return table;
}

}  // namespace drydock::checks
