// `drydock watch`: a continuous audit from the engine's events, as a stream of transitions.
#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>

#include "drydock/audit/selection.hpp"
#include "drydock/cli/benchmark_option.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/watch/watcher.hpp"

namespace drydock::cli {
namespace {

struct WatchCli {
  std::string format = "text";
  std::string state;
  std::string output;
  std::string root;
};

int cmd_watch(const Common& c, const WatchCli& w) {
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  auto endpoint =
      c.docker ? plugin_endpoint(*c.docker, c.host, collect::process_env())
               : collect::resolve_endpoint(c.host, collect::process_env(), collect::docker_config_dir(collect::process_env()));
  if (!endpoint) return report_error(endpoint.error());

  std::ofstream file;
  if (!w.output.empty()) {
    file.open(w.output, std::ios::binary | std::ios::app);
    if (!file) {
      std::cerr << "drydock: cannot open " << w.output << " for writing\n";
      return k_exit_usage;
    }
  }
  std::ostream& out = w.output.empty() ? std::cout : file;
  const bool color =
      w.format == "text" && w.output.empty() && ::isatty(STDOUT_FILENO) != 0 && !c.no_color && std::getenv("NO_COLOR") == nullptr;
  std::mutex err_mutex;

  watch::WatchOptions o;
  o.endpoint = *endpoint;
  o.client.timeout = std::chrono::milliseconds(static_cast<long long>(c.timeout_s * 1000));
  o.selection = *selection;
  o.policy = c.policy;
  if (!c.now_text.empty()) o.now = c.now;
  o.state_path = w.state;
  o.root = w.root;
  o.emit = [&](const watch::Transition& t) {
    out << (w.format == "ndjson" ? watch::ndjson(t) : watch::text_line(t, color)) << '\n';
  };
  o.flush = [&] { out.flush(); };
  o.note = [&](std::string_view text) {
    if (c.quiet) return;
    std::lock_guard lock(err_mutex);
    std::cerr << "drydock: " << text << std::endl;
  };
  auto done = watch::run_watch(o);
  if (!done) return report_error(done.error());
  return k_exit_ok;
}

}  // namespace

Command add_watch(CLI::App& app, Common& common) {
  auto w = std::make_shared<WatchCli>();
  auto* cmd = app.add_subcommand(
      "watch", "Audit continuously from the engine's events: one line per finding that opens, changes or is resolved");
  add_benchmark_option(*cmd);
  add_now_option(*cmd, common);
  cmd->add_option("--format", w->format, "text or ndjson (one JSON object per line)")
      ->check(CLI::IsMember({"text", "ndjson"}))
      ->capture_default_str();
  cmd->add_option("--state", w->state,
                  "SQLite file keeping the open findings and every transition: a restarted watch resumes from it; "
                  "read it with `drydock history`");
  cmd->add_option("--output,-o", w->output, "Append the lines to FILE instead of stdout");
  cmd->add_option("--root", w->root, "Read the host's files (daemon.json, units, sockets) under DIR instead of /");
  cmd->add_option("--config", common.config, "Policy file: accepted findings, severity overrides (default ./.drydock.yaml)");
  cmd->add_option("--only", common.only, "Run only these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd->add_option("--skip", common.skip, "Do not run these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd->add_flag("--quiet,-q", common.quiet, "Nothing on stderr but errors");
  cmd->add_flag("--no-color", common.no_color, "No colour, even on a terminal");
  cmd->add_option("--host,-H", common.host, "Docker engine URL (unix:///path, tcp://host:port); default as the docker CLI");
  cmd->add_option("--timeout", common.timeout_s, "Seconds the engine has to answer each request (the event stream has none)")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  return Command{cmd, [&common, w] { return cmd_watch(common, *w); }};
}

}  // namespace drydock::cli
