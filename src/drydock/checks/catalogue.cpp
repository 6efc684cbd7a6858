#include "drydock/checks/catalogue.hpp"

#include <vector>

namespace drydock::checks {

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::container:
      return "container";
    case Scope::image:
      return "image";
    case Scope::daemon:
      return "daemon";
    case Scope::file:
      return "file";
    case Scope::dockerfile:
      return "dockerfile";
    case Scope::compose:
      return "compose";
  }
  return "unknown";
}

std::span<const Check> catalogue() {
  static const std::vector<Check> all = [] {
    std::vector<Check> out;
    for (auto area : {host_checks(), daemon_checks(), daemon_file_checks(), image_checks(), runtime_checks(), operations_checks(),
                      swarm_checks(), dockerfile_checks(), compose_checks()})
      out.insert(out.end(), area.begin(), area.end());
    return out;
  }();
  return all;
}

const Check* find_check(std::string_view id) {
  for (const auto& c : catalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace drydock::checks
