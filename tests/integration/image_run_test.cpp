// `make image`: the drydock image, built offline (FROM scratch, the binary and the libraries it
// loads). Run with the engine's socket and the host's root mounted read-only, `drydock host --root
// /host` in it audits the host as `drydock host` run on the host does, but for what depends on
// the process table (the container sees its own /proc).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "support.hpp"

namespace drydock_it {
namespace {

const std::string k_root = std::string(DRYDOCK_TEST_DATA) + "/../..";
const std::string k_tag = "dd-fleet-image:test";
const std::string k_busybox = "dd-fleet-busybox:test";
const std::string k_label = "dd-fleet-image=1";
const std::string k_victim = "dd-fleet-image-victim";

class FleetImage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char templ[] = "/tmp/dd-fleet-image-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    s_dir = templ;
    s_built = run({"sh", k_root + "/scripts/build-image", DRYDOCK_BIN, k_tag}, std::chrono::seconds(300));
  }
  static void TearDownTestSuite() {
    run({"docker", "rm", "-f", k_victim});
    run({"docker", "rmi", "-f", k_tag, k_busybox});
    std::error_code ec;
    fs::remove_all(s_dir, ec);
  }
  static std::string s_dir;
  static Proc s_built;
};
std::string FleetImage::s_dir;
Proc FleetImage::s_built;

TEST_F(FleetImage, HoldsTheBinaryAndTheLibrariesItLoadsOnly) {
  ASSERT_EQ(s_built.code, 0) << s_built.err;
  const auto inspect = run({"docker", "image", "inspect", k_tag});
  ASSERT_EQ(inspect.code, 0) << inspect.err;
  const auto img = json::parse(inspect.out)[0];
  EXPECT_EQ(img["Config"]["Entrypoint"], json::array({"/usr/local/bin/drydock"}));
  EXPECT_EQ(img["RootFS"]["Layers"].size(), 1U);  // FROM scratch: no base image
  const auto version = run({"docker", "run", "--rm", k_tag, "--version"});
  EXPECT_EQ(version.code, 0) << version.err;
  EXPECT_EQ(version.out.rfind("drydock ", 0), 0U) << version.out;
  // Its files: the binary, each library ldd lists, the CA bundle, passwd and group.
  const auto id = trim(run({"docker", "create", "--label", k_label, k_tag}).out);
  ASSERT_FALSE(id.empty());
  const auto tar = s_dir + "/image.tar";
  const auto exported = run({"docker", "export", "-o", tar, id});
  run({"docker", "rm", "-f", id});
  ASSERT_EQ(exported.code, 0) << exported.err;
  std::set<std::string> files;
  for (const auto& l : lines(run({"tar", "-tf", tar}).out))
    if (!l.empty() && l.back() != '/') files.insert("/" + (l.rfind("./", 0) == 0 ? l.substr(2) : l));
  std::set<std::string> wanted = {"/usr/local/bin/drydock", "/etc/ssl/certs/ca-certificates.crt", "/etc/passwd", "/etc/group"};
  const auto add_libraries = [&wanted](const std::string& ldd_output) {
    for (const auto& l : lines(ldd_output)) {
      std::istringstream words(l);
      for (std::string w; words >> w;)
        if (w[0] == '/') wanted.insert(w);
    }
  };
  const auto linked = run({"ldd", DRYDOCK_BIN}).out;
  add_libraries(linked);
  // And the libraries drydock opens only when a command needs them (libcurl for the engine,
  // libarchive for image archives), with theirs: ldd of the binary cannot see those. They are
  // in the directory where the loader found libc.
  const auto libc = linked.find("/libc.so.6");
  ASSERT_NE(libc, std::string::npos) << linked;
  const auto start = linked.rfind(' ', libc) + 1;
  const auto libdir = linked.substr(start, libc - start);
  for (const std::string soname : {"libcurl.so.4", "libarchive.so.13"}) {
    ASSERT_TRUE(fs::exists(libdir + "/" + soname)) << libdir;
    wanted.insert(libdir + "/" + soname);
    add_libraries(run({"ldd", libdir + "/" + soname}).out);
  }
  EXPECT_FALSE(linked.find("libcurl") != std::string::npos || linked.find("libarchive") != std::string::npos) << linked;
  // docker export adds the files every container has (the engine creates them in the
  // container's layer: /dev/console is the mount point of the console).
  for (const auto* f : {"/.dockerenv", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab", "/dev/console"})
    files.erase(f);
  EXPECT_EQ(files, wanted);
}

/// The results that do not depend on what else runs on the shared engine: the host, its daemon
/// and files, and this suite's container; by (check, subject): status and evidence.
std::map<std::string, std::pair<std::string, std::string>> stable(const json& report) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& r : report["results"]) {
    const auto kind = r["subject"]["kind"].get<std::string>();
    if (kind == "image") continue;
    if (kind == "container" && r["subject"]["name"] != k_victim) continue;
    out[r["id"].get<std::string>() + " " + kind + " " + r["subject"]["name"].get<std::string>()] = {r["status"], r["evidence"]};
  }
  return out;
}

