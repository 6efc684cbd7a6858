#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "drydock/render/render.hpp"
#include "support.hpp"

namespace drydock::render {
namespace {

using core::Status;
using fixture::expect_golden;
using fixture::sample;

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

/// The data the page's script reads, parsed back.
nlohmann::json data_of(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"drydock-data\">";
  const auto from = page.find(open);
  EXPECT_NE(from, std::string::npos);
  const auto body = from + open.size();
  return nlohmann::json::parse(page.substr(body, page.find("</script>", body) - body));
}

TEST(RenderHtml, Golden) { expect_golden("report.html", html(sample())); }

TEST(RenderHtml, TheDataHasEveryResultAndEveryStringOnce) {
  const auto page = html(sample());
  const auto d = data_of(page);
  ASSERT_EQ(d["results"].size(), sample().results.size());
  EXPECT_EQ(d["checks"].size(), 3U);
  EXPECT_EQ(d["subjects"].size(), 3U);  // busybox:1, web, db
  std::set<std::string> strings(d["strings"].begin(), d["strings"].end());
  EXPECT_EQ(strings.size(), d["strings"].size()) << "each string once";
  // The mount finding: its own severity (medium over the check's high), its location.
  const auto& mount = d["results"][3];
  EXPECT_EQ(mount[2], static_cast<int>(Status::fail));
  EXPECT_EQ(mount[3], static_cast<int>(core::Severity::medium));
  EXPECT_EQ(d["strings"][mount[5].get<int>()], "compose.yaml:7:5");
  EXPECT_EQ(d["checks"][d["results"][1][0].get<int>()][4], "Run without --privileged.");
}

TEST(RenderHtml, NothingIsFetched) {
  const auto page = html(sample());
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(count(page, "<script>"), 1U);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
}

TEST(RenderHtml, AcceptedFindingsCarryTheirReason) {
  auto r = sample();
  r.results[1].accepted = audit::Acceptance{"legacy agent, ticket OPS-12", "2027-01-31", {}};
  const auto d = data_of(html(r));
  const auto& row = d["results"][1];
  ASSERT_EQ(row.size(), 7U);
  EXPECT_EQ(row[5], -1);  // no location
  EXPECT_EQ(d["strings"][row[6].get<int>()], "Accepted until 2027-01-31: legacy agent, ticket OPS-12");
  EXPECT_EQ(d["accepted"], 1);
}

TEST(RenderHtml, UntrustedTextCannotCloseTheDataOrBecomeMarkup) {
  auto r = sample();
  r.results[0].finding.evidence = "LABEL x=\"</script><script>alert(1)</script>\" & 'y' \xff bell\x07 <!--";
  r.results[0].subject = audit::Subject{r.results[0].subject->kind, r.results[0].subject->id, "img\"><img src=x onerror=alert(1)>"};
  r.target = "</title><script>alert(2)</script>";
  const auto page = html(r);
  EXPECT_EQ(count(page, "<script>"), 1U) << "only the page's own script";
  EXPECT_EQ(count(page, "</script>"), 2U) << "the data's and the script's";
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<!--"), std::string::npos);
  EXPECT_NE(page.find("&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
  const auto d = data_of(page);  // still valid JSON, the text intact but for the bad bytes
  bool found = false;
  for (const auto& s : d["strings"])
    found = found || s.get<std::string>().starts_with("LABEL x=\"</script><script>alert(1)</script>\" & 'y' \xEF\xBF\xBD");
  EXPECT_TRUE(found);
}

TEST(RenderHtml, ContainersBringTheirFacts) {
  auto r = sample();
  r.facts.push_back(audit::SubjectFacts{{"container", "c1", "web"}, {{"image", "nginx:1"}, {"mount", "bind /etc -> /host/etc (ro)"}}});
  const auto d = data_of(html(r));
  ASSERT_EQ(d["facts"].size(), 1U);
  const auto first = d["facts"].begin();
  const std::string subject = first.key();
  const auto& facts = first.value();
  EXPECT_EQ(d["strings"][d["subjects"][std::stoi(subject)][1].get<int>()], "web");
  EXPECT_EQ(d["strings"][facts[1][1].get<int>()], "bind /etc -> /host/etc (ro)");
}

TEST(RenderHtml, EmptyReport) {
  audit::Report r;
  r.command = "dockerfile";
  const auto page = html(r);
  EXPECT_TRUE(data_of(page)["results"].empty());
  EXPECT_NE(page.find("</html>\n"), std::string::npos);
}

}  // namespace
}  // namespace drydock::render
