// libFuzzer target for the engine's event stream (`GET /events`, read by `drydock watch` from
// whatever answers on the socket): any bytes, cut into pieces anywhere, give events or errors,
// never a crash, and the same messages however they are cut. The first byte chooses where the
// input is split. Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/events).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 64U;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  drydock::parse::EventStream whole;
  drydock::parse::EventStream pieces;
  const auto once = whole.feed(text);
  std::size_t n = 0;
  for (std::size_t at = 0; at < text.size(); at += step) {
    for (const auto& e : pieces.feed(text.substr(at, step))) {
      if (!e && e.error().message.empty()) __builtin_trap();
      ++n;
    }
  }
  if (n != once.size()) __builtin_trap();
  return 0;
}
