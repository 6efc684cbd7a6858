// `drydock compose` over the fixture projects of tests/data/compose: the golden JSON and text
// reports, the Done-when locations through the real binary, --env-file, diagnostics and exit codes,
// and drydock's merged, interpolated view compared with `docker-compose config` (v1.29, where
// installed). Needs no engine. DRYDOCK_UPDATE_GOLDEN=1 rewrites the golden files.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "drydock/collect/compose.hpp"
#include "drydock/parse/compose.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_dir = std::string(DRYDOCK_TEST_DATA) + "/compose";

/// Runs drydock from the fixture folder with a clean environment (no variable of the caller can
/// change interpolation), so paths in the report are relative and the output stable.
Proc compose(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env",       "-i",     "PATH=/usr/bin:/bin", "sh", "-c", "cd \"$0\" && exec \"$@\"", k_dir,
                                DRYDOCK_BIN, "compose"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

const std::vector<std::string> k_project{"project/compose.yaml", "project/compose.override.yaml"};

std::vector<std::string> with(std::vector<std::string> args) {
  std::vector<std::string> out = k_project;
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

TEST(ComposeCli, GoldenJson) {
  const auto p = compose(with({"--format", "json", "--fail-on", "none"}));
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("compose-cli.json", p.out);
}

TEST(ComposeCli, GoldenText) {
  const auto p = compose(with({"--fail-on", "none", "--no-color"}));
  EXPECT_EQ(p.code, 0) << p.err;
  expect_golden("compose-cli.txt", p.out);
}

/// The location "file:line" of a check's result on a service in a JSON report, "" when none.
std::string where(const json& report, const std::string& id, const std::string& service, std::string* status = nullptr) {
  for (const auto& r : report["results"]) {
    if (r["id"] != id || r["subject"]["name"] != service) continue;
    if (status != nullptr) *status = r["status"];
    if (!r["location"].is_object()) return "";
    return r["location"]["file"].get<std::string>() + ":" + std::to_string(r["location"]["line"].get<int>());
  }
  return "no result";
}

TEST(ComposeCli, DoneWhen) {
  const auto p = compose(with({"--format", "json"}));
  EXPECT_EQ(p.code, 1) << p.err;  // critical findings, default --fail-on high
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report);
  std::string status;
  EXPECT_EQ(where(*report, "runtime.privileged", "merged", &status), "project/compose.yaml:7");  // the anchor
  EXPECT_EQ(status, "fail");
  EXPECT_EQ(where(*report, "runtime.privileged", "overridden", &status), "project/compose.override.yaml:4");
  EXPECT_EQ(status, "fail");
  EXPECT_EQ(where(*report, "runtime.privileged", "interpolated", &status), "project/compose.yaml:25");  // ${PRIV}
  EXPECT_EQ(status, "fail");
  EXPECT_EQ(where(*report, "runtime.host-network", "hostnet", &status), "project/compose.yaml:30");
  EXPECT_EQ(status, "fail");
  EXPECT_EQ(where(*report, "runtime.sensitive-host-mount", "etc-reader", &status), "project/compose.yaml:38");
  EXPECT_EQ(status, "fail");
  EXPECT_EQ(where(*report, "runtime.port-all-interfaces", "web", &status), "project/compose.yaml:46");  // "80:80"
  EXPECT_EQ(status, "fail");
  for (const char* id : {"runtime.memory-limit", "runtime.cpu-limit", "runtime.pids-limit", "runtime.restart-policy"}) {
    where(*report, id, "hardened", &status);
    EXPECT_EQ(status, "pass") << id;
  }
  for (const auto& r : (*report)["results"]) {
    if (r["id"] == "trust.docker-content-trust") {
      // The one check on the project as a whole: its folder's CI files (TrustHost.ComposeProjectCiFiles).
      EXPECT_EQ(r["subject"]["kind"], "compose-file");
      continue;
    }
    EXPECT_EQ(r["subject"]["kind"], "compose-service");
    EXPECT_TRUE(r["location"].is_object()) << r["id"];
  }
}

TEST(ComposeCli, EnvFileReplacesDotEnv) {
  const auto p = compose(with({"--format", "json", "--env-file", "project/no-priv.env", "--only", "runtime.privileged"}));
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report) << p.err;
  std::string status;
  where(*report, "runtime.privileged", "interpolated", &status);
  EXPECT_EQ(status, "pass");
  // The caller's environment wins over the file, as with docker compose.
  const auto q = run({"env", "-i", "PATH=/usr/bin:/bin", "PRIV=false", DRYDOCK_BIN, "compose", k_dir + "/project/compose.yaml",
                      "--format", "json", "--only", "runtime.privileged"});
  const auto r2 = parse_json(q.out);
  ASSERT_TRUE(r2) << q.err;
  where(*r2, "runtime.privileged", "interpolated", &status);
  EXPECT_EQ(status, "pass");
  EXPECT_EQ(compose(with({"--env-file", "project/missing.env"})).code, 3);
}

TEST(ComposeCli, FolderMeansItsDefaultFiles) {
  const auto p = compose({"project", "--format", "json", "--fail-on", "none", "--only", "runtime.privileged"});
  EXPECT_EQ(p.code, 0) << p.err;
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["target"], "project/compose.yaml, project/compose.override.yaml");
}

