#pragma once
// What the Watch... suites share: a busybox image of their own (imported on the engine they are
// given), names under the prefix dd-watch-<pid>-, and cleanup of what they made.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace drydock_it::watch_support {

inline std::string prefix() { return "dd-watch-" + std::to_string(::getpid()) + "-"; }
inline std::string label() { return "drydock.test=dd-watch-" + std::to_string(::getpid()); }

/// `docker` with an optional -H, so the same helpers drive the shared engine or a private one.
inline std::vector<std::string> docker(const std::string& host, std::vector<std::string> args) {
  std::vector<std::string> argv{"docker"};
  if (!host.empty()) {
    argv.emplace_back("-H");
    argv.push_back(host);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

/// Imports a busybox rootfs (sh, sleep, true, id) as `tag` on the engine at `host` ("" = default).
inline bool import_busybox(const std::string& host, const fs::path& work, const std::string& tag, std::string* why) {
  const fs::path root = work / "rootfs";
  std::error_code ec;
  fs::create_directories(root / "bin", ec);
  fs::create_directories(root / "etc", ec);
  fs::create_directories(root / "tmp", ec);
  if (!fs::exists(root / "bin/busybox")) fs::copy_file("/bin/busybox", root / "bin/busybox", ec);
  for (const char* applet : {"sh", "sleep", "true", "id", "cat"})
    fs::create_symlink("busybox", root / "bin" / applet, ec);
  const fs::path tar = work / "rootfs.tar";
  Proc t = run({"tar", "-C", root.string(), "-cf", tar.string(), "."});
  if (t.code != 0) {
    *why = describe({"tar"}, t);
    return false;
  }
  const auto argv =
      docker(host, {"import", "--change", "LABEL " + label(), "--change", R"(CMD ["sleep","3600"])", tar.string(), tag});
  Proc p = run(argv);
  if (p.code != 0) *why = describe(argv, p);
  return p.code == 0;
}

/// Removes the containers and images labelled by this process on the engine at `host`.
inline void cleanup(const std::string& host) {
  const Proc cs = run(docker(host, {"ps", "-aq", "--filter", "label=" + label()}));
  std::vector<std::string> rm = docker(host, {"rm", "-f", "-v"});
  const std::size_t base = rm.size();
  for (const auto& id : lines(cs.out))
    rm.push_back(id);
  if (rm.size() > base) run(rm);
  const Proc is = run(docker(host, {"images", "-q", "--filter", "label=" + label()}));
  std::vector<std::string> rmi = docker(host, {"rmi", "-f"});
  const std::size_t base2 = rmi.size();
  for (const auto& id : lines(is.out))
    rmi.push_back(id);
  if (rmi.size() > base2) run(rmi);
}

/// A `drydock watch` running in the background: its stdout lines (each with when it arrived)
/// and its stderr, read by threads of their own.
class WatchProc {
 public:
  using Clock = std::chrono::steady_clock;
  struct Line {
    Clock::time_point at;
    std::string text;
  };

  /// `drydock watch ARGS`, run through `wrapper` when given (e.g. nsenter into a private
  /// dockerd's network namespace; the wrapper must exec, so that the pid is drydock's).
  explicit WatchProc(const std::vector<std::string>& args, const std::vector<std::string>& wrapper = {}) {
    int out[2];
    int err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    std::vector<std::string> argv = wrapper;
    argv.emplace_back(DRYDOCK_BIN);
    argv.emplace_back("watch");
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv)
      cargs.push_back(a.data());
    cargs.push_back(nullptr);
    if (posix_spawnp(&m_pid, cargs[0], &fa, nullptr, cargs.data(), environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    m_out = std::thread([this, fd = out[0]] { pump(fd, false); });
    m_err = std::thread([this, fd = err[0]] { pump(fd, true); });
  }
  ~WatchProc() { stop(); }
  WatchProc(const WatchProc&) = delete;
  WatchProc& operator=(const WatchProc&) = delete;

  [[nodiscard]] pid_t pid() const { return m_pid; }

  /// SIGTERM, then the exit status (128+signal when killed).
  int stop() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) break;
        if (i == 99) {
          ::kill(m_pid, SIGKILL);
          ::waitpid(m_pid, &status, 0);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      m_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      m_pid = -1;
    }
    if (m_out.joinable()) m_out.join();
    if (m_err.joinable()) m_err.join();
    return m_code;
  }

  /// Waits until `pred` holds for some stdout line from index `from` on; that line's index, or -1.
  long wait_line(const std::function<bool(const json&)>& pred, std::chrono::milliseconds timeout, std::size_t from = 0) {
    std::unique_lock lock(m_mutex);
    long found = -1;
    m_changed.wait_for(lock, timeout, [&] {
      for (std::size_t i = from; i < m_lines.size(); ++i) {
        const auto j = parse_json(m_lines[i].text);
        if (j && pred(*j)) {
          found = static_cast<long>(i);
          return true;
        }
      }
      return m_closed;
    });
    return found;
  }

  /// Waits until stderr contains `text`.
  bool wait_err(const std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return m_errtext.find(text) != std::string::npos || m_closed; }) &&
           m_errtext.find(text) != std::string::npos;
  }

  std::vector<Line> lines() {
    std::lock_guard lock(m_mutex);
    return m_lines;
  }
  std::string err() {
    std::lock_guard lock(m_mutex);
    return m_errtext;
  }
  /// Every stdout line parsed (those that are not JSON are kept as strings).
  std::vector<json> objects() {
    std::vector<json> out;
    for (const auto& l : lines()) {
      auto j = parse_json(l.text);
      out.push_back(j ? *j : json(l.text));
    }
    return out;
  }

 private:
  void pump(int fd, bool is_err) {
    std::string partial;
    char buf[8192];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard lock(m_mutex);
      if (is_err) {
        m_errtext.append(buf, static_cast<std::size_t>(n));
      } else {
        partial.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = partial.find('\n')) != std::string::npos;) {
          m_lines.push_back(Line{Clock::now(), partial.substr(0, nl)});
          partial.erase(0, nl + 1);
        }
      }
      m_changed.notify_all();
    }
    ::close(fd);
    std::lock_guard lock(m_mutex);
    if (!is_err) m_closed = true;
    m_changed.notify_all();
  }

  pid_t m_pid = -1;
  int m_code = -1;
  std::thread m_out, m_err;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<Line> m_lines;
  std::string m_errtext;
  bool m_closed = false;
};

/// True when an engine answers and busybox-static is there; else skips (fails under CI=true).
#define DD_WATCH_REQUIRE_ENGINE()                                                                                   \
  do {                                                                                                              \
    const ::drydock_it::Proc ping = ::drydock_it::run({"docker", "version", "--format", "{{.Server.APIVersion}}"}); \
    if (ping.code != 0) {                                                                                           \
      if (::drydock_it::in_ci()) FAIL() << "CI=true but no Docker Engine answers";                                  \
      GTEST_SKIP() << "no Docker Engine answers";                                                                   \
    }                                                                                                               \
    if (!::drydock_it::fs::exists("/bin/busybox")) {                                                                \
      if (::drydock_it::in_ci()) FAIL() << "CI=true but /bin/busybox is missing";                                   \
      GTEST_SKIP() << "/bin/busybox (busybox-static) is missing";                                                   \
    }                                                                                                               \
  } while (0)

}  // namespace drydock_it::watch_support
