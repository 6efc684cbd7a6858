#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drydock/parse/engine.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

model::HostSnapshot host_with(std::size_t unused_images, std::size_t dangling, std::size_t stopped, std::size_t running) {
  auto s = test::seccomp_host();
  s.all_images.emplace();
  for (std::size_t i = 0; i < unused_images; ++i) {
    s.all_images->push_back(model::ImageSummary{fmt::format("sha256:unused{}", i), {fmt::format("old:{}", i)}, 1 << 20, 0});
  }
  for (std::size_t i = 0; i < dangling; ++i)
    s.all_images->push_back(model::ImageSummary{fmt::format("sha256:dangling{}", i), {}, 1 << 20, 0});
  s.all_images->push_back(model::ImageSummary{"sha256:used", {"app:1"}, 1 << 20, 0});
  for (std::size_t i = 0; i < stopped + running; ++i) {
    model::ContainerSpec c;
    c.id = fmt::format("c{}", i);
    c.image_id = "sha256:used";
    c.running = i < running;
    s.containers.push_back(c);
  }
  return s;
}

TEST(ImageSprawl, NumbersForAPersonBelowTheThreshold) {
  const auto f = test::run("operations.image-sprawl", host_with(3, 2, 0, 1));
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("6 images"), std::string::npos) << f.evidence;
  EXPECT_NE(f.evidence.find("5 not used by any container"), std::string::npos) << f.evidence;
  EXPECT_NE(f.evidence.find("2 dangling"), std::string::npos) << f.evidence;
}

TEST(ImageSprawl, WarnsPastTheThreshold) {
  EXPECT_EQ(test::run("operations.image-sprawl", host_with(30, 0, 0, 1)).status, Status::warn);
  EXPECT_EQ(test::run("operations.image-sprawl", host_with(0, 12, 0, 1)).status, Status::warn);
}

TEST(ImageSprawl, DanglingComesFromTheRealImageList) {
  auto s = test::seccomp_host();
  auto images = parse::image_list(R"([{"Id":"sha256:a","RepoTags":["<none>:<none>"],"Size":10,"Created":1},
                                      {"Id":"sha256:b","RepoTags":["x:1"],"Size":10,"Created":1}])");
  ASSERT_TRUE(images) << images.error().message;
  s.all_images = *images;
  const auto f = test::run("operations.image-sprawl", s);
  EXPECT_NE(f.evidence.find("1 dangling"), std::string::npos) << f.evidence;
}

TEST(ImageSprawl, UnreadableListIsAnErrorAndNoEngineASkip) {
  auto s = test::seccomp_host();
  EXPECT_EQ(test::run("operations.image-sprawl", s).status, Status::error);
  EXPECT_EQ(test::run("operations.image-sprawl", test::file_host()).status, Status::skip);
}

TEST(ContainerSprawl, CountsRunningAndStopped) {
  const auto f = test::run("operations.container-sprawl", host_with(0, 0, 3, 2));
  EXPECT_EQ(f.status, Status::info);
  EXPECT_NE(f.evidence.find("5 containers: 2 running, 3 not running"), std::string::npos) << f.evidence;
  EXPECT_EQ(test::run("operations.container-sprawl", host_with(0, 0, 25, 0)).status, Status::warn);
  EXPECT_EQ(test::run("operations.container-sprawl", test::file_host()).status, Status::skip);
}

}  // namespace
}  // namespace drydock::checks
