// The Compose loader: YAML forms (anchors, merge keys), interpolation, several files merged,
// extends, every service attribute the runtime checks read, and diagnostics for bad input.

#include "drydock/parse/compose.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace drydock::parse {
namespace {

using model::ComposeProject;
using model::ComposeService;

struct Files {
  std::vector<ComposeFile> files;
  ComposeEnvironment env;
  std::map<std::string, std::string> others;  ///< files reachable through `read`
};

ComposeProject load(const Files& f) {
  ComposeInput in;
  in.files = f.files;
  in.environment = f.env;
  in.working_dir = "/proj";
  const auto others = f.others;
  in.read = [others](const std::string& path) -> core::Expected<std::string> {
    const auto it = others.find(path);
    if (it == others.end()) return core::fail(core::ErrorKind::not_found, "no such file", path);
    return it->second;
  };
  return compose_project(in);
}

ComposeProject load(const std::string& text, ComposeEnvironment env = {}) {
  return load(Files{{ComposeFile{"/proj/compose.yaml", text}}, std::move(env), {}});
}

const ComposeService& service(const ComposeProject& p, const std::string& name) {
  for (const auto& s : p.services) {
    if (s.name == name) return s;
  }
  static const ComposeService k_none;
  ADD_FAILURE() << "no service " << name;
  return k_none;
}

int line_of(const ComposeService& s, const std::string& field) {
  const auto it = s.field_at.find(field);
  return it == s.field_at.end() ? 0 : it->second.line;
}

std::string diagnostics(const ComposeProject& p) {
  std::string out;
  for (const auto& d : p.diagnostics)
    out += d.location.file + ":" + std::to_string(d.location.line) + ": " + d.message + (d.fatal ? " (fatal)" : "") + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------
// YAML: anchors, aliases, merge keys, extension fields.

TEST(ComposeYaml, MergeKeyValuesAreLocatedWhereTheAnchorWroteThem) {
  const auto p = load(
      "x-common: &common\n"          // 1
      "  image: alpine:3.19\n"       // 2
      "  privileged: true\n"         // 3
      "x-more: &more\n"              // 4
      "  read_only: true\n"          // 5
      "  privileged: false\n"        // 6
      "services:\n"                  // 7
      "  a:\n"                       // 8
      "    <<: *common\n"            // 9
      "  b:\n"                       // 10
      "    <<: [*common, *more]\n"   // 11
      "  c:\n"                       // 12
      "    <<: [*more, *common]\n"   // 13
      "    image: busybox:1\n");     // 14
  EXPECT_EQ(diagnostics(p), "");
  const auto& a = service(p, "a");
  EXPECT_TRUE(a.spec.privileged);
  EXPECT_EQ(line_of(a, "privileged"), 3);
  EXPECT_EQ(a.field_at.at("privileged").column, 3);
  EXPECT_EQ(a.spec.image, "alpine:3.19");
  EXPECT_EQ(a.location.line, 8);
  // Earlier maps of the list win; explicit keys win over all.
  EXPECT_TRUE(service(p, "b").spec.privileged);
  EXPECT_TRUE(service(p, "b").spec.readonly_rootfs);
  EXPECT_FALSE(service(p, "c").spec.privileged);
  EXPECT_EQ(line_of(service(p, "c"), "privileged"), 6);
  EXPECT_EQ(service(p, "c").spec.image, "busybox:1");
}

TEST(ComposeYaml, AliasOfAList) {
  const auto p = load(
      "x-caps: &caps [NET_ADMIN, SYS_TIME]\n"
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    cap_add: *caps\n");
  EXPECT_EQ(service(p, "a").spec.cap_add, (std::vector<std::string>{"NET_ADMIN", "SYS_TIME"}));
  ASSERT_EQ(service(p, "a").cap_add_at.size(), 2U);
  EXPECT_EQ(service(p, "a").cap_add_at[1].line, 1);
}

TEST(ComposeYaml, ExtensionFieldsAreNotInterpolatedNorServices) {
  const auto p = load(
      "x-note: ${UNSET:?never evaluated}\n"
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    x-extra: {anything: [1, 2]}\n");
  EXPECT_EQ(diagnostics(p), "");
  EXPECT_EQ(p.services.size(), 1U);
}

// ---------------------------------------------------------------------------------------
// Interpolation.

TEST(ComposeInterpolation, Forms) {
  const ComposeEnvironment env{{"SET", "value"}, {"EMPTY", ""}};
  auto i = [&](std::string_view t) {
    auto r = interpolate(t, env);
    return r ? *r : "error: " + r.error().message;
  };
  EXPECT_EQ(i("${SET}"), "value");
  EXPECT_EQ(i("$SET/x"), "value/x");
  EXPECT_EQ(i("${UNSET}"), "");
  EXPECT_EQ(i("${UNSET:-d}"), "d");
  EXPECT_EQ(i("${EMPTY:-d}"), "d");
  EXPECT_EQ(i("${EMPTY-d}"), "");
  EXPECT_EQ(i("${UNSET-d}"), "d");
  EXPECT_EQ(i("${SET:-d}"), "value");
  EXPECT_EQ(i("${UNSET:-${SET}}"), "value");
  EXPECT_EQ(i("${SET:+alt}"), "alt");
  EXPECT_EQ(i("${EMPTY:+alt}"), "");
  EXPECT_EQ(i("${EMPTY+alt}"), "alt");
  EXPECT_EQ(i("$$SET and $${SET}"), "$SET and ${SET}");
  EXPECT_EQ(i("${SET:?must be set}"), "value");
  EXPECT_EQ(i("${UNSET:?must be set}"), "error: required variable UNSET is missing a value: must be set");
  EXPECT_EQ(i("${EMPTY:?}"), "error: required variable EMPTY is missing a value");
  EXPECT_EQ(i("${EMPTY?}"), "");
  EXPECT_EQ(i("${UNSET"), "error: invalid interpolation format for \"${UNSET\"");
  EXPECT_EQ(i("cost: 5$"), "error: invalid interpolation format for \"cost: 5$\"");
  std::vector<std::string> unset;
  ASSERT_TRUE(interpolate("${A}${B:-x}$C", env, &unset));
  EXPECT_EQ(unset, (std::vector<std::string>{"A", "C"}));
}

TEST(ComposeInterpolation, InTheFileFromEnvAndDefaults) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: ${IMAGE:-alpine}:${TAG-3.19}\n"
      "    privileged: ${PRIV}\n"
      "    user: ${USER_ID:?set USER_ID}\n"
      "    command: echo $$HOME\n"
      "    environment:\n"
      "      - LITERAL=abc\n"
      "      - FROM_VAR=${SECRET}\n",
      {{"PRIV", "true"}, {"USER_ID", "1000"}, {"SECRET", "s3cr3t"}});
  EXPECT_EQ(diagnostics(p), "");
  const auto& a = service(p, "a");
  EXPECT_EQ(a.spec.image, "alpine:3.19");
  EXPECT_TRUE(a.spec.privileged);
  EXPECT_EQ(line_of(a, "privileged"), 4);
  EXPECT_EQ(a.spec.user, "1000");
  ASSERT_EQ(a.environment.size(), 2U);
  EXPECT_TRUE(a.environment[0].literal);
  EXPECT_FALSE(a.environment[1].literal);
  EXPECT_EQ(a.environment[1].value, "s3cr3t");
  EXPECT_EQ(a.environment[1].location.line, 9);
}

TEST(ComposeInterpolation, MissingRequiredAndUnsetAreDiagnostics) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: ${NOPE:?give an image}\n"
      "    user: ${ALSO_UNSET}\n");
  const auto d = diagnostics(p);
  EXPECT_NE(d.find("/proj/compose.yaml:3: required variable NOPE is missing a value: give an image"), std::string::npos) << d;
  EXPECT_NE(d.find("/proj/compose.yaml:4: the ALSO_UNSET variable is not set"), std::string::npos) << d;
}

