#pragma once
/// Read-only access to a host's files: the live host ("/"), or a host tree mounted under a
/// directory (--root DIR). Every path is a host path ("/etc/docker/daemon.json"); symlinks
/// are resolved inside the root, never out of it, and nothing is opened for writing.
/// Under a root the kernel resolves each path (openat2 with RESOLVE_IN_ROOT and
/// RESOLVE_NO_MAGICLINKS) where it can; elsewhere a walk from a descriptor of the root, one
/// component at a time without following links, does the same: a link swapped in while a path
/// is resolved can never lead out of the root.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/host_facts.hpp"

namespace drydock::collect {

/// Who resolves paths under a root.
enum class RootResolver {
  kernel_if_available,  ///< openat2 when the kernel has it (Linux >= 5.6), else `walk`
  walk,                 ///< always the walk in user space (kernels without openat2; tests)
};

class HostRoot {
 public:
  /// `dir` "" or "/" is the live host.
  explicit HostRoot(std::string dir = "", RootResolver resolver = RootResolver::kernel_if_available);

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
  /// A descriptor of the host path opened with `flags` (O_NOFOLLOW: the last component is
  /// not followed), resolved inside the root.
  [[nodiscard]] core::Expected<int> open(std::string_view host_path, int flags) const;

  std::string m_dir;
  RootResolver m_resolver = RootResolver::kernel_if_available;
  std::shared_ptr<IdNames> m_ids;  ///< shared by copies; filled on first use (thread-safe)
};

}  // namespace drydock::collect
