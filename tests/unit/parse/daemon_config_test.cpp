#include "drydock/parse/daemon_config.hpp"
#include "drydock/parse/engine.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drydock::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string daemon_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/daemon/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every value of `key`, in order.
std::vector<std::string> values(const DaemonSettings& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : s) {
    if (k == key) out.push_back(v.value);
  }
  return out;
}

const model::SettingValue* first(const DaemonSettings& s, const std::string& key) {
  for (const auto& [k, v] : s) {
    if (k == key) return &v;
  }
  return nullptr;
}

DaemonSettings must_parse(std::string_view text, std::string_view path = "/etc/docker/daemon.json") {
  auto r = daemon_json(text, path);
  EXPECT_TRUE(r) << (r ? "" : r.error().describe());
  return r ? *r : DaemonSettings{};
}

std::string error_of(std::string_view text) {
  auto r = daemon_json(text, "/etc/docker/daemon.json");
  EXPECT_FALSE(r);
  return r ? std::string() : r.error().describe();
}

// ---------------------------------------------------------------------------------------
// daemon.json

TEST(DaemonJson, InsecureFixtureFlattensEveryKeyWithLines) {
  const auto s = must_parse(daemon_fixture("insecure.json"));
  EXPECT_THAT(values(s, "hosts"), ElementsAre("unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"));
  EXPECT_THAT(values(s, "icc"), ElementsAre("true"));
  EXPECT_THAT(values(s, "iptables"), ElementsAre("false"));
  EXPECT_THAT(values(s, "log-level"), ElementsAre("debug"));
  EXPECT_THAT(values(s, "insecure-registries"), ElementsAre("registry.local:5000", "10.0.0.0/8"));
  EXPECT_THAT(values(s, "storage-opts"), ElementsAre("dm.basesize=20G"));
  EXPECT_THAT(values(s, "log-opts"), ElementsAre("max-size=10m", "max-file=3"));
  EXPECT_THAT(values(s, "default-ulimits"), ElementsAre("nofile=1024:2048"));
  EXPECT_THAT(values(s, "runtimes"), ElementsAre(R"({"runsc":{"path":"/usr/bin/runsc"}})"));

  const auto* icc = first(s, "icc");
  ASSERT_NE(icc, nullptr);
  EXPECT_EQ(icc->source, "daemon.json");
  EXPECT_EQ(icc->location.file, "/etc/docker/daemon.json");
  EXPECT_EQ(icc->location.line, 3);
  EXPECT_EQ(first(s, "hosts")->location.line, 2);
  EXPECT_EQ(first(s, "default-ulimits")->location.line, 16);  // the "nofile" member
}

// Found by daemon_config_fuzz (tests/data/fuzz-regressions/daemon_config/empty-key.json: the
// fuzzer's selector byte, then the document). An empty key is a key like any other: kept as
// written at its line, for the checks to ignore (dockerd refuses it), with the keys around it.
TEST(DaemonJson, EmptyKeyIsKeptAsWritten) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/fuzz-regressions/daemon_config/empty-key.json", std::ios::binary);
  ASSERT_TRUE(in);
  std::ostringstream text;
  text << in.rdbuf();
  const auto s = daemon_json(text.str().substr(1), "/etc/docker/daemon.json");
  ASSERT_TRUE(s) << s.error().describe();
  const auto* empty = first(*s, "");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->value, "true");
  EXPECT_EQ(empty->location.line, 8);
  EXPECT_THAT(values(*s, "hosts"), ElementsAre("unix:///var/krun/docker.sock", "tcp://0.0.0.0:2375"));
  EXPECT_THAT(values(*s, "experimental"), ElementsAre("true"));
}