TEST(ComposeDotenv, Forms) {
  std::vector<int> bad;
  const auto vars = dotenv(
      "# comment\n"
      "A=1\n"
      "export B = two words\n"
      "C=\"quoted # not a comment\\n\"\n"
      "D='single $X'\n"
      "E=value # comment\n"
      "BARE\n"
      "not valid line\n"
      "F=\n",
      &bad);
  std::map<std::string, std::string> m(vars.begin(), vars.end());
  EXPECT_EQ(m.at("A"), "1");
  EXPECT_EQ(m.at("B"), "two words");
  EXPECT_EQ(m.at("C"), "quoted # not a comment\n");
  EXPECT_EQ(m.at("D"), "single $X");
  EXPECT_EQ(m.at("E"), "value");
  EXPECT_EQ(m.at("F"), "");
  EXPECT_FALSE(m.contains("BARE"));
  EXPECT_EQ(bad, (std::vector<int>{8}));
}

TEST(ComposeSizes, ByteSize) {
  EXPECT_EQ(byte_size("512m"), 512LL << 20);
  EXPECT_EQ(byte_size("1g"), 1LL << 30);
  EXPECT_EQ(byte_size("1GB"), 1LL << 30);
  EXPECT_EQ(byte_size("2MiB"), 2LL << 20);
  EXPECT_EQ(byte_size("1.5g"), 3LL << 29);
  EXPECT_EQ(byte_size("1024"), 1024);
  EXPECT_EQ(byte_size("100k"), 102400);
  EXPECT_FALSE(byte_size("lots"));
  EXPECT_FALSE(byte_size("12x"));
}

