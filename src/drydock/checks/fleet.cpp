/// `drydock fleet`: whether each node of the Swarm was audited. A node whose task did not run,
/// failed, timed out or left an incomplete report in the service's logs is an error, with the
/// engine's reason; its findings are unknown, not absent.

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/core/strings.hpp"

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

void context_audited(const model::FleetNode& n, Results& out) {
  const auto context = fmt::format("context \"{}\"{}", n.id, n.endpoint.empty() ? "" : " (" + n.endpoint + ")");
  if (!n.report_error.empty()) {
    out.error(fmt::format("{}: {}: its engine was not audited", context, n.report_error));
    return;
  }
  const auto audited = fmt::format("{}: engine {} audited, {} results", context, n.hostname.empty() ? "(unnamed)" : n.hostname,
                                   n.results.value_or(0));
  if (n.not_read_remotely.empty()) {
    out.pass(audited + "; the engine is on this machine: its files and daemon were read too");
    return;
  }
  out.info(fmt::format("{}; the engine is on another machine, so these could not be read remotely and their checks are "
                       "skipped: {} (run drydock host on that machine for them)",
                       audited, core::join(n.not_read_remotely, "; ")));
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
    Check{.id = "fleet.context-audited",
          .cis = "",
          .title = "Each docker context of drydock host --context was audited",
          .severity = Severity::high,
          .rationale = "drydock host --context audits several engines through the docker CLI's contexts; a context whose "
                       "engine could not be reached has unknown findings, and an engine on another machine is audited "
                       "without that machine's files, which a report must say.",
          .remediation = "Check the context (`docker context inspect NAME`) and that its engine answers; use a unix:// or "
                         "tcp:// endpoint with TLS (ssh:// is not supported). For an engine on another machine, run "
                         "drydock host on that machine to check its files and daemon configuration.",
          .evaluate = &context_audited},
};

}  // namespace

std::span<const Check> fleet_checks() { return k_checks; }

}  // namespace drydock::checks
