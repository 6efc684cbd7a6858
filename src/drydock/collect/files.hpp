#pragma once
/// Local input files named on the command line: Dockerfiles, `docker inspect` output.
/// Read-only; sizes are limited.

#include <cstddef>
#include <string>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::collect {

/// The whole file ("-" = standard input), at most `limit` bytes (larger: an error).
core::Expected<std::string> read_input(const std::string& path, std::size_t limit = 16U << 20U);

/// True for the names BuildKit users give Dockerfiles: `Dockerfile`, `Dockerfile.*`,
/// `*.Dockerfile`, `*.dockerfile`, `Containerfile`, `Containerfile.*`.
bool is_dockerfile_name(std::string_view file_name);

/// The Dockerfiles under a directory, recursively, sorted; hidden directories (`.git`) and
/// symlinks are not followed. Unreadable subdirectories are skipped.
std::vector<std::string> find_dockerfiles(const std::string& dir);

}  // namespace drydock::collect
