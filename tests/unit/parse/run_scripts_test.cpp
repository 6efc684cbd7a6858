// RUN instructions are read as shell once, by the parser: the commands and scripts the lint rules see.
#include <gtest/gtest.h>

#include "drydock/parse/dockerfile.hpp"
#include "drydock/parse/run_scripts.hpp"

namespace drydock::parse {
namespace {

using model::Instruction;

Instruction run_of(const std::string& text, std::size_t index = 1) {
  auto df = dockerfile(text, "Dockerfile");
  EXPECT_TRUE(df) << df.error().describe();
  Instruction ins = df->stages.at(0).instructions.at(index);
  ins.owner = df->text;  // its text outlives the Dockerfile
  return ins;
}

std::vector<std::string> programs(const Instruction& run) {
  std::vector<std::string> out;
  for (const auto& c : run.commands)
    out.emplace_back(c.program);
  return out;
}

TEST(RunScripts, CommandLineSplitWithOperatorsSudoAndEnvLookedThrough) {
  const auto run = run_of("FROM debian\nRUN sudo -u app env A=1 /usr/bin/apt-get update && echo 'apt-get install x' | tee log\n");
  ASSERT_EQ(run.scripts.size(), 1u);
  EXPECT_EQ(programs(run), (std::vector<std::string>{"apt-get", "echo", "tee"}));
  EXPECT_TRUE(run.commands[0].sudo);
  EXPECT_EQ(run.commands[0].next_operator, "&&");
  EXPECT_EQ(run.commands[1].words, (std::pmr::vector<std::string_view>{"echo", "apt-get install x"}));
  EXPECT_TRUE(run.commands[2].after_pipe);
  EXPECT_FALSE(run.scripts[0].exec_form);
}

TEST(RunScripts, ShDashCIsReadAgainAsANestedScriptWithItsPipefail) {
  const auto run = run_of("FROM debian\nRUN bash -o pipefail -c 'curl -s x | sh' && true\n");
  ASSERT_EQ(run.scripts.size(), 2u);
  EXPECT_EQ(programs(run), (std::vector<std::string>{"bash", "true", "curl", "sh"}));
  EXPECT_EQ(run.scripts[1].first, 2u);
  EXPECT_EQ(run.scripts[1].count, 2u);
  EXPECT_TRUE(run.scripts[1].nested);
  EXPECT_TRUE(run.scripts[1].shell_pipefail);
}

TEST(RunScripts, ExecFormIsOneCommandWithoutAShell) {
  const auto run = run_of("FROM debian\nRUN [\"apt-get\", \"update\"]\n");
  ASSERT_EQ(run.scripts.size(), 1u);
  EXPECT_TRUE(run.scripts[0].exec_form);
  EXPECT_EQ(run.commands[0].words, (std::pmr::vector<std::string_view>{"apt-get", "update"}));
}

TEST(RunScripts, HeredocBodyRunsAsAScriptUnlessFedToAnotherProgram) {
  const auto script = run_of("FROM debian\nRUN <<EOF\napk add curl\nrm -rf /tmp/x\nEOF\n");
  EXPECT_EQ(programs(script), (std::vector<std::string>{"apk", "rm"}));
  const auto fed = run_of("FROM debian\nRUN python3 <<EOF\nimport os\nEOF\n");
  EXPECT_EQ(programs(fed), (std::vector<std::string>{"python3"}));
}

TEST(RunScripts, OnbuildTriggerIsReadOtherInstructionsAreNot) {
  const auto onbuild = run_of("FROM debian\nONBUILD RUN make && make install\n");
  ASSERT_EQ(onbuild.trigger.size(), 1u);
  EXPECT_EQ(programs(onbuild.trigger[0]), (std::vector<std::string>{"make", "make"}));
  const auto cmd = run_of("FROM debian\nCMD apt-get update\n");
  EXPECT_TRUE(cmd.commands.empty());
  EXPECT_TRUE(cmd.scripts.empty());
}

TEST(RunScripts, HistoryStepKeepsItsOwnText) {
  std::string created_by = "/bin/sh -c apt-get update && apt-get install -y 'curl' # buildkit";
  const Instruction run = history_instruction(created_by);
  std::fill(created_by.begin(), created_by.end(), '#');
  created_by.clear();
  created_by.shrink_to_fit();
  EXPECT_EQ(run.keyword, "RUN");
  EXPECT_EQ(run.command, "apt-get update && apt-get install -y 'curl'");
  EXPECT_EQ(programs(run), (std::vector<std::string>{"apt-get", "apt-get"}));
  EXPECT_EQ(run.commands[1].words, (std::pmr::vector<std::string_view>{"apt-get", "install", "-y", "curl"}));
  const Instruction add = history_instruction("/bin/sh -c #(nop) ADD file:abc in / ");
  EXPECT_EQ(add.keyword, "ADD");
  EXPECT_EQ(add.text, "ADD file:abc in /");
}

}  // namespace
}  // namespace drydock::parse
