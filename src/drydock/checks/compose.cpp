/// Compose: what only a Compose file shows (literal secrets in `environment`, image tags, ports
/// published without a host IP), and how the runtime checks map onto Compose keys.

#include "drydock/checks/compose.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/secrets.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace compose {
namespace {

struct FieldsOf {
  std::string_view check;
  std::vector<std::string_view> fields;
};

const std::vector<FieldsOf>& field_table() {
  static const std::vector<FieldsOf> table = {
      {"runtime.user-root", {"user"}},
      {"runtime.apparmor-profile", {"privileged", "security_opt"}},
      {"runtime.selinux-options", {"security_opt", "privileged"}},
      {"runtime.capabilities-added", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-sys-admin", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-sys-module", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-sys-ptrace", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-dac-read-search", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-net-admin", {"privileged", "cap_add", "cap_drop"}},
      {"runtime.cap-all", {"privileged", "cap_add"}},
      {"runtime.privileged", {"privileged"}},
      {"runtime.sensitive-host-mount", {"mounts"}},
      {"runtime.privileged-ports", {"ports"}},
      {"runtime.open-ports", {"ports"}},
      {"runtime.host-network", {"network_mode"}},
      {"runtime.memory-limit", {"memory"}},
      {"runtime.cpu-limit", {"nano_cpus", "cpu_quota", "cpu_shares"}},
      {"runtime.readonly-rootfs", {"readonly_rootfs"}},
      {"runtime.port-all-interfaces", {"ports"}},
      {"runtime.restart-policy", {"restart_policy"}},
      {"runtime.host-pid", {"pid_mode"}},
      {"runtime.host-ipc", {"ipc_mode"}},
      {"runtime.host-devices", {"privileged", "devices"}},
      {"runtime.ulimit-override", {"ulimits"}},
      {"runtime.mount-propagation-shared", {"mounts"}},
      {"runtime.host-uts", {"uts_mode"}},
      {"runtime.seccomp-unconfined", {"security_opt", "privileged"}},
      {"runtime.cgroup-parent", {"cgroup_parent"}},
      {"runtime.no-new-privileges", {"security_opt"}},
      {"runtime.healthcheck", {"healthcheck"}},
      {"runtime.pids-limit", {"pids_limit"}},
      {"runtime.default-bridge", {"network_mode"}},
      {"runtime.host-userns", {"userns_mode"}},
      {"runtime.docker-socket-mount", {"mounts"}},
      {"runtime.trusted-image", {"image"}},
  };
  return table;
}

}  // namespace

std::span<const std::string_view> runtime_fields(std::string_view check_id) {
  for (const auto& f : field_table()) {
    if (f.check == check_id) return f.fields;
  }
  return {};
}

bool needs_running_container(std::string_view check_id) {
  return check_id == "runtime.sshd" || check_id == "runtime.exec-privileged" || check_id == "runtime.exec-root" ||
         check_id == "runtime.image-outdated";
}

bool reads_project_folder(std::string_view check_id) { return check_id == "trust.docker-content-trust"; }

}  // namespace compose

