// drydock against a faulty engine: a proxy of ours (fault_proxy.hpp) sits between drydock and
// the real engine and stalls, cuts, rewrites or fails chosen requests. For each fault:
//   - drydock ends within its --timeout (the wall time is asserted), however the engine behaves;
//   - the subjects it could not read, and only those, get `error` results with the reason;
//   - everything else is reported exactly as without the fault (a known-good container and its
//     image are compared result by result with a run through the proxy without faults);
//   - it exits 3 only when nothing could be read (/_ping, /version or /info unreadable, a dead
//     socket), else 0 or 1 as usual.
//
// Decisions, asserted below:
//   - A container that disappears between the list and its inspect (the engine answers 404,
//     whether it was really removed or not) is dropped with a note: there is nothing left to
//     audit, and the engine is the authority on what exists. Any other failure to read it
//     (timeout, cut connection, 5xx, malformed or wrong JSON, an inspect of another container)
//     makes it an `error` subject: never dropped, never `pass`.
//   - An image in use that cannot be inspected is an `error` subject, 404 included: an image
//     a container uses cannot legitimately be gone while the container exists.
//   - /info unreadable fails the whole run (exit 3): the engine's security options (AppArmor,
//     SELinux, seccomp, user namespaces) and swarm state decide what the container checks
//     mean, so without them every result could be wrong, not merely incomplete.
//   - The image of an unreadable container is unknown: one `error` image subject, "images of
//     unreadable containers", names those containers, so that no image goes unaudited unsaid.
//   - A container list that cannot be read makes the containers, and the images in use (known
//     only through the containers), one `error` subject each; the daemon's checks still run.
//   - An exec session that cannot be inspected leaves its container readable: 5.23 warns and
//     5.24 (manual) informs that it could not be inspected, never `pass`; the reason is a note
//     on stderr (the checks see the model only, which has no place for it).
//   - `drydock container NAME...` exits 3 when none of the named containers could be read.
//   - --timeout bounds each request; requests run eight at a time, so stalls in parallel cost
//     one timeout, not one each.
//
// The proxy lists only this suite's containers (a label filter it adds to /containers/json):
// the engine is shared with other suites, whose containers come and go.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fault_proxy.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
using std::chrono::milliseconds;

/// drydock's --timeout in the tests, and what a run may take beyond the time its stalled
/// requests are allowed (collection, host-side reading, the audit, a loaded machine).
constexpr double k_timeout_s = 1.0;
constexpr double k_slack_s = 4.0;
/// A stall that outlasts the timeout by far: drydock must not wait for it.
constexpr milliseconds k_long_stall{20000};

struct World {
  bool ready = false;
  std::string error;
  std::string label;  ///< drydock.test=faults-<pid>
  std::string prefix;
  fs::path tmp;
  std::string image_tag, image_id;
  std::string good, good_id;      ///< a created container, never faulted: the control
  std::string victim, victim_id;  ///< a created container whose requests are faulted
  std::string runner, runner_id;  ///< a running container with one exec instance
  std::string exec_id;
  json reference;  ///< the report through the proxy without faults
};

World& world() {
  static World w;
  return w;
}

std::string dd_bin() { return DRYDOCK_BIN; }

/// One result's status and evidence, keyed by "check|kind|name".
using Results = std::map<std::string, std::pair<std::string, std::string>>;

Results results_of(const json& report, const std::string& kind, const std::string& name) {
  Results out;
  for (const auto& r : report["results"]) {
    if (r["subject"]["kind"] == kind && r["subject"]["name"] == name) {
      out[r["id"].get<std::string>() + "|" + kind + "|" + name] = {r["status"].get<std::string>(),
                                                                   r["evidence"].get<std::string>()};
    }
  }
  return out;
}

/// The results that differ between `got` and `want`, one a line; "" when none.
std::string differences(const Results& got, const Results& want) {
  std::string out;
  for (const auto& [key, r] : want) {
    const auto it = got.find(key);
    if (it == got.end()) {
      out += "missing " + key + "\n";
    } else if (it->second != r) {
      out += key + ": " + it->second.first + " \"" + it->second.second + "\", want " + r.first + " \"" + r.second + "\"\n";
    }
  }
  for (const auto& [key, r] : got) {
    if (!want.contains(key)) out += "extra " + key + ": " + r.first + "\n";
  }
  return out;
}

