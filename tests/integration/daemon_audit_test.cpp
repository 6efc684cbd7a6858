// The daemon's configuration audited live (CIS sections 2, 3 and 7): a second dockerd that
// this test starts, in its own network namespace, with its own daemon.json (hardened settings, and a TCP listener on
// 127.0.0.1 without TLS), its own socket and data root; and `docker swarm init` / `leave` on
// the main engine for section 7. Outside CI a missing dockerd skips; in CI it fails.

#include <sys/stat.h>

#include <gtest/gtest.h>

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

/// A dockerd of our own, stopped and cleaned up when the test ends.
class SecondDaemon {
 public:
  SecondDaemon() {
    char templ[] = "/tmp/drydock-it-dockerd-XXXXXX";
    if (::mkdtemp(templ) == nullptr) return;
    m_dir = templ;
    m_port = free_port();
    m_config = m_dir + "/daemon.json";
    m_socket = m_dir + "/d.sock";
    write_file(m_config,
               "{\n"
               "  \"hosts\": [\"unix://" +
                   m_socket + "\", \"tcp://127.0.0.1:" + std::to_string(m_port) +
                   "\"],\n"
                   "  \"data-root\": \"" +
                   m_dir +
                   "/data\",\n"
                   "  \"exec-root\": \"" +
                   m_dir +
                   "/exec\",\n"
                   "  \"pidfile\": \"" +
                   m_dir +
                   "/dockerd.pid\",\n"
                   "  \"bridge\": \"none\",\n"
                   "  \"iptables\": false,\n"
                   "  \"live-restore\": true,\n"
                   "  \"userland-proxy\": false,\n"
                   "  \"no-new-privileges\": true,\n"
                   "  \"log-level\": \"info\",\n"
                   "  \"containerd-namespace\": \"drydock-it\",\n"
                   "  \"containerd-plugins-namespace\": \"drydock-it-plugins\"\n"
                   "}\n");
    ::chmod(m_config.c_str(), 0644);
    // In a network namespace of its own, so that its bridges and firewall rules never touch
    // the main engine's (a second daemon on the host's namespace removes docker0 on its way).
    m_started = run({"sh", "-c",
                     "setsid unshare --net sh -c 'ip link set lo up && exec dockerd --config-file \"$0\"' \"$0\" >\"$1\" 2>&1 "
                     "</dev/null &",
                     m_config, m_dir + "/dockerd.log"})
                    .code == 0;
    for (int i = 0; m_started && i < 60; ++i) {
      if (run({"curl", "-s", "--max-time", "2", "--unix-socket", m_socket, "http://localhost/_ping"}).out == "OK") {
        m_ready = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  ~SecondDaemon() {
    if (m_dir.empty()) return;
    std::ifstream pid_file(m_dir + "/dockerd.pid");
    int pid = 0;
    if (pid_file >> pid && pid > 1) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    run({"umount", "-l", m_dir + "/data"});  // dockerd bind-mounts its data root onto itself
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  SecondDaemon(const SecondDaemon&) = delete;
  SecondDaemon& operator=(const SecondDaemon&) = delete;

  [[nodiscard]] bool ready() const { return m_ready; }
  [[nodiscard]] std::string log() const {
    std::ifstream in(m_dir + "/dockerd.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  [[nodiscard]] const std::string& config() const { return m_config; }
  [[nodiscard]] std::string host() const { return "unix://" + m_socket; }
  [[nodiscard]] int port() const { return m_port; }

  json audit(const std::string& only) const {
    const auto p = run({DRYDOCK_BIN, "host", "--host", host(), "--format", "json", "--only", only});
    auto j = parse_json(p.out);
    return j ? *j : json();
  }

 private:
  std::string m_dir, m_config, m_socket;
  int m_port = 0;
  bool m_started = false;
  bool m_ready = false;
};

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

  const auto p = run({DRYDOCK_BIN, "host", "--format", "json", "--only", "7,5.1,2.15"});
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
