#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "drydock/parse/shell.hpp"

namespace drydock::parse {
namespace {

using Words = std::vector<std::string>;

/// The words of every command, for compact expectations.
std::vector<Words> words_of(std::string_view script) {
  std::vector<Words> out;
  for (const auto& c : shell_commands(script))
    out.push_back(c.words);
  return out;
}

TEST(ShellCommands, AndListSplitsIntoTwoCommands) {
  const auto cmds = shell_commands("apt-get update && apt-get install -y curl");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].words, (Words{"apt-get", "update"}));
  EXPECT_EQ(cmds[0].next_operator, "&&");
  EXPECT_EQ(cmds[1].words, (Words{"apt-get", "install", "-y", "curl"}));
  EXPECT_EQ(cmds[1].next_operator, "");
  EXPECT_FALSE(cmds[1].in_pipeline_after_pipe);
  EXPECT_EQ(program_name(cmds[1]), "apt-get");
}

TEST(ShellCommands, QuotedTextIsAnArgumentNotACommand) {
  const auto cmds = shell_commands("echo \"apt-get update\"");
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(program_name(cmds[0]), "echo");
  ASSERT_EQ(cmds[0].words.size(), 2u);
  EXPECT_EQ(cmds[0].words[1], "apt-get update");
  EXPECT_EQ(words_of("echo 'a && b; c | d'"), (std::vector<Words>{{"echo", "a && b; c | d"}}));
}

TEST(ShellCommands, Pipes) {
  const auto cmds = shell_commands("curl -fsSL https://x | sh");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].next_operator, "|");
  EXPECT_FALSE(cmds[0].in_pipeline_after_pipe);
  EXPECT_EQ(cmds[1].words, (Words{"sh"}));
  EXPECT_TRUE(cmds[1].in_pipeline_after_pipe);

  const auto both = shell_commands("wget -qO- x |& bash -s -- a || true");
  ASSERT_EQ(both.size(), 3u);
  EXPECT_EQ(both[0].next_operator, "|");
  EXPECT_TRUE(both[1].in_pipeline_after_pipe);
  EXPECT_EQ(both[1].next_operator, "||");
  EXPECT_FALSE(both[2].in_pipeline_after_pipe);
}

TEST(ShellCommands, SemicolonsNewlinesAndBackground) {
  const auto cmds = shell_commands("cd /tmp; make\nmake install & wait;");
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0].words, (Words{"cd", "/tmp"}));
  EXPECT_EQ(cmds[0].next_operator, ";");
  EXPECT_EQ(cmds[1].next_operator, ";");  // the newline
  EXPECT_EQ(cmds[2].next_operator, "&");
  EXPECT_EQ(cmds[3].words, (Words{"wait"}));
  EXPECT_EQ(cmds[3].next_operator, "");
  EXPECT_EQ(shell_commands("sleep 1 &").back().next_operator, "&");
}

TEST(ShellCommands, LeadingAssignments) {
  const auto cmds = shell_commands("DEBIAN_FRONTEND=noninteractive apt-get install -y x");
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].assignments, (Words{"DEBIAN_FRONTEND=noninteractive"}));
  EXPECT_EQ(cmds[0].words, (Words{"apt-get", "install", "-y", "x"}));

  const auto quoted = shell_commands("A=\"x y\" B=$(pwd) env FOO=1");
  ASSERT_EQ(quoted.size(), 1u);
  EXPECT_EQ(quoted[0].assignments, (Words{"A=x y", "B=$(pwd)"}));
  EXPECT_EQ(quoted[0].words, (Words{"env", "FOO=1"}));  // after the program: an argument

  const auto only = shell_commands("X=1");
  ASSERT_EQ(only.size(), 1u);
  EXPECT_TRUE(only[0].words.empty());
  EXPECT_EQ(program_name(only[0]), "");
  EXPECT_EQ(words_of("'A=1' cmd"), (std::vector<Words>{{"A=1", "cmd"}}));  // quoted: not an assignment
}

