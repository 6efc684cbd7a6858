#include <gtest/gtest.h>

#include "drydock/vuln/severity.hpp"

namespace drydock::vuln {
namespace {

TEST(VulnCvss, BaseScoresOfKnownVectors) {
  const std::vector<std::pair<const char*, double>> cases = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
      {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8},
      {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
      {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3},
      {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
      {"CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.4},
      {"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2},
      {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
      {"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 6.5},
      // Temporal and environmental metrics do not change the base score; order does not matter.
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:L", 9.8},
      {"CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 9.8},
  };
  for (const auto& [vector, score] : cases) {
    const auto got = cvss3_base_score(vector);
    ASSERT_TRUE(got.has_value()) << vector;
    EXPECT_DOUBLE_EQ(*got, score) << vector;
  }
}

TEST(VulnCvss, RejectsWhatIsNotAV3Vector) {
  for (const char* v : {"", "AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",           // A missing
                        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",       // bad value
                        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  // twice
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H", "CVSS:3.1/garbage"}) {
    EXPECT_FALSE(cvss3_base_score(v).has_value()) << v;
  }
}

TEST(VulnCvss, QualitativeRatings) {
  EXPECT_EQ(severity_of_score(0.0), core::Severity::info);
  EXPECT_EQ(severity_of_score(0.1), core::Severity::low);
  EXPECT_EQ(severity_of_score(3.9), core::Severity::low);
  EXPECT_EQ(severity_of_score(4.0), core::Severity::medium);
  EXPECT_EQ(severity_of_score(6.9), core::Severity::medium);
  EXPECT_EQ(severity_of_score(7.0), core::Severity::high);
  EXPECT_EQ(severity_of_score(8.9), core::Severity::high);
  EXPECT_EQ(severity_of_score(9.0), core::Severity::critical);
  EXPECT_EQ(severity_of_rating("Important"), core::Severity::high);
  EXPECT_EQ(severity_of_rating("moderate"), core::Severity::medium);
  EXPECT_EQ(severity_of_rating(" CRITICAL "), core::Severity::critical);
  EXPECT_EQ(severity_of_rating("negligible"), core::Severity::low);
  EXPECT_EQ(severity_of_rating("unknown"), std::nullopt);
  EXPECT_EQ(severity_of_rating(""), std::nullopt);
}

TEST(VulnCvss, AssessPrefersTheVectorThenThePackageRatingThenTheRecord) {
  model::Advisory a;
  model::Affected pkg;
  EXPECT_FALSE(assess(a, pkg).severity.has_value());
  a.rating = "LOW";
  EXPECT_EQ(assess(a, pkg).severity, core::Severity::low);
  pkg.severity = "Important";
  EXPECT_EQ(assess(a, pkg).severity, core::Severity::high);
  a.severity = {{"CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
                {"CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"},
                {"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}};
  const auto s = assess(a, pkg);
  EXPECT_EQ(s.severity, core::Severity::high);
  EXPECT_DOUBLE_EQ(*s.score, 7.5) << "the highest of the v3 vectors";
}

}  // namespace
}  // namespace drydock::vuln