// ---------------------------------------------------------------------------------------
// Several files, extends.

TEST(ComposeMerge, SecondFileOverridesScalarsAndExtendsLists) {
  Files f;
  f.files = {ComposeFile{"/proj/compose.yaml",
                         "services:\n"
                         "  a:\n"
                         "    image: a:1\n"
                         "    privileged: false\n"
                         "    cap_add: [NET_ADMIN]\n"
                         "    ports: [\"8080:80\"]\n"
                         "    volumes: [\"./data:/data\", \"/srv:/srv\"]\n"
                         "    environment: {A: \"1\", B: \"2\"}\n"
                         "    command: [a, b]\n"},
             ComposeFile{"/proj/override.yaml",
                         "services:\n"
                         "  a:\n"
                         "    privileged: true\n"
                         "    cap_add: [SYS_TIME, NET_ADMIN]\n"
                         "    ports: [\"127.0.0.1:9090:90\"]\n"
                         "    volumes: [\"/etc:/data:ro\"]\n"
                         "    environment: [B=3, C=4]\n"
                         "    command: [c]\n"
                         "  b:\n"
                         "    image: b:1\n"}};
  const auto p = load(f);
  EXPECT_EQ(diagnostics(p), "");
  ASSERT_EQ(p.services.size(), 2U);
  const auto& a = service(p, "a");
  EXPECT_TRUE(a.spec.privileged);
  EXPECT_EQ(a.field_at.at("privileged").file, "/proj/override.yaml");
  EXPECT_EQ(line_of(a, "privileged"), 3);
  EXPECT_EQ(a.location.file, "/proj/compose.yaml");
  EXPECT_EQ(a.spec.cap_add, (std::vector<std::string>{"NET_ADMIN", "SYS_TIME"}));
  ASSERT_EQ(a.spec.ports.size(), 2U);
  EXPECT_EQ(a.port_at[1].file, "/proj/override.yaml");
  // Volumes are unique by target: /data is replaced by the override's.
  ASSERT_EQ(a.spec.mounts.size(), 2U);
  EXPECT_EQ(a.spec.mounts[0].source, "/etc");
  EXPECT_FALSE(a.spec.mounts[0].read_write);
  EXPECT_EQ(a.mount_at[0].file, "/proj/override.yaml");
  EXPECT_EQ(a.spec.env, (std::vector<std::string>{"A=1", "B=3", "C=4"}));
}

TEST(ComposeMerge, ResetAndOverrideTags) {
  Files f;
  f.files = {ComposeFile{"/proj/compose.yaml",
                         "services:\n  a:\n    image: a:1\n    cap_add: [NET_ADMIN]\n    ports: [\"80:80\"]\n"},
             ComposeFile{"/proj/o.yaml", "services:\n  a:\n    cap_add: !override [SYS_TIME]\n    ports: !reset []\n"}};
  const auto p = load(f);
  EXPECT_EQ(service(p, "a").spec.cap_add, (std::vector<std::string>{"SYS_TIME"}));
  EXPECT_TRUE(service(p, "a").spec.ports.empty());
}

