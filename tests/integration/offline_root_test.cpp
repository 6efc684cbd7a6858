// `drydock host --root DIR --no-engine` over a host tree built here: the acceptance scenario
// of the host audit (daemon.json 0606 listening on tcp://0.0.0.0:2375 without TLS,
// docker.socket 0446, the Docker socket 0666, audit rules for dockerd and daemon.json only
// plus a commented-out rule for /var/lib/docker). Needs no engine: DOCKER_HOST points
// nowhere to prove that none is contacted.

#include <gtest/gtest.h>

#include "../unit/collect/host_tree.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

struct Offline {
  drydock::test::HostTree tree;
  Proc proc;
  json report;
};

Offline& offline() {
  static Offline* o = [] {
    auto* x = new Offline;  // lives for the whole run: the tree's sockets stay bound
    drydock::test::build_acceptance_host(x->tree);
    x->proc = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", DRYDOCK_BIN, "host", "--root", x->tree.root(),
                   "--no-engine", "--format", "json"});
    if (auto j = parse_json(x->proc.out)) x->report = *j;
    return x;
  }();
  return *o;
}

json result(const std::string& id, const std::string& subject_name = "") {
  for (const auto& r : offline().report["results"]) {
    if (r["id"] == id && (subject_name.empty() || r["subject"]["name"] == subject_name)) return r;
  }
  return json();
}

TEST(OfflineRoot, RunsWithoutAnEngineAndExitsOneOnFindings) {
  const auto& o = offline();
  EXPECT_EQ(o.proc.code, 1) << o.proc.err;
  ASSERT_TRUE(o.report.is_object()) << o.proc.out.substr(0, 500) << o.proc.err;
  EXPECT_EQ(o.report["schema"], "drydock.report/v1");
}

struct Want {
  std::string id;
  std::string cis;
  std::string status;
  std::string severity;
  std::string subject;
};

TEST(OfflineRoot, FlagsEachPlantedProblemAndPassesWhatIsRight) {
  const std::vector<Want> wants{
      {"files.daemon-json-mode", "3.18", "fail", "", "/etc/docker/daemon.json"},                  // 0606
      {"files.docker-socket-unit-mode", "3.4", "fail", "", "/lib/systemd/system/docker.socket"},  // 0446
      {"files.docker-sock-mode", "3.16", "fail", "critical", "/var/run/docker.sock"},             // 0666
      {"daemon.tcp-without-tls", "2.7", "fail", "critical", ""},                                  // tcp://0.0.0.0:2375
      {"host.audit-dockerd", "1.1.3", "pass", "", ""},
      {"host.audit-daemon-json", "1.1.11", "pass", "", ""},
      {"host.audit-var-lib-docker", "1.1.5", "fail", "", ""},  // the rule is commented out
      {"host.audit-etc-docker", "1.1.6", "fail", "", ""},      // a rule on daemon.json is not one on /etc/docker
      {"host.data-root-partition", "1.1.1", "fail", "", ""},
      {"files.docker-service-mode", "3.2", "pass", "", "/lib/systemd/system/docker.service"},
      {"files.etc-docker-mode", "3.6", "pass", "", "/etc/docker"},
      {"files.daemon-json-owner", "3.17", "pass", "", "/etc/docker/daemon.json"},
      {"files.containerd-sock-mode", "3.24", "pass", "", "/run/containerd/containerd.sock"},
      {"daemon.log-level", "2.3", "pass", "", ""},
  };
  for (const auto& w : wants) {
    const auto r = result(w.id, w.subject);
    ASSERT_TRUE(r.is_object()) << "no result for " << w.id << " " << w.subject;
    EXPECT_EQ(r["cis"], w.cis) << w.id;
    EXPECT_EQ(r["status"], w.status) << w.id << ": " << r["evidence"];
    if (!w.severity.empty()) {
      EXPECT_EQ(r["severity"], w.severity) << w.id;
    }
  }
  EXPECT_NE(result("files.daemon-json-mode")["evidence"].get<std::string>().find("0606"), std::string::npos);
  EXPECT_NE(result("daemon.tcp-without-tls")["evidence"].get<std::string>().find("0.0.0.0:2375"), std::string::npos);
}

TEST(OfflineRoot, EngineChecksSayWhyTheySkip) {
  const auto r = result("runtime.privileged");
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["status"], "skip");
  EXPECT_NE(r["evidence"].get<std::string>().find("no engine"), std::string::npos) << r["evidence"];
  EXPECT_EQ(result("operations.image-sprawl")["status"], "skip");
}

TEST(OfflineRoot, EverySectionOneToThreeResultCarriesItsCisNumber) {
  int seen = 0;
  for (const auto& r : offline().report["results"]) {
    const std::string id = r["id"];
    if (id.starts_with("host.") || id.starts_with("daemon.") || id.starts_with("files.")) {
      ++seen;
      EXPECT_TRUE(r["cis"].is_string()) << id;
    }
  }
  EXPECT_GE(seen, 60);
}

TEST(OfflineRoot, MissingRootIsAClearError) {
  const auto p = run({DRYDOCK_BIN, "host", "--root", "/nonexistent/host", "--no-engine"});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("--root"), std::string::npos) << p.err;
}

}  // namespace
