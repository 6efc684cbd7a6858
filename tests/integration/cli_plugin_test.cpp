// drydock as a Docker CLI plugin, through the real docker CLI: a temporary docker config
// directory whose cli-plugins/docker-drydock is a symbolic link to the built binary. The CLI
// must list the plugin, show its help, and run `docker drydock host` against the engine with
// its global flags (--config, -H, --context) reaching drydock. Every test runs with each docker
// CLI found: the one on PATH and /usr/bin/docker (Debian's docker.io, 20.10) when that is another
// program. Both hand the plugin their whole argv, global flags first ("--config DIR -H URL
// drydock host ..."), and set only DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND (newer ones also
// DOCKER_CLI_PLUGIN_SOCKET). Outside CI a missing docker CLI or engine skips; with CI=true it fails.

#include <gtest/gtest.h>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

/// The docker CLIs to test with: "docker" from PATH, and /usr/bin/docker when it is another file.
std::vector<std::string> docker_clis() {
  std::vector<std::string> clis{"docker"};
  const auto which = run({"sh", "-c", "command -v docker"});
  std::error_code ec;
  const std::string on_path = trim(which.out);
  if (fs::exists("/usr/bin/docker", ec) && !on_path.empty() && !fs::equivalent(on_path, "/usr/bin/docker", ec))
    clis.emplace_back("/usr/bin/docker");
  return clis;
}

class CliPlugin : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto ping = run({GetParam(), "version", "--format", "{{.Server.Version}}"});
    if (ping.code != 0) {
      if (in_ci()) FAIL() << "CI=true but the docker CLI or engine is missing: " << describe({GetParam(), "version"}, ping);
      GTEST_SKIP() << "no docker CLI and engine";
    }
    m_config = fs::temp_directory_path() / ("drydock-plugin-it-" + std::to_string(::getpid()));
    fs::create_directories(m_config / "cli-plugins");
    fs::create_symlink(fs::absolute(DRYDOCK_BIN), m_config / "cli-plugins" / "docker-drydock");
  }
  void TearDown() override {
    std::error_code ec;
    if (!m_config.empty()) fs::remove_all(m_config, ec);
  }

  /// `docker --config <tmp> ARGS...`
  Proc docker(const std::vector<std::string>& args) {
    std::vector<std::string> argv{GetParam(), "--config", m_config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = run(argv, std::chrono::seconds(300));
    m_last = describe(argv, p);
    return p;
  }

  /// A valid drydock host report from `docker ... drydock host --format json`.
  void expect_host_report(const Proc& p) {
    ASSERT_EQ(p.code, 0) << m_last;
    const auto j = parse_json(p.out);
    ASSERT_TRUE(j) << m_last;
    EXPECT_EQ((*j)["schema"], "drydock.report/v1");
    EXPECT_EQ((*j)["command"], "host");
    EXPECT_NE((*j)["target"].get<std::string>().find("engine unix://"), std::string::npos) << (*j)["target"];
    EXPECT_FALSE((*j)["results"].empty());
    bool container_or_daemon = false;
    for (const auto& r : (*j)["results"])
      container_or_daemon = container_or_daemon || r["subject"]["kind"] == "daemon" || r["subject"]["kind"] == "container";
    EXPECT_TRUE(container_or_daemon) << "the engine was audited";
  }

  fs::path m_config;
  std::string m_last;
};