/// Where the audit in a container differs from the audit on the host, and why (README, "The
/// image"): the container has its own process table, so the running dockerd is not found (the
/// daemon's settings come from its unit and files, and the evidence says so; the statuses
/// agree when the unit says what the command line says), the kernel's audit rules cannot be
/// asked for (auditctl -l: the rules files only), and the mount table of the host is not read
/// (the data root's partition is unknown, skip); and the auditing container and its image are
/// on the engine while it runs (counted by the sprawl controls).
bool evidence_may_differ(const std::string& check) {
  // trust.docker-content-trust: live, the running dockerd's environment (/proc/PID/environ) is
  // also read, as the daemon's command line is for daemon.*; under --root it is not the host's.
  return check.starts_with("daemon.") || check.starts_with("host.audit-") || check == "trust.docker-content-trust";
}
const std::set<std::string> k_status_may_differ = {"host.data-root-partition", "operations.container-sprawl",
                                                   "operations.image-sprawl"};

TEST_F(FleetImage, InAContainerTheHostAuditIsTheHostsOwn) {
  ASSERT_EQ(s_built.code, 0) << s_built.err;
  ASSERT_EQ(import_busybox(s_dir, k_busybox, k_label, {"CMD [\"sleep\", \"600\"]"}), "");
  const auto started = run({"docker", "run", "-d", "--name", k_victim, "--label", k_label, "--cap-add", "SYS_ADMIN", "--network", "none",
                            "-v", "/etc:/host-etc:ro", k_busybox});
  ASSERT_EQ(started.code, 0) << started.err;

  const auto on_host = run({DRYDOCK_BIN, "host", "--format", "json", "--quiet", "--fail-on", "none"}, std::chrono::seconds(300));
  ASSERT_EQ(on_host.code, 0) << on_host.err;
  // The line of the README.
  const auto in_container =
      run({"docker", "run", "--rm", "--label", k_label, "-v", "/var/run/docker.sock:/var/run/docker.sock:ro", "-v", "/:/host:ro",
           k_tag, "host", "--root", "/host", "--format", "json", "--quiet", "--fail-on", "none"},
          std::chrono::seconds(300));
  ASSERT_EQ(in_container.code, 0) << in_container.err;
  const auto a = json::parse(on_host.out), b = json::parse(in_container.out);
  EXPECT_EQ(a["host"], b["host"]) << "the same engine, the same host";
  const auto sa = stable(a), sb = stable(b);
  std::size_t compared = 0, same_evidence = 0;
  for (const auto& [key, result] : sa) {
    const auto check = key.substr(0, key.find(' '));
    const auto it = sb.find(key);
    if (it == sb.end()) {
      ADD_FAILURE() << key << " is missing in the container's report";
      continue;
    }
    ++compared;
    if (!k_status_may_differ.contains(check)) {
      EXPECT_EQ(result.first, it->second.first) << key << ": " << result.second << " / " << it->second.second;
    }
    if (!k_status_may_differ.contains(check) && !evidence_may_differ(check)) {
      EXPECT_EQ(result.second, it->second.second) << key;
      ++same_evidence;
    }
  }
  for (const auto& [key, result] : sb) {
    if (!sa.contains(key)) {
      ADD_FAILURE() << key << " is only in the container's report: " << result.second;
    }
  }
  EXPECT_GT(compared, 100U);
  EXPECT_GT(same_evidence, compared / 2);
  // The misconfigured container is found from inside too (--privileged cannot start on every
  // machine; SYS_ADMIN can).
  EXPECT_EQ(sb.at("runtime.cap-sys-admin container " + k_victim).first, "fail");
  EXPECT_EQ(sb.at("runtime.sensitive-host-mount container " + k_victim).first, "fail");
}

}  // namespace
}  // namespace drydock_it
