#include "drydock/parse/fleet_log.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace drydock::parse {

void LogLines::payload(int stream, std::string_view bytes, const Sink& on_line) {
  auto& pending = m_pending[stream];
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const auto piece = bytes.substr(0, nl);
    const std::size_t room = m_max_line - std::min(m_max_line, pending.size());
    if (piece.size() > room) {
      pending.append(piece.substr(0, room));
      if (room > 0) ++m_cut_lines;
    } else {
      pending.append(piece);
    }
    if (nl == std::string_view::npos) break;
    on_line(stream, pending);
    pending.clear();
    bytes.remove_prefix(nl + 1);
  }
}

void LogLines::feed(std::string_view bytes, const Sink& on_line) {
  if (m_mode == Mode::unknown) {
    // A multiplexed stream starts with a header: stream 0, 1 or 2, then three zero bytes. The
    // first bytes wait in m_start until four have come.
    m_start.append(bytes);
    if (m_start.size() < 4) return;
    const bool framed = static_cast<unsigned char>(m_start[0]) <= 2 && m_start[1] == 0 && m_start[2] == 0 && m_start[3] == 0;
    m_mode = framed ? Mode::multiplexed : Mode::raw;
    const std::string held = std::exchange(m_start, std::string());
    feed(held, on_line);
    return;
  }
  if (m_mode == Mode::raw) {
    payload(1, bytes, on_line);
    return;
  }
  while (!bytes.empty()) {
    if (m_remaining == 0) {
      const std::size_t want = 8 - m_header.size();
      m_header.append(bytes.substr(0, want));
      bytes.remove_prefix(std::min(want, bytes.size()));
      if (m_header.size() < 8) return;
      const auto b = [&](int i) { return static_cast<std::size_t>(static_cast<unsigned char>(m_header[static_cast<std::size_t>(i)])); };
      m_stream = b(0) <= 2 ? static_cast<int>(b(0)) : 1;
      m_remaining = (b(4) << 24) | (b(5) << 16) | (b(6) << 8) | b(7);
      m_header.clear();
      continue;
    }
    const std::size_t n = std::min(m_remaining, bytes.size());
    payload(m_stream, bytes.substr(0, n), on_line);
    m_remaining -= n;
    bytes.remove_prefix(n);
  }
}

bool LogLines::finish(const Sink& on_line) {
  const bool whole = m_remaining == 0 && m_header.empty();
  if (m_mode == Mode::unknown && !m_start.empty()) {
    m_mode = Mode::raw;
    payload(1, std::exchange(m_start, std::string()), on_line);
  }
  for (int s = 0; s < 3; ++s) {
    if (!m_pending[s].empty()) on_line(s, m_pending[s]);
    m_pending[s].clear();
  }
  return whole || m_mode == Mode::raw;
}

void FleetLines::add(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.find("\"drydock-fleet\"") == std::string_view::npos) return;
  const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  const auto node = j.find("node");
  if (node == j.end() || !node->is_string() || node->get_ref<const std::string&>().empty()) return;
  auto& n = m_nodes[node->get<std::string>()];
  const auto note = [&](const std::string& problem) {
    if (n.error.empty()) n.error = problem;
  };
  if (auto h = j.find("header"); h != j.end()) {
    if (!h->is_object()) return note("its header line is not an object");
    if (!n.header.empty()) return note("it wrote two header lines (two tasks on one node?)");
    n.header = h->dump();
  } else if (auto r = j.find("result"); r != j.end()) {
    if (!r->is_object()) return note("a result line is not an object");
    n.results.push_back(r->dump());
  } else if (auto e = j.find("end"); e != j.end()) {
    if (!e->is_number_unsigned()) return note("its end line has no count");
    n.end = e->get<std::size_t>();
  } else if (auto m = j.find("error"); m != j.end()) {
    if (m->is_string()) n.error = m->get<std::string>();
    else note("its error line has no message");
  }
}

std::optional<std::string> FleetLines::report(const std::string& node, std::string& why) const {
  const auto it = m_nodes.find(node);
  if (it == m_nodes.end()) {
    why = "none of its lines are in the service's logs";
    return std::nullopt;
  }
  const auto& n = it->second;
  if (!n.error.empty()) {
    why = n.error;
    return std::nullopt;
  }
  if (n.header.empty()) {
    why = "its report's header is not in the service's logs";
    return std::nullopt;
  }
  if (!n.end) {
    why = fmt::format("its report is not whole in the service's logs ({} results, no end line)", n.results.size());
    return std::nullopt;
  }
  if (*n.end != n.results.size()) {
    why = fmt::format("its report is not whole in the service's logs: {} results of {}", n.results.size(), *n.end);
    return std::nullopt;
  }
  auto doc = nlohmann::json::parse(n.header, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    why = "its header is not a JSON object";
    return std::nullopt;
  }
  auto results = nlohmann::json::array();
  for (const auto& r : n.results)
    results.push_back(nlohmann::json::parse(r, nullptr, false));
  doc["results"] = std::move(results);
  return doc.dump();
}

namespace {

std::string str(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* at = &j;
  for (const char* key : path) {
    if (!at->is_object()) return "";
    const auto it = at->find(key);
    if (it == at->end()) return "";
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

core::Expected<std::vector<model::FleetNode>> swarm_nodes(std::string_view json) {
  const auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) return core::fail(core::ErrorKind::daemon, "the node list is not a JSON array", "GET /nodes");
  std::vector<model::FleetNode> out;
  for (const auto& n : j) {
    model::FleetNode node;
    node.id = str(n, {"ID"});
    if (node.id.empty()) continue;
    node.hostname = str(n, {"Description", "Hostname"});
    if (node.hostname.empty()) node.hostname = node.id;
    node.state = str(n, {"Status", "State"});
    node.availability = str(n, {"Spec", "Availability"});
    out.push_back(std::move(node));
  }
  return out;
}

bool final_task_state(std::string_view state) {
  return state == "complete" || state == "failed" || state == "rejected" || state == "shutdown" || state == "orphaned" ||
         state == "remove";
}

core::Expected<bool> apply_tasks(std::string_view json, std::vector<model::FleetNode>& nodes) {
  const auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) return core::fail(core::ErrorKind::daemon, "the task list is not a JSON array", "GET /tasks");
  std::map<std::string, std::string> newest;  // node -> CreatedAt of the task kept
  for (const auto& t : j) {
    const auto node_id = str(t, {"NodeID"});
    const auto created = str(t, {"CreatedAt"});
    for (auto& n : nodes) {
      if (n.id != node_id) continue;
      auto& seen = newest[node_id];
      if (!n.task_id.empty() && created < seen) break;
      seen = created;
      n.task_id = str(t, {"ID"});
      n.task_state = str(t, {"Status", "State"});
      n.task_error = str(t, {"Status", "Err"});
      if (n.task_error.empty() && n.task_state != "complete") n.task_error = str(t, {"Status", "Message"});
    }
  }
  for (const auto& n : nodes) {
    if (n.state != "ready" || n.availability != "active") continue;
    if (n.task_id.empty() || !final_task_state(n.task_state)) return false;
  }
  return true;
}

}  // namespace drydock::parse