/// The assignments and the words of each command, for the cases of a word read in one piece.
std::vector<std::pair<Words, Words>> parts_of(std::string_view script) {
  std::vector<std::pair<Words, Words>> out;
  for (const auto& c : shell_commands(script))
    out.emplace_back(c.assignments, c.words);
  return out;
}

TEST(ShellCommands, AssignmentNamesByteByByte) {
  using Parts = std::vector<std::pair<Words, Words>>;
  // A name (letters, digits, `_`, not a digit first), then `=` or `+=`, in the plain part.
  EXPECT_EQ(parts_of("A=1 B+=2 _c=3 d9= cmd"), (Parts{{{"A=1", "B+=2", "_c=3", "d9="}, {"cmd"}}}));
  EXPECT_EQ(parts_of("1A=x cmd"), (Parts{{{}, {"1A=x", "cmd"}}}));
  EXPECT_EQ(parts_of("=x cmd"), (Parts{{{}, {"=x", "cmd"}}}));
  EXPECT_EQ(parts_of("+=x cmd"), (Parts{{{}, {"+=x", "cmd"}}}));
  EXPECT_EQ(parts_of("A+B=1 cmd"), (Parts{{{}, {"A+B=1", "cmd"}}}));
  EXPECT_EQ(parts_of("A++=1 cmd"), (Parts{{{}, {"A++=1", "cmd"}}}));
  EXPECT_EQ(parts_of("A-B=1 cmd"), (Parts{{{}, {"A-B=1", "cmd"}}}));
  EXPECT_EQ(parts_of("A.B=1 cmd"), (Parts{{{}, {"A.B=1", "cmd"}}}));
  EXPECT_EQ(parts_of("A+ cmd"), (Parts{{{}, {"A+", "cmd"}}}));
  EXPECT_EQ(parts_of("A cmd"), (Parts{{{}, {"A", "cmd"}}}));
  EXPECT_EQ(parts_of("A==1 B=x=y cmd"), (Parts{{{"A==1", "B=x=y"}, {"cmd"}}}));
  EXPECT_EQ(parts_of("\xC3\xA9=1 cmd"), (Parts{{{}, {"\xC3\xA9=1", "cmd"}}}));  // ASCII names only
  EXPECT_EQ(parts_of("A\\=1 cmd"), (Parts{{{}, {"A=1", "cmd"}}}));   // `=` escaped: past the plain part
  EXPECT_EQ(parts_of("A\"\"=1 cmd"), (Parts{{{}, {"A=1", "cmd"}}}));  // after a quote
  EXPECT_EQ(parts_of("A=\"x\" B=$y C=`z` cmd"), (Parts{{{"A=x", "B=$y", "C=`z`"}, {"cmd"}}}));
  EXPECT_EQ(parts_of("a=(x y) b=1 cmd"), (Parts{{{"a=(x y)", "b=1"}, {"cmd"}}}));  // bash arrays
  EXPECT_EQ(parts_of("cmd A=1; A=2"), (Parts{{{}, {"cmd", "A=1"}}, {{"A=2"}, {}}}));
}

TEST(ShellCommands, WordsEndingAtOperatorsAndRedirections) {
  using Parts = std::vector<std::pair<Words, Words>>;
  EXPECT_EQ(words_of("a;b&&c||d|e&f"), (std::vector<Words>{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}}));
  EXPECT_EQ(words_of("cmd 2>&1 10>x a2>y 3<z"), (std::vector<Words>{{"cmd", "a2"}}));  // descriptors dropped
  EXPECT_EQ(words_of("cmd '2'>x \\2>y"), (std::vector<Words>{{"cmd", "2", "2"}}));  // not plain: kept
  EXPECT_EQ(words_of("cmd 2"), (std::vector<Words>{{"cmd", "2"}}));
  EXPECT_EQ(words_of("x(y) z"), (std::vector<Words>{{"x"}, {"y"}, {"z"}}));
  EXPECT_EQ(words_of("echo a\\\nb c"), (std::vector<Words>{{"echo", "ab", "c"}}));  // continuation
  EXPECT_EQ(words_of("echo a$ b$x c${y}d $(e f)g `h i`"),
            (std::vector<Words>{{"echo", "a$", "b$x", "c${y}d", "$(e f)g", "`h i`"}}));
  EXPECT_EQ(words_of("echo a#b #c\nd"), (std::vector<Words>{{"echo", "a#b"}, {"d"}}));
  EXPECT_EQ(parts_of("\t A=1\r\n\tcmd\tx"), (Parts{{{"A=1"}, {}}, {{}, {"cmd", "x"}}}));
}

