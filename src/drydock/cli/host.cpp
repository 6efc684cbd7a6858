#include <unistd.h>

#include <fmt/format.h>
#include <array>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "drydock/audit/runner.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/cli/contexts.hpp"
#include "drydock/cli/vulns.hpp"
#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/collect/host/host_side.hpp"
#include "drydock/collect/image/analyze.hpp"
#include "drydock/collect/image/engine.hpp"
#include "drydock/core/memory.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/model/fleet.hpp"
#include "drydock/parse/podman.hpp"
#include "drydock/render/render.hpp"

namespace drydock::cli {
namespace {

/// Options of `drydock host` alone.
struct HostOptions {
  std::string root;
  bool no_engine = false;
  VulnCliOptions vulns;  ///< for the images in use, whose layers are then read from the engine
  std::vector<std::string> contexts;  ///< --context NAME, repeatable
  bool all_contexts = false;
};

/// What cannot be read of a machine whose engine is reached over TCP (HostSnapshot::remote).
const std::vector<std::string>& not_read_remotely() {
  static const std::vector<std::string> k_sections = {
      "the host's files (owners and modes of Docker's files, the data root's mount, the docker group)",
      "the daemon's command line and configuration files (daemon.json, unit files)",
      "the audit rules",
      "the host's listening sockets (Swarm ports)",
  };
  return k_sections;
}

/// The heap grown in huge pages (core::grow_heap_in_huge_pages) before an engine is read, and
/// then per container listed: about 20 KiB of a container's results, facts and spec are alive at
/// the peak (bench/README.md).
constexpr std::size_t k_heap_at_start = std::size_t{64} << 20U;
constexpr std::size_t k_heap_per_container = std::size_t{24} << 10U;

/// The host audit, up to the report (before the policy and the rendering), of the engine
/// `chosen` (a docker context's) or, when null, of the engine found like the docker CLI.
core::Expected<audit::Report> host_report(const Common& c, const HostOptions& h, const Progress& progress,
                                          const collect::Endpoint* chosen = nullptr) {
  DRYDOCK_TRY(selection, audit::Selection::make(c.only, c.skip));
  std::error_code ec;
  if (!h.root.empty() && !std::filesystem::is_directory(h.root, ec)) {
    return core::fail(core::ErrorKind::io, "--root must be a directory holding a host's files", h.root);
  }
  if (h.vulns.enabled && h.no_engine) {
    return core::fail(core::ErrorKind::usage, "--vulns reads the images in use from the engine: drop --no-engine");
  }
  if (auto db = require_vuln_db(h.vulns); !db) return tl::unexpected(db.error());
  const collect::HostRoot root(h.root);

  model::HostSnapshot snapshot;
  std::string target = h.root.empty() ? "this host" : h.root;
  collect::HostSideOptions side;
  side.now = c.now;
  std::optional<parse::PodmanEngine> podman;
  // The container checks run as each container's answers arrive, while other requests are
  // in flight; each inspect is then reduced to what the daemon checks count.
  audit::ContainerAudit containers(selection);
  bool streamed = false;
  // An engine reached over TCP is on another machine (unless --root holds that machine's
  // files): this machine's files and dockerd are not its own, so they are not read.
  std::string remote;
  if (!h.no_engine) {
    core::grow_heap_in_huge_pages(k_heap_at_start);
    auto client = chosen != nullptr ? connect_endpoint(*chosen, c, progress) : connect_engine(c, progress);
    if (!client) return tl::unexpected(client.error());
    const auto& endpoint = (*client)->endpoint();
    if (endpoint.is_unix()) side.socket_path = endpoint.unix_path();
    remote = endpoint.remote(h.root);
    // Podman behind Docker's API: dockerd's configuration on this host (daemon.json, the unit)
    // is not the engine's, so section 2 must not read it. Known from /version and /info, which
    // the collection asks at the same time as the container list (the longest answer, which
    // gates every inspect); a failure of either is the collection's.
    collect::SnapshotOptions options;
    options.on_answers = [&podman, &side, &streamed](const std::string& version, const std::string& info) {
      podman = parse::podman_engine(version, info);
      side.podman_rootless = podman && podman->rootless;
      // Under Podman the daemon's configuration is dropped after it is read: the containers
      // are checked after the collection, as the rest.
      streamed = !podman;
      return streamed;
    };
    options.on_list = [&containers](std::size_t n) {
      core::grow_heap_in_huge_pages(n * k_heap_per_container);
      containers.resize(n);
    };
    // The daemon's configuration is read as soon as the engine's facts are in: the container
    // checks read it.
    options.on_engine = [&root, &side, &c, &remote](model::HostSnapshot& context) {
      context.remote = remote;
      if (remote.empty()) collect::collect_host_side(root, side, context);
      context.trusted_sources = c.policy.sources;  // CIS 4.2 on each container
    };
    options.on_container = [&containers](std::size_t slot, model::ContainerSpec& spec, const model::HostSnapshot& context) {
      containers.add(slot, spec, context);
      audit::ContainerAudit::reduce(spec);
    };
    auto collected = collect::collect_host(**client, progress.sink(), options);
    if (!collected) return tl::unexpected(collected.error());
    target += podman ? ", Podman " + podman->version + " engine " + endpoint.host : ", engine " + endpoint.host;
    snapshot = std::move(*collected);
    if (h.vulns.enabled) {
      // The packages of the images in use: their layers, exported by the engine and streamed.
      for (auto& img : snapshot.images) {
        progress.note("reading the layers of " + img.display_name());
        auto read = collect::image::read_engine_image(**client, img.id, collect::image::analyzing_options(""));
        if (read) {
          img.content = read->content;
        } else {
          img.vulns = model::VulnScan{{},
                                      core::Status::error,
                                      std::nullopt,
                                      "could not read the image's layers for its packages: " + read.error().describe()};
        }
      }
    }
  }
  snapshot.remote = remote;
  if (!streamed && remote.empty()) collect::collect_host_side(root, side, snapshot);
  if (!remote.empty()) {
    progress.note("the engine at " + remote + " is on another machine: not read remotely, their checks skipped: " +
                  core::join(not_read_remotely(), "; "));
  }
  if (snapshot.daemon) {
    for (const auto& d : snapshot.daemon->diagnostics)
      progress.note("daemon configuration: " + d);
  }
  if (podman) {
    progress.note("Podman " + podman->version + ": section 2 reads Podman's configuration (" +
                  (snapshot.podman && !snapshot.podman->sources.empty() ? core::join(snapshot.podman->sources, ", ")
                                                                        : std::string("no file found")) +
                  "), not dockerd's");
    if (snapshot.podman) {
      for (const auto& e : snapshot.podman->environment)
        progress.note("Podman configuration moved by the service's environment: " + e);
      for (const auto& d : snapshot.podman->diagnostics)
        progress.note("Podman configuration: " + d);
    }
    snapshot.daemon.reset();
  }
  progress.note(fmt::format("auditing {} containers and {} images", snapshot.containers.size(), snapshot.images.size()));

  std::optional<std::vector<model::Vulnerability>> found;
  if (h.vulns.enabled && !h.no_engine) found = scan_vulnerabilities(snapshot.images, h.vulns, progress);
  snapshot.trusted_sources = c.policy.sources;
  auto report = audit::run(snapshot, selection, audit::RunOptions{}, &containers);
  report.vulnerabilities = std::move(found);
  report.command = "host";
  report.target = target;
  if (report.hosts.empty() && h.root.empty() && remote.empty()) {
    // No engine read: the host is this machine, known by its name.
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) == 0) report.hosts.push_back(audit::Host{name.data(), "", "", ""});
  }
  return report;
}

