// Integration test: a real Docker Engine, real images and containers with known
// misconfigurations, the real drydock binary. DESIGN.md sections 4, 5 and 8.
//
// The global environment below builds three images (a `docker import` of a busybox rootfs,
// a `docker build` FROM scratch that is hardened, and one whose process is /usr/sbin/sshd),
// creates one container per misconfiguration (all labelled drydock.test=it-<pid>), runs
// `drydock host --format json` once and keeps the report. The tests assert findings for
// exactly the subjects created here, so other containers on the engine do not matter.
// Everything labelled is removed in TearDown, also when a test fails.
//
// Outside CI a missing engine or busybox skips the suite; with CI=true it is a failure.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------
// The fixture: what was created, and the report of one `drydock host` run

enum class Mode {
  run,            ///< docker run -d; must start
  run_or_create,  ///< docker run -d; when the engine cannot start it, docker create
  create,         ///< docker create only (stopped)
  run_to_exit,    ///< docker run (foreground) of `true`: an exited container
};

struct Expect {
  std::string check;
  std::string status;         ///< one status, or alternatives "warn|fail"
  std::string severity = {};  ///< asserted when not empty
};

struct Case {
  std::string key;  ///< container name suffix
  std::vector<std::string> args;
  char image = 'B';  ///< B busybox import, H hardened build, S sshd, O outdated
  Mode mode = Mode::run;
  std::vector<Expect> expect;
};

struct World {
  bool ready = false;
  std::string run_id;  ///< it-<pid>
  std::string label;   ///< drydock.test=it-<pid>
  std::string prefix;  ///< container name prefix
  fs::path tmp;
  std::string cgroup_parent;
  std::string network;
  std::map<char, std::string> image_tag;
  std::map<char, std::string> image_id;    ///< without sha256:
  std::string outdated_old_image_id;       ///< the image the "outdated" container really uses
  std::map<std::string, std::string> cid;  ///< key -> full container id
  std::map<std::string, bool> running;     ///< key -> running when audited
  bool execs_created = false;
  bool sshd_is_real_binary = false;
  std::string swarm_state;
  fs::path inspect_file;

  Proc host_run;
  json report;
  std::string host_stderr;
};

World& world() {
  static World w;
  return w;
}

const char* drydock_bin() { return DRYDOCK_BIN; }

std::vector<std::string> dd(std::vector<std::string> args) {
  args.insert(args.begin(), drydock_bin());
  return args;
}