/// The subjects (kind:name) of container and image kind that have an `error` result.
std::set<std::string> error_subjects(const json& report) {
  std::set<std::string> out;
  for (const auto& r : report["results"]) {
    const std::string kind = r["subject"]["kind"];
    if ((kind == "container" || kind == "image") && r["status"] == "error")
      out.insert(kind + ":" + r["subject"]["name"].get<std::string>());
  }
  return out;
}

/// What a run with the victim unreadable reports as `error`: the victim, and its image, unknown.
std::set<std::string> victim_errors() { return {"container:" + world().victim, "image:images of unreadable containers"}; }

std::size_t container_checks(const json& report) { return results_of(report, "container", world().good).size(); }

/// The exit code a report calls for with the default --fail-on (high).
int findings_code(const json& report) {
  for (const auto& r : report["results"]) {
    const bool finding = r["status"] == "fail" || r["status"] == "warn";
    const bool serious = r["severity"] == "high" || r["severity"] == "critical";
    if (finding && serious) return 1;
    if (r["status"] == "error") return 1;  // a check that could not be evaluated is never a silent pass
  }
  return 0;
}

struct Outcome {
  Proc proc;
  double seconds = 0;
  json report;
};

/// Runs drydock and times it; the report parsed when it printed one.
Outcome timed(const std::vector<std::string>& argv) {
  Outcome o;
  const auto start = std::chrono::steady_clock::now();
  o.proc = run(argv, std::chrono::seconds(120));
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (auto j = parse_json(o.proc.out)) o.report = std::move(*j);
  return o;
}

Outcome drydock_host(const std::string& url) {
  return timed({dd_bin(), "host", "--host", url, "--format", "json", "--timeout", std::to_string(k_timeout_s), "--verbose"});
}

Outcome drydock_container(const std::string& url, const std::vector<std::string>& names) {
  std::vector<std::string> argv = {dd_bin(),   "container", "--host",    url,
                                   "--format", "json",      "--timeout", std::to_string(k_timeout_s)};
  argv.insert(argv.end(), names.begin(), names.end());
  return timed(argv);
}

std::string describe(const Outcome& o) {
  return "exit " + std::to_string(o.proc.code) + " after " + std::to_string(o.seconds) +
         " s\nstderr: " + o.proc.err.substr(0, 3000) + "\nstdout: " + o.proc.out.substr(0, 1000);
}

std::string inspect_path(const std::string& id) { return "/containers/" + id + "/json$"; }

class EngineFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  void SetUp() override {
    const World& w = world();
    if (!w.ready) {
      if (w.error.rfind("skip:", 0) == 0 && !in_ci()) GTEST_SKIP() << w.error;
      FAIL() << "suite setup failed: " << w.error;
    }
    proxy = std::make_unique<FaultProxy>(engine_socket());
    ASSERT_TRUE(proxy->ok()) << proxy->error();
    proxy->scope_containers(w.label);
  }

  /// The known-good container's and its image's results are present and as in the reference.
  static void expect_control_unchanged(const json& report, bool image_too = true) {
    const World& w = world();
    const auto expected = results_of(w.reference, "container", w.good);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(differences(results_of(report, "container", w.good), expected), "") << "the control container's results changed";
    if (image_too) {
      const auto image = results_of(w.reference, "image", w.image_tag);
      ASSERT_FALSE(image.empty());
      EXPECT_EQ(differences(results_of(report, "image", w.image_tag), image), "") << "the control image's results changed";
    }
  }

  /// Every result of the victim is `error` with `reason` in its evidence, one per container check.
  static void expect_victim_error(const json& report, const std::string& reason, bool image_checks = true) {
    const World& w = world();
    const auto victim = results_of(report, "container", w.victim);
    EXPECT_EQ(victim.size(), container_checks(w.reference));
    for (const auto& [key, r] : victim) {
      EXPECT_EQ(r.first, "error") << key << ": " << r.second;
      EXPECT_NE(r.second.find(reason), std::string::npos) << key << ": " << r.second;
    }
    if (!image_checks) return;
    // Its image was not inspected: whichever it is, it is reported as not audited.
    const auto image = results_of(report, "image", "images of unreadable containers");
    EXPECT_EQ(image.size(), results_of(w.reference, "image", w.image_tag).size());
    for (const auto& [key, r] : image) {
      EXPECT_EQ(r.first, "error") << key;
      EXPECT_NE(r.second.find("the image of container " + w.victim + " is unknown"), std::string::npos)
          << key << ": " << r.second;
    }
  }

  /// The run ended within `stalls` timeouts plus the slack, and exited 0 or 1 as its report
  /// says (a fail or warn at high or critical is 1: the default --fail-on; so is any error).
  static void expect_finished_normally(const Outcome& o, int stalls = 1) {
    EXPECT_LT(o.seconds, stalls * k_timeout_s + k_slack_s) << describe(o);
    ASSERT_TRUE(o.report.is_object()) << describe(o);
    EXPECT_EQ(o.proc.code, findings_code(o.report)) << describe(o);
  }

  static void expect_unreachable(const Outcome& o, const std::string& message) {
    EXPECT_LT(o.seconds, k_timeout_s + k_slack_s) << describe(o);
    EXPECT_EQ(o.proc.code, 3) << describe(o);
    EXPECT_NE(o.proc.err.find(message), std::string::npos) << describe(o);
    EXPECT_TRUE(o.proc.out.empty()) << "no report when nothing could be read: " << describe(o);
  }

  /// Runs `drydock host` with `rule` applied to the victim's inspect: the rule is hit once,
  /// the run ends as usual, the victim (and its image, unknown) are the only errors, with
  /// `reason`, and the control is unchanged.
  void expect_only_victim_unread(FaultRule rule, const std::string& reason, int stalls = 1) {
    rule.path_regex = inspect_path(world().victim_id);
    const auto index = proxy->add(std::move(rule));
    const Outcome o = drydock_host(proxy->url());
    EXPECT_EQ(proxy->hits(index), 1U);
    expect_finished_normally(o, stalls);
    expect_victim_error(o.report, reason);
    EXPECT_EQ(error_subjects(o.report), victim_errors());
    expect_control_unchanged(o.report);
  }

  /// Runs `drydock host` with the image's inspect answering `status` and `body`: the image is
  /// the only error, with `reason` in each of its results; the containers are unchanged.
  void expect_only_image_unread(int status, const std::string& body, const std::string& reason) {
    const World& w = world();
    const auto rule =
        proxy->add({.path_regex = "/images/" + w.image_id + "/json$", .fault = Fault::status, .status = status, .body = body});
    const Outcome o = drydock_host(proxy->url());
    EXPECT_EQ(proxy->hits(rule), 1U);
    expect_finished_normally(o);
    EXPECT_EQ(error_subjects(o.report), std::set<std::string>{"image:" + w.image_tag});
    const auto image = results_of(o.report, "image", w.image_tag);
    EXPECT_EQ(image.size(), results_of(w.reference, "image", w.image_tag).size());
    for (const auto& [key, r] : image) {
      EXPECT_EQ(r.first, "error") << key;
      EXPECT_NE(r.second.find(reason), std::string::npos) << key << ": " << r.second;
    }
    expect_control_unchanged(o.report, false);
  }

  std::unique_ptr<FaultProxy> proxy;
};

void docker_ok(const std::vector<std::string>& argv, Proc* out = nullptr) {
  Proc p = run(argv);
  ASSERT_EQ(p.code, 0) << describe(argv, p);
  if (out != nullptr) *out = std::move(p);
}

std::string create_container(const std::string& name, const std::vector<std::string>& flags = {}) {
  const World& w = world();
  std::vector<std::string> argv = {"docker", "create", "--name", name, "--label", w.label};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(w.image_tag);
  Proc p;
  docker_ok(argv, &p);
  return trim(p.out);
}

