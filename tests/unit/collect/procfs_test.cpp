#include "drydock/collect/host/procfs.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "drydock/collect/engine/client.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/parse/engine.hpp"
#include "fake_proc.hpp"

namespace drydock::collect {
namespace {

using testing::cmdline;
using testing::FakeProc;

const std::string k_id = "4f66ad9a0b2e1c5a7e1d2f3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";
const std::string k_other = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";

std::vector<std::string> pids(const std::vector<model::Process>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps)
    out.push_back(p.pid);
  return out;
}

/// Host processes that belong to no container, in every test tree.
void add_host_processes(const FakeProc& proc, const std::string& cgroup_prefix = "0::") {
  proc.add({1, cgroup_prefix + "/init.scope\n", cmdline({"/sbin/init"}), "systemd", 0, true});
  proc.add({2, cgroup_prefix + "/\n", "", "kthreadd", 0, true});
  proc.add(
      {700, cgroup_prefix + "/system.slice/docker.service\n", cmdline({"/usr/sbin/dockerd", "-H", "fd://"}), "dockerd", 0, true});
}

TEST(ProcessTable, CgroupV2Cgroupfs) {
  FakeProc proc;
  add_host_processes(proc);
  const std::string cg = "0::/docker/" + k_id + "\n";
  proc.add({4242, cg, cmdline({"/bin/sleep", "300"}), "sleep", 0, true});
  proc.add({4300, cg, cmdline({"/usr/sbin/sshd", "-D"}), "sshd", 1000, true});
  proc.add({5000, "0::/docker/" + k_other + "\n", cmdline({"nginx"}), "nginx", 101, true});

  const auto table = ProcessTable::scan(proc.dir());
  EXPECT_TRUE(table.readable());
  EXPECT_EQ(table.entries().size(), 6u);
  const auto ps = table.processes_of(4242, k_id);
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 2u);
  EXPECT_EQ((*ps)[0].pid, "4242");
  EXPECT_EQ((*ps)[0].user, "0");
  EXPECT_EQ((*ps)[0].command, "/bin/sleep 300");
  EXPECT_EQ((*ps)[1].pid, "4300");
  EXPECT_EQ((*ps)[1].user, "1000");
  EXPECT_EQ((*ps)[1].command, "/usr/sbin/sshd -D");

  const auto other = table.processes_of(5000, k_other);
  ASSERT_TRUE(other);
  EXPECT_EQ(pids(*other), std::vector<std::string>{"5000"});
  EXPECT_EQ((*other)[0].user, "101");
}

TEST(ProcessTable, CgroupV2Systemd) {
  FakeProc proc;
  add_host_processes(proc);
  const std::string cg = "0::/system.slice/docker-" + k_id + ".scope\n";
  proc.add({31, cg, cmdline({"postgres"}), "postgres", 999, true});
  proc.add({40, cg, cmdline({"postgres: checkpointer"}), "postgres", 999, true});
  proc.add({41, "0::/system.slice/docker-" + k_other + ".scope\n", cmdline({"redis-server", "*:6379"}), "redis", 999, true});
  const auto ps = ProcessTable::scan(proc.dir()).processes_of(31, k_id);
  ASSERT_TRUE(ps);
  EXPECT_EQ(pids(*ps), (std::vector<std::string>{"31", "40"}));
  EXPECT_EQ((*ps)[1].command, "postgres: checkpointer");
}

std::string v1_cgroup(const std::string& path) {
  std::string out;
  int n = 12;
  for (const char* c : {"pids", "blkio", "freezer", "devices", "memory", "cpuset", "cpu,cpuacct", "perf_event"})
    out += fmt::format("{}:{}:{}\n", n--, c, path);
  out += "1:name=systemd:" + path + "\n0::" + path + "\n";
  return out;
}

