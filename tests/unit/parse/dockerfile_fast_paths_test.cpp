// The Dockerfile parser's shortcuts (text that needs no lexing taken as written, JSON strings
// without escapes taken as views, heredoc words split without the lexer) give what the lexer gives.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "drydock/parse/dockerfile.hpp"

namespace drydock::parse {
namespace {

model::Dockerfile fast_paths_parse(std::string_view text) {
  auto r = dockerfile(text, "Dockerfile");
  if (!r) ADD_FAILURE() << r.error().describe() << "\n--- input ---\n" << text;
  return r ? std::move(*r) : model::Dockerfile{};
}

const model::Instruction& fast_paths_second(const model::Dockerfile& df) {
  static const model::Instruction k_none;
  if (df.stages.empty() || df.stages[0].instructions.size() < 2) {
    ADD_FAILURE() << "no second instruction";
    return k_none;
  }
  return df.stages[0].instructions[1];
}

TEST(DockerfileFastPaths, HeredocWordsWithAndWithoutVariablesOnTheLine) {
  // `$HOME` makes the line go through the lexer; without it the words are the line's own bytes.
  for (const std::string tail : {"", " $HOME/b"}) {
    SCOPED_TRACE(tail);
    const auto spaced = fast_paths_parse("FROM scratch\nRUN cat << EOF > /a" + tail + "\nx\nEOF\nUSER u\n");
    const auto& run = fast_paths_second(spaced);
    ASSERT_EQ(run.heredocs.size(), 1U);
    EXPECT_EQ(run.heredocs[0].delimiter, "EOF");
    EXPECT_EQ(run.heredocs[0].content, "x\n");
    EXPECT_TRUE(run.heredocs[0].expand);
    EXPECT_EQ(spaced.stages[0].instructions.back().keyword, "USER");

    const auto chomped = fast_paths_parse("FROM scratch\nRUN 3<<-X cat" + tail + "\n\tbody\n\tX\n");
    const auto& doc = fast_paths_second(chomped);
    ASSERT_EQ(doc.heredocs.size(), 1U);
    EXPECT_EQ(doc.heredocs[0].delimiter, "X");
    EXPECT_TRUE(doc.heredocs[0].strip_tabs);
    EXPECT_EQ(doc.heredocs[0].content, "body\n");

    const auto two = fast_paths_parse("FROM scratch\nRUN cat <<A <<B" + tail + "\na\nA\nb\nB\n");
    const auto& both = fast_paths_second(two);
    ASSERT_EQ(both.heredocs.size(), 2U);
    EXPECT_EQ(both.heredocs[0].delimiter, "A");
    EXPECT_EQ(both.heredocs[0].content, "a\n");
    EXPECT_EQ(both.heredocs[1].delimiter, "B");
    EXPECT_EQ(both.heredocs[1].content, "b\n");
    EXPECT_EQ(both.end_line, 6);

    const auto quoted = fast_paths_parse("FROM scratch\nRUN cat <<'Q'" + tail + "\n$x\nQ\n");
    const auto& q = fast_paths_second(quoted);
    ASSERT_EQ(q.heredocs.size(), 1U);
    EXPECT_EQ(q.heredocs[0].delimiter, "Q");
    EXPECT_FALSE(q.heredocs[0].expand);

    const auto joined = fast_paths_parse("FROM scratch\nRUN cat <<E<<F" + tail + "\nUSER u\n");
    EXPECT_TRUE(fast_paths_second(joined).heredocs.empty());
  }
}

TEST(DockerfileFastPaths, AQuoteAnywhereInAValueIsSeen) {
  // The first quote at every offset across the eight-byte blocks the scan reads, and a value
  // whose only quotes are its last bytes.
  for (std::size_t before = 0; before <= 17; ++before) {
    for (std::size_t inside = 0; inside <= 9; ++inside) {
      const std::string value = std::string(before, 'x') + "'" + std::string(inside, 'y') + "'";
      const auto df = fast_paths_parse("FROM scratch\nLABEL k=" + value + "\n");
      const auto& label = fast_paths_second(df);
      ASSERT_EQ(label.pairs.size(), 1U);
      EXPECT_EQ(label.pairs[0].value, std::string(before, 'x') + std::string(inside, 'y')) << value;
      EXPECT_EQ(label.pairs[0].expanded, label.pairs[0].value) << value;
    }
  }
  for (std::size_t n = 0; n <= 20; ++n) {
    const auto df = fast_paths_parse("FROM scratch\nENV k=" + std::string(n, 'a') + "\"\"\n");
    ASSERT_EQ(fast_paths_second(df).pairs.size(), 1U);
    EXPECT_EQ(fast_paths_second(df).pairs[0].value, std::string(n, 'a'));
  }
}

TEST(DockerfileFastPaths, VariableNamesAfterTheDollar) {
  const auto df = fast_paths_parse("FROM scratch\nENV A=1\nENV B=${A}x$A-$1${A:-d}$ C=$A_b\n");
  const auto& env = df.stages[0].instructions[2];
  ASSERT_EQ(env.pairs.size(), 2U);
  EXPECT_EQ(env.pairs[0].value, "${A}x$A-$1${A:-d}$");
  EXPECT_EQ(env.pairs[0].expanded, "1x1-1$");
  EXPECT_EQ(env.pairs[1].expanded, "");  // `A_b` is one name, unset
}

TEST(DockerfileFastPaths, JsonStringsWithAndWithoutEscapes) {
  const auto df = fast_paths_parse("FROM scratch\nCMD [\"a\\\"b\", \"c\\u0041\", \"plain\", \"\"]\n");
  const auto& cmd = fast_paths_second(df);
  EXPECT_TRUE(cmd.json_form);
  ASSERT_EQ(cmd.args.size(), 4U);
  EXPECT_EQ(cmd.args[0], "a\"b");
  EXPECT_EQ(cmd.args[1], "cA");
  EXPECT_EQ(cmd.args[2], "plain");
  EXPECT_EQ(cmd.args[3], "");
  // A control byte inside a string is not JSON: shell form.
  const auto tab = fast_paths_parse("FROM scratch\nCMD [\"a\tb\"]\n");
  EXPECT_FALSE(fast_paths_second(tab).json_form);
  const auto open = fast_paths_parse("FROM scratch\nCMD [\"ab\n");
  EXPECT_FALSE(fast_paths_second(open).json_form);
}

/// The error of a text that does not parse ("" when it parses), as path:line:column: message.
std::string fast_paths_error(std::string_view text) {
  auto r = dockerfile(text, "Dockerfile");
  return r ? std::string() : r.error().describe();
}

/// Each text fails to parse with its error (path:line:column: message).
void expect_parse_errors(std::initializer_list<std::pair<std::string_view, std::string_view>> cases) {
  for (const auto& [text, error] : cases)
    EXPECT_EQ(fast_paths_error(text), error) << text;
}

TEST(DockerfileFastPaths, DollarReferencesUnquotedAsWritten) {
  // Without a quote, an escape or `${`, unquoting gives the text back (a `$` and the name after
  // it stay); with one of them the lexer reads it.
  struct Case {
    std::string raw, value, expanded;
  };
  const Case cases[] = {
      {"a$B", "a$B", "a2"},        {"$1x", "$1x", "x"},          {"$@/$*", "$@/$*", "/"},
      {"$", "$", "$"},             {"a$", "a$", "a$"},           {"$$", "$$", ""},
      {"x<y<<z", "x<y<<z", "x<y<<z"}, {"$B$B", "$B$B", "22"},  {"$é", "$é", ""},
      {"$B${B}", "$B${B}", "22"},  {"${B//2/3}", "${B/2/3}", "3"}, {"$-", "$-", ""},
      {"$TARGETARCH", "$TARGETARCH", ""},  // stage scope: no automatic ARG
      {"a$B\\c", "a$Bc", "a2c"},
      {"'$B'$B", "$B$B", "$B2"},
  };
  for (const auto& c : cases) {
    const auto df = fast_paths_parse("FROM scratch\nENV B=2\nENV k=" + c.raw + "\n");
    const auto& env = df.stages[0].instructions[2];
    ASSERT_EQ(env.pairs.size(), 1U) << c.raw;
    EXPECT_EQ(env.pairs[0].value, c.value) << c.raw;
    EXPECT_EQ(env.pairs[0].expanded, c.expanded) << c.raw;
  }
  // The escape of the file: a backtick, then `\` is an ordinary byte.
  const auto tick = fast_paths_parse("# escape=`\nFROM scratch\nENV B=2\nLABEL k=a\\$B l=a`$B\n");
  const auto& label = tick.stages[0].instructions[2];
  ASSERT_EQ(label.pairs.size(), 2U);
  EXPECT_EQ(label.pairs[0].value, "a\\$B");
  EXPECT_EQ(label.pairs[0].expanded, "a\\2");
  EXPECT_EQ(label.pairs[1].value, "a$B");
  EXPECT_EQ(label.pairs[1].expanded, "a$B");
}

TEST(DockerfileFastPaths, HealthcheckTypeInAnyCase) {
  for (const std::string type : {"CMD", "cmd", "Cmd", "cMD"}) {
    const auto exec = fast_paths_parse("FROM scratch\nHEALTHCHECK --interval=5s " + type + " [\"a\", \"b\"]\n");
    const auto& h = fast_paths_second(exec);
    EXPECT_TRUE(h.json_form) << type;
    EXPECT_EQ(std::vector<std::string>(h.args.begin(), h.args.end()), (std::vector<std::string>{"CMD", "a", "b"})) << type;
    const auto shell = fast_paths_parse("FROM scratch\nHEALTHCHECK " + type + " a b\n");
    EXPECT_EQ(std::vector<std::string>(fast_paths_second(shell).args.begin(), fast_paths_second(shell).args.end()),
              (std::vector<std::string>{"CMD", "a b"}));
  }
  for (const std::string type : {"NONE", "none", "nOnE"}) {
    const auto none = fast_paths_parse("FROM scratch\nHEALTHCHECK " + type + "\n");
    EXPECT_EQ(std::vector<std::string>(fast_paths_second(none).args.begin(), fast_paths_second(none).args.end()),
              (std::vector<std::string>{"NONE"}));
  }
  expect_parse_errors({
      {"FROM scratch\nHEALTHCHECK bad x\n", "Dockerfile:2:1: Unknown type \"BAD\" in HEALTHCHECK (try CMD)"},
      {"FROM scratch\nHEALTHCHECK cmdx x\n", "Dockerfile:2:1: Unknown type \"CMDX\" in HEALTHCHECK (try CMD)"},
      {"FROM scratch\nHEALTHCHECK CM x\n", "Dockerfile:2:1: Unknown type \"CM\" in HEALTHCHECK (try CMD)"},
      {"FROM scratch\nHEALTHCHECK none [\"x\"]\n", "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments"},
      {"FROM scratch\nHEALTHCHECK CMD []\n", "Dockerfile:2:1: Missing command after HEALTHCHECK CMD"},
      {"FROM scratch\nHEALTHCHECK CMD\n", "Dockerfile:2:1: Missing command after HEALTHCHECK CMD"},
      {"FROM scratch\nHEALTHCHECK NONE [1]\n",
       "Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only"},
  });
  // A trigger is checked when a child runs it: its arguments are dropped, the file parses.
  const auto trigger = fast_paths_parse("FROM scratch\nONBUILD HEALTHCHECK bad [\"x\"]\n");
  ASSERT_EQ(fast_paths_second(trigger).trigger.size(), 1U);
  EXPECT_TRUE(fast_paths_second(trigger).trigger[0].args.empty());
}

TEST(DockerfileFastPaths, StageNamesFoldedByteByByte) {
  const auto df = fast_paths_parse("FROM scratch As Build.1-x_Y\nFROM build.1-x_y aS two\nFROM two\n");
  ASSERT_EQ(df.stages.size(), 3U);
  EXPECT_EQ(df.stages[0].name, "build.1-x_y");
  EXPECT_EQ(df.stages[1].base_stage, 0);
  EXPECT_EQ(df.stages[2].base_stage, 1);
  const std::string_view symbols = "\", name can't start with a number or contain symbols";
  const std::string invalid = "Dockerfile:1:1: invalid name for build stage: \"";
  expect_parse_errors({
      {"FROM scratch AS 1a\n", invalid + "1a" + std::string(symbols)},
      {"FROM scratch AS A$b\n", invalid + "A$b" + std::string(symbols)},
      {"FROM scratch AS \xC3\x89t\xC3\xA9\n", invalid + "\xC3\x89t\xC3\xA9" + std::string(symbols)},
      {"FROM scratch AS _a\n", invalid + "_a" + std::string(symbols)},
      {"FROM scratch ASS a\n", "Dockerfile:1:1: FROM requires either one or three arguments"},
      {"FROM scratch A a\n", "Dockerfile:1:1: FROM requires either one or three arguments"},
  });
}

TEST(DockerfileFastPaths, DirectivesInAnyCase) {
  const auto df = fast_paths_parse("# SYNTAX = docker/dockerfile:1\n#Escape=`\n# check=skip=all\nFROM scratch\n");
  EXPECT_EQ(df.directives.size(), 3U);
  EXPECT_EQ(df.directives.at("syntax"), "docker/dockerfile:1");
  EXPECT_EQ(df.directives.at("escape"), "`");
  EXPECT_EQ(df.directives.at("check"), "skip=all");
  EXPECT_EQ(df.escape, '`');
  // A key BuildKit does not know ends the directives: what follows is a comment.
  const auto other = fast_paths_parse("# syntaxx=a\n# escape=`\nFROM scratch\n");
  EXPECT_TRUE(other.directives.empty());
  EXPECT_EQ(other.escape, '\\');
  const auto shorter = fast_paths_parse("# synta=a\n# escape=`\nFROM scratch\n");
  EXPECT_TRUE(shorter.directives.empty());
  expect_parse_errors({
      {"# syntax=a\n# Syntax=b\nFROM scratch\n", "Dockerfile:2:1: only one syntax parser directive can be used"},
      {"# ESCAPE=`\n# escape=\\\nFROM scratch\n", "Dockerfile:2:1: only one escape parser directive can be used"},
      {"# escape=x\nFROM scratch\n", "Dockerfile:1:1: invalid escape token 'x' does not match ` or \\"},
      {"# escape=``\nFROM scratch\n", "Dockerfile:1:1: invalid escape token '``' does not match ` or \\"},
      {"# check=a\n# CHECK=b\nFROM scratch\n", "Dockerfile:2:1: only one check parser directive can be used"},
  });
}

}  // namespace
}  // namespace drydock::parse
