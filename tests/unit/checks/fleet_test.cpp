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

}  // namespace
}  // namespace drydock::checks
