/// Dockerfile rules: each fires on a Dockerfile that breaks it and stays quiet on one that does
/// not, through the real parser (parse::dockerfile) and shell reader.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/checks/secrets.hpp"
#include "drydock/parse/dockerfile.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using core::Severity;
using core::Status;
using ::testing::HasSubstr;
using ::testing::Not;

/// Parses `text` as "Dockerfile" and runs the Dockerfile check `id` on it.
Finding lint(std::string_view id, std::string_view text) {
  auto d = parse::dockerfile(text, "Dockerfile");
  if (!d) {
    ADD_FAILURE() << "did not parse: " << d.error().describe() << "\n" << text;
    return {};
  }
  Results out;
  std::get<DockerfileEval>(test::check(id).evaluate)(*d, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

Finding fails(std::string_view id, std::string_view text) {
  auto f = lint(id, text);
  EXPECT_EQ(f.status, Status::fail) << id << ": " << f.evidence << "\n" << text;
  EXPECT_TRUE(f.location.has_value()) << id;
  return f;
}

Finding passes(std::string_view id, std::string_view text) {
  auto f = lint(id, text);
  EXPECT_EQ(f.status, Status::pass) << id << ": " << f.evidence << "\n" << text;
  return f;
}

// ---------------------------------------------------------------------------------------
// The catalogue entries.

TEST(DockerfileChecks, EveryRuleIsADockerfileCheckWithItsAliases) {
  const auto table = dockerfile_checks();
  EXPECT_GE(table.size(), 29U);
  for (const auto& c : table) {
    EXPECT_EQ(c.scope(), Scope::dockerfile) << c.id;
    EXPECT_TRUE(c.id.starts_with("dockerfile.")) << c.id;
    EXPECT_FALSE(c.title.empty()) << c.id;
    EXPECT_FALSE(c.remediation.empty()) << c.id;
  }
  const auto& user = test::check("dockerfile.user-root");
  EXPECT_EQ(user.cis, "4.1");
  EXPECT_THAT(user.aliases, ::testing::Contains("DL3002"));
  EXPECT_EQ(test::check("dockerfile.secrets").severity, Severity::critical);
  EXPECT_EQ(test::check("dockerfile.apt-unpinned").severity, Severity::info);
  for (std::string_view hadolint :
       {"DL3000", "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3008", "DL3009", "DL3011", "DL3013", "DL3015", "DL3016",
        "DL3018", "DL3019", "DL3020", "DL3022", "DL3024", "DL3025", "DL3059", "DL4000", "DL4003", "DL4004", "DL4006"}) {
    int found = 0;
    for (const auto& c : table) {
      for (auto a : c.aliases)
        found += a == hadolint ? 1 : 0;
    }
    EXPECT_EQ(found, 1) << hadolint;
  }
}

// ---------------------------------------------------------------------------------------
// CIS 4.1: USER.

TEST(DockerfileUserRoot, NoUserFails) {
  const auto f = fails("dockerfile.user-root", "FROM debian:12\nRUN true\n");
  EXPECT_THAT(f.evidence, HasSubstr("no USER in the final stage"));
  EXPECT_EQ(f.location->line, 1);
  EXPECT_EQ(f.location->file, "Dockerfile");
}

TEST(DockerfileUserRoot, RootSpellingsFail) {
  for (std::string_view user : {"root", "0", "0:0", "root:staff"}) {
    const auto f = fails("dockerfile.user-root", "FROM debian:12\nUSER app\nUSER " + std::string(user) + "\n");
    EXPECT_EQ(f.location->line, 3) << user;
  }
}

TEST(DockerfileUserRoot, UnprivilegedFinalUserPasses) {
  const auto f = passes("dockerfile.user-root", "FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001:10001\n");
  EXPECT_THAT(f.evidence, HasSubstr("USER 10001:10001"));
}

TEST(DockerfileUserRoot, OnlyTheFinalStageCounts) {
  passes("dockerfile.user-root", "FROM golang:1.22 AS build\nUSER root\nFROM alpine:3.19\nUSER app\n");
  fails("dockerfile.user-root", "FROM golang:1.22 AS build\nUSER app\nFROM alpine:3.19\nRUN true\n");
}

TEST(DockerfileUserRoot, StageFromAnEarlierStageInheritsItsUser) {
  passes("dockerfile.user-root", "FROM alpine:3.19 AS base\nUSER app\nFROM base\nRUN true\n");
  fails("dockerfile.user-root", "FROM alpine:3.19 AS base\nUSER root\nFROM base\nRUN true\n");
}

TEST(DockerfileUserRoot, VariableExpandsToRoot) {
  fails("dockerfile.user-root", "FROM alpine:3.19\nARG RUNAS=root\nUSER ${RUNAS}\n");
}

// ---------------------------------------------------------------------------------------
// CIS 4.6: HEALTHCHECK.

TEST(DockerfileHealthcheck, MissingOrNoneFails) {
  fails("dockerfile.healthcheck", "FROM nginx:1.25\n");
  const auto f = fails("dockerfile.healthcheck", "FROM nginx:1.25\nHEALTHCHECK NONE\n");
  EXPECT_EQ(f.location->line, 2);
  // A health check in a builder stage is not in the final image.
  fails("dockerfile.healthcheck", "FROM nginx:1.25 AS a\nHEALTHCHECK CMD true\nFROM alpine:3.19\n");
}

TEST(DockerfileHealthcheck, PresentPasses) {
  passes("dockerfile.healthcheck", "FROM nginx:1.25\nHEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n");
  passes("dockerfile.healthcheck", "FROM nginx:1.25 AS base\nHEALTHCHECK CMD [\"true\"]\nFROM base\n");
}

// ---------------------------------------------------------------------------------------
// CIS 4.7: update alone.

TEST(DockerfileUpdateAlone, UpdateWithoutInstallFails) {
  const auto f = fails("dockerfile.update-alone",
                       "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apk update\n"
                       "RUN yum makecache && echo done\n");
  EXPECT_THAT(f.evidence, HasSubstr("line 2:"));
  EXPECT_THAT(f.evidence, HasSubstr("line 4:"));
  EXPECT_THAT(f.evidence, HasSubstr("line 5:"));
  EXPECT_EQ(f.location->line, 2);
}

TEST(DockerfileUpdateAlone, UpdateWithInstallOrQuotedTextPasses) {
  passes("dockerfile.update-alone",
         "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
         "RUN echo \"apt-get update\"\nRUN apk update && apk upgrade\nRUN dnf makecache && dnf install -y git\n");
}

TEST(DockerfileUpdateAlone, SeesThroughSudoAndShC) {
  fails("dockerfile.update-alone", "FROM debian:12\nRUN sudo apt-get -q update\n");
  fails("dockerfile.update-alone", "FROM debian:12\nRUN sh -c 'apt-get update'\n");
  passes("dockerfile.update-alone", "FROM debian:12\nRUN bash -c 'apt-get update && apt-get install -y x'\n");
}

TEST(DockerfileUpdateAlone, HeredocBodiesAreScripts) {
  fails("dockerfile.update-alone", "FROM debian:12\nRUN <<EOF\napt-get update\nEOF\n");
  passes("dockerfile.update-alone", "FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n");
  // A heredoc fed to another program is data, not shell.
  passes("dockerfile.update-alone", "FROM debian:12\nRUN cat <<EOF > /notes.txt\napt-get update\nEOF\n");
}

TEST(DockerfileUpdateAlone, HeredocRunByAShellIsAScriptToo) {
  fails("dockerfile.update-alone", "FROM debian:12\nRUN bash <<'EOF'\napt-get update\nEOF\n");
  passes("dockerfile.update-alone", "FROM debian:12\nRUN python3 <<EOF\nprint('apt-get update')\nEOF\n");
}

TEST(DockerfileUpdateAlone, JsonFormWordsAreTheArray) {
  fails("dockerfile.update-alone", "FROM debian:12\nRUN [\"apt-get\", \"update\"]\n");
  passes("dockerfile.update-alone", "FROM debian:12\nRUN [\"echo\", \"apt-get update\"]\n");
}

// ---------------------------------------------------------------------------------------
// CIS 4.9: ADD.

TEST(DockerfileAdd, LocalFilesAndRemoteUrlsFail) {
  const auto f = fails("dockerfile.add-instead-of-copy",
                       "FROM debian:12\nADD app.py /app/\nADD https://example.com/tool /usr/local/bin/tool\n");
  EXPECT_THAT(f.evidence, HasSubstr("line 2: ADD of local files"));
  EXPECT_THAT(f.evidence, HasSubstr("line 3: ADD of a remote source without --checksum"));
}

TEST(DockerfileAdd, ArchivesAndCopyPass) {
  passes("dockerfile.add-instead-of-copy",
         "FROM debian:12\nADD app.tar.gz /\nADD rootfs.tar.xz /\nADD dist.tgz /opt/\nCOPY app.py /app/\n");
}

TEST(DockerfileAdd, HeredocAddIsACopy) {
  fails("dockerfile.add-instead-of-copy", "FROM debian:12\nADD <<EOF /etc/app.conf\nkey=value\nEOF\n");
}

TEST(DockerfileAdd, RemoteWithChecksumWarns) {
  const auto f = lint("dockerfile.add-instead-of-copy",
                      "FROM debian:12\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
                      "https://example.com/tool.tar.gz /tmp/\n");
  EXPECT_EQ(f.status, Status::warn) << f.evidence;
}

// ---------------------------------------------------------------------------------------
// CIS 4.10: secrets.

TEST(DockerfileSecrets, SecretNamesWithLiteralValuesFailRedacted) {
  const auto f = fails("dockerfile.secrets", "FROM debian:12\nENV DB_PASSWORD=hunter2secret\nARG GITHUB_TOKEN=abcdef123456\n");
  EXPECT_THAT(f.evidence, HasSubstr("line 2: ENV DB_PASSWORD=hunt…"));
  EXPECT_THAT(f.evidence, HasSubstr("line 3: ARG GITHUB_TOKEN=abcd…"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("hunter2secret")));
  EXPECT_THAT(f.evidence, Not(HasSubstr("abcdef123456")));
}

TEST(DockerfileSecrets, KnownKeyFormatsAnywhere) {
  const std::string aws = "AKIA" + std::string("IOSFODNN7EXAMPLE");
  const auto f = fails("dockerfile.secrets", "FROM debian:12\nLABEL build.key=" + aws + "\n");
  EXPECT_THAT(f.evidence, HasSubstr("AWS access key id"));
  EXPECT_THAT(f.evidence, Not(HasSubstr(aws)));
  const std::string gh = "ghp_" + std::string(36, 'a');
  fails("dockerfile.secrets", "FROM debian:12\nRUN git clone https://" + gh + "@github.com/x/y.git\n");
  fails("dockerfile.secrets", "FROM debian:12\nRUN <<EOF\ncat > /k <<K\n-----BEGIN RSA PRIVATE KEY-----\nK\nEOF\n");
  fails("dockerfile.secrets", "FROM debian:12\nCOPY <<EOF /root/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\nEOF\n");
}

TEST(DockerfileSecrets, EveryKeyFormatIsFoundAfterDecoysOfItsFirstLetters) {
  // known_key first looks for the formats' first letters in one pass, then reads only the formats
  // whose prefix is there: each format, at the end of a text full of its own first letter and of
  // the other formats' near misses, at its start, and alone.
  const std::string decoys = "sssrrr---AAAggg xxx ::: sk_ rk_ ghx_ AKI AIz github_pa ----BEGIN xo ";
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"AKIAIOSFODNN7EXAMPLE", "an AWS access key id"},
      {"ghp_" + std::string(36, 'a'), "a GitHub token"},
      {"gho_" + std::string(36, 'b'), "a GitHub token"},
      {"ghu_" + std::string(36, 'c'), "a GitHub token"},
      {"ghs_" + std::string(36, 'd'), "a GitHub token"},
      {"github_pat_" + std::string(22, 'e'), "a GitHub token"},
      {"AIza" + std::string(35, 'f'), "a Google API key"},
      {"sk_live_" + std::string(16, 'g'), "a Stripe secret key"},
      {"rk_live_" + std::string(16, 'h'), "a Stripe restricted key"},
      {"xoxb-" + std::string(12, '1'), "a Slack token"},
      {"-----BEGIN RSA PRIVATE KEY-----", "a private key"},
      {"https://user:pa55word@example.com", "a password in a URL"},
  };
  for (const auto& [key, kind] : keys) {
    for (const std::string& text : {decoys + key, key + " " + decoys, key}) {
      const auto found = secrets::known_key(text);
      ASSERT_TRUE(found.has_value()) << text;
      EXPECT_THAT(*found, HasSubstr(kind)) << text;
    }
  }
  EXPECT_FALSE(secrets::known_key(decoys).has_value());
  // The table's order decides, not the text's: an AWS key id after a GitHub token is reported.
  const auto both = secrets::known_key("ghp_" + std::string(36, 'a') + " AKIAIOSFODNN7EXAMPLE");
  ASSERT_TRUE(both.has_value());
  EXPECT_THAT(*both, HasSubstr("AWS"));
  // A secret's name in any case, and a long one (longer than the names seen before).
  EXPECT_TRUE(secrets::secret_name("db_Password"));
  EXPECT_TRUE(secrets::secret_name(std::string(70, 'X') + "_TOKEN"));
  EXPECT_FALSE(secrets::secret_name("TOKEN_TTL"));
  EXPECT_FALSE(secrets::secret_name("TOKENIZER"));
}

