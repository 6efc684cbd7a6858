// Tables of known orderings for the three comparators, from the rules each tool documents.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "drydock/collect/files.hpp"
#include "drydock/parse/secdb.hpp"
#include "drydock/vuln/version.hpp"

namespace drydock::vuln {
namespace {

struct Case {
  const char* a;
  const char* b;
  int expected;  // sign of compare(a, b)
};

int sgn(int v) { return (v > 0) - (v < 0); }

void check_table(Scheme scheme, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(sgn(compare(scheme, c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(sgn(compare(scheme, c.b, c.a)), -c.expected) << c.b << " vs " << c.a << " (reversed)";
  }
}

TEST(VersionDpkg, KnownPairs) {
  check_table(Scheme::dpkg, {
                                {"1.0", "1.0", 0},
                                {"1.0", "1.1", -1},
                                {"1.2.3", "1.2.10", -1},
                                {"1.0", "0:1.0", 0},
                                {"00:1.0", "0:1.0", 0},
                                {"1:0.1", "2.0", 1},
                                {"1:1.0", "10:0.1", -1},
                                {"1.0~rc1", "1.0", -1},
                                {"1.0~~", "1.0~", -1},
                                {"1.0~", "1.0", -1},
                                {"1.0~rc1", "1.0~rc2", -1},
                                {"1.0", "1.0a", -1},
                                {"1.0a", "1.0+", -1},  // letters sort before non-letters
                                {"1.0+", "1.0.", -1},  // non-letters by ASCII
                                {"1.0~", "1.0a", -1},
                                {"1.0-1", "1.0-2", -1},
                                {"1.0-1", "1.0-01", 0},
                                {"1.0", "1.0-0", 0},
                                {"1.001", "1.1", 0},
                                {"2.0-1", "1.99-9", 1},
                                {"1.0.0", "1.0", 1},
                                {"1.0-1~bpo11+1", "1.0-1", -1},
                                {"1.0+dfsg-1", "1.0-1", 1},
                                {"3.0.11-1~deb12u2", "3.0.11-1~deb12u1", 1},
                                {"3.0.11-1~deb12u2", "3.0.11-1", -1},
                                {"2.36-9+deb12u4", "2.36-9+deb12u10", -1},
                                {"1.2-3+b1", "1.2-3", 1},
                                {"a", "b", -1},
                                {"1:1.2-1-1", "1:1.2-1-2", -1},  // the last '-' starts the revision
                                {"1.0-a", "1.0-+", -1},
                                {"10", "9", 1},
                                {"99999999999999999999", "99999999999999999998", 1},  // no overflow
                            });
}

TEST(VersionApk, KnownPairs) {
  check_table(Scheme::apk, {
                               {"1.0", "1.0", 0},
                               {"1.0", "1.1", -1},
                               {"1.2.9", "1.2.10", -1},
                               {"1.0-r0", "1.0-r1", -1},
                               {"1.0-r9", "1.0-r10", -1},
                               {"1.0", "1.0-r0", -1},
                               {"2.4.41-r0", "2.4.39-r0", 1},
                               {"1.0_alpha", "1.0_beta", -1},
                               {"1.0_beta", "1.0_pre", -1},
                               {"1.0_pre", "1.0_rc", -1},
                               {"1.0_rc", "1.0", -1},
                               {"1.0", "1.0_cvs", -1},
                               {"1.0_cvs", "1.0_svn", -1},
                               {"1.0_svn", "1.0_git", -1},
                               {"1.0_git", "1.0_hg", -1},
                               {"1.0_hg", "1.0_p", -1},
                               {"1.0_alpha1", "1.0_alpha2", -1},
                               {"1.0_rc1", "1.0_rc1-r1", -1},
                               {"1.0_rc9", "1.0", -1},
                               {"1.0_rc9-r3", "1.0-r0", -1},
                               {"1.0_p1", "1.0_p2", -1},
                               {"1.0_p1", "1.0.1", -1},
                               {"1.0_git20200101", "1.0", 1},
                               {"1.1_alpha1", "1.0", 1},
                               {"1.0a", "1.0", 1},
                               {"1.0a", "1.0b", -1},
                               {"1.0a", "1.1", -1},
                               {"1.0a-r1", "1.0a-r0", 1},
                               {"1.0.0", "1.0", 1},
                               {"1.01", "1.1", -1},  // a component with a leading zero is a fraction
                               {"1.001", "1.01", -1},
                               {"1.05", "1.5", -1},
                               {"1.10", "1.9", 1},
                               {"1.1.1d-r2", "1.1.1g-r0", -1},
                               {"1.1.1g-r0", "1.1.1-r0", 1},
                               {"20191127-r2", "20190108-r0", 1},
                               {"8.1.1365-r0", "8.1.0348-r0", 1},
                               {"1.0_pre1", "1.0_p1", -1},  // suffixes match whole words
                               {"1.0_rc1_p2", "1.0_rc1", 1},
                               {"1.0~abc1-r0", "1.0~abd0-r0", -1},
                               {"1.0", "1.0_bogus", 1},  // an invalid remainder sorts lowest
                               {"1.0", "1.0-x", 1},
                           });
}

TEST(VersionRpm, KnownPairs) {
  check_table(Scheme::rpm, {
                               {"1.0", "1.0", 0},
                               {"1.0", "1.1", -1},
                               {"1.0~rc1", "1.0", -1},
                               {"1.0~rc1", "1.0~rc2", -1},
                               {"1.0~~", "1.0~", -1},
                               {"1.0^git1", "1.0", 1},
                               {"1.0^git1", "1.0.1", -1},
                               {"1.0~rc1^git1", "1.0~rc1", 1},
                               {"1.0~rc1^git1", "1.0", -1},
                               {"1a", "1.1", -1},  // a number is newer than letters
                               {"1.0", "1.00", 0},
                               {"1.0", "1_0", 0},  // separators only separate
                               {"1.0a", "1.0", 1},
                               {"abc", "abd", -1},
                               {"10", "9", 1},
                               {"2:1", "1:9", 1},
                               {"0:1", "1", 0},
                               {":1", "1", 0},
                               {"1-1", "1-2", -1},
                               {"1.0", "1.0-1", -1},  // a missing release sorts first
                               {"1.0-", "1.0", 1},
                               {"1.0-2.el9", "1.0-2.el9_1", -1},
                               {"3.0.7-24.el9", "3.0.7-25.el9", -1},
                               {"1:3.0.7-24.el9", "3.0.7-99.el9", 1},
                               {"1.2-3-4", "1.2-3-5", -1},
                           });
}

TEST(VersionRpm, FieldComparison) {
  EXPECT_EQ(rpmvercmp("1.0", "1.0"), 0);
  EXPECT_LT(rpmvercmp("", "0"), 0);
  EXPECT_GT(rpmvercmp("", "~"), 0);
  EXPECT_LT(rpmvercmp("1.0", "1.0.^"), 0);  // '^' before the end of the other means newer
}

TEST(VersionApk, Validity) {
  for (const char* v : {"1.0", "1.0-r0", "1.0a", "1.0_rc1", "1.0_rc1_p2-r3", "1.0~abc1-r0", "20191127-r2", "0"}) {
    EXPECT_TRUE(apk_version_valid(v)) << v;
  }
  for (const char* v : {"", "a1", "1.0.-r0", "1.0-1", "1.0_bogus", "1.0-r", "1..0", "1.0ab", "1.0_rc.1", "1.0~"}) {
    EXPECT_FALSE(apk_version_valid(v)) << v;
  }
}

TEST(VersionScheme, OfManager) {
  EXPECT_EQ(scheme_of_manager("dpkg"), Scheme::dpkg);
  EXPECT_EQ(scheme_of_manager("apk"), Scheme::apk);
  EXPECT_EQ(scheme_of_manager("rpm"), Scheme::rpm);
  EXPECT_EQ(scheme_of_manager("pacman"), std::nullopt);
}

/// Every version the real secdb data names: apk's order must be a total order on them that
/// agrees with each package's -rN releases, and with the newest fix of v3.11 being at or above
/// the newest fix of v3.3 for the same package and CVE where both list it.
TEST(VersionApk, SecdbData) {
  std::map<std::string, std::set<std::string>> by_package;
  std::vector<std::string> all;
  for (const auto& release : std::filesystem::directory_iterator(std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb")) {
    for (const char* repo : {"main.yaml", "community.yaml"}) {
      const auto path = (release.path() / repo).string();
      auto text = collect::read_input(path);
      ASSERT_TRUE(text) << path;
      auto parsed = parse::secdb(*text, path);
      ASSERT_TRUE(parsed) << parsed.error().describe();
      for (const auto& a : parsed->advisories) {
        for (const auto& r : a.affected[0].ranges) {
          by_package[a.affected[0].package].insert(r.events[1].version);
          all.push_back(r.events[1].version);
        }
      }
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  // A few fixed versions in the data are typos apk itself rejects ("1.18.-r2"): they compare
  // equal to each other in apk, so they are no order to test.
  const auto invalid = std::erase_if(all, [](const std::string& v) { return !apk_version_valid(v); });
  EXPECT_LT(invalid, 20U);
  ASSERT_GT(all.size(), 1000U);
  auto sorted = all;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return compare_apk(a, b) < 0; });
  std::size_t checked = 0;
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    // A strict weak order: sorted neighbours never compare "greater", and equality is symmetric.
    EXPECT_LE(compare_apk(sorted[i], sorted[i + 1]), 0) << sorted[i] << " " << sorted[i + 1];
    EXPECT_EQ(compare_apk(sorted[i], sorted[i + 1]) == 0, compare_apk(sorted[i + 1], sorted[i]) == 0);
    ++checked;
  }
  // Transitivity over every third element: a <= b <= c implies a <= c.
  for (std::size_t i = 0; i + 50 < sorted.size(); i += 3) {
    EXPECT_LE(compare_apk(sorted[i], sorted[i + 50]), 0) << sorted[i] << " " << sorted[i + 50];
  }
  // Revisions: V-rN < V-r(N+1) for every V-rN in the data.
  for (const auto& v : all) {
    const auto pos = v.rfind("-r");
    if (pos == std::string::npos || pos + 2 == v.size() || v.find_first_not_of("0123456789", pos + 2) != std::string::npos) {
      continue;
    }
    const auto n = std::stoul(v.substr(pos + 2));
    EXPECT_LT(compare_apk(v, v.substr(0, pos) + "-r" + std::to_string(n + 1)), 0) << v;
    EXPECT_GT(compare_apk(v, v.substr(0, pos)), 0) << v;
    ++checked;
  }
  EXPECT_GT(checked, 2500U);
}

}  // namespace
}  // namespace drydock::vuln