/// One report of several docker contexts: each context's report becomes a host named after
/// the context (its engine's id, version and OS kept), with a fleet.context-audited result
/// saying whether it was audited and what could not be read remotely; a context that could not
/// be audited is that result alone, an error with the reason.
audit::Report combine_contexts(const std::vector<ContextTarget>& targets, std::vector<core::Expected<audit::Report>>& parts) {
  audit::Report out;
  out.command = "host";
  std::vector<std::string> names;
  const auto* context_check = checks::find_check("fleet.context-audited");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    names.push_back(t.name);
    model::FleetNode node;
    node.id = t.name;
    if (t.endpoint) node.endpoint = t.endpoint->host;
    const std::size_t host = out.hosts.size();
    audit::Host h{t.name, "", "", ""};
    if (!t.endpoint) {
      node.report_error = t.endpoint.error().describe();
    } else if (!parts[i]) {
      node.report_error = parts[i].error().describe();
    } else {
      auto& part = *parts[i];
      if (!part.hosts.empty()) {
        h.engine_id = part.hosts.front().engine_id;
        h.engine_version = part.hosts.front().engine_version;
        h.os = part.hosts.front().os;
        node.hostname = part.hosts.front().name;
      }
      node.results = part.results.size();
      if (!t.endpoint->is_unix()) node.not_read_remotely = not_read_remotely();
      for (auto& r : part.results) {
        r.host = static_cast<std::uint32_t>(host);
        out.results.push_back(std::move(r));
      }
      for (auto& p : part.packages)
        out.packages.push_back(std::move(p));
      for (auto& f : part.facts)
        out.facts.push_back(std::move(f));
      if (part.vulnerabilities) {
        if (!out.vulnerabilities) out.vulnerabilities.emplace();
        for (auto& v : *part.vulnerabilities)
          out.vulnerabilities->push_back(std::move(v));
      }
    }
    out.hosts.push_back(std::move(h));
    out.results.push_back(audit::node_result(*context_check, node, audit::Subject{"host", t.name, t.name}, host));
  }
  out.target = "docker contexts " + core::join(names, ", ");
  // One group per check in catalogue order (the table is contiguous), hosts in the order given.
  std::stable_sort(out.results.begin(), out.results.end(),
                   [](const audit::Result& a, const audit::Result& b) { return a.check < b.check; });
  return out;
}

