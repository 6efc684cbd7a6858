#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "drydock/checks/catalogue.hpp"
#include "drydock/render/render.hpp"
#include "support.hpp"

namespace drydock::render {
namespace {

using fixture::expect_golden;
using fixture::sample;

TEST(RenderJson, FollowsTheReportContract) {
  const auto doc = nlohmann::json::parse(json(sample()));
  EXPECT_EQ(doc["schema"], "drydock.report/v1");
  EXPECT_EQ(doc["benchmark"], "cis-docker-1.8.0");  // the default: the newest
  EXPECT_EQ(doc["tool"]["name"], "drydock");
  ASSERT_EQ(doc["results"].size(), 5u);
  const auto& mount = doc["results"][3];
  EXPECT_EQ(mount["severity"], "medium");  // the finding's override
  EXPECT_EQ(mount["location"]["file"], "compose.yaml");
  EXPECT_EQ(mount["location"]["line"], 7);
  EXPECT_EQ(mount["location"]["column"], 5);
  EXPECT_TRUE(doc["results"][0]["location"].is_null());
  EXPECT_EQ(doc["results"][1]["aliases"][0], "CKV_DOCKER_X");
  EXPECT_EQ(doc["results"][1]["subject"]["name"], "web");
  EXPECT_EQ(doc["summary"]["fail"], 3);
  EXPECT_EQ(doc["summary"]["pass"], 1);
  EXPECT_EQ(doc["summary"]["error"], 1);
  EXPECT_EQ(doc["summary"]["skip"], 0);
}

TEST(RenderJson, Golden) { expect_golden("report.json", json(sample())); }
TEST(RenderText, Golden) { expect_golden("report.txt", text(sample(), TextOptions{})); }
TEST(RenderText, GoldenVerbose) { expect_golden("report-verbose.txt", text(sample(), TextOptions{.verbose = true})); }

TEST(RenderText, ColourOnlyWhenAsked) {
  EXPECT_EQ(text(sample(), TextOptions{}).find('\x1b'), std::string::npos);
  EXPECT_NE(text(sample(), TextOptions{.color = true}).find('\x1b'), std::string::npos);
}

TEST(RenderJson, HostileEvidenceStaysValidJson) {
  auto r = sample();
  r.results[0].finding.evidence = "bad \xff\xfe bytes, overlong \xc0\xaf, cut \xe2\x82";
  r.results[1].finding.evidence =
      std::string("quote \" backslash \\ tab \t nul ") + '\0' + " bell \x07 caf\xc3\xa9 \xf0\x9f\x90\xb3";
  const auto doc = nlohmann::json::parse(json(r));  // throws on invalid JSON or UTF-8
  EXPECT_EQ(doc["results"][0]["evidence"], "bad \ufffd\ufffd bytes, overlong \ufffd\ufffd, cut \ufffd\ufffd");
  EXPECT_EQ(doc["results"][1]["evidence"],
            std::string("quote \" backslash \\ tab \t nul ") + '\0' + " bell \x07 caf\xc3\xa9 \xf0\x9f\x90\xb3");
}

// Plain text is tested sixteen bytes at a time, then eight, then one: a byte that needs escaping
// (or replacing) is found at every offset of two 16-byte blocks, of an 8-byte word after them
// and of the tail.
TEST(RenderJson, EveryByteThatNeedsEscapingIsFoundAtEveryOffset) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"", "\""}, {"\\", "\\"}, {"\n", "\n"}, {std::string(1, '\0'), std::string(1, '\0')}, {"\x1f", "\x1f"},
      {"\x7f", "\x7f"}, {"\xc3\xa9", "\xc3\xa9"}, {"\xff", "\xef\xbf\xbd"}, {"\x80", "\xef\xbf\xbd"}, {" ", " "}};
  for (const auto& [byte, decoded] : cases) {
    for (std::size_t at = 0; at < 44; ++at) {
      auto r = sample();
      const std::string plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
      r.results[0].finding.evidence = plain.substr(0, at) + byte + plain.substr(at, 44 - at);
      const std::string rendered = json(r);
      const auto doc = nlohmann::json::parse(rendered);  // throws on invalid JSON or UTF-8
      EXPECT_EQ(doc["results"][0]["evidence"], plain.substr(0, at) + decoded + plain.substr(at, 44 - at))
          << "byte " << static_cast<int>(static_cast<unsigned char>(byte[0])) << " at " << at;
    }
  }
}

