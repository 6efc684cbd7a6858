// `drydock watch --format ndjson` against the real engine: a container run with a read-only /etc
// mount and a port on 0.0.0.0 opens both findings within 2 s, naming its full id; an exec as root
// opens 5.24 with the exec id; removing it resolves them; a watch restarted on its state file
// announces nothing again, and `drydock history` tells the story once.
// Containers here run on the shared engine, named dd-watch-<pid>-...; the restart of the engine
// itself is in watch_restart_test.cpp, on a private dockerd.

#include <gtest/gtest.h>

#include <unistd.h>

#include <ctime>
#include <map>
#include <set>

#include "support.hpp"
#include "watch_support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
namespace ws = drydock_it::watch_support;
using std::chrono::milliseconds;

class WatchEngine : public testing::Test {
 protected:
  void SetUp() override {
    DD_WATCH_REQUIRE_ENGINE();
    m_dir = fs::temp_directory_path() / (ws::prefix() + "engine");
    fs::create_directories(m_dir);
    m_image = "dd-watch/busybox:engine-" + std::to_string(::getpid());
    std::string why;
    ASSERT_TRUE(ws::import_busybox("", m_dir, m_image, &why)) << why;
    m_ready = true;
  }
  void TearDown() override {
    if (!m_ready) return;
    ws::cleanup("");
    fs::remove_all(m_dir);
  }

  std::vector<std::string> watch_args() const {
    return {"--format", "ndjson",
            "--state",  (m_dir / "state.db").string(),
            "--only",   "runtime.sensitive-host-mount,runtime.port-all-interfaces,runtime.exec-root,runtime.privileged"};
  }

  fs::path m_dir;
  std::string m_image;
  bool m_ready = false;
};

bool is(const json& j, const std::string& transition, const std::string& check, const std::string& subject_id) {
  return j.is_object() && j.value("transition", "") == transition && j.value("id", "") == check &&
         j["subject"].value("id", "") == subject_id;
}

// SIGTERM (as docker stop and systemd send it) as soon as the watch says it started, while its
// first audit is running: a clean stop, exit 0, never the default action's 143. It used to be
// taken only from the end of the first audit on, and only by the threads started after it.
TEST_F(WatchEngine, ATermDuringTheFirstAuditStopsItCleanly) {
  for (int round = 0; round < 3; ++round) {
    ws::WatchProc w(watch_args());
    ASSERT_TRUE(w.wait_err("watching the engine at", milliseconds(30000))) << w.err();
    EXPECT_EQ(w.stop(), 0) << "round " << round << "\n" << w.err();
  }
}

