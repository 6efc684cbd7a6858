#include "drydock/parse/dockerfile.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

namespace drydock::parse {
namespace {

using model::Dockerfile;
using model::Instruction;

Dockerfile parse_ok(std::string_view text) {
  auto r = dockerfile(text, "Dockerfile");
  if (!r) ADD_FAILURE() << r.error().describe() << "\n--- input ---\n" << text;
  return r ? std::move(*r) : Dockerfile{};
}

/// The n-th instruction of stage s (0 = FROM).
const Instruction& at(const Dockerfile& df, std::size_t s, std::size_t n) {
  static const Instruction k_empty;
  if (s >= df.stages.size() || n >= df.stages[s].instructions.size()) {
    ADD_FAILURE() << "no instruction " << n << " in stage " << s;
    return k_empty;
  }
  return df.stages[s].instructions[n];
}

std::string read(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Strings = std::pmr::vector<std::string_view>;  // the type of the tree's lists

// ---- table: argument splitting and forms --------------------------------------------------------

struct FormCase {
  std::string name;
  std::string line;  ///< one instruction after `FROM scratch`
  std::string keyword;
  bool json = false;
  Strings args;
  std::string command;
};

class DockerfileForms : public ::testing::TestWithParam<FormCase> {};

TEST_P(DockerfileForms, ArgsAndForm) {
  const auto& c = GetParam();
  const auto df = parse_ok("FROM scratch\n" + c.line + "\n");
  const auto& ins = at(df, 0, 1);
  EXPECT_EQ(ins.keyword, c.keyword);
  EXPECT_EQ(ins.json_form, c.json);
  EXPECT_EQ(ins.args, c.args);
  EXPECT_EQ(ins.command, c.command);
}

INSTANTIATE_TEST_SUITE_P(
    Dockerfile, DockerfileForms,
    ::testing::Values(
        FormCase{"run_shell", "RUN echo hi && ls", "RUN", false, {"echo hi && ls"}, "echo hi && ls"},
        FormCase{"run_exec", R"(RUN ["echo", "hi"])", "RUN", true, {"echo", "hi"}, R"(["echo", "hi"])"},
        FormCase{"json_unescape", R"(CMD ["a\"b", "c\\d", "\u00e9\n", "\ud83d\ude00"])", "CMD", true,
                 {"a\"b", "c\\d", "\xC3\xA9\n", "\xF0\x9F\x98\x80"}, R"(["a\"b", "c\\d", "\u00e9\n", "\ud83d\ude00"])"},
        FormCase{"invalid_json_falls_back", "CMD ['single', 'quotes']", "CMD", false, {"['single', 'quotes']"},
                 "['single', 'quotes']"},
        FormCase{"unterminated_json_falls_back", R"(ENTRYPOINT ["a", "b")", "ENTRYPOINT", false, {R"(["a", "b")"},
                 R"(["a", "b")"},
        FormCase{"lowercase_keyword", "entrypoint [\"/bin/sh\"]", "ENTRYPOINT", true, {"/bin/sh"}, "[\"/bin/sh\"]"},
        FormCase{"leading_whitespace", "   \tUSER app", "USER", false, {"app"}, "app"},
        FormCase{"shell_json", R"(SHELL ["/bin/bash", "-o", "pipefail", "-c"])", "SHELL", true,
                 {"/bin/bash", "-o", "pipefail", "-c"}, R"(["/bin/bash", "-o", "pipefail", "-c"])"},
        FormCase{"copy_list", "COPY a b /dst/", "COPY", false, {"a", "b", "/dst/"}, "a b /dst/"},
        FormCase{"copy_json", R"(COPY ["a b", "/d"])", "COPY", true, {"a b", "/d"}, R"(["a b", "/d"])"},
        FormCase{"volume_list", "VOLUME /a /b", "VOLUME", false, {"/a", "/b"}, "/a /b"},
        FormCase{"volume_json", R"(VOLUME ["/data"])", "VOLUME", true, {"/data"}, R"(["/data"])"},
        FormCase{"expose", "EXPOSE 80/tcp 443", "EXPOSE", false, {"80/tcp", "443"}, "80/tcp 443"},
        FormCase{"workdir_quoted", "WORKDIR \"/my app\"", "WORKDIR", false, {"/my app"}, "\"/my app\""},
        FormCase{"stopsignal", "STOPSIGNAL SIGTERM", "STOPSIGNAL", false, {"SIGTERM"}, "SIGTERM"},
        FormCase{"maintainer", "MAINTAINER Jane <j@example.com>", "MAINTAINER", false, {"Jane <j@example.com>"},
                 "Jane <j@example.com>"},
        FormCase{"healthcheck_none", "HEALTHCHECK NONE", "HEALTHCHECK", false, {"NONE"}, ""},
        FormCase{"healthcheck_shell", "HEALTHCHECK --interval=5s CMD curl -f http://localhost/", "HEALTHCHECK", false,
                 {"CMD", "curl -f http://localhost/"}, "curl -f http://localhost/"},
        FormCase{"healthcheck_exec", R"(HEALTHCHECK cmd ["/bin/check"])", "HEALTHCHECK", true, {"CMD", "/bin/check"},
                 R"(["/bin/check"])"}),
    [](const auto& info) { return info.param.name; });

