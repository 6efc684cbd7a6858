#include "drydock/collect/engine/endpoint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace drydock::collect {
namespace {

namespace fs = std::filesystem;

// The fixture was written by `docker context create` (docker CLI 28.2) with DOCKER_CONFIG set:
// contexts "remote" (TLS material, current), "insecure" (skip-tls-verify) and "plain" (unix).
const std::string k_fixture = std::string(DRYDOCK_TEST_DATA) + "/contexts/docker-config";

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/drydock-endpoint-XXXXXX";
    m_path = ::mkdtemp(templ);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  [[nodiscard]] const fs::path& path() const { return m_path; }
  void write(const fs::path& rel, const std::string& text) const {
    fs::create_directories((m_path / rel).parent_path());
    std::ofstream(m_path / rel) << text;
  }

 private:
  fs::path m_path;
};

TEST(Sha256, MatchesSha256sum) {
  // printf %s NAME | sha256sum
  EXPECT_EQ(sha256_hex("remote"), "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a");
  EXPECT_EQ(sha256_hex("my ctx"), "7dc32fcde6f5d4ed24a0b5709cca2382ed18f3d476abe19cd1355094c086edd8");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ResolveEndpoint, DefaultWhenNothingIsSet) {
  TempDir dir;
  auto ep = resolve_endpoint("", env_of({}), dir.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///var/run/docker.sock");
  EXPECT_EQ(ep->source, "default");
  EXPECT_FALSE(ep->tls);
  EXPECT_EQ(ep->unix_path(), "/var/run/docker.sock");
}

TEST(ResolveEndpoint, HostFlagWinsOverEverything) {
  auto env = env_of({{"DOCKER_HOST", "tcp://10.1.1.1:2375"}, {"DOCKER_CONTEXT", "remote"}});
  auto ep = resolve_endpoint("unix:///run/user/1000/docker.sock", env, k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///run/user/1000/docker.sock");
  EXPECT_EQ(ep->source, "--host");
}

TEST(ResolveEndpoint, DockerHostWinsOverContexts) {
  auto env = env_of({{"DOCKER_HOST", "tcp://10.1.1.1:2375"}, {"DOCKER_CONTEXT", "remote"}});
  auto ep = resolve_endpoint("", env, k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://10.1.1.1:2375");
  EXPECT_EQ(ep->source, "DOCKER_HOST");
  EXPECT_FALSE(ep->tls);
}

TEST(ResolveEndpoint, EmptyDockerHostIsUnset) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_HOST", ""}, {"DOCKER_CONTEXT", "plain"}}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///run/other.sock");
}

TEST(ResolveEndpoint, DockerTlsVerifyUsesCertPath) {
  TempDir certs;
  certs.write("ca.pem", "ca");
  certs.write("cert.pem", "cert");
  certs.write("key.pem", "key");
  auto env = env_of(
      {{"DOCKER_HOST", "tcp://docker.example.com"}, {"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", certs.path().string()}});
  auto ep = resolve_endpoint("", env, "/nonexistent");
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://docker.example.com:2375");  // the docker CLI default port, TLS or not
  EXPECT_TRUE(ep->tls);
  EXPECT_TRUE(ep->tls_verify);
  EXPECT_EQ(ep->ca_file, (certs.path() / "ca.pem").string());
  EXPECT_EQ(ep->cert_file, (certs.path() / "cert.pem").string());
  EXPECT_EQ(ep->key_file, (certs.path() / "key.pem").string());
}

TEST(ResolveEndpoint, DockerTlsVerifyDefaultsToConfigDirAndAppliesToHostFlag) {
  TempDir config;
  config.write("ca.pem", "ca");
  auto ep = resolve_endpoint("tcp://10.0.0.9:12376", env_of({{"DOCKER_TLS_VERIFY", "1"}}), config.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://10.0.0.9:12376");
  EXPECT_TRUE(ep->tls_verify);
  EXPECT_EQ(ep->ca_file, (config.path() / "ca.pem").string());
  EXPECT_EQ(ep->cert_file, "");  // missing client certificate: none is sent
  EXPECT_EQ(ep->key_file, "");
}

TEST(ResolveEndpoint, DockerTlsVerifyWithoutCaIsAnError) {
  TempDir config;
  auto ep = resolve_endpoint("", env_of({{"DOCKER_HOST", "tcp://h"}, {"DOCKER_TLS_VERIFY", "1"}}), config.path().string());
  ASSERT_FALSE(ep);
  EXPECT_EQ(ep.error().kind, core::ErrorKind::usage);
  EXPECT_NE(ep.error().message.find("ca.pem"), std::string::npos) << ep.error().message;
}

TEST(ResolveEndpoint, DockerTlsWithoutVerify) {
  TempDir config;
  auto ep = resolve_endpoint("", env_of({{"DOCKER_HOST", "tcp://h"}, {"DOCKER_TLS", "1"}}), config.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_TRUE(ep->tls);
  EXPECT_FALSE(ep->tls_verify);
  EXPECT_EQ(ep->host, "tcp://h:2375");
}

TEST(ResolveEndpoint, TlsEnvIgnoredForUnixSockets) {
  TempDir config;
  config.write("ca.pem", "ca");
  auto ep = resolve_endpoint("unix:///x.sock", env_of({{"DOCKER_TLS_VERIFY", "1"}}), config.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_FALSE(ep->tls);
  EXPECT_EQ(ep->ca_file, "");
}

TEST(ResolveEndpoint, DockerContextWithTlsMaterial) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "remote"}}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://10.0.0.5:2376");
  EXPECT_EQ(ep->source, "context \"remote\" (DOCKER_CONTEXT)");
  EXPECT_TRUE(ep->tls);
  EXPECT_TRUE(ep->tls_verify);
  const std::string tls_dir =
      k_fixture + "/contexts/tls/b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/docker/";
  EXPECT_EQ(ep->ca_file, tls_dir + "ca.pem");
  EXPECT_EQ(ep->cert_file, tls_dir + "cert.pem");
  EXPECT_EQ(ep->key_file, tls_dir + "key.pem");
}

TEST(ResolveEndpoint, DockerContextSkipTlsVerify) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "insecure"}}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://10.0.0.6:2376");
  EXPECT_TRUE(ep->tls);
  EXPECT_FALSE(ep->tls_verify);
  EXPECT_EQ(ep->ca_file, "");
}

