#pragma once
/// What the subcommands share: the common options, engine connection, policy loading, the
/// report's rendering and the exit codes (DESIGN.md section 5). Each subcommand lives in a file
/// of its own and registers itself with `run` through an `add_*` function returning a Command.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/cli/plugin.hpp"
#include "drydock/collect/engine/client.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/policy.hpp"

namespace drydock::cli {

constexpr int k_exit_ok = 0;
constexpr int k_exit_findings = 1;
constexpr int k_exit_usage = 2;
constexpr int k_exit_unreachable = 3;

/// Options every auditing subcommand shares.
struct Common {
  std::string format = "text";
  std::string output;
  std::string fail_on;  ///< "" = not given: the policy's, else "high"
  std::vector<std::string> only, skip;
  std::string config;    ///< --config FILE; else ./.drydock.yaml when it exists
  std::string baseline;  ///< --baseline FILE: an earlier JSON report
  model::Policy policy;  ///< loaded before the audit (load_policy)
  std::vector<model::BaselineFinding> baseline_findings;
  bool fail_on_new = false;  ///< --fail-on-new: only findings not in --baseline fail; the report keeps them all
  bool quiet = false;
  bool no_color = false;
  bool verbose = false;
  std::string host;
  double timeout_s = 10;                ///< --timeout: each request to the engine, connecting included
  std::string now_text;                 ///< --now as given ("" = the wall clock)
  /// The instant of every time-dependent decision (expiry of ignores, certificates, signed
  /// metadata), Unix seconds: --now, else the wall clock when the command line was parsed.
  std::int64_t now = 0;
  std::optional<DockerGlobals> docker;  ///< the docker CLI's global flags when run as its plugin
};

/// One subcommand: its CLI11 node and what runs when it was parsed. `audits` commands get the
/// policy (--config, --baseline) loaded before they run.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
  bool audits = true;
};

int exit_code_for(const core::Error& e);
/// Prints "drydock: <error>" on stderr and returns its exit code (2 usage, else 3).
int report_error(const core::Error& e);

/// Progress notes on stderr: on when stderr is a terminal or --verbose, never with --quiet.
class Progress {
 public:
  explicit Progress(const Common& c);
  void note(std::string_view text) const;
  [[nodiscard]] collect::Progress sink() const;
  [[nodiscard]] bool on() const { return m_on; }

 private:
  bool m_on;
};

/// Finds the engine like the docker CLI (or from the plugin's globals) and connects to it.
core::Expected<std::unique_ptr<collect::EngineClient>> connect_engine(const Common& c, const Progress& progress);

/// Connects to the engine at `endpoint` (a docker context's), with the request timeout of `c`.
core::Expected<std::unique_ptr<collect::EngineClient>> connect_endpoint(const collect::Endpoint& endpoint, const Common& c,
                                                                         const Progress& progress);

/// Reads --config (or ./.drydock.yaml) and --baseline before anything is audited.
core::Expected<bool> load_policy(Common& c);

/// Applies the policy and the baseline, renders the report, writes it, and turns it into the
/// exit code.
int finish(audit::Report& report, const Common& c);

/// Keeps `report` until the process ends, never freed: for a command's last act after finish(),
/// when the report is large (a host of thousands of containers: a hundred thousand results and
/// their strings, tens of milliseconds to free one by one, for memory the kernel takes back at
/// once). Still reachable, so not a leak to LeakSanitizer; a second call frees the first report.
void keep_until_exit(audit::Report&& report);

/// The common options; `engine` adds --host and --timeout.
void add_common(CLI::App& cmd, Common& c, bool engine);

/// --now RFC3339 (every command has it; add_common adds it).
void add_now_option(CLI::App& cmd, Common& c);
/// Sets c.now from --now or the wall clock; a usage error when --now is not an RFC 3339 time.
core::Expected<bool> resolve_now(Common& c);

// The subcommands, one file each.
Command add_host(CLI::App& app, Common& common);
Command add_container(CLI::App& app, Common& common);
Command add_dockerfile(CLI::App& app, Common& common);
Command add_compose(CLI::App& app, Common& common);
Command add_image(CLI::App& app, Common& common);
Command add_checks(CLI::App& app, Common& common);
Command add_db(CLI::App& app, Common& common);
Command add_harden(CLI::App& app, Common& common);
Command add_seccomp(CLI::App& app, Common& common);
Command add_watch(CLI::App& app, Common& common);
Command add_history(CLI::App& app, Common& common);
Command add_diff(CLI::App& app, Common& common);
Command add_merge(CLI::App& app, Common& common);
Command add_fleet(CLI::App& app, Common& common);
Command add_fleet_task(CLI::App& app, Common& common);

}  // namespace drydock::cli