TEST(ComposeExtends, SameFileAndAnotherFile) {
  Files f;
  f.files = {ComposeFile{"/proj/compose.yaml",
                         "services:\n"
                         "  base:\n"
                         "    image: a:1\n"
                         "    privileged: true\n"
                         "  child:\n"
                         "    extends: base\n"
                         "    user: \"1000\"\n"
                         "  remote:\n"
                         "    extends:\n"
                         "      file: common/base.yaml\n"
                         "      service: web\n"
                         "    image: web:2\n"}};
  f.others["/proj/common/base.yaml"] =
      "services:\n"
      "  web:\n"
      "    image: web:1\n"
      "    network_mode: host\n"
      "    volumes: [\"./conf:/conf:ro\"]\n";
  const auto p = load(f);
  EXPECT_EQ(diagnostics(p), "");
  const auto& child = service(p, "child");
  EXPECT_TRUE(child.spec.privileged);
  EXPECT_EQ(line_of(child, "privileged"), 4);
  EXPECT_EQ(child.spec.user, "1000");
  EXPECT_EQ(child.location.line, 5);
  const auto& remote = service(p, "remote");
  EXPECT_EQ(remote.spec.image, "web:2");
  EXPECT_EQ(remote.spec.network_mode, "host");
  EXPECT_EQ(remote.field_at.at("network_mode").file, "/proj/common/base.yaml");
  EXPECT_EQ(line_of(remote, "network_mode"), 4);
  ASSERT_EQ(remote.spec.mounts.size(), 1U);
  EXPECT_EQ(remote.spec.mounts[0].source, "/proj/common/conf");  // relative to the extended file
}

TEST(ComposeExtends, CyclesAndMissingAreDiagnostics) {
  const auto p = load(
      "services:\n"
      "  a:\n    extends: b\n    image: a:1\n"
      "  b:\n    extends: a\n    image: b:1\n"
      "  c:\n    extends: {service: nope}\n    image: c:1\n");
  const auto d = diagnostics(p);
  EXPECT_NE(d.find("circular reference"), std::string::npos) << d;
  EXPECT_NE(d.find("no service nope"), std::string::npos) << d;
  EXPECT_EQ(p.services.size(), 3U);
}

// ---------------------------------------------------------------------------------------
// Service attributes.

TEST(ComposeService, PortsShortAndLong) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    ports:\n"
      "      - \"80\"\n"                    // 5: ephemeral host port
      "      - \"8080:80\"\n"               // 6
      "      - \"127.0.0.1:8081:81\"\n"     // 7
      "      - \"[::]:82:82\"\n"            // 8
      "      - \"127.0.0.1::83\"\n"         // 9
      "      - \"9000-9001:9000-9001\"\n"   // 10
      "      - \"53:53/udp\"\n"             // 11
      "      - target: 443\n"               // 12
      "        published: \"8443\"\n"
      "        host_ip: 10.0.0.1\n"
      "        protocol: tcp\n"
      "      - target: 444\n");             // 16
  EXPECT_EQ(diagnostics(p), "");
  const auto& s = service(p, "a");
  std::vector<std::string> got;
  for (const auto& b : s.spec.ports)
    got.push_back(b.host_ip + "|" + b.host_port + "|" + b.container_port);
  EXPECT_EQ(got, (std::vector<std::string>{"||80/tcp", "|8080|80/tcp", "127.0.0.1|8081|81/tcp", "::|82|82/tcp",
                                           "127.0.0.1||83/tcp", "|9000|9000/tcp", "|9001|9001/tcp", "|53|53/udp",
                                           "10.0.0.1|8443|443/tcp", "||444/tcp"}));
  ASSERT_EQ(s.port_at.size(), got.size());
  EXPECT_EQ(s.port_at[0].line, 5);
  EXPECT_EQ(s.port_at[6].line, 10);
  EXPECT_EQ(s.port_at[9].line, 16);
}

