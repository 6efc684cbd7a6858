// libFuzzer target for what drydock fleet reads back from its service's logs (parse/fleet_log):
// any bytes, cut into pieces anywhere, give the same lines however they are cut, never a crash;
// the lines of drydock's tasks give each node's report or the reason it has none, and a report
// given is read by the report reader. The first byte chooses where the input is split. Seeds:
// `sh tests/fuzz/seeds.sh OUT` (tests/data/fleet).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/parse/fleet_log.hpp"
#include "drydock/parse/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 64U;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> whole_lines, piece_lines;
  drydock::parse::LogLines whole(4096), pieces(4096);
  drydock::parse::FleetLines fleet;
  const auto into = [](std::vector<std::string>& v) { return [&v](int s, std::string_view l) { v.push_back(std::to_string(s) + std::string(l)); }; };
  whole.feed(bytes, into(whole_lines));
  whole.finish(into(whole_lines));
  for (std::size_t at = 0; at < bytes.size(); at += step)
    pieces.feed(bytes.substr(at, step), into(piece_lines));
  pieces.finish(into(piece_lines));
  if (whole_lines != piece_lines) __builtin_trap();
  for (const auto& l : whole_lines)
    fleet.add(std::string_view(l).substr(1));
  for (const auto& [node, lines] : fleet.nodes()) {
    std::string why;
    if (auto report = fleet.report(node, why)) {
      (void)drydock::parse::report_file(*report, node);
    } else if (why.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