void set_up_world() {
  World& w = world();
  const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
  if (ping.code != 0 || engine_socket().empty()) {
    w.error = "skip: no Docker Engine answers on a unix socket: " + trim(ping.err);
    return;
  }
  if (!fs::exists("/bin/busybox")) {
    w.error = "skip: /bin/busybox (busybox-static) is missing";
    return;
  }
  const std::string run_id = "faults-" + std::to_string(getpid());
  w.label = "drydock.test=" + run_id;
  w.prefix = "drydock-" + run_id + "-";
  char tmpl[] = "/tmp/drydock-it-faults-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  w.tmp = tmpl;

  // A busybox root file system, imported.
  const fs::path root = w.tmp / "rootfs";
  fs::create_directories(root / "bin");
  fs::copy_file("/bin/busybox", root / "bin/busybox");
  for (const char* applet : {"sh", "sleep", "true"})
    fs::create_symlink("busybox", root / "bin" / applet);
  const std::string tar = (w.tmp / "rootfs.tar").string();
  ASSERT_NO_FATAL_FAILURE(docker_ok({"tar", "-C", root.string(), "-cf", tar, "."}));
  w.image_tag = "drydock-it/faults:" + run_id;
  ASSERT_NO_FATAL_FAILURE(
      docker_ok({"docker", "import", "--change", "LABEL " + w.label, "--change", R"(CMD ["sleep","3600"])", tar, w.image_tag}));
  Proc id;
  ASSERT_NO_FATAL_FAILURE(docker_ok({"docker", "image", "inspect", "--format", "{{.Id}}", w.image_tag}, &id));
  w.image_id = trim(id.out);

  // Created, not started: their results do not move between runs.
  w.good = w.prefix + "good";
  w.good_id = create_container(w.good, {"--read-only", "--user", "1000", "--memory", "64m", "--pids-limit", "50",
                                        "--security-opt", "no-new-privileges", "--cap-drop", "ALL"});
  w.victim = w.prefix + "victim";
  w.victim_id = create_container(w.victim, {"--privileged"});
  // Running, with an exec instance created (not started) through the API.
  w.runner = w.prefix + "runner";
  w.runner_id = create_container(w.runner, {"--user", "1000"});
  ASSERT_NO_FATAL_FAILURE(docker_ok({"docker", "start", w.runner}));
  const auto exec = engine_post("/containers/" + w.runner_id + "/exec", R"({"Cmd":["true"],"Privileged":false,"User":"1000"})");
  ASSERT_TRUE(exec.has_value()) << "cannot create an exec instance";
  const auto exec_json = parse_json(*exec);
  ASSERT_TRUE(exec_json && exec_json->contains("Id")) << *exec;
  w.exec_id = (*exec_json)["Id"].get<std::string>();

  FaultProxy clean(engine_socket());
  ASSERT_TRUE(clean.ok()) << clean.error();
  clean.scope_containers(w.label);
  const Outcome ref = drydock_host(clean.url());
  ASSERT_TRUE(ref.report.is_object()) << describe(ref);
  ASSERT_EQ(ref.proc.code, findings_code(ref.report)) << describe(ref);
  ASSERT_EQ(ref.proc.code, 1) << "the privileged victim fails 5.5 (critical)";
  w.reference = ref.report;
  w.ready = true;
}

void EngineFaults::SetUpTestSuite() {
  set_up_world();
  World& w = world();
  if (!w.ready && w.error.empty()) w.error = "see the failures above";
}

void EngineFaults::TearDownTestSuite() {
  const World& w = world();
  if (w.label.empty()) return;
  const Proc cs = run({"docker", "ps", "-aq", "--filter", "label=" + w.label});
  std::vector<std::string> rm = {"docker", "rm", "-f", "-v"};
  for (const auto& c : lines(cs.out))
    rm.push_back(c);
  if (rm.size() > 4) run(rm);
  remove_labelled_images(w.label);
  std::error_code ec;
  if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
}

// ---------------------------------------------------------------------------------------
// The proxy itself

TEST_F(EngineFaults, ReferenceRunSeesTheSuitesContainersAndNoErrors) {
  const World& w = world();
  EXPECT_TRUE(error_subjects(w.reference).empty()) << w.reference["results"].dump().substr(0, 2000);
  EXPECT_GT(container_checks(w.reference), 20U);
  EXPECT_EQ(results_of(w.reference, "container", w.victim).size(), container_checks(w.reference));
  EXPECT_EQ(results_of(w.reference, "container", w.runner).size(), container_checks(w.reference));
  // The victim is privileged: the control shows the check fails when the inspect is read.
  const auto victim = results_of(w.reference, "container", w.victim);
  EXPECT_EQ(victim.at("runtime.privileged|container|" + w.victim).first, "fail");
}

