#include "drydock/cli/plugin.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

namespace drydock::cli {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

collect::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Plugin, RecognisedByTheBasenameOfArgv0) {
  EXPECT_TRUE(invoked_as_plugin("/home/me/.docker/cli-plugins/docker-drydock"));
  EXPECT_TRUE(invoked_as_plugin("docker-drydock"));
  EXPECT_FALSE(invoked_as_plugin("/usr/local/bin/drydock"));
  EXPECT_FALSE(invoked_as_plugin("/x/docker-drydock/drydock"));
}

TEST(Plugin, MetadataIsWhatTheDockerCliReads) {
  const auto j = nlohmann::json::parse(plugin_metadata());
  EXPECT_EQ(j["SchemaVersion"], "0.1.0");
  EXPECT_EQ(j["Vendor"], "drydock");
  EXPECT_EQ(j["Version"], DRYDOCK_VERSION);
  EXPECT_FALSE(j["ShortDescription"].get<std::string>().empty());
}

TEST(Plugin, GlobalsBeforeDrydockAreTheDockerCli) {
  // What `docker --config /c -H unix:///s drydock host --config p.yaml` hands the plugin.
  auto call = parse_plugin_call({"--config", "/c", "-H", "unix:///s", "drydock", "host", "--config", "p.yaml"});
  ASSERT_TRUE(call) << call.error().describe();
  EXPECT_EQ(call->globals.config, "/c");
  EXPECT_EQ(call->globals.host, "unix:///s");
  EXPECT_EQ(call->args, (Args{"host", "--config", "p.yaml"}));
}

TEST(Plugin, FlagSpellings) {
  auto call = parse_plugin_call({"--host=tcp://h:2376", "--tlsverify", "--tls=false", "--tlscacert=/ca", "--tlscert", "/cert",
                                 "--tlskey", "/key", "-D", "-l", "debug", "drydock", "host"});
  ASSERT_TRUE(call) << call.error().describe();
  const auto& g = call->globals;
  EXPECT_EQ(g.host, "tcp://h:2376");
  EXPECT_TRUE(g.tls_verify);
  EXPECT_FALSE(g.tls);
  EXPECT_EQ(g.tls_ca_cert, "/ca");
  EXPECT_EQ(g.tls_cert, "/cert");
  EXPECT_EQ(g.tls_key, "/key");
  EXPECT_EQ(call->args, Args{"host"});

  auto shorts = parse_plugin_call({"-Hunix:///a", "drydock", "host"});
  ASSERT_TRUE(shorts);
  EXPECT_EQ(shorts->globals.host, "unix:///a");
  auto context = parse_plugin_call({"-c", "prod", "drydock"});
  ASSERT_TRUE(context);
  EXPECT_EQ(context->globals.context, "prod");
  EXPECT_TRUE(context->args.empty());
}

TEST(Plugin, RunDirectlyEverythingAfterTheGlobalsIsDrydocks) {
  auto call = parse_plugin_call({"host", "--format", "json"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->args, (Args{"host", "--format", "json"}));
}

TEST(Plugin, BadGlobalsAreUsageErrors) {
  for (const auto& args : {Args{"--frobnicate", "drydock"}, Args{"-H"}, Args{"-H", "unix:///a", "-H", "unix:///b", "drydock"},
                           Args{"-H", "unix:///a", "--context", "x", "drydock"}, Args{"--tls=maybe", "drydock"}}) {
    auto call = parse_plugin_call(args);
    ASSERT_FALSE(call) << args[0];
    EXPECT_EQ(call.error().kind, core::ErrorKind::usage);
  }
}

class PluginEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("drydock-plugin-" + std::to_string(::getpid()));
    fs::create_directories(m_dir / "certs");
    for (const char* f : {"ca.pem", "cert.pem", "key.pem"})
      std::ofstream(m_dir / "certs" / f) << "pem";
    // A context "remote" in the docker config dir, as `docker context create` writes it.
    const auto meta = m_dir / "contexts" / "meta" / collect::sha256_hex("remote");
    fs::create_directories(meta);
    std::ofstream(meta / "meta.json") << R"({"Name":"remote","Endpoints":{"docker":{"Host":"tcp://remote:2375"}}})";
  }
  void TearDown() override { fs::remove_all(m_dir); }
  fs::path m_dir;
};

TEST_F(PluginEndpoint, HostFlagAndDrydocksOwnHost) {
  DockerGlobals g;
  g.host = "unix:///from/docker";
  auto ep = plugin_endpoint(g, "", env_of({{"DOCKER_HOST", "tcp://env:2375"}}));
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///from/docker");
  ep = plugin_endpoint(g, "unix:///own", env_of({}));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "unix:///own");
}

TEST_F(PluginEndpoint, ContextFlagBeatsDockerHostAndReadsTheGivenConfigDir) {
  DockerGlobals g;
  g.context = "remote";
  g.config = m_dir.string();
  auto ep = plugin_endpoint(g, "", env_of({{"DOCKER_HOST", "tcp://env:2375"}, {"DOCKER_CONFIG", "/elsewhere"}}));
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://remote:2375");
  EXPECT_EQ(ep->source, "context \"remote\" (docker --context)");
  EXPECT_FALSE(ep->tls);
  g.context = "absent";
  ep = plugin_endpoint(g, "", env_of({}));
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("selected by docker --context"), std::string::npos) << ep.error().message;
}

TEST_F(PluginEndpoint, NoFlagsIsTheUsualDiscovery) {
  auto ep = plugin_endpoint(DockerGlobals{}, "", env_of({{"DOCKER_HOST", "tcp://env:2375"}}));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "tcp://env:2375");
  EXPECT_EQ(ep->source, "DOCKER_HOST");
}

TEST_F(PluginEndpoint, TlsFlags) {
  DockerGlobals g;
  g.host = "tcp://h:2376";
  g.tls_verify = true;
  auto ep = plugin_endpoint(g, "", env_of({{"DOCKER_CERT_PATH", (m_dir / "certs").string()}}));
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_TRUE(ep->tls);
  EXPECT_TRUE(ep->tls_verify);
  EXPECT_EQ(ep->ca_file, (m_dir / "certs" / "ca.pem").string());
  EXPECT_EQ(ep->key_file, (m_dir / "certs" / "key.pem").string());

  // Explicit files win; --tls alone does not verify.
  std::ofstream(m_dir / "mine.crt") << "pem";
  g.tls_verify = false;
  g.tls = true;
  g.tls_ca_cert = (m_dir / "mine.crt").string();
  ep = plugin_endpoint(g, "", env_of({{"DOCKER_CERT_PATH", (m_dir / "certs").string()}, {"DOCKER_TLS_VERIFY", "1"}}));
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_TRUE(ep->tls);
  EXPECT_FALSE(ep->tls_verify) << "the flags replace DOCKER_TLS_VERIFY";
  EXPECT_EQ(ep->ca_file, (m_dir / "mine.crt").string());

  // Verification without any CA, or a named file that is missing, is refused.
  g = DockerGlobals{};
  g.host = "tcp://h:2376";
  g.tls_verify = true;
  g.config = (m_dir / "empty").string();
  EXPECT_FALSE(plugin_endpoint(g, "", env_of({})));
  g.tls_ca_cert = (m_dir / "missing.pem").string();
  EXPECT_FALSE(plugin_endpoint(g, "", env_of({})));
}

}  // namespace
}  // namespace drydock::cli