// Each result is written into room reserved for its longest text: every byte of a value may
// become six ("\u0001", "\ufffd"), in every field, and an accepted finding's part follows.
TEST(RenderJson, ValuesThatGrowSixfoldAndAcceptedFindingsKeepTheirShape) {
  auto r = sample();
  const std::string controls(5000, '\x01');
  const std::string invalid(5000, '\xff');
  r.results[0].finding.evidence = controls;
  r.results[0].subject = audit::Subject{invalid, controls + invalid, invalid + controls};
  r.results[0].finding.location = model::Location{controls, 2147483647, 2147483647};
  r.results[2].accepted = audit::Acceptance{"legacy \"db\"", "2999-12-31", model::Location{".drydock.yaml", 4, 3}};
  r.results[3].accepted = audit::Acceptance{"", "", model::Location{"p.yaml", 9, 0}};
  const std::string rendered = json(r);
  const auto doc = nlohmann::json::parse(rendered);  // throws on invalid JSON or UTF-8
  std::string replaced;
  for (std::size_t i = 0; i < invalid.size(); ++i)
    replaced += "\xef\xbf\xbd";
  EXPECT_EQ(doc["results"][0]["evidence"], controls);
  EXPECT_EQ(doc["results"][0]["subject"]["kind"], replaced);
  EXPECT_EQ(doc["results"][0]["subject"]["id"], controls + replaced);
  EXPECT_EQ(doc["results"][0]["subject"]["name"], replaced + controls);
  EXPECT_EQ(doc["results"][0]["location"]["file"], controls);
  EXPECT_EQ(doc["results"][0]["location"]["line"], 2147483647);
  EXPECT_EQ(doc["results"][0]["location"]["column"], 2147483647);
  EXPECT_EQ(doc["results"][2]["accepted"]["reason"], "legacy \"db\"");
  EXPECT_EQ(doc["results"][2]["accepted"]["source"], ".drydock.yaml:4");
  EXPECT_TRUE(doc["results"][3]["accepted"]["expires"].is_null());
  EXPECT_FALSE(doc["results"][4].contains("accepted"));
  EXPECT_NE(rendered.find("\"aliases\": [\"CKV_DOCKER_X\"],\n"
                          "      \"accepted\": {\n"
                          "        \"reason\": \"legacy \\\"db\\\"\",\n"
                          "        \"expires\": \"2999-12-31\",\n"
                          "        \"source\": \".drydock.yaml:4\"\n"
                          "      }\n"
                          "    },\n"
                          "    {\n"),
            std::string::npos);
}

// A file's path is its results' subject id and name and their location's file, one shared
// string: escaped once, copied to the other two; another string of the same text is escaped alone.
TEST(RenderJson, ASharedPathIsTheSameInEveryFieldOfAResult) {
  auto r = sample();
  const core::SharedString path("dir/\"odd\"\\name\t.Dockerfile");
  r.results[3].subject = audit::Subject{"dockerfile", path, path};
  r.results[3].finding.location = model::Location{path, 3, 0};
  r.results[4].subject = audit::Subject{"dockerfile", path, core::SharedString(std::string(path.str()))};
  r.results[4].finding.location = model::Location{"other\n", 1, 0};
  const auto doc = nlohmann::json::parse(json(r));
  for (const int i : {3, 4}) {
    EXPECT_EQ(doc["results"][i]["subject"]["id"], path.str());
    EXPECT_EQ(doc["results"][i]["subject"]["name"], path.str());
  }
  EXPECT_EQ(doc["results"][3]["location"]["file"], path.str());
  EXPECT_EQ(doc["results"][4]["location"]["file"], "other\n");
}

TEST(RenderJson, LargeReportIsStreamedInOrder) {
  // More results than one wave of the parallel rendering holds, even on 8 cores (8 x 4 x 512).
  auto r = sample();
  const auto base = r.results;
  r.results.clear();
  constexpr std::size_t n = 40'000;
  for (std::size_t i = 0; i < n; ++i) {
    r.results.push_back(base[i % base.size()]);
    r.results.back().subject = audit::Subject{r.results.back().subject->kind, r.results.back().subject->id, "s" + std::to_string(i)};
    // Every status and some accepted findings, in every block and wave: the summary is counted
    // as the results are rendered.
    r.results.back().finding.status = static_cast<core::Status>((i * 7 + i / 513) % 6);
    if (i % 11 == 3) r.results.back().accepted = audit::Acceptance{"ok", "", model::Location{"p.yaml", 1, 0}};
  }
  std::string streamed;
  std::size_t pieces = 0;
  std::size_t largest = 0;
  json(r, [&](std::string_view piece) {
    streamed += piece;
    ++pieces;
    largest = std::max(largest, piece.size());
  });
  EXPECT_EQ(streamed, json(r));
  EXPECT_GT(pieces, 10u);
  EXPECT_LT(largest, streamed.size() / 10);  // never the whole report at once
  const auto doc = nlohmann::json::parse(streamed);
  ASSERT_EQ(doc["results"].size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(doc["results"][i]["subject"]["name"], "s" + std::to_string(i));
    ASSERT_EQ(doc["results"][i]["id"], base[i % base.size()].check->id);
  }
  const auto counts = r.summary();
  for (std::size_t s = 0; s < counts.size(); ++s) {
    EXPECT_GT(counts[s], 0);
    EXPECT_EQ(doc["summary"][std::string(core::to_string(static_cast<core::Status>(s)))], counts[s]) << s;
  }
  EXPECT_EQ(doc["summary"]["accepted"], r.accepted());
  EXPECT_GT(r.accepted(), 3000u);
}

TEST(Catalogue, MarkdownListsEveryCheck) {
  const auto md = catalogue("markdown");
  for (const auto& c : checks::catalogue())
    EXPECT_NE(md.find("`" + std::string(c.id) + "`"), std::string::npos) << c.id;
  const auto list = nlohmann::json::parse(catalogue("json"));
  EXPECT_EQ(list.size(), checks::catalogue().size());
}

TEST(Catalogue, DocsChecksMdIsTheGeneratedCatalogue) {
  // docs/checks.md is `drydock checks --format markdown`; regenerate it with `make docs`.
  const std::string path = std::string(DRYDOCK_TEST_DATA) + "/../../docs/checks.md";
  if (std::getenv("DRYDOCK_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << catalogue("markdown");
  }
  EXPECT_EQ(catalogue("markdown"), fixture::read_file(path)) << path << " is stale: run `make docs`";
}

}  // namespace
}  // namespace drydock::render