TEST_F(WatchEngine, RunExecRemoveAndResumeFromTheStateFile) {
  std::string id;
  std::string exec_id;
  {
    ws::WatchProc w(watch_args());
    ASSERT_TRUE(w.wait_err("following the engine's events", milliseconds(60000))) << w.err();
    const std::size_t after_first_audit = w.lines().size();

    const int port = free_port();
    const std::vector<std::string> argv{"docker",
                                        "run",
                                        "-d",
                                        "--name",
                                        ws::prefix() + "web",
                                        "--label",
                                        ws::label(),
                                        "-v",
                                        "/etc:/host-etc:ro",
                                        "-p",
                                        "0.0.0.0:" + std::to_string(port) + ":80",
                                        m_image};
    const Proc p = run(argv);
    const auto ran = ws::WatchProc::Clock::now();
    ASSERT_EQ(p.code, 0) << describe(argv, p);
    id = trim(p.out);
    ASSERT_EQ(id.size(), 64u) << id;

    const long mount = w.wait_line([&](const json& j) { return is(j, "open", "runtime.sensitive-host-mount", id); },
                                   milliseconds(5000), after_first_audit);
    const long port_line = w.wait_line([&](const json& j) { return is(j, "open", "runtime.port-all-interfaces", id); },
                                       milliseconds(5000), after_first_audit);
    ASSERT_GE(mount, 0) << w.err();
    ASSERT_GE(port_line, 0) << w.err();
    const auto lines = w.lines();
    for (long i : {mount, port_line}) {
      const auto late = std::chrono::duration_cast<milliseconds>(lines[static_cast<std::size_t>(i)].at - ran);
      EXPECT_LT(late.count(), 2000) << lines[static_cast<std::size_t>(i)].text;
      const auto j = *parse_json(lines[static_cast<std::size_t>(i)].text);
      EXPECT_EQ(j["subject"]["kind"], "container");
      EXPECT_EQ(j["subject"]["name"], ws::prefix() + "web");
      EXPECT_EQ(j["status"], "fail");
      EXPECT_TRUE(j.contains("time") && j.contains("severity") && j.contains("evidence") && j.contains("location"));
    }
    EXPECT_NE(lines[static_cast<std::size_t>(mount)].text.find("/etc"), std::string::npos);

    // An exec as root: 5.24 is decided, the exec id in the evidence. The engine drops a finished
    // exec from the container's ExecIDs; its id is in the exec_start event.
    const std::string since = std::to_string(std::time(nullptr) - 1);
    const Proc e = run({"docker", "exec", "-u", "0", ws::prefix() + "web", "id"});
    ASSERT_EQ(e.code, 0) << e.err;
    const Proc ev =
        run({"docker", "events", "--since", since, "--until", std::to_string(std::time(nullptr) + 1), "--filter",
             "container=" + id, "--filter", "event=exec_start", "--format", "{{index .Actor.Attributes \"execID\"}}"});
    ASSERT_EQ(ev.code, 0) << ev.err;
    exec_id = trim(ev.out);
    ASSERT_EQ(exec_id.size(), 64u) << ev.out;
    const long exec_line =
        w.wait_line([&](const json& j) { return is(j, "open", "runtime.exec-root", id); }, milliseconds(5000), after_first_audit);
    ASSERT_GE(exec_line, 0) << w.err();
    const auto ej = *parse_json(w.lines()[static_cast<std::size_t>(exec_line)].text);
    EXPECT_EQ(ej["cis"], "5.24");
    EXPECT_NE(ej["evidence"].get<std::string>().find(exec_id), std::string::npos) << ej.dump();
    EXPECT_NE(ej["evidence"].get<std::string>().find("`id`"), std::string::npos) << ej.dump();

    ASSERT_EQ(run({"docker", "rm", "-f", id}).code, 0);
    for (const char* check : {"runtime.sensitive-host-mount", "runtime.port-all-interfaces", "runtime.exec-root"}) {
      EXPECT_GE(w.wait_line([&](const json& j) { return is(j, "resolved", check, id); }, milliseconds(5000), after_first_audit),
                0)
          << check << "\n"
          << w.err();
    }
    // Each transition of this container exactly once.
    std::map<std::string, int> seen;
    for (const auto& j : w.objects())
      if (j.is_object() && j["subject"].value("id", "") == id) ++seen[j.value("transition", "") + " " + j.value("id", "")];
    for (const auto& [k, n] : seen)
      EXPECT_EQ(n, 1) << k;
    EXPECT_EQ(w.stop(), 0) << w.err();
  }

  // A second container, then the watch stopped: the next run announces it once, and nothing else of ours.
  const Proc p2 = run({"docker", "create", "--name", ws::prefix() + "priv", "--label", ws::label(), "--privileged", m_image});
  ASSERT_EQ(p2.code, 0) << p2.err;
  const std::string priv = trim(p2.out);
  {
    ws::WatchProc w(watch_args());
    ASSERT_TRUE(w.wait_err("following the engine's events", milliseconds(60000))) << w.err();
    EXPECT_GE(w.wait_line([&](const json& j) { return is(j, "open", "runtime.privileged", priv); }, milliseconds(100)), 0);
    EXPECT_EQ(w.stop(), 0);
  }
  {
    // Restarted on the same state: everything it knew is still open, nothing is said again.
    ws::WatchProc w(watch_args());
    ASSERT_TRUE(w.wait_err("following the engine's events", milliseconds(60000))) << w.err();
    std::this_thread::sleep_for(milliseconds(500));
    for (const auto& j : w.objects()) {
      if (!j.is_object()) continue;
      const std::string sid = j["subject"].value("id", "");
      EXPECT_TRUE(sid != priv && sid != id) << "announced again after a restart: " << j.dump();
    }
    EXPECT_EQ(w.stop(), 0);
  }

  // History: each transition once, in order; what was open when.
  const std::string state = (m_dir / "state.db").string();
  Proc h = run({DRYDOCK_BIN, "history", "--state", state, "--subject", ws::prefix() + "*", "--format", "json"});
  ASSERT_EQ(h.code, 0) << h.err;
  auto hj = parse_json(h.out);
  ASSERT_TRUE(hj) << h.out;
  std::map<std::string, int> count;
  std::string opened_at, resolved_at;
  for (const auto& t : (*hj)["transitions"]) {
    ++count[t["transition"].get<std::string>() + " " + t["id"].get<std::string>() + " " + t["subject"]["id"].get<std::string>()];
    if (t["subject"]["id"] == id && t["id"] == "runtime.port-all-interfaces") {
      (t["transition"] == "open" ? opened_at : resolved_at) = t["time"].get<std::string>();
    }
  }
  for (const auto& [k, n] : count)
    EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(count["open runtime.privileged " + priv], 1);
  EXPECT_EQ(count["resolved runtime.exec-root " + id], 1);
  ASSERT_FALSE(opened_at.empty());
  ASSERT_FALSE(resolved_at.empty());
  ASSERT_LT(opened_at, resolved_at);
  // At the moment it opened, the port finding was open; now only the privileged container's is.
  h = run({DRYDOCK_BIN, "history", "--state", state, "--subject", ws::prefix() + "*", "--at", opened_at, "--format", "json"});
  ASSERT_EQ(h.code, 0) << h.err;
  hj = parse_json(h.out);
  ASSERT_TRUE(hj) << h.out;
  bool port_open = false;
  for (const auto& f : (*hj)["open"])
    port_open = port_open || (f["id"] == "runtime.port-all-interfaces" && f["subject"]["id"] == id && f["since"] == opened_at);
  EXPECT_TRUE(port_open) << h.out;
  h = run({DRYDOCK_BIN, "history", "--state", state, "--subject", ws::prefix() + "*", "--at", "2999-01-01"});
  ASSERT_EQ(h.code, 0) << h.err;
  EXPECT_NE(h.out.find("runtime.privileged"), std::string::npos) << h.out;
  EXPECT_EQ(h.out.find("runtime.port-all-interfaces"), std::string::npos) << h.out;
  h = run({DRYDOCK_BIN, "history", "--state", state, "--since", resolved_at, "--subject", id, "--format", "ndjson"});
  ASSERT_EQ(h.code, 0) << h.err;
  for (const auto& l : lines(h.out))
    EXPECT_GE(parse_json(l).value()["time"].get<std::string>(), resolved_at) << l;
  // Not a state file; a bad time.
  EXPECT_EQ(run({DRYDOCK_BIN, "history", "--state", (m_dir / "rootfs.tar").string()}).code, 2);
  EXPECT_EQ(run({DRYDOCK_BIN, "history", "--state", state, "--since", "last tuesday"}).code, 2);
}

}  // namespace