std::vector<Case> cases() {
  const std::string& w_cg = world().cgroup_parent;
  return {
      {"privileged", {"--privileged"}, 'B', Mode::create, {{"runtime.privileged", "fail", "critical"}}},
      {"cap-sys-admin",
       {"--cap-add", "SYS_ADMIN"},
       'B',
       Mode::run_or_create,
       {{"runtime.cap-sys-admin", "fail"}, {"runtime.capabilities-added", "fail"}}},
      {"cap-sys-module", {"--cap-add", "CAP_SYS_MODULE"}, 'B', Mode::run_or_create, {{"runtime.cap-sys-module", "fail"}}},
      {"cap-sys-ptrace", {"--cap-add", "sys_ptrace"}, 'B', Mode::run_or_create, {{"runtime.cap-sys-ptrace", "fail"}}},
      {"cap-dac-read-search",
       {"--cap-add", "DAC_READ_SEARCH"},
       'B',
       Mode::run_or_create,
       {{"runtime.cap-dac-read-search", "fail"}}},
      {"cap-net-admin", {"--cap-add", "NET_ADMIN"}, 'B', Mode::run_or_create, {{"runtime.cap-net-admin", "fail"}}},
      {"cap-all", {"--cap-add", "ALL"}, 'B', Mode::create, {{"runtime.cap-all", "fail"}, {"runtime.capabilities-added", "fail"}}},
      {"mount-etc-ro", {"-v", "/etc:/host-etc:ro"}, 'B', Mode::run, {{"runtime.sensitive-host-mount", "fail", "medium"}}},
      {"mount-etc-rw", {"-v", "/etc:/host-etc"}, 'B', Mode::run, {{"runtime.sensitive-host-mount", "fail", "high"}}},
      {"docker-sock",
       {"-v", engine_socket().empty() ? "/var/run/docker.sock:/var/run/docker.sock" : engine_socket() + ":/var/run/docker.sock"},
       'B',
       Mode::run_or_create,
       {{"runtime.docker-socket-mount", "fail"}}},
      {"port-any4",
       {"-p", "0.0.0.0:" + std::to_string(free_port()) + ":80"},
       'B',
       Mode::run_or_create,
       {{"runtime.port-all-interfaces", "fail"}, {"runtime.privileged-ports", "pass"}, {"runtime.open-ports", "info"}}},
      {"port-any6",
       {"-p", "[::]:" + std::to_string(free_port()) + ":80"},
       'B',
       Mode::run_or_create,
       {{"runtime.port-all-interfaces", "fail"}, {"runtime.privileged-ports", "pass"}}},
      {"port-80-local",
       {"-p", "127.0.0.1:80:80"},
       'B',
       Mode::run_or_create,
       {{"runtime.privileged-ports", "fail"}, {"runtime.port-all-interfaces", "pass"}, {"runtime.open-ports", "info"}}},
      {"net-host", {"--network", "host"}, 'B', Mode::run, {{"runtime.host-network", "fail"}}},
      {"pid-host", {"--pid", "host"}, 'B', Mode::run, {{"runtime.host-pid", "fail"}}},
      {"ipc-host", {"--ipc", "host"}, 'B', Mode::run, {{"runtime.host-ipc", "fail"}}},
      {"uts-host", {"--uts", "host"}, 'B', Mode::run, {{"runtime.host-uts", "fail"}}},
      {"userns-host", {"--userns", "host"}, 'B', Mode::run, {{"runtime.host-userns", "fail"}}},
      {"restart-always", {"--restart", "always"}, 'B', Mode::run, {{"runtime.restart-policy", "fail"}}},
      {"restart-unless-stopped", {"--restart", "unless-stopped"}, 'B', Mode::run, {{"runtime.restart-policy", "fail"}}},
      {"restart-on-failure-10", {"--restart", "on-failure:10"}, 'B', Mode::run, {{"runtime.restart-policy", "fail"}}},
      {"seccomp-unconfined", {"--security-opt", "seccomp=unconfined"}, 'B', Mode::run, {{"runtime.seccomp-unconfined", "fail"}}},
      {"device", {"--device", "/dev/null"}, 'B', Mode::run, {{"runtime.host-devices", "info"}}},
      {"ulimit", {"--ulimit", "nofile=1024:2048"}, 'B', Mode::run, {{"runtime.ulimit-override", "info"}}},
      {"propagation-rshared",
       {"--mount", "type=bind,src=" + world().tmp.string() + ",dst=/x,bind-propagation=rshared"},
       'B',
       Mode::run_or_create,
       {{"runtime.mount-propagation-shared", "fail"}}},
      {"cgroup-parent", {"--cgroup-parent", w_cg}, 'B', Mode::run_or_create, {{"runtime.cgroup-parent", "warn"}}},
      {"exited-pid-host", {"--pid", "host"}, 'B', Mode::run_to_exit, {{"runtime.host-pid", "fail"}, {"runtime.sshd", "skip"}}},
      {"sshd", {}, 'S', Mode::run, {{"runtime.sshd", "fail"}}},
      // 5.28 and 5.24 are Manual controls (reference/cis-docker-1.6.0.md): reported as
      // info, or decided when certain. A moved tag is certain; a root exec is for a person.
      {"outdated", {}, 'O', Mode::run, {{"runtime.image-outdated", "warn|fail"}}},
      {"exec-privileged", {}, 'B', Mode::run, {{"runtime.exec-privileged", "fail"}, {"runtime.exec-root", "pass"}}},
      {"exec-root", {}, 'B', Mode::run, {{"runtime.exec-root", "info|warn|fail"}, {"runtime.exec-privileged", "pass"}}},
      // A container from the imported image with every default: root, no limits, default
      // bridge. It shows that the checks above discriminate (they pass here) and it fails
      // the checks that the hardened container passes.
      {"baseline",
       {},
       'B',
       Mode::run,
       {
           {"runtime.privileged", "pass"},
           {"runtime.capabilities-added", "pass"},
           {"runtime.cap-sys-admin", "pass"},
           {"runtime.cap-sys-module", "pass"},
           {"runtime.cap-sys-ptrace", "pass"},
           {"runtime.cap-dac-read-search", "pass"},
           {"runtime.cap-net-admin", "pass"},
           {"runtime.cap-all", "pass"},
           {"runtime.sensitive-host-mount", "pass"},
           {"runtime.docker-socket-mount", "pass"},
           {"runtime.port-all-interfaces", "pass"},
           {"runtime.privileged-ports", "pass"},
           {"runtime.host-network", "pass"},
           {"runtime.host-pid", "pass"},
           {"runtime.host-ipc", "pass"},
           {"runtime.host-uts", "pass"},
           {"runtime.host-userns", "pass"},
           {"runtime.restart-policy", "pass"},
           {"runtime.seccomp-unconfined", "pass"},
           {"runtime.host-devices", "pass"},
           {"runtime.ulimit-override", "pass"},
           {"runtime.mount-propagation-shared", "pass"},
           {"runtime.cgroup-parent", "pass"},
           {"runtime.sshd", "pass"},
           {"runtime.image-outdated", "pass"},
           {"runtime.exec-privileged", "pass"},
           {"runtime.exec-root", "pass"},
           {"runtime.apparmor-profile", "skip"},
           {"runtime.selinux-options", "skip"},
           {"runtime.user-root", "fail"},
           {"runtime.memory-limit", "fail"},
           {"runtime.cpu-limit", "fail"},
           {"runtime.readonly-rootfs", "fail"},
           {"runtime.pids-limit", "fail"},
           {"runtime.no-new-privileges", "fail"},
           {"runtime.healthcheck", "fail"},
           {"runtime.default-bridge", "info"},
       }},
  };
}

