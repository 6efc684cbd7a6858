// `.drydock.yaml`'s trusted-registries and trusted-images (CIS 4.2).
#include <gtest/gtest.h>

#include "drydock/parse/policy.hpp"

namespace drydock::parse {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

TEST(TrustPolicySources, RegistriesAndImagesInEveryForm) {
  const auto p = policy("trusted-registries:\n  - registry.corp.example\n  - \"*.mirror.example\"\n"
                        "trusted-images:\n  - docker.io/library/debian:12*\n  - alpine:3.19@" +
                            k_digest + "\n  - image: gcr.io/distroless/*\n    digest: " + k_digest + "\n",
                        ".drydock.yaml");
  ASSERT_TRUE(p) << p.error().describe();
  ASSERT_TRUE(p->sources);
  EXPECT_EQ(p->sources->registries, (std::vector<std::string>{"registry.corp.example", "*.mirror.example"}));
  ASSERT_EQ(p->sources->images.size(), 3U);
  EXPECT_EQ(p->sources->images[0].pattern, "docker.io/library/debian:12*");
  EXPECT_EQ(p->sources->images[0].digest, "");
  EXPECT_EQ(p->sources->images[1].pattern, "alpine:3.19");
  EXPECT_EQ(p->sources->images[1].digest, k_digest);
  EXPECT_EQ(p->sources->images[2].pattern, "gcr.io/distroless/*");
  EXPECT_EQ(p->sources->images[2].location.line, 7);
}

TEST(TrustPolicySources, NoKeysNoSourcePolicy) {
  const auto p = policy("fail-on: high\n", ".drydock.yaml");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->sources);
}

TEST(TrustPolicySources, MistakesAreErrorsAtTheirLine) {
  for (const char* bad : {"trusted-registries: registry.corp.example\n", "trusted-registries:\n  - registry.corp.example/team\n",
                          "trusted-images:\n  - alpine@sha256:abc\n", "trusted-images:\n  - image: alpine\n    tag: x\n",
                          "trusted-images:\n  - digest: sha256:00\n"}) {
    const auto p = policy(bad, ".drydock.yaml");
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().describe().find(".drydock.yaml:"), std::string::npos) << p.error().describe();
  }
}

}  // namespace
}  // namespace drydock::parse
