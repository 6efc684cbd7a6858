// `drydock harden` against a real docker-compose and a real dockerd: the override file is accepted
// by docker-compose 1.29 and fixes what it says it fixes, everything else listed as an edit; the
// printed `docker run` command starts a container without the fixed findings.
// Containers and images are named dd-harden-<pid>-... and labelled, and removed at the end.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "drydock/audit/runner.hpp"
#include "drydock/parse/compose.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_bin = DRYDOCK_BIN;

Proc drydock(std::vector<std::string> args) {
  args.insert(args.begin(), k_bin);
  return run(args);
}

/// A folder of its own, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/dd-harden-it-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

/// (check id, subject name) -> status, from a JSON report.
std::map<std::pair<std::string, std::string>, std::string> statuses(const std::string& report) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  const auto j = parse_json(report);
  if (!j) return out;
  for (const auto& r : (*j)["results"])
    out[{r["id"].get<std::string>(), r["subject"]["name"].get<std::string>()}] = r["status"].get<std::string>();
  return out;
}

bool is_finding(const std::string& status) { return status == "fail" || status == "warn"; }

bool have_compose() { return run({"docker-compose", "version", "--short"}).code == 0; }

TEST(HardenCliCompose, OverrideAcceptedByDockerCompose129AndFixesWhatItCan) {
  if (!have_compose()) {
    if (in_ci()) FAIL() << "docker-compose is not installed";
    GTEST_SKIP() << "docker-compose (v1) is not installed";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string base = (dir.path / "compose.yaml").string();
  fs::copy_file(std::string(DRYDOCK_TEST_DATA) + "/harden/compose.yaml", base);
  const std::string override = (dir.path / "drydock.override.yaml").string();

  const Proc h = drydock({"harden", "compose", base, "-o", override});
  ASSERT_EQ(h.code, 0) << h.err;
  ASSERT_TRUE(fs::exists(override));
  EXPECT_NE(h.err.find("before: "), std::string::npos) << h.err;
  EXPECT_NE(h.err.find("with the override: "), std::string::npos) << h.err;

  // docker-compose 1.29 accepts the pair.
  const auto config = run({"env", "-i", "PATH=/usr/bin:/bin", "docker-compose", "--project-directory", dir.path.string(), "-f",
                           base, "-f", override, "config"});
  ASSERT_EQ(config.code, 0) << config.err << "\n" << h.out;

  // Before and after, as `drydock compose` sees them.
  const Proc before = drydock({"compose", base, "--format", "json", "--fail-on", "none"});
  ASSERT_EQ(before.code, 0) << before.err;
  const Proc after = drydock({"compose", base, override, "--format", "json", "--fail-on", "none"});
  ASSERT_EQ(after.code, 0) << after.err;
  const auto was = statuses(before.out);
  const auto now = statuses(after.out);
  ASSERT_FALSE(was.empty());

  // The edits printed: "edit: FILE:LINE:COL: SERVICE: CHECK...".
  std::set<std::pair<std::string, std::string>> edits;
  for (const auto& l : lines(h.out)) {
    ASSERT_TRUE(l.starts_with("edit: " + base + ":")) << l;
    const auto rest = l.substr(6 + base.size() + 1);
    const auto parts = rest.find(": ");
    ASSERT_NE(parts, std::string::npos) << l;
    const auto svc_end = rest.find(": ", parts + 2);
    const auto service = rest.substr(parts + 2, svc_end - parts - 2);
    const auto check_end = rest.find_first_of(": ", svc_end + 2);
    edits.emplace(rest.substr(svc_end + 2, check_end - svc_end - 2), service);
  }
  ASSERT_FALSE(edits.empty());

  int fixed = 0;
  for (const auto& [key, status] : was) {
    if (!is_finding(status)) continue;
    const auto it = now.find(key);
    ASSERT_NE(it, now.end()) << key.first << " " << key.second;
    if (is_finding(it->second)) {
      EXPECT_TRUE(edits.contains(key)) << "still found but not listed as an edit: " << key.first << " on " << key.second;
    } else {
      ++fixed;
      EXPECT_FALSE(edits.contains(key)) << "fixed but listed as an edit: " << key.first << " on " << key.second;
    }
  }
  for (const auto& key : edits) {
    ASSERT_TRUE(now.contains(key)) << key.first;
    EXPECT_TRUE(is_finding(now.at(key))) << "listed as an edit but passes: " << key.first << " on " << key.second;
  }
  EXPECT_GE(fixed, 12);
  for (const char* svc : {"web", "worker"}) {
    for (const char* id : {"runtime.readonly-rootfs", "runtime.no-new-privileges", "runtime.pids-limit", "runtime.cpu-limit"})
      EXPECT_EQ(now.at({id, svc}), "pass") << id << " " << svc;
  }
  EXPECT_EQ(now.at({"runtime.privileged", "web"}), "pass");
  EXPECT_TRUE(edits.contains({"runtime.docker-socket-mount", "web"}));
  EXPECT_TRUE(edits.contains({"runtime.sensitive-host-mount", "web"}));
  EXPECT_TRUE(edits.contains({"runtime.cap-sys-admin", "worker"}));

  // docker-compose's own merge says the same: its `config` output, audited, passes what the override fixed.
  drydock::parse::ComposeInput theirs_in;
  theirs_in.working_dir = dir.path.string();
  theirs_in.files = {drydock::parse::ComposeFile{"docker-compose config", config.out}};
  const auto theirs = drydock::parse::compose_project(theirs_in);
  ASSERT_TRUE(theirs.diagnostics.empty()) << theirs.diagnostics.front().message << "\n" << config.out;
  const auto report = drydock::audit::run(theirs, drydock::audit::Selection{});
  for (const auto& r : report.results) {
    const auto key = std::make_pair(std::string(r.check->id), r.subject->name);
    if (!now.contains(key)) continue;
    EXPECT_EQ(std::string(drydock::core::to_string(r.finding.status)), now.at(key))
        << key.first << " on " << key.second << " (docker-compose config vs drydock compose)";
  }

  // The edits are also at the top of the file, as comments.
  std::ifstream in(override);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("#   " + base + ":11:"), std::string::npos) << text;
}