// ---- table: variable expansion ---------------------------------------------------------------------

struct ExpandCase {
  std::string name;
  std::string env;   ///< ENV line(s) before
  std::string word;  ///< WORKDIR argument
  std::string expected;
};

class DockerfileExpansion : public ::testing::TestWithParam<ExpandCase> {};

TEST_P(DockerfileExpansion, Workdir) {
  const auto& c = GetParam();
  const auto df = parse_ok("FROM scratch\n" + c.env + "\nWORKDIR " + c.word + "\n");
  const auto& stage = df.stages.at(0);
  const auto& ins = stage.instructions.back();
  ASSERT_EQ(ins.keyword, "WORKDIR");
  ASSERT_EQ(ins.args.size(), 1U);
  EXPECT_EQ(ins.args[0], c.expected);
  EXPECT_EQ(ins.command, c.word);
}

INSTANTIATE_TEST_SUITE_P(
    Dockerfile, DockerfileExpansion,
    ::testing::Values(ExpandCase{"plain", "ENV D=/srv", "$D/app", "/srv/app"},
                      ExpandCase{"braces", "ENV D=/srv", "${D}app", "/srvapp"},
                      ExpandCase{"unset_is_empty", "ENV D=/srv", "/x$NOPE/y", "/x/y"},
                      ExpandCase{"default_unset", "ENV D=/srv", "${NOPE:-/opt}", "/opt"},
                      ExpandCase{"default_set", "ENV D=/srv", "${D:-/opt}", "/srv"},
                      ExpandCase{"default_empty_colon", "ENV E=", "${E:-/opt}", "/opt"},
                      ExpandCase{"default_empty_nocolon", "ENV E=", "/a${E-/opt}", "/a"},
                      ExpandCase{"alt_set", "ENV D=/srv", "${D:+/alt}", "/alt"},
                      ExpandCase{"alt_unset", "ENV D=/srv", "/a${NOPE:+/alt}", "/a"},
                      ExpandCase{"alt_nocolon_empty", "ENV E=", "${E+/alt}", "/alt"},
                      ExpandCase{"escaped_dollar", "ENV D=/srv", "\\$D", "$D"},
                      ExpandCase{"single_quotes", "ENV D=/srv", "'$D'", "$D"},
                      ExpandCase{"double_quotes", "ENV D=/srv", "\"$D x\"", "/srv x"},
                      ExpandCase{"nested_default", "ENV D=/srv", "${NOPE:-${D}/x}", "/srv/x"},
                      ExpandCase{"trim_suffix", "ENV F=archive.tar.gz", "${F%.*}", "archive.tar"},
                      ExpandCase{"trim_suffix_greedy", "ENV F=archive.tar.gz", "${F%%.*}", "archive"},
                      ExpandCase{"trim_prefix", "ENV P=/usr/local/bin", "${P#*/}", "usr/local/bin"},
                      ExpandCase{"trim_prefix_greedy", "ENV P=/usr/local/bin", "${P##*/}", "bin"},
                      ExpandCase{"replace_all", "ENV V=a-b-c", "${V//-/_}", "a_b_c"},
                      ExpandCase{"env_sequential", "ENV A=1\nENV A=2 B=$A", "$B", "1"},
                      ExpandCase{"legacy_env", "ENV D /opt/x y", "$D", "/opt/x y"}),
    [](const auto& info) { return info.param.name; });

// ---- single constructs -------------------------------------------------------------------------------

