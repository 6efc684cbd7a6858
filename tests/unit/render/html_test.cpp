#include <gtest/gtest.h>

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

TEST(RenderHtml, Golden) { expect_golden("report.html", html(sample())); }

TEST(RenderHtml, OneRowPerResultWithItsFilterData) {
  const auto page = html(sample());
  EXPECT_EQ(count(page, "<tr class=\"result "), sample().results.size());
  EXPECT_NE(page.find(R"(data-status="fail" data-severity="medium" data-accepted="no" data-subject="image busybox:1")"),
            std::string::npos);
  // The finding's own severity (medium) wins over the check's (high).
  EXPECT_NE(page.find(R"(data-status="fail" data-severity="medium" data-accepted="no" data-subject="container web")"),
            std::string::npos);
  EXPECT_NE(page.find("<code>compose.yaml:7:5</code>"), std::string::npos);
  EXPECT_NE(page.find("Remediation: Run without --privileged."), std::string::npos);
}

TEST(RenderHtml, NothingIsFetched) {
  const auto page = html(sample());
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(count(page, "<script>"), 1U);
}

TEST(RenderHtml, SummaryCountsByStatusSeverityAndSection) {
  const auto page = html(sample());
  // 3 fail, 1 pass, 1 error; findings: critical 1 (privileged), medium 2.
  EXPECT_NE(
      page.find(">fail</text><rect class=\"st-fail\" x=\"290\" y=\"5\" width=\"220\" height=\"16\"/><text x=\"516\" y=\"17\">3<"),
      std::string::npos);
  EXPECT_NE(page.find(">critical</text><rect class=\"sev-critical\""), std::string::npos);
  EXPECT_NE(page.find("<p>5 results: 3 findings to act on.</p>"), std::string::npos);
  EXPECT_NE(page.find(">4 Container images and build files</text>"), std::string::npos);
  EXPECT_NE(page.find(">1 of 1 result</text>"), std::string::npos);
  EXPECT_NE(page.find(">5 Container runtime</text>"), std::string::npos);
  EXPECT_NE(page.find(">2 of 4 results</text>"), std::string::npos);
}

TEST(RenderHtml, AcceptedFindingsShowTheirReason) {
  auto r = sample();
  r.results[1].accepted = audit::Acceptance{"legacy agent, ticket OPS-12", "2027-01-31", {}};
  const auto page = html(r);
  EXPECT_NE(page.find(R"(<tr class="result st-fail accepted" data-status="fail" data-severity="critical" data-accepted="yes")"),
            std::string::npos);
  EXPECT_NE(page.find("Accepted until 2027-01-31: legacy agent, ticket OPS-12"), std::string::npos);
  EXPECT_NE(page.find("<p>5 results: 2 findings to act on, 1 accepted by the policy.</p>"), std::string::npos);
}

TEST(RenderHtml, UntrustedTextIsEscaped) {
  auto r = sample();
  r.results[0].finding.evidence = "LABEL x=\"<script>alert(1)</script>\" & 'y' \xff bell\x07";
  r.results[0].subject.name = "img\"><img src=x onerror=alert(1)>";
  r.target = "</title><script>alert(2)</script>";
  const auto page = html(r);
  EXPECT_EQ(count(page, "<script>"), 1U) << "only the page's own script";
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(
      page.find("LABEL x=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; &#39;y&#39; \xEF\xBF\xBD bell\xEF\xBF\xBD"),
      std::string::npos);
  EXPECT_NE(page.find(R"(data-subject="image img&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")"), std::string::npos);
}

TEST(RenderHtml, EmptyReport) {
  audit::Report r;
  r.command = "dockerfile";
  const auto page = html(r);
  EXPECT_EQ(count(page, "<tr class=\"result "), 0U);
  EXPECT_NE(page.find("<p>0 results: 0 findings to act on.</p>"), std::string::npos);
  EXPECT_NE(page.find("</html>\n"), std::string::npos);
}

}  // namespace
}  // namespace drydock::render
