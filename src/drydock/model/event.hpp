#pragma once
/// One message of the engine's event stream (`GET /events`).

#include <cstdint>
#include <map>
#include <string>

namespace drydock::model {

struct EngineEvent {
  std::string type;    ///< "container", "image", "daemon", "network", ...
  std::string action;  ///< "create", "start", "destroy", "exec_start: sh -c id", "reload", ...
  std::string actor_id;
  std::map<std::string, std::string> attributes;  ///< Actor.Attributes: name, image, execID, ...
  std::int64_t time = 0;                          ///< unix seconds
  std::int64_t time_nano = 0;                     ///< unix nanoseconds, 0 when the engine did not say

  /// The action without its detail: "exec_start: sh -c id" -> "exec_start", "health_status: healthy" -> "health_status".
  [[nodiscard]] std::string verb() const {
    const auto colon = action.find(':');
    return colon == std::string::npos ? action : action.substr(0, colon);
  }
};

}  // namespace drydock::model
