/// The catalogue's contract (DESIGN.md section 3): unique stable ids, complete metadata.

#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "drydock/checks/catalogue.hpp"

namespace drydock::checks {
namespace {

TEST(Catalogue, IdsAreUniqueSlugs) {
  const std::regex slug("^[a-z]+\\.[a-z0-9]+(-[a-z0-9]+)*$");
  std::set<std::string_view> seen;
  ASSERT_FALSE(catalogue().empty());
  for (const auto& c : catalogue()) {
    EXPECT_TRUE(std::regex_match(std::string(c.id), slug)) << c.id;
    EXPECT_TRUE(seen.insert(c.id).second) << "duplicate id " << c.id;
    EXPECT_EQ(find_check(c.id), &c);
  }
  EXPECT_EQ(find_check("runtime.no-such-check"), nullptr);
}

TEST(Catalogue, MetadataIsComplete) {
  for (const auto& c : catalogue()) {
    EXPECT_FALSE(c.title.empty()) << c.id;
    EXPECT_FALSE(c.rationale.empty()) << c.id;
    EXPECT_FALSE(c.remediation.empty()) << c.id;
    EXPECT_NE(c.title.back(), '.') << c.id << ": titles are statements, not sentences";
    EXPECT_TRUE(c.rationale.ends_with('.')) << c.id;
    for (auto alias : c.aliases)
      EXPECT_FALSE(alias.empty()) << c.id;
    std::visit([&](auto fn) { EXPECT_NE(fn, nullptr) << c.id; }, c.evaluate);
  }
}

/// The control numbers of CIS Docker Benchmark v1.6.0 sections 4 and 5.
bool is_cis_control(std::string_view cis) {
  const std::regex format("^([1-7])\\.([0-9]+)(\\.[0-9]+)?$");
  std::cmatch m;
  if (!std::regex_match(cis.begin(), cis.end(), m, format)) return false;
  const int section = std::stoi(m[1].str());
  const int control = std::stoi(m[2].str());
  switch (section) {
    case 4:
      return control >= 1 && control <= 12 && !m[3].matched;
    case 5:
      return control >= 1 && control <= 32 && !m[3].matched;
    default:
      return true;  // other areas' sections are checked by their own tests
  }
}

TEST(Catalogue, CisNumbersExist) {
  for (const auto& c : catalogue()) {
    if (c.cis.empty()) continue;
    EXPECT_TRUE(is_cis_control(c.cis)) << c.id << ": " << c.cis;
  }
}

TEST(Catalogue, AreasMatchTheirSections) {
  for (const auto& c : runtime_checks()) {
    EXPECT_TRUE(c.id.starts_with("runtime.")) << c.id;
    EXPECT_TRUE(c.cis == "4.1" || c.cis.starts_with("5.")) << c.id;
  }
  for (const auto& c : image_checks()) {
    EXPECT_TRUE(c.id.starts_with("image.")) << c.id;
    // Image checks beyond the benchmark (port 22, layer integrity, ...) have no control.
    EXPECT_TRUE(c.cis.empty() || c.cis.starts_with("4.")) << c.id;
  }
}

TEST(Catalogue, ManualControlsAreMarked) {
  // CIS marks these as Manual; anything else in sections 4-5 is automated.
  const std::set<std::string_view> manual = {"4.2", "4.3",  "4.4",  "4.8",  "4.11", "4.12",
                                             "5.9", "5.18", "5.19", "5.24", "5.28", "5.30"};
  for (const auto& c : catalogue()) {
    if (!c.cis.starts_with("4.") && !c.cis.starts_with("5.")) continue;
    EXPECT_EQ(c.manual, manual.contains(c.cis)) << c.id << " (" << c.cis << ")";
  }
}

/// A hadolint code (DLnnnn) names a rule of Dockerfiles: `--check DL3009` must select the one
/// Dockerfile check that means what hadolint's rule means, and no check of another kind that
/// only resembles it (an image's history has no stages, no archive names, no cache mounts).
TEST(Catalogue, AHadolintCodeIsTheAliasOfOneDockerfileCheck) {
  const std::regex hadolint("^DL[0-9]{4}$");
  std::map<std::string_view, std::vector<std::string_view>> carriers;
  for (const auto& c : catalogue()) {
    for (auto alias : c.aliases) {
      if (!std::regex_match(alias.begin(), alias.end(), hadolint)) continue;
      carriers[alias].push_back(c.id);
      EXPECT_EQ(c.scope(), Scope::dockerfile) << c.id << " carries " << alias;
    }
  }
  EXPECT_GE(carriers.size(), 20U);
  for (const auto& [code, ids] : carriers)
    EXPECT_EQ(ids.size(), 1U) << code << " is carried by " << ids.size() << " checks";
}

TEST(Catalogue, EveryCisControlOfSectionFiveIsCovered) {
  std::set<std::string_view> covered;
  for (const auto& c : runtime_checks())
    covered.insert(c.cis);
  for (int i = 1; i <= 32; ++i) {
    const std::string cis = "5." + std::to_string(i);
    EXPECT_TRUE(covered.contains(cis)) << cis;
  }
}

}  // namespace
}  // namespace drydock::checks