TEST(ResolveEndpoint, DockerContextUnix) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "plain"}}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///run/other.sock");
  EXPECT_FALSE(ep->tls);
}

TEST(ResolveEndpoint, DockerContextDefault) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "default"}}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///var/run/docker.sock");
}

TEST(ResolveEndpoint, CurrentContextFromConfigJson) {
  auto ep = resolve_endpoint("", env_of({}), k_fixture);
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "tcp://10.0.0.5:2376");
  EXPECT_EQ(ep->source, "context \"remote\" (" + k_fixture + "/config.json)");
}

TEST(ResolveEndpoint, CurrentContextSourceShowsTildeForHomeDocker) {
  TempDir home;
  const std::string name = "ci-remote";
  home.write(".docker/config.json", R"({"auths": {}, "currentContext": "ci-remote"})");
  home.write(".docker/contexts/meta/b8da2dac9807d94b0ba5a11d10fc29ed6cba516e37bcdd3fb57245b94f20fcc9/meta.json",
             R"({"Name":"ci-remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://[fd00::5]","SkipTLSVerify":false}}})");
  auto env = env_of({{"HOME", home.path().string()}});
  auto ep = resolve_endpoint("", env, docker_config_dir(env));
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->source, "context \"ci-remote\" (~/.docker/config.json)");
  EXPECT_EQ(ep->host, "tcp://[fd00::5]:2375");  // no TLS material, no port
  EXPECT_FALSE(ep->tls);
}

TEST(ResolveEndpoint, CurrentContextDefaultOrEmpty) {
  TempDir config;
  config.write("config.json", R"({"currentContext": "default"})");
  auto ep = resolve_endpoint("", env_of({}), config.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->host, "unix:///var/run/docker.sock");
  config.write("config.json", R"({"auths": {}})");
  ep = resolve_endpoint("", env_of({}), config.path().string());
  ASSERT_TRUE(ep) << ep.error().describe();
  EXPECT_EQ(ep->source, "default");
}

TEST(ResolveEndpoint, MissingContextIsAUsageError) {
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "nope"}}), k_fixture);
  ASSERT_FALSE(ep);
  EXPECT_EQ(ep.error().kind, core::ErrorKind::usage);
  EXPECT_NE(ep.error().message.find("context \"nope\" not found"), std::string::npos) << ep.error().message;
  EXPECT_NE(ep.error().message.find("docker context ls"), std::string::npos);
  EXPECT_NE(ep.error().message.find("DOCKER_CONTEXT"), std::string::npos);
}

TEST(ResolveEndpoint, MalformedConfigAndMetadata) {
  TempDir config;
  config.write("config.json", "{not json");
  auto ep = resolve_endpoint("", env_of({}), config.path().string());
  ASSERT_FALSE(ep);
  EXPECT_EQ(ep.error().kind, core::ErrorKind::usage);
  // Not consulted when DOCKER_HOST decides.
  EXPECT_TRUE(resolve_endpoint("", env_of({{"DOCKER_HOST", "unix:///a.sock"}}), config.path().string()));

  config.write("contexts/meta/" + sha256_hex("bad") + "/meta.json", R"({"Name":"bad","Endpoints":{}})");
  ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "bad"}}), config.path().string());
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("no docker endpoint"), std::string::npos) << ep.error().message;
}

