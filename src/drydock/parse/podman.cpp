#include "drydock/parse/podman.hpp"

#include <nlohmann/json.hpp>

namespace drydock::parse {

std::optional<PodmanEngine> podman_engine(std::string_view version_json, std::string_view info_json) {
  using nlohmann::json;
  const json version = json::parse(version_json, nullptr, false);
  const json info = json::parse(info_json, nullptr, false);
  bool podman = false;
  PodmanEngine e;
  if (version.is_object()) {
    if (const auto c = version.find("Components"); c != version.end() && c->is_array()) {
      for (const auto& component : *c) {
        if (!component.is_object()) continue;
        const auto name = component.find("Name");
        if (name == component.end() || !name->is_string() || name->get<std::string>() != "Podman Engine") continue;
        podman = true;
        if (const auto v = component.find("Version"); v != component.end() && v->is_string()) e.version = v->get<std::string>();
      }
    }
  }
  if (info.is_object()) {
    if (const auto b = info.find("BuildahVersion"); b != info.end() && b->is_string() && !b->get<std::string>().empty()) {
      podman = true;
    }
  }
  if (!podman) return std::nullopt;
  if (e.version.empty() && version.is_object()) {
    if (const auto v = version.find("Version"); v != version.end() && v->is_string()) e.version = v->get<std::string>();
  }
  return e;
}

}  // namespace drydock::parse