namespace {

using model::ComposeService;

/// One offending entry of a service and where it was written.
struct Offender {
  model::Location at;
  std::string message;
};

/// Fails with every offender ("line N: message" when there are several), located at the first;
/// else passes.
void report(std::vector<Offender> found, Results& out, core::Text pass_evidence) {
  if (found.empty()) {
    out.pass(std::move(pass_evidence));
    return;
  }
  if (found.size() == 1) {
    out.fail(found.front().message).location = found.front().at;
    return;
  }
  std::vector<std::string> parts;
  parts.reserve(found.size());
  for (const auto& o : found)
    parts.push_back(fmt::format("line {}: {}", o.at.line, o.message));
  out.fail(core::join(parts, "; ")).location = found.front().at;
}

void env_secrets(const ComposeService& s, Results& out) {
  std::vector<Offender> found;
  for (const auto& e : s.environment) {
    if (!e.has_value || !e.literal) continue;
    if (secrets::secret_name(e.name) && !secrets::harmless_value(e.value)) {
      found.push_back({e.location, fmt::format("environment {}={} (a literal value for a secret's name)", e.name,
                                               secrets::redacted(e.value))});
    } else if (auto k = secrets::known_key(e.value)) {
      found.push_back({e.location, fmt::format("environment {} holds {}", e.name, *k)});
    }
  }
  report(std::move(found), out,
         s.environment.empty() ? std::string("no environment")
                               : fmt::format("{} environment entries, no literal secret", s.environment.size()));
}

/// "nginx" and "nginx:latest" float; "nginx:1.25" and "nginx@sha256:..." do not.
void image_tag(const ComposeService& s, Results& out) {
  const auto it = s.field_at.find("image");
  if (it == s.field_at.end()) {
    out.skip(s.has_build ? core::Text("no image: built from the service's build context") : core::Text("no image"));
    return;
  }
  const std::string& image = s.spec.image;
  auto& where = it->second;
  if (image.find('@') != std::string::npos) {
    out.pass("image: " + image + " (pinned by digest)").location = where;
    return;
  }
  const auto slash = image.rfind('/');
  const auto colon = image.find(':', slash == std::string::npos ? 0 : slash);
  if (image.empty()) {
    out.fail("image: \"\"").location = where;
  } else if (colon == std::string::npos) {
    out.fail("image: " + image + " has no tag (means latest)").location = where;
  } else if (image.substr(colon + 1) == "latest") {
    out.fail("image: " + image).location = where;
  } else {
    out.pass("image: " + image).location = where;
  }
}

void port_host_ip(const ComposeService& s, Results& out) {
  std::vector<Offender> found;
  for (std::size_t i = 0; i < s.spec.ports.size(); ++i) {
    const auto& p = s.spec.ports[i];
    if (!p.host_ip.empty()) continue;
    const auto at = i < s.port_at.size() ? s.port_at[i] : s.location;
    if (!found.empty() && found.back().at.line == at.line && found.back().at.file == at.file) continue;  // one per entry
    found.push_back({at, fmt::format("{} -> {} on every interface", p.host_port.empty() ? "random port" : p.host_port,
                                     p.container_port)});
  }
  if (s.spec.ports.empty()) {
    out.pass("no published ports");
    return;
  }
  report(std::move(found), out, fmt::format("{} published ports, each with a host IP", s.spec.ports.size()));
}

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = "compose.environment-secret",
          .cis = "",
          .title = "Secrets are not written in a Compose file's environment",
          .severity = Severity::high,
          .rationale = "A literal password, token or key in `environment` is in the repository with the Compose file, "
                       "and in `docker inspect` of the container for anyone who can reach the engine.",
          .remediation = "Use Compose secrets: declare `secrets: {db_password: {file: ./db_password.txt}}` at the top "
                         "level, list it under the service's `secrets:`, and have the program read "
                         "/run/secrets/db_password (many images take `*_FILE` variables); or interpolate "
                         "`${DB_PASSWORD}` from an untracked .env.",
          .aliases = {},
          .evaluate = ComposeEval{env_secrets},
      },
      Check{
          .id = "compose.image-latest",
          .cis = "",
          .title = "Service images are pinned to a tag other than latest",
          .severity = Severity::medium,
          .rationale = "An untagged or `latest` image changes under the project whenever it is pulled again: what "
                       "runs is not what was reviewed, and a rollback has nothing to go back to.",
          .remediation = "Pin a version tag, or better a digest: `image: nginx:1.25.3` or "
                         "`image: nginx@sha256:...`.",
          .aliases = {},
          .evaluate = ComposeEval{image_tag},
      },
      Check{
          .id = "compose.port-without-host-ip",
          .cis = "",
          .title = "Published ports name the host IP they bind to",
          .severity = Severity::medium,
          .rationale = "`ports: [\"80:80\"]` binds every interface of the host, and Docker's own firewall rules "
                       "open it past host firewalls such as ufw.",
          .remediation = "Name the interface: `ports: [\"127.0.0.1:8080:80\"]` (long syntax: `host_ip: 127.0.0.1`), "
                         "or use `expose:` for ports only other services need.",
          .aliases = {},
          .evaluate = ComposeEval{port_host_ip},
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> compose_checks() { return table(); }

}  // namespace drydock::checks
