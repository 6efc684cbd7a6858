// An engine on another machine (HostSnapshot::remote): the checks that need that machine's
// files or daemon configuration skip, saying plainly that those cannot be read remotely.
#include <gtest/gtest.h>

#include "drydock/audit/runner.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

model::HostSnapshot remote_host() {
  auto s = test::seccomp_host();
  s.remote = "tcp://10.0.0.5:2376";
  return s;
}

TEST(RemoteEngineChecks, DaemonAndHostChecksSaySectionsCannotBeReadRemotely) {
  for (const char* id : {"daemon.log-level", "daemon.tcp-without-tls", "host.data-root-partition", "host.audit-dockerd"}) {
    const auto f = test::run(id, remote_host());
    EXPECT_EQ(f.status, Status::skip) << id;
    EXPECT_NE(f.evidence.find("cannot be read remotely: the engine is reached at tcp://10.0.0.5:2376"), std::string::npos)
        << id << ": " << f.evidence;
  }
  // The same checks on this machine's engine without its files keep their usual reason.
  const auto local = test::run("daemon.log-level", test::seccomp_host());
  EXPECT_EQ(local.status, Status::skip);
  EXPECT_EQ(local.evidence.find("remotely"), std::string::npos) << local.evidence;
}

TEST(RemoteEngineChecks, FileChecksSkipWithTheRemoteReason) {
  auto selection = audit::Selection::make({"files.docker-sock-owner"}, {});
  ASSERT_TRUE(selection) << selection.error().describe();
  const auto report = audit::run(remote_host(), *selection, audit::RunOptions{});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].finding.status, Status::skip);
  EXPECT_NE(report.results[0].finding.evidence.find("the host's files cannot be read remotely"), std::string::npos)
      << report.results[0].finding.evidence;
}

}  // namespace
}  // namespace drydock::checks