TEST(DockerfileParse, StagesAndGlobalArgs) {
  const auto df = parse_ok(read("multistage.Dockerfile"));
  EXPECT_EQ(df.directives.at("syntax"), "docker/dockerfile:1.7");
  ASSERT_EQ(df.global_args.size(), 2U);
  EXPECT_EQ(df.global_args[0].pairs.at(0).key, "GO_VERSION");
  EXPECT_EQ(df.global_args[0].pairs.at(0).value, "1.22");
  EXPECT_FALSE(df.global_args[1].pairs.at(0).has_value);
  ASSERT_EQ(df.stages.size(), 3U);
  EXPECT_EQ(df.stages[0].base, "golang:1.22-alpine");
  EXPECT_EQ(df.stages[0].name, "build");  // lower-cased
  EXPECT_EQ(df.stages[0].platform, "$BUILDPLATFORM");
  EXPECT_EQ(df.stages[0].base_stage, -1);
  EXPECT_EQ(df.stages[1].base, "build");
  EXPECT_EQ(df.stages[1].base_stage, 0);
  EXPECT_EQ(df.stages[1].index, 1);
  EXPECT_EQ(df.stages[2].base, "gcr.io/distroless/static:nonroot");
  EXPECT_EQ(df.stages[2].name, "");

  const auto& from = at(df, 0, 0);
  EXPECT_EQ(from.location.line, 4);
  EXPECT_EQ(from.location.column, 1);
  EXPECT_EQ(from.location.file, "Dockerfile");
  ASSERT_NE(from.flag("platform"), nullptr);
  EXPECT_EQ(from.flag("platform")->value, "$BUILDPLATFORM");

  const auto& env = at(df, 0, 2);
  EXPECT_EQ(env.keyword, "ENV");
  EXPECT_EQ(env.location.line, 6);
  EXPECT_EQ(env.end_line, 7);
  ASSERT_EQ(env.pairs.size(), 2U);
  EXPECT_EQ(env.pairs[1].key, "GOFLAGS");
  EXPECT_EQ(env.pairs[1].value, "-trimpath -mod=readonly");
  EXPECT_EQ(env.pairs[1].location.line, 7);
  EXPECT_EQ(env.pairs[1].location.column, 5);
  EXPECT_EQ(env.pairs[0].location.line, 6);
  EXPECT_EQ(env.pairs[0].location.column, 5);

  const auto& run = at(df, 0, 3);
  ASSERT_EQ(run.flags.size(), 2U);
  EXPECT_EQ(run.flags[0].name, "mount");
  EXPECT_EQ(run.flags[0].value, "type=cache,target=/root/.cache/go-build");
  EXPECT_EQ(run.flags[1].value, "type=secret,id=netrc,target=/root/.netrc");
  EXPECT_EQ(run.command, "go build -o /out/app ./cmd/app");
  EXPECT_EQ(run.end_line, 10);

  const auto& copy = at(df, 2, 1);
  EXPECT_EQ(copy.flag("from")->value, "build");
  EXPECT_EQ(copy.flag("chown")->expanded, "65532:65532");
  EXPECT_EQ(copy.args, (Strings{"/out/app", "/app"}));
  const auto& health = at(df, 2, 4);
  EXPECT_EQ(health.flag("interval")->value, "30s");
  EXPECT_TRUE(health.json_form);
  EXPECT_EQ(health.args, (Strings{"CMD", "/app", "healthcheck"}));
}

TEST(DockerfileParse, GlobalArgMustBeRedeclaredInStage) {
  const auto df = parse_ok(
      "ARG V=1.0\nARG W=2\nFROM alpine:$V\nWORKDIR /a$V\nARG V\nWORKDIR /b$V\nARG W=override\nWORKDIR /$W\n");
  EXPECT_EQ(df.stages[0].base, "alpine:1.0");
  EXPECT_EQ(at(df, 0, 1).args[0], "/a");
  EXPECT_EQ(at(df, 0, 3).args[0], "/b1.0");
  EXPECT_EQ(at(df, 0, 5).args[0], "/override");
}

TEST(DockerfileParse, ArgForms) {
  const auto df = parse_ok("FROM scratch\nARG A=1 B=$A C \"D=x y\"\n");
  const auto& arg = at(df, 0, 1);
  ASSERT_EQ(arg.pairs.size(), 4U);
  EXPECT_EQ(arg.pairs[1].key, "B");
  EXPECT_EQ(arg.pairs[1].value, "$A");
  EXPECT_EQ(arg.pairs[1].expanded, "1");
  EXPECT_FALSE(arg.pairs[2].has_value);
  EXPECT_EQ(arg.pairs[3].key, "\"D");  // BuildKit splits at the first '=' of the raw word
}

TEST(DockerfileParse, StageInheritsEnvOfBaseStage) {
  const auto df = parse_ok("FROM alpine AS base\nENV APP=/srv\nFROM base\nWORKDIR $APP\n");
  EXPECT_EQ(at(df, 1, 1).args[0], "/srv");
  EXPECT_EQ(df.stages[1].base_stage, 0);
}