TEST_F(EngineFaults, WithoutFaultsTheProxyChangesNothingAndConnectionsAreReused) {
  const World& w = world();
  const Outcome o = drydock_host(proxy->url());
  expect_finished_normally(o, 0);
  for (const auto& name : {w.good, w.victim, w.runner})
    EXPECT_EQ(differences(results_of(o.report, "container", name), results_of(w.reference, "container", name)), "") << name;
  expect_control_unchanged(o.report);
  // libcurl's workers keep their connections: several requests on one of them.
  EXPECT_GT(proxy->max_requests_per_connection(), 1U);
  EXPECT_LT(proxy->connections(), proxy->requests().size());

  // The same containers audited straight on the engine give the same results (with
  // `container`: `host` would audit every container of the shared engine).
  const Outcome direct = drydock_container("unix://" + engine_socket(), {w.good, w.victim, w.runner});
  const Outcome proxied = drydock_container(proxy->url(), {w.good, w.victim, w.runner});
  ASSERT_TRUE(direct.report.is_object()) << describe(direct);
  ASSERT_TRUE(proxied.report.is_object()) << describe(proxied);
  for (const auto& name : {w.good, w.victim, w.runner}) {
    EXPECT_FALSE(results_of(direct.report, "container", name).empty()) << name;
    EXPECT_EQ(differences(results_of(proxied.report, "container", name), results_of(direct.report, "container", name)), "")
        << name;
  }
}

TEST_F(EngineFaults, TheHostAuditAsksVersionAndInfoOnce) {
  // drydock host reads /version and /info before the collection (to recognise Podman); the
  // collection takes those answers instead of asking the engine again.
  const auto version = proxy->add({.path_regex = "/version$"});
  const auto info = proxy->add({.path_regex = "/info$"});
  const Outcome o = drydock_host(proxy->url());
  expect_finished_normally(o, 0);
  EXPECT_EQ(proxy->hits(version), 1U);
  EXPECT_EQ(proxy->hits(info), 1U);
}

TEST_F(EngineFaults, ASlowAnswerWithinTheTimeoutIsNoFault) {
  const auto rule = proxy->add({.path_regex = "/containers/[0-9a-f]+/json$", .delay = milliseconds(300)});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 3U);
  expect_finished_normally(o);
  EXPECT_TRUE(error_subjects(o.report).empty()) << describe(o);
  expect_control_unchanged(o.report);
}

// ---------------------------------------------------------------------------------------
// One container's inspect

TEST_F(EngineFaults, AnInspectStalledBeyondTheTimeoutMakesOnlyThatContainerAnError) {
  expect_only_victim_unread({.fault = Fault::stall, .delay = k_long_stall}, "did not answer GET /v");
}

TEST_F(EngineFaults, EveryInspectStalledEndsWithinOneTimeoutAsTheyRunInParallel) {
  const World& w = world();
  const auto rule = proxy->add({.path_regex = "/containers/[0-9a-f]+/json$", .fault = Fault::stall, .delay = k_long_stall});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 3U);
  expect_finished_normally(o);
  // The containers are errors; the images in use are known only through them.
  EXPECT_EQ(error_subjects(o.report), (std::set<std::string>{"container:" + w.good, "container:" + w.victim,
                                                             "container:" + w.runner, "image:images of unreadable containers"}));
  for (const auto& [key, r] : results_of(o.report, "image", "images of unreadable containers")) {
    EXPECT_NE(r.second.find("not audited: the images of containers "), std::string::npos) << key << ": " << r.second;
    EXPECT_NE(r.second.find(w.victim), std::string::npos) << key << ": " << r.second;
  }
  for (const auto& r : o.report["results"]) {
    if (r["subject"]["kind"] != "container") continue;
    EXPECT_EQ(r["status"], "error") << "no container was read: " << r.dump();
  }
}

TEST_F(EngineFaults, AnInspectCutMidBodyIsAnError) {
  expect_only_victim_unread({.fault = Fault::cut_mid_body}, "lost the connection to the Docker engine");
}

TEST_F(EngineFaults, ATruncatedInspectIsAnError) {
  expect_only_victim_unread(
      {.fault = Fault::rewrite, .rewrite = [](std::string body) { return body.substr(0, body.size() / 2); }},
      "malformed inspect");
}

TEST_F(EngineFaults, AMalformedInspectIsAnError) {
  expect_only_victim_unread(
      {.fault = Fault::rewrite, .rewrite = [](const std::string&) { return std::string(R"({"Id": "abc",, "State": })"); }},
      "malformed inspect");
}

TEST_F(EngineFaults, AnInspectWithAWrongTypeIsAnErrorNotADefault) {
  // HostConfig.Privileged as a string: read as "not privileged" it would pass 5.5.
  expect_only_victim_unread({.fault = Fault::rewrite,
                             .rewrite =
                                 [](std::string body) {
                                   auto j = json::parse(body);
                                   j["HostConfig"]["Privileged"] = "yes";
                                   return j.dump();
                                 }},
                            "HostConfig.Privileged: expected a boolean");
}