TEST(DockerfileSecrets, PathsReferencesFilesAndSecretMountsPass) {
  passes("dockerfile.secrets",
         "FROM debian:12\nENV PASSWORD_FILE=/run/secrets/pw\nENV DB_PASSWORD=/run/secrets/db\nARG NPM_TOKEN\n"
         "ENV TOKEN_URL=https://auth.example.com/token\nENV API_KEY=${API_KEY}\nENV SECRET=\"\"\n"
         "ENV TOKENIZER=bert\n"
         "RUN --mount=type=secret,id=x,env=GITHUB_TOKEN ./fetch.sh\n");
}

TEST(DockerfileSecrets, PropertiesOfASecretAreNotSecrets) {
  passes("dockerfile.secrets", "FROM debian:12\nENV TOKEN_TTL=3600 SECRET_NAME=db-password USE_TOKEN=true\n");
  fails("dockerfile.secrets", "ARG NPM_TOKEN=npm_abcdefghijkl\nFROM debian:12\n");
}

TEST(DockerfileSecrets, UrlWithCredentialsFails) {
  fails("dockerfile.secrets", "FROM debian:12\nENV REGISTRY_CREDENTIALS=https://user:pa55word@registry.example.com\n");
}

// ---------------------------------------------------------------------------------------
// hadolint rules.

