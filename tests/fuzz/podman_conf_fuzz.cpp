// libFuzzer target for Podman's configuration files. Any bytes give settings and diagnostics,
// never a crash. The first byte chooses the reader (modulo 3):
//   0 a TOML file (containers.conf, storage.conf);
//   1 registries.conf;
//   2 policy.json.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/podman).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/parse/podman.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  drydock::model::PodmanConfig config;
  switch (data[0] % 3U) {
    case 0: {
      std::map<std::string, drydock::model::PodmanSetting> settings;
      std::vector<std::string> diagnostics;
      drydock::parse::toml_settings(text, "containers.conf", settings, diagnostics);
      for (const auto& [key, setting] : settings) {
        if (key.empty() || setting.location.line < 1) __builtin_trap();  // every key has its line
        if (!setting.list && setting.values.size() != 1) __builtin_trap();
      }
      break;
    }
    case 1:
      drydock::parse::registries_conf(text, "registries.conf", config);
      break;
    default:
      if (!drydock::parse::signature_policy(text, "policy.json", config) && config.diagnostics.empty()) __builtin_trap();
      break;
  }
  return 0;
}
