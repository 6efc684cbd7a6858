// `drydock watch -H tcp://...`: an engine reached over TCP is on another machine. Its containers
// are watched from its events, but this machine's files, dockerd and audit rules are not its own:
// they are not read, and their checks are skipped (as `drydock host -H tcp://` does). The engine
// is a private dockerd listening on TCP in a network namespace of its own; the shared dockerd of
// this machine runs without userns remapping, so reading this machine's daemon would open
// daemon.userns-remap.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "second_daemon.hpp"
#include "watch_support.hpp"

namespace drydock_it {
namespace {

namespace ws = watch_support;
using std::chrono::milliseconds;

TEST(WatchRemote, ATcpEngineIsWatchedWithoutThisMachinesFiles) {
  SecondDaemon d;
  if (!d.ready()) {
    if (in_ci()) FAIL() << "could not start a private dockerd:\n" << d.log();
    GTEST_SKIP() << "could not start a private dockerd here";
  }
  ASSERT_GT(d.pid(), 1);
  char templ[] = "/tmp/dd-watch-remote-XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  const fs::path work = templ;
  const std::string image = "dd-watch-remote-busybox:1";
  std::string why;
  ASSERT_TRUE(ws::import_busybox(d.host(), work, image, &why)) << why;
  const std::string name = ws::prefix() + "remote-hostpid";
  const Proc c = run(ws::docker(d.host(), {"create", "--name", name, "--label", ws::label(), "--pid", "host", "--network",
                                           "none", image}));
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string id = trim(c.out);

  // The private dockerd's TCP listener is in its network namespace: drydock runs there.
  const std::string tcp = "tcp://127.0.0.1:" + std::to_string(d.port());
  const std::set<std::string> local = {"daemon.userns-remap", "daemon.icc-enabled", "host.audit-dockerd",
                                       "files.docker-sock-owner", "files.daemon-json-owner"};
  std::string only = "runtime.host-pid";
  for (const auto& l : local) only += "," + l;
  {
    ws::WatchProc w({"-H", tcp, "--format", "ndjson", "--only", only},
                    {"nsenter", "--net=/proc/" + std::to_string(d.pid()) + "/ns/net"});
    ASSERT_TRUE(w.wait_err("following the engine's events", milliseconds(60000))) << w.err();
    EXPECT_NE(w.err().find("the engine at " + tcp + " is on another machine"), std::string::npos) << w.err();
    // The remote engine's container is audited...
    EXPECT_GE(w.wait_line(
                  [&](const json& j) {
                    return j.value("transition", "") == "open" && j.value("id", "") == "runtime.host-pid" &&
                           j["subject"].value("id", "") == id;
                  },
                  milliseconds(5000)),
              0)
        << w.err();
    // ...and nothing of this machine is attributed to it.
    for (const auto& j : w.objects()) {
      if (!j.is_object()) continue;
      EXPECT_FALSE(local.contains(j.value("id", ""))) << j.dump();
    }
    EXPECT_EQ(w.stop(), 0) << w.err();
  }
  ws::cleanup(d.host());
  std::error_code ec;
  fs::remove_all(work, ec);
}

}  // namespace
}  // namespace drydock_it
