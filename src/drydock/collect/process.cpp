#include "drydock/collect/process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include "drydock/core/strings.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace drydock::collect {
namespace {

using core::ErrorKind;

std::vector<char*> c_argv(std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (auto& a : argv)
    out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

constexpr std::size_t k_capture_limit = std::size_t{1} << 20U;
constexpr std::size_t k_log_read_limit = std::size_t{1} << 30U;

}  // namespace

core::Expected<Child> Child::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) return core::fail(ErrorKind::usage, "no command to run");
  auto copy = argv;
  auto args = c_argv(copy);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (rc != 0) return core::fail(ErrorKind::io, std::string("cannot run ") + argv[0] + ": " + std::strerror(rc));
  return Child(pid);
}

Child::~Child() {
  if (m_pid > 0 && !m_status) {
    // Never leave a zombie: the child is waited for (it was asked to end by the caller).
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::optional<int> Child::wait_for(std::chrono::milliseconds wait) {
  if (m_status) return m_status;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      m_status = decode_status(status);
      return m_status;
    }
    if (r < 0 && errno != EINTR) {
      m_status = -1;
      return m_status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

core::Expected<RunResult> run_capture(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  if (argv.empty()) return core::fail(ErrorKind::usage, "no command to run");
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return core::fail(ErrorKind::io, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  auto copy = argv;
  auto args = c_argv(copy);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return core::fail(ErrorKind::io, std::string("cannot run ") + argv[0] + ": " + std::strerror(rc));
  }
  RunResult out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, 8192> buf{};
  bool timed_out = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;
    const ssize_t r = ::read(fds[0], buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (out.out.size() < k_capture_limit) out.out.append(buf.data(), static_cast<std::size_t>(r));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return core::fail(ErrorKind::timeout, argv[0] + " did not end in time");
  out.code = decode_status(status);
  return out;
}

core::Expected<AuditStatus> audit_status() {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return core::fail(ErrorKind::permission, std::string("cannot open the audit netlink socket: ") + std::strerror(errno));
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  nlmsghdr req{};
  req.nlmsg_len = NLMSG_LENGTH(0);
  req.nlmsg_type = AUDIT_GET;
  req.nlmsg_flags = NLM_F_REQUEST;
  req.nlmsg_seq = 1;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &req, req.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    const int e = errno;
    ::close(fd);
    return core::fail(ErrorKind::permission, std::string("cannot ask the kernel for the audit status: ") + std::strerror(e));
  }
  alignas(nlmsghdr) std::array<char, 8192> buf{};
  for (int attempt = 0; attempt < 4; ++attempt) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    auto len = static_cast<unsigned>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (err->error == 0) continue;
        ::close(fd);
        return core::fail(ErrorKind::permission, std::string("the kernel refuses the audit status: ") + std::strerror(-err->error));
      }
      if (h->nlmsg_type != AUDIT_GET) continue;
      ::audit_status s{};
      std::memcpy(&s, NLMSG_DATA(h), std::min<std::size_t>(sizeof s, h->nlmsg_len - NLMSG_LENGTH(0)));
      ::close(fd);
      return AuditStatus{s.enabled != 0, static_cast<pid_t>(s.pid), s.lost, s.rate_limit, s.backlog_limit};
    }
  }
  ::close(fd);
  return core::fail(ErrorKind::timeout, "the kernel did not answer the audit status request");
}

std::string auditd_log_path(const std::string& conf) {
  std::ifstream in(conf);
  for (std::string line; std::getline(in, line);) {
    const auto t = core::trim(line);
    if (!t.starts_with("log_file")) continue;
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    const auto value = core::trim(t.substr(eq + 1));
    if (!value.empty()) return std::string(value);
  }
  return "/var/log/audit/audit.log";
}

