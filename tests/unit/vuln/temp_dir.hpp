#pragma once
// A scratch directory for one test, removed with everything in it at the end.

#include <unistd.h>

#include <filesystem>
#include <string>

namespace drydock::vuln::testing {

class TempDir {
 public:
  TempDir()
      : m_dir(std::filesystem::temp_directory_path() /
              ("drydock-vuln-" + std::to_string(::getpid()) + "-" + std::to_string(++s_count))) {
    std::filesystem::create_directories(m_dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// A path inside the directory.
  [[nodiscard]] std::string file(const std::string& name) const { return (m_dir / name).string(); }

 private:
  static inline int s_count = 0;
  std::filesystem::path m_dir;
};

}  // namespace drydock::vuln::testing