TEST(ComposeService, VolumesShortAndLong) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    volumes:\n"
      "      - /etc:/host-etc:ro\n"                    // 5
      "      - ./data:/data\n"                         // 6
      "      - cache:/cache\n"                         // 7
      "      - /anon\n"                                // 8
      "      - /mnt:/mnt:rshared\n"                    // 9
      "      - ~/src:/src:ro,z\n"                      // 10
      "      - type: bind\n"                           // 11
      "        source: /var/run/docker.sock\n"
      "        target: /var/run/docker.sock\n"
      "        read_only: true\n"
      "      - type: bind\n"                           // 15
      "        source: /srv\n"
      "        target: /srv\n"
      "        bind:\n"
      "          propagation: shared\n"
      "      - type: tmpfs\n"                          // 20
      "        target: /tmp\n"
      "    tmpfs: /run\n"
      "volumes:\n"
      "  cache:\n",
      {{"HOME", "/home/me"}});
  EXPECT_EQ(diagnostics(p), "");
  const auto& s = service(p, "a");
  std::vector<std::string> got;
  for (const auto& m : s.spec.mounts)
    got.push_back(m.type + "|" + m.source + "|" + m.destination + "|" + (m.read_write ? "rw" : "ro") + "|" + m.propagation);
  EXPECT_EQ(got, (std::vector<std::string>{"bind|/etc|/host-etc|ro|", "bind|/proj/data|/data|rw|", "volume|proj_cache|/cache|rw|",
                                           "volume||/anon|rw|", "bind|/mnt|/mnt|rw|rshared", "bind|/home/me/src|/src|ro|",
                                           "bind|/var/run/docker.sock|/var/run/docker.sock|ro|", "bind|/srv|/srv|rw|shared",
                                           "tmpfs||/tmp|rw|", "tmpfs||/run|rw|"}));
  ASSERT_EQ(s.mount_at.size(), got.size());
  EXPECT_EQ(s.mount_at[0].line, 5);
  EXPECT_EQ(s.mount_at[6].line, 11);
  EXPECT_EQ(s.mount_at[7].line, 15);
}

TEST(ComposeService, SecurityNamespacesAndDevices) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    security_opt: [\"seccomp:unconfined\", \"apparmor=unconfined\", \"no-new-privileges:true\", label=disable]\n"
      "    cap_add: [ALL]\n"
      "    cap_drop: [NET_RAW]\n"
      "    pid: host\n"
      "    ipc: host\n"
      "    uts: host\n"
      "    userns_mode: host\n"
      "    cgroup_parent: /custom\n"
      "    devices: [\"/dev/fuse\", \"/dev/sda:/dev/xvda:r\"]\n"
      "    read_only: true\n"
      "    user: \"0:0\"\n"
      "  b:\n    image: b:1\n    network_mode: service:a\n"
      "  c:\n    image: c:1\n    network_mode: none\n"
      "  d:\n    image: d:1\n    network_mode: \"container:abc\"\n"
      "  e:\n    image: e:1\n    networks: [front, back]\n"
      "  f:\n    image: f:1\n"
      "networks:\n  front:\n  back:\n    name: shared-back\n");
  EXPECT_EQ(diagnostics(p), "");
  const auto& a = service(p, "a").spec;
  EXPECT_EQ(a.security_opt.size(), 4U);
  EXPECT_EQ(a.cap_add, (std::vector<std::string>{"ALL"}));
  EXPECT_EQ(a.cap_drop, (std::vector<std::string>{"NET_RAW"}));
  EXPECT_EQ(a.pid_mode, "host");
  EXPECT_EQ(a.ipc_mode, "host");
  EXPECT_EQ(a.uts_mode, "host");
  EXPECT_EQ(a.userns_mode, "host");
  EXPECT_EQ(a.cgroup_parent, "/custom");
  ASSERT_EQ(a.devices.size(), 2U);
  EXPECT_EQ(a.devices[0].container_path, "/dev/fuse");
  EXPECT_EQ(a.devices[0].permissions, "rwm");
  EXPECT_EQ(a.devices[1].container_path, "/dev/xvda");
  EXPECT_EQ(a.devices[1].permissions, "r");
  EXPECT_TRUE(a.readonly_rootfs);
  EXPECT_EQ(a.user, "0:0");
  EXPECT_EQ(service(p, "b").spec.network_mode, "service:a");
  EXPECT_EQ(service(p, "c").spec.network_mode, "none");
  EXPECT_EQ(service(p, "d").spec.network_mode, "container:abc");
  EXPECT_EQ(service(p, "e").spec.networks, (std::vector<std::string>{"proj_front", "shared-back"}));
  EXPECT_EQ(service(p, "e").spec.network_mode, "proj_front");
  EXPECT_EQ(service(p, "f").spec.network_mode, "proj_default");
}

