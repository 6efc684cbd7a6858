#pragma once
/// The normalized shape of an image's configuration.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/container.hpp"

namespace drydock::model {

struct ImageSpec {
  std::string id;                      ///< sha256:...
  std::vector<std::string> repo_tags;  ///< "name:tag"; empty for untagged images
  std::vector<std::string> repo_digests;
  std::string created;
  std::string user;  ///< Config.User
  std::optional<Healthcheck> healthcheck;
  std::vector<std::string> env;
  std::vector<std::string> exposed_ports;  ///< "22/tcp"
  std::map<std::string, std::string> labels;
  std::int64_t size = 0;

  /// The name people know it by: the first tag, else the short id.
  [[nodiscard]] std::string display_name() const {
    if (!repo_tags.empty() && repo_tags.front() != "<none>:<none>") return repo_tags.front();
    return id.substr(0, id.starts_with("sha256:") ? 19 : 12);
  }
};

}  // namespace drydock::model
