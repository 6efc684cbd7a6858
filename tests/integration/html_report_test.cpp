// The HTML report in a real browser: `drydock dockerfile tests/data/dockerfiles/cli --format
// html` opened by headless Chromium (Debian's `chromium`). `--dump-dom` prints the DOM after the
// page's script ran; `--enable-logging=stderr --v=0` prints every console message as a line with
// "INFO:CONSOLE". The page's script marks <p id="drydock-js"> with data-state="ok" when it has run
// and data-state="error" from window.onerror, so a broken or blocked script is visible in the
// DOM as well as on the console. Outside CI a missing chromium skips; with CI=true it fails.

#include <gtest/gtest.h>

#include <regex>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

class HtmlReport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run({"chromium", "--version"}).code != 0) {
      if (in_ci()) FAIL() << "CI=true but chromium is missing (scripts/install-deps test installs it)";
      GTEST_SKIP() << "chromium is not installed";
    }
    m_dir = fs::temp_directory_path() / ("drydock-html-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
    m_page = (m_dir / "report.html").string();
    const std::vector<std::string> argv{DRYDOCK_BIN, "dockerfile", std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli",
                                        "--format",  "html",       "--fail-on",
                                        "none",      "-q",         "--output",
                                        m_page};
    const auto p = run(argv);
    ASSERT_EQ(p.code, 0) << describe(argv, p);
    const auto json_argv = std::vector<std::string>{
        DRYDOCK_BIN, "dockerfile", std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli", "--format", "json", "--fail-on",
        "none",      "-q"};
    const auto j = run(json_argv);
    ASSERT_EQ(j.code, 0) << describe(json_argv, j);
    m_report = json::parse(j.out);
  }
  void TearDown() override {
    std::error_code ec;
    if (!m_dir.empty()) fs::remove_all(m_dir, ec);
  }

  /// Chromium's DOM dump of the page at `fragment`; its console lines in `console`.
  std::string browse(const std::string& mode, const std::string& fragment, std::string& console) {
    const std::vector<std::string> argv{"chromium",
                                        "--headless",
                                        "--no-sandbox",
                                        "--disable-gpu",
                                        "--user-data-dir=" + (m_dir / "profile").string(),
                                        "--enable-logging=stderr",
                                        "--v=0",
                                        "--window-size=1280,2000",
                                        mode,
                                        "file://" + m_page + fragment};
    const auto p = run(argv, std::chrono::seconds(120));
    EXPECT_EQ(p.code, 0) << describe(argv, p);
    console.clear();
    for (const auto& line : lines(p.err)) {
      if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
    }
    return p.out;
  }

  static std::size_t count(const std::string& text, const std::regex& re) {
    return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
  }

  fs::path m_dir;
  std::string m_page;
  json m_report;
};

TEST_F(HtmlReport, EveryResultIsShownAndTheScriptRanWithoutErrors) {
  std::string console;
  const auto dom = browse("--dump-dom", "", console);
  EXPECT_EQ(console, "") << "console messages while rendering the report";
  const auto results = m_report["results"].size();
  ASSERT_GT(results, 10U);
  EXPECT_NE(dom.find(R"(id="drydock-js" data-state="ok")"), std::string::npos) << dom.substr(0, 4000);
  EXPECT_NE(dom.find("data-rows=\"" + std::to_string(results) + "\""), std::string::npos);
  EXPECT_EQ(count(dom, std::regex(R"(<tr class="result [^>]*>)")), results);
  EXPECT_EQ(count(dom, std::regex(R"(<tr class="result [^>]*hidden[^>]*>)")), 0U) << "no filter: nothing hidden";
  EXPECT_NE(dom.find(std::to_string(results) + " of " + std::to_string(results) + " results shown"), std::string::npos);
}

TEST_F(HtmlReport, TheFiltersHideWhatDoesNotMatch) {
  std::size_t medium_fails = 0;
  for (const auto& r : m_report["results"])
    medium_fails += r["status"] == "fail" && r["severity"] == "medium" ? 1 : 0;
  ASSERT_GT(medium_fails, 0U);
  std::string console;
  const auto dom = browse("--dump-dom", "#status=fail&severity=medium", console);
  EXPECT_EQ(console, "");
  const auto shown =
      count(dom, std::regex(R"(<tr class="result [^>]*>)")) - count(dom, std::regex(R"(<tr class="result [^>]*hidden[^>]*>)"));
  EXPECT_EQ(shown, medium_fails);
  EXPECT_NE(dom.find(std::to_string(medium_fails) + " of " + std::to_string(m_report["results"].size()) + " results shown"),
            std::string::npos);
  const auto by_subject = browse("--dump-dom", "#subject=web.dockerfile", console);
  std::size_t web = 0;
  for (const auto& r : m_report["results"])
    web += r["subject"]["name"].get<std::string>().find("web.dockerfile") != std::string::npos ? 1 : 0;
  ASSERT_GT(web, 0U);
  EXPECT_EQ(count(by_subject, std::regex(R"(<tr class="result [^>]*>)")) -
                count(by_subject, std::regex(R"(<tr class="result [^>]*hidden[^>]*>)")),
            web);
}

TEST_F(HtmlReport, AScreenshotRendersWithoutConsoleErrors) {
  std::string console;
  const auto shot = m_dir / "report.png";
  browse("--screenshot=" + shot.string(), "", console);
  EXPECT_EQ(console, "");
  std::error_code ec;
  EXPECT_GT(fs::file_size(shot, ec), 10000U) << "a rendered page, not a blank one";
}

TEST_F(HtmlReport, TheConsoleCheckSeesAScriptError) {
  // The detection itself: the same page with a failing script appended must be caught both ways.
  std::ifstream in(m_page);
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  page.replace(page.rfind("</body>"), 7, "<script>null.x();</script></body>");
  std::ofstream(m_page, std::ios::trunc) << page;
  std::string console;
  const auto dom = browse("--dump-dom", "", console);
  EXPECT_NE(console.find("Uncaught TypeError"), std::string::npos) << console;
  EXPECT_NE(dom.find(R"(id="drydock-js" data-state="error")"), std::string::npos);
}

}  // namespace
