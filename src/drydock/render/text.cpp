#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

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

}  // namespace

std::string text(const audit::Report& report, const TextOptions& options) {
  const Painter p(options.color);
  std::string out;
  if (!report.target.empty()) {
    out += p.bold(fmt::format("drydock {}: {}", report.command, report.target));
    out += '\n';
  }

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
        // The subject is often the file itself (a Dockerfile): then the line is enough.
        where = l->file == r->subject.name ? fmt::format(":{}", l->line) : fmt::format(" ({}:{})", l->file, l->line);
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
                      r->subject.kind, p.bold(r->subject.name.empty() ? r->subject.id : r->subject.name), where,
                      r->finding.evidence, severity, accepted);
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
  out += fmt::format("\nSummary: {} fail, {} warn, {} pass, {} info, {} skip, {} error{}{}\n", count(Status::fail),
                     count(Status::warn), count(Status::pass), count(Status::info), count(Status::skip), count(Status::error),
                     severities.empty() ? "" : fmt::format(" (findings: {})", severities), decided);
  if (!options.verbose && (count(Status::fail) + count(Status::warn)) > 0) {
    out += "Run with --verbose for the remediation of each finding, or --format json for every detail.\n";
  }
  return out;
}

}  // namespace drydock::render