// ---------------------------------------------------------------------------------------
// Containers

struct World {
  std::string problem;
  std::string label;
  std::string prefix;
  std::string image;
  std::string network;  ///< the containers' network: the recreated ones start on it (not on the default bridge)
  TempDir dir;
};

World& world() {
  static World* w = [] {
    auto* x = new World;
    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0) {
      x->problem = "no Docker Engine answers: " + trim(ping.err);
      return x;
    }
    const std::string id = std::to_string(getpid());
    x->label = "dd-harden-it=" + id;
    x->prefix = "dd-harden-" + id + "-";
    x->image = "dd-harden-busybox:" + id;
    x->problem = import_busybox(x->dir.path, x->image, x->label, {R"(CMD ["sleep","3600"])"});
    if (!x->problem.empty()) return x;
    x->network = "dd-harden-" + id;
    const Proc net = run({"docker", "network", "create", "--label", x->label, x->network});
    if (net.code != 0) x->problem = "docker network create: " + net.err;
    return x;
  }();
  return *w;
}

class HardenCliContainer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!world().problem.empty()) {
      if (in_ci()) FAIL() << world().problem;
      GTEST_SKIP() << world().problem;
    }
  }

 public:
  static void TearDownTestSuite() {
    World& w = world();
    if (w.label.empty()) return;
    // By name: the recreated containers carry no label.
    const Proc ps = run({"docker", "ps", "-aq", "--filter", "name=" + w.prefix});
    std::vector<std::string> rm = {"docker", "rm", "-f"};
    for (const auto& c : lines(ps.out))
      rm.push_back(c);
    if (rm.size() > 3) run(rm);
    if (!w.network.empty()) run({"docker", "network", "rm", w.network});
    remove_labelled_images(w.label);
  }
};

/// Creates (and with `start`, starts) a container from the suite's image.
void create(const std::string& name, const std::vector<std::string>& flags, const std::vector<std::string>& command,
            bool start) {
  std::vector<std::string> argv = {"docker", "create", "--name", name, "--label", world().label, "--network", world().network};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(world().image);
  argv.insert(argv.end(), command.begin(), command.end());
  const Proc p = run(argv);
  ASSERT_EQ(p.code, 0) << describe(argv, p);
  if (start) {
    const Proc s = run({"docker", "start", name});
    ASSERT_EQ(s.code, 0) << s.err;
  }
}

