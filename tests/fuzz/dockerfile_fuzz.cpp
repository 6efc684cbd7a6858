// libFuzzer target for the Dockerfile parser: any bytes must give a Dockerfile or an error,
// never a crash, a hang or unbounded memory. Seeds: tests/data/dockerfiles/.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/dockerfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = drydock::parse::dockerfile(text, "fuzz");
  if (result) {
    // Touch the tree so that the parse cannot be optimized away.
    std::size_t n = result->stages.size() + result->global_args.size();
    for (const auto& stage : result->stages) n += stage.instructions.size();
    if (n == 0) __builtin_trap();  // a successful parse always has a stage
  }
  return 0;
}
