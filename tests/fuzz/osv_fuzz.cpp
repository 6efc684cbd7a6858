// libFuzzer target for the OSV parser: any bytes give advisories or an error, never a crash.
// Seeds: tests/data/vuln/debian/.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/osv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = drydock::parse::osv(text, "fuzz");
  if (result) {
    for (const auto& a : *result) {
      if (a.id.empty()) __builtin_trap();  // a parsed record always has its id
    }
  }
  return 0;
}
