/// `drydock fleet`: whether each node of the Swarm was audited. A node whose task did not run,
/// failed, timed out or left an incomplete report in the service's logs is an error, with the
/// engine's reason; its findings are unknown, not absent.

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"

namespace drydock::checks {
namespace {

void node_audited(const model::FleetNode& n, Results& out) {
  const auto node = fmt::format("node {} (Status.State={}, Spec.Availability={})", n.id, n.state, n.availability);
  if (n.task_id.empty()) {
    out.error(fmt::format("no task was scheduled on {}: the node was not audited", node));
    return;
  }
  const auto task = fmt::format("task {} on {}", n.task_id, node);
  if (n.timed_out) {
    out.error(fmt::format("{} had not finished after {:.0f} s (task state {}): the node was not audited; raise --wait", task,
                          n.waited_s, n.task_state));
    return;
  }
  if (!n.report_error.empty()) {
    out.error(fmt::format("{} ended {}: {}", task, n.task_state, n.report_error));
    return;
  }
  if (n.task_state != "complete") {
    out.error(fmt::format("{} ended {}{}: the node was not audited", task, n.task_state,
                          n.task_error.empty() ? "" : " (" + n.task_error + ")"));
    return;
  }
  if (!n.results) {
    out.error(fmt::format("{} completed, but its report did not reach the service's logs whole", task));
    return;
  }
  out.pass(fmt::format("{} completed; {} results in the service's logs", task, *n.results));
}

const std::vector<Check> k_checks = {
    Check{.id = "fleet.node-audited",
          .cis = "",
          .title = "Each node of the Swarm was audited",
          .severity = Severity::high,
          .rationale = "drydock fleet audits a Swarm by running one task per node; a node whose task did not run to the end "
                       "has unknown findings, which a report must not pass over in silence.",
          .remediation = "Load the drydock image on the node (docker load), make it Ready and Active, and raise "
                         "--wait when its audit takes longer; or run drydock host on it.",
          .evaluate = &node_audited},
};

}  // namespace

std::span<const Check> fleet_checks() { return k_checks; }

}  // namespace drydock::checks
