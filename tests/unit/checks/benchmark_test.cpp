/// The CIS Docker Benchmark versions (`--benchmark`): one test per control a version moved,
/// and every other check keeps its number.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "drydock/checks/benchmark.hpp"
#include "drydock/checks/catalogue.hpp"

namespace drydock::checks {
namespace {

std::string cis_of(std::string_view id, Benchmark b) {
  for (const auto& c : catalogue(b)) {
    if (c.id == id) return std::string(c.cis);
  }
  ADD_FAILURE() << "no check " << id;
  return "?";
}

struct Moved {
  std::string id;
  std::string v1_6;  ///< also v1.7.0's: 1.7.0 renumbered nothing
  std::string v1_8;
};

class BenchmarkMovedControl : public ::testing::TestWithParam<Moved> {};

TEST_P(BenchmarkMovedControl, HasEachVersionsNumber) {
  const auto& m = GetParam();
  EXPECT_EQ(cis_of(m.id, Benchmark::cis_1_6), m.v1_6);
  EXPECT_EQ(cis_of(m.id, Benchmark::cis_1_7), m.v1_6);
  EXPECT_EQ(cis_of(m.id, Benchmark::cis_1_8), m.v1_8);
}

// v1.8.0 inserted 2.7 (devicemapper) and moved 2.7-2.18 to 2.8-2.19.
INSTANTIATE_TEST_SUITE_P(
    V1_8, BenchmarkMovedControl,
    ::testing::Values(Moved{"daemon.devicemapper-storage", "", "2.7"}, Moved{"daemon.tcp-without-tls", "2.7", "2.8"},
                      Moved{"daemon.default-ulimits", "2.8", "2.9"}, Moved{"daemon.userns-remap", "2.9", "2.10"},
                      Moved{"daemon.cgroup-parent", "2.10", "2.11"}, Moved{"daemon.base-device-size", "2.11", "2.12"},
                      Moved{"daemon.authorization-plugin", "2.12", "2.13"},
                      Moved{"daemon.centralized-logging", "2.13", "2.14"},
                      Moved{"daemon.no-new-privileges", "2.14", "2.15"}, Moved{"daemon.live-restore", "2.15", "2.16"},
                      Moved{"daemon.userland-proxy", "2.16", "2.17"}, Moved{"daemon.seccomp-profile", "2.17", "2.18"},
                      Moved{"daemon.experimental", "2.18", "2.19"}),
    [](const ::testing::TestParamInfo<Moved>& info) {
      std::string name;
      for (char c : info.param.id)
        name += (c == '.' || c == '-') ? '_' : c;
      return name;
    });

TEST(Benchmark, EveryOtherCheckKeepsItsNumber) {
  const std::vector<std::string> moved{"daemon.devicemapper-storage", "daemon.tcp-without-tls",   "daemon.default-ulimits",
                                       "daemon.userns-remap",         "daemon.cgroup-parent",     "daemon.base-device-size",
                                       "daemon.authorization-plugin", "daemon.centralized-logging", "daemon.no-new-privileges",
                                       "daemon.live-restore",         "daemon.userland-proxy",    "daemon.seccomp-profile",
                                       "daemon.experimental"};
  const auto v16 = catalogue(Benchmark::cis_1_6);
  const auto v17 = catalogue(Benchmark::cis_1_7);
  const auto v18 = catalogue(Benchmark::cis_1_8);
  ASSERT_EQ(v16.size(), v18.size());
  ASSERT_EQ(v17.size(), v18.size());
  for (std::size_t i = 0; i < v16.size(); ++i) {
    ASSERT_EQ(v16[i].id, v18[i].id);  // same checks, same order: ids never change
    EXPECT_EQ(v16[i].cis, v17[i].cis) << v16[i].id;
    if (std::find(moved.begin(), moved.end(), std::string(v16[i].id)) != moved.end()) continue;
    EXPECT_EQ(v16[i].cis, v18[i].cis) << v16[i].id;
  }
}

TEST(Benchmark, NumbersAreUniquePerVersionInSectionTwo) {
  for (auto b : benchmarks()) {
    std::vector<std::string_view> seen;
    for (const auto& c : catalogue(b)) {
      if (!c.id.starts_with("daemon.") || !c.cis.starts_with("2.")) continue;  // daemon.podman-signature-policy is 4.5
      EXPECT_EQ(std::find(seen.begin(), seen.end(), c.cis), seen.end()) << option_name(b) << " " << c.cis;
      seen.push_back(c.cis);
    }
    EXPECT_EQ(seen.size(), b == Benchmark::cis_1_8 ? 19u : 18u) << option_name(b);
  }
}

TEST(Benchmark, NamesAndDefault) {
  EXPECT_EQ(k_newest_benchmark, Benchmark::cis_1_8);
  EXPECT_EQ(current_benchmark(), Benchmark::cis_1_8);
  EXPECT_EQ(parse_benchmark("cis-1.6"), Benchmark::cis_1_6);
  EXPECT_EQ(parse_benchmark("cis-1.7"), Benchmark::cis_1_7);
  EXPECT_EQ(parse_benchmark("cis-docker-1.8.0"), Benchmark::cis_1_8);
  EXPECT_EQ(parse_benchmark("1.8"), Benchmark::cis_1_8);
  EXPECT_EQ(parse_benchmark("cis-1.9"), std::nullopt);
  EXPECT_EQ(parse_benchmark(""), std::nullopt);
  EXPECT_EQ(report_key(Benchmark::cis_1_7), "cis-docker-1.7.0");
  EXPECT_EQ(display_name(Benchmark::cis_1_6), "CIS Docker Benchmark v1.6.0");
}

TEST(Benchmark, UseBenchmarkRenumbersCatalogueAndLookups) {
  use_benchmark(Benchmark::cis_1_6);
  EXPECT_EQ(find_check("daemon.experimental")->cis, "2.18");
  EXPECT_TRUE(find_check("daemon.devicemapper-storage")->cis.empty());
  use_benchmark(Benchmark::cis_1_8);
  EXPECT_EQ(find_check("daemon.experimental")->cis, "2.19");
  EXPECT_EQ(find_check("daemon.devicemapper-storage")->cis, "2.7");
}

}  // namespace
}  // namespace drydock::checks