TEST(DockerfileParse, StageReferenceIsCaseInsensitiveAndEarlierOnly) {
  const auto df = parse_ok("FROM alpine AS Builder\nFROM BUILDER\nFROM later\nFROM alpine AS later\n");
  EXPECT_EQ(df.stages[1].base_stage, 0);
  EXPECT_EQ(df.stages[2].base_stage, -1);
}

TEST(DockerfileParse, LabelsQuotedKeysAndValues) {
  const auto df = parse_ok("FROM scratch\nENV V=2\nLABEL \"org.opencontainers.image.version\"=\"$V\" a='$V' b=c\\ d\n");
  const auto& label = at(df, 0, 2);
  ASSERT_EQ(label.pairs.size(), 3U);
  EXPECT_EQ(label.pairs[0].key, "org.opencontainers.image.version");
  EXPECT_EQ(label.pairs[0].value, "$V");
  EXPECT_EQ(label.pairs[0].expanded, "2");
  EXPECT_EQ(label.pairs[1].expanded, "$V");
  EXPECT_EQ(label.pairs[2].expanded, "c d");
}

TEST(DockerfileParse, CommentsAndBlankLinesInsideContinuation) {
  const auto df = parse_ok("FROM scratch\nRUN apt-get update \\\n# a comment\n\n    && apt-get install -y curl\n");
  const auto& run = at(df, 0, 1);
  EXPECT_EQ(run.command, "apt-get update     && apt-get install -y curl");
  EXPECT_EQ(run.end_line, 5);
  EXPECT_EQ(run.text, "RUN apt-get update     && apt-get install -y curl");
}

TEST(DockerfileParse, TrailingWhitespaceAfterContinuation) {
  const auto df = parse_ok("FROM scratch\nRUN a \\  \t\n  b\n");
  EXPECT_EQ(at(df, 0, 1).command, "a   b");
}

TEST(DockerfileParse, DoubleEscapeIsNotContinuation) {
  const auto df = parse_ok("FROM scratch\nRUN echo a\\\\\nUSER x\n");
  EXPECT_EQ(at(df, 0, 1).command, "echo a\\\\");
  EXPECT_EQ(at(df, 0, 2).keyword, "USER");
}

TEST(DockerfileParse, ContinuationAtEof) {
  const auto df = parse_ok("FROM scratch\nRUN echo \\");
  EXPECT_EQ(at(df, 0, 1).command, "echo");
}

TEST(DockerfileParse, BacktickEscapeAndCrlf) {
  const auto df = parse_ok(read("windows-crlf.Dockerfile"));
  EXPECT_EQ(df.escape, '`');
  EXPECT_EQ(df.directives.at("escape"), "`");
  const auto& run = at(df, 0, 1);
  EXPECT_EQ(run.command, "powershell -Command     Write-Host hello");
  EXPECT_EQ(run.end_line, 4);
  EXPECT_EQ(at(df, 0, 2).args[0], "C:\\app");  // backslash is not an escape any more
}

TEST(DockerfileParse, DirectivesOnlyAtTop) {
  const auto df = parse_ok("# Syntax=docker/dockerfile:1\n# escape=`\n\n# check=skip=all\nFROM scratch\n");
  EXPECT_EQ(df.directives.size(), 2U);
  EXPECT_EQ(df.directives.at("syntax"), "docker/dockerfile:1");
  const auto late = parse_ok("# a comment\n# escape=`\nFROM scratch\nRUN a \\\n b\n");
  EXPECT_TRUE(late.directives.empty());
  EXPECT_EQ(late.escape, '\\');
  EXPECT_EQ(at(late, 0, 1).command, "a  b");
}

TEST(DockerfileParse, Heredocs) {
  const auto df = parse_ok(read("heredoc.Dockerfile"));
  const auto& run = at(df, 0, 1);
  EXPECT_EQ(run.command, "<<EOF");
  ASSERT_EQ(run.heredocs.size(), 1U);
  EXPECT_EQ(run.heredocs[0].delimiter, "EOF");
  EXPECT_EQ(run.heredocs[0].content,
            "apt-get update\napt-get install -y --no-install-recommends curl\nrm -rf /var/lib/apt/lists/*\n");
  EXPECT_TRUE(run.heredocs[0].expand);
  EXPECT_EQ(run.heredocs[0].first_line, 3);
  EXPECT_EQ(run.location.line, 2);
  EXPECT_EQ(run.end_line, 6);

  const auto& copy = at(df, 0, 2);
  EXPECT_EQ(copy.location.line, 7);
  ASSERT_EQ(copy.heredocs.size(), 1U);
  EXPECT_EQ(copy.heredocs[0].delimiter, "CONF");
  EXPECT_FALSE(copy.heredocs[0].expand);
  EXPECT_TRUE(copy.heredocs[0].strip_tabs);
  EXPECT_EQ(copy.heredocs[0].content, "listen = ${PORT}\n");
  EXPECT_EQ(copy.args, (Strings{"<<-\"CONF\"", "/etc/app.conf"}));

  const auto& two = at(df, 0, 3);
  ASSERT_EQ(two.heredocs.size(), 2U);
  EXPECT_EQ(two.heredocs[0].delimiter, "A");
  EXPECT_EQ(two.heredocs[0].content, "first\n");
  EXPECT_EQ(two.heredocs[1].delimiter, "B");
  EXPECT_EQ(two.heredocs[1].content, "second\n");
  EXPECT_EQ(two.heredocs[1].first_line, 13);
  EXPECT_EQ(two.end_line, 14);
}