core::Expected<LogTail> LogTail::open(const std::string& path) {
  LogTail t;
  t.m_path = path;
  t.m_kmsg = path == "/dev/kmsg";
  t.m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (t.m_kmsg ? O_NONBLOCK : 0));
  if (t.m_fd < 0) {
    const int e = errno;
    return core::fail(e == EACCES || e == EPERM ? ErrorKind::permission : ErrorKind::io,
                      std::string("cannot read: ") + std::strerror(e), path);
  }
  if (t.m_kmsg) {
    // What is there already is no record, but the last 5 seconds of it count against the
    // kernel's rate limit (the ring buffer's clock is the monotonic one).
    t.drain_kmsg(nullptr);
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto now_us = static_cast<std::uint64_t>(now.tv_sec) * 1000000U + static_cast<std::uint64_t>(now.tv_nsec) / 1000U;
    const std::uint64_t since = now_us > 5000000U ? now_us - 5000000U : 0;
    std::erase_if(t.m_audit_times, [since](std::uint64_t at) { return at < since; });
  } else {
    struct stat st{};
    if (::fstat(t.m_fd, &st) != 0) return core::fail(ErrorKind::io, "cannot stat", path);
    t.m_offset = st.st_size;
  }
  return t;
}

LogTail::LogTail(LogTail&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_fd(other.m_fd),
      m_kmsg(other.m_kmsg),
      m_offset(other.m_offset),
      m_rotated(other.m_rotated),
      m_overrun(other.m_overrun),
      m_audit_times(std::move(other.m_audit_times)) {
  other.m_fd = -1;
}

LogTail::~LogTail() {
  if (m_fd >= 0) ::close(m_fd);
}

core::Expected<std::string> LogTail::read_new() {
  std::string out;
  std::array<char, 65536> buf{};
  if (m_kmsg) {
    drain_kmsg(&out);
    return out;
  }
  // The file auditd writes may have been rotated (replaced): read the path again.
  const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::fail(ErrorKind::io, std::string("cannot read: ") + std::strerror(errno), m_path);
  struct stat now{};
  struct stat before{};
  ::fstat(fd, &now);
  ::fstat(m_fd, &before);
  if (now.st_ino != before.st_ino || now.st_size < m_offset) {
    m_rotated = true;
    m_offset = 0;
  }
  off_t at = m_offset;
  while (out.size() < k_log_read_limit) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    at += n;
  }
  ::close(fd);
  m_offset = at;
  return out;
}

void LogTail::drain_kmsg(std::string* out) {
  // One record per read: "prio,seq,usec,flags;message\n" and continuation lines (" KEY=value").
  std::array<char, 8192> buf{};
  std::size_t total = 0;
  while (total < k_log_read_limit) {
    const ssize_t n = ::read(m_fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {  // overwritten before they were read
      if (out != nullptr) m_overrun = true;
      continue;
    }
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
    const std::string_view rec(buf.data(), static_cast<std::size_t>(n));
    const auto semi = rec.find(';');
    const auto first = rec.substr(0, rec.find('\n'));
    if (semi != std::string_view::npos && first.find("audit: ", semi) != std::string_view::npos) {
      const auto fields = core::split(rec.substr(0, semi), ',');
      if (fields.size() >= 3) m_audit_times.push_back(std::strtoull(fields[2].c_str(), nullptr, 10));
    }
    if (out != nullptr) {
      out->append(first);
      out->push_back('\n');
    }
  }
}

bool reaches_burst(std::vector<std::uint64_t> times, std::size_t burst, std::uint64_t window_us) {
  if (burst == 0) return true;
  std::sort(times.begin(), times.end());
  for (std::size_t i = 0; i + burst <= times.size(); ++i)
    if (times[i + burst - 1] - times[i] < window_us) return true;
  return false;
}

PidScan scan_container_pids(std::string_view container_id, const std::string& proc_root) {
  PidScan out;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return out;
  std::array<char, 4096> buf{};
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || pid <= 0) continue;
    const std::string path = proc_root + "/" + e->d_name + "/cgroup";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    ::close(fd);
    if (n <= 0) continue;
    const std::string_view cgroup(buf.data(), static_cast<std::size_t>(n));
    (cgroup.find(container_id) != std::string_view::npos ? out.inside : out.outside).insert(static_cast<int>(pid));
  }
  ::closedir(dir);
  return out;
}

}  // namespace drydock::collect