TEST(ComposeCli, InvalidFilesGetDiagnosticsAndExitCodes) {
  auto p = compose({"invalid/broken.yaml", "--format", "json"});
  EXPECT_EQ(p.code, 3) << p.err;
  EXPECT_NE(p.err.find("invalid/broken.yaml:5:1: invalid YAML"), std::string::npos) << p.err;
  const auto report = parse_json(p.out);
  ASSERT_TRUE(report) << p.out;
  ASSERT_FALSE((*report)["results"].empty());
  EXPECT_EQ((*report)["results"][0]["status"], "error");
  EXPECT_EQ((*report)["results"][0]["subject"]["kind"], "compose-file");

  p = compose({"invalid/not-compose.yaml"});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("invalid/not-compose.yaml:1:1: not a Compose file: no services"), std::string::npos) << p.err;

  p = compose({"no-such-file.yaml"});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("no-such-file.yaml"), std::string::npos) << p.err;

  // A broken extended file: said with its line, and the service is audited all the same.
  p = compose({"invalid/extends-broken.yaml", "--fail-on", "none", "--only", "runtime.privileged", "--format", "json"});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.err.find("invalid/broken.yaml:5:1: invalid YAML"), std::string::npos) << p.err;
  const auto ext = parse_json(p.out);
  ASSERT_TRUE(ext);
  std::string status;
  where(*ext, "runtime.privileged", "app", &status);
  EXPECT_EQ(status, "pass");

  // One good file and one bad: the good one is audited, the bad one said on stderr and in error results.
  p = compose({"project/compose.yaml", "invalid/not-compose.yaml", "--fail-on", "none", "--format", "json"});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(compose({"--fail-on", "nonsense"}).code, 2);
}

// ---------------------------------------------------------------------------------------
// The same project through docker-compose v1.29 (`apt-get install docker-compose`).

/// What the checks read of a service, in an order-free form (v1 sorts lists).
std::map<std::string, std::string> view(const drydock::model::ComposeService& s) {
  const auto& c = s.spec;
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    std::string out;
    for (const auto& x : v)
      out += x + ";";
    return out;
  };
  std::vector<std::string> ports;
  for (const auto& p : c.ports)
    ports.push_back(p.host_ip + "|" + p.host_port + "|" + p.container_port);
  std::vector<std::string> mounts;
  for (const auto& m : c.mounts)
    mounts.push_back(m.type + "|" + m.source + "|" + m.destination + "|" + (m.read_write ? "rw" : "ro") + "|" + m.propagation);
  std::vector<std::string> devices;
  for (const auto& d : c.devices)
    devices.push_back(d.host_path + ":" + d.container_path + ":" + d.permissions);
  std::vector<std::string> ulimits;
  for (const auto& u : c.ulimits)
    ulimits.push_back(u.name + "=" + std::to_string(u.soft) + ":" + std::to_string(u.hard));
  std::vector<std::string> env;
  for (const auto& e : c.env)
    env.push_back(e);
  return {
      {"image", c.image},
      {"privileged", c.privileged ? "true" : "false"},
      {"user", c.user},
      {"read_only", c.readonly_rootfs ? "true" : "false"},
      {"cap_add", sorted(c.cap_add)},
      {"cap_drop", sorted(c.cap_drop)},
      {"security_opt", sorted(c.security_opt)},
      {"network_mode", c.network_mode},
      {"pid", c.pid_mode},
      {"ipc", c.ipc_mode},
      {"ports", sorted(ports)},
      {"mounts", sorted(mounts)},
      {"devices", sorted(devices)},
      {"ulimits", sorted(ulimits)},
      {"memory", std::to_string(c.memory)},
      {"nano_cpus", std::to_string(c.nano_cpus)},
      {"cpu_shares", std::to_string(c.cpu_shares)},
      {"pids_limit", c.pids_limit ? std::to_string(*c.pids_limit) : "null"},
      {"restart", c.restart_policy + ":" + std::to_string(c.restart_max_retries)},
      {"healthcheck", c.healthcheck ? sorted(c.healthcheck->test) : "none"},
      {"env", sorted(env)},
  };
}

TEST(ComposeCli, SameViewAsDockerComposeConfig) {
  const auto version = run({"docker-compose", "version", "--short"});
  if (version.code != 0) {
    if (in_ci()) FAIL() << "docker-compose is not installed";
    GTEST_SKIP() << "docker-compose (v1) is not installed";
  }
  const std::string dir = fs::absolute(k_dir + "/v1").lexically_normal().string();
  const std::vector<std::string> files{dir + "/docker-compose.yml", dir + "/docker-compose.override.yml"};
  const auto config = run({"env", "-i", "PATH=/usr/bin:/bin", "docker-compose", "--project-directory", dir, "-f", files[0], "-f",
                           files[1], "config"});
  ASSERT_EQ(config.code, 0) << config.err;

  drydock::collect::ComposeOptions options;
  options.files = files;
  options.environment = {{"PATH", "/usr/bin:/bin"}};
  const auto ours = drydock::collect::load_compose(options);
  ASSERT_TRUE(ours);
  EXPECT_TRUE(ours->diagnostics.empty()) << ours->diagnostics.front().message;

  // docker-compose's output is itself a Compose file: read it with the same loader, no interpolation left to do.
  drydock::parse::ComposeInput theirs_in;
  theirs_in.working_dir = dir;
  theirs_in.files = {drydock::parse::ComposeFile{"docker-compose config", config.out}};
  const auto theirs = drydock::parse::compose_project(theirs_in);
  ASSERT_TRUE(theirs.diagnostics.empty()) << theirs.diagnostics.front().message << "\n" << config.out;

  ASSERT_EQ(ours->services.size(), theirs.services.size());
  for (std::size_t i = 0; i < ours->services.size(); ++i) {
    ASSERT_EQ(ours->services[i].name, theirs.services[i].name);
    const auto a = view(ours->services[i]);
    const auto b = view(theirs.services[i]);
    for (const auto& [key, value] : a)
      EXPECT_EQ(value, b.at(key)) << ours->services[i].name << "." << key;
  }
}

}  // namespace