/// Checks whose CIS number is part of the contract under test.
const std::map<std::string, std::string>& cis_of() {
  static const std::map<std::string, std::string> m = {
      {"runtime.user-root", "4.1"},
      {"runtime.swarm-mode", "5.1"},
      {"runtime.apparmor-profile", "5.2"},
      {"runtime.selinux-options", "5.3"},
      {"runtime.capabilities-added", "5.4"},
      {"runtime.cap-sys-admin", "5.4"},
      {"runtime.cap-sys-module", "5.4"},
      {"runtime.cap-sys-ptrace", "5.4"},
      {"runtime.cap-dac-read-search", "5.4"},
      {"runtime.cap-net-admin", "5.4"},
      {"runtime.cap-all", "5.4"},
      {"runtime.privileged", "5.5"},
      {"runtime.sensitive-host-mount", "5.6"},
      {"runtime.sshd", "5.7"},
      {"runtime.privileged-ports", "5.8"},
      {"runtime.open-ports", "5.9"},
      {"runtime.host-network", "5.10"},
      {"runtime.memory-limit", "5.11"},
      {"runtime.cpu-limit", "5.12"},
      {"runtime.readonly-rootfs", "5.13"},
      {"runtime.port-all-interfaces", "5.14"},
      {"runtime.restart-policy", "5.15"},
      {"runtime.host-pid", "5.16"},
      {"runtime.host-ipc", "5.17"},
      {"runtime.host-devices", "5.18"},
      {"runtime.ulimit-override", "5.19"},
      {"runtime.mount-propagation-shared", "5.20"},
      {"runtime.host-uts", "5.21"},
      {"runtime.seccomp-unconfined", "5.22"},
      {"runtime.exec-privileged", "5.23"},
      {"runtime.exec-root", "5.24"},
      {"runtime.cgroup-parent", "5.25"},
      {"runtime.no-new-privileges", "5.26"},
      {"runtime.healthcheck", "5.27"},
      {"runtime.image-outdated", "5.28"},
      {"runtime.pids-limit", "5.29"},
      {"runtime.default-bridge", "5.30"},
      {"runtime.host-userns", "5.31"},
      {"runtime.docker-socket-mount", "5.32"},
      {"image.user-root", "4.1"},
      {"image.healthcheck", "4.6"},
  };
  return m;
}

// ---------------------------------------------------------------------------------------
// Report helpers

std::string subject_id(const json& r) {
  if (!r.contains("subject") || !r["subject"].is_object() || !r["subject"].contains("id") || !r["subject"]["id"].is_string())
    return {};
  return strip_sha(r["subject"]["id"].get<std::string>());
}

std::vector<json> results_for(const json& report, const std::string& subject) {
  std::vector<json> v;
  if (!report.contains("results") || !report["results"].is_array()) return v;
  const std::string want = strip_sha(subject);
  for (const auto& r : report["results"])
    if (subject_id(r) == want) v.push_back(r);
  return v;
}

/// The one result of `check` for `subject`; null when absent.
json find_result(const json& report, const std::string& check, const std::string& subject) {
  for (const auto& r : results_for(report, subject))
    if (r.value("id", "") == check) return r;
  return nullptr;
}

std::string status_of(const json& report, const std::string& check, const std::string& subject) {
  const json r = find_result(report, check, subject);
  return r.is_null() ? std::string("<missing>") : r.value("status", "<no status>");
}

/// `want` is one status or alternatives separated by '|'.
bool status_matches(const std::string& got, const std::string& want) {
  std::istringstream in(want);
  for (std::string alt; std::getline(in, alt, '|');)
    if (alt == got) return true;
  return false;
}

std::string brief(const json& r) {
  if (r.is_null()) return "<missing>";
  std::string s = r.value("id", "?") + " status=" + r.value("status", "?") + " severity=" + r.value("severity", "?");
  if (r.contains("evidence") && r["evidence"].is_string()) s += " evidence=\"" + r["evidence"].get<std::string>() + "\"";
  return s;
}

/// check id -> status, for container-kind results of one subject.
std::map<std::string, std::string> statuses(const json& report, const std::string& subject) {
  std::map<std::string, std::string> m;
  for (const auto& r : results_for(report, subject))
    if (r.contains("subject") && r["subject"].value("kind", "") == "container") m[r.value("id", "")] = r.value("status", "");
  return m;
}

// ---------------------------------------------------------------------------------------
// Setup and teardown

class Environment : public ::testing::Environment {
 public:
  void SetUp() override {
    World& w = world();
    w.run_id = "it-" + std::to_string(getpid());
    w.label = "drydock.test=" + w.run_id;
    w.prefix = "drydock-" + w.run_id + "-";
    w.cgroup_parent = "/drydock-" + w.run_id;
    w.network = w.prefix + "net";

    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0 || trim(ping.out).empty()) {
      if (in_ci()) FAIL() << "CI=true but no Docker Engine answers: " << describe({"docker", "version"}, ping);
      GTEST_SKIP() << "no Docker Engine answers (docker version failed); integration tests skipped. " << trim(ping.err);
    }
    if (!fs::exists("/bin/busybox")) {
      if (in_ci()) FAIL() << "CI=true but /bin/busybox (busybox-static) is missing";
      GTEST_SKIP() << "/bin/busybox (busybox-static) is missing; integration tests skipped";
    }
    if (!fs::exists(drydock_bin())) FAIL() << "drydock binary not found at " << drydock_bin();

    const Proc swarm = run({"docker", "info", "--format", "{{.Swarm.LocalNodeState}}"});
    w.swarm_state = trim(swarm.out);

    char tmpl[] = "/tmp/drydock-it-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    w.tmp = tmpl;

    ASSERT_NO_FATAL_FAILURE(build_images());
    ASSERT_NO_FATAL_FAILURE(create_containers());
    ASSERT_NO_FATAL_FAILURE(create_execs());
    wait_for_health();

