// `drydock diff OLD.json NEW.json`: drift between two JSON reports, matched by the fingerprint
// --baseline uses (check, subject, file; not the line).
#include <unistd.h>

#include <fmt/format.h>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "drydock/checks/catalogue.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/core/severity.hpp"
#include "drydock/parse/policy.hpp"
#include "drydock/render/render.hpp"
#include "drydock/watch/transition.hpp"

namespace drydock::cli {
namespace {

struct DiffOptions {
  std::string old_path, new_path;
  std::string format = "text";
  std::string output;
  std::string fail_on = "none";
  bool no_color = false;
};

core::Expected<watch::FindingMap> read_report(const std::string& path) {
  auto text = collect::read_input(path, std::size_t{512} << 20);
  if (!text) return core::fail(core::ErrorKind::usage, "cannot read the report: " + text.error().message, path);
  DRYDOCK_TRY(findings, parse::baseline_findings(*text, path));
  return watch::findings_of(findings);
}

nlohmann::json finding_json(const watch::Finding& f) {
  nlohmann::json loc = nullptr;
  if (!f.file.empty()) loc = {{"file", f.file}, {"line", f.line}, {"column", f.column}};
  return {{"id", f.check_id},
          {"cis", f.cis.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.cis)},
          {"title", f.title},
          {"severity", f.severity},
          {"status", f.status},
          {"subject", {{"kind", f.subject.kind}, {"id", f.subject.id}, {"name", f.subject.name}}},
          {"evidence", f.evidence},
          {"location", loc},
          {"fingerprint", f.fingerprint}};
}

std::string md_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '<') {
      out += "&lt;";
    } else {
      out += c;
    }
  }
  return out;
}

/// The new and changed findings as a report, for the report formats (SARIF, JUnit, GNU, Code Climate, HTML):
/// resolved findings are not results of NEW, and are counted on stderr instead.
audit::Report as_report(const std::vector<watch::Transition>& transitions, const DiffOptions& o) {
  audit::Report report;
  report.command = "diff";
  report.target = o.old_path + " -> " + o.new_path;
  for (const auto& t : transitions) {
    if (t.change == watch::Change::resolved) continue;
    const auto* check = checks::find_check(t.finding.check_id);
    if (check == nullptr) continue;  // a check this drydock does not know; listed by the other formats
    audit::Result r;
    r.check = check;
    r.subject = t.finding.subject;
    r.finding.status = t.finding.status == "warn" ? core::Status::warn : core::Status::fail;
    r.finding.evidence = t.change == watch::Change::changed
                             ? fmt::format("{} (changed; was {} {}: {})", t.finding.evidence, t.previous.severity,
                                           t.previous.status, t.previous.evidence)
                             : t.finding.evidence + " (new)";
    if (auto s = core::parse_severity(t.finding.severity)) r.finding.severity = *s;
    if (!t.finding.file.empty()) r.finding.location = model::Location{t.finding.file, t.finding.line, t.finding.column};
    report.results.push_back(std::move(r));
  }
  return report;
}

