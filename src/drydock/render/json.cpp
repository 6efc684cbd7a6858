#include <nlohmann/json.hpp>

#include "drydock/render/render.hpp"

namespace drydock::render {

namespace {
using Json = nlohmann::ordered_json;

Json nullable(std::string_view s) { return s.empty() ? Json(nullptr) : Json(std::string(s)); }

Json aliases_of(const checks::Check& c) {
  Json a = Json::array();
  for (auto alias : c.aliases) a.push_back(std::string(alias));
  return a;
}
}  // namespace

std::string json(const audit::Report& report) {
  Json results = Json::array();
  for (const auto& r : report.results) {
    const auto& c = *r.check;
    Json location = nullptr;
    if (r.finding.location) {
      location = Json{{"file", r.finding.location->file}, {"line", r.finding.location->line}};
      if (r.finding.location->column > 0) location["column"] = r.finding.location->column;
    }
    results.push_back(Json{
        {"id", std::string(c.id)},
        {"cis", nullable(c.cis)},
        {"title", std::string(c.title)},
        {"severity", std::string(core::to_string(r.severity()))},
        {"status", std::string(core::to_string(r.finding.status))},
        {"subject", Json{{"kind", r.subject.kind}, {"id", r.subject.id}, {"name", r.subject.name}}},
        {"evidence", r.finding.evidence},
        {"location", location},
        {"remediation", std::string(c.remediation)},
        {"aliases", aliases_of(c)},
    });
  }
  Json summary = Json::object();
  const auto counts = report.summary();
  for (std::size_t i = 0; i < counts.size(); ++i) summary[std::string(core::to_string(static_cast<core::Status>(i)))] = counts[i];
  const Json doc{
      {"schema", "drydock.report/v1"},
      {"tool", Json{{"name", "drydock"}, {"version", DRYDOCK_VERSION}}},
      {"benchmark", "cis-docker-1.6.0"},
      {"command", report.command},
      {"target", report.target},
      {"results", std::move(results)},
      {"summary", std::move(summary)},
  };
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}


}  // namespace drydock::render
