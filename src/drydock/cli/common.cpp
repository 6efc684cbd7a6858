#include "drydock/cli/common.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "drydock/audit/policy.hpp"
#include "drydock/checks/benchmark.hpp"
#include "drydock/cli/benchmark_option.hpp"
#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/core/time.hpp"
#include "drydock/parse/policy.hpp"
#include "drydock/render/render.hpp"

namespace drydock::cli {

int exit_code_for(const core::Error& e) { return e.kind == core::ErrorKind::usage ? k_exit_usage : k_exit_unreachable; }

int report_error(const core::Error& e) {
  std::cerr << "drydock: " << e.describe() << "\n";
  return exit_code_for(e);
}

Progress::Progress(const Common& c) : m_on(!c.quiet && (c.verbose || ::isatty(STDERR_FILENO) != 0)) {}

void Progress::note(std::string_view text) const {
  if (m_on) std::cerr << "drydock: " << text << "\n";
}

collect::Progress Progress::sink() const {
  if (!m_on) return {};
  collect::Progress p{[](std::string_view text) { std::cerr << "drydock: " << text << "\n"; }, {}};
  // Counters only on a terminal: one line rewritten in place, ended when the work is done.
  if (::isatty(STDERR_FILENO) != 0) {
    p.step = [](std::string_view what, std::size_t done, std::size_t total) {
      if (done != total && done % 16 != 0) return;
      std::cerr << "\rdrydock: " << what << " " << done << "/" << total << (done == total ? "\n" : "") << std::flush;
    };
  }
  return p;
}

core::Expected<std::unique_ptr<collect::EngineClient>> connect_endpoint(const collect::Endpoint& endpoint, const Common& c,
                                                                         const Progress& progress) {
  collect::ClientOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(c.timeout_s * 1000));
  DRYDOCK_TRY(client, collect::EngineClient::connect(endpoint, options));
  progress.note(fmt::format("engine {} ({}), API {}", endpoint.host, endpoint.source, client->api_version()));
  return client;
}

core::Expected<std::unique_ptr<collect::EngineClient>> connect_engine(const Common& c, const Progress& progress) {
  DRYDOCK_TRY(endpoint, c.docker ? plugin_endpoint(*c.docker, c.host, collect::process_env())
                                 : collect::resolve_endpoint(c.host, collect::process_env(),
                                                             collect::docker_config_dir(collect::process_env())));
  collect::ClientOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(c.timeout_s * 1000));
  auto client = collect::EngineClient::connect(endpoint, options);
  if (!client && endpoint.source == "default") {
    // Nothing chose an engine and none answers on the default socket: rootless Docker's or
    // Podman's socket, where one is there.
    for (const auto& other : collect::fallback_endpoints(collect::process_env())) {
      std::error_code ec;
      if (!std::filesystem::is_socket(other.unix_path(), ec)) continue;
      auto found = collect::EngineClient::connect(other, options);
      if (!found) continue;
      endpoint = other;
      client = std::move(found);
      break;
    }
  }
  if (!client) return tl::unexpected(client.error());
  progress.note(fmt::format("engine {} ({}), API {}", endpoint.host, endpoint.source, (*client)->api_version()));
  return std::move(*client);
}

core::Expected<bool> load_policy(Common& c) {
  std::string path = c.config;
  std::error_code ec;
  if (path.empty() && std::filesystem::is_regular_file(".drydock.yaml", ec)) path = ".drydock.yaml";
  if (!path.empty()) {
    auto text = collect::read_input(path);
    if (!text) return core::fail(core::ErrorKind::usage, "cannot read the policy: " + text.error().message, path);
    DRYDOCK_TRY(policy, parse::policy(*text, path));
    c.policy = std::move(policy);
  }
  if (c.fail_on_new && c.baseline.empty()) {
    return core::fail(core::ErrorKind::usage,
                      "--fail-on-new compares with an earlier report: give it with --baseline REPORT.json");
  }
  if (!c.baseline.empty()) {
    auto text = collect::read_input(c.baseline);
    if (!text) return core::fail(core::ErrorKind::usage, "cannot read the baseline: " + text.error().message, c.baseline);
    DRYDOCK_TRY(findings, parse::baseline_findings(*text, c.baseline));
    c.baseline_findings = std::move(findings);
  }
  return true;
}

void keep_until_exit(audit::Report&& report) {
  // Behind a static pointer: reachable to the end. A second call frees the previous report.
  static auto* const kept = new std::optional<audit::Report>();  // NOLINT(cppcoreguidelines-owning-memory): never freed
  kept->emplace(std::move(report));
}

namespace {
/// A finding (fail or warn) at or above `threshold` that the policy did not accept.
bool counts_against(const audit::Result& r, core::Severity threshold) {
  const auto s = r.finding.status;
  return (s == core::Status::fail || s == core::Status::warn) && !r.accepted && r.severity() >= threshold;
}
}  // namespace

