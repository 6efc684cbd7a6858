#include "drydock/audit/runner.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <iterator>
#include <memory>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "drydock/audit/evaluate.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/core/memory.hpp"
#include "drydock/core/parallel.hpp"

namespace drydock::audit {
namespace {

using detail::evaluate;

/// The subject of a check about the host as a whole: the host (section 1), the swarm
/// (section 7) or the daemon, named as the engine names its host, else the root audited.
Subject host_subject(const model::HostSnapshot& s, const checks::Check& check) {
  const auto area = check.id.substr(0, check.id.find('.'));
  const std::string kind = area == "host" || area == "swarm" ? std::string(area) : area == "trust" ? "host" : "daemon";
  if (s.engine) return Subject{kind, s.engine->id, s.engine->name};
  return Subject{kind, "", s.root.empty() ? "(this host)" : s.root};
}

std::string nothing_to_audit(const model::HostSnapshot& s, std::string_view what) {
  if (!s.engine && s.host) return fmt::format("no engine consulted: {} not known", what);
  return fmt::format("no {} to audit", what);
}

}  // namespace

Subject subject_of(const model::ContainerSpec& c) { return Subject{"container", c.id, c.name}; }

namespace {

/// The roles of the files that configure or serve Docker's engine (CIS section 3), as opposed to
/// Podman's own and to the docker CLI's trust data and keys, which do not depend on the engine.
bool docker_engine_file(std::string_view role) {
  static constexpr std::array<std::string_view, 12> k_roles = {
      "docker.service", "docker.socket", "/etc/docker", "registry-certificate", "tls-ca", "tls-cert",
      "tls-key", "docker.sock", "daemon.json", "/etc/default/docker", "/etc/sysconfig/docker", "containerd.sock"};
  return std::find(k_roles.begin(), k_roles.end(), role) != k_roles.end();
}

/// What a person looks at beside a container's findings (Report::facts).
std::vector<std::pair<std::string, std::string>> facts_of(const model::ContainerSpec& c) {
  std::vector<std::pair<std::string, std::string>> facts;
  facts.emplace_back("image", c.image);
  if (!c.state.empty()) facts.emplace_back("state", c.state);
  for (const auto& m : c.mounts) {
    facts.emplace_back("mount", fmt::format("{} {} -> {}{}", m.type, m.source, m.destination, m.read_write ? "" : " (ro)"));
  }
  for (const auto& p : c.ports) {
    facts.emplace_back("port", fmt::format("{}:{} -> {}", p.host_ip.empty() ? "*" : p.host_ip,
                                           p.host_port.empty() ? "(any)" : p.host_port, p.container_port));
  }
  if (!c.network_mode.empty()) facts.emplace_back("network", c.network_mode);
  return facts;
}

/// One container check's finding on `c`, located at the container when the check did not say.
checks::Finding container_finding(const checks::Check& check, const model::ContainerSpec& c, const model::HostSnapshot& s) {
  auto finding = evaluate(std::get<checks::ContainerEval>(check.evaluate), c, s);
  if (!finding.location && c.location) finding.location = c.location;
  return finding;
}

}  // namespace

Result node_result(const checks::Check& check, const model::FleetNode& node, Subject subject, std::size_t host) {
  Result r;
  r.check = &check;
  r.subject = std::move(subject);
  r.finding = detail::evaluate(std::get<checks::NodeEval>(check.evaluate), node);
  r.host = static_cast<std::uint32_t>(host);
  return r;
}

ContainerAudit::ContainerAudit(const Selection& selection, std::span<const checks::Check> table) {
  for (const auto& check : table) {
    if (!selection.selected(check)) continue;
    if (check.scope() != checks::Scope::container) {
      ++m_results_but_containers;
      continue;
    }
    ++m_container_checks;
    ++m_results_but_containers;  // its skip when there are no containers
    // A check that reads the images in use waits for the end of the collection: run() evaluates it.
    if (!check.reads_images) m_selected.push_back(&check);
  }
}

ContainerAudit::ContainerAudit(const Selection& selection) : ContainerAudit(selection, checks::catalogue()) {}

void ContainerAudit::resize(std::size_t containers) {
  // Room for every result but those of images, files and unreadable subjects, not known yet: a
  // margin for them (run() reserves anew if it falls short).
  constexpr std::size_t k_margin = 8192;
  const std::size_t room = containers * m_container_checks + m_results_but_containers + k_margin;
  try {
    m_room_maker = std::jthread([this, room] {
      auto results = core::vector_in_huge_pages<Result>(room);  // faulted in here, not by run()
      results.clear();
      m_room = std::move(results);
    });
  } catch (const std::system_error&) {
    // No thread: run() makes the room.
  }
  m_slots.resize(containers);
  m_findings.resize(m_selected.size());
  for (auto& findings : m_findings)
    findings.resize(containers);
}

std::vector<Result> ContainerAudit::take_room() {
  if (m_room_maker.joinable()) m_room_maker.join();
  return std::move(m_room);
}

void ContainerAudit::add(std::size_t slot, const model::ContainerSpec& c, const model::HostSnapshot& context) {
  auto& s = m_slots.at(slot);
  for (std::size_t k = 0; k < m_selected.size(); ++k)
    m_findings[k][slot] = container_finding(*m_selected[k], c, context);
  s.facts = facts_of(c);
  s.id = c.id;
  s.done = true;
}

void ContainerAudit::reduce(model::ContainerSpec& c) {
  model::ContainerSpec kept;
  kept.id = std::move(c.id);
  kept.name = std::move(c.name);
  kept.image = std::move(c.image);
  kept.image_id = std::move(c.image_id);
  kept.state = std::move(c.state);
  kept.running = c.running;
  kept.origin = std::move(c.origin);
  kept.location = std::move(c.location);
  c = std::move(kept);
}

Report run(const model::HostSnapshot& snapshot, const Selection& selection, const RunOptions& options,
           ContainerAudit* evaluated) {
  return run(snapshot, selection, options, checks::catalogue(), evaluated);
}

Report run(const model::HostSnapshot& snapshot, const Selection& selection, const RunOptions& options,
           std::span<const checks::Check> table, ContainerAudit* evaluated) {
  Report report;
  // Sized once: a host of thousands of containers has a hundred thousand results, and growing
  // the vector by doubling would copy them all several times.
  std::size_t expected = 0;
  for (const auto& check : table) {
    if (!selection.selected(check)) continue;
    if (check.scope() == checks::Scope::container)
      expected += snapshot.containers.size() + 1;
    else if (check.scope() == checks::Scope::image)
      expected += snapshot.images.size() + 1;
    else
      ++expected;
  }
  if (evaluated != nullptr) {
    auto room = evaluated->take_room();
    if (room.capacity() >= expected + snapshot.unreadable.size()) report.results = std::move(room);
  }
  report.results.reserve(expected + snapshot.unreadable.size());
  // Tens of megabytes on a host of thousands of containers: huge pages, before the first write.
  core::advise_huge_pages(report.results.data(), report.results.capacity() * sizeof(Result));
  auto add = [&](const checks::Check& check, Subject subject, checks::Finding finding) {
    report.results.push_back(Result{&check, std::move(subject), std::move(finding)});
  };
  auto add_unreadable = [&](const checks::Check& check, std::string_view kind) {
    for (const auto& u : snapshot.unreadable) {
      if (u.kind == kind)
        add(check, Subject{u.kind, u.id, u.name}, checks::Finding{u.reason, std::nullopt, core::Status::error, std::nullopt});
    }
  };
  auto none_of_kind = [&](std::string_view kind) {
    for (const auto& u : snapshot.unreadable) {
      if (u.kind == kind) return false;
    }
    return true;
  };

  // The container checks, the bulk of a large host's work, are evaluated first on all cores
  // (checks are pure functions of the snapshot); the loop below puts them in catalogue order.
  std::vector<const checks::Check*> container_checks;
  if (options.container_checks) {
    for (const auto& check : table) {
      if (selection.selected(check) && check.scope() == checks::Scope::container) container_checks.push_back(&check);
    }
  }
  const std::size_t n_containers = snapshot.containers.size();
  // Each subject made once: its results share its id and name (SharedString) instead of copying
  // them, which on a host of thousands of containers was a tenth of the CPU and ~100 bytes a result.
  std::vector<Subject> container_subjects;
  if (options.container_checks) {
    container_subjects.reserve(n_containers);
    for (const auto& c : snapshot.containers)
      container_subjects.push_back(subject_of(c));
  }
  std::vector<Subject> image_subjects;
  if (options.image_checks) {
    image_subjects.reserve(snapshot.images.size());
    for (const auto& i : snapshot.images)
      image_subjects.push_back(Subject{"image", i.id, i.display_name()});
  }
  // Containers evaluated as they were collected, found by id (unique on an engine): their slot
  // in `evaluated`; the others (k_here) are evaluated here.
  constexpr std::size_t k_here = static_cast<std::size_t>(-1);
  std::vector<std::size_t> done(n_containers, k_here);
  // For each container check, its findings' place in `evaluated`; none (evaluated here) for the
  // checks that read the images in use.
  std::vector<std::size_t> evaluated_as(container_checks.size(), k_here);
  bool usable = evaluated != nullptr && options.container_checks;
  if (usable) {
    std::size_t next = 0;
    for (std::size_t k = 0; k < container_checks.size(); ++k) {
      if (next < evaluated->m_selected.size() && evaluated->m_selected[next] == container_checks[k]) evaluated_as[k] = next++;
    }
    usable = next == evaluated->m_selected.size() && evaluated->m_findings.size() == next;  // the same selection and table
  }
  if (!usable) std::fill(evaluated_as.begin(), evaluated_as.end(), k_here);
  if (usable) {
    std::unordered_map<std::string_view, std::size_t> by_id;
    by_id.reserve(evaluated->m_slots.size());
    for (std::size_t s = 0; s < evaluated->m_slots.size(); ++s) {
      if (evaluated->m_slots[s].done) by_id.emplace(evaluated->m_slots[s].id, s);
    }
    for (std::size_t i = 0; i < n_containers; ++i) {
      if (const auto it = by_id.find(snapshot.containers[i].id); it != by_id.end()) done[i] = it->second;
    }
  }
  const bool all_done = std::find(done.begin(), done.end(), k_here) == done.end();
  // What was not evaluated as it was collected is evaluated here, on all cores (checks are pure
  // functions of the snapshot): container_findings[k][i] for check k on container i.
  std::vector<std::vector<checks::Finding>> container_findings(container_checks.size());
  for (std::size_t k = 0; k < container_checks.size(); ++k) {
    if (evaluated_as[k] == k_here || !all_done) container_findings[k].resize(n_containers);
  }
  const std::size_t workers = core::cpu_workers();
  constexpr std::size_t k_batch = 64;  // containers per work item
  core::parallel_for((n_containers + k_batch - 1) / k_batch, workers, [&](std::size_t, std::size_t batch) {
    for (std::size_t i = batch * k_batch; i < std::min(n_containers, (batch + 1) * k_batch); ++i) {
      const auto& c = snapshot.containers[i];
      for (std::size_t k = 0; k < container_checks.size(); ++k) {
        if (evaluated_as[k] == k_here || done[i] == k_here)
          container_findings[k][i] = container_finding(*container_checks[k], c, snapshot);
      }
    }
  });
  std::size_t next_container_check = 0;

  for (const auto& check : table) {
    if (!selection.selected(check)) continue;
    switch (check.scope()) {
      case checks::Scope::container: {
        if (!options.container_checks) break;
        const std::size_t k = next_container_check++;
        auto& findings = container_findings[k];
        auto* collected = evaluated_as[k] != k_here ? &evaluated->m_findings[evaluated_as[k]] : nullptr;
        for (std::size_t i = 0; i < n_containers; ++i) {
          add(check, container_subjects[i],
              collected != nullptr && done[i] != k_here ? std::move((*collected)[done[i]]) : std::move(findings[i]));
        }
        // Moved into the report: freed as it goes.
        std::vector<checks::Finding>().swap(findings);
        if (collected != nullptr) std::vector<checks::Finding>().swap(*collected);
        add_unreadable(check, "container");
        if (snapshot.containers.empty() && none_of_kind("container")) {
          add(check, host_subject(snapshot, check),
              checks::Finding{nothing_to_audit(snapshot, "containers"), std::nullopt, core::Status::skip, std::nullopt});
        }
        break;
      }
      case checks::Scope::image: {
        if (!options.image_checks) break;
        const auto eval = std::get<checks::ImageEval>(check.evaluate);
        for (std::size_t i = 0; i < snapshot.images.size(); ++i)
          add(check, image_subjects[i], evaluate(eval, snapshot.images[i], snapshot));
        add_unreadable(check, "image");
        if (snapshot.images.empty() && none_of_kind("image")) {
          add(check, host_subject(snapshot, check),
              checks::Finding{nothing_to_audit(snapshot, "images in use"), std::nullopt, core::Status::skip, std::nullopt});
        }
        break;
      }
      case checks::Scope::daemon: {
        if (!options.daemon_checks) break;
        add(check, host_subject(snapshot, check), evaluate(std::get<checks::DaemonEval>(check.evaluate), snapshot));
        break;
      }
      case checks::Scope::dockerfile:
      case checks::Scope::compose:
      case checks::Scope::node:
        break;  // run over Dockerfiles, Compose projects and the nodes of drydock fleet, not hosts
      case checks::Scope::file: {
        if (!options.daemon_checks) break;
        if (!snapshot.host) {
          add(check, Subject{"file", "", std::string(check.file_role)},
              checks::Finding{snapshot.remote.empty()
                                  ? std::string("the host's files were not read")
                                  : "the host's files cannot be read remotely: the engine is reached at " + snapshot.remote +
                                        ", on another machine (run drydock host on that machine to check it)", std::nullopt, core::Status::skip, std::nullopt});
          break;
        }
        if (snapshot.engine && snapshot.engine->podman && docker_engine_file(check.file_role)) {
          // Docker's files (its unit, /etc/docker, daemon.json, its socket, containerd's) may be on
          // this host, but they configure another engine than the one audited.
          add(check, Subject{"file", "", std::string(check.file_role)},
              checks::Finding{fmt::format("not applicable: the engine is Podman {}, which does not use Docker's {} "
                                          "(the files.podman-* checks judge Podman's own files)",
                                          snapshot.engine->podman_version, check.file_role), std::nullopt, core::Status::skip, std::nullopt});
          break;
        }
        const auto eval = std::get<checks::FileEval>(check.evaluate);
        bool any = false;
        for (const auto& f : snapshot.host->files) {
          if (f.role != check.file_role) continue;
          any = true;
          add(check, Subject{"file", f.path, f.path}, evaluate(eval, f, snapshot));
        }
        if (!any) {
          add(check, Subject{"file", "", std::string(check.file_role)},
              checks::Finding{"no " + std::string(check.file_role) + " on this host", std::nullopt, core::Status::skip, std::nullopt});
        }
        break;
      }
    }
  }
  if (options.container_checks) {
    report.facts.reserve(snapshot.containers.size());
    for (std::size_t i = 0; i < n_containers; ++i) {
      const auto& c = snapshot.containers[i];
      report.facts.push_back(
          SubjectFacts{container_subjects[i], done[i] != k_here ? std::move(evaluated->m_slots[done[i]].facts) : facts_of(c)});
    }
  }
  if (snapshot.engine && (!snapshot.engine->name.empty() || !snapshot.engine->id.empty()))
    report.hosts.push_back(host_of(*snapshot.engine));
  return report;
}

Report run(const std::vector<model::Dockerfile>& dockerfiles, const std::vector<model::Unreadable>& unreadable,
           const Selection& selection) {
  return run(dockerfiles, unreadable, selection, checks::catalogue());
}

DockerfileAudit::DockerfileAudit(const Selection& selection, std::span<const checks::Check> table) {
  for (const auto& check : table) {
    if (check.scope() == checks::Scope::dockerfile && selection.selected(check)) m_selected.push_back(&check);
  }
}

DockerfileAudit::DockerfileAudit(const Selection& selection) : DockerfileAudit(selection, checks::catalogue()) {}

void DockerfileAudit::reserve(std::size_t files) {
  if (files > m_stride) grow(files);
}

void DockerfileAudit::grow(std::size_t files) {
  const std::size_t n = m_selected.size();
  // Tens of megabytes for thousands of files: huge pages, before the results are first written.
  auto bigger = core::vector_in_huge_pages<Result>(n * files);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t f = 0; f < m_files; ++f)
      bigger[c * files + f] = std::move(m_results[c * m_stride + f]);
  }
  m_results.swap(bigger);
  m_stride = files;
}

