// The `docker run` line: quoting for sh, one flag per line, the argv of a spec read from real
// `docker inspect` output, and what each finding changes.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "drydock/audit/runner.hpp"
#include "drydock/harden/findings.hpp"
#include "drydock/harden/run_line.hpp"
#include "drydock/parse/engine.hpp"

namespace drydock {
namespace {

using harden::shell_quote;

model::ContainerSpec inspect(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/inspect/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  auto doc = parse::inspect_document(s.str());
  if (!doc || doc->empty() || !doc->front()) throw std::runtime_error("cannot read " + name);
  return *doc->front();
}

std::set<std::string> failing(const model::ContainerSpec& c) {
  model::HostSnapshot snap;
  snap.engine = model::EngineInfo{};
  snap.engine->security_options = {"seccomp"};  // no AppArmor, no SELinux: those checks skip
  snap.containers = {c};
  const auto report = audit::run(snap, audit::Selection{}, audit::RunOptions{.daemon_checks = false, .image_checks = false});
  return harden::failing_checks(report, "container", c.name);
}

bool has(const std::vector<std::string>& argv, const std::string& flag, const std::string& value) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

bool has(const std::vector<std::string>& argv, const std::string& flag) {
  return std::find(argv.begin(), argv.end(), flag) != argv.end();
}

TEST(HardenRunLine, ShellQuoting) {
  EXPECT_EQ(shell_quote("nginx:1.25"), "nginx:1.25");
  EXPECT_EQ(shell_quote("type=bind,source=/etc,target=/x"), "type=bind,source=/etc,target=/x");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
  EXPECT_EQ(shell_quote("a\nb"), "'a\nb'");
  EXPECT_EQ(shell_quote("*"), "'*'");
}

TEST(HardenRunLine, OneFlagPerLineContinuedWithBackslash) {
  const auto text = harden::shell_command({"docker", "run", "--detach", "--name", "web", "--read-only", "--env", "A=it's",
                                           "--security-opt=x", "img:1", "sh", "-c", "echo hi"});
  EXPECT_EQ(text,
            "docker run \\\n"
            "  --detach \\\n"
            "  --name web \\\n"
            "  --read-only \\\n"
            "  --env 'A=it'\\''s' \\\n"
            "  --security-opt=x \\\n"
            "  img:1 sh -c 'echo hi'\n");
}

TEST(HardenRunLine, ArgvRecreatesWhatInspectShows) {
  auto c = inspect("mounts.json");
  const auto argv = harden::run_argv(c);
  EXPECT_EQ(argv[0], "docker");
  EXPECT_EQ(argv[1], "run");
  EXPECT_TRUE(has(argv, "--name", "dd-fx-mounts"));
  // The image, then its command, at the end.
  const auto image = std::find(argv.begin(), argv.end(), "drydock-test/busybox:1");
  ASSERT_NE(image, argv.end());
  EXPECT_EQ(std::vector<std::string>(image + 1, argv.end()), c.cmd);
  // A named volume by its name, not its path under /var/lib/docker.
  bool volume = false;
  for (const auto& a : argv)
    volume = volume || (a.starts_with("type=volume,source=dd-fx-vol,"));
  EXPECT_TRUE(volume);
}

TEST(HardenRunLine, LabelsOfTheContainerCarryOverNotTheImagesNorComposes) {
  model::ContainerSpec c;
  c.name = "web";
  c.image = "img";
  c.labels = {{"team", "payments"},
              {"org.opencontainers.image.version", "1.2"},
              {"com.docker.compose.project", "shop"},
              {"com.docker.compose.service", "web"}};
  harden::RunLineOptions o;
  o.image_labels = {{"org.opencontainers.image.version", "1.2"}};
  const auto line = harden::make_run_line(c, {}, o);
  EXPECT_TRUE(has(line.argv, "--label", "team=payments"));
  for (const auto& a : line.argv) {
    EXPECT_FALSE(a.starts_with("org.opencontainers")) << a;
    EXPECT_FALSE(a.starts_with("com.docker.compose")) << a;
  }
  ASSERT_FALSE(line.notes.empty());
  EXPECT_NE(line.notes.back().find("com.docker.compose.project, com.docker.compose.service"), std::string::npos);
  EXPECT_NE(line.notes.back().find("drydock harden compose"), std::string::npos);
  // An image label the container overrides is the container's own.
  c.labels = {{"org.opencontainers.image.version", "2.0"}};
  EXPECT_TRUE(has(harden::make_run_line(c, {}, o).argv, "--label", "org.opencontainers.image.version=2.0"));
}

TEST(HardenRunLine, EntrypointSplitsAroundTheImage) {
  model::ContainerSpec c;
  c.name = "x";
  c.image = "img";
  c.entrypoint = std::vector<std::string>{"/bin/tini", "--"};
  c.cmd = {"serve", "--port", "80"};
  const auto argv = harden::run_argv(c);
  const std::vector<std::string> tail(argv.end() - 6, argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"/bin/tini", "img", "--", "serve", "--port", "80"}));
  EXPECT_EQ(*(argv.end() - 7), "--entrypoint");
}