TEST(DockerfileWorkdirRelative, Dl3000) {
  fails("dockerfile.workdir-relative", "FROM debian:12\nWORKDIR app\n");
  passes("dockerfile.workdir-relative", "FROM debian:12\nWORKDIR /app\nARG D=/srv\nWORKDIR $D\n");
}

TEST(DockerfileRunCd, Dl3003) {
  const auto f = fails("dockerfile.run-cd", "FROM debian:12\nRUN cd /tmp && make\n");
  EXPECT_THAT(f.evidence, HasSubstr("`cd /tmp`"));
  passes("dockerfile.run-cd", "FROM debian:12\nWORKDIR /tmp\nRUN make && echo \"cd /tmp\"\nRUN (cd sub && make)\n");
}

TEST(DockerfileSudo, Dl3004) {
  fails("dockerfile.sudo", "FROM debian:12\nRUN sudo -u app make install\n");
  fails("dockerfile.sudo", "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive sudo apt-get install -y x\n");
  passes("dockerfile.sudo", "FROM debian:12\nRUN echo sudo && apt-get install -y sudo\n");
}

TEST(DockerfileFromUntagged, Dl3006) {
  fails("dockerfile.from-untagged", "FROM debian\n");
  fails("dockerfile.from-untagged", "FROM registry.example.com:5000/team/app\n");
  passes("dockerfile.from-untagged",
         "ARG BASE=debian:12\nFROM ${BASE} AS builder\nFROM builder\nFROM scratch\nFROM alpine@sha256:"
         "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b\n");
}

