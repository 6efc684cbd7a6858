#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "drydock/parse/fleet_log.hpp"
#include "drydock/parse/policy.hpp"

namespace drydock::parse {
namespace {

std::string fixture() {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/fleet/task-lines.ndjson", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The lines as the engine multiplexes them: one frame per line on stdout, a frame on stderr.
std::string multiplexed(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  const auto frame = [&](char stream, const std::string& payload) {
    out += stream;
    out += std::string(3, '\0');
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
    out += payload;
  };
  for (std::string line; std::getline(in, line);)
    frame('\1', line + "\n");
  frame('\2', "drydock: on stderr\n");
  return out;
}

std::vector<std::pair<int, std::string>> read_all(const std::string& bytes, std::size_t step) {
  std::vector<std::pair<int, std::string>> out;
  LogLines demux;
  const auto sink = [&](int s, std::string_view l) { out.emplace_back(s, std::string(l)); };
  for (std::size_t at = 0; at < bytes.size(); at += step)
    demux.feed(std::string_view(bytes).substr(at, step), sink);
  EXPECT_TRUE(demux.finish(sink));
  return out;
}

TEST(FleetLog, MultiplexedFramesGiveTheSameLinesHoweverTheyAreCut) {
  const auto bytes = multiplexed(fixture());
  const auto whole = read_all(bytes, bytes.size());
  ASSERT_EQ(whole.size(), 8U);
  EXPECT_EQ(whole.back(), (std::pair<int, std::string>{2, "drydock: on stderr"}));
  for (std::size_t step : {1U, 3U, 7U, 8U, 9U, 100U})
    EXPECT_EQ(read_all(bytes, step), whole) << step;
}

TEST(FleetLog, RawTextIsLinesOnStdout) {
  const auto lines = read_all(fixture(), 5);
  ASSERT_EQ(lines.size(), 7U);
  EXPECT_EQ(lines[2], (std::pair<int, std::string>{1, "drydock: a diagnostic line of the task"}));
}

TEST(FleetLog, AFrameCutShortIsSaid) {
  const auto bytes = multiplexed(fixture());
  LogLines demux;
  demux.feed(std::string_view(bytes).substr(0, 20), [](int, std::string_view) {});
  EXPECT_FALSE(demux.finish([](int, std::string_view) {}));
}

TEST(FleetLog, LongLinesAreCut) {
  LogLines demux(10);
  std::vector<std::string> got;
  demux.feed("0123456789abcdef\nshort\n", [&](int, std::string_view l) { got.emplace_back(l); });
  EXPECT_EQ(got, (std::vector<std::string>{"0123456789", "short"}));
  EXPECT_EQ(demux.cut_lines(), 1U);
}

TEST(FleetLog, EachNodesReportWholeOrWhyNot) {
  FleetLines lines;
  std::istringstream in(fixture());
  for (std::string line; std::getline(in, line);)
    lines.add(line);
  EXPECT_EQ(lines.nodes().size(), 3U);
  std::string why;
  const auto n1 = lines.report("n1", why);
  ASSERT_TRUE(n1) << why;
  const auto file = report_file(*n1, "node n1");
  ASSERT_TRUE(file) << file.error().describe();
  ASSERT_EQ(file->results.size(), 1U);
  EXPECT_EQ(file->results[0].subject_name, "dd-fleet-victim-1");
  ASSERT_EQ(file->hosts.size(), 1U);
  EXPECT_EQ(file->hosts[0].name, "dd-fleet-node1");
  EXPECT_FALSE(lines.report("n2", why));
  EXPECT_NE(why.find("no such socket"), std::string::npos) << why;
  EXPECT_FALSE(lines.report("n3", why));
  EXPECT_NE(why.find("0 results of 2"), std::string::npos) << why;
  EXPECT_FALSE(lines.report("n4", why));
  EXPECT_NE(why.find("none of its lines"), std::string::npos) << why;
}

TEST(FleetLog, NodesAndTheirTasks) {
  auto nodes = swarm_nodes(R"([
    {"ID":"n1","Description":{"Hostname":"a"},"Status":{"State":"ready"},"Spec":{"Availability":"active"}},
    {"ID":"n2","Description":{"Hostname":"b"},"Status":{"State":"ready"},"Spec":{"Availability":"active"}},
    {"ID":"n3","Description":{"Hostname":"c"},"Status":{"State":"down"},"Spec":{"Availability":"active"}}])");
  ASSERT_TRUE(nodes) << nodes.error().describe();
  ASSERT_EQ(nodes->size(), 3U);
  EXPECT_EQ((*nodes)[1].hostname, "b");
  auto done = apply_tasks(R"([{"ID":"t1","NodeID":"n1","CreatedAt":"1","Status":{"State":"complete"}},
                              {"ID":"t2","NodeID":"n2","CreatedAt":"1","Status":{"State":"running"}}])",
                          *nodes);
  ASSERT_TRUE(done);
  EXPECT_FALSE(*done) << "n2 still runs";
  done = apply_tasks(R"([{"ID":"t1","NodeID":"n1","CreatedAt":"1","Status":{"State":"complete"}},
                         {"ID":"t2","NodeID":"n2","CreatedAt":"1","Status":{"State":"rejected","Err":"No such image: x"}}])",
                     *nodes);
  ASSERT_TRUE(done);
  EXPECT_TRUE(*done) << "the down node is not waited for";
  EXPECT_EQ((*nodes)[1].task_error, "No such image: x");
  EXPECT_TRUE((*nodes)[2].task_id.empty());
  EXPECT_FALSE(apply_tasks("{", *nodes));
  EXPECT_FALSE(swarm_nodes("[1"));
}

}  // namespace
}  // namespace drydock::parse
