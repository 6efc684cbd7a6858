// Where DOCKER_CONTENT_TRUST is switched on: every way a file assigns it, the values the docker
// CLI takes as on, Notary servers, passphrases (never shown) and `docker trust` commands; what is
// no assignment (references, comparisons, comments, other variables) is not reported.

#include <gtest/gtest.h>

#include "drydock/parse/content_trust.hpp"

namespace {

using drydock::parse::content_trust_in_environ;
using drydock::parse::content_trust_in_text;
using drydock::parse::content_trust_on;

TEST(TrustContentTrustParse, ValuesTheDockerCliTakesAsOn) {
  for (const char* on : {"1", "true", "TRUE", "t", "yes", "enabled", " 1 "})
    EXPECT_TRUE(content_trust_on(on)) << on;
  for (const char* off : {"", "0", "false", "FALSE", "False", "f", "F"})
    EXPECT_FALSE(content_trust_on(off)) << off;
}

TEST(TrustContentTrustParse, EveryFormOfAssignment) {
  const char* text =
      "export DOCKER_CONTENT_TRUST=1\n"
      "Environment=\"DOCKER_CONTENT_TRUST=1\" \"HTTP_PROXY=x\"\n"
      "  DOCKER_CONTENT_TRUST: \"1\"\n"
      "    DOCKER_CONTENT_TRUST = 'true'\n"
      "setenv DOCKER_CONTENT_TRUST 1\n"
      "set -gx DOCKER_CONTENT_TRUST 1\n"
      "      - run: DOCKER_CONTENT_TRUST=1 docker pull app:1\n"
      "withEnv(['DOCKER_CONTENT_TRUST=1']) {\n"
      "{\"DOCKER_CONTENT_TRUST\": \"1\"}\r\n"
      "env.DOCKER_CONTENT_TRUST = '1'\n";
  const auto found = content_trust_in_text(text, "ci.yml", "a CI file");
  ASSERT_EQ(found.size(), 10U);
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].variable, "DOCKER_CONTENT_TRUST") << i;
    EXPECT_EQ(found[i].location.file, "ci.yml");
    EXPECT_EQ(found[i].location.line, static_cast<int>(i) + 1);
    EXPECT_EQ(found[i].where, "a CI file");
  }
  EXPECT_EQ(found[3].value, "true");
}

TEST(TrustContentTrustParse, WhatIsNoAssignmentIsNotReported) {
  const char* text =
      "# export DOCKER_CONTENT_TRUST=1\n"
      "// DOCKER_CONTENT_TRUST = '1'\n"
      "; Environment=DOCKER_CONTENT_TRUST=1\n"
      "export DOCKER_CONTENT_TRUST=0\n"
      "DOCKER_CONTENT_TRUST: false\n"
      "echo $DOCKER_CONTENT_TRUST ${DOCKER_CONTENT_TRUST:-1}\n"
      "if env.DOCKER_CONTENT_TRUST == '1' {\n"
      "unset DOCKER_CONTENT_TRUST\n"
      "export DOCKER_CONTENT_TRUST\n"
      "MY_DOCKER_CONTENT_TRUST=1\n"
      "DOCKER_CONTENT_TRUSTED=1\n"
      "DOCKER_CONTENT_TRUST_SERVER=\n"
      "docker trustful sign\n"
      "mydocker trust sign x\n";
  EXPECT_TRUE(content_trust_in_text(text, "f", "w").empty());
}

TEST(TrustContentTrustParse, ServersPassphrasesAndDockerTrust) {
  const char* text =
      "export DOCKER_CONTENT_TRUST_SERVER=https://notary.corp:4443\n"
      "export DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE=\"hunter2\"\n"
      "  script: docker trust sign registry.corp/app:1\n"
      "sh 'docker trust key load key.pem --name ci'\n";
  const auto found = content_trust_in_text(text, "Jenkinsfile", "a CI file");
  ASSERT_EQ(found.size(), 4U);
  EXPECT_EQ(found[0].variable, "DOCKER_CONTENT_TRUST_SERVER");
  EXPECT_EQ(found[0].value, "https://notary.corp:4443");
  EXPECT_EQ(found[1].variable, "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE");
  EXPECT_EQ(found[1].value.find("hunter2"), std::string::npos);
  EXPECT_EQ(found[2].variable, "docker trust");
  EXPECT_EQ(found[2].value, "sign");
  EXPECT_EQ(found[3].value, "key");
}

TEST(TrustContentTrustParse, ProcessEnvironment) {
  using namespace std::string_literals;
  const auto env = "PATH=/usr/bin\0DOCKER_CONTENT_TRUST=1\0DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE=s3cret\0X=DOCKER_CONTENT_TRUST=1"s;
  const auto found = content_trust_in_environ(env, "/proc/812/environ", "the environment of dockerd (pid 812)");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].variable, "DOCKER_CONTENT_TRUST");
  EXPECT_EQ(found[0].location.line, 0);
  EXPECT_EQ(found[1].value.find("s3cret"), std::string::npos);
  EXPECT_TRUE(content_trust_in_environ("DOCKER_CONTENT_TRUST=0\0"s, "p", "w").empty());
  EXPECT_TRUE(content_trust_in_environ(""s, "p", "w").empty());
}

}  // namespace
