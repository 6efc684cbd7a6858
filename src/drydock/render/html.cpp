#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "drydock/render/render.hpp"
#include "drydock/render/utf8.hpp"

namespace drydock::render {
namespace {

using core::Severity;
using core::Status;

/// Escapes `s` for HTML text and quoted attribute values alike. Evidence comes from untrusted
/// input (image configs, Dockerfiles), so every markup character becomes a reference; bytes
/// that are not UTF-8 and control characters HTML forbids become U+FFFD.
std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_escaped(out, s, "\xEF\xBF\xBD", [](std::string& o, unsigned char c) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      default:
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
          o += "\xEF\xBF\xBD";
        else
          o += static_cast<char>(c);
    }
  });
  return out;
}

constexpr std::array k_statuses{Status::fail, Status::warn, Status::error, Status::info, Status::skip, Status::pass};
constexpr std::array k_severities{Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info};

bool is_finding(const audit::Result& r) {
  return (r.finding.status == Status::fail || r.finding.status == Status::warn) && !r.accepted;
}

/// One labelled bar.
struct Bar {
  std::string label;
  int value = 0;
  std::string css;   ///< class of the bar: its colour
  std::string note;  ///< after the count
};

/// A horizontal bar chart as inline SVG: a label column, bars scaled to the largest value, the
/// count after each bar. Fixed geometry, so the same report always gives the same bytes.
std::string chart(std::string_view id, std::string_view title, const std::vector<Bar>& bars) {
  constexpr int k_row = 22, k_label = 290, k_width = 220;
  int max = 1;
  for (const auto& b : bars)
    max = std::max(max, b.value);
  const int height = static_cast<int>(bars.size()) * k_row + 4;
  std::string out = fmt::format(
      "<figure class=\"chart\" id=\"{}\"><figcaption>{}</figcaption>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      esc(id), esc(title), k_label + k_width + 170, height, esc(title));
  int y = 2;
  for (const auto& b : bars) {
    const int w = b.value == 0 ? 0 : std::max(2, b.value * k_width / max);
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\">{}{}</text>\n",
        k_label - 6, y + 15, esc(b.label), esc(b.css), k_label, y + 3, w, k_row - 6, k_label + w + 6, y + 15, b.value,
        esc(b.note));
    y += k_row;
  }
  out += "</svg></figure>\n";
  return out;
}

std::string summary(const audit::Report& report) {
  std::map<Status, int> by_status;
  std::map<Severity, int> by_severity;
  int accepted = 0;
  // Sections in the order they first appear (the catalogue's): findings and results in each.
  std::vector<std::string> sections;
  std::map<std::string, std::pair<int, int>> by_section;
  for (const auto& r : report.results) {
    if (r.accepted)
      ++accepted;
    else
      ++by_status[r.finding.status];
    if (is_finding(r)) ++by_severity[r.severity()];
    const auto section = section_of(*r.check);
    if (!by_section.contains(section)) sections.push_back(section);
    auto& counts = by_section[section];
    counts.first += is_finding(r) ? 1 : 0;
    ++counts.second;
  }
  std::vector<Bar> status_bars;
  status_bars.reserve(k_statuses.size() + 1);
  for (auto s : k_statuses)
    status_bars.push_back({std::string(core::to_string(s)), by_status[s], "st-" + std::string(core::to_string(s))});
  status_bars.push_back({"accepted", accepted, "st-accepted"});
  std::vector<Bar> severity_bars;
  severity_bars.reserve(k_severities.size());
  for (auto s : k_severities)
    severity_bars.push_back({std::string(core::to_string(s)), by_severity[s], "sev-" + std::string(core::to_string(s))});
  std::vector<Bar> section_bars;
  for (const auto& s : sections) {
    const auto& [findings, results] = by_section[s];
    section_bars.push_back(
        {section_heading(s), findings, "findings", fmt::format(" of {} result{}", results, results == 1 ? "" : "s")});
  }

  std::string out = "<section id=\"summary\">\n<h2>Summary</h2>\n";
  out += fmt::format("<p>{} results: {} findings to act on", report.results.size(),
                     by_status[Status::fail] + by_status[Status::warn]);
  if (accepted > 0) out += fmt::format(", {} accepted by the policy", accepted);
  if (report.baseline_hidden > 0) out += fmt::format(", {} already in the baseline and not shown", report.baseline_hidden);
  out += ".</p>\n<div class=\"charts\">\n";
  out += chart("by-status", "Results by status", status_bars);
  out += chart("by-severity", "Findings by severity (fail and warn, not accepted)", severity_bars);
  out += chart("by-section", "Findings by section", section_bars);
  out += "</div>\n</section>\n";
  return out;
}