TEST(DockerfileFromLatest, Dl3007) {
  fails("dockerfile.from-latest", "FROM debian:latest\n");
  passes("dockerfile.from-latest",
         "FROM debian:12\nFROM alpine:latest@sha256:"
         "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b\n");
}

TEST(DockerfileAptUnpinned, Dl3008) {
  const auto f = fails("dockerfile.apt-unpinned", "FROM debian:12\nRUN apt-get install -y curl git=1:2.39.2-1.1\n");
  EXPECT_THAT(f.evidence, HasSubstr("curl"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("git")));
  passes("dockerfile.apt-unpinned",
         "FROM debian:12\nRUN apt-get install -y -o Dpkg::Options::=--force-confnew curl=7.88.1-10 ./local.deb\n");
}

TEST(DockerfileAptUnpinned, NamesFivePackagesAndCountsTheOthers) {
  // The four managers' messages and ADD's list of sources, as they were written with fmt.
  constexpr std::string_view k_many = "FROM debian:12\nRUN apt-get install -y a b c d e f g && pip install p1 p2 p3 p4 p5 p6 && "
                                      "npm install n1 n2 n3 n4 n5 n6 n7 n8 && apk add k1 k2 k3 k4 k5 k6\n"
                                      "ADD http://x/1 http://x/2 http://x/3 http://x/4 http://x/5 http://x/6 http://x/7 /d/\n";
  EXPECT_THAT(fails("dockerfile.apt-unpinned", k_many).evidence,
              HasSubstr("line 2: apt-get install without versions: a, b, c, d, e and 2 more"));
  EXPECT_THAT(fails("dockerfile.pip-unpinned", k_many).evidence, HasSubstr("line 2: pip install without versions: p1, p2, p3, p4, p5 and 1 more"));
  EXPECT_THAT(fails("dockerfile.npm-unpinned", k_many).evidence,
              HasSubstr("line 2: npm install without versions: n1, n2, n3, n4, n5 and 3 more"));
  EXPECT_THAT(fails("dockerfile.apk-unpinned", k_many).evidence, HasSubstr("line 2: apk add without versions: k1, k2, k3, k4, k5 and 1 more"));
  EXPECT_THAT(fails("dockerfile.add-instead-of-copy", k_many).evidence,
              HasSubstr("line 3: ADD of a remote source without --checksum (http://x/1, http://x/2, http://x/3, http://x/4, "
                        "http://x/5 and 2 more)"));
  // Five are named in full.
  EXPECT_THAT(fails("dockerfile.apt-unpinned", "FROM debian:12\nRUN apt-get install a b c d e\n").evidence,
              HasSubstr("without versions: a, b, c, d, e"));
  EXPECT_THAT(fails("dockerfile.apt-unpinned", "FROM debian:12\nRUN apt-get install a b c d e\n").evidence, Not(HasSubstr("more")));
}

