#pragma once
/// A host filesystem built by a test in a temporary directory, for `--root DIR` audits:
/// files chmod'ed to exact modes, symlinks, and real unix sockets bound in the tree.
/// Header-only so that unit and integration tests can share it.

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace drydock::test {

class HostTree {
 public:
  HostTree() {
    char templ[] = "/tmp/drydock-host-XXXXXX";
    const char* made = ::mkdtemp(templ);
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    m_root = made;
  }
  ~HostTree() {
    for (int fd : m_sockets)
      ::close(fd);
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }
  HostTree(const HostTree&) = delete;
  HostTree& operator=(const HostTree&) = delete;

  /// The directory to pass as --root.
  [[nodiscard]] const std::string& root() const { return m_root; }
  /// Where a host path is on this machine (no link in the tree is resolved: build the
  /// targets before the links that point at them, or this path would follow a link out).
  [[nodiscard]] std::string at(const std::string& host_path) const { return m_root + host_path; }

  /// Writes a file (parents created 0755) and sets its mode exactly.
  void file(const std::string& host_path, const std::string& text, unsigned mode = 0644) const {
    parents(host_path);
    {
      std::ofstream out(at(host_path), std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) throw std::runtime_error("cannot write " + at(host_path));
    }
    chmod(host_path, mode);
  }
  void dir(const std::string& host_path, unsigned mode = 0755) const {
    std::filesystem::create_directories(at(host_path));
    chmod(host_path, mode);
  }
  /// A symlink at `host_path` whose target is written as is (absolute targets are host paths).
  void link(const std::string& host_path, const std::string& target) const {
    parents(host_path);
    std::filesystem::create_symlink(target, at(host_path));
  }
  /// A real unix socket bound at `host_path` (kept listening until the tree goes away).
  void socket(const std::string& host_path, unsigned mode) {
    parents(host_path);
    const std::string path = at(host_path);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    m_sockets.push_back(fd);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1) != 0) {
      throw std::runtime_error("cannot bind " + path + ": " + std::strerror(errno));
    }
    chmod(host_path, mode);
  }
  void chmod(const std::string& host_path, unsigned mode) const {
    if (::chmod(at(host_path).c_str(), static_cast<mode_t>(mode)) != 0) throw std::runtime_error("chmod " + at(host_path));
  }
  /// lchown; only root may give files away, so tests that need it check geteuid().
  bool chown(const std::string& host_path, unsigned uid, unsigned gid) const {
    return ::lchown(at(host_path).c_str(), uid, gid) == 0;
  }

 private:
  void parents(const std::string& host_path) const {
    std::filesystem::create_directories(std::filesystem::path(at(host_path)).parent_path());
  }

  std::string m_root;
  std::vector<int> m_sockets;
};

/// Accounts of a Debian host with a docker group (gid 998): alice is a listed member,
/// bob has it as his primary group.
inline void write_accounts(const HostTree& t) {
  t.file("/etc/passwd",
         "root:x:0:0:root:/root:/bin/bash\n"
         "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
         "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
         "bob:x:1001:998:Bob:/home/bob:/bin/bash\n");
  t.file("/etc/group",
         "root:x:0:\n"
         "daemon:x:1:\n"
         "alice:x:1000:\n"
         "docker:x:998:alice\n");
}

/// The acceptance scenario of issue 3: a Debian host where
/// - /etc/docker/daemon.json is 0606 and listens on tcp://0.0.0.0:2375 without TLS,
/// - docker.socket is 0446, docker.service 0644 (right),
/// - the Docker socket (/var/run -> /run, absolute link) is a real socket at 0666, root:docker,
/// - containerd's socket is 0660 root:root (right),
/// - audit rules watch dockerd (/usr/sbin/dockerd) and daemon.json only, and a commented-out
///   rule names /var/lib/docker,
/// - /var/lib/docker is on the root filesystem.
inline void build_acceptance_host(HostTree& t) {
  write_accounts(t);
  t.dir("/etc/docker", 0755);
  t.file("/etc/docker/daemon.json",
         "{\n  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"],\n  \"log-level\": \"info\"\n}\n", 0606);
  t.file("/etc/default/docker", "# Docker Upstart and SysVinit configuration file\n", 0644);
  t.file("/lib/systemd/system/docker.service",
         "[Service]\nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n", 0644);
  t.file("/lib/systemd/system/docker.socket", "[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\n", 0446);
  t.file("/usr/sbin/dockerd", "#!/bin/true\n", 0755);
  t.file("/usr/bin/containerd", "#!/bin/true\n", 0755);
  t.file("/usr/bin/containerd-shim-runc-v2", "#!/bin/true\n", 0755);
  t.file("/usr/sbin/runc", "#!/bin/true\n", 0755);
  t.dir("/run/containerd", 0711);
  t.socket("/run/docker.sock", 0666);  // before the link: at() must never follow a link out of the tree
  t.link("/var/run", "/run");
  t.chown("/run/docker.sock", 0, 998);
  t.socket("/run/containerd/containerd.sock", 0660);
  t.dir("/var/lib/docker", 0710);
  t.file("/etc/fstab", "# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=1234 / ext4 errors=remount-ro 0 1\n");
  t.file("/etc/audit/audit.rules", "## generated by augenrules\n-D\n-b 8192\n", 0640);
  t.file("/etc/audit/rules.d/docker.rules",
         "-w /usr/sbin/dockerd -p rwxa -k docker\n"
         "-w /etc/docker/daemon.json -p rwxa -k docker\n"
         "# -w /var/lib/docker -p rwxa -k docker\n",
         0640);
}

}  // namespace drydock::test
