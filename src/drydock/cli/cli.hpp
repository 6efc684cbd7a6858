#pragma once

namespace drydock::cli {

/// The whole command line (DESIGN.md section 5). Returns the process exit code:
/// 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or configuration
/// error, 3 the target could not be reached or read at all.
int run(int argc, char** argv);

}  // namespace drydock::cli