TEST_F(EngineFaults, AnEmptyInspectIsAnError) {
  // `{}` has every field at its default (not privileged, no mounts...): audited, it would pass
  // most checks.
  expect_only_victim_unread({.fault = Fault::status, .status = 200, .body = "{}"},
                            "the engine answered the inspect of " + world().victim_id + " without an Id");
}

TEST_F(EngineFaults, TheInspectOfAnotherContainerIsAnError) {
  // It would hide this container behind the other one.
  const std::string good_id = world().good_id;
  expect_only_victim_unread({.fault = Fault::rewrite,
                             .rewrite =
                                 [good_id](std::string body) {
                                   auto j = json::parse(body);
                                   j["Id"] = good_id;
                                   return j.dump();
                                 }},
                            "with the inspect of container " + good_id);
}

TEST_F(EngineFaults, AnInspectAnswering500IsAnErrorWithTheEnginesMessage) {
  expect_only_victim_unread({.fault = Fault::status, .status = 500, .body = R"({"message":"injected: inspect failed"})"},
                            "injected: inspect failed (HTTP 500)");
}

TEST_F(EngineFaults, AContainerDeletedBetweenListAndInspectIsDropped) {
  // Really deleted: the proxy removes the container through the engine once the list holding
  // it is on its way to drydock. Gone is not an error: nothing is left to audit.
  const World& w = world();
  const std::string doomed = w.prefix + "doomed";
  const std::string doomed_id = create_container(doomed, {"--privileged"});
  bool removed = false;
  const auto list = proxy->add({.path_regex = "/containers/json", .hook = [&] {
                                  if (!removed) removed = run({"docker", "rm", "-f", doomed}).code == 0;
                                }});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(list), 1U);
  ASSERT_TRUE(removed);
  EXPECT_EQ(run({"docker", "inspect", doomed}).code, 1) << "the container is really gone";
  // drydock did ask for it: it was in the list.
  const auto requests = proxy->requests();
  EXPECT_TRUE(std::any_of(requests.begin(), requests.end(), [&](const std::string& r) {
    return r.find("/containers/" + doomed_id + "/json") != std::string::npos;
  }));
  expect_finished_normally(o);
  EXPECT_TRUE(results_of(o.report, "container", doomed).empty());
  EXPECT_TRUE(error_subjects(o.report).empty()) << describe(o);
  EXPECT_NE(o.proc.err.find("container " + doomed + " was removed during collection; skipped"), std::string::npos) << describe(o);
  expect_control_unchanged(o.report);
}

TEST_F(EngineFaults, AnInspectAnswering404IsTreatedAsGone) {
  // The engine says the container does not exist: drydock cannot tell that from a removal.
  const World& w = world();
  const auto rule = proxy->add({.path_regex = inspect_path(w.victim_id),
                                .fault = Fault::status,
                                .status = 404,
                                .body = R"({"message":"No such container: )" + w.victim_id + "\"}"});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 1U);
  expect_finished_normally(o);
  EXPECT_TRUE(results_of(o.report, "container", w.victim).empty());
  EXPECT_NE(o.proc.err.find("container " + w.victim + " was removed during collection"), std::string::npos) << describe(o);
  expect_control_unchanged(o.report);
}

// ---------------------------------------------------------------------------------------
// Images and exec sessions

TEST_F(EngineFaults, AnImageInspectThatFailsMakesTheImageAnErrorAndLeavesTheContainers) {
  expect_only_image_unread(500, R"({"message":"injected: image inspect failed"})", "injected: image inspect failed (HTTP 500)");
}

TEST_F(EngineFaults, AnImageInUseAnswering404IsAnError) {
  expect_only_image_unread(404, R"({"message":"No such image"})", "No such image (HTTP 404)");
}

