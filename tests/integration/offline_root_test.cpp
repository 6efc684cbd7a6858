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
      {"daemon.tcp-without-tls", "2.8", "fail", "critical", ""},  // tcp://0.0.0.0:2375; 2.7 before v1.8.0
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
    // Podman's audit rules: no CIS control names Podman's files either (section 1.1 names Docker's).
    const bool podman_audit = id == "host.audit-podman" || id == "host.audit-conmon" || id == "host.audit-crun" ||
                              id == "host.audit-etc-containers" || id == "host.audit-podman-storage";
    if (id.starts_with("files.podman-") || podman_audit) {
      // Podman's files: no CIS control names them (section 3 is about Docker's own files), so
      // they carry none rather than a borrowed number.
      EXPECT_TRUE(r["cis"].is_null()) << id;
    } else if (id.starts_with("host.") || id.starts_with("daemon.") || id.starts_with("files.")) {
      ++seen;
      EXPECT_TRUE(r["cis"].is_string()) << id;
    }
  }
  EXPECT_GE(seen, 60);
}

// The same audit numbered by v1.6.0 and by v1.8.0 (the default): the same results in the same
// order, differing only in the control numbers v1.8.0 moved (2.7-2.18 to 2.8-2.19, and the new
// 2.7, devicemapper) and in the report's `benchmark`. v1.7.0 numbers everything as v1.6.0.
TEST(OfflineRoot, BenchmarkVersionsDifferOnlyInMovedControlNumbers) {
  const auto& o = offline();
  const auto& t = o.tree;
  json by_version[2];
  const char* versions[2] = {"cis-1.6", "cis-1.7"};
  for (int i = 0; i < 2; ++i) {
    const auto p = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", DRYDOCK_BIN, "host", "--root", t.root(),
                        "--no-engine", "--format", "json", "--benchmark", versions[i]});
    ASSERT_EQ(p.code, 1) << p.err;
    auto j = parse_json(p.out);
    ASSERT_TRUE(j) << p.out.substr(0, 300);
    by_version[i] = *j;
  }
  EXPECT_EQ(by_version[0]["benchmark"], "cis-docker-1.6.0");
  EXPECT_EQ(by_version[1]["benchmark"], "cis-docker-1.7.0");
  EXPECT_EQ(o.report["benchmark"], "cis-docker-1.8.0");
  const auto& old_results = by_version[0]["results"];
  const auto& new_results = o.report["results"];
  ASSERT_EQ(old_results.size(), new_results.size());
  EXPECT_EQ(by_version[1]["results"], old_results);  // v1.7.0 moved nothing
  int moved = 0;
  for (std::size_t i = 0; i < new_results.size(); ++i) {
    json a = old_results[i];
    json b = new_results[i];
    ASSERT_EQ(a["id"], b["id"]);
    const std::string id = a["id"];
    if (a["cis"] != b["cis"]) {
      ++moved;
      const std::string to = b["cis"];
      ASSERT_TRUE(to.starts_with("2.")) << id << " moved to " << to;
      if (id == "daemon.devicemapper-storage") {
        EXPECT_TRUE(a["cis"].is_null());
        EXPECT_EQ(to, "2.7");
      } else {
        const std::string from = a["cis"];
        ASSERT_TRUE(from.starts_with("2.")) << id;
        EXPECT_EQ(std::stoi(to.substr(2)), std::stoi(from.substr(2)) + 1) << id;
        EXPECT_GE(std::stoi(from.substr(2)), 7) << id;
      }
    }
    a.erase("cis");
    b.erase("cis");
    EXPECT_EQ(a, b) << id;
  }
  EXPECT_EQ(moved, 13);  // the new 2.7 and the twelve controls after it
}

TEST(OfflineRoot, MissingRootIsAClearError) {
  const auto p = run({DRYDOCK_BIN, "host", "--root", "/nonexistent/host", "--no-engine"});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("--root"), std::string::npos) << p.err;
}

/// A root whose files are links out of it: to files of this machine made here with a canary
/// in their content and modes no file of the tree has (0666, 0777, owner 4242), by absolute
/// and relative targets, through /proc/self/root, and in a loop. The audit reads none of them:
/// the canary is nowhere in the report, the daemon.json out there (tcp without TLS) is not the
/// daemon's configuration, and the facts reported are those of the tree's own entries.
TEST(OfflineRoot, LinksOutOfTheRootAreNeverFollowed) {
  const std::string canary = "CANARY-this-machine-not-the-root";
  drydock::test::HostTree outside;
  outside.file("/etc/docker/daemon.json",
               "{\"hosts\": [\"tcp://0.0.0.0:2375\"], \"labels\": [\"" + canary + "\"], \"log-level\": \"debug\"}\n", 0666);
  outside.file("/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd --insecure-registry=" + canary + "\n", 0777);
  outside.file("/audit.rules", "-w /var/lib/docker -p rwxa -k " + canary + "\n", 0666);
  if (::geteuid() == 0) {
    ASSERT_TRUE(outside.chown("/etc/docker/daemon.json", 4242, 4242));
  }

  drydock::test::HostTree t;
  drydock::test::write_accounts(t);
  std::string up;
  for (int i = 0; i < 16; ++i)
    up += "../";
  t.link("/etc/docker", outside.root() + "/etc/docker");  // absolute, a directory
  t.link("/lib/systemd/system/docker.service", up + outside.root().substr(1) + "/docker.service");  // relative
  t.link("/etc/audit/audit.rules", "/proc/self/root" + outside.root() + "/audit.rules");         // through /proc
  t.link("/etc/default/docker", "/etc/default/docker");                                          // a loop
  t.file("/usr/sbin/dockerd", "#!/bin/true\n", 0750);

  const auto p = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", DRYDOCK_BIN, "host", "--root", t.root(),
                      "--no-engine", "--format", "json"});
  ASSERT_TRUE(p.code == 0 || p.code == 1) << p.err;
  EXPECT_EQ(p.out.find(canary), std::string::npos) << "a file outside the root was read";
  EXPECT_EQ(p.err.find(canary), std::string::npos) << p.err;
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report) << p.out.substr(0, 500);
  const auto find = [&](const std::string& id) {
    for (const auto& r : (*report)["results"]) {
      if (r["id"] == id) return r;
    }
    return json();
  };
  // The daemon.json out there asks for tcp without TLS; the tree has no daemon.json.
  const auto tcp = find("daemon.tcp-without-tls");
  ASSERT_TRUE(tcp.is_object());
  EXPECT_NE(tcp["status"], "fail") << tcp;
  // Modes: the link in the tree, never 0666 / 0777 of the files out there.
  const std::string text = report->dump();
  EXPECT_EQ(text.find("0666"), std::string::npos) << "a mode of a file outside the root was reported";
  const auto dockerd = find("files.dockerd-mode");
  if (dockerd.is_object()) {
    EXPECT_EQ(dockerd["status"], "pass") << dockerd;
  }
  // daemon.json is behind the link out: absent from this root. /etc/docker is the link itself.
  EXPECT_EQ(find("files.daemon-json-mode")["status"], "skip") << find("files.daemon-json-mode");
  EXPECT_NE(find("files.etc-docker-mode")["evidence"].get<std::string>().find("symbolic link"), std::string::npos)
      << find("files.etc-docker-mode");
  const auto json_owner = find("files.daemon-json-owner");
  ASSERT_TRUE(json_owner.is_object());
  EXPECT_EQ(json_owner["evidence"].dump().find("4242"), std::string::npos) << json_owner;
}

}  // namespace
