#pragma once
/// Helpers shared by the check areas (internal to checks/): the logic that runtime and
/// image checks both need, so that it is written once.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/strings.hpp"
#include "drydock/model/container.hpp"
#include "drydock/model/host.hpp"

namespace drydock::checks::common {

/// Why `what` (the host's files, the daemon's configuration, ...) is missing from the snapshot:
/// on an engine of another machine (HostSnapshot::remote), that it cannot be read remotely;
/// else `otherwise`.
inline std::string not_read(const model::HostSnapshot& s, std::string_view what, std::string_view otherwise) {
  if (s.remote.empty()) return std::string(otherwise);
  return std::string(what) + " cannot be read remotely: the engine is reached at " + s.remote +
         ", on another machine (run drydock host on that machine to check it)";
}

/// True when a `User` value ("user", "user:group", "uid:gid") makes the process run as
/// root: empty (the default), "root", or uid 0 in any spelling ("0", "00"), whatever the group.
inline bool user_is_root(std::string_view user) {
  const std::string_view u = core::trim(user.substr(0, user.find(':')));
  if (u.empty() || u == "root") return true;
  return u.find_first_not_of('0') == std::string_view::npos;
}

/// A string value as evidence shows it: `""` when empty, else as is.
inline std::string shown(std::string_view value) { return value.empty() ? std::string("\"\"") : std::string(value); }

/// A list of strings as JSON shows it: ["a","b"]; `null` when empty (as the Engine API says).
inline std::string json_list(const std::vector<std::string>& items) {
  if (items.empty()) return "null";
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "]";
}

/// What a Healthcheck says, for evidence and decisions alike.
enum class Health { absent, disabled, set };

inline Health health_state(const std::optional<model::Healthcheck>& hc) {
  if (!hc || hc->test.empty()) return Health::absent;
  return hc->disabled() ? Health::disabled : Health::set;
}

/// "Config.Healthcheck.Test=[...]" or "Config.Healthcheck absent".
inline std::string health_evidence(const std::optional<model::Healthcheck>& hc) {
  if (!hc) return "Config.Healthcheck absent";
  if (hc->test.empty()) return "Config.Healthcheck.Test empty (no health check)";
  return "Config.Healthcheck.Test=" + json_list(hc->test);
}

}  // namespace drydock::checks::common