TEST_F(EngineFaults, AnExecInspectThatFailsIsNeverAPass) {
  // The exec checks see an exec session listed but not inspected: a warning (5.23) or a note
  // for a person (5.24, manual), never a pass; the reason is a note on stderr.
  const World& w = world();
  const auto rule = proxy->add({.path_regex = "/exec/" + w.exec_id + "/json$",
                                .fault = Fault::status,
                                .status = 500,
                                .body = R"({"message":"injected: exec inspect failed"})"});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 1U);
  expect_finished_normally(o);
  EXPECT_TRUE(error_subjects(o.report).empty()) << describe(o);
  const auto ref = results_of(w.reference, "container", w.runner);
  const auto got = results_of(o.report, "container", w.runner);
  ASSERT_EQ(got.size(), ref.size());
  for (const auto& [id, status] : {std::pair{"runtime.exec-privileged", "warn"}, std::pair{"runtime.exec-root", "info"}}) {
    const std::string key = std::string(id) + "|container|" + w.runner;
    EXPECT_EQ(ref.at(key).first, "pass") << "the control: the exec instance is neither privileged nor root";
    EXPECT_EQ(got.at(key).first, status) << got.at(key).second;
    EXPECT_EQ(got.at(key).second, "1 of 1 exec sessions in ExecIDs could not be inspected");
  }
  for (const auto& [key, r] : got) {
    if (key.rfind("runtime.exec-", 0) == 0) continue;
    EXPECT_EQ(r, ref.at(key)) << key;
  }
  const auto note =
      o.proc.err.find("exec session " + w.exec_id.substr(0, 12) + " of container " + w.runner + " could not be inspected: ");
  ASSERT_NE(note, std::string::npos) << describe(o);
  const std::string line = o.proc.err.substr(note, o.proc.err.find('\n', note) - note);
  EXPECT_NE(line.find("injected: exec inspect failed (HTTP 500)"), std::string::npos) << line;
  expect_control_unchanged(o.report);
}

// ---------------------------------------------------------------------------------------
// The container list

TEST_F(EngineFaults, AGarbageContainerListMakesContainersAndImagesErrors) {
  const auto rule = proxy->add({.path_regex = "/containers/json", .fault = Fault::rewrite, .rewrite = [](const std::string&) {
                                  return std::string("<html>502 Bad Gateway</html>");
                                }});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 1U);
  expect_finished_normally(o);
  EXPECT_EQ(error_subjects(o.report), (std::set<std::string>{"container:", "image:"}));
  std::size_t errors = 0;
  for (const auto& r : o.report["results"]) {
    const std::string kind = r["subject"]["kind"];
    if (kind != "container" && kind != "image") continue;
    EXPECT_EQ(r["status"], "error") << r.dump();
    EXPECT_NE(r["evidence"].get<std::string>().find("could not list containers"), std::string::npos) << r.dump();
    ++errors;
  }
  EXPECT_GT(errors, container_checks(world().reference));
  // The daemon's checks still ran.
  std::size_t daemon = 0;
  for (const auto& r : o.report["results"])
    daemon += r["subject"]["kind"] == "daemon" ? 1 : 0;
  EXPECT_GT(daemon, 10U);
}

TEST_F(EngineFaults, AnEndlessContainerListEndsAtTheTimeout) {
  const auto rule = proxy->add({.path_regex = "/containers/json", .fault = Fault::endless_chunks});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 1U);
  expect_finished_normally(o);
  EXPECT_EQ(error_subjects(o.report), (std::set<std::string>{"container:", "image:"}));
  for (const auto& [key, r] : results_of(o.report, "container", ""))
    EXPECT_NE(r.second.find("did not answer GET /v"), std::string::npos) << key << ": " << r.second;
}

TEST_F(EngineFaults, AContainerListFloodingFasterThanAnyLimitEndsWithinTheTimeout) {
  // 64 KiB chunks as fast as drydock reads: the size limit (256 MiB) or the timeout ends it,
  // whichever comes first on this machine.
  const auto rule = proxy->add({.path_regex = "/containers/json", .fault = Fault::flood});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(rule), 1U);
  expect_finished_normally(o);
  EXPECT_EQ(error_subjects(o.report), (std::set<std::string>{"container:", "image:"}));
  for (const auto& [key, r] : results_of(o.report, "container", "")) {
    const bool limited = r.second.find("larger than the 256 MiB limit") != std::string::npos ||
                         r.second.find("did not answer GET /v") != std::string::npos;
    EXPECT_TRUE(limited) << key << ": " << r.second;
  }
}

TEST_F(EngineFaults, AnAnswerAnnouncedLargerThanTheLimitIsRefusedAtOnce) {
  expect_only_victim_unread({.fault = Fault::huge_length}, "larger than the 256 MiB limit", 0);
}

