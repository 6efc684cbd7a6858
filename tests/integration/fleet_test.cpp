// `drydock fleet` against a Swarm of three private dockerd on this machine (swarm_nodes.hpp):
// the drydock image loaded on two nodes, a different misconfigured container on each, the third
// node without the image. Each node's findings come under that node and no other, the third is an
// error with the engine's reason, nothing is left behind, and the fleet report has the results
// that each node's own audit (the image run there, as cron would) gives, merged.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <map>
#include <set>

#include "support.hpp"
#include "swarm_nodes.hpp"

namespace drydock_it {
namespace {

const std::string k_root = std::string(DRYDOCK_TEST_DATA) + "/../..";
const std::string k_image = "dd-fleet-image:swarm";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// (check, subject kind, subject name) -> status, the auditing container (its name differs from
/// one run to the next) named AUDITOR.
std::map<std::string, std::string> statuses(const json& report, const std::string& host, const std::set<std::string>& auditors) {
  std::map<std::string, std::string> out;
  for (const auto& r : report["results"]) {
    if (r["id"] == "fleet.node-audited") continue;
    if (!host.empty() && r.value("host", json()) != host) continue;
    auto name = r["subject"]["name"].get<std::string>();
    if (auditors.contains(name) || name.starts_with("drydock-fleet-")) {
      // The fleet's task runs the image by its ID, which says nothing of a newer tag (info);
      // the single run by its tag (pass).
      if (r["id"] == "runtime.image-outdated") continue;
      name = "AUDITOR";
    }
    out[r["id"].get<std::string>() + " " + r["subject"]["kind"].get<std::string>() + " " + name] = r["status"];
  }
  return out;
}

TEST(FleetSwarm, EachNodeUnderItsOwnNameAndTheNodeWithoutTheImageAnError) {
  if (run({"docker", "version"}).code != 0) {
    if (in_ci()) FAIL() << "no engine";
    GTEST_SKIP() << "no engine";
  }
  SwarmNodes swarm(3);
  ASSERT_TRUE(swarm.ready()) << swarm.error() << "\n" << swarm.logs();
  const auto& nodes = swarm.nodes();

  // The image, built on the machine's engine, saved, loaded on the first two nodes only.
  struct Cleanup {
    ~Cleanup() { run({"docker", "rmi", "-f", k_image}); }
  } cleanup;
  const auto built = run({"sh", k_root + "/scripts/build-image", DRYDOCK_BIN, k_image}, std::chrono::seconds(300));
  ASSERT_EQ(built.code, 0) << built.err;
  const auto tar = swarm.dir() + "/image.tar";
  ASSERT_EQ(run({"docker", "save", "-o", tar, k_image}).code, 0);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto loaded = swarm.docker(i, {"load", "-i", tar});
    ASSERT_EQ(loaded.code, 0) << loaded.err;
  }
  // A different misconfiguration per node (created, not started: the audit reads stopped
  // containers too).
  ASSERT_EQ(swarm.docker(0, {"create", "--name", "dd-fleet-victim-1", "--cap-add", "SYS_ADMIN", k_image}).code, 0);
  ASSERT_EQ(swarm.docker(1, {"create", "--name", "dd-fleet-victim-2", "--pid", "host", k_image}).code, 0);

  std::map<std::string, std::string> hostname;  // node name -> the engine's name for itself
  for (std::size_t i = 0; i < nodes.size(); ++i)
    hostname[nodes[i].name] = trim(swarm.docker(i, {"info", "--format", "{{.Name}}"}).out);
  ASSERT_EQ(hostname[nodes[0].name], nodes[0].name) << "each node has its own hostname (UTS namespace)";

  const auto t0 = std::chrono::steady_clock::now();
  const auto fleet = run({DRYDOCK_BIN, "fleet", "--host", nodes[0].host(), "--image", k_image, "--wait", "120", "--format",
                          "json", "--fail-on", "none", "--verbose"},
                         std::chrono::seconds(300));
  const double fleet_s = seconds_since(t0);
  ASSERT_EQ(fleet.code, 0) << fleet.err << "\n" << swarm.logs();
  const auto report = parse_json(fleet.out);
  ASSERT_TRUE(report) << fleet.out.substr(0, 2000);