    const auto argv = dd({"host", "--format", "json", "--fail-on", "critical"});
    w.host_run = run(argv);
    ASSERT_TRUE(w.host_run.code == 0 || w.host_run.code == 1) << describe(argv, w.host_run);
    auto parsed = parse_json(w.host_run.out);
    ASSERT_TRUE(parsed.has_value()) << "drydock host did not print JSON: " << describe(argv, w.host_run);
    w.report = std::move(*parsed);
    w.ready = true;
  }

  void TearDown() override {
    World& w = world();
    if (w.run_id.empty()) return;
    if (const char* keep = std::getenv("DRYDOCK_IT_KEEP"); keep != nullptr && *keep != '\0') {
      std::fprintf(stderr, "[integration] DRYDOCK_IT_KEEP set: leaving everything labelled %s\n", w.label.c_str());
      return;
    }
    const std::string filter = "label=" + w.label;
    const Proc cs = run({"docker", "ps", "-aq", "--filter", filter});
    std::vector<std::string> rm = {"docker", "rm", "-f", "-v"};
    for (const auto& id : lines(cs.out))
      rm.push_back(id);
    if (rm.size() > 4) run(rm);
    const Proc ns = run({"docker", "network", "ls", "-q", "--filter", filter});
    for (const auto& id : lines(ns.out))
      run({"docker", "network", "rm", id});
    const Proc is = run({"docker", "images", "-aq", "--filter", filter});
    std::set<std::string> images;
    for (const auto& id : lines(is.out))
      images.insert(id);
    for (const auto& [k, id] : w.image_id)
      images.insert(id);
    if (!w.outdated_old_image_id.empty()) images.insert(w.outdated_old_image_id);
    std::vector<std::string> rmi = {"docker", "rmi", "-f"};
    rmi.insert(rmi.end(), images.begin(), images.end());
    if (rmi.size() > 3) run(rmi);
    // The cgroupfs driver leaves the --cgroup-parent directory behind; remove it if empty.
    std::error_code ec;
    for (const auto& ctl : fs::directory_iterator("/sys/fs/cgroup", ec)) {
      std::error_code ec2;
      fs::remove(ctl.path() / w.cgroup_parent.substr(1), ec2);
    }
    if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
  }

 private:
  static void docker_ok(const std::vector<std::string>& argv, Proc* out = nullptr) {
    Proc p = run(argv);
    ASSERT_EQ(p.code, 0) << describe(argv, p);
    if (out != nullptr) *out = std::move(p);
  }

  static std::string image_id_of(const std::string& ref) {
    const Proc p = run({"docker", "image", "inspect", "--format", "{{.Id}}", ref});
    return strip_sha(trim(p.out));
  }

  static void make_rootfs(const fs::path& root, bool with_sshd) {
    World& w = world();
    fs::create_directories(root / "bin");
    fs::create_directories(root / "tmp");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* applet : {"sh", "sleep", "true", "false", "ps", "cat", "echo", "id", "ls"})
      fs::create_symlink("busybox", root / "bin" / applet);
    if (!with_sshd) return;
    fs::create_directories(root / "usr/sbin");
    // A process whose command line really is "/usr/sbin/sshd -D": busybox dispatches on
    // argv[0] and has no sshd applet, so compile a static binary that just waits. Without
    // a C compiler, fall back to a script (the command line then is "/bin/sh /usr/sbin/sshd -D").
    const fs::path src = w.tmp / "sshd.c";
    write_file(src, "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n");
    const fs::path bin = root / "usr/sbin/sshd";
    const Proc cc = run({"cc", "-static", "-Os", "-o", bin.string(), src.string()});
    w.sshd_is_real_binary = cc.code == 0 && fs::exists(bin);
    if (!w.sshd_is_real_binary) {
      write_file(bin, "#!/bin/sh\nwhile true; do sleep 3600; done\n");
      fs::permissions(bin, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                               fs::perms::others_exec);
    }
  }

  static void import_rootfs(const fs::path& root, const std::string& tag, const std::vector<std::string>& changes) {
    World& w = world();
    const fs::path tar = root.string() + ".tar";
    docker_ok({"tar", "-C", root.string(), "-cf", tar.string(), "."});
    std::vector<std::string> argv = {"docker", "import", "--change", "LABEL " + w.label};
    for (const auto& c : changes) {
      argv.emplace_back("--change");
      argv.push_back(c);
    }
    argv.push_back(tar.string());
    argv.push_back(tag);
    docker_ok(argv);
  }

  static void build_images() {
    World& w = world();
    const std::string suffix = w.run_id;
    w.image_tag['B'] = "drydock-it/busybox:" + suffix;
    w.image_tag['H'] = "drydock-it/hardened:" + suffix;
    w.image_tag['S'] = "drydock-it/sshd:" + suffix;
    w.image_tag['O'] = "drydock-it/outdated:" + suffix;

    // (a) busybox rootfs, imported: root user, no healthcheck.
    make_rootfs(w.tmp / "rootfs-busybox", false);
    ASSERT_NO_FATAL_FAILURE(import_rootfs(w.tmp / "rootfs-busybox", w.image_tag['B'], {R"(CMD ["sleep","3600"])"}));
    // (c) the same plus /usr/sbin/sshd as the command.
    make_rootfs(w.tmp / "rootfs-sshd", true);
    ASSERT_NO_FATAL_FAILURE(import_rootfs(w.tmp / "rootfs-sshd", w.image_tag['S'], {R"(CMD ["/usr/sbin/sshd","-D"])"}));
    // The first generation of the "outdated" tag; re-tagged after its container exists.
    ASSERT_NO_FATAL_FAILURE(
        import_rootfs(w.tmp / "rootfs-busybox", w.image_tag['O'], {R"(CMD ["sleep","3600"])", "LABEL drydock.generation=1"}));

    // (b) hardened: FROM scratch, non-root user, healthcheck.
    const fs::path ctx = w.tmp / "hardened";
    fs::create_directories(ctx);
    fs::copy_file("/bin/busybox", ctx / "busybox");
    write_file(ctx / "Dockerfile",
               "FROM scratch\n"
               "COPY busybox /bin/busybox\n"
               "USER 1000:1000\n"
               "HEALTHCHECK --interval=1s --timeout=3s --retries=3 CMD [\"/bin/busybox\", \"true\"]\n"
               "CMD [\"/bin/busybox\", \"sleep\", \"3600\"]\n");
    ASSERT_NO_FATAL_FAILURE(docker_ok({"docker", "build", "-q", "--label", w.label, "-t", w.image_tag['H'], ctx.string()}));

    for (const char k : {'B', 'H', 'S', 'O'}) {
      w.image_id[k] = image_id_of(w.image_tag[k]);
      ASSERT_FALSE(w.image_id[k].empty()) << "no id for " << w.image_tag[k];
    }
    ASSERT_NO_FATAL_FAILURE(docker_ok({"docker", "network", "create", "--label", w.label, w.network}));
  }

  static Proc create_one(const Case& c) {
    World& w = world();
    const std::string name = w.prefix + c.key;
    std::vector<std::string> common = {"--name", name, "--label", w.label};
    common.insert(common.end(), c.args.begin(), c.args.end());
    common.push_back(w.image_tag.at(c.image));
    auto with = [&](std::vector<std::string> head, std::vector<std::string> tail = {}) {
      head.insert(head.end(), common.begin(), common.end());
      head.insert(head.end(), tail.begin(), tail.end());
      return head;
    };
    switch (c.mode) {
      case Mode::create:
        return run(with({"docker", "create"}));
      case Mode::run_to_exit:
        return run(with({"docker", "run"}, {"true"}));
      case Mode::run:
        return run(with({"docker", "run", "-d"}));
      case Mode::run_or_create: {
        Proc p = run(with({"docker", "run", "-d"}));
        if (p.code == 0) return p;
        // The engine created it but could not start it (e.g. a port in use, a capability
        // this host cannot grant): the configuration is what is audited, keep it stopped.
        run({"docker", "rm", "-f", name});
        Proc q = run(with({"docker", "create"}));
        if (q.code == 0)
          std::fprintf(stderr, "[integration] %s: could not start, audited stopped: %s\n", name.c_str(), trim(p.err).c_str());
        return q;
      }
    }
    return {};
  }

  static void create_containers() {
    World& w = world();
    auto all = cases();
    // The hardened container: every control satisfied.
    Case hardened{"hardened",
                  {"--user", "1000:1000", "--cap-drop", "ALL", "--read-only", "--memory", "64m", "--cpus", "0.5", "--pids-limit",
                   "50", "--security-opt", "no-new-privileges", "--restart", "on-failure:3", "--network", w.network, "-p",
                   "127.0.0.1:" + std::to_string(free_port()) + ":8443"},
                  'H',
                  Mode::run,
                  {}};
    all.push_back(hardened);

    // Several at a time: each docker run costs a few hundred milliseconds.
    std::vector<std::future<std::pair<std::string, Proc>>> jobs;
    std::vector<std::pair<std::string, Proc>> done;
    for (const auto& c : all) {
      jobs.push_back(std::async(std::launch::async, [c] { return std::make_pair(c.key, create_one(c)); }));
      if (jobs.size() == 8) {
        for (auto& j : jobs)
          done.push_back(j.get());
        jobs.clear();
      }
    }
    for (auto& j : jobs)
      done.push_back(j.get());
    for (const auto& [key, p] : done)
      ASSERT_EQ(p.code, 0) << "container " << key << ": " << p.err;

    // Move the "outdated" tag to a new image: the container keeps running the old one.
    w.outdated_old_image_id = w.image_id['O'];
    ASSERT_NO_FATAL_FAILURE(
        import_rootfs(w.tmp / "rootfs-busybox", w.image_tag['O'], {R"(CMD ["sleep","3600"])", "LABEL drydock.generation=2"}));
    w.image_id['O'] = image_id_of(w.image_tag['O']);
    ASSERT_NE(w.image_id['O'], w.outdated_old_image_id);

    for (const auto& c : all) {
      const Proc p = run({"docker", "inspect", "--format", "{{.Id}} {{.State.Running}}", w.prefix + c.key});
      std::istringstream in(p.out);
      std::string id;
      std::string state;
      in >> id >> state;
      ASSERT_FALSE(id.empty()) << "cannot inspect " << c.key << ": " << p.err;
      w.cid[c.key] = id;
      w.running[c.key] = state == "true";
    }
    ASSERT_TRUE(w.running["sshd"]) << "the sshd container must run for 5.7";
    ASSERT_TRUE(w.running["hardened"]) << "the hardened container must run";
    ASSERT_FALSE(w.running["privileged"]);
    ASSERT_FALSE(w.running["exited-pid-host"]);

    // A saved `docker inspect` for the file-based runs.
    w.inspect_file = w.tmp / "inspect.json";
    const Proc ins = run({"docker", "inspect", w.cid["cap-sys-admin"], w.cid["privileged"], w.cid["hardened"]});
    ASSERT_EQ(ins.code, 0) << ins.err;
    ASSERT_TRUE(write_file(w.inspect_file, ins.out));
  }

  /// Exec instances created through the API and never started (a privileged exec cannot
  /// start on this kind of host, and a finished exec leaves ExecIDs): the engine keeps
  /// them in ExecIDs, which is what an auditor sees.
  static void create_execs() {
    World& w = world();
    const auto a =
        engine_post("/containers/" + w.cid["exec-privileged"] + "/exec", R"({"Cmd":["true"],"Privileged":true,"User":"1000"})");
    const auto b = engine_post("/containers/" + w.cid["exec-root"] + "/exec", R"({"Cmd":["true"],"User":"root"})");
    w.execs_created = a.has_value() && b.has_value();
    if (!w.execs_created && in_ci()) FAIL() << "could not create exec instances over " << engine_socket();
  }

  static void wait_for_health() {
    World& w = world();
    for (int i = 0; i < 100; ++i) {
      const Proc p = run({"docker", "inspect", "--format", "{{.State.Health.Status}}", w.cid["hardened"]});
      if (trim(p.out) == "healthy") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fprintf(stderr, "[integration] hardened container not healthy after 10s\n");
  }
};