// ---------------------------------------------------------------------------------------
// `drydock container NAME...`: the containers named

TEST_F(EngineFaults, ContainerCommandReportsTheReadableOnesAndErrorsTheOthers) {
  const World& w = world();
  const auto rule = proxy->add({.path_regex = "/containers/" + w.victim + "/json$",
                                .fault = Fault::status,
                                .status = 500,
                                .body = R"({"message":"injected: inspect failed"})"});
  const Outcome o = drydock_container(proxy->url(), {w.good, w.victim});
  EXPECT_EQ(proxy->hits(rule), 1U);
  // The report has both; a named container that could not be read makes the exit code 3.
  EXPECT_LT(o.seconds, k_timeout_s + k_slack_s) << describe(o);
  ASSERT_TRUE(o.report.is_object()) << describe(o);
  EXPECT_EQ(o.proc.code, 3) << describe(o);
  expect_victim_error(o.report, "injected: inspect failed (HTTP 500)", false);
  expect_control_unchanged(o.report, false);
}

TEST_F(EngineFaults, ContainerCommandExits3WhenNoNamedContainerCouldBeRead) {
  const World& w = world();
  const auto rule =
      proxy->add({.path_regex = "/containers/" + w.victim + "/json$", .fault = Fault::stall, .delay = k_long_stall});
  const Outcome o = drydock_container(proxy->url(), {w.victim});
  EXPECT_EQ(proxy->hits(rule), 1U);
  EXPECT_LT(o.seconds, k_timeout_s + k_slack_s) << describe(o);
  EXPECT_EQ(o.proc.code, 3) << describe(o);
  ASSERT_TRUE(o.report.is_object()) << describe(o);
  expect_victim_error(o.report, "did not answer GET /v", false);
}

// ---------------------------------------------------------------------------------------
// Nothing readable: exit 3

TEST_F(EngineFaults, AStalledPingExits3AtTheTimeout) {
  proxy->add({.path_regex = "^/_ping", .fault = Fault::stall, .delay = k_long_stall});
  expect_unreachable(drydock_host(proxy->url()), "did not answer GET /_ping within 1000 ms");
}

TEST_F(EngineFaults, APingAnswering500Exits3) {
  proxy->add({.path_regex = "^/_ping", .fault = Fault::status, .status = 500, .body = R"({"message":"injected: unhealthy"})"});
  expect_unreachable(drydock_host(proxy->url()), "failed its health check: injected: unhealthy (HTTP 500)");
}

TEST_F(EngineFaults, VersionFailingExits3) {
  proxy->add({.path_regex = "/version$", .fault = Fault::status, .status = 500, .body = R"({"message":"injected: no version"})"});
  expect_unreachable(drydock_host(proxy->url()), "injected: no version (HTTP 500)");
}

TEST_F(EngineFaults, InfoFailingWhileVersionWorksExits3) {
  const auto version = proxy->add({.path_regex = "/version$"});
  proxy->add({.path_regex = "/info$", .fault = Fault::cut_mid_body});
  const Outcome o = drydock_host(proxy->url());
  EXPECT_EQ(proxy->hits(version), 1U);
  expect_unreachable(o, "GET /v");
  EXPECT_NE(o.proc.err.find("/info"), std::string::npos) << describe(o);
}

TEST_F(EngineFaults, ASocketThatClosesEveryConnectionExits3) {
  proxy->add({.path_regex = ".", .fault = Fault::close});
  expect_unreachable(drydock_host(proxy->url()), "lost the connection to the Docker engine");
}

TEST_F(EngineFaults, ATimeoutOutsideItsRangeIsAUsageError) {
  for (const char* bad : {"0", "-1", "soon"}) {
    const Outcome o = timed({dd_bin(), "host", "--host", proxy->url(), "--timeout", bad});
    EXPECT_EQ(o.proc.code, 2) << bad << ": " << describe(o);
    EXPECT_NE(o.proc.err.find("--timeout"), std::string::npos) << describe(o);
  }
  EXPECT_TRUE(proxy->requests().empty()) << "refused before the engine is asked";
}

TEST_F(EngineFaults, ASocketNobodyListensOnExits3) {
  const std::string url = proxy->url();
  proxy.reset();  // the socket file is gone with it
  expect_unreachable(drydock_host(url), "no such socket");
}

}  // namespace