std::string row(const audit::Result& r) {
  const auto& c = *r.check;
  const std::string status(core::to_string(r.finding.status));
  const std::string severity(core::to_string(r.severity()));
  const std::string subject = r.subject.kind + " " + std::string(audit::subject_label(r.subject));
  std::string out = fmt::format(
      "<tr class=\"result st-{}{}\" data-status=\"{}\" data-severity=\"{}\" data-accepted=\"{}\" data-subject=\"{}\">\n", status,
      r.accepted ? " accepted" : "", status, severity, r.accepted ? "yes" : "no", esc(subject));
  out += fmt::format("<td class=\"status\"><span class=\"badge st-{}\">{}</span>{}</td>", status, status,
                     r.accepted ? "<span class=\"badge st-accepted\">accepted</span>" : "");
  out += fmt::format("<td class=\"severity sev-{}\">{}</td>", severity, severity);
  out += fmt::format("<td class=\"check\"><b>{}</b><br><code>{}</code>{}</td>", esc(c.title), esc(c.id),
                     c.cis.empty() ? "" : fmt::format(" CIS {}", esc(c.cis)));
  out += fmt::format("<td class=\"subject\">{} <b>{}</b>{}</td>\n", esc(r.subject.kind), esc(audit::subject_label(r.subject)),
                     !r.subject.name.empty() && !r.subject.id.empty() && r.subject.id != r.subject.name
                         ? fmt::format("<br><code>{}</code>", esc(r.subject.id))
                         : "");
  out += fmt::format("<td class=\"details\"><div class=\"evidence\">{}</div>", esc(r.finding.evidence));
  if (const auto& l = r.finding.location; l && !l->file.empty()) {
    std::string where = l->file;
    if (l->line > 0) where += fmt::format(":{}", l->line);
    if (l->column > 0) where += fmt::format(":{}", l->column);
    out += fmt::format("<div class=\"location\">at <code>{}</code></div>", esc(where));
  }
  if (r.accepted) {
    out += fmt::format("<div class=\"accepted-reason\">Accepted{}: {}</div>",
                       r.accepted->expires.empty() ? "" : " until " + esc(r.accepted->expires), esc(r.accepted->reason));
  }
  if (r.finding.status != Status::pass && r.finding.status != Status::skip)
    out += fmt::format("<div class=\"remediation\">Remediation: {}</div>", esc(c.remediation));
  out += "</td>\n</tr>\n";
  return out;
}

