#pragma once
/// One node of a Swarm as `drydock fleet` saw it: the node, the task that audited it and what
/// reached the service's logs; or one docker context of `drydock host --context`.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace drydock::model {

struct FleetNode {
  std::string id;            ///< the node's ID
  std::string hostname;      ///< Description.Hostname
  std::string state;         ///< Status.State: "ready", "down", ...
  std::string availability;  ///< Spec.Availability: "active", "pause", "drain"
  std::string task_id;       ///< the service's task on the node, "" when none was scheduled
  std::string task_state;    ///< Status.State of the task: "complete", "failed", "rejected", ...
  std::string task_error;    ///< Status.Err of the task (the engine's reason), "" when none
  bool timed_out = false;    ///< the task had not ended when the wait ran out
  double waited_s = 0;       ///< how long drydock waited (for the evidence of a timeout)
  /// Results received in the logs when the node's report was complete (its last line came).
  std::optional<std::size_t> results;
  std::string report_error;  ///< what the task itself said went wrong, or why its lines were unusable
  /// `drydock host --context`: a docker context stands for a node (`id` is the context's name,
  /// `hostname` its engine's name, `report_error` why it could not be audited).
  std::string endpoint;  ///< the context's engine address, "" when it could not be resolved
  /// The parts of the host not read because the engine is on another machine.
  std::vector<std::string> not_read_remotely;
};

}  // namespace drydock::model
