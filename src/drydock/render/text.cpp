#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "drydock/checks/benchmark.hpp"
#include "drydock/core/strings.hpp"

#include "drydock/render/findings.hpp"
#include "drydock/render/render.hpp"

namespace drydock::render {
namespace {

using core::Severity;
using core::Status;

class Painter {
 public:
  explicit Painter(bool on) : m_on(on) {}
  [[nodiscard]] std::string paint(std::string_view text, fmt::text_style style) const {
    return m_on ? fmt::format(style, "{}", text) : std::string(text);
  }
  [[nodiscard]] std::string status(Status s) const {
    auto label = fmt::format("{:<5}", core::to_string(s));
    switch (s) {
      case Status::fail:
        return paint(label, fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold);
      case Status::warn:
        return paint(label, fmt::fg(fmt::terminal_color::yellow));
      case Status::pass:
        return paint(label, fmt::fg(fmt::terminal_color::green));
      case Status::info:
        return paint(label, fmt::fg(fmt::terminal_color::cyan));
      case Status::error:
        return paint(label, fmt::fg(fmt::terminal_color::magenta) | fmt::emphasis::bold);
      case Status::skip:
        return paint(label, fmt::emphasis::faint);
    }
    return label;
  }
  [[nodiscard]] std::string severity(Severity s) const {
    auto label = fmt::format("{:<8}", core::to_string(s));
    switch (s) {
      case Severity::critical:
        return paint(label, fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold);
      case Severity::high:
        return paint(label, fmt::fg(fmt::terminal_color::red));
      case Severity::medium:
        return paint(label, fmt::fg(fmt::terminal_color::yellow));
      default:
        return paint(label, fmt::emphasis::faint);
    }
  }
  [[nodiscard]] std::string bold(std::string_view text) const { return paint(text, fmt::emphasis::bold); }
  [[nodiscard]] std::string faint(std::string_view text) const { return paint(text, fmt::emphasis::faint); }

