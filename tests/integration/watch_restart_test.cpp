// `drydock watch` survives a restart of the engine and sees the daemon's files. Both need an
// engine this test may stop and reconfigure, so it starts its own dockerd: own data root, exec
// root, pidfile, socket and daemon.json under /tmp, no bridge, no iptables, and in a network
// namespace of its own (`unshare --net`): a dockerd started with --bridge=none deletes any
// interface named docker0 it can see, which would take the shared engine's default bridge away.

#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "support.hpp"
#include "watch_support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
namespace ws = drydock_it::watch_support;
using std::chrono::milliseconds;

/// A dockerd of the test's own.
class PrivateDockerd {
 public:
  explicit PrivateDockerd(fs::path dir) : m_dir(std::move(dir)) {
    fs::create_directories(m_dir);
    write_file(config(), "{}\n");
  }
  ~PrivateDockerd() { stop(); }
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  [[nodiscard]] std::string host() const { return "unix://" + (m_dir / "docker.sock").string(); }
  [[nodiscard]] fs::path config() const { return m_dir / "daemon.json"; }

  /// Starts it and waits until it answers; false (with the log) when it does not within 60 s.
  bool start(std::string* why) {
    std::vector<std::string> argv{"unshare", "--net", "dockerd",
                                  "--data-root",
                                  (m_dir / "data").string(),
                                  "--exec-root",
                                  (m_dir / "exec").string(),
                                  "--pidfile",
                                  (m_dir / "docker.pid").string(),
                                  "-H",
                                  host(),
                                  "--config-file",
                                  config().string(),
                                  "--bridge=none",
                                  "--iptables=false",
                                  "--ip-masq=false",
                                  "--ip-forward=false"};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (m_dir / "dockerd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = posix_spawnp(&m_pid, "unshare", &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      *why = "cannot start dockerd";
      m_pid = -1;
      return false;
    }
    for (int i = 0; i < 120; ++i) {
      if (run(ws::docker(host(), {"version", "--format", "{{.Server.Version}}"}), std::chrono::seconds(10)).code == 0)
        return true;
      std::this_thread::sleep_for(milliseconds(500));
    }
    std::ifstream log(m_dir / "dockerd.log");
    *why = std::string(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
    return false;
  }

  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
  }

 private:
  fs::path m_dir;
  pid_t m_pid = -1;
};

class WatchRestart : public testing::Test {
 protected:
  void SetUp() override {
    DD_WATCH_REQUIRE_ENGINE();
    if (::geteuid() != 0 || run({"sh", "-c", "command -v dockerd && command -v unshare"}).code != 0) {
      if (in_ci()) FAIL() << "CI=true but this test cannot start a dockerd of its own (needs root, dockerd and unshare)";
      GTEST_SKIP() << "needs root, dockerd and unshare to start an engine of its own";
    }
    // Short: the unix socket path must stay under 108 bytes.
    m_dir = fs::path("/tmp") / (ws::prefix() + "d");
    fs::remove_all(m_dir);
    m_engine = std::make_unique<PrivateDockerd>(m_dir);
    std::string why;
    ASSERT_TRUE(m_engine->start(&why)) << why;
    m_image = "dd-watch/busybox:restart";
    ASSERT_TRUE(ws::import_busybox(m_engine->host(), m_dir / "work", m_image, &why)) << why;
  }
  void TearDown() override {
    if (m_engine) {
      ws::cleanup(m_engine->host());
      m_engine->stop();
      m_engine.reset();
    }
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  fs::path m_dir;
  std::unique_ptr<PrivateDockerd> m_engine;
  std::string m_image;
};

TEST_F(WatchRestart, EngineRestartAndDaemonJson) {
  fs::create_directories(m_dir / "work");
  ws::WatchProc w({"-H", m_engine->host(), "--format", "ndjson", "--state", (m_dir / "work/state.db").string(), "--only",
                   "runtime.privileged,runtime.host-pid,daemon.log-level"});
  ASSERT_TRUE(w.wait_err("following the engine's events", milliseconds(60000))) << w.err();

  // The engine goes away; a container is created as soon as it is back, before the watch has
  // necessarily reconnected.
  m_engine->stop();
  ASSERT_TRUE(w.wait_err("lost the engine", milliseconds(30000))) << w.err();
  std::string why;
  ASSERT_TRUE(m_engine->start(&why)) << why;
  const auto argv = ws::docker(m_engine->host(), {"create", "--name", ws::prefix() + "after", "--label", ws::label(), "--network",
                                                  "none", "--privileged", "--pid", "host", m_image});
  const Proc p = run(argv);
  ASSERT_EQ(p.code, 0) << describe(argv, p);
  const std::string id = trim(p.out);
  ASSERT_TRUE(w.wait_err("reconnected to the engine", milliseconds(30000))) << w.err();
  for (const char* check : {"runtime.privileged", "runtime.host-pid"}) {
    EXPECT_GE(w.wait_line(
                  [&](const json& j) {
                    return j.value("transition", "") == "open" && j.value("id", "") == check &&
                           j["subject"].value("id", "") == id;
                  },
                  milliseconds(10000)),
              0)
        << check << "\n"
        << w.err();
  }
  // Events replayed with since= and the full audit after the reconnection: still once each.
  std::this_thread::sleep_for(milliseconds(2000));
  std::map<std::string, int> seen;
  for (const auto& j : w.objects()) {
    if (j.is_object() && j["subject"].value("id", "") == id) ++seen[j.value("transition", "") + " " + j.value("id", "")];
  }
  EXPECT_EQ(seen.size(), 2u);
  for (const auto& [k, n] : seen)
    EXPECT_EQ(n, 1) << k;

  // daemon.json changes: no engine event, inotify sees it; a section-2 transition.
  const std::size_t before = w.lines().size();
  write_file(m_engine->config(), "{\"log-level\": \"debug\"}\n");
  const long line =
      w.wait_line([](const json& j) { return j.value("id", "") == "daemon.log-level"; }, milliseconds(5000), before);
  ASSERT_GE(line, 0) << w.err();
  const auto j = *parse_json(w.lines()[static_cast<std::size_t>(line)].text);
  EXPECT_EQ(j["transition"], "open");
  EXPECT_EQ(j["cis"].get<std::string>().substr(0, 2), "2.");
  EXPECT_NE(j["evidence"].get<std::string>().find("daemon.json"), std::string::npos) << j.dump();
  write_file(m_engine->config(), "{}\n");
  EXPECT_GE(w.wait_line(
                [](const json& o) { return o.value("id", "") == "daemon.log-level" && o.value("transition", "") == "resolved"; },
                milliseconds(5000), before),
            0)
      << w.err();
  EXPECT_EQ(w.stop(), 0) << w.err();
}

}  // namespace
