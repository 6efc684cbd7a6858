#pragma once
// Shared support of the integration tests: running commands, talking to the engine, files.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace drydock_it {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------
// Processes

struct Proc {
  int code = -1;  ///< exit status; 128+signal when killed; -1 when it could not be spawned
  std::string out;
  std::string err;
  bool timed_out = false;
};

/// Runs argv (PATH lookup), stdin from /dev/null, captures stdout and stderr, kills the
/// child after `timeout`.
inline Proc run(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  Proc p;
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return p;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return p;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    p.err = std::string("cannot spawn ") + argv[0] + ": " + std::strerror(rc);
    return p;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      p.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    const int n = poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        (i == 0 ? p.out : p.err).append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status))
    p.code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    p.code = 128 + WTERMSIG(status);
  return p;
}

inline std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
    ++i;
  return s.substr(i);
}

inline std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!trim(l).empty()) v.push_back(trim(l));
  return v;
}

inline std::string describe(const std::vector<std::string>& argv, const Proc& p) {
  std::string cmd;
  for (const auto& a : argv)
    cmd += a + " ";
  return cmd + "-> exit " + std::to_string(p.code) + (p.timed_out ? " (timed out)" : "") + "\nstdout: " + p.out.substr(0, 2000) +
         "\nstderr: " + p.err.substr(0, 2000);
}

inline std::string strip_sha(std::string id) {
  if (id.rfind("sha256:", 0) == 0) id = id.substr(7);
  return id;
}

/// A TCP port that is free right now on every interface (v4 and v6 where available).
inline int free_port() {
  const int s = socket(AF_INET6, SOCK_STREAM, 0);
  int port = 0;
  if (s >= 0) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    socklen_t len = sizeof a;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin6_port);
    close(s);
  }
  if (port == 0) {
    const int s4 = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    socklen_t len = sizeof a;
    if (s4 >= 0 && bind(s4, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(s4, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    if (s4 >= 0) close(s4);
  }
  return port;
}

/// Path of the engine's unix socket, as the docker CLI would find it (DOCKER_HOST or the
/// default); empty when the engine is reached over TCP.
inline std::string engine_socket() {
  const char* h = std::getenv("DOCKER_HOST");
  if (h == nullptr || *h == '\0') return "/var/run/docker.sock";
  const std::string host = h;
  if (host.rfind("unix://", 0) == 0) return host.substr(7);
  return {};
}

/// Waits for an engine (dockerd, a Podman service) that the test started to answer GET /_ping on
/// the unix socket `socket`: true once it answers OK, false after `tries` half-second tries, or
/// as soon as the process `pid` (when given) has exited, since its log then says why.
inline bool await_ping(const std::string& socket, int tries, pid_t pid = 0) {
  for (int i = 0; i < tries; ++i) {
    if (run({"curl", "-s", "--max-time", "2", "--unix-socket", socket, "http://localhost/_ping"}).out == "OK") return true;
    if (pid > 0 && ::kill(pid, 0) != 0) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return false;
}

/// One HTTP/1.0 POST of a JSON body to the engine's unix socket; the response body.
/// Used only to create (not start) exec instances, which the docker CLI cannot do.
inline std::optional<std::string> engine_post(const std::string& path, const std::string& body) {
  const std::string sock = engine_socket();
  if (sock.empty() || sock.size() >= sizeof(sockaddr_un::sun_path)) return std::nullopt;
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, sock.c_str(), sock.size());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return std::nullopt;
  }
  const std::string req = "POST " + path + " HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\n" +
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::size_t sent = 0;
  while (sent < req.size()) {
    const ssize_t n = write(fd, req.data() + sent, req.size() - sent);
    if (n <= 0) {
      close(fd);
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    resp.append(buf, static_cast<std::size_t>(n));
  close(fd);
  const auto head_end = resp.find("\r\n\r\n");
  if (head_end == std::string::npos || resp.find(" 201 ") > resp.find("\r\n")) return std::nullopt;
  return resp.substr(head_end + 4);
}

inline bool write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

inline std::optional<json> parse_json(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

/// Compares `actual` with tests/golden/NAME; DRYDOCK_UPDATE_GOLDEN=1 rewrites the file instead.
inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(DRYDOCK_TEST_DATA) + "/../golden/" + name;
  if (std::getenv("DRYDOCK_UPDATE_GOLDEN") != nullptr) write_file(path, actual);
  std::ifstream in(path);
  const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(actual, expected) << "golden file " << path;
}

/// Removes the images carrying this label (`key=value`), as the suites that build images do at the end.
inline void remove_labelled_images(const std::string& label) {
  if (label.empty()) return;
  const Proc is = run({"docker", "images", "-q", "--filter", "label=" + label});
  std::vector<std::string> rmi = {"docker", "rmi", "-f"};
  for (const auto& i : lines(is.out))
    rmi.push_back(i);
  if (rmi.size() > 3) run(rmi);
}

/// Imports a root file system of busybox-static (/bin/busybox and links to `applets`) as image
/// `tag`, labelled `label` (key=value), with the `docker import --change` instructions given.
/// "" on success, else what failed.
inline std::string import_busybox(const fs::path& dir, const std::string& tag, const std::string& label,
                                  const std::vector<std::string>& changes,
                                  const std::vector<std::string>& applets = {"sh", "sleep", "true", "cat", "echo", "ls", "id"}) {
  if (!fs::exists("/bin/busybox")) return "/bin/busybox (busybox-static) is missing";
  const fs::path root = dir / "rootfs";
  std::error_code ec;
  fs::create_directories(root / "bin", ec);
  fs::copy_file("/bin/busybox", root / "bin/busybox", fs::copy_options::overwrite_existing, ec);
  if (ec) return "cannot copy /bin/busybox: " + ec.message();
  for (const auto& applet : applets) fs::create_symlink("busybox", root / "bin" / applet, ec);
  const std::string tar = (dir / "rootfs.tar").string();
  Proc p = run({"tar", "-C", root.string(), "-cf", tar, "."});
  if (p.code != 0) return "tar: " + p.err;
  std::vector<std::string> argv = {"docker", "import", "--change", "LABEL " + label};
  for (const auto& c : changes) {
    argv.emplace_back("--change");
    argv.push_back(c);
  }
  argv.push_back(tar);
  argv.push_back(tag);
  p = run(argv);
  return p.code == 0 ? std::string() : "docker import: " + p.err;
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::string(ci) == "true" || std::string(ci) == "1");
}

}  // namespace drydock_it