void DockerfileAudit::place(std::size_t check, checks::Finding finding) {
  // The slot holds a default Result, which owns nothing: it is built over rather than assigned,
  // so that the old value is not read back from memory (tens of megabytes, long out of cache),
  // and built in place (std::construct_at would move a temporary Result into it, then destroy it).
  ::new (static_cast<void*>(&m_results[check * m_stride + m_files]))
      Result{m_selected[check], std::move(m_subjects[check]), std::move(finding)};
}

void DockerfileAudit::copy_subject(Subject subject) {
  // Every copy made here, before the results are written, and counted at once: a count is a
  // locked instruction, which waits for every store before it, and each result's store is to
  // memory out of cache (one place per check, megabytes apart).
  m_subjects.resize(m_selected.size());
  SharedSubject(std::move(subject)).copy_to(m_subjects);
}

namespace {

/// Every Dockerfile's subject kind, one string for all of them.
const core::SharedString& dockerfile_kind() {
  static const core::SharedString kind("dockerfile");
  return kind;
}

}  // namespace

void DockerfileAudit::add(const model::Dockerfile& d) {
  if (m_files == m_stride) grow(std::max<std::size_t>(16, m_stride * 2));
  copy_subject(Subject{dockerfile_kind(), d.path, d.path});
  for (std::size_t c = 0; c < m_selected.size(); ++c)
    place(c, evaluate(std::get<checks::DockerfileEval>(m_selected[c]->evaluate), d));
  ++m_files;
}

