// libFuzzer target for the daemon's configuration files: daemon.json, systemd units with their
// ExecStart and Environment, environment files (/etc/default/docker) and dockerd command lines.
// Any bytes give settings or an error, never a crash. The first byte chooses the input (modulo 4),
// each followed as collect/host does with what it yields:
//   0 daemon.json;
//   1 a unit file: ExecStart words, expanded with the unit's Environment=, as dockerd flags;
//   2 an environment file: every value split as shell words, as dockerd flags;
//   3 a command line as /proc/PID/cmdline holds it (NUL-separated words), as dockerd flags.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/daemon).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/parse/daemon_config.hpp"

namespace {

using namespace drydock::parse;  // NOLINT(google-build-using-namespace)

/// Flags are stored under the daemon.json name of their flag, never under an empty one
/// (daemon.json itself may have a "" key: it is kept as written, and dockerd refuses it).
void check(const DaemonSettings& settings) {
  for (const auto& [key, value] : settings) {
    if (key.empty()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const drydock::model::Location where{"fuzz", 1, 0};
  switch (data[0] % 4U) {
    case 0:
      if (const auto settings = daemon_json(text, "daemon.json"); !settings && settings.error().message.empty()) {
        __builtin_trap();
      }
      break;
    case 1: {
      const auto unit = systemd_exec_start(text, "docker.service");
      std::map<std::string, std::string> env(unit.environment.begin(), unit.environment.end());
      for (const auto& command : unit.exec_start) {
        if (command.argv.empty()) __builtin_trap();  // a command always has its program
        check(dockerd_args(expand_unit_variables(command.argv, env), "unit", command.location));
      }
      break;
    }
    case 2:
      for (const auto& [key, value] : env_file(text)) {
        auto argv = shell_words(value);
        argv.insert(argv.begin(), "dockerd");
        check(dockerd_args(argv, key, where));
      }
      break;
    default: {
      std::vector<std::string> argv;
      std::size_t pos = 0;
      while (pos <= text.size()) {
        const auto nul = text.find('\0', pos);
        argv.emplace_back(text.substr(pos, nul - pos));
        if (nul == std::string_view::npos) break;
        pos = nul + 1;
      }
      check(dockerd_args(argv, "cmdline", where));
      break;
    }
  }
  return 0;
}