[[maybe_unused]] ::testing::Environment* const g_env = ::testing::AddGlobalTestEnvironment(new Environment);

#define REQUIRE_WORLD()                         \
  do {                                          \
    if (!world().ready) {                       \
      GTEST_SKIP() << "setup did not complete"; \
    }                                           \
  } while (false)

// ---------------------------------------------------------------------------------------
// Tests over the one `drydock host` report

TEST(HostAudit, ReportShape) {
  REQUIRE_WORLD();
  const json& rep = world().report;
  EXPECT_EQ(rep.value("schema", ""), "drydock.report/v1");
  ASSERT_TRUE(rep.contains("results") && rep["results"].is_array());
  ASSERT_TRUE(rep.contains("summary") && rep["summary"].is_object());

  static const std::set<std::string> k_status = {"pass", "fail", "warn", "info", "skip", "error"};
  static const std::set<std::string> k_severity = {"critical", "high", "medium", "low", "info"};
  std::map<std::string, int> counted;
  std::map<std::string, int> seen;  // (check, kind, subject id) -> count
  for (const auto& r : rep["results"]) {
    const std::string st = r.value("status", "");
    EXPECT_TRUE(k_status.count(st)) << "bad status in " << r.dump();
    EXPECT_TRUE(k_severity.count(r.value("severity", ""))) << "bad severity in " << r.dump();
    for (const char* key :
         {"id", "cis", "title", "severity", "status", "subject", "evidence", "location", "remediation", "aliases"})
      EXPECT_TRUE(r.contains(key)) << "missing key " << key << " in " << r.dump();
    ++counted[st];
    const std::string kind = r.contains("subject") ? r["subject"].value("kind", "") : "";
    ++seen[r.value("id", "") + " | " + kind + " | " + subject_id(r)];
  }
  for (const auto& [key, n] : seen)
    EXPECT_EQ(n, 1) << "duplicate results for (check | kind | subject) " << key;
  for (const auto& st : k_status)
    EXPECT_EQ(rep["summary"].value(st, -1), counted[st]) << "summary." << st << " does not count the results";
}

