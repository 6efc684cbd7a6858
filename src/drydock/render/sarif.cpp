#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

#include "drydock/checks/benchmark.hpp"
#include "drydock/render/render.hpp"

namespace drydock::render {
namespace {

using core::Severity;
using core::Status;
using Json = nlohmann::ordered_json;

/// GitHub code scanning's bands: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium,
/// 0.1 to 3.9 low; an informational check has none to speak of.
std::string_view security_severity(Severity s) {
  switch (s) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    case Severity::info:
      return "0.0";
  }
  return "0.0";
}

/// The SARIF level of a failed check of this severity.
std::string_view level_for(Severity s) {
  if (s >= Severity::high) return "error";
  if (s == Severity::medium) return "warning";
  return "note";
}

std::string_view level_for(const audit::Result& r) {
  switch (r.finding.status) {
    case Status::fail:
      return level_for(r.severity());
    case Status::warn:
      return r.severity() >= Severity::medium ? "warning" : "note";
    default:
      // A manual control's evidence is for review (kind "review"); SARIF wants level "none"
      // on any result that is not a failure.
      return "none";
  }
}

/// The area of a check id: "runtime.privileged" -> "runtime".
std::string area_of(std::string_view id) { return std::string(id.substr(0, id.find('.'))); }

std::string help_text(const checks::Check& c, bool markdown) {
  std::string out(c.rationale);
  if (!out.empty()) out += "\n\n";
  out += markdown ? "**Remediation:** " : "Remediation: ";
  out += c.remediation;
  if (!c.cis.empty()) out += fmt::format("\n\n{}, control {}{}.", checks::display_name(checks::current_benchmark()), c.cis, c.manual ? " (Manual)" : "");
  if (!c.aliases.empty()) {
    out += "\n\nAlso known as: ";
    for (std::size_t i = 0; i < c.aliases.size(); ++i) {
      if (i != 0) out += ", ";
      out += markdown ? fmt::format("`{}`", c.aliases[i]) : std::string(c.aliases[i]);
    }
    out += '.';
  }
  return out;
}

Json rule(const checks::Check& c) {
  Json tags = Json::array({"security", area_of(c.id)});
  if (!c.cis.empty()) tags.push_back("cis-docker-benchmark");
  Json properties = {{"security-severity", std::string(security_severity(c.severity))},
                     {"tags", std::move(tags)},
                     {"precision", "high"},
                     {"severity", std::string(core::to_string(c.severity))}};
  if (!c.cis.empty()) properties["cis"] = std::string(c.cis);
  if (!c.aliases.empty()) {
    Json aliases = Json::array();
    for (auto a : c.aliases)
      aliases.push_back(std::string(a));
    properties["aliases"] = std::move(aliases);
  }
  return {{"id", std::string(c.id)},
          {"shortDescription", {{"text", std::string(c.title)}}},
          {"fullDescription", {{"text", std::string(c.rationale.empty() ? c.title : c.rationale)}}},
          {"help", {{"text", help_text(c, false)}, {"markdown", help_text(c, true)}}},
          {"defaultConfiguration", {{"level", std::string(level_for(c.severity))}}},
          {"properties", std::move(properties)}};
}

/// uriBaseIds of the artifacts that are not files of the repository being scanned.
constexpr std::string_view k_host_root = "HOSTROOT";
constexpr std::string_view k_engine_objects = "DOCKER";

/// Percent-encodes the bytes outside RFC 3986's unreserved set and '/'.
std::string uri_path(std::string_view path) {
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

/// A file as an artifactLocation. Relative paths (a Dockerfile, a Compose file) stay relative:
/// code scanning resolves them against the repository. Absolute paths of the audited host are
/// made relative to the HOSTROOT base (file:///): code scanning rejects a file whose absolute
/// URI does not lie under the checkout it was given.
Json file_artifact(std::string_view path) {
  while (path.starts_with("./"))
    path.remove_prefix(2);
  if (!path.starts_with('/')) return {{"uri", uri_path(path)}};
  while (path.starts_with('/'))
    path.remove_prefix(1);
  return {{"uri", uri_path(path)}, {"uriBaseId", std::string(k_host_root)}};
}

bool file_subject(const audit::Subject& s) { return s.kind == "file" || s.kind == "dockerfile"; }

/// Where a result is. Code scanning rejects a whole log when one result lacks a physical
/// location, so engine objects (host, daemon, containers, images) get one too: the artifact
/// "KIND/NAME" under the DOCKER base, which is no file; they are named as logical locations.
Json location(const audit::Result& r) {
  const auto& loc = r.finding.location;
  if (loc && !loc->file.empty()) {
    Json physical = {{"artifactLocation", file_artifact(loc->file)}};
    if (loc->line > 0) {
      Json region = {{"startLine", loc->line}};
      if (loc->column > 0) region["startColumn"] = loc->column;
      physical["region"] = std::move(region);
    }
    return {{"physicalLocation", std::move(physical)}};
  }
  if (file_subject(*r.subject) && !r.subject->name.empty())
    return {{"physicalLocation", {{"artifactLocation", file_artifact(r.subject->name)}}}};
  const auto label = std::string(audit::subject_label(*r.subject));
  return {
      {"physicalLocation",
       {{"artifactLocation", {{"uri", uri_path(r.subject->kind + "/" + label)}, {"uriBaseId", std::string(k_engine_objects)}}}}},
      {"logicalLocations",
       Json::array({{{"name", label}, {"fullyQualifiedName", r.subject->kind + "/" + label}, {"kind", "resource"}}})}};
}

std::string message(const audit::Result& r) {
  const bool in_file = (r.finding.location && !r.finding.location->file.empty()) || file_subject(*r.subject);
  if (in_file) return fmt::format("{}: {}", r.check->title, r.finding.evidence);
  return fmt::format("{} ({} {}): {}", r.check->title, r.subject->kind, std::string(audit::subject_label(*r.subject)),
                     r.finding.evidence);
}

/// One SARIF run: the results of one host (or of a report that knows none).
Json run_of(const audit::Report& report, const std::string& automation_id) {
  Json rules = Json::array();
  std::map<const checks::Check*, std::size_t> rule_index;
  Json results = Json::array();
  Json notifications = Json::array();
  for (const auto& r : report.results) {
    auto [it, added] = rule_index.try_emplace(r.check, rule_index.size());
    if (added) rules.push_back(rule(*r.check));
    const auto status = r.finding.status;
    if (status == Status::error) {
      Json note = {{"level", "error"},
                   {"message", {{"text", message(r)}}},
                   {"locations", Json::array({location(r)})},
                   {"associatedRule", {{"id", std::string(r.check->id)}, {"index", it->second}}}};
      notifications.push_back(std::move(note));
      continue;
    }
    if (status != Status::fail && status != Status::warn && status != Status::info) continue;
    Json result = {{"ruleId", std::string(r.check->id)},
                   {"ruleIndex", it->second},
                   {"kind", status == Status::info ? "review" : "fail"},
                   {"level", std::string(level_for(r))},
                   {"message", {{"text", message(r)}}},
                   {"locations", Json::array({location(r)})},
                   {"partialFingerprints", {{"drydockFingerprint/v1", audit::fingerprint(r)}}},
                   {"properties",
                    {{"status", std::string(core::to_string(status))},
                     {"severity", std::string(core::to_string(r.severity()))},
                     {"subject", {{"kind", r.subject->kind}, {"id", r.subject->id}, {"name", r.subject->name}}}}}};
    if (const auto& acc = r.accepted) {
      // Accepted in .drydock.yaml: a suppression kept outside the analysed file ("external").
      result["suppressions"] =
          Json::array({{{"kind", "external"},
                        {"justification", acc->expires.empty() ? acc->reason : acc->reason + " (until " + acc->expires + ")"},
                        {"location",
                         {{"physicalLocation",
                           {{"artifactLocation", file_artifact(acc->source.file)},
                            {"region", {{"startLine", std::max(acc->source.line, 1)}}}}}}}}});
    }
    results.push_back(std::move(result));
  }

  Json summary = Json::object();
  const auto counts = report.summary();
  for (std::size_t i = 0; i < counts.size(); ++i)
    summary[std::string(core::to_string(static_cast<Status>(i)))] = counts[i];
  Json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  Json properties = {{"command", report.command},
                     {"target", report.target},
                     {"benchmark", std::string(checks::report_key(checks::current_benchmark()))},
                     {"summary", std::move(summary)}};
  if (report.hosts.size() == 1) {
    const auto& h = report.hosts.front();
    properties["host"] = {
        {"name", h.name}, {"engine_id", h.engine_id}, {"engine_version", h.engine_version}, {"os", h.os}};
  }
  return {{"tool",
           {{"driver",
             {{"name", "drydock"},
              {"version", DRYDOCK_VERSION},
              {"semanticVersion", DRYDOCK_VERSION},
              {"rules", std::move(rules)}}}}},
          {"automationDetails", {{"id", automation_id}}},
          {"originalUriBaseIds",
           {{k_host_root, {{"uri", "file:///"}, {"description", {{"text", "The root of the audited host"}}}}},
            {k_engine_objects, {{"description", {{"text", "Objects of the audited Docker engine (KIND/NAME), not files"}}}}}}},
          {"invocations", Json::array({std::move(invocation)})},
          {"results", std::move(results)},
          {"properties", std::move(properties)}};
}

}  // namespace

std::string sarif(const audit::Report& report) {
  Json runs = Json::array();
  const std::string category = "drydock/" + report.command + "/";
  if (report.hosts.size() <= 1) {
    runs.push_back(run_of(report, category));
  } else {
    // One run per host, each its own code scanning category: a host's alerts are closed only by
    // a later analysis of that host.
    for (std::size_t i = 0; i < report.hosts.size(); ++i) {
      const auto& name = report.hosts[i].name;
      runs.push_back(run_of(audit::of_host(report, i), fmt::format("{}{}/", category, name.empty() ? std::to_string(i) : name)));
    }
  }
  const Json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", std::move(runs)}};
  // Evidence copied from hostile input may hold bytes that are not UTF-8: replaced, never thrown.
  return log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace drydock::render
