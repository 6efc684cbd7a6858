#pragma once
// A Swarm of the test's own on one machine: N private dockerd, each in its own network, mount and
// UTS namespace (unshare), with its own hostname, data root, exec root, pid file, engine key and
// socket; inside its mount namespace the socket is bind-mounted at /var/run/docker.sock, so a
// task there sees its own node. The namespaces are joined by veth pairs to a bridge that lives in
// the first node's network namespace (192.168.213.0/24), so nothing is added to the machine's own
// network namespace; the first node is the manager, the others join it. Everything is named
// dd-fleet-*; the destructor stops the daemons (their namespaces, bridge and veths go with them)
// and removes their directories, also when the test failed half-way.

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace drydock_it {

class SwarmNodes {
 public:
  struct Node {
    std::string name, dir, socket, address;
    int pid = 0;  ///< the namespaces' first process (unshare's shell)
    [[nodiscard]] std::string host() const { return "unix://" + socket; }
  };

  explicit SwarmNodes(int count) {
    char templ[] = "/tmp/dd-fleet-swarm-XXXXXX";
    if (::mkdtemp(templ) == nullptr) return;
    m_dir = templ;
    for (int i = 1; i <= count; ++i) {
      if (!start(i)) return;
    }
    m_error.clear();
    if (!network() || !swarm()) return;
    m_ready = true;
  }
  ~SwarmNodes() {
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it) {
      std::ifstream pid_file(it->dir + "/dockerd.pid");
      int pid = 0;
      if (pid_file >> pid && pid > 1) {
        ::kill(pid, SIGTERM);
        for (int i = 0; i < 150 && ::kill(pid, 0) == 0; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
      }
      if (it->pid > 1) ::kill(it->pid, SIGKILL);  // the namespace's shell: the namespaces end with it
    }
    for (const auto& n : m_nodes)
      run({"umount", "-l", n.dir + "/data"});
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  SwarmNodes(const SwarmNodes&) = delete;
  SwarmNodes& operator=(const SwarmNodes&) = delete;

  [[nodiscard]] bool ready() const { return m_ready; }
  [[nodiscard]] const std::string& error() const { return m_error; }
  [[nodiscard]] const std::vector<Node>& nodes() const { return m_nodes; }
  [[nodiscard]] const std::string& dir() const { return m_dir; }
  /// docker against node i.
  [[nodiscard]] Proc docker(std::size_t i, std::vector<std::string> args,
                            std::chrono::seconds timeout = std::chrono::seconds(120)) const {
    args.insert(args.begin(), {"docker", "-H", m_nodes[i].host()});
    return run(args, timeout);
  }
  [[nodiscard]] std::string logs() const {
    std::string out;
    for (const auto& n : m_nodes) {
      std::ifstream in(n.dir + "/dockerd.log");
      std::stringstream s;
      s << in.rdbuf();
      const auto text = s.str();
      out += "--- " + n.name + " (last 3000 bytes)\n" + (text.size() > 3000 ? text.substr(text.size() - 3000) : text);
    }
    return out;
  }

 private:
  bool fail(std::string why) {
    m_error = std::move(why);
    return false;
  }

  bool start(int i) {
    Node n;
    n.name = "dd-fleet-node" + std::to_string(i);
    n.dir = m_dir + "/" + n.name;
    n.socket = n.dir + "/d.sock";
    n.address = "192.168.213." + std::to_string(10 + i);
    fs::create_directories(n.dir);
    const auto config = n.dir + "/daemon.json";
    write_file(config, "{\n  \"hosts\": [\"unix://" + n.socket + "\"],\n  \"data-root\": \"" + n.dir + "/data\",\n  \"exec-root\": \"" +
                           n.dir + "/exec\",\n  \"pidfile\": \"" + n.dir + "/dockerd.pid\",\n  \"deprecated-key-path\": \"" + n.dir +
                           "/key.json\",\n  \"iptables\": false,\n  \"ip-masq\": false,\n  \"log-level\": \"info\",\n"
                           "  \"containerd-namespace\": \"" + n.name + "\",\n  \"containerd-plugins-namespace\": \"" + n.name +
                           "-plugins\"\n}\n");
    // In its namespaces: its hostname, loopback up, dockerd started, then its socket bind-mounted
    // at /var/run/docker.sock (seen only in this mount namespace); the shell stays as the
    // namespaces' anchor until killed.
    const std::string script =
        "hostname \"$1\" && ip link set lo up && mount --make-rprivate / && "
        "{ dockerd --config-file \"$2/daemon.json\" >\"$2/dockerd.log\" 2>&1 </dev/null & } && "
        "i=0; while [ ! -S \"$2/d.sock\" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
        "mount --bind \"$2/d.sock\" /var/run/docker.sock && echo mounted >\"$2/ns-ready\"; "
        "exec sleep infinity";
    const auto p = run({"sh", "-c",
                        "setsid unshare --net --mount --uts sh -c \"$0\" ns \"$1\" \"$2\" >\"$2/ns.log\" 2>&1 </dev/null & echo $!",
                        script, n.name, n.dir});
    if (p.code != 0) return fail(describe({"unshare"}, p));
    n.pid = std::atoi(trim(p.out).c_str());
    m_nodes.push_back(n);
    for (int k = 0; k < 120 && !fs::exists(n.dir + "/ns-ready"); ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (await_ping(n.socket, 120)) return true;
    return fail(n.name + " did not start");
  }

  [[nodiscard]] Proc in_net(const Node& n, const std::string& command) const {
    return run({"nsenter", "--net=/proc/" + std::to_string(n.pid) + "/ns/net", "sh", "-c", command});
  }

  bool network() {
    const auto& first = m_nodes.front();
    auto p = in_net(first, "ip link add dd-fleet-br type bridge && ip addr add 192.168.213.1/24 dev dd-fleet-br && ip link set dd-fleet-br up");
    if (p.code != 0) return fail(describe({"bridge"}, p));
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
      const auto& n = m_nodes[i];
      const auto a = "dd-fleet-a" + std::to_string(i + 1), b = "dd-fleet-b" + std::to_string(i + 1);
      // Made in the first node's namespace, one end moved into the node's.
      p = in_net(first, "ip link add " + a + " type veth peer name " + b + " && ip link set " + a +
                            " master dd-fleet-br up" + (i == 0 ? std::string() : " && ip link set " + b + " netns " + std::to_string(n.pid)));
      if (p.code != 0) return fail(describe({"veth"}, p));
      p = in_net(n, "ip addr add " + n.address + "/24 dev " + b + " && ip link set " + b + " up");
      if (p.code != 0) return fail(describe({"address"}, p));
    }
    return true;
  }

  bool swarm() {
    const auto& manager = m_nodes.front();
    auto p = docker(0, {"swarm", "init", "--advertise-addr", manager.address, "--listen-addr", manager.address + ":2377"});
    if (p.code != 0) return fail(describe({"swarm init"}, p));
    p = docker(0, {"swarm", "join-token", "-q", "worker"});
    if (p.code != 0) return fail(describe({"join-token"}, p));
    const auto token = trim(p.out);
    for (std::size_t i = 1; i < m_nodes.size(); ++i) {
      p = docker(i, {"swarm", "join", "--token", token, "--advertise-addr", m_nodes[i].address, manager.address + ":2377"});
      if (p.code != 0) return fail(describe({"swarm join"}, p));
    }
    for (int k = 0; k < 120; ++k) {
      p = docker(0, {"node", "ls", "--format", "{{.Status}}"});
      std::size_t ready = 0;
      for (const auto& l : lines(p.out))
        ready += trim(l) == "Ready" ? 1 : 0;
      if (ready == m_nodes.size()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return fail("the nodes did not all become Ready: " + p.out);
  }

  std::string m_dir, m_error = "not started";
  std::vector<Node> m_nodes;
  bool m_ready = false;
};

}  // namespace drydock_it