int cmd_diff(const DiffOptions& o, const Common& c) {
  auto before = read_report(o.old_path);
  if (!before) return report_error(before.error());
  auto after = read_report(o.new_path);
  if (!after) return report_error(after.error());
  // Stamped with --now when it is given: the same reports give the same lines.
  const auto transitions =
      watch::diff(*before, *after, {}, c.now_text.empty() ? watch::now_utc() : watch::utc_time(c.now * 1000LL));
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& t : transitions)
    ++counts[static_cast<int>(t.change)];

  std::string body;
  if (o.format == "ndjson") {
    for (const auto& t : transitions)
      body += watch::ndjson(t) + "\n";
  } else if (o.format == "json") {
    nlohmann::json j{{"schema", "drydock.diff/v1"},
                     {"old", o.old_path},
                     {"new", o.new_path},
                     {"new_findings", nlohmann::json::array()},
                     {"resolved", nlohmann::json::array()},
                     {"changed", nlohmann::json::array()}};
    for (const auto& t : transitions) {
      if (t.change == watch::Change::open) j["new_findings"].push_back(finding_json(t.finding));
      if (t.change == watch::Change::resolved) j["resolved"].push_back(finding_json(t.finding));
      if (t.change == watch::Change::changed)
        j["changed"].push_back({{"before", finding_json(t.previous)}, {"after", finding_json(t.finding)}});
    }
    j["summary"] = {{"new", counts[0]}, {"resolved", counts[1]}, {"changed", counts[2]}};
    body = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (o.format == "markdown") {
    body = fmt::format("# drydock diff\n\n`{}` -> `{}`: {} new, {} resolved, {} changed\n\n", md_cell(o.old_path),
                       md_cell(o.new_path), counts[0], counts[1], counts[2]);
    if (!transitions.empty()) {
      body += "| change | severity | check | CIS | subject | evidence |\n|---|---|---|---|---|---|\n";
      for (const auto& t : transitions) {
        const auto& f = t.finding;
        body += fmt::format("| {} | {} | `{}` | {} | {} {} | {} |\n",
                            t.change == watch::Change::open ? "new" : watch::name_of(t.change), f.severity, f.check_id, f.cis,
                            f.subject.kind, md_cell(std::string(audit::subject_label(f.subject))), md_cell(f.evidence));
      }
    }
  } else if (o.format == "text") {
    const bool color = o.output.empty() && ::isatty(STDOUT_FILENO) != 0 && !o.no_color && std::getenv("NO_COLOR") == nullptr;
    for (const auto& t : transitions) {
      auto line = watch::text_line(t, color);
      body += line.substr(line.find(' ') + 1) + "\n";  // the time of the diff says nothing here
    }
    body += fmt::format("{} new, {} resolved, {} changed ({} -> {})\n", counts[0], counts[1], counts[2], o.old_path, o.new_path);
  } else {
    const auto report = as_report(transitions, o);
    body = o.format == "sarif"         ? render::sarif(report)
           : o.format == "junit"       ? render::junit(report)
           : o.format == "gnu"         ? render::gnu(report)
           : o.format == "codeclimate" ? render::codeclimate(report)
                                       : render::html(report);
    if (counts[1] > 0)
      std::cerr << fmt::format("drydock: {} findings of {} are resolved in {}\n", counts[1], o.old_path, o.new_path);
  }
  std::ofstream file;
  if (!o.output.empty()) file.open(o.output, std::ios::binary | std::ios::trunc);
  std::ostream& out = o.output.empty() ? std::cout : file;
  out << body << std::flush;
  if (!o.output.empty() && !out) {
    std::cerr << "drydock: cannot write to " << o.output << "\n";
    return k_exit_usage;
  }
  if (o.fail_on == "none") return k_exit_ok;
  const auto threshold = *core::parse_severity(o.fail_on);
  for (const auto& t : transitions) {
    if (t.change == watch::Change::resolved) continue;
    const auto s = core::parse_severity(t.finding.severity);
    if (s && *s >= threshold) return k_exit_findings;
  }
  return k_exit_ok;
}

}  // namespace

Command add_diff(CLI::App& app, Common& common) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand(
      "diff", "Drift between two JSON reports: new, resolved and changed findings (matched as --baseline matches them)");
  cmd->add_option("old", o->old_path, "The earlier report (--format json)")->required();
  cmd->add_option("new", o->new_path, "The later report (--format json)")->required();
  cmd->add_option("--format", o->format, "text, json, ndjson, markdown, sarif, junit, gnu, codeclimate or html")
      ->check(CLI::IsMember({"text", "json", "ndjson", "markdown", "sarif", "junit", "gnu", "codeclimate", "html"}))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->output, "Write to FILE instead of stdout");
  cmd->add_option("--fail-on", o->fail_on, "Exit 1 when a new or changed finding is at or above this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->capture_default_str();
  cmd->add_flag("--no-color", o->no_color, "No colour, even on a terminal");
  add_now_option(*cmd, common);
  return Command{cmd, [o, &common] { return cmd_diff(*o, common); }, false};
}

}  // namespace drydock::cli