TEST(DaemonJson, ListElementsOnTheirOwnLines) {
  const auto s =
      must_parse("{\n  \"hosts\": [\n    \"unix:///a.sock\",\n    \"tcp://0.0.0.0:2375\"\n  ],\n  \"icc\": false\n}\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].second.location.line, 3);
  EXPECT_EQ(s[1].second.location.line, 4);
  EXPECT_EQ(s[2].second.location.line, 6);
}

TEST(DaemonJson, KeysInsideValuesDoNotConfuseTheLineScan) {
  // "icc" inside a nested object or a string is not the top-level key.
  const auto s = must_parse("{\"runtimes\": {\"icc\": {\"path\": \"x\"}},\n\"labels\": [\"icc\"],\n\"icc\": false}");
  const auto* icc = first(s, "icc");
  ASSERT_NE(icc, nullptr);
  EXPECT_EQ(icc->location.line, 3);
}

TEST(DaemonJson, NullMeansUnsetAndNumbersAreText) {
  const auto s = must_parse(R"({"log-level": null, "max-concurrent-downloads": 3, "mtu": 1500.5})");
  EXPECT_THAT(values(s, "log-level"), IsEmpty());
  EXPECT_THAT(values(s, "max-concurrent-downloads"), ElementsAre("3"));
  EXPECT_THAT(values(s, "mtu"), ElementsAre("1500.5"));
}

TEST(DaemonJson, EmptyObjectIsNoSettings) { EXPECT_THAT(must_parse("{}\n"), IsEmpty()); }

TEST(DaemonJson, ByteOrderMarkIsAccepted) {
  EXPECT_THAT(values(must_parse("\xef\xbb\xbf{\"icc\": false}"), "icc"), ElementsAre("false"));
}

TEST(DaemonJson, InvalidJsonSaysWhere) {
  const auto e = error_of("{\n  \"icc\": false,\n}\n");
  EXPECT_THAT(e, HasSubstr("/etc/docker/daemon.json"));
  EXPECT_THAT(e, HasSubstr("not valid JSON"));
  EXPECT_THAT(e, HasSubstr("line 3"));
}

TEST(DaemonJson, NotAnObject) { EXPECT_THAT(error_of("[\"icc\"]"), HasSubstr("expected a JSON object, got array")); }

TEST(DaemonJson, EmptyFileIsAnError) { EXPECT_THAT(error_of(" \n"), HasSubstr("empty")); }

TEST(DaemonJson, PlainTextIsAnError) { EXPECT_THAT(error_of("icc=false\n"), HasSubstr("not valid JSON")); }

TEST(DaemonJson, DeepNestingIsRefused) {
  const std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_THAT(error_of(deep), HasSubstr("nested deeper"));
}

TEST(DaemonJson, HugeFileIsRefused) {
  std::string huge = "{\"labels\": [";
  while (huge.size() <= k_daemon_json_limit)
    huge += "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",";
  huge += "\"x\"]}";
  EXPECT_THAT(error_of(huge), HasSubstr("larger than"));
}

TEST(DaemonJson, BinaryInputGivesAPrintableError) {
  std::string binary(
      "\x7f"
      "ELF\x02\x01\x01\x00\x00\xff\xfe",
      11);
  const auto e = error_of(binary);
  EXPECT_THAT(e, HasSubstr("not valid JSON"));
  for (const char c : e)
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "unprintable byte in: " << e;
  // Invalid UTF-8 inside a string is refused too.
  EXPECT_THAT(error_of("{\"log-level\": \"\xff\xfe\"}"), HasSubstr("not valid JSON"));
}

// ---------------------------------------------------------------------------------------
// dockerd command line

const model::Location k_unit{"/lib/systemd/system/docker.service", 12, 0};

TEST(DockerdArgs, FlagsMapToDaemonJsonKeys) {
  const std::vector<std::string> argv = {"/usr/sbin/dockerd",
                                         "-H",
                                         "fd://",
                                         "--host=tcp://0.0.0.0:2375",
                                         "-Hunix:///run/x.sock",
                                         "-H=tcp://127.0.0.1:2376",
                                         "--tlsverify",
                                         "--tlscacert",
                                         "/ca.pem",
                                         "--icc=false",
                                         "-l",
                                         "debug",
                                         "--insecure-registry=r:5000",
                                         "-s",
                                         "overlay2",
                                         "--storage-opt",
                                         "dm.basesize=20G",
                                         "-g",
                                         "/srv/docker",
                                         "--log-opt",
                                         "max-size=10m",
                                         "--default-ulimit",
                                         "nofile=1024:2048",
                                         "--authorization-plugin=authz",
                                         "--live-restore",
                                         "--userland-proxy=0",
                                         "--config-file",
                                         "/etc/docker/other.json",
                                         "-D",
                                         "--unknown-flag",
                                         "--containerd=/run/containerd/containerd.sock"};
  const auto s = dockerd_args(argv, "docker.service ExecStart", k_unit);
  EXPECT_THAT(values(s, "hosts"), ElementsAre("fd://", "tcp://0.0.0.0:2375", "unix:///run/x.sock", "tcp://127.0.0.1:2376"));
  EXPECT_THAT(values(s, "tlsverify"), ElementsAre("true"));
  EXPECT_THAT(values(s, "tlscacert"), ElementsAre("/ca.pem"));
  EXPECT_THAT(values(s, "icc"), ElementsAre("false"));
  EXPECT_THAT(values(s, "log-level"), ElementsAre("debug"));
  EXPECT_THAT(values(s, "insecure-registries"), ElementsAre("r:5000"));
  EXPECT_THAT(values(s, "storage-driver"), ElementsAre("overlay2"));
  EXPECT_THAT(values(s, "storage-opts"), ElementsAre("dm.basesize=20G"));
  EXPECT_THAT(values(s, "data-root"), ElementsAre("/srv/docker"));
  EXPECT_THAT(values(s, "log-opts"), ElementsAre("max-size=10m"));
  EXPECT_THAT(values(s, "default-ulimits"), ElementsAre("nofile=1024:2048"));
  EXPECT_THAT(values(s, "authorization-plugins"), ElementsAre("authz"));
  EXPECT_THAT(values(s, "live-restore"), ElementsAre("true"));
  EXPECT_THAT(values(s, "userland-proxy"), ElementsAre("false"));
  EXPECT_THAT(values(s, "config-file"), ElementsAre("/etc/docker/other.json"));
  EXPECT_THAT(values(s, "debug"), ElementsAre("true"));
  EXPECT_THAT(values(s, "containerd"), ElementsAre("/run/containerd/containerd.sock"));
  const auto* h = first(s, "hosts");
  EXPECT_EQ(h->source, "docker.service ExecStart");
  EXPECT_EQ(h->location.file, k_unit.file);
  EXPECT_EQ(h->location.line, 12);
}

TEST(DockerdArgs, BooleanWithSeparateValue) {
  const auto s = dockerd_args({"dockerd", "--icc", "false", "--iptables", "--experimental", "true"}, "cmd", {});
  EXPECT_THAT(values(s, "icc"), ElementsAre("false"));
  EXPECT_THAT(values(s, "iptables"), ElementsAre("true"));
  EXPECT_THAT(values(s, "experimental"), ElementsAre("true"));
}

TEST(DockerdArgs, DoubleDashEndsFlagsAndTrailingValueFlagIsDropped) {
  EXPECT_THAT(dockerd_args({"dockerd", "--", "--icc=false"}, "cmd", {}), IsEmpty());
  EXPECT_THAT(dockerd_args({"dockerd", "--log-level"}, "cmd", {}), IsEmpty());
  EXPECT_THAT(dockerd_args({}, "cmd", {}), IsEmpty());
}

// ---------------------------------------------------------------------------------------
// systemd units

TEST(SystemdUnit, DebianUnitWithContinuationAndEnvironmentFile) {
  const auto u = systemd_exec_start(daemon_fixture("docker.service"), "/lib/systemd/system/docker.service");
  ASSERT_EQ(u.exec_start.size(), 1u);
  EXPECT_THAT(u.exec_start[0].argv,
              ElementsAre("/usr/sbin/dockerd", "-H", "fd://", "$DOCKER_OPTS", "--containerd=/run/containerd/containerd.sock"));
  EXPECT_EQ(u.exec_start[0].location.file, "/lib/systemd/system/docker.service");
  EXPECT_EQ(u.exec_start[0].location.line, 14);
  EXPECT_THAT(u.environment_files, ElementsAre("-/etc/default/docker"));
  EXPECT_FALSE(u.exec_start_reset);
}

TEST(SystemdUnit, DropInResetsThenSets) {
  const auto u = systemd_exec_start(
      "[Service]\nExecStart=\nExecStart=-@/usr/bin/dockerd dockerd --icc=false \\\n# a comment inside\n  --log-level \"warn\"\n"
      "Environment=\"A=1 2\" B=3\nEnvironmentFile=\nEnvironmentFile=/etc/sysconfig/docker\n[Install]\nExecStart=/bin/false\n",
      "override.conf");
  EXPECT_TRUE(u.exec_start_reset);
  ASSERT_EQ(u.exec_start.size(), 1u);
  EXPECT_THAT(u.exec_start[0].argv, ElementsAre("/usr/bin/dockerd", "--icc=false", "--log-level", "warn"));
  EXPECT_EQ(u.exec_start[0].location.line, 3);
  EXPECT_TRUE(u.environment_files_reset);
  EXPECT_THAT(u.environment_files, ElementsAre("/etc/sysconfig/docker"));
  ASSERT_EQ(u.environment.size(), 2u);
  EXPECT_EQ(u.environment[0], (std::pair<std::string, std::string>{"A", "1 2"}));
}

TEST(SystemdUnit, NoServiceSectionOrGarbage) {
  EXPECT_TRUE(systemd_exec_start("ExecStart=/usr/bin/dockerd\n", "x").exec_start.empty());
  EXPECT_TRUE(systemd_exec_start(std::string("\0\x01[Service\nExecStart", 19), "x").exec_start.empty());
  EXPECT_TRUE(systemd_exec_start("[Service]\nExecStart=/usr/bin/dockerd \\", "x").exec_start.size() == 1);
}

TEST(SystemdUnit, VariableExpansionFollowsSystemd) {
  const std::map<std::string, std::string> env = {{"DOCKER_OPTS", "--icc=false  -H tcp://0.0.0.0:2375"}, {"DIR", "/srv docker"}};
  EXPECT_THAT(expand_unit_variables({"dockerd", "$DOCKER_OPTS", "--data-root=${DIR}", "$MISSING", "$$x"}, env),
              ElementsAre("dockerd", "--icc=false", "-H", "tcp://0.0.0.0:2375", "--data-root=/srv docker", "$x"));
}

// ---------------------------------------------------------------------------------------
// environment files and shell words

TEST(EnvFile, DefaultDockerFixture) {
  const auto env = env_file(daemon_fixture("default-docker"));
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env.at("DOCKER_OPTS"), "--icc=false --log-level warn -H tcp://127.0.0.1:2375");
}

