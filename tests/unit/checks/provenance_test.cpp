/// CIS 4.11 on Dockerfiles and images: every way of switching package signature checks off fails,
/// with the option named; ordinary installs pass.

#include <memory>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/parse/dockerfile.hpp"
#include "drydock/parse/run_scripts.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using core::Status;
using ::testing::HasSubstr;

Finding lint(std::string_view text) {
  auto d = parse::dockerfile(text, "Dockerfile");
  if (!d) {
    ADD_FAILURE() << "did not parse: " << d.error().describe() << "\n" << text;
    return {};
  }
  Results out;
  std::get<DockerfileEval>(test::check("dockerfile.unverified-packages").evaluate)(*d, out);
  EXPECT_TRUE(out.finding());
  return out.finding().value_or(Finding{});
}

TEST(TrustDockerfileUnverified, EveryFormFailsNamingIt) {
  const std::pair<const char*, const char*> cases[] = {
      {"RUN apt-get update && apt-get install -y --allow-unauthenticated curl", "apt-get --allow-unauthenticated"},
      {"RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y curl", "apt-get -o APT::Get::AllowUnauthenticated=true"},
      {"RUN apt-get -oAcquire::AllowInsecureRepositories=1 update", "Acquire::AllowInsecureRepositories=1"},
      {"RUN apt-get --option=Acquire::https::Verify-Peer=false update", "Verify-Peer=false"},
      {"RUN echo 'deb [trusted=yes] http://repo.example/ stable main' > /etc/apt/sources.list", "[trusted=yes]"},
      {"RUN echo 'APT::Get::AllowUnauthenticated \"true\";' > /etc/apt/apt.conf.d/99x", "AllowUnauthenticated"},
      {"RUN apk add --allow-untrusted /tmp/pkg.apk", "apk --allow-untrusted"},
      {"RUN rpm -ivh --nosignature /tmp/x.rpm", "rpm --nosignature"},
      {"RUN rpm -i --nodigest /tmp/x.rpm", "rpm --nodigest"},
      {"RUN dnf install -y --nogpgcheck x", "dnf --nogpgcheck"},
      {"RUN yum --setopt=epel.gpgcheck=0 install -y x", "--setopt=epel.gpgcheck=0"},
      {"RUN sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/x.repo", "gpgcheck=0"},
      {"RUN pip install --trusted-host pypi.example flask==3.0.0", "pip --trusted-host"},
      {"RUN python3 -m pip install --trusted-host=pypi.example flask==3.0.0", "pip --trusted-host=pypi.example"},
      {"RUN pip config set global.trusted-host pypi.example", "global.trusted-host"},
      {"ENV PIP_TRUSTED_HOST=pypi.example", "PIP_TRUSTED_HOST"},
      {"RUN sh -c 'apk add --allow-untrusted x'", "apk --allow-untrusted"},
      {"RUN <<EOF\ncat > /etc/apt/sources.list <<END\ndeb [trusted=yes] http://r/ s main\nEND\nEOF", "[trusted=yes]"},
  };
  for (const auto& [line, expected] : cases) {
    const auto f = lint(std::string("FROM debian:12\n") + line + "\n");
    EXPECT_EQ(f.status, Status::fail) << line << ": " << f.evidence;
    EXPECT_THAT(f.evidence, HasSubstr(expected)) << line;
    ASSERT_TRUE(f.location.has_value());
    EXPECT_EQ(f.location->line, 2) << line;
  }
}

TEST(TrustDockerfileUnverified, VerifiedInstallsPass) {
  const auto f = lint(
      "FROM debian:12\n"
      "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"
      "RUN apt-get -o APT::Get::AllowUnauthenticated=false -o Acquire::Retries=3 install -y x\n"
      "RUN echo 'deb [signed-by=/usr/share/keyrings/r.gpg] http://r/ s main' > /etc/apt/sources.list.d/r.list\n"
      "RUN apk add --no-cache curl=8.5.0-r0 && rpm -ivh /tmp/x.rpm && dnf install -y --setopt=install_weak_deps=0 x\n"
      "RUN pip install --no-cache-dir flask==3.0.0 && echo gpgcheck=1 >> /etc/yum.conf\n"
      "ENV PIP_INDEX_URL=https://pypi.example/simple\n");
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("in 5 RUN instructions"));
}

TEST(TrustDockerfileUnverified, InlineIgnoreByCisNumber) {
  const auto f = lint("FROM alpine:3.19\n# drydock ignore=4.11\nRUN apk add --allow-untrusted /tmp/local.apk\n");
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("1 finding ignored inline"));
}

TEST(TrustImageUnverified, HistoryStepsFail) {
  auto img = test::with_history({"/bin/sh -c #(nop) ADD file:0123 in / ", "/bin/sh -c apk add --allow-untrusted /tmp/x.apk",
                           "RUN /bin/sh -c apt-get install -y --allow-unauthenticated curl # buildkit"});
  const auto f = test::run("image.unverified-packages", img);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("history step 2: apk --allow-untrusted"));
  EXPECT_THAT(f.evidence, HasSubstr("history step 3: apt-get --allow-unauthenticated"));

  img = test::with_history({"/bin/sh -c apk add --no-cache curl"});
  const auto ok = test::run("image.unverified-packages", img);
  EXPECT_EQ(ok.status, Status::pass) << ok.evidence;
}

