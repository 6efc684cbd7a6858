#include "drydock/collect/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace drydock::collect {

namespace {

core::Expected<std::string> read_stream(std::istream& in, const std::string& path, std::size_t limit) {
  std::string out;
  std::array<char, 65536> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    out.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) {
      return core::fail(core::ErrorKind::io, "larger than the limit of " + std::to_string(limit >> 20U) + " MiB", path);
    }
  }
  if (in.bad()) return core::fail(core::ErrorKind::io, "read error", path);
  return out;
}

}  // namespace

core::Expected<std::string> read_input(const std::string& path, std::size_t limit) {
  if (path == "-") return read_stream(std::cin, "(stdin)", limit);
  // open + fstat + one read: the checks need the whole file, and an ifstream's buffers cost more
  // than the lint of a small Dockerfile (a system call costs ~6 us on a VM). O_NONBLOCK: a FIFO
  // named by mistake must not hang us.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return core::fail(core::ErrorKind::not_found, "no such file", path);
    return core::fail(core::ErrorKind::permission, "cannot open the file for reading", path);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return core::fail(core::ErrorKind::io, "cannot stat the file", path);
  if (!S_ISREG(st.st_mode)) return core::fail(core::ErrorKind::io, "not a regular file", path);
  std::string out;
  out.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), limit) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (out.size() > limit) break;
      out.resize(std::min(out.size() * 2, limit + 1));  // the file grew since fstat
    }
    const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail(core::ErrorKind::io, "read error", path);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    // A regular file's read comes up short only at its end: no second read to see the 0. (Not
    // for a size of 0, which /proc's files give.)
    if (st.st_size > 0 && used < out.size() && used >= static_cast<std::size_t>(st.st_size)) break;
  }
  if (used > limit) {
    return core::fail(core::ErrorKind::io, "larger than the limit of " + std::to_string(limit >> 20U) + " MiB", path);
  }
  out.resize(used);
  return out;
}

bool is_dockerfile_name(std::string_view name) {
  const auto lower_ends = [&](std::string_view suffix) {
    if (name.size() <= suffix.size()) return false;
    const auto tail = name.substr(name.size() - suffix.size());
    return std::equal(tail.begin(), tail.end(), suffix.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return name == "Dockerfile" || name == "Containerfile" || name.starts_with("Dockerfile.") ||
         name.starts_with("Containerfile.") || lower_ends(".dockerfile");
}

std::vector<std::string> find_dockerfiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    std::error_code type_ec;
    if (it->is_symlink(type_ec)) continue;
    if (it->is_directory(type_ec)) {
      if (name.starts_with('.') || name == "node_modules") it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(type_ec) && is_dockerfile_name(name)) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace drydock::collect
