#include "drydock/collect/host/root.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

#include "drydock/core/strings.hpp"
#include "drydock/parse/etc_files.hpp"

namespace drydock::collect {

struct HostRoot::IdNames {
  std::once_flag once;
  std::map<unsigned, std::string> users;
  std::map<unsigned, std::string> groups;
};

namespace {

/// Symbolic links followed while resolving one path, as Linux's MAXSYMLINKS.
constexpr int k_max_links = 40;

core::Error errno_error(int err, std::string_view host_path) {
  core::ErrorKind kind = core::ErrorKind::io;
  if (err == ENOENT || err == ENOTDIR) kind = core::ErrorKind::not_found;
  if (err == EACCES || err == EPERM) kind = core::ErrorKind::permission;
  std::string message = std::error_code(err, std::generic_category()).message();
  // openat2 gives ELOOP for a loop and for a /proc magic link it refuses to follow.
  if (err == ELOOP) message = "too many levels of symbolic links, or a /proc magic link (not followed under --root)";
  if (err == EXDEV) message = "resolves outside the root (refused)";
  return core::Error{kind, std::move(message), std::string(host_path)};
}

std::deque<std::string> components(std::string_view path) {
  std::deque<std::string> out;
  for (auto& c : core::split(path, '/')) {
    if (!c.empty() && c != ".") out.push_back(std::move(c));
  }
  return out;
}

std::string type_of(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISLNK(mode)) return "symlink";
  return "other";
}

/// Owns a descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(m_fd, other.m_fd);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  [[nodiscard]] int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

 private:
  int m_fd = -1;
};

/// openat2 below `root_fd` with every "/" and ".." clamped to it and magic links refused;
/// -1 with errno set on failure (ENOSYS: the kernel has no openat2).
int kernel_open(int root_fd, std::string_view host_path, int flags) {
#ifdef SYS_openat2
  open_how how{};
  how.flags = static_cast<std::uint64_t>(static_cast<unsigned>(flags));
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string path = host_path.empty() ? std::string("/") : std::string(host_path);
  // EAGAIN: a rename raced a ".." and the kernel could not prove the walk stayed inside.
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || (errno == EAGAIN && attempt < 32)) continue;
    return -1;
  }
#else
  (void)root_fd, (void)host_path, (void)flags;
  errno = ENOSYS;
  return -1;
#endif
}

