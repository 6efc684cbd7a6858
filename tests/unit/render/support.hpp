#pragma once
// The sample report every render test renders (text, JSON, SARIF, JUnit golden files), and
// golden-file comparison.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "drydock/audit/report.hpp"

namespace drydock::render::fixture {

using checks::Check;
using checks::Finding;
using core::Severity;
using core::Status;

inline const std::vector<Check>& table() {
  static const std::vector<Check> t{
      Check{.id = "runtime.privileged",
            .cis = "5.5",
            .title = "Container runs privileged",
            .severity = Severity::critical,
            .rationale = "r",
            .remediation = "Run without --privileged.",
            .aliases = {"CKV_DOCKER_X"},
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&, checks::Results&) {}},
      Check{.id = "runtime.sensitive-host-mount",
            .cis = "5.6",
            .title = "Sensitive host directory mounted",
            .severity = Severity::high,
            .rationale = "r",
            .remediation = "Mount only what the container needs.",
            .evaluate = [](const model::ContainerSpec&, const model::HostSnapshot&, checks::Results&) {}},
      Check{.id = "image.user-root",
            .cis = "4.1",
            .title = "Image runs as root",
            .severity = Severity::medium,
            .rationale = "r",
            .remediation = "Add USER 10001 to the Dockerfile.",
            .evaluate = [](const model::ImageSpec&, const model::HostSnapshot&, checks::Results&) {}},
  };
  return t;
}

inline audit::Report sample() {
  const auto& t = table();
  audit::Report r;
  r.command = "host";
  r.target = "unix:///var/run/docker.sock";
  r.hosts = {{"node-1", "ABCD:EFGH:IJKL", "20.10.24", "Debian GNU/Linux 12 (bookworm)"}};
  r.results = {
      {&t[2],
       audit::Subject{"image", "sha256:1111", "busybox:1"},
       Finding{"Config.User=\"\" (root)", std::nullopt, Status::fail, std::nullopt}},
      {&t[0], audit::Subject{"container", "c1", "web"}, Finding{"HostConfig.Privileged=true", std::nullopt, Status::fail, std::nullopt}},
      {&t[0], audit::Subject{"container", "c2", "db"}, Finding{"HostConfig.Privileged=false", std::nullopt, Status::pass, std::nullopt}},
      {&t[1],
       audit::Subject{"container", "c1", "web"},
       Finding{"Mounts[0] /etc -> /host/etc (ro)", model::Location{"compose.yaml", 7, 5}, Status::fail, Severity::medium}},
      {&t[1], audit::Subject{"container", "c2", "db"}, Finding{"inspect: malformed JSON", std::nullopt, Status::error, std::nullopt}},
  };
  return r;
}

/// The sample as a report of two hosts: the image and web's privileged finding on node-1, the
/// rest (db, web's mount) on node-2.
inline audit::Report two_hosts() {
  auto r = sample();
  r.command = "merge";
  r.target = "node-1.json, node-2.json";
  r.hosts.push_back({"node-2", "MNOP:QRST:UVWX", "20.10.24", "Alpine Linux v3.18"});
  for (std::size_t i = 2; i < r.results.size(); ++i)
    r.results[i].host = 1;
  return r;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Compares with tests/golden/<name>; DRYDOCK_UPDATE_GOLDEN=1 rewrites the file (review the diff).
inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(DRYDOCK_GOLDEN) + "/" + name;
  if (std::getenv("DRYDOCK_UPDATE_GOLDEN") != nullptr) std::ofstream(path) << actual;
  EXPECT_EQ(actual, read_file(path)) << "golden file " << path;
}

/// Runs a shell command: its exit status (-1 when it did not exit), its stdout and stderr in
/// `output`. The render tests hand their output to outside validators with it.
inline int run_shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    output.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace drydock::render::fixture
