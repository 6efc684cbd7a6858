#include "drydock/parse/proc_net.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

constexpr std::string_view k_listen_state = "0A";

bool hex_u32(std::string_view text, std::uint32_t& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out, 16);
  return ec == std::errc{} && ptr == end;
}

/// The kernel prints each 32-bit word of the address in host byte order as hex.
bool address_text(std::string_view hex, bool ipv6, std::string& out) {
  const std::size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) return false;
  std::array<std::uint32_t, 4> raw{};
  for (std::size_t i = 0; i < words; ++i) {
    if (!hex_u32(hex.substr(i * 8, 8), raw.at(i))) return false;
  }
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, raw.data(), buf.data(), buf.size()) == nullptr) return false;
  out = buf.data();
  return true;
}

}  // namespace

std::vector<model::SwarmListener> listening_sockets(std::string_view text, bool ipv6, const std::vector<int>& ports) {
  std::vector<model::SwarmListener> out;
  for (const auto& raw_line : core::split(text, '\n')) {
    const auto fields = core::split_words(raw_line);
    // sl local_address rem_address st ...
    if (fields.size() < 4 || fields[3] != k_listen_state) continue;
    const auto colon = fields[1].rfind(':');
    if (colon == std::string_view::npos) continue;
    std::uint32_t port = 0;
    if (!hex_u32(fields[1].substr(colon + 1), port)) continue;
    if (std::find(ports.begin(), ports.end(), static_cast<int>(port)) == ports.end()) continue;
    model::SwarmListener l;
    if (!address_text(fields[1].substr(0, colon), ipv6, l.address)) continue;
    l.port = static_cast<int>(port);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace drydock::parse

namespace drydock::parse {

std::vector<unsigned long> listening_unix_inodes(std::string_view text, const std::function<bool(std::string_view)>& same_path) {
  constexpr std::string_view k_listening_flags = "00010000";  // __SO_ACCEPTCON
  std::vector<unsigned long> out;
  for (const auto& line : core::split(text, '\n')) {
    const auto fields = core::split_words(line);
    if (fields.size() < 8 || fields[3] != k_listening_flags || !same_path(fields[7])) continue;
    unsigned long inode = 0;
    const auto [ptr, ec] = std::from_chars(fields[6].data(), fields[6].data() + fields[6].size(), inode);
    if (ec == std::errc{} && ptr == fields[6].data() + fields[6].size()) out.push_back(inode);
  }
  return out;
}

}  // namespace drydock::parse