/// Whether openat2 works here, asked once per process. Some seccomp profiles answer EPERM
/// for system calls they do not know: opening "." cannot be refused otherwise.
bool kernel_resolves(int root_fd) {
  static const bool available = [root_fd] {
    const int fd = kernel_open(root_fd, ".", O_PATH | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    return errno != ENOSYS && errno != EPERM;
  }();
  return available;
}

/// Where a walk ended: the directory that holds the last component, and its name ("." when
/// the path names that directory itself).
struct Located {
  Fd dir;
  std::string name;
};

/// Resolves `host_path` below `root_fd` the way the kernel would if the root were "/":
/// absolute link targets restart at the root, ".." stops at it. Every step opens one
/// component relative to the directory descriptor reached so far and never follows a link
/// while opening; links are read and their targets walked the same way. A directory swapped
/// for a link meanwhile fails the step instead of leading elsewhere. Magic links of a /proc
/// in the root are read as text, which names a path inside the root.
core::Expected<Located> walk(int root_fd, std::string_view host_path, bool follow_last) {
  std::vector<Fd> stack;  // the directories entered below the root; the back one is current
  const auto current = [&] { return stack.empty() ? root_fd : stack.back().get(); };
  const auto here = [&](std::string name) -> core::Expected<Located> {
    const int fd = ::fcntl(current(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return tl::unexpected(errno_error(errno, host_path));
    return Located{Fd(fd), std::move(name)};
  };
  std::deque<std::string> todo = components(host_path);
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    const bool last = todo.empty();
    struct stat st {};
    if (::fstatat(current(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return tl::unexpected(errno_error(errno, host_path));
    if (S_ISLNK(st.st_mode)) {
      if (last && !follow_last) return here(std::move(c));
      if (++links > k_max_links) return tl::unexpected(errno_error(ELOOP, host_path));
      std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 0) + 256, '\0');
      const ssize_t n = ::readlinkat(current(), c.c_str(), target.data(), target.size());
      if (n < 0) return tl::unexpected(errno_error(errno, host_path));
      if (static_cast<std::size_t>(n) >= target.size()) return tl::unexpected(errno_error(ENAMETOOLONG, host_path));
      target.resize(static_cast<std::size_t>(n));
      if (target.empty()) return tl::unexpected(errno_error(ENOENT, host_path));
      if (target.front() == '/') stack.clear();
      auto more = components(target);
      todo.insert(todo.begin(), more.begin(), more.end());
      continue;
    }
    if (last) return here(std::move(c));
    if (!S_ISDIR(st.st_mode)) return tl::unexpected(errno_error(ENOTDIR, host_path));
    const int fd = ::openat(current(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return tl::unexpected(errno_error(errno, host_path));
    stack.emplace_back(fd);
  }
  return here(".");
}

}  // namespace

HostRoot::HostRoot(std::string dir, RootResolver resolver) : m_resolver(resolver), m_ids(std::make_shared<IdNames>()) {
  if (dir.empty() || core::normalize_path(dir) == "/") return;
  std::error_code ec;
  auto abs = std::filesystem::absolute(dir, ec);
  m_dir = core::normalize_path(ec ? std::move(dir) : abs.lexically_normal().string());
  if (m_dir == "/") m_dir.clear();
}

core::Expected<int> HostRoot::open(std::string_view host_path, int flags) const {
  // openat2 refuses any flag O_PATH ignores.
  flags |= O_CLOEXEC | ((flags & O_PATH) != 0 ? 0 : O_NOCTTY);
  if (live()) {
    const std::string path =
        core::normalize_path(host_path.starts_with('/') ? std::string(host_path) : "/" + std::string(host_path));
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) return tl::unexpected(errno_error(errno, host_path));
    return fd;
  }
  const Fd root(::open(m_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) return tl::unexpected(errno_error(errno, m_dir));
  if (m_resolver == RootResolver::kernel_if_available && kernel_resolves(root.get())) {
    const int fd = kernel_open(root.get(), host_path, flags);
    if (fd < 0) return tl::unexpected(errno_error(errno, host_path));
    return fd;
  }
  DRYDOCK_TRY(at, walk(root.get(), host_path, (flags & O_NOFOLLOW) == 0));
  // The walk resolved every link; one swapped in since is refused, not followed.
  const int fd = ::openat(at.dir.get(), at.name.c_str(), flags | O_NOFOLLOW);
  if (fd < 0) return tl::unexpected(errno_error(errno, host_path));
  return fd;
}

core::Expected<std::string> HostRoot::read(std::string_view host_path, std::size_t limit) const {
  DRYDOCK_TRY(opened, open(host_path, O_RDONLY | O_NONBLOCK));
  const Fd f(opened);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return tl::unexpected(errno_error(errno, host_path));
  if (!S_ISREG(st.st_mode))
    return core::fail(core::ErrorKind::io, "not a regular file (" + type_of(st.st_mode) + ")", std::string(host_path));
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(f.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(errno_error(errno, host_path));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > limit) {
      return core::fail(core::ErrorKind::io, "larger than " + std::to_string(limit) + " bytes", std::string(host_path));
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

core::Expected<std::vector<std::string>> HostRoot::list(std::string_view host_dir) const {
  DRYDOCK_TRY(fd, open(host_dir, O_RDONLY | O_DIRECTORY));
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    return tl::unexpected(errno_error(err, host_dir));
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

const HostRoot::IdNames& HostRoot::id_names() const {
  std::call_once(m_ids->once, [this] {
    if (auto text = read("/etc/passwd")) {
      for (const auto& e : parse::passwd_entries(*text))
        m_ids->users.emplace(e.uid, e.name);  // first entry wins
    }
    if (auto text = read("/etc/group")) {
      for (const auto& e : parse::group_entries(*text))
        m_ids->groups.emplace(e.gid, e.name);
    }
  });
  return *m_ids;
}

model::FileFact HostRoot::stat(std::string_view host_path, std::string role) const {
  model::FileFact f;
  f.role = std::move(role);
  f.path = core::normalize_path(host_path.starts_with('/') ? std::string(host_path) : "/" + std::string(host_path));
  // O_PATH | O_NOFOLLOW: the link itself when the last component is one (lstat).
  auto opened = open(host_path, O_PATH | O_NOFOLLOW);
  if (!opened) {
    if (opened.error().kind != core::ErrorKind::not_found) f.error = opened.error().describe();
    return f;
  }
  const Fd fd(*opened);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    f.error = errno_error(errno, f.path).describe();
    return f;
  }
  f.exists = true;
  f.type = type_of(st.st_mode);
  f.mode = static_cast<unsigned>(st.st_mode) & 07777U;
  f.uid = st.st_uid;
  f.gid = st.st_gid;
  const auto& ids = id_names();
  const auto u = ids.users.find(f.uid);
  f.owner = u == ids.users.end() ? std::to_string(f.uid) : u->second;
  const auto g = ids.groups.find(f.gid);
  f.group = g == ids.groups.end() ? std::to_string(f.gid) : g->second;
  return f;
}

bool HostRoot::exists(std::string_view host_path) const {
  const auto opened = open(host_path, O_PATH);
  if (!opened) return false;
  ::close(*opened);
  return true;
}

}  // namespace drydock::collect
