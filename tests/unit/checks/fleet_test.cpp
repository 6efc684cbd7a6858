#include <gtest/gtest.h>

#include "support.hpp"

namespace drydock::checks {
namespace {

Finding node_audited(const model::FleetNode& n) {
  Results out;
  std::get<NodeEval>(test::check("fleet.node-audited").evaluate)(n, out);
  EXPECT_TRUE(out.finding());
  return out.finding().value_or(Finding{});
}

model::FleetNode audited() {
  model::FleetNode n;
  n.id = "n1";
  n.hostname = "dd-fleet-node1";
  n.state = "ready";
  n.availability = "active";
  n.task_id = "t1";
  n.task_state = "complete";
  n.results = 150;
  return n;
}

TEST(FleetNodeAudited, PassesWhenTheTaskCompletedAndItsReportCameWhole) {
  const auto f = node_audited(audited());
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_NE(f.evidence.find("150 results"), std::string::npos) << f.evidence;
}

TEST(FleetNodeAudited, ErrorsWithTheEnginesReasonWhenTheImageIsMissing) {
  auto n = audited();
  n.task_state = "rejected";
  n.task_error = "No such image: sha256:0123";
  n.results.reset();
  const auto f = node_audited(n);
  EXPECT_EQ(f.status, Status::error);
  EXPECT_NE(f.evidence.find("No such image"), std::string::npos) << f.evidence;
}

TEST(FleetNodeAudited, ErrorsOnATimeoutNoTaskOrAnIncompleteReport) {
  auto slow = audited();
  slow.task_state = "running";
  slow.timed_out = true;
  slow.waited_s = 30;
  EXPECT_EQ(node_audited(slow).status, Status::error);
  EXPECT_NE(node_audited(slow).evidence.find("30 s"), std::string::npos);
  auto drained = audited();
  drained.availability = "drain";
  drained.task_id.clear();
  EXPECT_EQ(node_audited(drained).status, Status::error);
  EXPECT_NE(node_audited(drained).evidence.find("drain"), std::string::npos);
  auto cut = audited();
  cut.results.reset();
  EXPECT_EQ(node_audited(cut).status, Status::error);
  auto said = audited();
  said.report_error = "cannot connect to the Docker engine";
  EXPECT_NE(node_audited(said).evidence.find("cannot connect"), std::string::npos);
}

Finding context_audited(const model::FleetNode& n) {
  Results out;
  std::get<NodeEval>(test::check("fleet.context-audited").evaluate)(n, out);
  EXPECT_TRUE(out.finding());
  return out.finding().value_or(Finding{});
}

TEST(FleetContextAudited, PassesForAnEngineOnThisMachine) {
  model::FleetNode n;
  n.id = "dd-ctx-local";
  n.endpoint = "unix:///var/run/docker.sock";
  n.hostname = "box";
  n.results = 120;
  const auto f = context_audited(n);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_NE(f.evidence.find("context \"dd-ctx-local\" (unix:///var/run/docker.sock): engine box audited, 120 results"),
            std::string::npos)
      << f.evidence;
}

TEST(FleetContextAudited, SaysPlainlyWhatARemoteEngineLeftUnread) {
  model::FleetNode n;
  n.id = "dd-ctx-tcp";
  n.endpoint = "tcp://10.0.0.5:2376";
  n.hostname = "far";
  n.results = 90;
  n.not_read_remotely = {"the host's files", "the audit rules"};
  const auto f = context_audited(n);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("could not be read remotely"), std::string::npos) << f.evidence;
  EXPECT_NE(f.evidence.find("the host's files; the audit rules"), std::string::npos) << f.evidence;
}

TEST(FleetContextAudited, ErrorsWithTheReasonWhenTheContextFailed) {
  model::FleetNode n;
  n.id = "dd-ctx-missing";
  n.report_error = "context \"dd-ctx-missing\" not found";
  const auto f = context_audited(n);
  EXPECT_EQ(f.status, Status::error);
  EXPECT_NE(f.evidence.find("not found: its engine was not audited"), std::string::npos) << f.evidence;
}

}  // namespace
}  // namespace drydock::checks
