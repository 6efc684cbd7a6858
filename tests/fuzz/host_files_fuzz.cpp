// libFuzzer target for the host's tables: /proc/net/tcp, /proc/net/tcp6, /proc/net/unix,
// /etc/passwd, /etc/group, /proc/mounts and /etc/fstab. An offline root (--root) or a container's
// /proc can hold anything; any bytes give entries or none, never a crash. The first byte chooses
// the table (modulo 6): 0 tcp, 1 tcp6, 2 unix, 3 passwd, 4 group, 5 mounts.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/host-files).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/etc_files.hpp"
#include "drydock/parse/proc_net.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace drydock::parse;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6U) {
    case 0:
    case 1:
      for (const auto& l : listening_sockets(text, data[0] % 6U == 1, {22, 2375, 2376, 2377, 7946})) {
        if (l.address.empty() || l.port <= 0 || l.port > 65535) __builtin_trap();
      }
      break;
    case 2:
      (void)listening_unix_inodes(text, [](std::string_view path) { return path == "/run/docker.sock"; });
      break;
    case 3:
      for (const auto& e : passwd_entries(text)) {
        if (e.name.empty()) __builtin_trap();
      }
      break;
    case 4:
      for (const auto& e : group_entries(text)) {
        if (e.name.empty()) __builtin_trap();
      }
      break;
    default:
      for (const auto& m : mount_entries(text)) {
        if (m.mount_point.size() > text.size()) __builtin_trap();  // decoding never grows a field
      }
      (void)parse_id(text);
      break;
  }
  return 0;
}
