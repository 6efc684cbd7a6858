// The Dockerfile parser's shortcuts (text that needs no lexing taken as written, JSON strings
// without escapes taken as views, heredoc words split without the lexer) give what the lexer gives.

#include <string>
#include <string_view>

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

}  // namespace
}  // namespace drydock::parse
