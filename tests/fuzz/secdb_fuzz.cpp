// libFuzzer target for the Alpine secdb parser (YAML and JSON forms): any bytes give advisories
// or an error, never a crash. Seeds: tests/data/alpine-secdb/*/ (copy them to a corpus).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/secdb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = drydock::parse::secdb(text, "fuzz");
  if (result) {
    for (const auto& a : result->advisories) {
      if (a.id.empty() || a.affected.size() != 1) __builtin_trap();
    }
  }
  return 0;
}
