#pragma once
/// Local input files named on the command line: Dockerfiles, `docker inspect` output.
/// Read-only; sizes are limited.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::collect {

/// The largest input file read by default.
constexpr std::size_t k_max_input = std::size_t{16} << 20U;

/// The whole file ("-" = standard input), at most `limit` bytes (larger: an error).
core::Expected<std::string> read_input(const std::string& path, std::size_t limit = k_max_input);

/// How read_files reads: through io_uring where the kernel allows it, or one file at a time.
enum class ReadMode { batched, one_by_one };

/// Each of `paths` in turn, read whole as read_input reads it (same limit, same errors), for
/// the regular files a directory walk found (find_dockerfiles): `each(i, text)` for every path
/// in order; the text lives until `each` returns. Batched, the files are opened, read and
/// closed a batch at a time through io_uring, one system call per batch instead of four per
/// file (a system call costs ~2 us on a VM: most of the time of reading thousands of small
/// files). A file whose batched reading is not plainly "a regular file read whole" (an error,
/// an empty file, a file larger than the batch's buffer, anything not at its end after one
/// read) is read again by read_input, which gives the answer and the error it always gave.
/// Where io_uring is not allowed (seccomp in a container, an old kernel), every file is read
/// by read_input.
void read_files(std::span<const std::string> paths, std::size_t limit,
                const std::function<void(std::size_t, core::Expected<std::string_view>)>& each,
                ReadMode mode = ReadMode::batched);

/// True for the names BuildKit users give Dockerfiles: `Dockerfile`, `Dockerfile.*`,
/// `*.Dockerfile`, `*.dockerfile`, `Containerfile`, `Containerfile.*`.
bool is_dockerfile_name(std::string_view file_name);

/// The Dockerfiles under a directory, recursively, sorted; hidden directories (`.git`) and
/// symlinks are not followed. Unreadable subdirectories are skipped.
std::vector<std::string> find_dockerfiles(const std::string& dir);

}  // namespace drydock::collect
