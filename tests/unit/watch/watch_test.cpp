// The parts of `drydock watch` that need no engine: the event stream parser, transitions
// between two sets of findings, their one-line forms, times, and the state file.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "drydock/parse/events.hpp"
#include "drydock/watch/state.hpp"
#include "drydock/watch/transition.hpp"

namespace drydock::watch {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(WatchEvents, StreamCutAnywhereGivesTheSameEvents) {
  const std::string text = fixture("events/stream.ndjson");
  ASSERT_FALSE(text.empty());
  parse::EventStream whole;
  const auto all = whole.feed(text);
  ASSERT_EQ(all.size(), 4u);
  ASSERT_TRUE(all[1]) << all[1].error().describe();
  EXPECT_EQ(all[1]->type, "container");
  EXPECT_EQ(all[1]->verb(), "exec_start");
  EXPECT_EQ(all[1]->actor_id, "4f1c6a9d0c6e0f1b");
  EXPECT_EQ(all[1]->attributes.at("execID"), "9a8b7c");
  EXPECT_EQ(all[1]->time_nano, 1764729001000000001);
  EXPECT_EQ(all[2]->type, "daemon");
  EXPECT_EQ(all[2]->verb(), "reload");
  for (std::size_t step = 1; step < 40; ++step) {
    parse::EventStream s;
    std::size_t n = 0;
    for (std::size_t at = 0; at < text.size(); at += step)
      n += s.feed(std::string_view(text).substr(at, step)).size();
    EXPECT_EQ(n, 4u) << step;
  }
}

TEST(WatchEvents, BadMessagesAreErrorsAndTheStreamGoesOn) {
  parse::EventStream s;
  auto out = s.feed("{not json\n[1,2]\n{\"Type\":\"container\"}\n\n" + std::string(200, '[') + "\n");
  ASSERT_EQ(out.size(), 4u);
  for (const auto& e : out)
    EXPECT_FALSE(e);
  out = s.feed(std::string(parse::EventStream::k_max_message + 10, 'x'));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0]);
  out = s.feed("still the big one\n{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"a\"},\"time\":1}\n");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(out[0]->action, "pull");
}

Finding finding(const std::string& check, const std::string& subject, const std::string& evidence,
                const std::string& severity = "high") {
  Finding f;
  f.check_id = check;
  f.subject = audit::Subject{"container", "id-" + subject, subject};
  f.fingerprint = audit::fingerprint(check, "container", subject, "");
  f.severity = severity;
  f.status = "fail";
  f.evidence = evidence;
  f.cis = "5.5";
  return f;
}

FindingMap map_of(std::initializer_list<Finding> fs) {
  FindingMap m;
  for (const auto& f : fs)
    m.emplace(f.fingerprint, f);
  return m;
}

TEST(WatchTransitions, OpenResolvedChangedAndScope) {
  const auto a = finding("runtime.privileged", "a", "Privileged=true");
  const auto b = finding("runtime.host-pid", "b", "PidMode=host");
  const auto b2 = finding("runtime.host-pid", "b", "PidMode=host", "critical");
  const auto c = finding("runtime.privileged", "c", "Privileged=true");
  const auto ts = diff(map_of({a, b}), map_of({b2, c}), {}, "T");
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].change, Change::resolved);
  EXPECT_EQ(ts[0].finding.subject.name, "a");
  EXPECT_EQ(ts[1].change, Change::changed);
  EXPECT_EQ(ts[1].previous.severity, "high");
  EXPECT_EQ(ts[2].change, Change::open);
  EXPECT_EQ(ts[2].finding.subject.name, "c");
  // A re-audit of c alone knows nothing of a: a stays open.
  const auto scoped = diff(
      map_of({a, b}), map_of({c}), [](const Finding& f) { return f.subject.name == "c"; }, "T");
  ASSERT_EQ(scoped.size(), 1u);
  EXPECT_EQ(scoped[0].change, Change::open);
  EXPECT_TRUE(diff(map_of({a}), map_of({a}), {}, "T").empty());
}