TEST(HostAudit, EveryCreatedContainerIsASubject) {
  REQUIRE_WORLD();
  const World& w = world();
  for (const auto& [key, id] : w.cid) {
    const auto rs = results_for(w.report, id);
    ASSERT_FALSE(rs.empty()) << "no results for container " << key << " (running=" << w.running.at(key) << ")";
    for (const auto& r : rs) {
      EXPECT_EQ(r["subject"].value("kind", ""), "container") << brief(r);
      EXPECT_EQ(r["subject"].value("name", ""), w.prefix + key) << brief(r);
      const std::string check = r.value("id", "");
      if (const auto it = cis_of().find(check); it != cis_of().end()) {
        EXPECT_EQ(r["cis"].is_string() ? r["cis"].get<std::string>() : "null", it->second) << "cis of " << check;
      }
    }
  }
}

TEST(HostAudit, EachMisconfigurationIsFound) {
  REQUIRE_WORLD();
  const World& w = world();
  for (const auto& c : cases()) {
    if ((c.key == "exec-privileged" || c.key == "exec-root") && !w.execs_created) continue;
    for (const auto& e : c.expect) {
      const json r = find_result(w.report, e.check, w.cid.at(c.key));
      const std::string got = r.is_null() ? "<missing>" : r.value("status", "");
      EXPECT_TRUE(status_matches(got, e.status))
          << "container " << c.key << " (running=" << w.running.at(c.key) << "): expected " << e.status << ", got " << brief(r);
      if (!e.severity.empty() && !r.is_null()) {
        EXPECT_EQ(r.value("severity", ""), e.severity) << "container " << c.key << ": " << brief(r);
      }
    }
  }
}

TEST(HostAudit, HardenedContainerIsClean) {
  REQUIRE_WORLD();
  const World& w = world();
  const std::string id = w.cid.at("hardened");
  for (const auto& r : results_for(w.report, id)) {
    const std::string st = r.value("status", "");
    EXPECT_TRUE(st == "pass" || st == "skip" || st == "info") << "hardened container: " << brief(r);
  }
  for (const auto& [check, st] : std::vector<std::pair<std::string, std::string>>{
           {"runtime.user-root", "pass"},
           {"runtime.privileged", "pass"},
           {"runtime.capabilities-added", "pass"},
           {"runtime.memory-limit", "pass"},
           {"runtime.cpu-limit", "pass"},
           {"runtime.readonly-rootfs", "pass"},
           {"runtime.pids-limit", "pass"},
           {"runtime.no-new-privileges", "pass"},
           {"runtime.healthcheck", "pass"},
           {"runtime.restart-policy", "pass"},
           {"runtime.privileged-ports", "pass"},
           {"runtime.port-all-interfaces", "pass"},
           {"runtime.default-bridge", "pass"},
           {"runtime.sshd", "pass"},
           {"runtime.image-outdated", "pass"},
           {"runtime.apparmor-profile", "skip"},
           {"runtime.selinux-options", "skip"},
           {"runtime.open-ports", "info"},
       }) {
    EXPECT_EQ(status_of(w.report, check, id), st) << brief(find_result(w.report, check, id));
  }
}

