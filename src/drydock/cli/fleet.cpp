// `drydock fleet`: every node of a Swarm audited in one command, on Swarm itself. The one
// command that changes something: it creates a labelled global service (restart condition
// none: one task per node, run once) whose task on each node runs `drydock fleet-task` in the
// drydock image with the node's engine socket and root mounted read-only, waits for every task,
// reads each node's report from the service's logs, removes the service and writes one report.
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "drydock/audit/merge.hpp"
#include "drydock/audit/runner.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/checks/benchmark.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/core/time.hpp"
#include "drydock/parse/fleet_log.hpp"
#include "drydock/parse/policy.hpp"

namespace drydock::cli {
namespace {

constexpr std::string_view k_label = "org.drydock.fleet";

struct FleetOptions {
  std::string image = std::string("drydock:") + DRYDOCK_VERSION;
  double wait_s = 300;
};

std::atomic<bool> g_interrupted{false};
void on_fleet_interrupt(int) { g_interrupted = true; }

std::string url_encode(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

/// The service: global, restart condition none (Engine 20.10 leaves a global-job's task
/// containers behind when the job is removed, moby #44312), the image by its ID when the manager
/// has it (no pull is tried for an ID), the socket and / bind-mounted read-only, json-file logs
/// (the service's logs are read back), the node's ID in the environment (a template).
std::string service_spec(const std::string& name, const std::string& image, const Common& c) {
  nlohmann::json args = {"fleet-task", "--root", "/host", "--quiet", "--timeout", fmt::format("{}", c.timeout_s),
                         "--benchmark", std::string(checks::option_name(checks::current_benchmark())),
                         // Every node decides what depends on the time at the manager's instant.
                         "--now", core::rfc3339_utc(c.now)};
  for (const auto& o : c.only)
    args.push_back("--only=" + o);
  for (const auto& s : c.skip)
    args.push_back("--skip=" + s);
  const nlohmann::json labels = {{std::string(k_label), "1"}};
  nlohmann::json spec = {
      {"Name", name},
      {"Labels", labels},
      {"TaskTemplate",
       {{"ContainerSpec",
         {{"Image", image},
          {"Args", args},
          {"Labels", labels},
          {"Env", {"DRYDOCK_FLEET_NODE={{.Node.ID}}"}},
          {"Mounts",
           {{{"Type", "bind"}, {"Source", "/var/run/docker.sock"}, {"Target", "/var/run/docker.sock"}, {"ReadOnly", true}},
            {{"Type", "bind"}, {"Source", "/"}, {"Target", "/host"}, {"ReadOnly", true}}}}}},
        {"RestartPolicy", {{"Condition", "none"}, {"MaxAttempts", 0}}},
        {"LogDriver", {{"Name", "json-file"}}}}},
      {"Mode", {{"Global", nlohmann::json::object()}}},
  };
  return spec.dump();
}

/// Removes the service when it goes out of scope, whatever the way out.
class ServiceGuard {
 public:
  ServiceGuard(collect::EngineClient& client, const Progress& progress) : m_client(client), m_progress(progress) {}
  ~ServiceGuard() { remove(); }
  ServiceGuard(const ServiceGuard&) = delete;
  ServiceGuard& operator=(const ServiceGuard&) = delete;
  void set(std::string id) { m_id = std::move(id); }
  core::Expected<bool> remove() {
    if (m_id.empty()) return true;
    const auto id = std::exchange(m_id, std::string());
    auto done = m_client.remove("/services/" + id);
    if (!done && done.error().kind != core::ErrorKind::not_found) {
      std::cerr << "drydock: could not remove the service " << id << ": " << done.error().describe()
                << " (remove it with `docker service rm " << id << "`)\n";
      return tl::unexpected(done.error());
    }
    m_progress.note("removed the service " + id);
    return true;
  }

 private:
  collect::EngineClient& m_client;
  const Progress& m_progress;
  std::string m_id;
};

int cmd_fleet(const Common& c, const FleetOptions& f) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  auto connected = connect_engine(c, progress);
  if (!connected) return report_error(connected.error());
  auto& client = **connected;

  auto info = client.get("/info");
  if (!info) return report_error(info.error());
  const auto info_json = nlohmann::json::parse(*info, nullptr, false);
  const bool manager = info_json.is_object() && info_json.contains("Swarm") && info_json["Swarm"].is_object() &&
                       info_json["Swarm"].value("ControlAvailable", false);
  if (!manager) {
    return report_error(core::Error{core::ErrorKind::usage,
                                    "drydock fleet runs against a Swarm manager; this engine is not one (drydock host "
                                    "audits a single engine)",
                                    client.endpoint().host});
  }
  auto nodes_text = client.get("/nodes");
  if (!nodes_text) return report_error(nodes_text.error());
  auto nodes = parse::swarm_nodes(*nodes_text);
  if (!nodes) return report_error(nodes.error());

  // The image by its ID when the manager has it: every node that loaded the same image has the
  // same ID, and the engine does not try a registry for an ID.
  std::string image = f.image;
  if (auto inspected = client.get("/images/" + url_encode(f.image) + "/json")) {
    const auto j = nlohmann::json::parse(*inspected, nullptr, false);
    if (j.is_object() && j.contains("Id") && j["Id"].is_string()) image = j["Id"].get<std::string>();
  }

  const auto started = std::chrono::steady_clock::now();
  const std::string name = fmt::format("drydock-fleet-{}-{}", ::getpid(),
                                       std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                               .count() %
                                           1000000);
  struct sigaction action {};
  action.sa_handler = on_fleet_interrupt;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {}, old_term {};
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
  struct Restore {
    struct sigaction i, t;
    ~Restore() {
      ::sigaction(SIGINT, &i, nullptr);
      ::sigaction(SIGTERM, &t, nullptr);
    }
  } restore{old_int, old_term};

  ServiceGuard guard(client, progress);
  auto created = client.post("/services/create", service_spec(name, image, c));
  if (!created) return report_error(created.error());
  const auto created_json = nlohmann::json::parse(*created, nullptr, false);
  if (!created_json.is_object() || !created_json.contains("ID") || !created_json["ID"].is_string()) {
    return report_error(core::Error{core::ErrorKind::daemon, "the engine did not give the new service's ID", "POST /services/create"});
  }
  const std::string service_id = created_json["ID"].get<std::string>();
  guard.set(service_id);
  progress.note(fmt::format("created the service {} ({}), image {}, on {} nodes", name, service_id, image, nodes->size()));

  // Wait for a final state on every node that can run a task.
  const auto deadline = started + std::chrono::milliseconds(static_cast<long long>(f.wait_s * 1000));
  const std::string tasks_path = "/tasks?filters=" + url_encode(fmt::format("{{\"service\":[\"{}\"]}}", service_id));
  bool all_done = false;
  while (!g_interrupted) {
    auto tasks = client.get(tasks_path);
    if (!tasks) return report_error(tasks.error());
    auto done = parse::apply_tasks(*tasks, *nodes);
    if (!done) return report_error(done.error());
    if (*done) {
      all_done = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (g_interrupted) {
    std::cerr << "drydock: interrupted: removing the service " << name << "\n";
    (void)guard.remove();
    return 130;
  }
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!all_done) {
    for (auto& n : *nodes) {
      if (!n.task_id.empty() && !parse::final_task_state(n.task_state)) {
        n.timed_out = true;
        n.waited_s = waited;
      }
    }
  }

  // The logs of every task: the service's logs in one stream, lines demultiplexed.
  parse::FleetLines lines;
  parse::LogLines demux;
  const auto on_line = [&](int stream, std::string_view line) {
    if (stream == 1) lines.add(line);
  };
  auto logs = client.get_stream("/services/" + service_id + "/logs?stdout=1&stderr=1", [&](std::string_view piece) {
    demux.feed(piece, on_line);
    return !g_interrupted.load();
  });
  demux.finish(on_line);
  if (auto removed = guard.remove(); !removed) return report_error(removed.error());
  if (g_interrupted) {
    std::cerr << "drydock: interrupted\n";
    return 130;
  }
  if (!logs) progress.note("the service's logs could not be read whole: " + logs.error().describe());

  std::vector<model::ReportFile> files;
  std::vector<std::size_t> file_of_node(nodes->size(), static_cast<std::size_t>(-1));
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    auto& n = (*nodes)[i];
    if (n.task_id.empty() || n.timed_out) continue;
    std::string why;
    auto text = lines.report(n.id, why);
    if (!text) {
      if (n.task_state == "complete" || lines.nodes().contains(n.id)) n.report_error = why;
      continue;
    }
    auto file = parse::report_file(*text, "node " + n.hostname);
    if (!file) {
      n.report_error = "its report is not valid: " + file.error().describe();
      continue;
    }
    n.results = file->results.size();
    file_of_node[i] = files.size();
    files.push_back(std::move(*file));
  }
  audit::Report report;
  if (!files.empty()) {
    auto merged = audit::merge(files);
    if (!merged) return report_error(merged.error());
    report = std::move(*merged);
  }
  std::erase_if(report.results, [&](const audit::Result& r) { return !selection->selected(*r.check); });
  report.command = "fleet";
  report.target = fmt::format("Swarm of {} nodes, manager {}", nodes->size(), client.endpoint().host);

  // Whether each node was audited: one result per node, an error with the reason when it was not.
  const auto* node_check = checks::find_check("fleet.node-audited");
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    const auto& n = (*nodes)[i];
    std::size_t host = report.hosts.size();
    if (file_of_node[i] != static_cast<std::size_t>(-1)) {
      const auto& file = files[file_of_node[i]];
      for (std::size_t h = 0; h < report.hosts.size() && !file.hosts.empty(); ++h) {
        if (report.hosts[h].engine_id == file.hosts.front().engine_id && report.hosts[h].name == file.hosts.front().name)
          host = h;
      }
    }
    if (host == report.hosts.size()) report.hosts.push_back(audit::Host{n.hostname, "", "", ""});
    report.results.push_back(audit::node_result(*node_check, n, audit::Subject{"host", n.id, n.hostname}, host));
  }
  std::stable_sort(report.results.begin(), report.results.end(),
                   [](const audit::Result& a, const audit::Result& b) { return a.check < b.check; });
  progress.note(fmt::format("{} of {} nodes audited in {:.1f} s", files.size(), nodes->size(), waited));
  return finish(report, c);
}

}  // namespace

Command add_fleet(CLI::App& app, Common& common) {
  auto options = std::make_shared<FleetOptions>();
  auto* cmd = app.add_subcommand(
      "fleet",
      "Audit every node of a Swarm, run against a manager. This command CHANGES the Swarm: it creates a service "
      "(global, labelled org.drydock.fleet=1, one task per node running the drydock image with the node's Docker "
      "socket and / mounted read-only), collects each node's report from the service's logs, and removes the "
      "service (also on failure and Ctrl-C)");
  add_common(*cmd, common, true);
  cmd->add_option("--image", options->image, "The drydock image each node runs (make image; docker load it on every node)")
      ->capture_default_str();
  cmd->add_option("--wait", options->wait_s, "Seconds to wait for every node's task; a node still running is an error")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  return Command{cmd, [&common, options] { return cmd_fleet(common, *options); }};
}

}  // namespace drydock::cli