  // Every node named, each node's findings under it alone.
  std::set<std::string> host_names;
  for (const auto& h : (*report)["hosts"])
    host_names.insert(h["name"].get<std::string>());
  EXPECT_EQ(host_names, (std::set<std::string>{nodes[0].name, nodes[1].name, nodes[2].name})) << (*report)["hosts"].dump();
  const auto find = [&](const std::string& id, const std::string& name) {
    std::vector<json> found;
    for (const auto& r : (*report)["results"])
      if (r["id"] == id && r["subject"]["name"] == name) found.push_back(r);
    return found;
  };
  const auto cap = find("runtime.cap-sys-admin", "dd-fleet-victim-1");
  ASSERT_EQ(cap.size(), 1U) << fleet.err;
  EXPECT_EQ(cap[0]["status"], "fail");
  EXPECT_EQ(cap[0]["host"], nodes[0].name);
  const auto pid = find("runtime.host-pid", "dd-fleet-victim-2");
  ASSERT_EQ(pid.size(), 1U) << fleet.err;
  EXPECT_EQ(pid[0]["status"], "fail");
  EXPECT_EQ(pid[0]["host"], nodes[1].name);
  EXPECT_EQ(find("runtime.host-pid", "dd-fleet-victim-1").at(0)["status"], "pass");
  EXPECT_EQ(find("runtime.cap-sys-admin", "dd-fleet-victim-2").at(0)["status"], "pass");
  // The swarm's own checks on the manager only (workers do not see the cluster's configuration).
  for (std::size_t i = 0; i < 2; ++i) {
    const auto audited = find("fleet.node-audited", nodes[i].name);
    ASSERT_EQ(audited.size(), 1U);
    EXPECT_EQ(audited[0]["status"], "pass") << audited[0]["evidence"];
    EXPECT_EQ(audited[0]["host"], nodes[i].name);
  }
  const auto missing = find("fleet.node-audited", nodes[2].name);
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0]["status"], "error");
  EXPECT_NE(missing[0]["evidence"].get<std::string>().find("No such image"), std::string::npos) << missing[0]["evidence"];
  std::size_t third = 0;
  for (const auto& r : (*report)["results"])
    third += r.value("host", json()) == nodes[2].name ? 1 : 0;
  EXPECT_EQ(third, 1U) << "the node without the image has its error and nothing else";

  // Nothing left behind: no service, no task container on any node.
  EXPECT_EQ(trim(swarm.docker(0, {"service", "ls", "-q"}).out), "");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::string left;
    for (int k = 0; k < 40; ++k) {
      left = trim(swarm.docker(i, {"ps", "-aq", "--filter", "label=org.drydock.fleet"}).out);
      if (left.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(left, "") << nodes[i].name;
  }

  // Each node's own audit, as cron on each host would run it: the image on the two nodes that
  // have it (timed), drydock from here for the third; merged, the same results as the fleet's.
  std::vector<std::string> paths;
  double slowest_s = 0;
  std::set<std::string> auditors;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto path = swarm.dir() + "/node" + std::to_string(i + 1) + ".json";
    Proc p;
    if (i < 2) {
      const auto name = "dd-fleet-single-" + std::to_string(i + 1);
      auditors.insert(name);
      const auto t = std::chrono::steady_clock::now();
      p = swarm.docker(i,
                       {"run", "--rm", "--name", name, "-v", "/var/run/docker.sock:/var/run/docker.sock:ro", "-v", "/:/host:ro",
                        k_image, "host", "--root", "/host", "--format", "json", "--quiet", "--fail-on", "none"},
                       std::chrono::seconds(300));
      slowest_s = std::max(slowest_s, seconds_since(t));
    } else {
      p = run({DRYDOCK_BIN, "host", "--host", nodes[i].host(), "--format", "json", "--quiet", "--fail-on", "none"});
    }
    ASSERT_EQ(p.code, 0) << p.err;
    ASSERT_TRUE(write_file(path, p.out));
    paths.push_back(path);
  }
  std::vector<std::string> merge_argv = {DRYDOCK_BIN, "merge", "--format", "json", "--fail-on", "none"};
  merge_argv.insert(merge_argv.end(), paths.begin(), paths.end());
  const auto merged = run(merge_argv);
  ASSERT_EQ(merged.code, 0) << merged.err;
  const auto merged_report = parse_json(merged.out);
  ASSERT_TRUE(merged_report);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto a = statuses(*report, nodes[i].name, auditors), b = statuses(*merged_report, nodes[i].name, auditors);
    EXPECT_GT(a.size(), 100U);
    for (const auto& [key, status] : b) {
      const auto it = a.find(key);
      if (it == a.end()) {
        ADD_FAILURE() << nodes[i].name << ": " << key << " is not in the fleet's report";
      } else {
        EXPECT_EQ(it->second, status) << nodes[i].name << ": " << key;
      }
    }
    for (const auto& [key, status] : a)
      EXPECT_TRUE(b.contains(key)) << nodes[i].name << ": " << key << " is only in the fleet's report";
  }
  // The merged report of three hosts: SARIF with a run per host.
  merge_argv[3] = "sarif";
  const auto sarif = run(merge_argv);
  const auto sarif_json = parse_json(sarif.out);
  ASSERT_TRUE(sarif_json) << sarif.err;
  ASSERT_EQ((*sarif_json)["runs"].size(), 3U);
  std::set<std::string> ids;
  for (const auto& r : (*sarif_json)["runs"])
    ids.insert(r["automationDetails"]["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 3U);

  std::cerr << "[fleet] drydock fleet, 3 nodes: " << fleet_s << " s; slowest single-node audit (docker run of the image): "
            << slowest_s << " s\n";
}

/// Starts DRYDOCK_BIN with `args`, stdout and stderr to files under `dir`; its pid.
pid_t spawn_drydock(const std::vector<std::string>& args, const std::string& dir) {
  // Everything the child needs is made before fork (only async-signal-safe calls after it).
  std::vector<std::string> argv = {DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv)
    c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  const std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0 || err < 0) ::_exit(127);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  ::execv(c_argv[0], c_argv.data());
  ::_exit(127);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Ctrl-C while drydock fleet waits for the nodes: the service it created and the task container
// it started are gone afterwards. A Swarm of one private dockerd; the "drydock image" here is a
// busybox whose task sleeps (its command ignores drydock's arguments), so the task is certainly
// still running when SIGINT comes.
TEST(FleetSwarm, CtrlCWhileWaitingLeavesNoServiceAndNoTaskContainer) {
  if (run({"docker", "version"}).code != 0) {
    if (in_ci()) FAIL() << "no engine";
    GTEST_SKIP() << "no engine";
  }
  SwarmNodes swarm(1);
  ASSERT_TRUE(swarm.ready()) << swarm.error() << "\n" << swarm.logs();
  const std::string image = "dd-fleet-sleeper:sigint";
  const std::string label = "dd-fleet-sigint=" + std::to_string(::getpid());
  struct Cleanup {
    std::string label;
    ~Cleanup() { remove_labelled_images(label); }
  } cleanup{label};
  // Built on the machine's engine (import), saved and loaded on the node.
  const auto problem = import_busybox(swarm.dir() + "/sleeper", image, label, {R"(ENTRYPOINT ["sh", "-c", "sleep 3600"])"});
  ASSERT_EQ(problem, "");
  const auto tar = swarm.dir() + "/sleeper.tar";
  ASSERT_EQ(run({"docker", "save", "-o", tar, image}).code, 0);
  const auto loaded = swarm.docker(0, {"load", "-i", tar});
  ASSERT_EQ(loaded.code, 0) << loaded.err;

  const pid_t pid = spawn_drydock({"fleet", "--host", swarm.nodes()[0].host(), "--image", image, "--wait", "240", "--verbose"},
                                  swarm.dir());
  ASSERT_GT(pid, 0);
  // Until the node runs the task's container (labelled by drydock).
  std::string task;
  for (int k = 0; k < 240 && task.empty(); ++k) {
    task = trim(swarm.docker(0, {"ps", "-q", "--filter", "label=org.drydock.fleet=1", "--filter", "status=running"}).out);
    if (task.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (task.empty()) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    FAIL() << "no task container started:\n" << read_text(swarm.dir() + "/stderr") << "\n" << swarm.logs();
  }
  ASSERT_NE(trim(swarm.docker(0, {"service", "ls", "-q", "--filter", "label=org.drydock.fleet=1"}).out), "");

  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  bool exited = false;
  for (int k = 0; k < 240 && !exited; ++k) {
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  const auto err = read_text(swarm.dir() + "/stderr");
  ASSERT_TRUE(exited) << "drydock fleet did not end within 60 s of SIGINT:\n" << err;
  ASSERT_TRUE(WIFEXITED(status)) << err;
  EXPECT_EQ(WEXITSTATUS(status), 130) << err;
  EXPECT_NE(err.find("interrupted: removing the service"), std::string::npos) << err;
  EXPECT_EQ(read_text(swarm.dir() + "/stdout"), "") << "no report after Ctrl-C";

  // Nothing behind: no service at once; the task's container once the engine has stopped it.
  EXPECT_EQ(trim(swarm.docker(0, {"service", "ls", "-q"}).out), "");
  std::string left;
  for (int k = 0; k < 240; ++k) {
    left = trim(swarm.docker(0, {"ps", "-aq", "--filter", "label=org.drydock.fleet"}).out);
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(left, "") << "the task container " << task << " is still there";
}

}  // namespace
}  // namespace drydock_it