TEST(ProcessTable, CgroupV1AndSubCgroupsOfTheContainer) {
  FakeProc proc;
  proc.add({1, v1_cgroup("/init.scope"), cmdline({"/sbin/init"}), "systemd", 0, true});
  proc.add({800, v1_cgroup("/docker/" + k_id), cmdline({"/sbin/init"}), "systemd", 0, true});
  // A systemd in the container puts its services into sub-cgroups; `docker top` lists them.
  proc.add(
      {850, v1_cgroup("/docker/" + k_id + "/system.slice/ssh.service"), cmdline({"sshd: /usr/sbin/sshd -D"}), "sshd", 0, true});
  proc.add({900, v1_cgroup("/docker/" + k_other), cmdline({"sleep", "1"}), "sleep", 0, true});
  // Same id as a prefix of a longer name: not below the container's cgroup.
  proc.add({901, v1_cgroup("/docker/" + k_id + "-sibling"), cmdline({"sleep", "2"}), "sleep", 0, true});
  const auto ps = ProcessTable::scan(proc.dir()).processes_of(800, k_id);
  ASSERT_TRUE(ps);
  EXPECT_EQ(pids(*ps), (std::vector<std::string>{"800", "850"}));
  EXPECT_EQ((*ps)[1].command, "sshd: /usr/sbin/sshd -D");
}

TEST(ProcessTable, PidHostContainerIsItsCgroup) {
  // --pid host: the container's processes live among the host's, in no PID namespace of
  // their own; only the cgroup says which are the container's.
  FakeProc proc;
  add_host_processes(proc);
  const std::string cg = "0::/docker/" + k_id + "\n";
  proc.add({6100, cg, cmdline({"sleep", "3600"}), "sleep", 0, true});
  proc.add({6101, "0::/user.slice/user-1000.slice/session-3.scope\n", cmdline({"sleep", "3600"}), "sleep", 1000, true});
  proc.add({6102, cg, cmdline({"sh", "-c", "while :; do sleep 1; done"}), "sh", 0, true});
  const auto ps = ProcessTable::scan(proc.dir()).processes_of(6100, k_id);
  ASSERT_TRUE(ps);
  EXPECT_EQ(pids(*ps), (std::vector<std::string>{"6100", "6102"}));
  EXPECT_EQ((*ps)[1].command, "sh -c while :; do sleep 1; done");
}

TEST(ProcessTable, PidThatIsNotTheContainerGivesNothing) {
  FakeProc proc;
  add_host_processes(proc);
  proc.add({4242, "0::/docker/" + k_id + "\n", cmdline({"sleep", "300"}), "sleep", 0, true});
  // Another PID namespace, or a pid reused meanwhile: the process there is someone else.
  proc.add({5000, "0::/user.slice\n", cmdline({"bash"}), "bash", 1000, true});
  const auto table = ProcessTable::scan(proc.dir());
  EXPECT_FALSE(table.processes_of(5000, k_id));
  EXPECT_FALSE(table.processes_of(4242, k_other));  // the cgroup names another container
  EXPECT_FALSE(table.processes_of(9999, k_id));     // not in the table
  EXPECT_FALSE(table.processes_of(0, k_id));        // not running
  EXPECT_FALSE(table.processes_of(-1, k_id));
  EXPECT_FALSE(table.processes_of(4242, ""));
  EXPECT_TRUE(table.processes_of(4242, k_id));
}

TEST(ProcessTable, VanishedProcessesAndOtherEntriesAreSkipped) {
  FakeProc proc;
  const std::string cg = "0::/docker/" + k_id + "\n";
  proc.add({10, cg, cmdline({"sleep", "1"}), "sleep", 0, true});
  proc.add({11, "", cmdline({"sleep", "2"}), "sleep", 0, true});   // no cgroup file
  proc.add({12, cg, cmdline({"sleep", "3"}), "sleep", 0, false});  // no status file
  proc.add_other("13", true);                                      // empty directory: gone
  proc.add_other("self", true);
  proc.add_other("sys", true);
  proc.add_other("12ab", true);
  proc.add_other("0", true);
  proc.add_other("99999999999", true);
  proc.add_other("uptime", false);
  const auto table = ProcessTable::scan(proc.dir());
  ASSERT_EQ(table.entries().size(), 1u);
  EXPECT_EQ(table.entries()[0].pid, 10);
  const auto ps = table.processes_of(10, k_id);
  ASSERT_TRUE(ps);
  EXPECT_EQ(pids(*ps), std::vector<std::string>{"10"});
}

