// `drydock diff` and `--fail-on-new` on reports of real containers: a container removed, one
// added and one whose finding changed severity between two runs give exactly those resolved,
// new and changed findings; --fail-on-new fails only on what the baseline lacks.

#include <gtest/gtest.h>

#include <unistd.h>

#include "support.hpp"
#include "watch_support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
namespace ws = drydock_it::watch_support;

class WatchDiff : public testing::Test {
 protected:
  void SetUp() override {
    DD_WATCH_REQUIRE_ENGINE();
    m_dir = fs::temp_directory_path() / (ws::prefix() + "diff");
    fs::create_directories(m_dir);
    m_image = "dd-watch/busybox:diff-" + std::to_string(::getpid());
    std::string why;
    ASSERT_TRUE(ws::import_busybox("", m_dir, m_image, &why)) << why;
    m_ready = true;
  }
  void TearDown() override {
    if (!m_ready) return;
    ws::cleanup("");
    fs::remove_all(m_dir);
  }

  std::string create(const std::string& name, const std::vector<std::string>& flags) {
    std::vector<std::string> argv{"docker", "create", "--name", ws::prefix() + name, "--label", ws::label()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(m_image);
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 0) << describe(argv, p);
    return trim(p.out);
  }

  /// drydock container NAMES... --format json -o FILE [extra]; the exit code.
  int audit(const std::vector<std::string>& names, const fs::path& out, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{DRYDOCK_BIN, "container"};
    for (const auto& n : names)
      argv.push_back(ws::prefix() + n);
    for (const auto& a :
         std::vector<std::string>{"--only", "runtime", "--format", "json", "-o", out.string(), "--fail-on", "none"})
      argv.push_back(a);
    argv.insert(argv.end(), extra.begin(), extra.end());
    const Proc p = run(argv);
    EXPECT_EQ(p.code, 0) << describe(argv, p);
    return p.code;
  }

  Proc dd(std::vector<std::string> args) {
    args.insert(args.begin(), DRYDOCK_BIN);
    return run(args);
  }

  fs::path m_dir;
  std::string m_image;
  bool m_ready = false;
};