TEST(DockerfileParse, HeredocOnlyForRunCopyAdd) {
  const auto df = parse_ok("FROM scratch\nCMD cat <<EOF\nUSER x\n");
  EXPECT_TRUE(at(df, 0, 1).heredocs.empty());
  EXPECT_EQ(at(df, 0, 2).keyword, "USER");
  const auto quoted = parse_ok("FROM scratch\nRUN echo '<<EOF'\nUSER x\n");
  EXPECT_TRUE(at(quoted, 0, 1).heredocs.empty());
  const auto json = parse_ok("FROM scratch\nRUN [\"cat\", \"<<EOF\"]\nUSER x\n");
  EXPECT_TRUE(at(json, 0, 1).heredocs.empty());
}

TEST(DockerfileParse, OnbuildTrigger) {
  const auto df = parse_ok("FROM scratch\nONBUILD COPY --chown=$U . /app\nONBUILD RUN <<EOF\nmake\nEOF\n");
  const auto& onbuild = at(df, 0, 1);
  EXPECT_EQ(onbuild.keyword, "ONBUILD");
  EXPECT_EQ(onbuild.command, "COPY --chown=$U . /app");
  ASSERT_EQ(onbuild.trigger.size(), 1U);
  const auto& trig = onbuild.trigger[0];
  EXPECT_EQ(trig.keyword, "COPY");
  EXPECT_EQ(trig.flag("chown")->expanded, "$U");  // not expanded at parse time
  EXPECT_EQ(trig.args, (Strings{".", "/app"}));
  EXPECT_EQ(trig.location.line, 2);
  EXPECT_EQ(trig.location.column, 9);
  const auto& run = at(df, 0, 2).trigger.at(0);
  ASSERT_EQ(run.heredocs.size(), 1U);
  EXPECT_EQ(run.heredocs[0].content, "make\n");
  EXPECT_EQ(at(df, 0, 2).end_line, 5);
}

TEST(DockerfileParse, RepeatedFlagsInOrderAndQuotedFlagValues) {
  const auto df = parse_ok(
      "FROM scratch\nCOPY --exclude=*.md --exclude='*.txt' --link --chmod=755 src /dst\n"
      "ADD --checksum=sha256:abc https://example.com/a.tgz /a\n");
  const auto& copy = at(df, 0, 1);
  ASSERT_EQ(copy.flags.size(), 4U);
  EXPECT_EQ(copy.flags[0].value, "*.md");
  EXPECT_EQ(copy.flags[1].value, "*.txt");
  EXPECT_EQ(copy.flags[2].name, "link");
  EXPECT_EQ(copy.flags[2].value, "");
  EXPECT_EQ(copy.args, (Strings{"src", "/dst"}));
  EXPECT_EQ(at(df, 0, 2).flag("checksum")->value, "sha256:abc");
}

TEST(DockerfileParse, Ignores) {
  const auto df = parse_ok("FROM scratch\n# drydock ignore=DL3008, cis-4.1\nRUN apt-get install x\nUSER root\n");
  ASSERT_EQ(df.ignores.size(), 1U);
  EXPECT_EQ(df.ignores.at(3), (std::vector<std::string>{"DL3008", "cis-4.1"}));
}

TEST(DockerfileParse, LegacyLowercaseFile) {
  const auto df = parse_ok(read("legacy.Dockerfile"));
  ASSERT_EQ(df.stages.size(), 1U);
  const auto& st = df.stages[0];
  EXPECT_EQ(st.instructions[1].keyword, "MAINTAINER");
  EXPECT_EQ(st.instructions[2].pairs.at(0).key, "DEBIAN_FRONTEND");
  EXPECT_EQ(st.instructions[2].pairs.at(0).expanded, "noninteractive");
  EXPECT_EQ(st.instructions[4].args, (Strings{"/var/www", "/var/log/nginx"}));
  EXPECT_EQ(st.instructions[5].trigger.at(0).keyword, "COPY");
  EXPECT_EQ(st.instructions[8].command, "nginx -g \"daemon off;\"");
}

