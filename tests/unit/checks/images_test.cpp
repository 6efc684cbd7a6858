/// Image checks over real `docker image inspect` fixtures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support.hpp"

namespace drydock::checks {
namespace {

using core::Status;
using test::image;
using test::run;
using ::testing::HasSubstr;

TEST(ImageUserRoot, DefaultUserFails) {
  const auto f = run("image.user-root", image("image-busybox.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("Config.User=\"\" (defaults to root)"));
  model::ImageSpec img;
  img.user = "0:0";
  EXPECT_EQ(run("image.user-root", img).status, Status::fail);
  img.user = "root";
  EXPECT_EQ(run("image.user-root", img).status, Status::fail);
}

TEST(ImageUserRoot, UnprivilegedUserPasses) {
  const auto f = run("image.user-root", image("image-hardened.json"));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("Config.User=1000:1000"));
  model::ImageSpec img;
  img.user = "nginx";
  EXPECT_EQ(run("image.user-root", img).status, Status::pass);
}

TEST(ImageHealthcheck, Present) {
  const auto f = run("image.healthcheck", image("image-hardened.json"));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr(R"(Config.Healthcheck.Test=["CMD","/bin/sh","-c","exit 0"])"));
}

TEST(ImageHealthcheck, AbsentOrDisabled) {
  EXPECT_EQ(run("image.healthcheck", image("image-busybox.json")).status, Status::fail);
  model::ImageSpec img;
  img.healthcheck = model::Healthcheck{{"NONE"}};
  const auto f = run("image.healthcheck", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("HEALTHCHECK NONE"));
  img.healthcheck = model::Healthcheck{};
  EXPECT_EQ(run("image.healthcheck", img).status, Status::fail);
}

TEST(ImageChecks, AllAreImageScoped) {
  for (const auto& c : image_checks())
    EXPECT_EQ(c.scope(), Scope::image) << c.id;
}

}  // namespace
}  // namespace drydock::checks