void DockerfileAudit::add(const model::Unreadable& u) {
  if (m_files == m_stride) grow(std::max<std::size_t>(16, m_stride * 2));
  copy_subject(Subject{dockerfile_kind(), u.id, u.name});
  for (std::size_t c = 0; c < m_selected.size(); ++c)
    place(c, checks::Finding{u.reason, std::nullopt, core::Status::error, std::nullopt});
  ++m_files;
}

Report DockerfileAudit::finish() && {
  const std::size_t n = m_selected.size();
  if (m_files < m_stride) {
    // Moved down, check by check: a result's new place is never after its old one.
    for (std::size_t c = 1; c < n; ++c) {
      for (std::size_t f = 0; f < m_files; ++f)
        m_results[c * m_files + f] = std::move(m_results[c * m_stride + f]);
    }
    m_results.resize(n * m_files);
  }
  Report report;
  report.results = std::move(m_results);
  return report;
}

Report run(const std::vector<model::Dockerfile>& dockerfiles, const std::vector<model::Unreadable>& unreadable,
           const Selection& selection, std::span<const checks::Check> table) {
  DockerfileAudit audit(selection, table);
  for (const auto& d : dockerfiles)
    audit.add(d);
  for (const auto& u : unreadable)
    audit.add(u);
  return std::move(audit).finish();
}

}  // namespace drydock::audit
