// libFuzzer target for the secret-file scanner: any path and bytes must give findings or none,
// never a crash or a hang, and a finding never carries the file's bytes beyond names. The input
// is "path\ncontent". Seeds: `sh tests/fuzz/seeds.sh OUT`.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/secret_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view path = input.substr(0, nl);
  const std::string_view content = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  (void)drydock::parse::wants_secret_scan(path, content.size());
  for (const auto& s : drydock::parse::scan_secret_file(path, content)) {
    if (s.kind.empty() || s.detail.empty() || s.line < 1 || s.detail.size() > 200) __builtin_trap();
  }
  return 0;
}
