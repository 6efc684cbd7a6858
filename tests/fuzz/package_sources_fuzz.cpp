// libFuzzer target for the package-manager configuration scanner (CIS 4.11): any path and bytes
// give settings or none, never a crash or a hang, each with a line inside the file and a
// bounded detail. The input is "path\ncontent". Seeds: `sh tests/fuzz/seeds.sh OUT`.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/package_sources.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view path = input.substr(0, nl);
  const std::string_view content = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  (void)drydock::parse::package_config_file(path, content.size());
  const auto lines = static_cast<int>(std::count(content.begin(), content.end(), '\n')) + 1;
  for (const auto& s : drydock::parse::scan_package_config(path, content)) {
    if (s.detail.empty() || s.line < 1 || s.line > lines || s.detail.size() > 600) __builtin_trap();
  }
  return 0;
}
