#include "drydock/parse/events.hpp"

#include <nlohmann/json.hpp>

#include "drydock/parse/engine.hpp"

namespace drydock::parse {
namespace {

using nlohmann::json;

std::string str(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_unsigned()) {
    const auto u = it->get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(INT64_MAX) ? 0 : static_cast<std::int64_t>(u);
  }
  return 0;
}

}  // namespace

core::Expected<model::EngineEvent> engine_event(std::string_view text) {
  if (json_shape(text).depth > 64) return core::fail(core::ErrorKind::parse, "an engine event nested deeper than 64 levels");
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::fail(core::ErrorKind::parse, "an engine event that is not a JSON object");
  model::EngineEvent e;
  e.type = str(j, "Type");
  e.action = str(j, "Action");
  if (e.action.empty()) e.action = str(j, "status");  // engines before API 1.22 wrote only these
  if (const auto a = j.find("Actor"); a != j.end() && a->is_object()) {
    e.actor_id = str(*a, "ID");
    if (const auto attrs = a->find("Attributes"); attrs != a->end() && attrs->is_object()) {
      for (const auto& [k, v] : attrs->items())
        if (v.is_string()) e.attributes.emplace(k, v.get<std::string>());
    }
  }
  if (e.actor_id.empty()) e.actor_id = str(j, "id");
  e.time = integer(j, "time");
  e.time_nano = integer(j, "timeNano");
  if (e.type.empty() || e.action.empty()) return core::fail(core::ErrorKind::parse, "an engine event without Type or Action");
  return e;
}

std::vector<core::Expected<model::EngineEvent>> EventStream::feed(std::string_view bytes) {
  std::vector<core::Expected<model::EngineEvent>> out;
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (!m_skipping) {
      if (m_line.size() + piece.size() > k_max_message) {
        m_skipping = true;
        m_line.clear();
        out.push_back(core::fail(core::ErrorKind::parse, "an engine event larger than 1 MiB; skipped"));
      } else {
        m_line.append(piece);
      }
    }
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
    if (!m_skipping) {
      const std::string_view line = m_line;
      const auto first = line.find_first_not_of(" \t\r");
      if (first != std::string_view::npos) out.push_back(engine_event(line.substr(first)));
    }
    m_line.clear();
    m_skipping = false;
  }
  return out;
}

}  // namespace drydock::parse