TEST(ComposeService, ResourcesRestartUlimitsHealthcheck) {
  const auto p = load(
      "services:\n"
      "  a:\n"
      "    image: a:1\n"
      "    mem_limit: 512m\n"
      "    cpus: 1.5\n"
      "    cpu_shares: 512\n"
      "    pids_limit: 100\n"
      "    restart: on-failure:3\n"
      "    ulimits:\n"
      "      nproc: 65535\n"
      "      nofile: {soft: 20000, hard: 40000}\n"
      "    healthcheck:\n"
      "      test: curl -f http://localhost/\n"
      "  b:\n"
      "    image: b:1\n"
      "    mem_limit: 1g\n"
      "    restart: always\n"
      "    deploy:\n"
      "      resources:\n"
      "        limits: {memory: 256M, cpus: \"0.25\", pids: 50}\n"
      "      restart_policy:\n"
      "        condition: on-failure\n"
      "        max_attempts: 2\n"
      "    healthcheck:\n"
      "      disable: true\n"
      "  c:\n"
      "    image: c:1\n"
      "    restart: unless-stopped\n"
      "    healthcheck: {test: [CMD, /bin/check]}\n"
      "  d:\n"
      "    image: d:1\n"
      "    deploy: {restart_policy: {condition: any}}\n");
  EXPECT_EQ(diagnostics(p), "");
  const auto& a = service(p, "a").spec;
  EXPECT_EQ(a.memory, 512LL << 20);
  EXPECT_EQ(a.nano_cpus, 1500000000);
  EXPECT_EQ(a.cpu_shares, 512);
  EXPECT_EQ(a.pids_limit, 100);
  EXPECT_EQ(a.restart_policy, "on-failure");
  EXPECT_EQ(a.restart_max_retries, 3);
  ASSERT_EQ(a.ulimits.size(), 2U);
  EXPECT_EQ(a.ulimits[0].soft, 65535);
  EXPECT_EQ(a.ulimits[1].hard, 40000);
  ASSERT_TRUE(a.healthcheck);
  EXPECT_EQ(a.healthcheck->test, (std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost/"}));
  const auto& bs = service(p, "b");
  EXPECT_EQ(bs.spec.memory, 256LL << 20);  // deploy limits win over mem_limit
  EXPECT_EQ(line_of(bs, "memory"), 20);
  EXPECT_EQ(bs.spec.nano_cpus, 250000000);
  EXPECT_EQ(bs.spec.pids_limit, 50);
  EXPECT_EQ(bs.spec.restart_policy, "on-failure");
  EXPECT_EQ(bs.spec.restart_max_retries, 2);
  EXPECT_EQ(line_of(bs, "restart_policy"), 22);
  ASSERT_TRUE(bs.spec.healthcheck);
  EXPECT_TRUE(bs.spec.healthcheck->disabled());
  EXPECT_EQ(line_of(bs, "healthcheck"), 25);
  EXPECT_EQ(service(p, "c").spec.restart_policy, "unless-stopped");
  EXPECT_EQ(service(p, "c").spec.healthcheck->test, (std::vector<std::string>{"CMD", "/bin/check"}));
  EXPECT_EQ(service(p, "d").spec.restart_policy, "always");
}

TEST(ComposeService, EnvironmentEnvFileSecretsConfigsProfiles) {
  Files f;
  f.files = {ComposeFile{"/proj/compose.yaml",
                         "services:\n"
                         "  a:\n"
                         "    image: a:1\n"
                         "    env_file: [common.env, {path: missing.env, required: false}]\n"
                         "    environment:\n"
                         "      DB_PASSWORD: hunter2\n"
                         "      FROM_SHELL:\n"
                         "      COUNT: 3\n"
                         "    secrets: [db, {source: api, target: api_key}]\n"
                         "    configs: [conf]\n"
                         "    profiles: [debug]\n"
                         "  b:\n"
                         "    image: b:1\n"
                         "    environment: [X=1, \"Y=two words\", BARE]\n"
                         "secrets:\n"
                         "  db: {file: ./secrets/db.txt}\n"
                         "  api: {environment: API_KEY}\n"
                         "configs:\n"
                         "  conf: {file: /etc/app.conf}\n"}};
  f.env = {{"FROM_SHELL", "shell"}, {"BARE", "bare"}};
  f.others["/proj/common.env"] = "FROM_FILE=1\nDB_PASSWORD=overridden\n";
  const auto p = load(f);
  EXPECT_EQ(diagnostics(p), "");
  const auto& a = service(p, "a");
  EXPECT_EQ(a.spec.env, (std::vector<std::string>{"FROM_FILE=1", "DB_PASSWORD=hunter2", "FROM_SHELL=shell", "COUNT=3"}));
  ASSERT_EQ(a.environment.size(), 3U);
  EXPECT_TRUE(a.environment[0].literal);
  EXPECT_EQ(a.environment[0].location.line, 6);
  EXPECT_FALSE(a.environment[1].has_value);
  EXPECT_EQ(a.env_files, (std::vector<std::string>{"/proj/common.env", "/proj/missing.env"}));
  EXPECT_EQ(a.secrets, (std::vector<std::string>{"db", "api"}));
  EXPECT_EQ(a.configs, (std::vector<std::string>{"conf"}));
  EXPECT_EQ(a.profiles, (std::vector<std::string>{"debug"}));
  // A file-based secret and config are bind-mounted read-only, as compose does.
  ASSERT_EQ(a.spec.mounts.size(), 2U);
  EXPECT_EQ(a.spec.mounts[0].source, "/proj/secrets/db.txt");
  EXPECT_EQ(a.spec.mounts[0].destination, "/run/secrets/db");
  EXPECT_EQ(a.spec.mounts[1].source, "/etc/app.conf");
  EXPECT_EQ(a.spec.mounts[1].destination, "/conf");
  EXPECT_EQ(service(p, "b").spec.env, (std::vector<std::string>{"X=1", "Y=two words", "BARE=bare"}));
}

TEST(ComposeProjectName, FromNameEnvOrFolder) {
  EXPECT_EQ(load("name: My_App\nservices: {a: {image: a:1}}\n").name, "my_app");
  EXPECT_EQ(load("services: {a: {image: a:1}}\n", {{"COMPOSE_PROJECT_NAME", "fromenv"}}).name, "fromenv");
  EXPECT_EQ(load("services: {a: {image: a:1}}\n").name, "proj");
  EXPECT_EQ(service(load("services: {a: {image: a:1}}\n"), "a").spec.name, "proj-a-1");
}

// ---------------------------------------------------------------------------------------
// Bad input.

TEST(ComposeInvalid, DiagnosticsWithFileAndLineNeverACrash) {
  struct Case {
    std::string text;
    std::string expect;
    bool fatal;
  };
  const std::vector<Case> cases = {
      {"services:\n  a: [\n", "/proj/compose.yaml:3: invalid YAML", true},
      {"", "/proj/compose.yaml:1: not a Compose file: the file is empty", true},
      {"- a\n- b\n", "/proj/compose.yaml:1: not a Compose file: the top level is not a mapping", true},
      {"key: value\n", "/proj/compose.yaml:1: not a Compose file: no services", true},
      {"services: [a, b]\n", "/proj/compose.yaml:1: services must be a mapping", true},
      {"services:\n  a: just text\n", "/proj/compose.yaml:2: service a must be a mapping", false},
      {"services:\n  a:\n    image: a:1\n    privileged: sometimes\n", "/proj/compose.yaml:4: privileged must be a boolean", false},
      {"services:\n  a:\n    image: a:1\n    ports: [\"eighty\"]\n", "/proj/compose.yaml:4: invalid port \"eighty\"", false},
      {"services:\n  a:\n    image: a:1\n    mem_limit: lots\n", "/proj/compose.yaml:4: mem_limit must be a size", false},
      {"services:\n  a:\n    image: a:1\n    image: b:1\n", "/proj/compose.yaml:4: mapping key \"image\" already defined", false},
      {"services:\n  a:\n    build: .\n  b:\n    restart: sometimes\n", "/proj/compose.yaml:4: service b has neither", false},
      {"x: &a [*a]\nservices: {}\n", "", false},
  };
  for (const auto& c : cases) {
    const auto p = load(c.text);
    const auto d = diagnostics(p);
    if (c.expect.empty()) continue;
    EXPECT_NE(d.find(c.expect), std::string::npos) << c.text << "\n--- got ---\n" << d;
    const bool fatal = std::any_of(p.diagnostics.begin(), p.diagnostics.end(), [](const auto& x) { return x.fatal; });
    EXPECT_EQ(fatal, c.fatal) << c.text;
  }
}

TEST(ComposeInvalid, BillionLaughsIsBounded) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  text += "services: {s: {image: a:1, x-big: *j}}\n";
  const auto p = load(text);
  EXPECT_NE(diagnostics(p).find("too large"), std::string::npos) << diagnostics(p);
}

}  // namespace
}  // namespace drydock::parse
