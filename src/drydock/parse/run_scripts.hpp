#pragma once
/// What a RUN instruction executes, read as shell once, when the Dockerfile is parsed: the
/// command line, heredoc bodies run as scripts, and the strings given to `sh -c`, with `sudo`
/// and `env` looked through. The lint rules read `Instruction::commands` and `scripts`.

#include "drydock/model/dockerfile.hpp"

namespace drydock::parse {

/// Fills `run.commands` and `run.scripts` from its form, command text and heredocs (RUN only;
/// other instructions are left with none).
void read_run_scripts(model::Instruction& run);

}  // namespace drydock::parse