 private:
  bool m_on;
};

/// The worst status of a check's results decides its mark in the heading; an accepted finding
/// counts as a pass there (it is still listed, marked accepted).
Status worst(const std::vector<const audit::Result*>& results) {
  static constexpr Status k_order[] = {Status::fail, Status::warn, Status::error, Status::info, Status::pass, Status::skip};
  for (auto s : k_order) {
    for (const auto* r : results) {
      if ((r->accepted ? Status::pass : r->finding.status) == s) return s;
    }
  }
  return Status::skip;
}

/// "node-1 (engine 20.10.24, Debian GNU/Linux 12)": what is known of a host.
std::string host_text(const audit::Host& h, const Painter& p) {
  std::vector<std::string> parts;
  if (!h.engine_version.empty()) parts.push_back("engine " + h.engine_version);
  if (!h.os.empty()) parts.push_back(h.os);
  return p.bold(h.name.empty() ? std::string("(unnamed host)") : h.name) +
         (parts.empty() ? std::string() : " (" + core::join(parts, ", ") + ")");
}

std::string header(const audit::Report& report, const Painter& p) {
  if (report.target.empty()) return {};
  std::string out = p.bold(fmt::format("drydock {}: {}", report.command, report.target)) +
                    fmt::format(" ({})\n", checks::display_name(checks::current_benchmark()));
  if (report.hosts.size() == 1) out += "host " + host_text(report.hosts.front(), p) + "\n";
  return out;
}

std::string subject_text(const audit::Result& r, const Painter& p) {
  return fmt::format("{} {}", r.subject->kind, p.bold(audit::subject_label(*r.subject)));
}

/// "x/Dockerfile:3:1: " when the subject is the file, else "container web compose.yaml:7:5: ".
std::string where_and_subject(const audit::Result& r, const Painter& p) {
  const auto& l = r.finding.location;
  if (l && l->file == r.subject->name) return fmt::format("{} {}: ", r.subject->kind, p.bold(location_text(*l)));
  if (l) return fmt::format("{} {}: ", subject_text(r, p), location_text(*l));
  return subject_text(r, p) + ": ";
}

std::string summary_lines(const audit::Report& report, const TextOptions& options) {
  std::string out;
  const auto counts = report.summary();
  std::map<Severity, int> by_severity;
  for (const auto& r : report.results) {
    if ((r.finding.status == Status::fail || r.finding.status == Status::warn) && !r.accepted) ++by_severity[r.severity()];
  }
  std::string severities;
  for (auto s : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
    if (by_severity[s] > 0)
      severities += fmt::format("{}{} {}", severities.empty() ? "" : ", ", by_severity[s], core::to_string(s));
  }
  auto count = [&](Status s) { return counts.at(static_cast<std::size_t>(s)); };
  std::string decided;
  if (const auto n = report.accepted(); n > 0) decided += fmt::format("; {} accepted by the policy", n);
  if (report.baseline_hidden > 0) decided += fmt::format("; {} already in the baseline, not shown", report.baseline_hidden);
  out += fmt::format("Summary: {} fail, {} warn, {} pass, {} info, {} skip, {} error{}{}\n", count(Status::fail),
                     count(Status::warn), count(Status::pass), count(Status::info), count(Status::skip), count(Status::error),
                     severities.empty() ? "" : fmt::format(" (findings: {})", severities), decided);
  if (!options.verbose && !report.results.empty()) {
    out += "--verbose lists every check and subject with the remediation of each finding; --format json has every detail.\n";
  }
  return out;
}

/// The default: findings first, worst first, then one line per section.
std::string findings_first(const audit::Report& report, const TextOptions& options) {
  constexpr std::size_t k_subjects_shown = 20;
  const Painter p(options.color);
  std::string out = header(report, p);
  const auto groups = findings_by_check(report);
  if (!groups.empty()) out += '\n';
  for (const auto& g : groups) {
    const std::string heading = fmt::format("{} {:<7} {}", p.severity(g.worst), g.check->cis.empty() ? "-" : g.check->cis,
                                            p.bold(g.check->title));
    const std::string id = p.faint(fmt::format("[{}]", g.check->id));
    // A finding on the host or its daemon, the machine audited: one line, the subject goes
    // without saying.
    const auto& kind = g.results.front()->subject->kind;
    if (g.results.size() == 1 && (kind == "host" || kind == "daemon" || kind == "swarm")) {
      const auto* r = g.results.front();
      const std::string where = r->finding.location ? location_text(*r->finding.location) + ": " : "";
      out += fmt::format("{}: {}{}{} {}\n", heading, where, r->finding.status == Status::warn ? "warn: " : "", evidence_text(*r), id);
      continue;
    }
    out += fmt::format("{} {}\n", heading, id);
    std::size_t shown = 0;
    for (const auto* r : g.results) {
      if (shown++ == k_subjects_shown) {
        out += p.faint(fmt::format("    ... and {} more (--verbose lists them all)", g.results.size() - k_subjects_shown)) + "\n";
        break;
      }
      const std::string warn = r->finding.status == Status::warn ? "warn: " : "";
      const std::string severity =
          r->severity() != g.worst ? p.faint(fmt::format(" [{}]", core::to_string(r->severity()))) : std::string();
      out += fmt::format("    {}{}{}{}\n", where_and_subject(*r, p), warn, evidence_text(*r), severity);
    }
  }
  // Findings the policy accepted: still reported, as they are, out of the way.
  bool accepted_heading = false;
  for (const auto& r : report.results) {
    if (!r.accepted || (r.finding.status != Status::fail && r.finding.status != Status::warn)) continue;
    if (!accepted_heading) {
      out += "\n" + p.bold("Accepted by the policy") + "\n";
      accepted_heading = true;
    }
    out += fmt::format("    {} {}{} {}\n", p.faint(fmt::format("[{}]", r.check->id)), where_and_subject(r, p), evidence_text(r),
                       p.faint(fmt::format("(accepted{}: {})", r.accepted->expires.empty() ? "" : " until " + r.accepted->expires,
                                           r.accepted->reason)));
  }
  if (const auto errors = errors_by_subject(report); !errors.empty()) {
    out += '\n';
    for (const auto& e : errors) {
      out += fmt::format("{} {} {}: {}{}\n", p.status(Status::error), e.subject->kind, p.bold(audit::subject_label(*e.subject)),
                         e.reason, p.faint(fmt::format(" ({} check{})", e.checks, e.checks == 1 ? "" : "s")));
    }
  }
  out += '\n';
  for (const auto& t : section_tallies(report)) {
    std::vector<std::string> parts;
    if (t.failing > 0) parts.push_back(fmt::format("{} check{} with findings", t.failing, t.failing == 1 ? "" : "s"));
    if (t.error > 0) parts.push_back(fmt::format("{} could not be evaluated", t.error));
    parts.push_back(fmt::format("{} pass", t.pass));
    if (t.skip > 0) parts.push_back(fmt::format("{} skipped ({}{})", t.skip, t.commonest_skip_count < t.skip ? "mostly: " : "", t.commonest_skip));
    if (t.manual > 0) parts.push_back(fmt::format("{} manual", t.manual));
    out += fmt::format("{}: {}\n", p.bold(section_heading(t.section)), core::join(parts, ", "));
  }
  out += '\n';
  out += summary_lines(report, options);
  return out;
}

/// `--verbose`: every check in catalogue order, every subject, the remediation of each finding.
std::string listing(const audit::Report& report, const TextOptions& options) {
  const Painter p(options.color);
  std::string out = header(report, p);

  // Results arrive grouped by check, in catalogue order; keep that order.
  std::vector<std::pair<const checks::Check*, std::vector<const audit::Result*>>> by_check;
  for (const auto& r : report.results) {
    if (by_check.empty() || by_check.back().first != r.check) by_check.push_back({r.check, {}});
    by_check.back().second.push_back(&r);
  }

  std::string section = "?";
  for (const auto& [check, results] : by_check) {
    if (section_of(*check) != section) {
      section = section_of(*check);
      out += '\n';
      out += p.bold(section_heading(section));
      out += '\n';
    }
    const Status mark = worst(results);
    out += fmt::format("  {} {:<5} {} {}\n", p.status(mark), check->cis.empty() ? "-" : check->cis, p.bold(check->title),
                       p.faint(fmt::format("[{} {}]", check->id, core::to_string(check->severity))));
    int passes = 0;
    bool finding = false;
    bool listed = false;
    // Skips usually share one reason (no AppArmor on this host): said once with a count.
    std::vector<std::pair<std::string, int>> skip_reasons;
    for (const auto* r : results) {
      const Status s = r->finding.status;
      if (s == Status::pass && !options.verbose) {
        ++passes;
        continue;
      }
      if (s == Status::skip && !options.verbose) {
        auto it =
            std::find_if(skip_reasons.begin(), skip_reasons.end(), [&](const auto& e) { return e.first == r->finding.evidence; });
        if (it == skip_reasons.end())
          skip_reasons.emplace_back(r->finding.evidence, 1);
        else
          ++it->second;
        continue;
      }
      finding = finding || ((s == Status::fail || s == Status::warn) && !r->accepted);
      listed = true;
      std::string where;
      if (const auto& l = r->finding.location) {
        // The subject is often the file itself (a Dockerfile): then the position is enough.
        where = l->file == r->subject->name ? location_text(*l).substr(l->file.size()) : " " + location_text(*l);
      }
      const std::string severity = r->severity() != check->severity && (s == Status::fail || s == Status::warn)
                                       ? fmt::format(" [{}]", core::to_string(r->severity()))
                                       : "";
      const std::string accepted =
          r->accepted
              ? p.faint(fmt::format(" (accepted{}: {})", r->accepted->expires.empty() ? "" : " until " + r->accepted->expires,
                                    r->accepted->reason))
              : "";
      out +=
          fmt::format("      {} {} {}{}: {}{}{}\n", r->accepted ? p.faint(fmt::format("{:<5}", core::to_string(s))) : p.status(s),
                      r->subject->kind, p.bold(r->subject->name.empty() ? r->subject->id : r->subject->name), where,
                      evidence_text(*r), severity, accepted);
    }
    for (const auto& [reason, n] : skip_reasons) {
      out += fmt::format("      {} {}{}\n", p.status(Status::skip), n > 1 ? fmt::format("{} subjects: ", n) : "", reason);
      listed = true;
    }
    if (passes > 0) {
      out += p.faint(fmt::format("      pass on {}{} subject{}", passes, listed ? " other" : "", passes == 1 ? "" : "s"));
      out += '\n';
    }
    if (finding && options.verbose) out += fmt::format("      fix: {}\n", check->remediation);
  }

  out += '\n';
  out += summary_lines(report, options);
  return out;
}

}  // namespace

std::string text(const audit::Report& report, const TextOptions& options) {
  if (report.hosts.size() <= 1) return options.verbose ? listing(report, options) : findings_first(report, options);
  // Several hosts: each host's report under its heading, then the summary of them all.
  const Painter p(options.color);
  std::string out;
  if (!report.target.empty()) out += p.bold(fmt::format("drydock {}: {}", report.command, report.target)) + "\n";
  out += fmt::format("{} hosts\n", report.hosts.size());
  TextOptions per_host = options;
  for (std::size_t i = 0; i < report.hosts.size(); ++i) {
    auto part = audit::of_host(report, i);
    part.target.clear();  // said once above
    out += fmt::format("\n{} {}\n", p.bold("== host"), host_text(report.hosts[i], p));
    out += options.verbose ? listing(part, per_host) : findings_first(part, per_host);
  }
  out += fmt::format("\n{}\n", p.bold(fmt::format("== all {} hosts", report.hosts.size())));
  out += summary_lines(report, options);
  return out;
}

}  // namespace drydock::render
