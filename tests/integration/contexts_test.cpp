// `drydock host --context NAME ... | --all-contexts`: several engines audited in parallel through
// the docker CLI's contexts, one report grouped by host. Two engines: the shared one (by its
// socket) and a private dockerd of the test (by its socket, and by its TCP listener, an engine
// "on another machine" whose host's files and daemon configuration cannot be read remotely),
// each with a misconfigured container of its own; and a context that does not exist.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>

#include "second_daemon.hpp"
#include "support.hpp"

namespace drydock_it {
namespace {

/// A DOCKER_CONFIG directory of the test's own, contexts written as the docker CLI writes them.
class ContextsConfig {
 public:
  ContextsConfig() {
    char templ[] = "/tmp/dd-ctx-config-XXXXXX";
    if (::mkdtemp(templ) != nullptr) m_dir = templ;
  }
  ~ContextsConfig() {
    std::error_code ec;
    if (!m_dir.empty()) fs::remove_all(m_dir, ec);
  }
  ContextsConfig(const ContextsConfig&) = delete;
  ContextsConfig& operator=(const ContextsConfig&) = delete;
  [[nodiscard]] const std::string& dir() const { return m_dir; }
  /// `docker context create NAME --docker host=HOST` with DOCKER_CONFIG set to this directory.
  [[nodiscard]] Proc create(const std::string& name, const std::string& host) const {
    return run({"env", "DOCKER_CONFIG=" + m_dir, "docker", "context", "create", name, "--docker", "host=" + host});
  }

 private:
  std::string m_dir;
};

/// The results of host `host` in a JSON report.
std::vector<json> of_host(const json& report, const std::string& host) {
  std::vector<json> out;
  for (const auto& r : report["results"]) {
    if (r["host"] == host) out.push_back(r);
  }
  return out;
}

class ContextsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    m_suffix = std::to_string(::getpid());
    m_shared_victim = "dd-ctx-shared-victim-" + m_suffix;
    m_private_victim = "dd-ctx-private-victim-" + m_suffix;
    m_image = "dd-ctx-busybox:" + m_suffix;
    m_label = "dd-ctx-test=" + m_suffix;
  }
  void TearDown() override {
    run({"docker", "rm", "-f", m_shared_victim});
    remove_labelled_images(m_label);
  }
  std::string m_suffix, m_shared_victim, m_private_victim, m_image, m_label;
};

