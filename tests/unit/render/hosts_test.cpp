// Reports of several hosts (drydock merge, drydock fleet): each renderer keeps every result
// under the host it came from.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "drydock/render/render.hpp"
#include "support.hpp"

namespace drydock::render {
namespace {

using fixture::sample;
using fixture::two_hosts;

TEST(RenderHostsJson, OneHostIsTheReportsHostAndEveryResultsHost) {
  const auto doc = nlohmann::json::parse(json(sample()));
  EXPECT_EQ(doc["host"]["name"], "node-1");
  EXPECT_EQ(doc["host"]["engine_id"], "ABCD:EFGH:IJKL");
  EXPECT_EQ(doc["host"]["engine_version"], "20.10.24");
  EXPECT_EQ(doc["host"]["os"], "Debian GNU/Linux 12 (bookworm)");
  ASSERT_EQ(doc["hosts"].size(), 1U);
  for (const auto& r : doc["results"])
    EXPECT_EQ(r["host"], "node-1");
}

TEST(RenderHostsJson, AReportWithoutHostSaysNull) {
  auto r = sample();
  r.hosts.clear();
  const auto doc = nlohmann::json::parse(json(r));
  EXPECT_TRUE(doc["host"].is_null());
  EXPECT_TRUE(doc["hosts"].empty());
  EXPECT_TRUE(doc["results"][0]["host"].is_null());
}

TEST(RenderHostsJson, TwoHostsAreListedAndEachResultNamesItsOwn) {
  const auto doc = nlohmann::json::parse(json(two_hosts()));
  EXPECT_TRUE(doc["host"].is_null());  // several: no single host
  ASSERT_EQ(doc["hosts"].size(), 2U);
  EXPECT_EQ(doc["hosts"][1]["name"], "node-2");
  EXPECT_EQ(doc["hosts"][1]["os"], "Alpine Linux v3.18");
  const auto& results = doc["results"];
  ASSERT_EQ(results.size(), 5U);
  EXPECT_EQ(results[0]["host"], "node-1");
  EXPECT_EQ(results[1]["host"], "node-1");
  EXPECT_EQ(results[2]["host"], "node-2");
  EXPECT_EQ(results[4]["host"], "node-2");
}

TEST(RenderHostsText, EachHostUnderItsHeadingThenTheTotal) {
  const auto out = text(two_hosts(), TextOptions{});
  const auto one = out.find("== host node-1 (engine 20.10.24, Debian GNU/Linux 12 (bookworm))");
  const auto two = out.find("== host node-2 (engine 20.10.24, Alpine Linux v3.18)");
  const auto all = out.find("== all 2 hosts");
  ASSERT_NE(one, std::string::npos) << out;
  ASSERT_NE(two, std::string::npos) << out;
  ASSERT_NE(all, std::string::npos) << out;
  EXPECT_LT(one, two);
  EXPECT_LT(two, all);
  // web's privileged finding is node-1's; web's mount and db's error node-2's.
  const auto privileged = out.find("HostConfig.Privileged=true");
  const auto mount = out.find("Mounts[0] /etc -> /host/etc (ro)");
  EXPECT_TRUE(privileged > one && privileged < two) << out;
  EXPECT_TRUE(mount > two && mount < all) << out;
  EXPECT_NE(out.find("inspect: malformed JSON", two), std::string::npos);
  EXPECT_NE(out.find("Summary: 3 fail, 0 warn, 1 pass, 0 info, 0 skip, 1 error", all), std::string::npos) << out;
  const auto verbose = text(two_hosts(), TextOptions{.verbose = true});
  EXPECT_LT(verbose.find("== host node-1"), verbose.find("HostConfig.Privileged=true"));
  EXPECT_GT(verbose.find("Mounts[0]"), verbose.find("== host node-2"));
}

TEST(RenderHostsText, OneHostIsNamedInTheHeader) {
  const auto out = text(sample(), TextOptions{});
  EXPECT_NE(out.find("host node-1 (engine 20.10.24, Debian GNU/Linux 12 (bookworm))\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("== host"), std::string::npos);
}

TEST(RenderHostsSarif, ARunPerHostWithItsOwnCategory) {
  const auto doc = nlohmann::json::parse(sarif(two_hosts()));
  const auto& runs = doc["runs"];
  ASSERT_EQ(runs.size(), 2U);
  EXPECT_EQ(runs[0]["automationDetails"]["id"], "drydock/merge/node-1/");
  EXPECT_EQ(runs[1]["automationDetails"]["id"], "drydock/merge/node-2/");
  EXPECT_EQ(runs[0]["properties"]["host"]["name"], "node-1");
  EXPECT_EQ(runs[1]["properties"]["host"]["engine_id"], "MNOP:QRST:UVWX");
  // node-1: the image and web's privileged container; node-2: web's mount, db's error.
  ASSERT_EQ(runs[0]["results"].size(), 2U);
  ASSERT_EQ(runs[1]["results"].size(), 1U);
  EXPECT_EQ(runs[1]["results"][0]["ruleId"], "runtime.sensitive-host-mount");
  // Rules are per run: node-2 has db's privileged pass and web's mount.
  EXPECT_EQ(runs[1]["tool"]["driver"]["rules"].size(), 2U);
  EXPECT_EQ(runs[1]["results"][0]["ruleIndex"], 1);
  EXPECT_EQ(runs[1]["invocations"][0]["toolExecutionNotifications"].size(), 1U);
  EXPECT_EQ(runs[1]["properties"]["summary"]["pass"], 1);
  // One host: one run, the category it always had.
  const auto single = nlohmann::json::parse(sarif(sample()));
  ASSERT_EQ(single["runs"].size(), 1U);
  EXPECT_EQ(single["runs"][0]["automationDetails"]["id"], "drydock/host/");
}

TEST(RenderHostsJunit, ATestsuitePerHost) {
  const auto out = junit(two_hosts());
  const auto one = out.find(R"(<testsuite name="host node-1" hostname="node-1" tests="2" failures="2" errors="0")");
  const auto two = out.find(R"(<testsuite name="host node-2" hostname="node-2" tests="3" failures="1" errors="1")");
  ASSERT_NE(one, std::string::npos) << out;
  ASSERT_NE(two, std::string::npos) << out;
  EXPECT_LT(out.find("HostConfig.Privileged=true"), two);
  EXPECT_GT(out.find("inspect: malformed JSON"), two);
  std::size_t suites = 0;
  for (auto at = out.find("<testsuite "); at != std::string::npos; at = out.find("<testsuite ", at + 1))
    ++suites;
  EXPECT_EQ(suites, 2U);
}

TEST(RenderHostsHtml, SubjectsAreKnownByTheirHost) {
  auto r = two_hosts();
  // web on both hosts: two subjects.
  const auto page = html(r);
  const std::string open = "<script type=\"application/json\" id=\"drydock-data\">";
  const auto body = page.find(open) + open.size();
  const auto d = nlohmann::json::parse(page.substr(body, page.find("</script>", body) - body));
  ASSERT_EQ(d["hosts"].size(), 2U);
  EXPECT_EQ(d["hosts"][1][0], "node-2");
  EXPECT_EQ(d["hosts"][1][2], "Alpine Linux v3.18");
  EXPECT_EQ(d["subjects"].size(), 4U);  // busybox:1 and web on node-1; db and web on node-2
  const auto web1 = d["results"][1][1].get<int>();
  const auto web2 = d["results"][3][1].get<int>();
  EXPECT_NE(web1, web2);
  EXPECT_EQ(d["subjects"][web1][3], 0);
  EXPECT_EQ(d["subjects"][web2][3], 1);
  // One host: subjects as before, three of them.
  const auto single = html(sample());
  const auto b = single.find(open) + open.size();
  EXPECT_EQ(nlohmann::json::parse(single.substr(b, single.find("</script>", b) - b))["subjects"].size(), 3U);
}

}  // namespace
}  // namespace drydock::render
