#include "drydock/harden/fixes.hpp"

#include <algorithm>
#include <vector>

namespace drydock::harden {
namespace {

using enum FixKind;

const std::vector<Fix>& table() {
  static const std::vector<Fix> t = {
      {"runtime.user-root", strict, strict,
       "a non-root user breaks images that write as root: the run line keeps the image's USER when it has one, "
       "`--strict` sets 65534:65534 (nobody)"},
      {"runtime.apparmor-profile", edit, fixes,
       "`privileged: false` ends the unconfined run; a base `apparmor=unconfined` cannot be removed by an override"},
      {"runtime.selinux-options", edit, fixes,
       "`privileged: false` restores labelling; a base `label=disable` cannot be removed by an override"},
      {"runtime.capabilities-added", edit, fixes,
       "an override cannot remove a base `cap_add`; the run line drops every capability beyond the default set"},
      {"runtime.cap-sys-admin", edit, fixes, "an override cannot remove a base `cap_add`; the run line drops it"},
      {"runtime.cap-sys-module", edit, fixes, "an override cannot remove a base `cap_add`; the run line drops it"},
      {"runtime.cap-sys-ptrace", edit, fixes, "an override cannot remove a base `cap_add`; the run line drops it"},
      {"runtime.cap-dac-read-search", edit, fixes, "an override cannot remove a base `cap_add`; the run line drops it"},
      {"runtime.cap-net-admin", edit, fixes, "an override cannot remove a base `cap_add`; the run line drops it"},
      {"runtime.cap-all", edit, fixes,
       "`privileged: false` ends the grant of every capability; a base `cap_add: [ALL]` cannot be removed by an override"},
      {"runtime.privileged", fixes, fixes, "`privileged: false` / no `--privileged`"},
      {"runtime.sensitive-host-mount", edit, strict,
       "an override cannot remove a base volume: edit; the run line makes the mount read-only, and drops it with `--strict`"},
      {"runtime.privileged-ports", edit, edit, "moving a published port changes the service's address: edit"},
      {"runtime.host-network", edit, strict,
       "an override cannot undo `network_mode: host`; the run line leaves the host network only with `--strict` (the "
       "ports the service listens on must then be published)"},
      {"runtime.memory-limit", fixes, fixes,
       "from the container's current usage (`/containers/{id}/stats`); left out with a comment when nothing was measured"},
      {"runtime.cpu-limit", fixes, fixes, "a relative weight (`cpu_shares: 512`): it only matters under contention"},
      {"runtime.readonly-rootfs", fixes, fixes, "`read_only: true` with tmpfs mounts for /tmp and /run"},
      {"runtime.port-all-interfaces", edit, fixes,
       "an override adds ports, never replaces them: edit; the run line binds to 127.0.0.1 unless `--publish-all-interfaces`"},
      {"runtime.restart-policy", fixes, fixes, "`on-failure:5`"},
      {"runtime.host-pid", edit, fixes, "an override cannot unset `pid: host`; the run line leaves it out"},
      {"runtime.host-ipc", edit, fixes, "an override cannot unset `ipc: host`; the run line leaves it out"},
      {"runtime.host-devices", fixes, fixes,
       "`privileged: false` removes the host's devices; devices passed one by one are kept and listed"},
      {"runtime.mount-propagation-shared", edit, fixes,
       "an override cannot change a base volume's propagation; the run line uses the default (private)"},
      {"runtime.host-uts", edit, fixes, "an override cannot unset `uts: host`; the run line leaves it out"},
      {"runtime.seccomp-unconfined", edit, fixes,
       "`privileged: false` restores the default profile; a base `seccomp=unconfined` cannot be removed by an override"},
      {"runtime.cgroup-parent", edit, edit, "the cgroup parent may be intended: edit"},
      {"runtime.no-new-privileges", fixes, fixes, "`no-new-privileges:true`"},
      {"runtime.healthcheck", edit, edit, "a health check is specific to the service: edit"},
      {"runtime.pids-limit", fixes, fixes,
       "four times the container's current process count (at least 64) when measured, else 1024, with a comment"},
      {"runtime.host-userns", edit, fixes, "an override cannot unset `userns_mode: host`; the run line leaves it out"},
      {"runtime.docker-socket-mount", edit, fixes,
       "an override cannot remove a base volume: edit; the run line drops the socket (read-only does not protect it)"},
      {"compose.environment-secret", edit, none, "move the value to a secret or an env file: edit"},
      {"compose.image-latest", edit, none, "pin the image to a version or digest: edit"},
      {"compose.port-without-host-ip", edit, none, "an override adds ports, never replaces them: edit"},
  };
  return t;
}

}  // namespace

std::string_view to_string(FixKind kind) {
  switch (kind) {
    case FixKind::fixes:
      return "fixes";
    case FixKind::strict:
      return "--strict";
    case FixKind::edit:
      return "edit";
    case FixKind::none:
      break;
  }
  return "—";
}

std::span<const Fix> fixes() { return table(); }

const Fix* find_fix(std::string_view check_id) {
  const auto& t = table();
  const auto it = std::find_if(t.begin(), t.end(), [&](const Fix& f) { return f.check_id == check_id; });
  return it == t.end() ? nullptr : &*it;
}

std::string catalogue_cell(std::string_view check_id) {
  const Fix* f = find_fix(check_id);
  if (f == nullptr) return std::string(to_string(FixKind::none));
  if (check_id.starts_with("compose.")) return std::string(to_string(f->compose));
  if (f->compose == f->container) return std::string(to_string(f->compose));
  return "compose: " + std::string(to_string(f->compose)) + "; run line: " + std::string(to_string(f->container));
}

}  // namespace drydock::harden