int cmd_host(const Common& c, const HostOptions& h) {
  const Progress progress(c);
  const auto env = collect::process_env();
  auto targets = context_targets(ContextRequest{h.contexts, h.all_contexts, c.host, h.root, h.no_engine},
                                 collect::docker_config_dir(env));
  if (!targets) return report_error(targets.error());
  if (targets->empty() || (targets->size() == 1 && !h.all_contexts)) {
    // No context, or one: the audit of one engine, as with DOCKER_CONTEXT=NAME.
    if (!targets->empty() && !targets->front().endpoint) return report_error(targets->front().endpoint.error());
    auto report = host_report(c, h, progress, targets->empty() ? nullptr : &*targets->front().endpoint);
    if (!report) return report_error(report.error());
    const int code = finish(*report, c);
    keep_until_exit(std::move(*report));
    return code;
  }
  // Several engines at once, each on a thread of its own; their progress would interleave, so
  // each context's outcome is one note.
  Common quiet = c;
  quiet.quiet = true;
  const Progress silent(quiet);
  std::vector<core::Expected<audit::Report>> parts(targets->size(), core::fail(core::ErrorKind::usage, "not audited"));
  {
    std::vector<std::thread> threads;
    threads.reserve(targets->size());
    for (std::size_t i = 0; i < targets->size(); ++i) {
      if (!(*targets)[i].endpoint) continue;
      threads.emplace_back([&, i] { parts[i] = host_report(c, h, silent, &*(*targets)[i].endpoint); });
    }
    for (auto& t : threads)
      t.join();
  }
  for (std::size_t i = 0; i < targets->size(); ++i) {
    const auto& t = (*targets)[i];
    if (!t.endpoint) {
      progress.note(fmt::format("context {}: {}", t.name, t.endpoint.error().describe()));
    } else if (!parts[i]) {
      progress.note(fmt::format("context {} ({}): {}", t.name, t.endpoint->host, parts[i].error().describe()));
    } else {
      progress.note(fmt::format("context {} ({}): {} results", t.name, t.endpoint->host, parts[i]->results.size()));
    }
  }
  auto report = combine_contexts(*targets, parts);
  return finish(report, c);
}

