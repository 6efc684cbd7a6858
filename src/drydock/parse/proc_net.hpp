#pragma once
/// /proc/net/tcp and /proc/net/tcp6 -> listening sockets.

#include <functional>
#include <string_view>
#include <vector>

#include "drydock/model/swarm.hpp"

namespace drydock::parse {

/// The sockets in state LISTEN whose local port is one of `ports`, with the address in
/// its usual text form ("0.0.0.0", "127.0.0.1", "::", "::1"). `ipv6` says which file the
/// text came from. Malformed lines are skipped.
std::vector<model::SwarmListener> listening_sockets(std::string_view proc_net_text, bool ipv6, const std::vector<int>& ports);

/// The inodes of the listening unix sockets bound at a path that `same_path` accepts
/// (from /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path").
std::vector<unsigned long> listening_unix_inodes(std::string_view proc_net_unix_text,
                                                 const std::function<bool(std::string_view)>& same_path);

}  // namespace drydock::parse