TEST(EnvFile, QuotesCommentsContinuations) {
  const auto env = env_file(
      "OPTIONS='--selinux-enabled --log-driver=journald'\n; comment\nA=plain value  # trailing\nB=\"x \\\"y\\\"\"\n"
      "C=one\\\ntwo\nnot an assignment\n1BAD=x\nD=\"multi\nline\"\n");
  EXPECT_EQ(env.at("OPTIONS"), "--selinux-enabled --log-driver=journald");
  EXPECT_EQ(env.at("A"), "plain value");
  EXPECT_EQ(env.at("B"), "x \"y\"");
  EXPECT_EQ(env.at("C"), "onetwo");
  EXPECT_EQ(env.at("D"), "multi\nline");
  EXPECT_FALSE(env.contains("1BAD"));
}

TEST(EnvFile, BinaryDoesNotCrash) {
  std::string junk;
  for (int i = 0; i < 4096; ++i)
    junk += static_cast<char>((i * 131) % 256);
  (void)env_file(junk);
  (void)shell_words(junk);
  SUCCEED();
}

TEST(ShellWords, Quoting) {
  EXPECT_THAT(shell_words(R"(  --dns 8.8.8.8 -H 'unix:///x y' "--label=a \"b\"" c\ d)"),
              ElementsAre("--dns", "8.8.8.8", "-H", "unix:///x y", "--label=a \"b\"", "c d"));
  EXPECT_THAT(shell_words(""), IsEmpty());
  EXPECT_THAT(shell_words("''"), ElementsAre(""));
}