int finish(audit::Report& report, const Common& c) {
  for (const auto& note : audit::apply_policy(c.policy, report, core::utc_date(c.now)))
    std::cerr << "drydock: " << note << "\n";
  // --fail-on-new keeps every finding in the report and fails only on those the baseline lacks.
  audit::Report hidden_view;
  if (c.fail_on_new) {
    hidden_view.results = report.results;
    audit::apply_baseline(c.baseline_findings, hidden_view);
  } else if (!c.baseline.empty()) {
    audit::apply_baseline(c.baseline_findings, report);
  }
  std::ofstream file;
  if (!c.output.empty()) file.open(c.output, std::ios::binary | std::ios::trunc);
  std::ostream& out = c.output.empty() ? std::cout : file;
  std::string body;
  if (c.format == "json") {
    // Streamed: thousands of containers make a report of tens of MB.
    render::json(report, [&out](std::string_view piece) { out.write(piece.data(), static_cast<std::streamsize>(piece.size())); });
  } else if (c.format == "sarif") {
    body = render::sarif(report);
  } else if (c.format == "junit") {
    body = render::junit(report);
  } else if (c.format == "gnu") {
    body = render::gnu(report);
  } else if (c.format == "codeclimate") {
    body = render::codeclimate(report);
  } else if (c.format == "markdown") {
    body = render::markdown(report);
  } else if (c.format == "html") {
    body = render::html(report);
  } else {
    const bool to_terminal = c.output.empty() && ::isatty(STDOUT_FILENO) != 0;
    const bool color = to_terminal && !c.no_color && std::getenv("NO_COLOR") == nullptr;
    body = render::text(report, render::TextOptions{color, c.verbose});
  }
  out << body << std::flush;
  if (!c.output.empty() && !out) {
    std::cerr << "drydock: cannot write the report to " << c.output << "\n";
    return k_exit_usage;
  }
  const std::string fail_on = !c.fail_on.empty() ? c.fail_on : !c.policy.fail_on.empty() ? c.policy.fail_on : "high";
  if (fail_on == "none") return k_exit_ok;
  const auto threshold = *core::parse_severity(fail_on);
  // A check that could not be evaluated is never a silent pass.
  if (!c.fail_on_new) {
    // One pass over the results (tens of megabytes for a large lint), to the first that fails the run.
    const bool fails = std::any_of(report.results.begin(), report.results.end(), [&](const audit::Result& r) {
      return r.finding.status == core::Status::error || counts_against(r, threshold);
    });
    return fails ? k_exit_findings : k_exit_ok;
  }
  const bool errors = report.summary().at(static_cast<std::size_t>(core::Status::error)) > 0;
  const auto fresh = static_cast<std::size_t>(std::count_if(hidden_view.results.begin(), hidden_view.results.end(),
                                                            [&](const audit::Result& r) { return counts_against(r, threshold); }));
  if (!c.quiet) {
    std::cerr << fmt::format(
        "drydock: {} finding{} at or above {} not in the baseline{}\n", fresh, fresh == 1 ? "" : "s", fail_on,
        hidden_view.baseline_hidden > 0 ? fmt::format(" ({} in it, not failing)", hidden_view.baseline_hidden) : std::string());
  }
  return errors || fresh > 0 ? k_exit_findings : k_exit_ok;
}

namespace {
std::string g_benchmark{checks::option_name(checks::k_newest_benchmark)};
}  // namespace

void add_benchmark_option(CLI::App& cmd) {
  std::vector<std::string> names;
  for (auto b : checks::benchmarks())
    names.emplace_back(checks::option_name(b));
  cmd.add_option("--benchmark", g_benchmark, "The CIS Docker Benchmark version whose control numbers the report uses")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
}

void apply_benchmark_option() {
  if (const auto b = checks::parse_benchmark(g_benchmark)) checks::use_benchmark(*b);
}

void add_now_option(CLI::App& cmd, Common& c) {
  cmd.add_option("--now", c.now_text,
                 "Decide everything that depends on the time (expiry of ignores, certificates and signed metadata) "
                 "as at this RFC 3339 time, e.g. 2026-12-03T09:30:00Z, instead of the clock: reproducible results");
}

core::Expected<bool> resolve_now(Common& c) {
  if (c.now_text.empty()) {
    c.now = core::wall_clock_now();
    return true;
  }
  auto t = core::parse_rfc3339(c.now_text);
  if (!t) return core::fail(core::ErrorKind::usage, "--now: " + t.error().message, t.error().where);
  c.now = *t;
  return true;
}

void add_common(CLI::App& cmd, Common& c, bool engine) {
  add_benchmark_option(cmd);
  add_now_option(cmd, c);
  cmd.add_option("--format", c.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "html", "gnu", "codeclimate", "markdown"}))
      ->capture_default_str();
  cmd.add_option("--output,-o", c.output, "Write the report to FILE instead of stdout");
  cmd.add_option("--fail-on", c.fail_on,
                 "Exit 1 when a finding is at or above this severity (or none); default: the policy's, else high")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a wrapper's default can be overridden
  cmd.add_option("--config", c.config, "Policy file: accepted findings, severity overrides, fail-on (default ./.drydock.yaml)");
  cmd.add_option("--baseline", c.baseline, "An earlier JSON report: report only the findings it does not have");
  cmd.add_flag("--fail-on-new", c.fail_on_new,
               "With --baseline: report every finding, but exit 1 only for those the baseline does not have");
  cmd.add_option("--only", c.only, "Run only these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd.add_option("--skip", c.skip, "Do not run these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd.add_flag("--quiet,-q", c.quiet, "No progress on stderr");
  cmd.add_flag("--no-color", c.no_color, "No colour, even on a terminal");
  cmd.add_flag("--verbose,-v", c.verbose, "List passes and remediation; progress on stderr");
  if (!engine) return;
  cmd.add_option("--host,-H", c.host, "Docker engine URL (unix:///path, tcp://host:port); default as the docker CLI");
  cmd.add_option("--timeout", c.timeout_s,
                 "Seconds the engine has to answer each request, connecting included; a request that runs out "
                 "makes its subject an error")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
}

}  // namespace drydock::cli
