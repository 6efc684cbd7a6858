#pragma once
// A dockerd of the test's own (its socket, data root and exec root under /tmp, in a network
// namespace of its own), for tests that need an engine they can configure or that must be
// empty: started by the constructor, stopped and removed by the destructor.

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support.hpp"

namespace drydock_it {

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
                   // Its own engine key, so its own engine ID, as another machine's engine.
                   "  \"deprecated-key-path\": \"" +
                   m_dir +
                   "/key.json\",\n"
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
    m_ready = m_started && await_ping(m_socket, 60);
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
  /// The dockerd's pid (0 when unknown): its network namespace, where tcp://127.0.0.1:port()
  /// answers, is /proc/PID/ns/net.
  [[nodiscard]] int pid() const {
    std::ifstream pid_file(m_dir + "/dockerd.pid");
    int pid = 0;
    return pid_file >> pid ? pid : 0;
  }

  [[nodiscard]] json audit(const std::string& only) const {
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

}  // namespace drydock_it