TEST(ProcessTable, CommandLines) {
  FakeProc proc;
  const std::string cg = "0::/docker/" + k_id + "\n";
  proc.add({20, cg, "", "kworker/0:1", 0, true});                                          // empty: [comm]
  proc.add({21, cg, cmdline({"a b", "", "c"}), "x", 0, true});                             // empty argument kept
  proc.add({22, cg, std::string("nginx: master process\0\0\0\0", 25), "nginx", 0, true});  // padded title
  proc.add({23, cg, "no-terminator", "t", 0, true});
  const auto table = ProcessTable::scan(proc.dir());
  ASSERT_EQ(table.entries().size(), 4u);
  EXPECT_EQ(table.find(20)->command, "[kworker/0:1]");
  EXPECT_EQ(table.find(21)->command, "a b  c");
  EXPECT_EQ(table.find(22)->command, "nginx: master process");
  EXPECT_EQ(table.find(23)->command, "no-terminator");
  EXPECT_EQ(table.find(24), nullptr);
}

TEST(ProcessTable, UnreadableRoot) {
  const auto table = ProcessTable::scan("/nonexistent/drydock-proc");
  EXPECT_FALSE(table.readable());
  EXPECT_TRUE(table.entries().empty());
  EXPECT_FALSE(table.processes_of(1, k_id));
  EXPECT_FALSE(proc_root_readable("/nonexistent/drydock-proc"));
  EXPECT_FALSE(proc_root_readable(""));
  EXPECT_FALSE(ProcessTable::scan("").readable());
}

TEST(ProcessTable, RealProcContainsThisProcess) {
  ASSERT_TRUE(proc_root_readable("/proc"));
  const auto table = ProcessTable::scan();
  ASSERT_TRUE(table.readable());
  const ProcEntry* self = table.find(static_cast<int>(::getpid()));
  ASSERT_NE(self, nullptr);
  EXPECT_NE(self->command.find("unit_collect"), std::string::npos) << self->command;
  EXPECT_EQ(self->uid, std::to_string(::getuid()));
  EXPECT_FALSE(self->cgroup.empty());
}

TEST(CgroupWithin, Lines) {
  EXPECT_TRUE(cgroup_within("0::/docker/a\n", "0::/docker/a\n"));
  EXPECT_TRUE(cgroup_within("0::/docker/a/x\n", "0::/docker/a\n"));
  EXPECT_TRUE(cgroup_within("0::/docker/a/x", "0::/docker/a\n"));  // final newline or not
  EXPECT_FALSE(cgroup_within("0::/docker/ab\n", "0::/docker/a\n"));
  EXPECT_FALSE(cgroup_within("0::/docker\n", "0::/docker/a\n"));
  EXPECT_FALSE(cgroup_within("1:pids:/docker/a\n", "0::/docker/a\n"));
  EXPECT_TRUE(cgroup_within("0::/x\n", "0::/\n"));
  EXPECT_TRUE(cgroup_within("2:pids:/docker/a/s\n1:cpu:/docker/a\n", "2:pids:/docker/a\n1:cpu:/docker/a\n"));
  EXPECT_FALSE(cgroup_within("2:pids:/docker/a\n", "2:pids:/docker/a\n1:cpu:/docker/a\n"));
  EXPECT_FALSE(cgroup_within("2:pids:/docker/a\n1:cpu:/docker/a\n", "2:pids:/docker/a\n"));
  EXPECT_FALSE(cgroup_within("2:pids:/docker/a\n1:cpu:/other\n", "2:pids:/docker/a\n1:cpu:/docker/a\n"));
  EXPECT_FALSE(cgroup_within("garbage\n", "0::/docker/a\n"));
  EXPECT_TRUE(cgroup_within("garbage\n", "garbage\n"));
}

// ------------------------------------------------------------------------------------------
// The real engine and the real /proc (always available in CI).