TEST(DockerfileParse, BomStripped) {
  const auto df = parse_ok("\xEF\xBB\xBF" "FROM scratch\n");
  EXPECT_EQ(at(df, 0, 0).location.column, 1);
}

// ---- errors ------------------------------------------------------------------------------------------

struct ErrorCase {
  std::string name;
  std::string text;
  std::string message;  ///< substring
  std::string where;
};

class DockerfileErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DockerfileErrors, Rejected) {
  const auto& c = GetParam();
  const auto r = dockerfile(c.text, "df");
  ASSERT_FALSE(r) << c.text;
  EXPECT_EQ(r.error().kind, core::ErrorKind::parse);
  EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().where, c.where);
}

INSTANTIATE_TEST_SUITE_P(
    Dockerfile, DockerfileErrors,
    ::testing::Values(
        ErrorCase{"binary_nul", std::string("FROM x\0\n", 8), "not a Dockerfile (binary content)", "df:0:0"},
        ErrorCase{"binary_utf8", "FROM \xff\xfe\n", "not a Dockerfile (binary content)", "df:0:0"},
        ErrorCase{"empty", "", "file with no instructions", "df:0:0"},
        ErrorCase{"only_comments", "# hello\n\n# world\n", "file with no instructions", "df:3:0"},
        ErrorCase{"no_from", "ARG A=1\n", "dockerfile contains no stages to build", "df:1:0"},
        // BuildKit's CurrentStage error, at the first instruction that needs a stage.
        ErrorCase{"cmd_without_from", "CMD [\"serve\"]\n", "no build stage in current context", "df:1:1"},
        ErrorCase{"run_before_from", "RUN x\nFROM scratch\n", "no build stage in current context", "df:1:1"},
        ErrorCase{"unknown_instruction", "FROM scratch\n  FOO bar\n", "unknown instruction: FOO", "df:2:3"},
        ErrorCase{"unterminated_heredoc", "FROM scratch\nRUN <<EOF\necho\n", "unterminated heredoc", "df:2:1"},
        ErrorCase{"json_not_strings", "FROM scratch\nCMD [\"a\", 1]\n", "arrays must be comprised of strings only",
                  "df:2:1"},
        ErrorCase{"nested_json", "FROM scratch\nCMD [[\"a\"]]\n", "strings only", "df:2:1"},
        ErrorCase{"shell_not_json", "FROM scratch\nSHELL /bin/sh -c\n", "JSON form", "df:2:1"},
        ErrorCase{"env_no_value", "FROM scratch\nENV A\n", "ENV must have two arguments", "df:2:1"},
        ErrorCase{"env_missing_equals", "FROM scratch\nENV A=1 B\n", "can't find =", "df:2:1"},
        ErrorCase{"copy_one_arg", "FROM scratch\nCOPY a\n", "requires at least two arguments", "df:2:1"},
        ErrorCase{"copy_heredoc_dest", "FROM scratch\nCOPY a <<EOF\nx\nEOF\n", "heredoc as a destination", "df:2:1"},
        ErrorCase{"unknown_flag", "FROM scratch\nCOPY --nope=1 a b\n", "unknown flag: --nope", "df:2:1"},
        ErrorCase{"cmd_flag", "FROM scratch\nCMD --help\n", "unknown flag: --help", "df:2:1"},
        ErrorCase{"duplicate_flag", "FROM scratch\nCOPY --from=a --from=b a b\n", "duplicate flag", "df:2:1"},
        ErrorCase{"bool_flag_value", "FROM scratch\nCOPY --link=maybe a b\n", "expecting boolean value", "df:2:1"},
        ErrorCase{"from_args", "FROM a b\n", "FROM requires either one or three arguments", "df:1:1"},
        ErrorCase{"stage_name", "FROM a AS 1x\n", "invalid name for build stage", "df:1:1"},
        ErrorCase{"onbuild_onbuild", "FROM a\nONBUILD ONBUILD RUN x\n", "Chaining ONBUILD", "df:2:1"},
        ErrorCase{"onbuild_from", "FROM a\nONBUILD FROM b\n", "isn't allowed as an ONBUILD trigger", "df:2:1"},
        ErrorCase{"healthcheck_none_args", "FROM a\nHEALTHCHECK NONE x\n", "takes no arguments", "df:2:1"},
        ErrorCase{"healthcheck_type", "FROM a\nHEALTHCHECK RUN x\n", "Unknown type", "df:2:1"},
        ErrorCase{"healthcheck_interval", "FROM a\nHEALTHCHECK --interval=5 CMD x\n", "invalid duration", "df:2:1"},
        ErrorCase{"escape_directive", "# escape=x\nFROM a\n", "invalid escape token", "df:1:1"},
        ErrorCase{"duplicate_directive", "# syntax=a\n# syntax=b\nFROM a\n", "only one syntax", "df:2:1"},
        ErrorCase{"user_empty", "FROM a\nUSER\n", "USER requires exactly one argument", "df:2:1"}),
    [](const auto& info) { return info.param.name; });

