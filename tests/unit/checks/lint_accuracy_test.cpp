/// Dockerfile rules on the cases where drydock disagreed with hadolint or with what the tools
/// really do (issue 16): package-manager options read from one table, dry runs, tmpfs mounts,
/// option values, local tarballs, git URLs, pipx, aptitude, ONBUILD triggers, shell-form
/// HEALTHCHECK CMD. Each example is our own; the comment names the behaviour it pins down.

#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/checks/package_managers.hpp"
#include "drydock/parse/dockerfile.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {
// Named: dockerfile_test.cpp's fails/passes return the finding (the tests are built several files to a unit).
namespace accuracy {

using core::Status;

Status verdict(std::string_view id, std::string_view text) {
  auto d = parse::dockerfile(text, "Dockerfile");
  if (!d) {
    ADD_FAILURE() << "did not parse: " << d.error().describe() << "\n" << text;
    return Status::error;
  }
  Results out;
  std::get<DockerfileEval>(test::check(id).evaluate)(*d, out);
  if (!out.finding()) {
    ADD_FAILURE() << id << " wrote no result";
    return Status::error;
  }
  return out.finding()->status;
}

void fails(std::string_view id, std::string_view text) {
  EXPECT_NE(verdict(id, text), Status::pass) << id << " should find something in:\n" << text;
}
void passes(std::string_view id, std::string_view text) {
  EXPECT_EQ(verdict(id, text), Status::pass) << id << " should find nothing in:\n" << text;
}

constexpr std::string_view k_lists = "dockerfile.apt-lists-kept";
constexpr std::string_view k_apt_pins = "dockerfile.apt-unpinned";
constexpr std::string_view k_recommends = "dockerfile.apt-install-recommends";
constexpr std::string_view k_pip = "dockerfile.pip-unpinned";
constexpr std::string_view k_npm = "dockerfile.npm-unpinned";
constexpr std::string_view k_apk_cache = "dockerfile.apk-cache";

// ---------------------------------------------------------------------------------------
// The table.

TEST(LintPackageTable, EveryManagerOfTheIssueIsThere) {
  for (std::string_view p : {"apt-get", "apt", "aptitude", "apk", "pip", "pip3", "pip3.12", "pipx", "npm", "yarn", "pnpm", "gem",
                             "dnf", "yum", "microdnf", "zypper"})
    EXPECT_NE(packages::manager_of(p), nullptr) << p;
  EXPECT_EQ(packages::manager_of("pipenv"), nullptr);
  EXPECT_EQ(packages::manager_of("apt-cache"), nullptr);
  for (const auto& m : packages::managers())
    EXPECT_FALSE(m.install.empty()) << m.name;
}

TEST(LintPackageTable, OptionSpellings) {
  const auto& apt = *packages::manager_of("apt-get");
  EXPECT_TRUE(packages::is_option(apt, "-s", "-s"));
  EXPECT_TRUE(packages::is_option(apt, "-qsy", "-s"));
  EXPECT_FALSE(packages::is_option(apt, "--simulate-not", "--simulate"));
  EXPECT_TRUE(packages::is_option(apt, "--option=x", "--option"));
  EXPECT_FALSE(packages::is_option(apt, "-q", "-s"));
}

// ---------------------------------------------------------------------------------------
// apt.

TEST(LintAptLists, DistCleanDropsTheLists) {
  passes(k_lists, "FROM debian:13\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean\n");
  passes(k_lists, "FROM debian:13\nRUN apt-get update; apt-get install -y jq; apt-get distclean\n");
  // clean drops the downloaded .deb files only, not the lists.
  fails(k_lists, "FROM debian:13\nRUN apt-get update && apt-get install -y jq && apt-get clean\n");
}

TEST(LintAptLists, DryRunIsNoInstall) {
  const std::string_view probe =
      "FROM debian:12\nRUN if apt-get install -s libfoo-dev >/dev/null 2>&1; then echo available; fi\n";
  passes(k_lists, probe);
  passes(k_apt_pins, probe);
  passes(k_recommends, probe);
  passes(k_apt_pins, "FROM debian:12\nRUN apt-get --simulate install tree\n");
  passes(k_apt_pins, "FROM debian:12\nRUN apt-get -qsy install tree\n");
  // A real install beside it is still judged.
  fails(k_apt_pins, "FROM debian:12\nRUN apt-get install -s tree && apt-get install -y tree\n");
}

TEST(LintAptLists, TmpfsMountKeepsListsOutOfTheLayer) {
  passes(k_lists, "FROM debian:12\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y make\n");
  passes(k_lists, "FROM debian:12\nRUN --mount=type=tmpfs,target=/var/lib/apt \\\n    apt-get update\n");
  // A tmpfs elsewhere does not.
  fails(k_lists, "FROM debian:12\nRUN --mount=type=tmpfs,target=/tmp apt-get update && apt-get install -y make\n");
}

TEST(LintAptLists, AptAndAptitudeFetchListsToo) {
  fails(k_lists, "FROM debian:12\nRUN aptitude update && aptitude install -y htop\n");
  passes(k_lists, "FROM debian:12\nRUN aptitude update && aptitude install -y htop && rm -rf /var/lib/apt/lists/*\n");
  fails(k_lists, "FROM ubuntu:24.04\nRUN apt update && apt install -y htop\n");
}

TEST(LintAptLists, OnlyTheStepThatFetchesTheListsKeepsThem) {
  // An install reads the lists; it downloads none, and an rm in its step would free nothing.
  passes(k_lists, "FROM example.org/team/debian-with-lists:12\nRUN apt-get install -y --no-install-recommends jq=1.6-2.1\n");
  passes(k_lists, "FROM debian:12\nRUN apt install -y ./vendor/agent_2.4_amd64.deb\n");
  // The update step is the one named; the install after it is not.
  const Finding f = [] {
    auto d = parse::dockerfile("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y jq=1.6-2.1 && rm -rf /var/lib/apt/lists/*\n",
                               "Dockerfile");
    Results out;
    std::get<DockerfileEval>(test::check(k_lists).evaluate)(*d, out);
    return *out.finding();
  }();
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, ::testing::HasSubstr("line 2:"));
  EXPECT_THAT(f.evidence, ::testing::Not(::testing::HasSubstr("line 3:")));
  // add-apt-repository refreshes the lists after adding the source, unless told not to.
  fails(k_lists, "FROM ubuntu:24.04\nRUN add-apt-repository -y ppa:git-core/ppa\n");
  passes(k_lists, "FROM ubuntu:24.04\nRUN add-apt-repository -y ppa:git-core/ppa && rm -rf /var/lib/apt/lists/*\n");
  passes(k_lists, "FROM ubuntu:24.04\nRUN add-apt-repository --no-update -y ppa:git-core/ppa\n");
  passes(k_lists, "FROM ubuntu:24.04\nRUN add-apt-repository -yn ppa:git-core/ppa\n");
}

