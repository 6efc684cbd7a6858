#pragma once
/// --benchmark cis-1.6|cis-1.7|cis-1.8 (default: the newest), given to every auditing command
/// and `checks`; `apply_benchmark_option` makes the chosen version the process's numbering.

#include <CLI/CLI.hpp>

namespace drydock::cli {

void add_benchmark_option(CLI::App& cmd);
/// After parsing: `checks::use_benchmark` with what --benchmark chose.
void apply_benchmark_option();

}  // namespace drydock::cli
