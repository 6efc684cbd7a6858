#include "drydock/collect/host/root.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

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
  if (err == ELOOP) message = "too many levels of symbolic links";
  return core::Error{kind, std::move(message), std::string(host_path)};
}

std::deque<std::string> components(std::string_view path) {
  std::deque<std::string> out;
  for (auto& c : core::split(path, '/')) {
    if (!c.empty() && c != ".") out.push_back(std::move(c));
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts)
    out += "/" + p;
  return out.empty() ? "/" : out;
}

/// Resolves `host_path` inside the tree at `dir` (non-empty) the way the kernel would if
/// `dir` were "/": absolute link targets restart at `dir`, ".." stops at it. Returns the
/// resolved host path ("/etc/docker/daemon.json"); the file is at dir + that path.
/// The last component is followed only when `follow_last` is true.
core::Expected<std::string> resolve_in(const std::string& dir, std::string_view host_path, bool follow_last) {
  std::vector<std::string> done;
  std::deque<std::string> todo = components(host_path);
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    const bool last = todo.empty();
    if (last && !follow_last) {
      done.push_back(std::move(c));
      break;
    }
    std::string on_disk = dir;
    on_disk += joined(done);
    if (!done.empty()) on_disk += '/';
    on_disk += c;
    struct stat st {};
    if (::lstat(on_disk.c_str(), &st) != 0) return tl::unexpected(errno_error(errno, host_path));
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return tl::unexpected(errno_error(ELOOP, host_path));
      std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 0) + 256, '\0');
      const ssize_t n = ::readlink(on_disk.c_str(), target.data(), target.size());
      if (n < 0) return tl::unexpected(errno_error(errno, host_path));
      if (static_cast<std::size_t>(n) >= target.size()) return tl::unexpected(errno_error(ENAMETOOLONG, host_path));
      target.resize(static_cast<std::size_t>(n));
      if (target.empty()) return tl::unexpected(errno_error(ENOENT, host_path));
      if (target.front() == '/') done.clear();
      auto more = components(target);
      todo.insert(todo.begin(), more.begin(), more.end());
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode)) return tl::unexpected(errno_error(ENOTDIR, host_path));
    done.push_back(std::move(c));
  }
  return joined(done);
}

std::string type_of(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISLNK(mode)) return "symlink";
  return "other";
}

/// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

HostRoot::HostRoot(std::string dir) : m_ids(std::make_shared<IdNames>()) {
  if (dir.empty() || core::normalize_path(dir) == "/") return;
  std::error_code ec;
  auto abs = std::filesystem::absolute(dir, ec);
  m_dir = core::normalize_path(ec ? std::move(dir) : abs.lexically_normal().string());
  if (m_dir == "/") m_dir.clear();
}

namespace {
/// Where the file is on this machine: the host path itself on the live host, else the
/// path resolved inside the root.
core::Expected<std::string> on_disk(const std::string& dir, std::string_view host_path, bool follow_last) {
  if (dir.empty())
    return core::normalize_path(host_path.starts_with('/') ? std::string(host_path) : "/" + std::string(host_path));
  DRYDOCK_TRY(resolved, resolve_in(dir, host_path, follow_last));
  return dir + resolved;
}
}  // namespace

core::Expected<std::string> HostRoot::read(std::string_view host_path, std::size_t limit) const {
  DRYDOCK_TRY(path, on_disk(m_dir, host_path, true));
  // Live: the kernel follows links. Under a root every link was resolved above; NOFOLLOW
  // refuses a link swapped in since.
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (live() ? 0 : O_NOFOLLOW);
  Fd f{::open(path.c_str(), flags)};
  if (f.fd < 0) return tl::unexpected(errno_error(errno, host_path));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return tl::unexpected(errno_error(errno, host_path));
  if (!S_ISREG(st.st_mode))
    return core::fail(core::ErrorKind::io, "not a regular file (" + type_of(st.st_mode) + ")", std::string(host_path));
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
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
  DRYDOCK_TRY(path, on_disk(m_dir, host_dir, true));
  const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (live() ? 0 : O_NOFOLLOW);
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return tl::unexpected(errno_error(errno, host_dir));
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
  auto path = on_disk(m_dir, host_path, false);
  if (!path) {
    if (path.error().kind != core::ErrorKind::not_found) f.error = path.error().describe();
    return f;
  }
  struct stat st {};
  if (::lstat(path->c_str(), &st) != 0) {
    const int err = errno;
    if (err != ENOENT && err != ENOTDIR) f.error = errno_error(err, f.path).describe();
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
  const auto path = on_disk(m_dir, host_path, true);
  if (!path) return false;
  struct stat st {};
  return ::stat(path->c_str(), &st) == 0;
}

}  // namespace drydock::collect
