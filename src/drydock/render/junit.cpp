#include <fmt/format.h>

#include <map>
#include <vector>

#include "drydock/checks/benchmark.hpp"
#include "drydock/render/render.hpp"
#include "drydock/render/utf8.hpp"

namespace drydock::render {
namespace {

using core::Status;

/// Appends `s` escaped for XML 1.0 text or a double-quoted attribute. Bytes that are not
/// UTF-8, and characters XML 1.0 forbids (controls other than tab, LF and CR; U+FFFE and
/// U+FFFF), become U+FFFD: the report stays well-formed whatever the evidence holds.
void escape(std::string& out, std::string_view s, bool attribute) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      const bool forbidden =
          n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF && static_cast<unsigned char>(s[i + 2]) >= 0xBE;
      if (n == 0 || forbidden) {
        out += "\xEF\xBF\xBD";
        i += n == 0 ? 1 : n;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      // Attribute values are normalized by parsers: line breaks and tabs survive only as references.
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        if (c < 0x20)
          out += "\xEF\xBF\xBD";
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
}

std::string xml_attr(std::string_view s) {
  std::string out;
  escape(out, s, true);
  return out;
}

std::string xml_text(std::string_view s) {
  std::string out;
  escape(out, s, false);
  return out;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(Status s) {
    ++tests;
    failures += s == Status::fail || s == Status::warn ? 1 : 0;
    errors += s == Status::error ? 1 : 0;
    skipped += s == Status::skip ? 1 : 0;
  }
  [[nodiscard]] std::string attributes() const {
    return fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}" time="0")", tests, failures, errors, skipped);
  }
};

/// What a failing or erroring testcase says beyond its message.
std::string details(const audit::Result& r) {
  const auto& c = *r.check;
  std::string out = r.finding.evidence + "\n";
  if (const auto& l = r.finding.location; l && !l->file.empty()) {
    out += "Location: " + l->file;
    if (l->line > 0) out += fmt::format(":{}", l->line);
    if (l->column > 0) out += fmt::format(":{}", l->column);
    out += "\n";
  }
  out += fmt::format("Severity: {}\n", core::to_string(r.severity()));
  if (!c.cis.empty()) out += fmt::format("{}: {}\n", checks::display_name(checks::current_benchmark()), c.cis);
  out += fmt::format("Remediation: {}\n", c.remediation);
  return out;
}

void testcase(std::string& out, const audit::Result& r) {
  const auto& subject = *r.subject;
  const std::string name = subject.kind + " " + (subject.name.empty() ? subject.id : subject.name);
  out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"", xml_attr(r.check->id), xml_attr(name));
  const auto status = r.finding.status;
  if (r.accepted) {  // accepted on purpose by the policy: not a CI failure, and said so
    out += fmt::format(">\n      <skipped message=\"accepted{}: {} ({})\"/>\n    </testcase>\n",
                       r.accepted->expires.empty() ? "" : " until " + r.accepted->expires, xml_attr(r.accepted->reason),
                       xml_attr(r.finding.evidence));
    return;
  }
  switch (status) {
    case Status::fail:
    case Status::warn:
    case Status::error: {
      const char* element = status == Status::error ? "error" : "failure";
      const std::string type = status == Status::error ? "error" : std::string(core::to_string(r.severity()));
      out += fmt::format(">\n      <{} message=\"{}: {}\" type=\"{}\">{}</{}>\n    </testcase>\n", element,
                         xml_attr(r.check->title), xml_attr(r.finding.evidence), xml_attr(type), xml_text(details(r)), element);
      return;
    }
    case Status::skip:
      out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", xml_attr(r.finding.evidence));
      return;
    case Status::pass:
    case Status::info:
      out += fmt::format(">\n      <system-out>{}: {}</system-out>\n    </testcase>\n", core::to_string(status),
                         xml_text(r.finding.evidence));
      return;
  }
}

}  // namespace

std::string junit(const audit::Report& report) {
  // Suites in the order their check first appears, which is the catalogue's.
  std::vector<const checks::Check*> order;
  std::map<const checks::Check*, std::vector<const audit::Result*>> by_check;
  Counts total;
  for (const auto& r : report.results) {
    auto& list = by_check[r.check];
    if (list.empty()) order.push_back(r.check);
    list.push_back(&r);
    total.add(r.accepted ? Status::skip : r.finding.status);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" {}>\n", xml_attr("drydock " + report.command + ": " + report.target),
                     total.attributes());
  if (report.hosts.size() > 1) {
    // Several hosts: a testsuite per host (its hostname), a testcase per (check, subject) in it.
    for (std::size_t h = 0; h < report.hosts.size(); ++h) {
      Counts counts;
      for (const auto& r : report.results)
        if (r.host == h) counts.add(r.accepted ? Status::skip : r.finding.status);
      const auto& host = report.hosts[h];
      out += fmt::format("  <testsuite name=\"{}\" hostname=\"{}\" {}>\n", xml_attr("host " + host.name), xml_attr(host.name),
                         counts.attributes());
      for (const auto* check : order) {
        for (const auto* r : by_check[check])
          if (r->host == h) testcase(out, *r);
      }
      out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
  }
  for (const auto* check : order) {
    Counts counts;
    for (const auto* r : by_check[check])
      counts.add(r->accepted ? Status::skip : r->finding.status);
    out += fmt::format("  <testsuite name=\"{}\" {}>\n", xml_attr(fmt::format("{} {}", check->id, check->title)),
                       counts.attributes());
    for (const auto* r : by_check[check])
      testcase(out, *r);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace drydock::render
