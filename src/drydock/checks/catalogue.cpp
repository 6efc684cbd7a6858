#include "drydock/checks/catalogue.hpp"

#include <vector>

#include "drydock/checks/benchmark.hpp"

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
    case Scope::node:
      return "node";
  }
  return "unknown";
}

namespace {

std::vector<Check> numbered(Benchmark b) {
  std::vector<Check> out;
  for (auto area : {host_checks(), daemon_checks(), daemon_file_checks(), image_checks(), provenance_checks(), trust_checks(), runtime_checks(), operations_checks(),
                    swarm_checks(), fleet_checks(), dockerfile_checks(), compose_checks()})
    out.insert(out.end(), area.begin(), area.end());
  for (auto& c : out)
    c.cis = control_in(c.id, c.cis, b);
  return out;
}

}  // namespace

std::span<const Check> catalogue(Benchmark b) {
  static const std::vector<Check> v1_6 = numbered(Benchmark::cis_1_6);
  static const std::vector<Check> v1_7 = numbered(Benchmark::cis_1_7);
  static const std::vector<Check> v1_8 = numbered(Benchmark::cis_1_8);
  switch (b) {
    case Benchmark::cis_1_6:
      return v1_6;
    case Benchmark::cis_1_7:
      return v1_7;
    case Benchmark::cis_1_8:
      return v1_8;
  }
  return v1_8;
}

std::span<const Check> catalogue() { return catalogue(current_benchmark()); }

const Check* find_check(std::string_view id) {
  for (const auto& c : catalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace drydock::checks
