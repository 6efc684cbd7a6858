/// Compose projects through the runtime checks: each service's ContainerSpec is evaluated as a
/// live container would be, and each result is located at the Compose key that decided it.

#include <exception>

#include <fmt/format.h>

#include "drydock/audit/evaluate.hpp"
#include "drydock/audit/runner.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/compose.hpp"

namespace drydock::audit {
namespace {

using model::ComposeService;
using model::ContainerSpec;
using model::Location;

using detail::evaluate;

/// Sets a field back to what an absent key gives.
void reset(ContainerSpec& c, std::string_view field) {
  if (field == "user") c.user.clear();
  if (field == "privileged") c.privileged = false;
  if (field == "cap_add") c.cap_add.clear();
  if (field == "cap_drop") c.cap_drop.clear();
  if (field == "security_opt") c.security_opt.clear();
  if (field == "mounts") c.mounts.clear();
  if (field == "ports") c.ports.clear();
  if (field == "network_mode") {
    c.network_mode = "compose_default";
    c.networks = {"compose_default"};
  }
  if (field == "pid_mode") c.pid_mode.clear();
  if (field == "ipc_mode") c.ipc_mode.clear();
  if (field == "uts_mode") c.uts_mode.clear();
  if (field == "userns_mode") c.userns_mode.clear();
  if (field == "cgroup_parent") c.cgroup_parent.clear();
  if (field == "memory") c.memory = 0;
  if (field == "nano_cpus") c.nano_cpus = 0;
  if (field == "cpu_quota") c.cpu_quota = 0;
  if (field == "cpu_shares") c.cpu_shares = 0;
  if (field == "readonly_rootfs") c.readonly_rootfs = false;
  if (field == "restart_policy") {
    c.restart_policy.clear();
    c.restart_max_retries = 0;
  }
  if (field == "devices") {
    c.devices.clear();
    c.device_cgroup_rules.clear();
  }
  if (field == "ulimits") c.ulimits.clear();
  if (field == "healthcheck") c.healthcheck.reset();
  if (field == "pids_limit") c.pids_limit.reset();
}

/// For a list field, the spec with only its element `i` kept; false when the field is not a list.
template <class T>
bool keep_only(std::vector<T>& list, std::size_t i) {
  if (i >= list.size()) return false;
  T item = list[i];
  list.assign(1, std::move(item));
  return true;
}

const std::vector<Location>* element_locations(const ComposeService& s, std::string_view field) {
  if (field == "mounts") return &s.mount_at;
  if (field == "ports") return &s.port_at;
  if (field == "devices") return &s.device_at;
  if (field == "cap_add") return &s.cap_add_at;
  if (field == "security_opt") return &s.security_opt_at;
  return nullptr;
}

bool keep_only(ContainerSpec& c, std::string_view field, std::size_t i) {
  if (field == "mounts") return keep_only(c.mounts, i);
  if (field == "ports") return keep_only(c.ports, i);
  if (field == "devices") {
    c.device_cgroup_rules.clear();
    return keep_only(c.devices, i);
  }
  if (field == "cap_add") return keep_only(c.cap_add, i);
  if (field == "security_opt") return keep_only(c.security_opt, i);
  return false;
}

/// Where a runtime check's result on a service points.
Location locate(const checks::Check& check, const ComposeService& s, const model::HostSnapshot& host,
                const checks::Finding& finding) {
  const auto eval = std::get<checks::ContainerEval>(check.evaluate);
  const auto fields = checks::compose::runtime_fields(check.id);
  const bool problem =
      finding.status == core::Status::fail || finding.status == core::Status::warn || finding.status == core::Status::info;
  if (problem) {
    for (auto field : fields) {
      const auto at = s.field_at.find(std::string(field));
      if (at == s.field_at.end()) continue;
      ContainerSpec without = s.spec;
      reset(without, field);
      if (evaluate(eval, without, host).status == finding.status) continue;  // not what decided it
      // The key decided it; for a list, the first element that alone gives the same outcome.
      if (const auto* where = element_locations(s, field)) {
        for (std::size_t i = 0; i < where->size(); ++i) {
          ContainerSpec only = s.spec;
          if (keep_only(only, field, i) && evaluate(eval, only, host).status == finding.status) return (*where)[i];
        }
      }
      return at->second;
    }
  }
  for (auto field : fields) {
    const auto at = s.field_at.find(std::string(field));
    if (at != s.field_at.end()) return at->second;
  }
  return s.location;
}

Subject subject_of(const model::ComposeProject& p, const ComposeService& s) {
  return Subject{"compose-service", p.name + "/" + s.name, s.name};
}

}  // namespace

Report run(const model::ComposeProject& project, const Selection& selection) {
  return run(project, selection, checks::catalogue());
}

Report run(const model::ComposeProject& project, const Selection& selection, std::span<const checks::Check> table) {
  Report report;
  model::HostSnapshot no_host;  // a Compose file says nothing of the engine it will run on
  no_host.trusted_sources = project.trusted_sources;
  auto add = [&](const checks::Check& check, Subject subject, checks::Finding finding) {
    report.results.push_back(Result{&check, std::move(subject), std::move(finding)});
  };
  for (const auto& check : table) {
    if (!selection.selected(check)) continue;
    if (check.scope() == checks::Scope::container) {
      const auto eval = std::get<checks::ContainerEval>(check.evaluate);
      for (const auto& s : project.services) {
        if (checks::compose::needs_running_container(check.id)) {
          add(check, subject_of(project, s),
              checks::Finding{"needs a running container: not applicable to a Compose file", s.location, core::Status::skip, std::nullopt});
          continue;
        }
        auto finding = evaluate(eval, s.spec, no_host);
        if (!finding.location) finding.location = locate(check, s, no_host, finding);
        add(check, subject_of(project, s), std::move(finding));
      }
    } else if (check.scope() == checks::Scope::compose) {
      const auto eval = std::get<checks::ComposeEval>(check.evaluate);
      for (const auto& s : project.services) {
        auto finding = evaluate(eval, s);
        if (!finding.location) finding.location = s.location;
        add(check, subject_of(project, s), std::move(finding));
      }
    } else if (check.scope() == checks::Scope::daemon && checks::compose::reads_project_folder(check.id)) {
      // Once per project, on its folder (CI files), as the host check reads a host.
      model::HostSnapshot folder;
      folder.host.emplace();
      folder.host->content_trust = project.content_trust;
      if (!project.content_trust) folder.host.reset();
      const std::string file = project.files.empty() ? project.working_dir : project.files.front();
      add(check, Subject{"compose-file", file, file}, evaluate(std::get<checks::DaemonEval>(check.evaluate), folder));
    } else {
      continue;
    }
    for (const auto& d : project.diagnostics) {
      if (!d.fatal) continue;
      add(check, Subject{"compose-file", d.location.file, d.location.file},
          checks::Finding{d.message, d.location.line > 0 ? std::optional(d.location) : std::nullopt, core::Status::error, std::nullopt});
    }
  }
  return report;
}

}  // namespace drydock::audit