TEST(LintAptLists, OnbuildTriggersCountInEveryStage) {
  fails(k_lists, "FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y git\n");
  // In a builder stage too: the trigger runs in the image built from it.
  fails(k_lists, "FROM debian:12 AS base\nONBUILD RUN apt-get update && apt-get install -y git\nFROM scratch\nCOPY a /a\n");
  passes(k_lists, "FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n");
  // A plain RUN in a stage that is not shipped still does not count.
  passes(k_lists, "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n");
}

// ---------------------------------------------------------------------------------------
// apk.

TEST(LintApkCache, TmpfsMountOnTheCache) {
  passes(k_apk_cache, "FROM alpine:3.20\nRUN --mount=type=tmpfs,target=/var/cache/apk apk add -U jq=1.7.1-r0\n");
  fails(k_apk_cache, "FROM alpine:3.20\nRUN --mount=type=tmpfs,target=/srv/cache apk add -U jq=1.7.1-r0\n");
  passes("dockerfile.apk-unpinned", "FROM alpine:3.20\nRUN apk add --simulate jq\n");
}

// ---------------------------------------------------------------------------------------
// pip and pipx.

TEST(LintPip, OptionValuesAreNotPackages) {
  passes(k_pip, "FROM python:3.12\nRUN pip install --no-cache-dir --root-user-action ignore uvicorn==0.30.1\n");
  passes(k_pip, "FROM python:3.12\nRUN pip install --report out.json --log /tmp/pip.log flask==3.0.3\n");
  fails(k_pip, "FROM python:3.12\nRUN pip install --root-user-action=ignore uvicorn\n");
  passes(k_pip, "FROM python:3.12\nRUN pip install --dry-run uvicorn\n");
}

TEST(LintPip, GitUrlsNeedAPinnedRef) {
  fails(k_pip, "FROM python:3.12\nRUN pip install git+https://example.org/team/tool.git#egg=tool\n");
  fails(k_pip, "FROM python:3.12\nRUN pip install git+ssh://git@example.org/team/tool.git\n");
  passes(k_pip, "FROM python:3.12\nRUN pip install git+https://example.org/team/tool.git@v2.1.0#egg=tool\n");
  passes(k_pip, "FROM python:3.12\nRUN pip install git+ssh://git@example.org/team/tool.git@4f1c2e9\n");
  // An archive URL is a fixed file.
  passes(k_pip, "FROM python:3.12\nRUN pip install https://example.org/dist/tool-2.1.0.tar.gz\n");
}

TEST(LintPip, Pipx) {
  fails(k_pip, "FROM python:3.12\nRUN pipx install ruff\n");
  passes(k_pip, "FROM python:3.12\nRUN pipx install ruff==0.5.0\n");
  passes(k_pip, "FROM python:3.12\nRUN pipx install --python python3.12 ruff==0.5.0\n");
  fails(k_pip, "FROM python:3.12\nRUN pipx inject tools rich\n");
  passes(k_pip, "FROM python:3.12\nRUN pipx inject tools rich==13.7.1\n");
  passes(k_pip, "FROM python:3.12\nRUN pipenv install requests\n");
}