TEST_P(CliPlugin, TheCliListsItAndShowsItsHelp) {
  auto info = docker({"info", "--format", "{{json .ClientInfo.Plugins}}"});
  ASSERT_EQ(info.code, 0) << m_last;
  const auto plugins = parse_json(info.out);
  ASSERT_TRUE(plugins && plugins->is_array()) << info.out;
  bool found = false;
  for (const auto& p : *plugins) {
    if (p.value("Name", "") != "drydock") continue;
    found = true;
    EXPECT_EQ(p["SchemaVersion"], "0.1.0");
    EXPECT_EQ(p["Vendor"], "drydock");
    EXPECT_FALSE(p.contains("Err")) << p.dump();
  }
  EXPECT_TRUE(found) << info.out;

  auto help = docker({"--help"});
  EXPECT_NE(help.out.find("drydock*"), std::string::npos) << help.out;
  help = docker({"drydock", "--help"});
  ASSERT_EQ(help.code, 0) << m_last;
  EXPECT_NE(help.out.find("Usage: drydock"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("host"), std::string::npos) << help.out;
}

TEST_P(CliPlugin, DockerDrydockHost) {
  expect_host_report(docker({"drydock", "host", "--format", "json", "--fail-on", "none", "-q"}));
  // The same plugin found through DOCKER_CONFIG rather than --config.
  const std::vector<std::string> argv{
      "env", "DOCKER_CONFIG=" + m_config.string(), GetParam(), "drydock", "host", "--format", "json", "--fail-on", "none", "-q"};
  const auto p = run(argv, std::chrono::seconds(300));
  m_last = describe(argv, p);
  expect_host_report(p);
}

TEST_P(CliPlugin, HostFlagReachesDrydock) {
  const std::string sock = engine_socket().empty() ? "/var/run/docker.sock" : engine_socket();
  expect_host_report(docker({"-H", "unix://" + sock, "drydock", "host", "--format", "json", "--fail-on", "none", "-q"}));
  // The flag is really used: a socket that does not exist makes the audit unreachable (exit 3).
  const auto gone = docker({"-H", "unix://" + (m_config / "none.sock").string(), "drydock", "host", "-q"});
  EXPECT_EQ(gone.code, 3) << m_last;
  EXPECT_NE(gone.err.find((m_config / "none.sock").string()), std::string::npos) << m_last;
}

TEST_P(CliPlugin, ContextFlagAndConfigDirReachDrydock) {
  const std::string sock = engine_socket().empty() ? "/var/run/docker.sock" : engine_socket();
  auto created = docker({"context", "create", "drydock-it", "--docker", "host=unix://" + sock});
  ASSERT_EQ(created.code, 0) << m_last;
  // The context lives only in the temporary config dir: found there, named by --context.
  auto p = docker({"--context", "drydock-it", "drydock", "host", "--format", "json", "--fail-on", "none", "--verbose"});
  expect_host_report(p);
  EXPECT_NE(p.err.find("context \"drydock-it\" (docker --context)"), std::string::npos) << p.err;
  auto missing = docker({"--context", "no-such-context", "drydock", "host", "-q"});
  // docker 20.10 refuses an unknown context itself (exit 1); newer CLIs leave it to the plugin,
  // which refuses it as a usage error (exit 2). Either way it is named.
  EXPECT_TRUE(missing.code == 1 || missing.code == 2) << m_last;
  EXPECT_NE(missing.err.find("no-such-context"), std::string::npos) << m_last;
}

TEST_P(CliPlugin, DockersConfigBeforeDrydockDrydocksConfigAfter) {
  // `docker --config DIR` is the docker configuration; drydock's own `--config FILE` after the
  // subcommand is its policy. Both in one command line, each must mean its own thing.
  const auto policy = m_config / "policy.yaml";
  std::ofstream(policy) << "ignore:\n  - check: \"4.1\"\n    subject: \"*\"\n    reason: accepted through the plugin\n";
  auto p = docker({"drydock", "dockerfile", std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli", "--only", "4.1", "--config",
                   policy.string(), "--format", "json", "--fail-on", "none", "-q"});
  ASSERT_EQ(p.code, 0) << m_last;
  const auto j = parse_json(p.out);
  ASSERT_TRUE(j) << p.out;
  EXPECT_GT((*j)["summary"]["accepted"].get<int>(), 0) << p.out;
}

TEST_P(CliPlugin, MetadataWhenRunDirectly) {
  const auto p = run({(m_config / "cli-plugins" / "docker-drydock").string(), "docker-cli-plugin-metadata"});
  ASSERT_EQ(p.code, 0) << p.err;
  const auto j = parse_json(p.out);
  ASSERT_TRUE(j) << p.out;
  EXPECT_EQ((*j)["SchemaVersion"], "0.1.0");
}

INSTANTIATE_TEST_SUITE_P(DockerClis, CliPlugin, ::testing::ValuesIn(docker_clis()),
                         [](const auto& info) { return info.param == "docker" ? std::string("Path") : std::string("UsrBin"); });

}  // namespace
