#include "drydock/checks/benchmark.hpp"

#include <array>
#include <atomic>

namespace drydock::checks {

namespace {

// v1.7.0 (2024) kept every control number of v1.6.0: its table of contents lists the same
// controls under the same numbers in sections 1 to 7 (1.1.9's title names docker.sock instead of
// docker.socket; the control is the same).
constexpr std::array<Renumbering, 0> k_1_7{};

// v1.8.0 (July 2025) inserts 2.7, "devicemapper storage driver is not used", after 2.6 (aufs),
// and moves 2.7-2.18 down one, to 2.8-2.19. Sections 1 and 3 to 7 keep their numbers.
constexpr std::array k_1_8{
    Renumbering{"daemon.devicemapper-storage", "", "2.7"},
    Renumbering{"", "2.7", "2.8"},    // TLS authentication for a TCP listener
    Renumbering{"", "2.8", "2.9"},    // default ulimits
    Renumbering{"", "2.9", "2.10"},   // user namespace remapping
    Renumbering{"", "2.10", "2.11"},  // default cgroup parent
    Renumbering{"", "2.11", "2.12"},  // devicemapper base device size
    Renumbering{"", "2.12", "2.13"},  // authorization plugin
    Renumbering{"", "2.13", "2.14"},  // centralized and remote logging
    Renumbering{"", "2.14", "2.15"},  // no-new-privileges
    Renumbering{"", "2.15", "2.16"},  // live restore
    Renumbering{"", "2.16", "2.17"},  // userland proxy
    Renumbering{"", "2.17", "2.18"},  // daemon-wide seccomp profile
    Renumbering{"", "2.18", "2.19"},  // experimental features
};

constexpr std::array k_all{Benchmark::cis_1_6, Benchmark::cis_1_7, Benchmark::cis_1_8};

std::atomic<Benchmark> g_current{k_newest_benchmark};

}  // namespace

std::string_view option_name(Benchmark b) {
  switch (b) {
    case Benchmark::cis_1_6:
      return "cis-1.6";
    case Benchmark::cis_1_7:
      return "cis-1.7";
    case Benchmark::cis_1_8:
      return "cis-1.8";
  }
  return "";
}

std::string_view report_key(Benchmark b) {
  switch (b) {
    case Benchmark::cis_1_6:
      return "cis-docker-1.6.0";
    case Benchmark::cis_1_7:
      return "cis-docker-1.7.0";
    case Benchmark::cis_1_8:
      return "cis-docker-1.8.0";
  }
  return "";
}

std::string_view display_name(Benchmark b) {
  switch (b) {
    case Benchmark::cis_1_6:
      return "CIS Docker Benchmark v1.6.0";
    case Benchmark::cis_1_7:
      return "CIS Docker Benchmark v1.7.0";
    case Benchmark::cis_1_8:
      return "CIS Docker Benchmark v1.8.0";
  }
  return "";
}

std::optional<Benchmark> parse_benchmark(std::string_view text) {
  for (auto b : k_all) {
    const std::string_view key = report_key(b);  // "cis-docker-1.8.0"
    const std::string_view version = key.substr(std::string_view("cis-docker-").size());
    if (text == option_name(b) || text == key || text == version || text == version.substr(0, version.rfind('.')))
      return b;
  }
  return std::nullopt;
}

std::span<const Benchmark> benchmarks() { return k_all; }

std::span<const Renumbering> changes(Benchmark b) {
  switch (b) {
    case Benchmark::cis_1_6:
      return {};
    case Benchmark::cis_1_7:
      return k_1_7;
    case Benchmark::cis_1_8:
      return k_1_8;
  }
  return {};
}

std::string_view control_in(std::string_view id, std::string_view cis_1_6, Benchmark b) {
  std::string_view control = cis_1_6;
  for (auto version : k_all) {
    if (static_cast<int>(version) > static_cast<int>(b)) break;
    std::string_view next = control;
    for (const auto& change : changes(version)) {
      if (!change.id.empty()) {
        if (change.id == id) next = change.to;
      } else if (!control.empty() && change.from == control) {
        next = change.to;
      }
    }
    control = next;
  }
  return control;
}

Benchmark current_benchmark() { return g_current.load(); }
void use_benchmark(Benchmark b) { g_current.store(b); }

}  // namespace drydock::checks