TEST(DockerfileAptLists, Dl3009) {
  fails("dockerfile.apt-lists-kept", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n");
  passes("dockerfile.apt-lists-kept",
         "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n");
  passes("dockerfile.apt-lists-kept",
         "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n");
  // A builder stage's lists are never shipped.
  passes("dockerfile.apt-lists-kept",
         "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /a /a\n");
}

TEST(DockerfileExposeInvalidPort, Dl3011) {
  fails("dockerfile.expose-invalid-port", "FROM debian:12\nEXPOSE 80 70000/tcp\n");
  passes("dockerfile.expose-invalid-port", "FROM debian:12\nEXPOSE 80 443/tcp 8000-8010 53/udp\n");
}

TEST(DockerfilePipUnpinned, Dl3013) {
  fails("dockerfile.pip-unpinned", "FROM python:3.12\nRUN pip install --no-cache-dir flask\n");
  fails("dockerfile.pip-unpinned", "FROM python:3.12\nRUN python3 -m pip install requests\n");
  passes("dockerfile.pip-unpinned", "FROM python:3.12\nRUN pip install -r requirements.txt flask==3.0.2 'django>=5,<6' ./pkg\n");
}

TEST(DockerfileAptRecommends, Dl3015) {
  fails("dockerfile.apt-install-recommends", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n");
  passes("dockerfile.apt-install-recommends",
         "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n");
}

TEST(DockerfileNpmUnpinned, Dl3016) {
  fails("dockerfile.npm-unpinned", "FROM node:20\nRUN npm install -g typescript\n");
  passes("dockerfile.npm-unpinned", "FROM node:20\nRUN npm install\nRUN npm install -g typescript@5.4.2 @scope/x@1.0.0\n");
}

TEST(DockerfileApkUnpinned, Dl3018) {
  fails("dockerfile.apk-unpinned", "FROM alpine:3.19\nRUN apk add --no-cache curl\n");
  passes("dockerfile.apk-unpinned", "FROM alpine:3.19\nRUN apk add --no-cache --virtual .deps curl=8.5.0-r0\n");
}

TEST(DockerfileApkCache, Dl3019) {
  fails("dockerfile.apk-cache", "FROM alpine:3.19\nRUN apk add curl\n");
  passes("dockerfile.apk-cache",
         "FROM alpine:3.19\nRUN apk add --no-cache curl\nRUN --mount=type=cache,target=/var/cache/apk apk add git\n");
}

TEST(DockerfileCopyFrom, Dl3022) {
  fails("dockerfile.copy-from-unknown-stage", "FROM debian:12\nCOPY --from=builder /app /app\n");
  fails("dockerfile.copy-from-unknown-stage", "FROM debian:12 AS final\nCOPY --from=final /a /b\n");
  passes("dockerfile.copy-from-unknown-stage",
         "FROM golang:1.22 AS builder\nRUN go build\nFROM debian:12\nCOPY --from=builder /app /app\n"
         "COPY --from=0 /x /x\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n");
  // An image named by its registry path, without a tag, is pulled (docs/checks.md).
  passes("dockerfile.copy-from-unknown-stage", "FROM debian:12\nCOPY --from=ghcr.io/acme/tools /bin/tool /usr/local/bin/\n");
}

TEST(DockerfileDuplicateStage, Dl3024) {
  fails("dockerfile.duplicate-stage-name", "FROM debian:12 AS base\nFROM alpine:3.19 AS base\n");
  passes("dockerfile.duplicate-stage-name", "FROM debian:12 AS base\nFROM base AS final\n");
}

TEST(DockerfileShellForm, Dl3025) {
  const auto f = fails("dockerfile.shell-form-cmd", "FROM debian:12\nENTRYPOINT [\"/app\"]\nCMD /app --serve\n");
  EXPECT_EQ(f.location->line, 3);
  passes("dockerfile.shell-form-cmd", "FROM debian:12\nENTRYPOINT [\"/app\"]\nCMD [\"--serve\"]\n");
}

TEST(DockerfileConsecutiveRun, Dl3059) {
  fails("dockerfile.consecutive-run", "FROM debian:12\nRUN a\nRUN b\n");
  passes("dockerfile.consecutive-run", "FROM debian:12\nRUN a && b\nWORKDIR /x\nRUN c\n");
}

TEST(DockerfileMaintainer, Dl4000) {
  fails("dockerfile.maintainer", "FROM debian:12\nMAINTAINER someone <a@b.c>\n");
  passes("dockerfile.maintainer", "FROM debian:12\nLABEL org.opencontainers.image.authors=someone\n");
}

TEST(DockerfileMultipleCmd, Dl4003AndDl4004) {
  fails("dockerfile.multiple-cmd", "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n");
  passes("dockerfile.multiple-cmd", "FROM debian:12 AS a\nCMD [\"a\"]\nFROM debian:12\nCMD [\"b\"]\n");
  fails("dockerfile.multiple-entrypoint", "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n");
  passes("dockerfile.multiple-entrypoint", "FROM debian:12\nENTRYPOINT [\"a\"]\n");
}

TEST(DockerfilePipefail, Dl4006) {
  fails("dockerfile.pipefail", "FROM debian:12\nRUN curl -fsSL https://x/y.tgz | tar xz\n");
  passes("dockerfile.pipefail", "FROM debian:12\nRUN set -o pipefail && curl -fsSL https://x/y.tgz | tar xz\n");
  passes("dockerfile.pipefail",
         "FROM debian:12\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x | tar xz\n");
  passes("dockerfile.pipefail", "FROM debian:12\nRUN echo 'a | b' || true\n");
  passes("dockerfile.pipefail", "FROM debian:12\nRUN set -euxo pipefail; curl -fsSL https://x | tar xz\n");
  passes("dockerfile.pipefail", "FROM debian:12\nRUN bash -o pipefail -c 'curl -fsSL https://x | tar xz'\n");
  fails("dockerfile.pipefail", "FROM debian:12\nRUN <<EOF\ncurl -fsSL https://x | tar xz\nEOF\n");
  // SHELL carries over to a stage built FROM the stage that set it.
  passes("dockerfile.pipefail",
         "FROM debian:12 AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n");
}

// ---------------------------------------------------------------------------------------
// Trivy rules.

TEST(DockerfileExposeSsh, Port22) {
  fails("dockerfile.expose-ssh", "FROM debian:12\nEXPOSE 80 22/tcp\n");
  passes("dockerfile.expose-ssh", "FROM debian:12\nEXPOSE 80 2222 22/udp\n");
}

TEST(DockerfileCurlPipeShell, FetchAndExecute) {
  fails("dockerfile.curl-pipe-shell", "FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n");
  fails("dockerfile.curl-pipe-shell", "FROM debian:12\nRUN wget -O- https://x/install | sudo bash -s -- -y\n");
  fails("dockerfile.curl-pipe-shell", "FROM debian:12\nRUN bash -c \"$(curl -fsSL https://x/install.sh)\"\n");
  passes("dockerfile.curl-pipe-shell",
         "FROM debian:12\nRUN curl -fsSLo /tmp/i.sh https://x/i.sh && sha256sum -c sums && sh /tmp/i.sh\n"
         "RUN echo 'curl x | sh'\n");
}

TEST(DockerfileWorkdirSystemDir, SystemFolders) {
  fails("dockerfile.workdir-system-dir", "FROM debian:12\nWORKDIR /usr/bin\n");
  fails("dockerfile.workdir-system-dir", "FROM debian:12\nWORKDIR /proc/self\n");
  passes("dockerfile.workdir-system-dir", "FROM debian:12\nWORKDIR /usr/src/app\nWORKDIR /etc-app\nWORKDIR /\n");
}

// ---------------------------------------------------------------------------------------
// Inline ignores.

TEST(DockerfileIgnores, IdCisOrAliasOnTheLineBefore) {
  passes("dockerfile.from-latest", "# drydock ignore=dockerfile.from-latest\nFROM debian:latest\n");
  passes("dockerfile.from-latest", "# drydock ignore=DL3007\nFROM debian:latest\n");
  passes("dockerfile.user-root", "FROM debian:12\n# drydock ignore=4.1\nUSER root\n");
  const auto f = fails("dockerfile.add-instead-of-copy", "FROM debian:12\n# drydock ignore=DL3020\nADD a.py /\nADD b.py /\n");
  EXPECT_EQ(f.location->line, 4);
  EXPECT_THAT(f.evidence, HasSubstr("1 finding ignored inline"));
  // An ignore for another rule changes nothing.
  fails("dockerfile.from-latest", "# drydock ignore=DL3006\nFROM debian:latest\n");
}

TEST(DockerfileIgnores, AnotherLintersCommentIsNotOurs) {
  // docs/checks.md: only drydock's own comments skip a line; hadolint's name its codes too.
  fails("dockerfile.apt-unpinned", "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n");
  fails("dockerfile.expose-invalid-port", "# hadolint global ignore=DL3011\nFROM debian:12\nEXPOSE 70000\n");
  passes("dockerfile.apt-unpinned", "FROM debian:12\n# drydock ignore=DL3008\nRUN apt-get install -y curl\n");
}

TEST(DockerfileEvidence, EveryOffendingLineAndTheFirstLocation) {
  const auto f = fails("dockerfile.maintainer", "FROM debian:12\nMAINTAINER a\nRUN true\nMAINTAINER b\n");
  EXPECT_THAT(f.evidence, HasSubstr("line 2: "));
  EXPECT_THAT(f.evidence, HasSubstr("; line 4: "));
  EXPECT_EQ(f.location->line, 2);
}

}  // namespace
}  // namespace drydock::checks
