#include "drydock/audit/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "drydock/checks/catalogue.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::audit {

core::Expected<Report> merge(const std::vector<model::ReportFile>& files) {
  Report out;
  std::vector<std::string> paths;
  for (const auto& f : files) {
    paths.push_back(f.path);
    if (out.command.empty()) out.command = f.command;
    if (out.command != f.command) out.command = "merge";
  }
  if (out.command.empty()) out.command = "merge";
  out.target = core::join(paths, ", ");

  for (const auto& f : files) {
    // This report's host names to indexes of the merged report's hosts.
    std::vector<std::pair<std::string, std::size_t>> local;
    const auto add_host = [&](Host h) {
      const std::string own = h.name;
      std::size_t index = out.hosts.size();
      for (std::size_t i = 0; i < out.hosts.size(); ++i) {
        if (out.hosts[i].name == h.name && out.hosts[i].engine_id == h.engine_id) index = i;
      }
      if (index == out.hosts.size()) {
        for (int n = 2; std::any_of(out.hosts.begin(), out.hosts.end(), [&](const Host& o) { return o.name == h.name; }); ++n)
          h.name = fmt::format("{} ({})", own, n);
        out.hosts.push_back(std::move(h));
      }
      local.emplace_back(own, index);
    };
    for (const auto& h : f.hosts)
      add_host(Host{h.name, h.engine_id, h.engine_version, h.os});
    if (f.hosts.empty()) add_host(Host{f.path, "", "", ""});
    const auto host_index = [&](const std::string& name) {
      if (name.empty()) return local.front().second;  // a report of one host, or none, names none per result
      for (const auto& [n, i] : local) {
        if (n == name) return i;
      }
      return local.front().second;
    };

    for (const auto& r : f.results) {
      const auto* check = checks::find_check(r.check_id);
      if (check == nullptr) {
        return core::fail(core::ErrorKind::usage,
                          fmt::format("check \"{}\" is not in this drydock's catalogue (the report was written by drydock {}): "
                                      "merge with the drydock that wrote it",
                                      r.check_id, f.tool_version.empty() ? "of another version" : f.tool_version),
                          f.path);
      }
      Result res;
      res.check = check;
      res.subject = Subject{r.subject_kind, r.subject_id, r.subject_name};
      res.finding.status = *core::parse_status(r.status);
      const auto severity = *core::parse_severity(r.severity);
      if (severity != check->severity) res.finding.severity = severity;
      res.finding.evidence = r.evidence;
      res.finding.location = r.location;
      if (r.accepted) res.accepted = Acceptance{r.accepted_reason, r.accepted_expires, r.accepted_source};
      res.host = static_cast<std::uint32_t>(host_index(r.host));
      out.results.push_back(std::move(res));
    }
    out.baseline_hidden += f.baseline_hidden;
  }
  // One group per check in catalogue order (the table is contiguous), as every audit gives them.
  std::stable_sort(out.results.begin(), out.results.end(), [](const Result& a, const Result& b) { return a.check < b.check; });
  return out;
}

}  // namespace drydock::audit