/// Hardens `name`, replaces it with the printed command, and checks the new container.
void replace_and_check(const std::string& name, bool expect_memory) {
  const Proc json_run = drydock({"harden", "container", name, "--format", "json"});
  ASSERT_EQ(json_run.code, 0) << json_run.err;
  const auto plan = parse_json(json_run.out);
  ASSERT_TRUE(plan) << json_run.out;
  std::set<std::string> remaining;
  for (const auto& r : (*plan)["remaining"])
    remaining.insert(r["check"].get<std::string>());

  const Proc text_run = drydock({"harden", "container", name});
  ASSERT_EQ(text_run.code, 0) << text_run.err;
  const std::string& command = text_run.out;
  EXPECT_NE(command.find(" \\\n  --read-only"), std::string::npos) << command;
  EXPECT_EQ(command.find("\\\n  --privileged"), std::string::npos) << command;
  EXPECT_EQ(command.find("\\\n  --mount type=bind,source=/var/run/docker.sock"), std::string::npos) << command;
  if (expect_memory) {
    EXPECT_NE(command.find("--memory "), std::string::npos) << command;
  } else {
    EXPECT_NE(command.find("no --memory"), std::string::npos) << command;
  }

  const Proc before = drydock({"container", name, "--format", "json", "--fail-on", "none"});
  ASSERT_EQ(before.code, 0) << before.err;
  ASSERT_EQ(run({"docker", "rm", "-f", name}).code, 0);

  // The command runs as printed.
  const Proc started = run({"sh", "-c", command});
  ASSERT_EQ(started.code, 0) << started.err << "\n" << command;
  const Proc after = drydock({"container", name, "--format", "json", "--fail-on", "none"});
  const Proc state = run({"docker", "inspect", "--format", "{{.State.Running}}", name});
  run({"docker", "rm", "-f", name});
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(trim(state.out), "true") << "the hardened container does not run:\n" << command;

  const auto was = statuses(before.out);
  const auto now = statuses(after.out);
  int fixed = 0;
  for (const auto& [key, status] : was) {
    if (!is_finding(status) || remaining.contains(key.first)) continue;
    ASSERT_TRUE(now.contains(key)) << key.first;
    EXPECT_FALSE(is_finding(now.at(key))) << key.first << " was to be fixed, is " << now.at(key) << "\n" << command;
    ++fixed;
  }
  EXPECT_GE(fixed, 5) << command;
}

TEST_F(HardenCliContainer, RunningContainerRecreatedWithoutItsFindings) {
  const std::string name = world().prefix + "running";
  const int port = free_port();
  ASSERT_NO_FATAL_FAILURE(create(name,
                                 {"--restart", "always", "--publish", std::to_string(port) + ":8080",
                                  "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", "--pid", "host",
                                  "--volume", "/etc:/host/etc", "--volume", "/var/run/docker.sock:/var/run/docker.sock",
                                  "--env", "GREETING=it's a $HOME \"test\""},
                                 {"sh", "-c", "echo 'ready'; exec sleep 3600"}, true));
  replace_and_check(name, true);
}

TEST_F(HardenCliContainer, CreatedContainerRecreatedWithoutItsFindings) {
  const std::string name = world().prefix + "created";
  ASSERT_NO_FATAL_FAILURE(create(name,
                                 // Created only: --privileged cannot start where dockerd itself lacks capabilities (CI in a container).
                                 {"--privileged", "--cap-add", "NET_ADMIN", "--cap-add", "SYS_PTRACE", "--ipc", "host", "--uts", "host",
                                  "--security-opt", "no-new-privileges=false", "--tmpfs", "/tmp:size=1m"},
                                 {}, false));
  replace_and_check(name, false);
}

TEST_F(HardenCliContainer, InspectFileNeedsNoEngine) {
  const std::string name = world().prefix + "file";
  ASSERT_NO_FATAL_FAILURE(create(name, {"--privileged", "--publish", "127.0.0.1::80"}, {}, false));
  const Proc inspect = run({"docker", "inspect", name});
  ASSERT_EQ(inspect.code, 0);
  const std::string file = (world().dir.path / "inspect.json").string();
  ASSERT_TRUE(write_file(file, inspect.out));
  const Proc p = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", k_bin, "harden", "container", file});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("docker run \\\n  --detach \\\n  --name " + name), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("--publish 127.0.0.1::80/tcp"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("--privileged \\"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("no --memory"), std::string::npos) << p.out;
}

TEST_F(HardenCliContainer, PublishAllInterfacesKeepsThePorts) {
  const std::string name = world().prefix + "ports";
  ASSERT_NO_FATAL_FAILURE(create(name, {"--publish", "8080"}, {}, false));
  const Proc local = drydock({"harden", "container", name});
  ASSERT_EQ(local.code, 0) << local.err;
  EXPECT_NE(local.out.find("--publish 127.0.0.1::8080/tcp"), std::string::npos) << local.out;
  const Proc all = drydock({"harden", "container", name, "--publish-all-interfaces"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_NE(all.out.find("--publish 8080/tcp"), std::string::npos) << all.out;
}

}  // namespace