TEST_F(ContextsCli, SeveralEnginesInOneReportRemoteSectionsSkippedMissingContextAnError) {
  SecondDaemon d;
  if (!d.ready()) {
    if (in_ci()) FAIL() << "could not start a private dockerd:\n" << d.log();
    GTEST_SKIP() << "could not start a private dockerd here";
  }
  ASSERT_GT(d.pid(), 1);
  ContextsConfig config;
  ASSERT_FALSE(config.dir().empty());

  // The same busybox image on both engines, a different misconfigured container on each.
  const fs::path tmp = fs::path(config.dir()) / "image";
  const auto problem = import_busybox(tmp, m_image, m_label, {R"(CMD ["sleep","3600"])"});
  if (!problem.empty()) {
    if (in_ci()) FAIL() << problem;
    GTEST_SKIP() << problem;
  }
  ASSERT_EQ(run({"docker", "-H", d.host(), "import", "--change", "LABEL " + m_label, "--change", R"(CMD ["sleep","3600"])", (tmp / "rootfs.tar").string(), m_image}).code, 0);
  const auto shared = run({"docker", "create", "--name", m_shared_victim, "--label", m_label, "--privileged", "--network", "none", m_image});
  ASSERT_EQ(shared.code, 0) << shared.err;
  const auto priv = run({"docker", "-H", d.host(), "create", "--name", m_private_victim, "--pid", "host", "--network", "none", m_image});
  ASSERT_EQ(priv.code, 0) << priv.err;

  const std::string shared_socket = "unix://" + (engine_socket().empty() ? std::string("/var/run/docker.sock") : engine_socket());
  const std::string tcp = "tcp://127.0.0.1:" + std::to_string(d.port());
  ASSERT_EQ(config.create("dd-ctx-shared", shared_socket).code, 0);
  ASSERT_EQ(config.create("dd-ctx-private", d.host()).code, 0);
  ASSERT_EQ(config.create("dd-ctx-tcp", tcp).code, 0);

  // The private dockerd's TCP listener is in its network namespace: drydock runs there (the
  // unix sockets are reached through the file system from any namespace).
  const std::string only = "runtime.privileged,runtime.host-pid,daemon.live-restore,host.audit-dockerd,files.docker-sock-owner";
  const auto audit = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"nsenter", "--net=/proc/" + std::to_string(d.pid()) + "/ns/net", "env",
                                     "DOCKER_CONFIG=" + config.dir(), DRYDOCK_BIN, "host"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, std::chrono::seconds(300));
  };
  const auto p = audit({"--context", "dd-ctx-shared", "--context", "dd-ctx-private,dd-ctx-tcp", "--context", "dd-ctx-missing",
                        "--only", only, "--format", "json", "--verbose"});
  // Findings and one context in error: exit 1, the report still written.
  ASSERT_EQ(p.code, 1) << p.err;
  const auto j = parse_json(p.out);
  ASSERT_TRUE(j) << p.out.substr(0, 2000);
  const auto& report = *j;
  EXPECT_EQ(report["command"], "host");
  ASSERT_EQ(report["hosts"].size(), 4U) << report["hosts"];
  const std::vector<std::string> hosts = {"dd-ctx-shared", "dd-ctx-private", "dd-ctx-tcp", "dd-ctx-missing"};
  for (std::size_t i = 0; i < hosts.size(); ++i)
    EXPECT_EQ(report["hosts"][i]["name"], hosts[i]);
  // Each engine's own id: the private engine's through its socket and over TCP alike.
  EXPECT_NE(report["hosts"][0]["engine_id"], report["hosts"][1]["engine_id"]);
  EXPECT_EQ(report["hosts"][1]["engine_id"], report["hosts"][2]["engine_id"]);
  EXPECT_TRUE(report["hosts"][2]["engine_version"].get<std::string>().starts_with("20.10")) << report["hosts"][2];

  // Each container's findings under its engine's hosts and no other.
  std::map<std::string, std::set<std::string>> fails;
  for (const auto& r : report["results"]) {
    if (r["status"] == "fail") fails[r["host"].get<std::string>()].insert(r["id"].get<std::string>() + " " + r["subject"]["name"].get<std::string>());
  }
  EXPECT_TRUE(fails["dd-ctx-shared"].contains("runtime.privileged " + m_shared_victim)) << p.out.substr(0, 4000);
  EXPECT_FALSE(fails["dd-ctx-shared"].contains("runtime.host-pid " + m_private_victim));
  for (const std::string h : {"dd-ctx-private", "dd-ctx-tcp"}) {
    EXPECT_TRUE(fails[h].contains("runtime.host-pid " + m_private_victim)) << h;
    for (const auto& f : fails[h]) EXPECT_EQ(f.find(m_shared_victim), std::string::npos) << h << ": " << f;
  }

  // The engine on this machine is audited fully: its daemon's configuration was read (the
  // private dockerd runs with live-restore, from its --config-file).
  for (const auto& r : of_host(report, "dd-ctx-private")) {
    if (r["id"] == "daemon.live-restore") {
      EXPECT_EQ(r["status"], "pass") << r;
    }
    if (r["id"] == "fleet.context-audited") {
      EXPECT_EQ(r["status"], "pass") << r;
    }
    EXPECT_EQ(r["evidence"].get<std::string>().find("remotely"), std::string::npos) << r;
  }
  // Over TCP: the sections of the other machine are skipped, saying so, and never filled with
  // this machine's files.
  std::set<std::string> remote_skips;
  bool said = false;
  for (const auto& r : of_host(report, "dd-ctx-tcp")) {
    const auto evidence = r["evidence"].get<std::string>();
    const auto id = r["id"].get<std::string>();
    if (id == "daemon.live-restore" || id == "host.audit-dockerd" || id == "files.docker-sock-owner") {
      EXPECT_EQ(r["status"], "skip") << r;
      EXPECT_NE(evidence.find("cannot be read remotely: the engine is reached at " + tcp), std::string::npos) << r;
      remote_skips.insert(id);
    }
    if (id == "fleet.context-audited") {
      said = true;
      EXPECT_EQ(r["status"], "info") << r;
      EXPECT_NE(evidence.find("could not be read remotely"), std::string::npos) << r;
      for (const char* part : {"the host's files", "the daemon's command line", "the audit rules"})
        EXPECT_NE(evidence.find(part), std::string::npos) << part << ": " << r;
    }
  }
  EXPECT_EQ(remote_skips.size(), 3U);
  EXPECT_TRUE(said);
  // The context that does not exist: an error with the reason, and nothing else under it.
  const auto missing = of_host(report, "dd-ctx-missing");
  ASSERT_EQ(missing.size(), 1U) << ::testing::PrintToString(missing.size());
  EXPECT_EQ(missing[0]["id"], "fleet.context-audited");
  EXPECT_EQ(missing[0]["status"], "error");
  EXPECT_NE(missing[0]["evidence"].get<std::string>().find("context \"dd-ctx-missing\" not found"), std::string::npos)
      << missing[0];

  // SARIF a run per host, JUnit a testsuite per host, text grouped by host.
  const auto sarif = audit({"--context", "dd-ctx-shared,dd-ctx-tcp,dd-ctx-missing", "--only", only, "--format", "sarif", "--quiet"});
  ASSERT_EQ(sarif.code, 1) << sarif.err;
  const auto s = parse_json(sarif.out);
  ASSERT_TRUE(s) << sarif.out.substr(0, 1000);
  ASSERT_EQ((*s)["runs"].size(), 3U);
  const auto text = audit({"--context", "dd-ctx-shared,dd-ctx-tcp", "--only", only, "--no-color", "--quiet", "--verbose"});
  ASSERT_EQ(text.code, 1) << text.err;
  EXPECT_NE(text.out.find("== host dd-ctx-tcp"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("cannot be read remotely"), std::string::npos) << text.out;

  // --all-contexts: `default` (this shared engine) and every context of the store, by name.
  const auto all = audit({"--all-contexts", "--only", "runtime.privileged", "--format", "json", "--quiet", "--fail-on", "none"});
  ASSERT_EQ(all.code, 0) << all.err;
  const auto a = parse_json(all.out);
  ASSERT_TRUE(a) << all.out.substr(0, 1000);
  std::vector<std::string> names;
  for (const auto& h : (*a)["hosts"]) names.push_back(h["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"default", "dd-ctx-private", "dd-ctx-shared", "dd-ctx-tcp"}));

  // One context alone is the audit of that engine, as with DOCKER_CONTEXT: one that does not
  // exist is a usage error (exit 2), with no report.
  const auto one_missing = audit({"--context", "dd-ctx-missing", "--quiet"});
  EXPECT_EQ(one_missing.code, 2) << one_missing.err;
  EXPECT_NE(one_missing.err.find("context \"dd-ctx-missing\" not found"), std::string::npos) << one_missing.err;
  const auto with_host = audit({"--context", "dd-ctx-shared", "--host", shared_socket, "--quiet"});
  EXPECT_EQ(with_host.code, 2) << with_host.err;

  run({"docker", "-H", d.host(), "rm", "-f", m_private_victim});
}

}  // namespace
}  // namespace drydock_it
