// The formats other tools read: gnu (editors, reviewdog, grep), GitLab Code Quality
// (codeclimate) and a markdown summary for pull requests and job summaries.

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "drydock/checks/benchmark.hpp"
#include "drydock/render/findings.hpp"
#include "drydock/render/render.hpp"

namespace drydock::render {
namespace {

using core::Severity;
using core::Status;

/// One line: control characters (newlines, tabs, escapes) become spaces.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

/// Where a result is: its location, else "KIND/NAME".
std::string place(const audit::Result& r) {
  if (r.finding.location && !r.finding.location->file.empty()) return location_text(*r.finding.location);
  return fmt::format("{}/{}", r.subject->kind, audit::subject_label(*r.subject));
}

std::string message(const audit::Result& r) {
  const auto evidence = evidence_text(r);
  return evidence.empty() ? std::string(r.check->title) : fmt::format("{}: {}", r.check->title, evidence);
}

std::string_view codeclimate_severity(Severity s) {
  switch (s) {
    case Severity::critical:
      return "blocker";
    case Severity::high:
      return "critical";
    case Severity::medium:
      return "major";
    case Severity::low:
      return "minor";
    case Severity::info:
      return "info";
  }
  return "info";
}

/// Markdown text that renders as written: HTML and markdown punctuation escaped, one line.
std::string md(std::string_view text) {
  std::string out;
  for (char c : one_line(text)) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string gnu(const audit::Report& report) {
  std::string out;
  for (const auto& g : findings_by_check(report)) {
    for (const auto* r : g.results) {
      out += one_line(fmt::format("{}: {}: {} [{}]", place(*r), core::to_string(r->severity()), message(*r), r->check->id));
      out += '\n';
    }
  }
  for (const auto& e : errors_by_subject(report)) {
    out += one_line(fmt::format("{}/{}: error: could not be evaluated by {} check{}: {}", e.subject->kind,
                                audit::subject_label(*e.subject), e.checks, e.checks == 1 ? "" : "s", e.reason));
    out += '\n';
  }
  return out;
}

std::string codeclimate(const audit::Report& report) {
  auto issues = nlohmann::ordered_json::array();
  for (const auto& g : findings_by_check(report)) {
    for (const auto* r : g.results) {
      const auto& l = r->finding.location;
      const bool in_file = l && !l->file.empty();
      nlohmann::ordered_json issue{
          {"type", "issue"},
          {"check_name", r->check->id},
          {"description", one_line(message(*r))},
          {"content", {{"body", r->check->remediation}}},
          {"categories", {"Security"}},
          {"fingerprint", audit::fingerprint(*r)},
          {"severity", codeclimate_severity(r->severity())},
          {"location",
           {{"path", in_file ? l->file.str() : fmt::format("{}/{}", r->subject->kind, audit::subject_label(*r->subject))},
            {"lines", {{"begin", in_file && l->line > 0 ? l->line : 1}}}}},
      };
      issues.push_back(std::move(issue));
    }
  }
  return issues.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string markdown(const audit::Report& report) {
  constexpr std::size_t k_budget = 60 * 1024;  // GitHub's job summaries and comments take 64 KiB
  std::string out = "## drydock";
  if (!report.command.empty()) out += " " + md(report.command);
  if (!report.target.empty()) out += ": " + md(report.target);
  out += fmt::format("\n\n{}\n\n", checks::display_name(checks::current_benchmark()));

  const auto groups = findings_by_check(report);
  std::map<Severity, std::size_t> by_severity;
  std::size_t findings = 0;
  for (const auto& g : groups) {
    for (const auto* r : g.results) {
      ++by_severity[r->severity()];
      ++findings;
    }
  }
  const auto counts = report.summary();
  auto count = [&](Status s) { return counts.at(static_cast<std::size_t>(s)); };
  out += "| critical | high | medium | low | info | could not evaluate |\n|---:|---:|---:|---:|---:|---:|\n";
  out += fmt::format("| {} | {} | {} | {} | {} | {} |\n\n", by_severity[Severity::critical], by_severity[Severity::high],
                     by_severity[Severity::medium], by_severity[Severity::low], by_severity[Severity::info], count(Status::error));
  out += fmt::format("{} finding{}; results: {} fail, {} warn, {} pass, {} info, {} skip, {} error", findings,
                     findings == 1 ? "" : "s", count(Status::fail), count(Status::warn), count(Status::pass), count(Status::info),
                     count(Status::skip), count(Status::error));
  if (const auto n = report.accepted(); n > 0) out += fmt::format("; {} accepted by the policy", n);
  out += ".\n";

  std::string tail;
  if (const auto errors = errors_by_subject(report); !errors.empty()) {
    tail += "\n### Could not evaluate\n\n";
    for (const auto& e : errors)
      tail += fmt::format("- {} **{}**: {}\n", e.subject->kind, md(audit::subject_label(*e.subject)), md(e.reason));
  }
  if (tail.size() > k_budget / 4) tail = "\n### Could not evaluate\n\nToo many to list here: see the full report.\n";

  std::size_t shown = 0;
  bool cut = false;
  std::optional<Severity> heading;
  for (const auto& g : groups) {
    if (cut) break;
    if (heading != g.worst) {
      heading = g.worst;
      std::size_t n = 0;
      for (const auto& other : groups)
        n += other.worst == g.worst ? 1 : 0;
      out += fmt::format("\n### {} ({} check{})\n", core::to_string(g.worst), n, n == 1 ? "" : "s");
    }
    out += fmt::format("\n**{}** {}`{}`\n\n", md(g.check->title), g.check->cis.empty() ? "" : "CIS " + std::string(g.check->cis) + " · ",
                       g.check->id);
    for (const auto* r : g.results) {
      std::string line = fmt::format("- {} **{}**", r->subject->kind, md(audit::subject_label(*r->subject)));
      if (r->finding.location) line += " at " + md(location_text(*r->finding.location));
      if (r->severity() != g.worst) line += fmt::format(" ({})", core::to_string(r->severity()));
      line += ": " + md(evidence_text(*r)) + "\n";
      if (out.size() + line.size() + tail.size() > k_budget) {
        cut = true;
        break;
      }
      out += line;
      ++shown;
    }
  }
  if (cut) {
    out += fmt::format("\n{} more finding{} not shown here (64 KiB limit): see the full report (`--format json` or `html`).\n",
                       findings - shown, findings - shown == 1 ? "" : "s");
  }
  out += tail;
  return out;
}

}  // namespace drydock::render
