// RFC 3339 times for --now and for signed metadata's expiry: the forms Go's time package and
// people write, and the errors for what is not a time.

#include <gtest/gtest.h>

#include "drydock/core/time.hpp"

namespace {

using drydock::core::parse_rfc3339;
using drydock::core::rfc3339_utc;

TEST(CoreTime, ReadsUtcOffsetsFractionsAndBareDates) {
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("2026-12-03T09:30:00Z"), 1796290200);
  EXPECT_EQ(*parse_rfc3339("2026-12-03T10:30:00+01:00"), 1796290200);
  EXPECT_EQ(*parse_rfc3339("2026-12-03T01:30:00-08:00"), 1796290200);
  EXPECT_EQ(*parse_rfc3339("2026-12-03t09:30:00.999999999z"), 1796290200);  // Go's RFC3339Nano, fractions dropped
  EXPECT_EQ(*parse_rfc3339("2026-12-03 09:30:00Z"), 1796290200);
  EXPECT_EQ(*parse_rfc3339("2026-12-03"), 1796256000);
  EXPECT_EQ(*parse_rfc3339("2024-02-29T00:00:00Z"), 1709164800);  // a leap day
  EXPECT_EQ(*parse_rfc3339("1969-12-31T23:59:59Z"), -1);
}

TEST(CoreTime, RejectsWhatIsNoTime) {
  for (const char* bad : {"", "now", "2026-12-03T09:30:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2026-12-03T24:00:00Z", "2026-12-03T09:30Z", "2026-12-03T09:30:00+0100", "2026-12-03T09:30:00Zx",
                          "2026-12-03T09:30:00.Z", "12/03/2026", "2026-12-3", "1796290200"}) {
    const auto t = parse_rfc3339(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message.find("RFC 3339"), std::string::npos) << t.error().message;
  }
}

TEST(CoreTime, WritesUtc) {
  EXPECT_EQ(rfc3339_utc(1796290200), "2026-12-03T09:30:00Z");
  EXPECT_EQ(*parse_rfc3339(rfc3339_utc(4102444799)), 4102444799);
}

}  // namespace