/// Runs a shell command; its stdout, and the exit status in `status`.
std::string sh(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  status = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

/// A busybox image made with `docker import` and labelled containers of it; removed at exit.
class RealContainers {
 public:
  RealContainers() {
    const std::string tag = fmt::format("drydock-test/procfs:{}", ::getpid());
    m_tmp = fmt::format("/tmp/drydock-procfs-{}", ::getpid());
    const std::filesystem::path bin = std::filesystem::path(m_tmp) / "rootfs" / "bin";
    std::filesystem::create_directories(bin);
    std::filesystem::copy_file("/bin/busybox", bin / "busybox", std::filesystem::copy_options::overwrite_existing);
    for (const char* a : {"sh", "sleep"}) {
      std::error_code ec;
      std::filesystem::create_symlink("busybox", bin / a, ec);
    }
    int status = 0;
    const std::string out =
        sh(fmt::format("tar -C {0}/rootfs -cf {0}/rootfs.tar . && docker import {0}/rootfs.tar {1} 2>&1", m_tmp, tag), status);
    if (status != 0) {
      m_error = "docker import failed: " + out;
      return;
    }
    m_image = tag;
  }
  ~RealContainers() {
    int status = 0;
    for (const auto& id : m_ids)
      sh(fmt::format("docker rm -f -v {} >/dev/null 2>&1", id), status);
    if (!m_image.empty()) sh(fmt::format("docker rmi -f {} >/dev/null 2>&1", m_image), status);
    std::error_code ec;
    std::filesystem::remove_all(m_tmp, ec);
  }
  RealContainers(const RealContainers&) = delete;
  RealContainers& operator=(const RealContainers&) = delete;

  /// Starts a container with two processes: the init (sleep 3600) and a child it started
  /// before exec (sleep 3601). Its id, or "" with error() saying why.
  std::string run(const std::string& options) {
    if (m_image.empty()) return {};
    int status = 0;
    std::string id =
        sh(fmt::format("docker run -d --label drydock.test=procfs-{} {} {} sh -c 'sleep 3601 & exec sleep 3600' 2>&1", ::getpid(),
                       options, m_image),
           status);
    if (status != 0) {
      m_error = "docker run failed: " + id;
      return {};
    }
    m_ids.push_back(id);
    return id;
  }

  [[nodiscard]] const std::string& error() const { return m_error; }

 private:
  std::string m_tmp, m_image, m_error;
  std::vector<std::string> m_ids;
};

std::vector<std::pair<std::string, std::string>> pid_commands(const std::vector<model::Process>& ps) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : ps)
    out.emplace_back(p.pid, p.command);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RealEngine, ProcMatchesTop) {
  Endpoint ep;
  ep.host = std::string(k_default_host);
  auto client = EngineClient::connect(ep, ClientOptions{});
  if (!client) {
    if (std::getenv("CI") != nullptr) FAIL() << client.error().describe();
    GTEST_SKIP() << client.error().describe();
  }
  if (!std::filesystem::exists("/bin/busybox")) {
    if (std::getenv("CI") != nullptr) FAIL() << "/bin/busybox (busybox-static) is required";
    GTEST_SKIP() << "no /bin/busybox (busybox-static)";
  }
  auto& engine = **client;
  RealContainers containers;
  for (const std::string options : {"", "--pid host"}) {
    SCOPED_TRACE("docker run " + options);
    const std::string id = containers.run(options);
    ASSERT_FALSE(id.empty()) << containers.error();

    // Wait until the init has started its child, as the engine sees it.
    std::vector<model::Process> top;
    for (int i = 0; i < 100; ++i) {
      auto body = engine.get("/containers/" + id + "/top");
      ASSERT_TRUE(body) << body.error().describe();
      auto parsed = parse::top(*body);
      ASSERT_TRUE(parsed) << parsed.error().describe();
      top = std::move(*parsed);
      if (top.size() >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(top.size(), 2u);

    auto inspect = engine.get("/containers/" + id + "/json");
    ASSERT_TRUE(inspect) << inspect.error().describe();
    auto spec = parse::container_inspect(*inspect);
    ASSERT_TRUE(spec) << spec.error().describe();
    ASSERT_GT(spec->pid, 0);
    EXPECT_EQ(spec->id, id);

    const auto table = ProcessTable::scan();
    const auto procs = table.processes_of(spec->pid, spec->id);
    const ProcEntry* init = table.find(spec->pid);
    ASSERT_TRUE(procs) << "pid " << spec->pid << " is not container " << spec->id
                       << " in /proc (cgroup: " << (init != nullptr ? init->cgroup : "absent") << ")";
    EXPECT_EQ(pid_commands(*procs), pid_commands(top));
    for (const auto& p : *procs) {
      EXPECT_EQ(p.user, "0") << p.pid;
      EXPECT_EQ(p.command, p.pid == std::to_string(spec->pid) ? "sleep 3600" : "sleep 3601") << p.pid;
    }

    // The collector takes the same list from /proc.
    auto snap = collect_containers(engine, {id}, {});
    ASSERT_TRUE(snap) << snap.error().describe();
    ASSERT_EQ(snap->containers.size(), 1u);
    ASSERT_TRUE(snap->containers[0].processes) << snap->containers[0].processes_unavailable;
    EXPECT_EQ(pid_commands(*snap->containers[0].processes), pid_commands(top));
  }
}

}  // namespace
}  // namespace drydock::collect