TEST(DockerfileErrors, TooLarge) {
  const std::string big(10U * 1024U * 1024U + 1U, '#');
  const auto r = dockerfile(big, "big");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("10 MiB"), std::string::npos);
}

TEST(DockerfileErrors, OnbuildTriggerArgumentsCheckedLater) {
  // BuildKit checks a trigger's arguments only when a child build runs it.
  const auto df = parse_ok("FROM a\nONBUILD COPY onlyone\nONBUILD FOO bar\n");
  EXPECT_EQ(at(df, 0, 1).trigger.at(0).keyword, "COPY");
  EXPECT_EQ(at(df, 0, 2).trigger.at(0).keyword, "FOO");
}

TEST(DockerfileErrors, ExponentialExpansionIsBounded) {
  std::string text = "FROM a\nENV A=xxxxxxxxxxxxxxxx\n";
  for (int i = 0; i < 40; ++i) text += "ENV A=$A$A\n";
  const auto r = dockerfile(text, "df");
  ASSERT_TRUE(r);
}

// The tree's lists are in the Dockerfile's own memory: a copy of the Dockerfile (or of one
// instruction, with the text kept alive) stands alone once the original is gone, and the lists
// of many instructions, commands and words all fit, whatever their number.
TEST(DockerfileParse, ListsOutliveTheOriginalInCopies) {
  std::string text = "FROM alpine AS base\nONBUILD COPY --chown=1:1 a b /dst/\n";
  for (int i = 0; i < 300; ++i)
    text += "RUN apk add --no-cache x" + std::to_string(i) + " && sh -c 'echo a b c' | tee /o\n";
  std::optional<Dockerfile> copy;
  std::optional<Instruction> one;
  std::shared_ptr<const drydock::core::TextArena> bytes;
  {
    const auto df = parse_ok(text);
    copy = df;
    one = at(df, 0, 301);
    bytes = df.text;
  }
  ASSERT_EQ(copy->stages.at(0).instructions.size(), 302U);
  const auto& trig = copy->stages[0].instructions[1].trigger.at(0);
  EXPECT_EQ(trig.args, (Strings{"a", "b", "/dst/"}));
  EXPECT_EQ(trig.flags.at(0).name, "chown");
  const auto& run = copy->stages[0].instructions[301];
  ASSERT_EQ(run.commands.size(), 4U);
  EXPECT_EQ(run.commands[0].words, (Strings{"apk", "add", "--no-cache", "x299"}));
  EXPECT_EQ(run.commands[3].words, (Strings{"echo", "a", "b", "c"}));
  ASSERT_EQ(one->commands.size(), 4U);
  EXPECT_EQ(one->commands[2].words, (Strings{"tee", "/o"}));
}

}  // namespace
}  // namespace drydock::parse