TEST(WatchTransitions, NdjsonLineIsOneObjectUnder16KiB) {
  auto f = finding("runtime.privileged", "web", "x");
  Transition t{"2026-12-03T02:30:00.000Z", Change::open, f, {}};
  auto j = nlohmann::json::parse(ndjson(t));
  EXPECT_EQ(j["transition"], "open");
  EXPECT_EQ(j["id"], "runtime.privileged");
  EXPECT_EQ(j["subject"]["id"], "id-web");
  EXPECT_EQ(j["location"], nullptr);
  EXPECT_EQ(j["time"], "2026-12-03T02:30:00.000Z");
  t.finding.evidence = std::string(40000, 'e') + "\n" + std::string(100, '\x01');
  const auto line = ndjson(t);
  EXPECT_LE(line.size(), k_max_line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded());
  t.finding.evidence = std::string(30000, '\x01');  // escaping makes it six times longer
  EXPECT_LE(ndjson(t).size(), k_max_line);
  t.finding.evidence = "bad utf-8 \xff\xfe";
  EXPECT_FALSE(nlohmann::json::parse(ndjson(t), nullptr, false).is_discarded());
  const auto text = text_line(Transition{"T", Change::open, finding("runtime.privileged", "web", "a\nb"), {}}, false);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_NE(text.find("open"), std::string::npos);
}

TEST(WatchTime, ParseAndOrder) {
  EXPECT_EQ(*parse_time("2026-12-03"), "2026-12-03T00:00:00.000Z");
  EXPECT_EQ(*parse_time("2026-12-03T02:30:05Z"), "2026-12-03T02:30:05.000Z");
  EXPECT_EQ(*parse_time("2026-12-03 02:30"), "2026-12-03T02:30:00.000Z");
  EXPECT_EQ(*parse_time("2026-12-03T02:30:05.5Z"), "2026-12-03T02:30:05.500Z");
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_FALSE(parse_time("2026-13-01"));
  EXPECT_FALSE(parse_time("2026-12-03T02:30:05+02:00"));
  EXPECT_EQ(utc_time(1764729000123), "2025-12-03T02:30:00.123Z");
  EXPECT_LT(utc_time(1764729000123), utc_time(1764729001000));
}

TEST(WatchState, KeepsOpenFindingsAndHistoryAcrossOpens) {
  const auto path = std::filesystem::temp_directory_path() / ("drydock-watch-state-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  const auto a = finding("runtime.privileged", "a", "Privileged=true");
  const auto b = finding("runtime.host-pid", "b", "PidMode=host");
  {
    auto s = StateStore::open(path.string(), true);
    ASSERT_TRUE(s) << s.error().describe();
    ASSERT_TRUE((*s)->record(diff({}, map_of({a, b}), {}, "2026-12-03T01:00:00.000Z"), {{"since", "123.000000001"}}));
    ASSERT_TRUE((*s)->record(diff(map_of({a, b}), map_of({b}), {}, "2026-12-03T02:00:00.000Z")));
  }
  auto s = StateStore::open(path.string(), false);
  ASSERT_TRUE(s) << s.error().describe();
  auto open = (*s)->open_findings();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->begin()->second.subject.name, "b");
  EXPECT_EQ(open->begin()->second.evidence, "PidMode=host");
  EXPECT_EQ(*(*s)->meta("since"), "123.000000001");
  auto ts = (*s)->transitions();
  ASSERT_TRUE(ts);
  ASSERT_EQ(ts->size(), 3u);
  EXPECT_EQ(ts->back().change, Change::resolved);
  EXPECT_EQ(ts->back().finding.subject.name, "a");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");

  // Not a state file: a usage error, nothing overwritten.
  const auto other = std::filesystem::temp_directory_path() / ("drydock-watch-not-state-" + std::to_string(::getpid()));
  std::ofstream(other) << "hello";
  auto bad = StateStore::open(other.string(), false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, core::ErrorKind::usage);
  std::filesystem::remove(other);
}

}  // namespace
}  // namespace drydock::watch
