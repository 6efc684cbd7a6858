#include "drydock/collect/files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return core::fail(core::ErrorKind::not_found, "no such file", path);
  if (!std::filesystem::is_regular_file(status)) return core::fail(core::ErrorKind::io, "not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorKind::permission, "cannot open the file for reading", path);
  return read_stream(in, path, limit);
}

bool is_dockerfile_name(std::string_view name) {
  const auto lower_ends = [&](std::string_view suffix) {
    if (name.size() <= suffix.size()) return false;
    const auto tail = name.substr(name.size() - suffix.size());
    return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return name == "Dockerfile" || name == "Containerfile" || name.starts_with("Dockerfile.") || name.starts_with("Containerfile.") ||
         lower_ends(".dockerfile");
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