// ---------------------------------------------------------------------------------------
// npm.

TEST(LintNpm, LocalTarballsAreFixed) {
  passes(k_npm, "FROM node:20\nRUN npm install widget-v3.4.0.tar\n");
  passes(k_npm, "FROM node:20\nRUN npm install ./vendor/widget-3.4.0.tgz\n");
  fails(k_npm, "FROM node:20\nRUN npm install widget\n");
}

TEST(LintNpm, GitUrlsNeedACommitIsh) {
  fails(k_npm, "FROM node:20\nRUN npm install git+ssh://git@example.org:team/widget.git\n");
  fails(k_npm, "FROM node:20\nRUN npm install git+https://someone@example.org/team/widget.git\n");
  fails(k_npm, "FROM node:20\nRUN npm install git://example.org/team/widget.git\n");
  passes(k_npm, "FROM node:20\nRUN npm install git+https://someone@example.org/team/widget.git#v3.4.0\n");
  passes(k_npm, "FROM node:20\nRUN npm install git://example.org/team/widget.git#9b1f0aa\n");
}

TEST(LintNpm, GithubShorthandNeedsACommitIshToo) {
  // `owner/repo` is fetched from GitHub's default branch; only `./`, `../`, `/`, `~/` name a folder.
  fails(k_npm, "FROM node:20\nRUN npm install -g acme-labs/widget-cli\n");
  passes(k_npm, "FROM node:20\nRUN npm install -g acme-labs/widget-cli#0f3c2d1\n");
  passes(k_npm, "FROM node:20\nRUN npm install ./packages/widget-cli\n");
  passes(k_npm, "FROM node:20\nRUN npm install @acme-labs/widget-cli@2.1.0\n");
  fails(k_npm, "FROM node:20\nRUN npm install @acme-labs/widget-cli\n");
}

TEST(LintNpm, ADistTagIsNoVersion) {
  // docs/checks.md: `latest` and `next` move with every publish.
  fails(k_npm, "FROM node:20\nRUN npm i -g widget-cli@latest\n");
  fails(k_npm, "FROM node:20\nRUN npm add widget-cli@next\n");
  passes(k_npm, "FROM node:20\nRUN npm i -g widget-cli@2.1.0\n");
}

// ---------------------------------------------------------------------------------------
// EXPOSE, HEALTHCHECK, consecutive RUN, pipefail, ADD.

TEST(LintExpose, VariablesInRanges) {
  passes("dockerfile.expose-invalid-port", "FROM busybox\nEXPOSE 30000-${LAST_PORT}\n");
  passes("dockerfile.expose-invalid-port", "FROM busybox\nARG P\nEXPOSE ${P}/udp 8080\n");
  fails("dockerfile.expose-invalid-port", "FROM busybox\nEXPOSE ${P} 99999\n");
}

TEST(LintShellForm, HealthcheckCmd) {
  fails("dockerfile.shell-form-cmd", "FROM busybox\nHEALTHCHECK --interval=10s CMD wget -q -O- http://localhost/\nCMD [\"httpd\"]\n");
  passes("dockerfile.shell-form-cmd", "FROM busybox\nHEALTHCHECK CMD [\"wget\", \"-q\", \"-O-\", \"http://localhost/\"]\n");
  passes("dockerfile.shell-form-cmd", "FROM busybox\nHEALTHCHECK NONE\n");
}

TEST(LintConsecutiveRun, OnlyRunsOfOneCommandEach) {
  fails("dockerfile.consecutive-run", "FROM busybox\nRUN mkdir /a\nRUN touch /a/b\n");
  passes("dockerfile.consecutive-run", "FROM busybox\nRUN mkdir /a && touch /a/b\nRUN touch /c\n");
  passes("dockerfile.consecutive-run", "FROM busybox\nRUN touch /c\nRUN mkdir /a; touch /a/b\n");
}

TEST(LintPipefail, PlainShHasNoPipefail) {
  fails("dockerfile.pipefail", "FROM busybox\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O- http://x/ | tar x\n");
  passes("dockerfile.pipefail", "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O- http://x/ | tar x\n");
}

TEST(LintAdd, CompressedFilesMayBeArchives) {
  passes("dockerfile.add-instead-of-copy", "FROM busybox\nADD rootfs.xz /\nADD data.bz2 /srv/\nADD layer.gz /opt/\n");
  fails("dockerfile.add-instead-of-copy", "FROM busybox\nADD notes.txt /\n");
  fails("dockerfile.add-instead-of-copy", "FROM busybox\nADD bundle.zip /\n");
}

}  // namespace accuracy
}  // namespace
}  // namespace drydock::checks