TEST(TrustImageUnverified, FilesAndEnvFail) {
  model::ImageSpec img;
  auto content = std::make_shared<model::ImageContent>();
  content->package_configs = 2;
  content->unverified_sources.push_back({"/etc/yum.repos.d/x.repo", 3, "gpgcheck=0 in [x]"});
  img.content = content;
  img.env = {"PATH=/usr/bin", "PIP_TRUSTED_HOST=pypi.example"};
  const auto f = test::run("image.unverified-packages", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/etc/yum.repos.d/x.repo:3: gpgcheck=0 in [x]"));
  EXPECT_THAT(f.evidence, HasSubstr("Config.Env PIP_TRUSTED_HOST=pypi.example"));

  model::ImageSpec clean;
  auto none = std::make_shared<model::ImageContent>();
  none->package_configs = 2;
  clean.content = none;
  const auto ok = test::run("image.unverified-packages", clean);
  EXPECT_EQ(ok.status, Status::pass) << ok.evidence;
  EXPECT_THAT(ok.evidence, HasSubstr("2 package-manager configuration files"));

  EXPECT_EQ(test::run("image.unverified-packages", model::ImageSpec{}).status, Status::skip);
}

}  // namespace
}  // namespace drydock::checks

namespace drydock::checks {
namespace {

std::shared_ptr<const model::SourcePolicy> sources(std::vector<std::string> registries, std::vector<model::TrustedImage> images) {
  auto p = std::make_shared<model::SourcePolicy>();
  p->registries = std::move(registries);
  p->images = std::move(images);
  return p;
}

const std::string k_digest = "sha256:" + std::string(64, 'b');

Finding lint_base(std::string_view text, std::shared_ptr<const model::SourcePolicy> policy) {
  auto d = parse::dockerfile(text, "Dockerfile");
  EXPECT_TRUE(d);
  if (!d) return {};
  d->trusted_sources = std::move(policy);
  Results out;
  std::get<DockerfileEval>(test::check("dockerfile.trusted-base-image").evaluate)(*d, out);
  return out.finding().value_or(Finding{});
}

TEST(TrustBaseImage, WithoutPolicyInfoListsTheSources) {
  const auto f = lint_base("FROM golang:1.22 AS build\nFROM build AS test\nFROM gcr.io/distroless/static\n", nullptr);
  EXPECT_EQ(f.status, Status::info) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("line 1: docker.io/library/golang:1.22; line 3: gcr.io/distroless/static:latest"));
  EXPECT_EQ(lint_base("FROM scratch\nCOPY x /\n", nullptr).status, Status::pass);
}

TEST(TrustBaseImage, UntrustedRegistryOrImageFails) {
  const auto policy = sources({"registry.corp.example"}, {{"debian:12*", "", {}}, {"alpine:3.19", k_digest, {}}});
  auto f = lint_base("FROM debian:12-slim\nFROM quay.io/team/tool:1 AS tool\nFROM alpine:3.19\nFROM registry.corp.example/base:2\n",
                     policy);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("line 2: FROM quay.io/team/tool:1 is from registry quay.io"));
  EXPECT_THAT(f.evidence, HasSubstr("line 3: FROM alpine:3.19 is trusted only at " + k_digest));
  EXPECT_THAT(f.evidence, ::testing::Not(HasSubstr("line 1")));
  EXPECT_THAT(f.evidence, ::testing::Not(HasSubstr("line 4")));
  ASSERT_TRUE(f.location);
  EXPECT_EQ(f.location->line, 2);

  f = lint_base("FROM debian:12@" + k_digest + "\nFROM alpine:3.19@" + k_digest + "\nFROM registry.corp.example/x/y\n", policy);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("trusted registry registry.corp.example"));
}

TEST(TrustImageSource, ImageNamesAgainstThePolicy) {
  model::ImageSpec img;
  img.repo_tags = {"nginx:1.25"};
  img.repo_digests = {"nginx@" + k_digest};
  auto f = test::run("image.trusted-source", img);
  EXPECT_EQ(f.status, Status::info) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("docker.io/library/nginx:1.25@" + k_digest));

  auto host = test::seccomp_host();
  host.trusted_sources = sources({}, {{"docker.io/library/nginx", k_digest, {}}});
  f = test::run("image.trusted-source", img, host);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;

  host.trusted_sources = sources({"ghcr.io"}, {});
  f = test::run("image.trusted-source", img, host);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;

  f = test::run("image.trusted-source", model::ImageSpec{}, host);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("no registry name"));
}

TEST(TrustContainerImage, ConfiguredImageAndItsRepoDigest) {
  model::ContainerSpec c;
  c.image = "localhost:5000/app:2";
  c.image_id = "sha256:" + std::string(64, 'c');
  auto host = test::seccomp_host();
  host.trusted_sources = sources({"localhost:5000"}, {});
  EXPECT_EQ(test::run("runtime.trusted-image", c, host).status, Status::pass);
  host.trusted_sources = sources({}, {{"localhost:5000/app", k_digest, {}}});
  EXPECT_EQ(test::run("runtime.trusted-image", c, host).status, Status::fail);
  model::ImageSpec img;
  img.id = c.image_id;
  img.repo_digests = {"localhost:5000/app@" + k_digest};
  host.images.push_back(img);
  const auto f = test::run("runtime.trusted-image", c, host);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
}

}  // namespace
}  // namespace drydock::checks
