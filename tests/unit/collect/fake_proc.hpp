#pragma once
// A fake proc root in a temporary directory: <dir>/<pid>/{cgroup,cmdline,comm,status}, as
// collect::ProcessTable reads them. Removed with the object.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <system_error>

namespace drydock::testing {

struct FakeProcess {
  int pid = 0;
  std::string cgroup;   ///< file content; "" = no cgroup file (vanished)
  std::string cmdline;  ///< raw, NUL-separated ("sleep\0" "300\0")
  std::string comm = "sleep";
  int uid = 0;
  bool status = true;  ///< write a status file
};

class FakeProc {
 public:
  FakeProc() {
    char templ[] = "/tmp/drydock-proc-XXXXXX";
    if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp");
    m_dir = templ;
  }
  ~FakeProc() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  FakeProc(const FakeProc&) = delete;
  FakeProc& operator=(const FakeProc&) = delete;

  [[nodiscard]] const std::string& dir() const { return m_dir; }

  void add(const FakeProcess& p) const {
    const std::filesystem::path d = std::filesystem::path(m_dir) / std::to_string(p.pid);
    std::filesystem::create_directories(d);
    if (!p.cgroup.empty()) write(d / "cgroup", p.cgroup);
    write(d / "cmdline", p.cmdline);
    write(d / "comm", p.comm + "\n");
    if (p.status) {
      const std::string uid = std::to_string(p.uid);
      write(d / "status", "Name:\t" + p.comm + "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" + std::to_string(p.pid) +
                              "\nPid:\t" + std::to_string(p.pid) + "\nPPid:\t1\nTracerPid:\t0\nUid:\t" + uid + "\t" + uid + "\t" +
                              uid + "\t" + uid + "\nGid:\t0\t0\t0\t0\n");
    }
  }

  /// A file or directory that is not a process.
  void add_other(const std::string& name, bool directory) const {
    const std::filesystem::path p = std::filesystem::path(m_dir) / name;
    if (directory) {
      std::filesystem::create_directories(p);
    } else {
      write(p, "x\n");
    }
  }

 private:
  static void write(const std::filesystem::path& p, const std::string& content) {
    std::ofstream f(p, std::ios::binary);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + p.string());
  }

  std::string m_dir;
};

/// "sleep\0" "300\0" from {"sleep", "300"}.
inline std::string cmdline(std::initializer_list<std::string> args) {
  std::string out;
  for (const auto& a : args) {
    out += a;
    out.push_back('\0');
  }
  return out;
}

}  // namespace drydock::testing