TEST(HostAudit, StoppedContainersAreAudited) {
  REQUIRE_WORLD();
  const World& w = world();
  for (const char* key : {"privileged", "cap-all", "exited-pid-host"}) {
    EXPECT_FALSE(w.running.at(key));
    EXPECT_EQ(status_of(w.report, "runtime.sshd", w.cid.at(key)), "skip")
        << key << ": " << brief(find_result(w.report, "runtime.sshd", w.cid.at(key)));
  }
}

TEST(HostAudit, SshdIsFoundInTheProcessList) {
  REQUIRE_WORLD();
  const World& w = world();
  const json r = find_result(w.report, "runtime.sshd", w.cid.at("sshd"));
  EXPECT_EQ(r.is_null() ? "<missing>" : r.value("status", ""), "fail")
      << brief(r) << (w.sshd_is_real_binary ? "" : " (process is a script: /bin/sh /usr/sbin/sshd -D)");
  if (!r.is_null()) {
    EXPECT_NE(r.value("evidence", "").find("sshd"), std::string::npos) << brief(r);
  }
}

TEST(HostAudit, ImagesInUseAreAudited) {
  REQUIRE_WORLD();
  const World& w = world();
  auto image_status = [&](const std::string& check, const std::string& image_id) {
    const json r = find_result(w.report, check, image_id);
    if (!r.is_null()) {
      EXPECT_EQ(r["subject"].value("kind", ""), "image") << brief(r);
    }
    return std::make_pair(r.is_null() ? std::string("<missing>") : r.value("status", ""), brief(r));
  };
  for (const auto& [check, key, want] : std::vector<std::tuple<std::string, char, std::string>>{
           {"image.user-root", 'B', "fail"},
           {"image.user-root", 'H', "pass"},
           {"image.user-root", 'S', "fail"},
           {"image.healthcheck", 'B', "fail"},
           {"image.healthcheck", 'H', "pass"},
       }) {
    const auto [got, text] = image_status(check, w.image_id.at(key));
    EXPECT_EQ(got, want) << "image " << w.image_tag.at(key) << ": " << text;
  }
  // The image the outdated container really runs (now untagged) is in use, so audited.
  EXPECT_FALSE(results_for(w.report, w.outdated_old_image_id).empty())
      << "no results for the untagged image in use " << w.outdated_old_image_id;
  for (const char* check : {"image.user-root", "image.healthcheck"}) {
    const json r = find_result(w.report, check, w.image_id.at('B'));
    if (!r.is_null()) {
      EXPECT_EQ(r["cis"].is_string() ? r["cis"].get<std::string>() : "null", cis_of().at(check));
    }
  }
}

TEST(HostAudit, DaemonSwarmMode) {
  REQUIRE_WORLD();
  const World& w = world();
  std::vector<json> found;
  for (const auto& r : w.report["results"])
    if (r.value("id", "") == "runtime.swarm-mode") found.push_back(r);
  ASSERT_EQ(found.size(), 1u) << "runtime.swarm-mode must be reported once, for the daemon";
  EXPECT_EQ(found[0]["subject"].value("kind", ""), "daemon");
  if (w.swarm_state == "inactive") {
    EXPECT_EQ(found[0].value("status", ""), "pass") << brief(found[0]);
  }
}

// ---------------------------------------------------------------------------------------
// Other invocations, compared with the host report

/// Checks whose result depends on what only the engine can tell (processes, exec
/// sessions, tags, host security modules): not compared between a file and the engine.
const std::set<std::string> k_engine_only = {"runtime.sshd",           "runtime.exec-privileged",  "runtime.exec-root",
                                             "runtime.image-outdated", "runtime.apparmor-profile", "runtime.selinux-options",
                                             "runtime.swarm-mode"};

TEST(ContainerCommand, ByNameMatchesHostReport) {
  REQUIRE_WORLD();
  const World& w = world();
  for (const char* key : {"cap-sys-admin", "privileged", "hardened"}) {
    const auto argv = dd({"container", w.prefix + key, "--format", "json", "--fail-on", "critical"});
    const Proc p = run(argv);
    ASSERT_TRUE(p.code == 0 || p.code == 1) << describe(argv, p);
    const auto rep = parse_json(p.out);
    ASSERT_TRUE(rep.has_value()) << describe(argv, p);
    const auto mine = statuses(*rep, w.cid.at(key));
    const auto host = statuses(w.report, w.cid.at(key));
    EXPECT_FALSE(mine.empty()) << describe(argv, p);
    EXPECT_EQ(mine, host) << "drydock container " << key << " differs from drydock host";
  }
}

