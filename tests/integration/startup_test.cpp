// What drydock loads at start: libcurl and libarchive (and the 36 libraries they need) are
// opened only by the commands that use them (core::SharedLibrary), so that linting a Dockerfile
// or a Compose file does not pay ~400 page faults of mapping and relocating them. The dynamic
// loader's own trace (LD_DEBUG=files) says what was loaded.

#include <gtest/gtest.h>

#include <fstream>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

/// Runs drydock with the loader's trace of the files it loads on stderr.
Proc traced(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env", "LD_DEBUG=files", DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

bool loaded(const Proc& p, const std::string& soname_prefix) { return p.err.find("file=" + soname_prefix) != std::string::npos; }

TEST(Startup, LintingLoadsNeitherLibcurlNorLibarchive) {
  const fs::path dir = fs::temp_directory_path() / "drydock-startup-test";
  fs::create_directories(dir);
  std::ofstream(dir / "Dockerfile") << "FROM debian:12\nUSER 1000\n";
  const auto p = traced({"dockerfile", (dir / "Dockerfile").string(), "--fail-on", "none"});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("Dockerfile"), std::string::npos);
  EXPECT_TRUE(loaded(p, "libc.so"));  // the trace is there
  EXPECT_FALSE(loaded(p, "libcurl.so"));
  EXPECT_FALSE(loaded(p, "libarchive.so"));
  EXPECT_FALSE(loaded(p, "libgnutls.so"));
  fs::remove_all(dir);
}

TEST(Startup, TheEngineClientOpensLibcurlWhenItConnects) {
  const auto p = traced({"host", "--host", "unix:///nonexistent/docker.sock"});
  EXPECT_EQ(p.code, 3) << p.err;
  EXPECT_TRUE(loaded(p, "libcurl.so"));
  EXPECT_FALSE(loaded(p, "libarchive.so"));
  EXPECT_NE(p.err.find("cannot connect to the Docker engine at unix:///nonexistent/docker.sock"), std::string::npos) << p.err;
}

TEST(Startup, ReadingAnImageArchiveOpensLibarchive) {
  const fs::path tar = fs::temp_directory_path() / "drydock-startup-test.tar";
  std::ofstream(tar) << "not a tar archive at all";
  const auto p = traced({"image", tar.string()});
  EXPECT_EQ(p.code, 3) << p.err;
  EXPECT_TRUE(loaded(p, "libarchive.so"));
  EXPECT_FALSE(loaded(p, "libcurl.so"));
  EXPECT_NE(p.err.find("not a tar archive"), std::string::npos) << p.err;
  fs::remove(tar);
}

}  // namespace
