// The daemon's configuration audited live (CIS sections 2, 3 and 7): a second dockerd that
// this test starts, in its own network namespace, with its own daemon.json (hardened settings, and a TCP listener on
// 127.0.0.1 without TLS), its own socket and data root; and `docker swarm init` / `leave` on
// the main engine for section 7. Outside CI a missing dockerd skips; in CI it fails.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "second_daemon.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

json result(const json& report, const std::string& id, const std::string& subject_name = "") {
  for (const auto& r : report["results"]) {
    if (r["id"] == id && (subject_name.empty() || r["subject"]["name"] == subject_name)) return r;
  }
  return json();
}

std::string evidence(const json& r) { return r.is_object() ? r["evidence"].get<std::string>() : "(no result)"; }

TEST(DaemonAudit, OwnDaemonJsonIsReadFromTheRunningDaemonAndJudged) {
  SecondDaemon d;
  if (!d.ready()) {
    if (in_ci()) FAIL() << "could not start a second dockerd:\n" << d.log();
    GTEST_SKIP() << "could not start a second dockerd here";
  }
  const auto report = d.audit("2,3.17,3.18");
  ASSERT_TRUE(report.is_object());

  const auto tcp = result(report, "daemon.tcp-without-tls");
  EXPECT_EQ(tcp["status"], "fail") << evidence(tcp);
  EXPECT_EQ(tcp["severity"], "high") << "loopback only: high, not critical";
  EXPECT_NE(evidence(tcp).find("127.0.0.1:" + std::to_string(d.port())), std::string::npos) << evidence(tcp);
  EXPECT_NE(evidence(tcp).find(d.config()), std::string::npos) << "evidence names the file: " << evidence(tcp);

  EXPECT_EQ(result(report, "daemon.iptables-disabled")["status"], "fail");
  for (const auto* id : {"daemon.no-new-privileges", "daemon.live-restore", "daemon.userland-proxy", "daemon.log-level"}) {
    const auto r = result(report, id);
    EXPECT_EQ(r["status"], "pass") << id << ": " << evidence(r);
  }
  const auto mode = result(report, "files.daemon-json-mode", d.config());
  EXPECT_EQ(mode["status"], "pass") << evidence(mode);

  // Loosen the file: the same audit now fails 3.18, with the bits that are too many.
  ::chmod(d.config().c_str(), 0606);
  const auto loose = result(d.audit("3.18"), "files.daemon-json-mode", d.config());
  EXPECT_EQ(loose["status"], "fail") << evidence(loose);
  EXPECT_EQ(loose["cis"], "3.18");
  EXPECT_NE(evidence(loose).find("0606"), std::string::npos) << evidence(loose);
}

/// Swarm mode on the main engine, bound to loopback, with auto-lock, one encrypted and one
/// plain overlay network.
TEST(SwarmAudit, ManagerChecksAgainstARealSwarm) {
  const auto info = run({"docker", "info", "--format", "{{.Swarm.LocalNodeState}}"});
  if (info.code != 0) {
    if (in_ci()) FAIL() << describe({"docker", "info"}, info);
    GTEST_SKIP() << "no engine";
  }
  if (trim(info.out) != "inactive") GTEST_SKIP() << "the engine is already in a swarm; not touching it";
  const auto init =
      run({"docker", "swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377", "--autolock"});
  ASSERT_EQ(init.code, 0) << describe({"docker", "swarm", "init"}, init);
  struct Leave {
    ~Leave() {
      run({"docker", "network", "rm", "drydock-it-enc", "drydock-it-plain"});
      run({"docker", "swarm", "leave", "--force"});
    }
  } leave;
  ASSERT_EQ(run({"docker", "network", "create", "-d", "overlay", "--opt", "encrypted", "drydock-it-enc"}).code, 0);
  ASSERT_EQ(run({"docker", "network", "create", "-d", "overlay", "drydock-it-plain"}).code, 0);

  const auto p = run({DRYDOCK_BIN, "host", "--format", "json", "--benchmark", "cis-1.6", "--only", "7,5.1,2.15"});
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report) << p.err;

  EXPECT_EQ(result(*report, "runtime.swarm-mode")["status"], "warn");
  EXPECT_EQ(result(*report, "daemon.live-restore")["status"], "skip");
  const auto listen = result(*report, "swarm.listen-all-interfaces");
  EXPECT_EQ(listen["status"], "pass") << evidence(listen);
  EXPECT_NE(evidence(listen).find("127.0.0.1:2377"), std::string::npos) << evidence(listen);
  const auto overlay = result(*report, "swarm.overlay-unencrypted");
  EXPECT_EQ(overlay["status"], "fail") << evidence(overlay);
  EXPECT_NE(evidence(overlay).find("drydock-it-plain"), std::string::npos);
  EXPECT_EQ(evidence(overlay).find("drydock-it-enc"), std::string::npos);
  EXPECT_EQ(result(*report, "swarm.autolock")["status"], "pass") << evidence(result(*report, "swarm.autolock"));
  EXPECT_EQ(result(*report, "swarm.manager-count")["status"], "pass");
  EXPECT_EQ(result(*report, "swarm.ca-rotation")["status"], "info");
  EXPECT_EQ(result(*report, "swarm.autolock")["subject"]["kind"], "swarm");
}

}  // namespace