TEST(ContainerCommand, InspectFileMatchesHostReport) {
  REQUIRE_WORLD();
  const World& w = world();
  const auto argv = dd({"container", w.inspect_file.string(), "--format", "json", "--fail-on", "critical"});
  const Proc p = run(argv);
  ASSERT_TRUE(p.code == 0 || p.code == 1) << describe(argv, p);
  const auto rep = parse_json(p.out);
  ASSERT_TRUE(rep.has_value()) << describe(argv, p);
  for (const char* key : {"cap-sys-admin", "privileged", "hardened"}) {
    auto mine = statuses(*rep, w.cid.at(key));
    auto host = statuses(w.report, w.cid.at(key));
    EXPECT_FALSE(mine.empty()) << key << ": " << describe(argv, p);
    for (const auto& c : k_engine_only) {
      mine.erase(c);
      host.erase(c);
    }
    EXPECT_EQ(mine, host) << "drydock container inspect.json differs from drydock host for " << key;
  }
}

TEST(ContainerCommand, BothCapabilitySpellingsFromAFile) {
  REQUIRE_WORLD();
  const World& w = world();
  // The engine stores CAP_SYS_ADMIN; an inspect document written by hand or by an older
  // engine may say SYS_ADMIN or sys_admin. All are the same capability.
  const Proc ins = run({"docker", "inspect", w.cid.at("cap-sys-admin")});
  ASSERT_EQ(ins.code, 0) << ins.err;
  json doc = json::parse(ins.out);
  ASSERT_TRUE(doc.is_array() && doc.size() == 1);
  json arr = json::array();
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"CAP_SYS_ADMIN", "a"}, {"SYS_ADMIN", "b"}, {"sys_admin", "c"}, {"cap_sys_admin", "d"}};
  for (const auto& [spelling, tag] : spellings) {
    json c = doc[0];
    std::string id = c["Id"].get<std::string>();
    id.replace(id.size() - 1, 1, tag);  // a distinct, still well-formed id per entry
    c["Id"] = id;
    c["Name"] = "/" + w.prefix + "spelling-" + tag;
    c["HostConfig"]["CapAdd"] = json::array({spelling});
    arr.push_back(c);
  }
  const fs::path file = w.tmp / "spellings.json";
  ASSERT_TRUE(write_file(file, arr.dump(2)));
  const auto argv = dd({"container", file.string(), "--format", "json", "--fail-on", "critical"});
  const Proc p = run(argv);
  const auto rep = parse_json(p.out);
  ASSERT_TRUE(rep.has_value()) << describe(argv, p);
  for (const auto& c : arr) {
    const json r = find_result(*rep, "runtime.cap-sys-admin", c["Id"].get<std::string>());
    EXPECT_EQ(r.is_null() ? "<missing>" : r.value("status", ""), "fail")
        << "CapAdd=" << c["HostConfig"]["CapAdd"].dump() << ": " << brief(r);
  }
}

TEST(Cli, OnlyReducesToOneCheck) {
  REQUIRE_WORLD();
  const World& w = world();
  const auto argv = dd({"host", "--format", "json", "--only", "runtime.privileged", "--fail-on", "critical"});
  const Proc p = run(argv);
  const auto rep = parse_json(p.out);
  ASSERT_TRUE(rep.has_value()) << describe(argv, p);
  ASSERT_TRUE((*rep)["results"].is_array());
  EXPECT_FALSE((*rep)["results"].empty());
  for (const auto& r : (*rep)["results"])
    EXPECT_EQ(r.value("id", ""), "runtime.privileged") << brief(r);
  EXPECT_EQ(status_of(*rep, "runtime.privileged", w.cid.at("privileged")), "fail");
  EXPECT_EQ(status_of(*rep, "runtime.privileged", w.cid.at("hardened")), "pass");
  EXPECT_EQ(p.code, 1) << "a critical finding with --fail-on critical: " << describe(argv, p);
}

TEST(Cli, ExitCodes) {
  REQUIRE_WORLD();
  {
    const auto argv = dd({"host", "--format", "json", "--fail-on", "high"});
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 1) << "privileged container exists: " << describe(argv, p);
  }
  {
    const auto argv = dd({"host", "--format", "json", "--only", "runtime.open-ports", "--fail-on", "critical"});
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 0) << describe(argv, p);
  }
  {
    const auto argv = dd({"host", "--format", "json", "--host", "unix:///nonexistent/docker.sock"});
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 3) << describe(argv, p);
    const auto err = lines(p.err);
    EXPECT_EQ(err.size(), 1u) << "one line on stderr: " << describe(argv, p);
    EXPECT_NE(p.err.find("is Docker running"), std::string::npos) << describe(argv, p);
  }
  {
    const auto argv = dd({"host", "--format", "no-such-format"});
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 2) << describe(argv, p);
  }
}

TEST(Cli, TextFormatHasASummaryLine) {
  REQUIRE_WORLD();
  const auto argv = dd({"host", "--format", "text", "--fail-on", "critical", "--no-color"});
  const Proc p = run(argv);
  ASSERT_TRUE(p.code == 0 || p.code == 1) << describe(argv, p);
  EXPECT_FALSE(parse_json(p.out).has_value()) << "--format text printed JSON";
  bool found = false;
  for (auto l : lines(p.out)) {
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (l.find("pass") != std::string::npos && l.find("fail") != std::string::npos &&
        std::any_of(l.begin(), l.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      found = true;
  }
  EXPECT_TRUE(found) << "no line with pass/fail counts in the text report:\n"
                     << p.out.substr(p.out.size() > 3000 ? p.out.size() - 3000 : 0);
  EXPECT_EQ(p.out.find('\x1b'), std::string::npos) << "--no-color output has escape sequences";
}

}  // namespace