TEST(HardenRunLine, PrivilegedContainerLosesItsFindings) {
  const auto c = inspect("privileged.json");
  const auto fails = failing(c);
  ASSERT_TRUE(fails.contains("runtime.privileged"));
  const auto line = harden::make_run_line(c, fails, {});
  EXPECT_FALSE(has(line.argv, "--privileged"));
  EXPECT_TRUE(has(line.argv, "--read-only"));
  EXPECT_TRUE(has(line.argv, "--tmpfs", "/tmp"));
  EXPECT_TRUE(has(line.argv, "--tmpfs", "/run"));
  EXPECT_TRUE(has(line.argv, "--security-opt", "no-new-privileges:true"));
  EXPECT_TRUE(has(line.argv, "--cpu-shares", "512"));
  EXPECT_TRUE(has(line.argv, "--pids-limit", "1024"));
  EXPECT_FALSE(has(line.argv, "--memory"));  // not running: nothing measured
  EXPECT_TRUE(std::any_of(line.notes.begin(), line.notes.end(),
                          [](const std::string& n) { return n.starts_with("runtime.memory-limit"); }));
  const auto after = failing(line.hardened);
  for (const auto& ch : line.changes)
    EXPECT_FALSE(after.contains(ch.check_id)) << ch.check_id;
  EXPECT_FALSE(after.contains("runtime.privileged"));
  EXPECT_FALSE(after.contains("runtime.cap-all"));
  EXPECT_TRUE(after.contains("runtime.user-root"));  // not without --strict or an image USER
}

TEST(HardenRunLine, MeasuredUsageGivesTheLimits) {
  const auto c = inspect("privileged.json");
  harden::RunLineOptions o;
  o.usage = model::ContainerUsage{30 * 1024 * 1024, 3};
  const auto line = harden::make_run_line(c, failing(c), o);
  EXPECT_TRUE(has(line.argv, "--memory", "64m"));
  EXPECT_TRUE(has(line.argv, "--pids-limit", "64"));
  EXPECT_FALSE(failing(line.hardened).contains("runtime.memory-limit"));
}

TEST(HardenRunLine, UserFromTheImageElseOnlyWithStrict) {
  auto c = inspect("privileged.json");
  c.user = "root";
  harden::RunLineOptions image_user;
  image_user.image_user = "app";
  auto line = harden::make_run_line(c, failing(c), image_user);
  EXPECT_EQ(line.hardened.user, "app");
  EXPECT_FALSE(has(line.argv, "--user"));  // the image's default
  harden::RunLineOptions strict;
  strict.strict = true;
  line = harden::make_run_line(c, failing(c), strict);
  EXPECT_TRUE(has(line.argv, "--user", "65534:65534"));
  EXPECT_TRUE(has(line.argv, "--cap-drop", "ALL"));
}

TEST(HardenRunLine, PortsMoveToLoopbackUnlessAsked) {
  model::ContainerSpec c;
  c.name = "p";
  c.image = "img";
  c.ports = {{"80/tcp", "0.0.0.0", "8080"}, {"80/tcp", "::", "8080"}, {"81/tcp", "10.0.0.1", "8081"}};
  auto line = harden::make_run_line(c, failing(c), {});
  EXPECT_TRUE(has(line.argv, "--publish", "127.0.0.1:8080:80/tcp"));
  EXPECT_TRUE(has(line.argv, "--publish", "10.0.0.1:8081:81/tcp"));
  EXPECT_EQ(std::count(line.argv.begin(), line.argv.end(), "--publish"), 2);
  harden::RunLineOptions keep;
  keep.publish_all_interfaces = true;
  line = harden::make_run_line(c, failing(c), keep);
  EXPECT_TRUE(has(line.argv, "--publish", "0.0.0.0:8080:80/tcp"));
}

TEST(HardenRunLine, SocketDroppedSensitiveMountsReadOnly) {
  model::ContainerSpec c;
  c.name = "m";
  c.image = "img";
  c.mounts = {{"bind", "/var/run/docker.sock", "/var/run/docker.sock", true, "", ""},
              {"bind", "/etc", "/host/etc", true, "", ""},
              {"bind", "/srv/data", "/data", true, "", ""}};
  auto line = harden::make_run_line(c, failing(c), {});
  ASSERT_EQ(line.hardened.mounts.size(), 2U);
  EXPECT_FALSE(line.hardened.mounts[0].read_write);
  EXPECT_TRUE(line.hardened.mounts[1].read_write);
  EXPECT_TRUE(has(line.argv, "--mount", "type=bind,source=/etc,target=/host/etc,readonly"));
  harden::RunLineOptions strict;
  strict.strict = true;
  line = harden::make_run_line(c, failing(c), strict);
  ASSERT_EQ(line.hardened.mounts.size(), 1U);
  EXPECT_EQ(line.hardened.mounts[0].source, "/srv/data");
}

TEST(HardenRunLine, StatsParser) {
  const auto v2 = parse::container_stats(
      R"({"memory_stats":{"usage":10485760,"stats":{"inactive_file":4194304}},"pids_stats":{"current":3}})");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->memory, 6291456);
  EXPECT_EQ(v2->pids, 3);
  const auto stopped = parse::container_stats(R"({"memory_stats":{},"pids_stats":{}})");
  ASSERT_TRUE(stopped);
  EXPECT_FALSE(stopped->memory);
  EXPECT_FALSE(stopped->pids);
  EXPECT_FALSE(parse::container_stats("[1]"));
  // What a 20.10 engine on cgroup v1 answered for a busybox `sleep`.
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/inspect/stats-running.json", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const auto real = parse::container_stats(s.str());
  ASSERT_TRUE(real) << real.error().describe();
  EXPECT_EQ(real->memory, 618496);
  EXPECT_EQ(real->pids, 1);
  EXPECT_FALSE(parse::container_stats(R"({"memory_stats":{"usage":"x"}})"));
}

}  // namespace
}  // namespace drydock
