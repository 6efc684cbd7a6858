// `drydock db import|info`: the real binary over the shared Alpine secdb data and the Debian OSV
// test records; default path from XDG_CACHE_HOME, idempotence, a failed import that leaves the
// database as it was, exit codes. Needs no engine.

#include <gtest/gtest.h>

#include <filesystem>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

const std::string k_secdb = std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb";
const std::string k_debian = std::string(DRYDOCK_TEST_DATA) + "/vuln/debian";

struct Scratch {
  Scratch() : dir(fs::temp_directory_path() / ("drydock-dbcli-" + std::to_string(::getpid()))) { fs::create_directories(dir); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  fs::path dir;
};

/// drydock with XDG_CACHE_HOME set to `cache`.
Proc drydock(const fs::path& cache, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env", "XDG_CACHE_HOME=" + cache.string(), DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

TEST(DbCli, ImportAndInfoAtTheDefaultPath) {
  Scratch s;
  auto p = drydock(s.dir, {"db", "import", k_secdb, k_debian});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("imported 11892 advisories from 22 documents into " + (s.dir / "drydock/vuln.db").string()),
            std::string::npos)
      << p.out;
  EXPECT_NE(p.out.find("1 withdrawn advisories not kept"), std::string::npos) << p.out;
  EXPECT_TRUE(fs::exists(s.dir / "drydock/vuln.db"));

  p = drydock(s.dir, {"db", "info"});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("advisories: 11892"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("Alpine:v3.11"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("Debian:12"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find(k_secdb + " [directory] 11885 advisories, imported"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("(today)"), std::string::npos) << p.out;

  // Again: nothing changes.
  p = drydock(s.dir, {"db", "import", k_secdb});
  ASSERT_EQ(p.code, 0) << p.err;
  p = drydock(s.dir, {"db", "info"});
  EXPECT_NE(p.out.find("advisories: 11892"), std::string::npos) << p.out;
}

TEST(DbCli, FailedImportKeepsTheDatabase) {
  Scratch s;
  const auto db = (s.dir / "explicit.db").string();
  ASSERT_EQ(drydock(s.dir, {"db", "import", "--db", db, k_debian}).code, 0);
  auto p = drydock(s.dir, {"db", "import", "--db", db, k_secdb, (s.dir / "missing").string()});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("missing: no such file or directory"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("the database was left as it was"), std::string::npos) << p.err;
  p = drydock(s.dir, {"db", "info", "--db", db});
  EXPECT_NE(p.out.find("advisories: 7"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("Alpine"), std::string::npos) << p.out;
}

TEST(DbCli, InfoWithoutADatabase) {
  Scratch s;
  auto p = drydock(s.dir, {"db", "info"});
  EXPECT_EQ(p.code, 3);
  EXPECT_NE(p.err.find("no vulnerability database here: create it with `drydock db import"), std::string::npos) << p.err;
  p = drydock(s.dir, {"db"});
  EXPECT_EQ(p.code, 2) << "a subcommand is required";
}

}  // namespace
