#pragma once
/// What a RUN instruction executes, read as shell once, when the Dockerfile is parsed: the
/// command line, heredoc bodies run as scripts, and the strings given to `sh -c`, with `sudo`
/// and `env` looked through. The lint rules read `Instruction::commands` and `scripts`.

#include <string_view>

#include "drydock/model/dockerfile.hpp"

namespace drydock::parse {

/// Fills `run.commands` and `run.scripts` from its form, command text and heredocs (RUN only;
/// other instructions are left with none); the words are kept in `arena` (the Dockerfile's).
void read_run_scripts(model::Instruction& run, core::TextArena& arena);

/// A step of an image's history (`created_by`) as the instruction that made it, RUN steps read
/// as shell like a Dockerfile's: "/bin/sh -c #(nop) ADD file:x in /" is ADD; "RUN |1 A=b
/// /bin/sh -c apt-get update # buildkit" and "/bin/sh -c apt-get update" are RUN. The instruction
/// keeps its text itself (`Instruction::owner`).
model::Instruction history_instruction(std::string_view created_by);

}  // namespace drydock::parse
