#include "drydock/collect/host/procfs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

namespace drydock::collect {
namespace {

/// Closes a file descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return m_fd; }

 private:
  int m_fd;
};

/// The whole content of `name` under the directory `dir_fd`; nullopt when it cannot be
/// opened or read (the process has gone: ENOENT, ESRCH).
std::optional<std::string> read_at(int dir_fd, const char* name) {
  Fd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

/// A /proc entry name that is a pid: digits only, positive, fits an int.
std::optional<int> parse_pid(const char* name) {
  if (*name == '\0') return std::nullopt;
  long long v = 0;
  for (const char* p = name; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
    v = v * 10 + (*p - '0');
    if (v > INT_MAX) return std::nullopt;
  }
  if (v <= 0) return std::nullopt;
  return static_cast<int>(v);
}

/// cmdline: arguments separated (and terminated) by NULs -> joined with spaces.
std::string join_cmdline(std::string text) {
  while (!text.empty() && text.back() == '\0')
    text.pop_back();
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

/// The first number of the "Uid:" line of a status file ("" when absent).
std::string real_uid(std::string_view status) {
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t end = status.find('\n', pos);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(pos, end - pos);
    if (line.starts_with("Uid:")) {
      line.remove_prefix(4);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
      std::size_t n = 0;
      while (n < line.size() && line[n] >= '0' && line[n] <= '9')
        ++n;
      return std::string(line.substr(0, n));
    }
    pos = end + 1;
  }
  return {};
}

/// Reads one process; nullopt when it vanished meanwhile.
std::optional<ProcEntry> read_process(int proc_fd, const char* name, int pid) {
  Fd dir(::openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return std::nullopt;
  ProcEntry e;
  e.pid = pid;
  auto cgroup = read_at(dir.get(), "cgroup");
  if (!cgroup) return std::nullopt;
  e.cgroup = std::move(*cgroup);
  auto cmdline = read_at(dir.get(), "cmdline");
  if (!cmdline) return std::nullopt;
  e.command = join_cmdline(std::move(*cmdline));
  if (e.command.empty()) {
    auto comm = read_at(dir.get(), "comm");
    if (!comm) return std::nullopt;
    while (!comm->empty() && comm->back() == '\n')
      comm->pop_back();
    e.command = "[" + *comm + "]";
  }
  auto status = read_at(dir.get(), "status");
  if (!status) return std::nullopt;
  e.uid = real_uid(*status);
  return e;
}

/// The next line of `text` from `pos` (without '\n'); false at the end. A final newline
/// does not start another line.
bool next_line(std::string_view text, std::size_t& pos, std::string_view& line) {
  if (pos >= text.size()) return false;
  std::size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  line = text.substr(pos, end - pos);
  pos = end + 1;
  return true;
}

/// "hierarchy:controllers:path" -> the length of "hierarchy:controllers:", npos when malformed.
std::size_t path_start(std::string_view line) {
  const std::size_t first = line.find(':');
  if (first == std::string_view::npos) return std::string_view::npos;
  const std::size_t second = line.find(':', first + 1);
  return second == std::string_view::npos ? std::string_view::npos : second + 1;
}

bool line_within(std::string_view member, std::string_view group) {
  const std::size_t m = path_start(member);
  const std::size_t g = path_start(group);
  if (m == std::string_view::npos || g == std::string_view::npos) return member == group;
  if (member.substr(0, m) != group.substr(0, g)) return false;
  const std::string_view mp = member.substr(m);
  const std::string_view gp = group.substr(g);
  if (!mp.starts_with(gp)) return false;
  return mp.size() == gp.size() || gp.ends_with('/') || mp[gp.size()] == '/';
}

}  // namespace

bool cgroup_within(std::string_view member, std::string_view group) {
  if (member == group) return true;
  std::size_t mpos = 0, gpos = 0;
  std::string_view ml, gl;
  for (;;) {
    const bool more_m = next_line(member, mpos, ml);
    const bool more_g = next_line(group, gpos, gl);
    if (!more_m || !more_g) return more_m == more_g;
    if (!line_within(ml, gl)) return false;
  }
}

bool proc_root_readable(const std::string& proc_root) {
  if (proc_root.empty()) return false;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return false;
  ::closedir(dir);
  return true;
}

ProcessTable ProcessTable::scan(const std::string& proc_root) {
  ProcessTable table;
  if (proc_root.empty()) return table;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return table;
  table.m_readable = true;
  const int root_fd = ::dirfd(dir);  // openat() only: the stream's offset is left alone
  while (const dirent* d = ::readdir(dir)) {
    const auto pid = parse_pid(d->d_name);
    if (!pid) continue;
    if (auto e = read_process(root_fd, d->d_name, *pid)) table.m_entries.push_back(std::move(*e));
  }
  ::closedir(dir);
  std::sort(table.m_entries.begin(), table.m_entries.end(), [](const ProcEntry& a, const ProcEntry& b) { return a.pid < b.pid; });
  return table;
}

const ProcEntry* ProcessTable::find(int pid) const {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), pid, [](const ProcEntry& e, int p) { return e.pid < p; });
  return it != m_entries.end() && it->pid == pid ? &*it : nullptr;
}

std::optional<std::vector<model::Process>> ProcessTable::processes_of(int init_pid, std::string_view container_id) const {
  if (init_pid <= 0 || container_id.empty()) return std::nullopt;
  const ProcEntry* init = find(init_pid);
  if (init == nullptr || init->cgroup.find(container_id) == std::string::npos) return std::nullopt;
  std::vector<model::Process> out;
  for (const auto& e : m_entries) {
    if (!cgroup_within(e.cgroup, init->cgroup)) continue;
    out.push_back(model::Process{std::to_string(e.pid), e.uid, e.command});
  }
  return out;
}

}  // namespace drydock::collect