TEST(ShellCommands, ReservedWordsAndTheirLookAlikes) {
  // A reserved word opens a command only as written in full: longer, shorter or quoted is a program.
  EXPECT_EQ(words_of("iff a; thenx b; fii c; done2 d; functions e; selects f; !x g; {x h; }x i"),
            (std::vector<Words>{{"iff", "a"}, {"thenx", "b"}, {"fii", "c"}, {"done2", "d"}, {"functions", "e"},
                                {"selects", "f"}, {"!x", "g"}, {"{x", "h"}, {"}x", "i"}}));
  EXPECT_EQ(words_of("'if' a; \\then b; \"fi\" c"), (std::vector<Words>{{"if", "a"}, {"then", "b"}, {"fi", "c"}}));
  EXPECT_EQ(words_of("function f { a; }; until b; do c; done; select s in x y; do d; done"),
            (std::vector<Words>{{"a"}, {"b"}, {"c"}, {"d"}}));
  EXPECT_EQ(words_of("while x; do y; done; { z; }"), (std::vector<Words>{{"x"}, {"y"}, {"z"}}));
  EXPECT_EQ(words_of("case a in b) c;; esac; esacx"), (std::vector<Words>{{"c"}, {"esacx"}}));
}

TEST(ShellCommands, Subshells) {
  const auto cmds = shell_commands("(cd a && make) || true");
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0].words, (Words{"cd", "a"}));
  EXPECT_EQ(cmds[0].subshell_depth, 1);
  EXPECT_EQ(cmds[0].next_operator, "&&");
  EXPECT_EQ(cmds[1].words, (Words{"make"}));
  EXPECT_EQ(cmds[1].subshell_depth, 1);
  EXPECT_EQ(cmds[1].next_operator, "||");
  EXPECT_EQ(cmds[2].words, (Words{"true"}));
  EXPECT_EQ(cmds[2].subshell_depth, 0);

  const auto group = shell_commands("{ echo a; echo b; } > log | cat");
  ASSERT_EQ(group.size(), 3u);
  EXPECT_EQ(group[0].subshell_depth, 1);
  EXPECT_EQ(group[1].subshell_depth, 1);
  EXPECT_EQ(group[1].next_operator, "|");
  EXPECT_EQ(group[2].words, (Words{"cat"}));
  EXPECT_TRUE(group[2].in_pipeline_after_pipe);
  EXPECT_EQ(group[2].subshell_depth, 0);
}

TEST(ShellCommands, CompoundKeywordsAreDropped) {
  EXPECT_EQ(words_of("if [ -f x ]; then rm x; fi"), (std::vector<Words>{{"[", "-f", "x", "]"}, {"rm", "x"}}));
  EXPECT_EQ(words_of("if apt-get update; then echo ok; elif false; then :; else exit 1; fi"),
            (std::vector<Words>{{"apt-get", "update"}, {"echo", "ok"}, {"false"}, {":"}, {"exit", "1"}}));
  EXPECT_EQ(words_of("for p in a b c; do pip install $p; done"), (std::vector<Words>{{"pip", "install", "$p"}}));
  EXPECT_EQ(words_of("for ((i = 0; i < 3; i++)); do echo $i; done"), (std::vector<Words>{{"echo", "$i"}}));
  EXPECT_EQ(words_of("while read -r l; do echo \"$l\"; done < list"), (std::vector<Words>{{"read", "-r", "l"}, {"echo", "$l"}}));
  EXPECT_EQ(words_of("case \"$ARCH\" in\n  amd64|x86_64) A=x64 ;;\n  (arm64) A=arm ;;\n  *) exit 1 ;;\nesac\necho $A"),
            (std::vector<Words>{{}, {}, {"exit", "1"}, {"echo", "$A"}}));
  EXPECT_EQ(words_of("! grep -q x f"), (std::vector<Words>{{"grep", "-q", "x", "f"}}));
  EXPECT_EQ(words_of("f() { echo hi; }; f"), (std::vector<Words>{{"echo", "hi"}, {"f"}}));
  EXPECT_EQ(words_of("echo if then fi"), (std::vector<Words>{{"echo", "if", "then", "fi"}}));  // arguments stay

  const auto joined = shell_commands("if true; then a; fi && b");
  ASSERT_EQ(joined.size(), 3u);
  EXPECT_EQ(joined[1].next_operator, "&&");
}