/// One fleet line: {"drydock-fleet":1,"node":NODE,KEY:VALUE}, on one line of stdout.
void fleet_line(const std::string& node, const char* key, const nlohmann::json& value) {
  nlohmann::json line = {{"drydock-fleet", 1}, {"node", node}, {key, value}};
  std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

/// `drydock fleet-task`: the host audit of one Swarm node, run in the task `drydock fleet`
/// creates, written to stdout (the service's logs) as short NDJSON lines that carry the node:
/// the report's header, one line per result, the count (parse/fleet_log.hpp). Each line stays
/// under Docker's 16 KiB log-line split: a longer evidence is cut, and says so.
int cmd_fleet_task(const Common& c, const HostOptions& h) {
  const char* env = std::getenv("DRYDOCK_FLEET_NODE");
  const std::string node = env != nullptr && *env != '\0' ? env : "unknown";
  const Progress progress(c);
  auto report = host_report(c, h, progress);
  if (!report) {
    fleet_line(node, "error", report.error().describe());
    return exit_code_for(report.error());
  }
  auto doc = nlohmann::json::parse(render::json(*report));
  auto results = std::move(doc["results"]);
  doc["results"] = nlohmann::json::array();
  fleet_line(node, "header", doc);
  constexpr std::size_t k_line_limit = 15 * 1024;  // Docker splits log lines at 16 KiB
  std::size_t n = 0;
  for (auto& r : results) {
    nlohmann::json line = {{"drydock-fleet", 1}, {"node", node}, {"result", r}};
    auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > k_line_limit && r.contains("evidence") && r["evidence"].is_string()) {
      auto evidence = r["evidence"].get<std::string>();
      const std::size_t over = text.size() - k_line_limit + 200;
      evidence.resize(evidence.size() > over ? evidence.size() - over : 0);
      while (!evidence.empty() && (static_cast<unsigned char>(evidence.back()) & 0xC0) == 0x80) evidence.pop_back();
      if (!evidence.empty() && static_cast<unsigned char>(evidence.back()) >= 0xC0) evidence.pop_back();
      r["evidence"] = evidence + " ... (cut to fit a line of the service's logs; drydock host on the node shows it all)";
      line["result"] = r;
      text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::cout << text << '\n';
    ++n;
  }
  fleet_line(node, "end", n);
  std::cout.flush();
  return std::cout ? k_exit_ok : k_exit_unreachable;
}

}  // namespace

Command add_fleet_task(CLI::App& app, Common& common) {
  auto options = std::make_shared<HostOptions>();
  auto* task = app.add_subcommand("fleet-task", "The audit of one node in a task of drydock fleet (NDJSON lines on stdout)");
  task->group("");  // not listed: drydock fleet runs it
  add_common(*task, common, true);
  task->add_option("--root", options->root, "Read the host's files under DIR (a mounted host tree) instead of /");
  return Command{task, [&common, options] { return cmd_fleet_task(common, *options); }, false};
}

Command add_host(CLI::App& app, Common& common) {
  auto options = std::make_shared<HostOptions>();
  auto* host =
      app.add_subcommand("host", "Audit a whole Docker host: every container (running and stopped) and the images in use");
  add_common(*host, common, true);
  host->add_option("--root", options->root, "Read the host's files under DIR (a mounted host tree) instead of /");
  options->vulns.add_to(*host);
  host->add_flag("--no-engine", options->no_engine,
                 "Do not contact a Docker engine: audit the daemon's configuration and the host's files only");
  host->add_option("--context", options->contexts,
                   "Audit the engine of this docker CLI context (repeatable: several engines in parallel, one report "
                   "grouped by host, each host named after its context). An engine reached over tcp:// is on another "
                   "machine: its host's files, the daemon's command line and configuration files and the audit rules "
                   "cannot be read remotely, and their checks are skipped saying so")
      ->delimiter(',')
      ->type_name("NAME");
  host->add_flag("--all-contexts", options->all_contexts,
                 "Audit every context of the docker CLI's contexts store ($DOCKER_CONFIG, else ~/.docker) and `default`, "
                 "in parallel, in one report");
  return Command{host, [&common, options] { return cmd_host(common, *options); }};
}

}  // namespace drydock::cli