namespace drydock::parse {
namespace {

// ---- word expansion errors (issue 16): BuildKit refuses them when it dispatches the instruction ----

INSTANTIATE_TEST_SUITE_P(
    LintExpansion, DockerfileErrors,
    ::testing::Values(
        ErrorCase{"unterminated_double", "FROM busybox\nRUN true\nWORKDIR \"/srv\n",
                  "failed to process \"\\\"/srv\": unexpected end of statement while looking for matching double-quote", "df:3:1"},
        ErrorCase{"unterminated_single", "FROM busybox\nENV GREETING='hi\n",
                  "unexpected end of statement while looking for matching single-quote", "df:2:1"},
        ErrorCase{"empty_substitution", "FROM busybox\nUSER ${}\n", "failed to process \"${}\": syntax error: bad substitution",
                  "df:2:1"},
        ErrorCase{"required_unset", "FROM busybox\nCOPY ${SRC:?set-SRC} /app/\n", "failed to process \"${SRC:?set-SRC}\": SRC: set-SRC",
                  "df:2:1"},
        ErrorCase{"from_line", "FROM alpine:${}\n", "syntax error: bad substitution", "df:1:1"},
        // A stage the final one copies from is built: its errors count.
        ErrorCase{"reached_stage", "FROM busybox AS gen\nLABEL v=\"1\nFROM scratch\nCOPY --from=gen /x /x\n",
                  "looking for matching double-quote", "df:2:1"},
        // Our equivalents of BuildKit's parser testfiles that BuildKit parses but refuses to build:
        // inside single quotes a backslash escapes nothing; an escaped quote opens a new one.
        ErrorCase{"single_quote_backslash", "FROM busybox\nENV DIR='c:\\'x'\n", "matching single-quote", "df:2:1"},
        ErrorCase{"escaped_then_quote", "FROM busybox\nCOPY \\etc\\\\\" /etc/\n", "matching double-quote", "df:2:1"},
        // ... and of its negative testfiles.
        ErrorCase{"env_name_only", "FROM busybox\nENV LONELY\n", "ENV must have two arguments", "df:2:1"},
        ErrorCase{"nested_json", "FROM busybox\nCMD [\"a\", [\"b\"]]\n", "arrays must be comprised of strings only", "df:2:1"}));

TEST(LintExpansion, UnbuiltStagesArgsAndTriggersAreNotJudged) {
  // BuildKit dispatches only the stages the target reaches, defers ARG values to their use, and
  // runs ONBUILD triggers in child images.
  EXPECT_TRUE(dockerfile("FROM busybox AS unused\nENV A=${}\nFROM scratch\nCOPY a /a\n", "df"));
  EXPECT_TRUE(dockerfile("ARG V=${}\nFROM busybox\n", "df"));
  EXPECT_TRUE(dockerfile("FROM busybox\nONBUILD WORKDIR ${}\n", "df"));
  EXPECT_TRUE(dockerfile("FROM busybox\nENV SRC=/src\nCOPY ${SRC:?set-SRC} /app/\n", "df"));
  // RUN, CMD are left to the shell.
  EXPECT_TRUE(dockerfile("FROM busybox\nRUN echo ${}\nCMD echo \"x\n", "df"));
}

// The tree views its text: the file's bytes (copied once, so the caller's may go) and what the
// parser made (joined lines, unquoted and expanded words), kept as long as any copy of the tree.
TEST(DockerfileText, TheTreeKeepsItsTextAfterTheInputAndTheFirstCopyAreGone) {
  std::string text =
      "ARG V=1.2\nFROM debian:${V} AS Build\nENV A=\"x y\"\nENV B=${A}-z\nRUN apt-get update \\\n  && echo \"hi there\" | tee /o\n"
      "RUN <<EOF\nset -e\nmake\nEOF\nCOPY --chown=1:1 a b /dst/\n";
  std::optional<Dockerfile> copy;
  {
    auto parsed = dockerfile(text, "Dockerfile");
    ASSERT_TRUE(parsed) << parsed.error().describe();
    copy = *parsed;  // a copy shares the text
  }
  std::fill(text.begin(), text.end(), '#');
  text.clear();
  text.shrink_to_fit();
  const auto& st = copy->stages.at(0);
  EXPECT_EQ(st.base, "debian:1.2");
  EXPECT_EQ(st.name, "build");
  const auto& env = st.instructions.at(1);
  ASSERT_EQ(env.pairs.size(), 1U);
  EXPECT_EQ(env.pairs[0].value, "x y");
  const auto& env2 = st.instructions.at(2);
  ASSERT_EQ(env2.pairs.size(), 1U);
  EXPECT_EQ(env2.pairs[0].value, "${A}-z");
  EXPECT_EQ(env2.pairs[0].expanded, "x y-z");
  const auto& run = st.instructions.at(3);
  EXPECT_EQ(run.text, "RUN apt-get update   && echo \"hi there\" | tee /o");
  ASSERT_EQ(run.commands.size(), 3U);
  EXPECT_EQ(run.commands[1].words, (Strings{"echo", "hi there"}));
  EXPECT_EQ(run.commands[2].words, (Strings{"tee", "/o"}));
  const auto& doc = st.instructions.at(4);
  ASSERT_EQ(doc.heredocs.size(), 1U);
  EXPECT_EQ(doc.heredocs[0].content, "set -e\nmake\n");
  ASSERT_EQ(doc.commands.size(), 2U);
  EXPECT_EQ(doc.commands[1].program, "make");
  const auto& cp = st.instructions.at(5);
  EXPECT_EQ(cp.args, (Strings{"a", "b", "/dst/"}));
  ASSERT_NE(cp.flag("chown"), nullptr);
  EXPECT_EQ(cp.flag("chown")->value, "1:1");
}

}  // namespace
}  // namespace drydock::parse