TEST(ShellCommands, Continuations) {
  const auto cmds = shell_commands("apt-get update \\\n && apt-get install -y \\\n\tcurl \\\r\n  git");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].next_operator, "&&");
  EXPECT_EQ(cmds[1].words, (Words{"apt-get", "install", "-y", "curl", "git"}));
  EXPECT_EQ(words_of("ec\\\nho \"a\\\nb\""), (std::vector<Words>{{"echo", "ab"}}));
  EXPECT_EQ(words_of("echo 'a\\\nb'"), (std::vector<Words>{{"echo", "a\\\nb"}}));  // literal in single quotes
}

TEST(ShellCommands, Comments) {
  EXPECT_EQ(words_of("# setup\napt-get update # refresh && rm -rf /\necho a#b"),
            (std::vector<Words>{{"apt-get", "update"}, {"echo", "a#b"}}));
  EXPECT_EQ(words_of("echo '#not' \"#not\""), (std::vector<Words>{{"echo", "#not", "#not"}}));
}

TEST(ShellCommands, ExpansionsStayInTheirWord) {
  EXPECT_EQ(words_of("echo $(uname -m) ${HOME:-/root} `id -u` $((1 + 2))"),
            (std::vector<Words>{{"echo", "$(uname -m)", "${HOME:-/root}", "`id -u`", "$((1 + 2))"}}));
  EXPECT_EQ(words_of("curl -o \"x-$(date \"+%s\" | tr -d ')').tar\" && ls"),
            (std::vector<Words>{{"curl", "-o", "x-$(date \"+%s\" | tr -d ')').tar"}, {"ls"}}));
  EXPECT_EQ(words_of("echo $(a $(b (c)) ; d) e"), (std::vector<Words>{{"echo", "$(a $(b (c)) ; d)", "e"}}));
}

TEST(ShellCommands, QuotesAndEscapes) {
  EXPECT_EQ(words_of("echo a\"b c\"d 'e'\"f\" \\; \\\" \"\\$x \\n\" ''"),
            (std::vector<Words>{{"echo", "ab cd", "ef", ";", "\"", "$x \\n", ""}}));
  EXPECT_EQ(words_of("find . -name '*.o' -exec rm {} \\;"),
            (std::vector<Words>{{"find", ".", "-name", "*.o", "-exec", "rm", "{}", ";"}}));
}

TEST(ShellCommands, RedirectionsAreDropped) {
  EXPECT_EQ(words_of("make >/dev/null 2>&1 && cat < in > out 2> err &> all >> app 3<&0 1>&-"),
            (std::vector<Words>{{"make"}, {"cat"}}));
  EXPECT_EQ(words_of("echo a>b c"), (std::vector<Words>{{"echo", "a", "c"}}));
  EXPECT_EQ(words_of("echo 2 > f"), (std::vector<Words>{{"echo", "2"}}));  // "2 >" is an argument then a redirect
  EXPECT_EQ(words_of("cat <<< \"$x\" | sh"), (std::vector<Words>{{"cat"}, {"sh"}}));
}

TEST(ShellCommands, HeredocBodiesAreSkipped) {
  const auto cmds = shell_commands("cat <<EOF > /etc/x && chmod 600 /etc/x\nrm -rf / && echo bad\nEOF\necho done");
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0].words, (Words{"cat"}));
  EXPECT_EQ(cmds[1].words, (Words{"chmod", "600", "/etc/x"}));
  EXPECT_EQ(cmds[1].next_operator, ";");
  EXPECT_EQ(cmds[2].words, (Words{"echo", "done"}));
  EXPECT_EQ(words_of("cat <<-'END' <<\"B\"\n\tx\n\tEND\ny\nB\nls"), (std::vector<Words>{{"cat"}, {"ls"}}));
  EXPECT_EQ(words_of("cat <<EOF\nnever closed"), (std::vector<Words>{{"cat"}}));
}

