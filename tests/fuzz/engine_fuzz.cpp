// libFuzzer target for the engine API JSON parsers: any bytes give a model or an error, never a
// crash. A hostile or broken daemon (or a `docker inspect` file handed to `drydock container`)
// controls these bytes. The first byte chooses the parser (modulo 11): 0 container inspect,
// 1 `docker inspect` document, 2 image inspect, 3 container list, 4 image list and tags,
// 5 version and info (the two documents separated by a NUL byte), 6 networks, 7 top,
// 8 exec inspect, 9 container stats, 10 all of them on the same bytes. Seeds: `sh tests/fuzz/seeds.sh OUT`.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/engine.hpp"

namespace {

using namespace drydock::parse;  // NOLINT(google-build-using-namespace)

template <typename T>
void check(const drydock::core::Expected<T>& result) {
  if (!result && result.error().message.empty()) __builtin_trap();  // an error always says what
}

void parse_one(unsigned selector, std::string_view json) {
  switch (selector) {
    case 0:
      check(container_inspect(json));
      break;
    case 1:
      if (const auto doc = inspect_document(json)) {
        for (const auto& entry : *doc) check(entry);
      }
      break;
    case 2:
      check(image_inspect(json));
      break;
    case 3:
      check(container_list(json));
      break;
    case 4:
      check(image_list(json));
      check(image_tags(json));
      break;
    case 5: {
      const auto nul = json.find('\0');
      const auto version = json.substr(0, nul);
      const auto info = nul == std::string_view::npos ? std::string_view{} : json.substr(nul + 1);
      check(engine_info(version, info));
      break;
    }
    case 6:
      check(overlay_networks(json));
      break;
    case 7:
      check(top(json));
      break;
    case 8:
      check(exec_inspect(json));
      break;
    case 9:
      check(container_stats(json));
      break;
    default:
      for (unsigned s = 0; s < 10; ++s) parse_one(s, json);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  parse_one(data[0] % 11U, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