// ---------------------------------------------------------------------------------------
// The daemon settings of /info that the section 2 checks take as the running daemon's truth.

TEST(EngineInfoDaemonFields, ReadFromInfo) {
  const auto e = engine_info(R"({"Version": "24.0.5", "ApiVersion": "1.43"})", R"({
    "Driver": "overlay2", "LoggingDriver": "journald", "CgroupDriver": "systemd",
    "DockerRootDir": "/var/lib/docker", "LiveRestoreEnabled": true, "ExperimentalBuild": false,
    "Plugins": {"Volume": ["local"], "Authorization": ["opa-docker-authz"]},
    "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"],
                       "IndexConfigs": {"docker.io": {"Name": "docker.io", "Secure": true},
                                        "r.local:5000": {"Name": "r.local:5000", "Secure": false}}}})");
  ASSERT_TRUE(e) << e.error().describe();
  EXPECT_EQ(e->storage_driver, "overlay2");
  EXPECT_EQ(e->logging_driver, "journald");
  EXPECT_EQ(e->cgroup_driver, "systemd");
  EXPECT_EQ(e->docker_root_dir, "/var/lib/docker");
  EXPECT_EQ(e->live_restore_enabled, true);
  EXPECT_EQ(e->experimental_build, false);
  EXPECT_THAT(e->authorization_plugins, ElementsAre("opa-docker-authz"));
  EXPECT_THAT(e->insecure_registries, ElementsAre("127.0.0.0/8", "r.local:5000"));

  const auto old = engine_info("{}", "{}");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->live_restore_enabled);
  EXPECT_FALSE(old->experimental_build);
}

}  // namespace
}  // namespace drydock::parse