TEST(ResolveEndpoint, ContextWithSshHostIsRejected) {
  TempDir config;
  config.write("contexts/meta/" + sha256_hex("s") + "/meta.json",
               R"({"Name":"s","Endpoints":{"docker":{"Host":"ssh://me@box","SkipTLSVerify":false}}})");
  auto ep = resolve_endpoint("", env_of({{"DOCKER_CONTEXT", "s"}}), config.path().string());
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("context \"s\""), std::string::npos);
  EXPECT_NE(ep.error().message.find("ssh://"), std::string::npos);
}

TEST(NormalizeHost, Forms) {
  EXPECT_EQ(*normalize_host("unix:///var/run/docker.sock"), "unix:///var/run/docker.sock");
  EXPECT_EQ(*normalize_host("unix://"), "unix:///var/run/docker.sock");
  EXPECT_EQ(*normalize_host("tcp://1.2.3.4:2376"), "tcp://1.2.3.4:2376");
  EXPECT_EQ(*normalize_host("tcp://1.2.3.4"), "tcp://1.2.3.4:2375");  // TLS or not, like the docker CLI
  EXPECT_EQ(*normalize_host("TCP://host:1/"), "tcp://host:1");
  EXPECT_EQ(*normalize_host("tcp://host:1/base/"), "tcp://host:1/base");
  EXPECT_EQ(*normalize_host("10.0.0.1:2375"), "tcp://10.0.0.1:2375");
  EXPECT_EQ(*normalize_host(":2375"), "tcp://localhost:2375");
  EXPECT_EQ(*normalize_host("tcp://[::1]:2376"), "tcp://[::1]:2376");
  EXPECT_EQ(*normalize_host("tcp://[::1]"), "tcp://[::1]:2375");
}

TEST(NormalizeHost, Errors) {
  for (const char* bad : {"", "tcp://", "tcp://host:port", "tcp://host:0", "tcp://host:70000", "tcp://::1:2375", "tcp://[::1",
                          "http://host:2375", "https://host", "tcp://a://b", "tcp://h:1?x=1"}) {
    auto r = normalize_host(bad);
    ASSERT_FALSE(r) << bad << " -> " << *r;
    EXPECT_EQ(r.error().kind, core::ErrorKind::usage) << bad;
  }
  auto ssh = normalize_host("ssh://user@host");
  ASSERT_FALSE(ssh);
  EXPECT_NE(ssh.error().message.find("not supported"), std::string::npos);
  EXPECT_NE(ssh.error().message.find("docker context"), std::string::npos);
  auto npipe = normalize_host("npipe:////./pipe/docker_engine");
  ASSERT_FALSE(npipe);
  EXPECT_NE(npipe.error().message.find("npipe://"), std::string::npos);
  auto fd = normalize_host("fd://");
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("fd://"), std::string::npos);
}

TEST(DockerConfigDir, EnvThenHome) {
  EXPECT_EQ(docker_config_dir(env_of({{"DOCKER_CONFIG", "/cfg"}, {"HOME", "/home/u"}})), "/cfg");
  EXPECT_EQ(docker_config_dir(env_of({{"HOME", "/home/u"}})), "/home/u/.docker");
}

TEST(FallbackEndpoints, RootlessDockerThenPodmanThenRootlessPodman) {
  const auto all = fallback_endpoints(env_of({{"XDG_RUNTIME_DIR", "/run/user/1000"}}));
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].host, "unix:///run/user/1000/docker.sock");
  EXPECT_EQ(all[1].host, "unix:///run/podman/podman.sock");
  EXPECT_EQ(all[2].host, "unix:///run/user/1000/podman/podman.sock");
  EXPECT_EQ(all[0].source,
            "rootless Docker's socket $XDG_RUNTIME_DIR/docker.sock (found: no engine answered on /var/run/docker.sock)");
  EXPECT_EQ(all[2].source.rfind("rootless Podman's socket", 0), 0U);
  // Without a runtime directory (or a relative one), only the system-wide Podman socket.
  for (const auto& env : {env_of({}), env_of({{"XDG_RUNTIME_DIR", ""}}), env_of({{"XDG_RUNTIME_DIR", "run/user"}})}) {
    const auto some = fallback_endpoints(env);
    ASSERT_EQ(some.size(), 1U);
    EXPECT_EQ(some[0].unix_path(), "/run/podman/podman.sock");
  }
}

}  // namespace
}  // namespace drydock::collect