TEST(ShellCommands, UnbalancedQuotesEndAtEndOfText) {
  EXPECT_EQ(words_of("echo \"abc && rm -rf /"), (std::vector<Words>{{"echo", "abc && rm -rf /"}}));
  EXPECT_EQ(words_of("echo 'abc; x"), (std::vector<Words>{{"echo", "abc; x"}}));
  EXPECT_EQ(words_of("echo $(abc && x"), (std::vector<Words>{{"echo", "$(abc && x"}}));
  EXPECT_EQ(words_of("echo `x"), (std::vector<Words>{{"echo", "`x"}}));
  EXPECT_EQ(words_of("echo x\\"), (std::vector<Words>{{"echo", "x"}}));
  EXPECT_EQ(words_of("(a; b"), (std::vector<Words>{{"a"}, {"b"}}));
  EXPECT_EQ(words_of("a) b ) ) } fi done esac ;; c"), (std::vector<Words>{{"a"}, {"b"}, {"c"}}));
}

TEST(ShellCommands, Empty) {
  EXPECT_TRUE(shell_commands("").empty());
  EXPECT_TRUE(shell_commands("  \n\t; ;; && | # only a comment").empty());
  EXPECT_TRUE(shell_commands("> /dev/null").empty());
  EXPECT_EQ(program_name(ShellCommand{}), "");
}

TEST(ShellCommands, ProgramName) {
  const auto cmds = shell_commands("/usr/bin/apt-get update; ./configure; make");
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(program_name(cmds[0]), "apt-get");
  EXPECT_EQ(program_name(cmds[1]), "configure");
  EXPECT_EQ(program_name(cmds[2]), "make");
}

TEST(ShellCommands, DeepNesting) {
  constexpr int k_depth = 10000;
  const std::string parens = std::string(k_depth, '(') + "echo hi" + std::string(k_depth, ')') + " && ls";
  const auto cmds = shell_commands(parens);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].subshell_depth, k_depth);
  EXPECT_EQ(cmds[0].next_operator, "&&");
  EXPECT_EQ(cmds[1].subshell_depth, 0);

  std::string subst = "echo ";
  for (int i = 0; i < k_depth; ++i)
    subst += "$(\"";
  const auto nested = shell_commands(subst);  // unclosed, 20k constructs deep
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].words.size(), 2u);

  EXPECT_FALSE(shell_commands(std::string(k_depth, ')') + std::string(k_depth, '{')).size() > 1);
}

TEST(ShellCommands, LargeInputIsLinear) {
  std::string big;
  while (big.size() < (1u << 20))
    big += "apt-get install -y \"pkg $(x)\" 'a b' >/dev/null 2>&1 && \\\n";
  big += "true";
  const auto start = std::chrono::steady_clock::now();
  const auto cmds = shell_commands(big);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GT(cmds.size(), 10000u);
  EXPECT_LT(elapsed, std::chrono::seconds(2));

  // Pathological shapes: one huge quote, one huge word, many unclosed constructs.
  const auto t2 = std::chrono::steady_clock::now();
  shell_commands("echo '" + std::string(1u << 20, 'x'));
  shell_commands(std::string(1u << 20, '$'));
  std::string opens;
  while (opens.size() < (1u << 20))
    opens += "$({`\"";
  shell_commands(opens);
  shell_commands(std::string(1u << 19, '(') + std::string(1u << 19, ' '));
  std::string heredocs;
  while (heredocs.size() < (1u << 20))
    heredocs += "cat <<A <<B\n";
  shell_commands(heredocs);
  EXPECT_LT(std::chrono::steady_clock::now() - t2, std::chrono::seconds(3));
}

}  // namespace
}  // namespace drydock::parse
