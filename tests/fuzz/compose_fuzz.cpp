// libFuzzer target for the Compose loader: any bytes must give a project (with diagnostics) and
// never a crash, a hang or unbounded memory. The input is split at a line "--- next file ---" into
// several files merged in order; `extends.file` and `env_file` read the first file again.
// Seeds: tests/data/compose/ (run with -max_len=65536 tests/data/compose/project tests/data/compose/v1).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drydock/parse/compose.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  drydock::parse::ComposeInput in;
  in.working_dir = "/fuzz";
  in.environment = {{"PRIV", "true"}, {"EMPTY", ""}, {"HOME", "/root"}};
  constexpr std::string_view k_split = "\n--- next file ---\n";
  std::size_t pos = 0;
  while (in.files.size() < 4) {
    const auto next = text.find(k_split, pos);
    in.files.push_back({"/fuzz/f" + std::to_string(in.files.size()) + ".yaml", std::string(text.substr(pos, next - pos))});
    if (next == std::string_view::npos) break;
    pos = next + k_split.size();
  }
  const std::string first = in.files.front().text;
  in.read = [first](const std::string&) -> drydock::core::Expected<std::string> { return first; };
  const auto project = drydock::parse::compose_project(in);
  // Touch the result so that the load cannot be optimized away.
  std::size_t n = project.diagnostics.size();
  for (const auto& s : project.services) {
    n += s.spec.mounts.size() + s.spec.ports.size() + s.field_at.size();
    if (s.mount_at.size() != s.spec.mounts.size() || s.port_at.size() != s.spec.ports.size() ||
        s.device_at.size() != s.spec.devices.size()) {
      __builtin_trap();  // locations must stay parallel to what they locate
    }
  }
  (void)drydock::parse::interpolate(text, in.environment);
  (void)drydock::parse::dotenv(text);
  return n == static_cast<std::size_t>(-1) ? 1 : 0;
}