constexpr std::string_view k_style = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2430;background:#fff}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.2em 0 .5em}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}.chart{margin:0}figcaption{font-weight:600;margin-bottom:.3em}
svg text{font:12px system-ui,sans-serif;fill:#1d2430}
rect.st-fail,rect.sev-critical{fill:#b3261e}rect.st-warn,rect.sev-high{fill:#e07b00}rect.sev-medium{fill:#d9b300}
rect.sev-low,rect.st-info{fill:#2f6fb3}rect.sev-info,rect.st-skip{fill:#8a8f98}rect.st-pass{fill:#2e7d32}
rect.st-error{fill:#7b1fa2}rect.st-accepted{fill:#5f9ea0}rect.findings{fill:#b3261e}
form{display:flex;gap:1em;align-items:end;flex-wrap:wrap;margin:.5em 0}label{display:flex;flex-direction:column;font-size:.9em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dde1e6;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td{overflow-wrap:anywhere}.evidence{white-space:pre-wrap;font-family:ui-monospace,monospace;word-break:break-word}
.badge{display:inline-block;padding:0 .45em;border-radius:.3em;color:#fff;font-size:.85em;margin-right:.3em}
.badge.st-fail{background:#b3261e}.badge.st-warn{background:#e07b00}.badge.st-error{background:#7b1fa2}.badge.st-info{background:#2f6fb3}
.badge.st-skip{background:#8a8f98}.badge.st-pass{background:#2e7d32}.badge.st-accepted{background:#5f9ea0}
tr.accepted{background:#f2f8f8}.accepted-reason{color:#2f5f60;font-style:italic}.remediation,.location{color:#4a5260;margin-top:.2em}
.sev-critical,.sev-high{font-weight:600}
</style>
)";

/// The filters, initially from the URL fragment. Rows carry their status, severity and subject in data- attributes, so the
/// script never reads report text as code. It marks #drydock-js with data-state "ok" when it
/// has run and "error" (with the message) on any uncaught error: a headless browser's DOM dump
/// shows whether the page worked.
constexpr std::string_view k_script = R"(<script>
(function () {
  'use strict';
  var mark = document.getElementById('drydock-js');
  window.onerror = function (message) {
    mark.setAttribute('data-state', 'error');
    mark.textContent = 'script error: ' + message;
    mark.hidden = false;
  };
  var rows = Array.prototype.slice.call(document.querySelectorAll('#results tbody tr.result'));
  var status = document.getElementById('f-status');
  var severity = document.getElementById('f-severity');
  var subject = document.getElementById('f-subject');
  var shown = document.getElementById('shown');
  function apply() {
    var s = status.value, v = severity.value, q = subject.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var ok = (s === '' || (s === 'accepted' ? row.dataset.accepted === 'yes' : row.dataset.status === s)) &&
               (v === '' || row.dataset.severity === v) &&
               (q === '' || row.dataset.subject.toLowerCase().indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' results shown';
  }
  // A link can carry the filters: report.html#status=fail&severity=high&subject=web
  var fields = {status: status, severity: severity, subject: subject};
  location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
    var kv = pair.split('=');
    if (kv.length !== 2 || !Object.prototype.hasOwnProperty.call(fields, kv[0])) return;
    try { fields[kv[0]].value = decodeURIComponent(kv[1]); } catch (e) { /* a malformed link filters nothing */ }
  });
  [status, severity].forEach(function (e) { e.addEventListener('change', apply); });
  subject.addEventListener('input', apply);
  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
  mark.setAttribute('data-rows', String(rows.length));
  mark.setAttribute('data-state', 'ok');
})();
</script>
)";

}  // namespace

std::string html(const audit::Report& report) {
  const std::string title = "drydock " + report.command + (report.target.empty() ? "" : ": " + report.target);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing is fetched: no network, no external fonts or scripts, even if a result were to hold markup.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'; img-src data:\">\n";
  out += fmt::format("<title>{}</title>\n", esc(title));
  out += k_style;
  out += "</head>\n<body>\n";
  out += fmt::format("<header><h1>drydock {}</h1><p>{}</p></header>\n", esc(report.command), esc(report.target));
  out += "<p id=\"drydock-js\" data-state=\"pending\" hidden></p>\n";
  out += summary(report);
  out += "<section id=\"results\">\n<h2>Results</h2>\n<form id=\"filters\">\n";
  out += "<label>Status<select id=\"f-status\"><option value=\"\">all</option>";
  for (auto s : k_statuses)
    out += fmt::format("<option>{}</option>", core::to_string(s));
  out += "<option>accepted</option></select></label>\n";
  out += "<label>Severity<select id=\"f-severity\"><option value=\"\">all</option>";
  for (auto s : k_severities)
    out += fmt::format("<option>{}</option>", core::to_string(s));
  out += "</select></label>\n";
  out += "<label>Subject<input id=\"f-subject\" type=\"search\" placeholder=\"name or kind\"></label>\n";
  out += fmt::format("<span id=\"shown\">{} results</span>\n</form>\n", report.results.size());
  out +=
      "<table>\n<thead><tr><th>Status</th><th>Severity</th><th>Check</th><th>Subject</th><th>Evidence</th></tr></"
      "thead>\n<tbody>\n";
  for (const auto& r : report.results)
    out += row(r);
  out += "</tbody>\n</table>\n</section>\n";
  out += k_script;
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace drydock::render