TEST_F(WatchDiff, NewResolvedAndChangedBetweenTwoRuns) {
  create("gone", {"--privileged"});
  create("kept", {});
  const fs::path old_report = m_dir / "old.json";
  ASSERT_EQ(audit({"gone", "kept"}, old_report), 0);

  ASSERT_EQ(run({"docker", "rm", "-f", ws::prefix() + "gone"}).code, 0);
  create("added", {"--pid", "host"});
  // The kept container's missing memory limit is made critical by the team's policy: a change
  // of severity for the same check and subject.
  write_file(m_dir / "team.yaml",
             "severity:\n  - check: runtime.memory-limit\n    subject: " + ws::prefix() + "kept\n    severity: critical\n");
  const fs::path new_report = m_dir / "new.json";
  ASSERT_EQ(audit({"kept", "added"}, new_report, {"--config", (m_dir / "team.yaml").string()}), 0);

  auto p = dd({"diff", old_report.string(), new_report.string(), "--format", "json"});
  ASSERT_EQ(p.code, 0) << p.err;
  auto j = parse_json(p.out);
  ASSERT_TRUE(j) << p.out;
  const auto has = [](const json& list, const std::string& id, const std::string& name) {
    for (const auto& f : list)
      if (f["id"] == id && f["subject"]["name"] == name) return true;
    return false;
  };
  EXPECT_TRUE(has((*j)["resolved"], "runtime.privileged", ws::prefix() + "gone")) << p.out;
  EXPECT_TRUE(has((*j)["new_findings"], "runtime.host-pid", ws::prefix() + "added")) << p.out;
  EXPECT_FALSE(has((*j)["new_findings"], "runtime.memory-limit", ws::prefix() + "kept")) << p.out;
  EXPECT_FALSE(has((*j)["resolved"], "runtime.memory-limit", ws::prefix() + "kept")) << p.out;
  bool changed = false;
  for (const auto& c : (*j)["changed"]) {
    if (c["after"]["id"] == "runtime.memory-limit" && c["after"]["subject"]["name"] == ws::prefix() + "kept") {
      changed = true;
      EXPECT_EQ(c["after"]["severity"], "critical");
      EXPECT_NE(c["before"]["severity"], "critical");
    }
  }
  EXPECT_TRUE(changed) << p.out;
  // Every finding of the container that went is resolved; none of the one that stayed is.
  for (const auto& f : (*j)["resolved"])
    EXPECT_EQ(f["subject"]["name"], ws::prefix() + "gone") << f.dump();
  EXPECT_EQ((*j)["summary"]["new"].get<std::size_t>(), (*j)["new_findings"].size());

  // ndjson: one transition object per line, the same counts.
  p = dd({"diff", old_report.string(), new_report.string(), "--format", "ndjson"});
  ASSERT_EQ(p.code, 0) << p.err;
  std::size_t opens = 0, resolved = 0, changes = 0;
  for (const auto& line : lines(p.out)) {
    auto o = parse_json(line);
    ASSERT_TRUE(o) << line;
    const std::string t = (*o)["transition"];
    opens += t == "open" ? 1 : 0;
    resolved += t == "resolved" ? 1 : 0;
    changes += t == "changed" ? 1 : 0;
    EXPECT_TRUE(o->contains("subject") && o->contains("evidence") && o->contains("time")) << line;
  }
  EXPECT_EQ(opens, (*j)["new_findings"].size());
  EXPECT_EQ(resolved, (*j)["resolved"].size());
  EXPECT_EQ(changes, (*j)["changed"].size());

  // text, markdown and the report formats.
  p = dd({"diff", old_report.string(), new_report.string()});
  ASSERT_EQ(p.code, 0);
  EXPECT_NE(p.out.find(std::to_string(opens) + " new, " + std::to_string(resolved) + " resolved, " + std::to_string(changes) +
                       " changed"),
            std::string::npos)
      << p.out;
  p = dd({"diff", old_report.string(), new_report.string(), "--format", "markdown"});
  EXPECT_NE(p.out.find("| new | high | `runtime.host-pid`"), std::string::npos) << p.out;
  p = dd({"diff", old_report.string(), new_report.string(), "--format", "sarif"});
  auto sarif = parse_json(p.out);
  ASSERT_TRUE(sarif) << p.out.substr(0, 500);
  EXPECT_EQ((*sarif)["version"], "2.1.0");
  EXPECT_FALSE((*sarif)["runs"][0]["results"].empty());
  p = dd({"diff", old_report.string(), new_report.string(), "--format", "junit"});
  EXPECT_NE(p.out.find("<testsuites"), std::string::npos);

  // The gate: new or changed findings at or above --fail-on.
  EXPECT_EQ(dd({"diff", old_report.string(), new_report.string(), "--fail-on", "high"}).code, 1);
  EXPECT_EQ(dd({"diff", old_report.string(), old_report.string(), "--fail-on", "low"}).code, 0);
  // Not reports: usage errors.
  write_file(m_dir / "bad.json", R"({"schema": 1, "results": []})");
  p = dd({"diff", old_report.string(), (m_dir / "bad.json").string()});
  EXPECT_EQ(p.code, 2) << p.err;
  EXPECT_NE(p.err.find("drydock.report/v1"), std::string::npos) << p.err;
}

TEST_F(WatchDiff, FailOnNewFailsOnlyOnFindingsTheBaselineLacks) {
  create("base", {});
  const fs::path baseline = m_dir / "baseline.json";
  ASSERT_EQ(audit({"base"}, baseline), 0);

  // The same container against its own baseline: its findings are all known, the report keeps them.
  std::vector<std::string> argv{DRYDOCK_BIN, "container",  ws::prefix() + "base", "--only",        "runtime",   "--format",
                                "json",      "--baseline", baseline.string(),     "--fail-on-new", "--fail-on", "low"};
  auto p = run(argv);
  EXPECT_EQ(p.code, 0) << describe(argv, p);
  auto j = parse_json(p.out);
  ASSERT_TRUE(j);
  EXPECT_GT((*j)["summary"]["fail"].get<int>(), 0) << "--fail-on-new hid the known findings";
  // Without --fail-on-new the baseline hides them (and the gate passes too).
  argv.erase(argv.begin() + 9);  // --fail-on-new
  p = run(argv);
  EXPECT_EQ(p.code, 0) << describe(argv, p);

  // A new privileged container: its findings are not in the baseline.
  create("new", {"--privileged"});
  argv = {DRYDOCK_BIN,  "container",       ws::prefix() + "base", ws::prefix() + "new", "--only", "runtime",
          "--baseline", baseline.string(), "--fail-on-new",       "--fail-on",          "high"};
  p = run(argv);
  EXPECT_EQ(p.code, 1) << describe(argv, p);
  EXPECT_NE(p.err.find("not in the baseline"), std::string::npos) << p.err;
  EXPECT_NE(p.out.find(ws::prefix() + "base"), std::string::npos) << "known findings must still be reported";

  // --fail-on-new needs a baseline.
  p = dd({"container", ws::prefix() + "base", "--fail-on-new"});
  EXPECT_EQ(p.code, 2) << p.err;
  EXPECT_NE(p.err.find("--baseline"), std::string::npos) << p.err;
}

}  // namespace
