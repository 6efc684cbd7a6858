#pragma once
/// The Docker daemon's configuration as gathered from every place it can come from.

#include <map>
#include <string>
#include <vector>

#include "drydock/model/location.hpp"

namespace drydock::model {

/// One value of one daemon setting, with where it was read.
struct SettingValue {
  std::string value;  ///< scalar as text ("false", "info"); one element of a list; "name=soft:hard" for ulimits
  std::string
      source;  ///< "daemon.json", "dockerd command line", "docker.service ExecStart", "/etc/default/docker", "engine /info"
  Location location;  ///< file and line where the value was written (file empty for a live command line)
};

/// Settings keyed by their daemon.json name ("icc", "hosts", "tlsverify", "log-driver",
/// "insecure-registries", "userns-remap", ...): a command-line flag is stored under the
/// daemon.json key it corresponds to, so checks ask one name whatever the source.
struct DaemonConfig {
  std::map<std::string, std::vector<SettingValue>> settings;
  /// Where the configuration was read from, in order ("/etc/docker/daemon.json", "dockerd (pid 812) command line").
  std::vector<std::string> sources;
  /// Problems met while reading: unparsable daemon.json, sources that disagree, unreadable files.
  std::vector<std::string> diagnostics;

  /// Every value of the key from every source; empty when the key is not set anywhere.
  [[nodiscard]] const std::vector<SettingValue>& values(const std::string& key) const {
    static const std::vector<SettingValue> k_none;
    const auto it = settings.find(key);
    return it == settings.end() ? k_none : it->second;
  }
  [[nodiscard]] bool has(const std::string& key) const { return !values(key).empty(); }
};

}  // namespace drydock::model
