#pragma once
/// Read-only access to a host's files: the live host ("/"), or a host tree mounted under a
/// directory (--root DIR). Every path is a host path ("/etc/docker/daemon.json"); symlinks
/// are resolved inside the root, never out of it, and nothing is opened for writing.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/host_facts.hpp"

namespace drydock::collect {

class HostRoot {
 public:
  /// `dir` "" or "/" is the live host.
  explicit HostRoot(std::string dir = "");

  [[nodiscard]] bool live() const { return m_dir.empty(); }
  /// The root directory ("" for the live host).
  [[nodiscard]] const std::string& dir() const { return m_dir; }

  /// The whole content of a regular file, at most `limit` bytes (larger: an error).
  /// Errors: not_found, permission, io; each names the host path.
  [[nodiscard]] core::Expected<std::string> read(std::string_view host_path, std::size_t limit = 16U << 20U) const;

  /// The names in a directory (not "." and ".."), sorted; not_found when it does not exist.
  [[nodiscard]] core::Expected<std::vector<std::string>> list(std::string_view host_dir) const;

  /// lstat of a host path (the last component is not followed; the parents are, inside the
  /// root), with owner and group resolved through this root's /etc/passwd and /etc/group.
  /// A missing file gives exists=false; an unreadable one fills `error`.
  [[nodiscard]] model::FileFact stat(std::string_view host_path, std::string role) const;

  /// True when the path exists (following symlinks inside the root).
  [[nodiscard]] bool exists(std::string_view host_path) const;

 private:
  struct IdNames;  ///< uid and gid -> name from this root's /etc/passwd and /etc/group, read once

  [[nodiscard]] const IdNames& id_names() const;

  std::string m_dir;
  std::shared_ptr<IdNames> m_ids;  ///< shared by copies; filled on first use (thread-safe)
};

}  // namespace drydock::collect
