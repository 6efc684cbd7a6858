// The SQLite database: import of every supported form, idempotence, atomicity (also when the
// importing process is killed), withdrawn advisories, info.

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "drydock/vuln/database.hpp"
#include "data.hpp"
#include "temp_dir.hpp"

namespace drydock::vuln {
namespace {

namespace fs = std::filesystem;

using testing::k_debian;
using testing::k_secdb;

using testing::TempDir;

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string record(const std::string& id, const std::string& ecosystem, const std::string& package, const std::string& fixed,
                   const std::string& extra = {}) {
  return R"({"id": ")" + id + R"(", "modified": "2024-05-01T00:00:00Z")" + extra +
         R"(, "affected": [{"package": {"ecosystem": ")" + ecosystem + R"(", "name": ")" + package +
         R"("}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": ")" + fixed + R"("}]}]}]})";
}

/// A zip archive like osv.dev's per-ecosystem ones: one <ID>.json per record.
void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, text] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(text.size()));
    archive_write_header(a, e);
    archive_write_data(a, text.data(), text.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

/// A database at `path` holding the Debian test records.
void make_debian_db(const std::string& path) {
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db) << db.error().describe();
  auto stats = db->import({k_debian});
  ASSERT_TRUE(stats) << stats.error().describe();
}

DatabaseInfo info_of(const std::string& path) {
  auto db = Database::open(path, Database::Mode::read);
  EXPECT_TRUE(db) << db.error().describe();
  auto info = db->info();
  EXPECT_TRUE(info) << info.error().describe();
  return *info;
}

TEST(VulnDatabase, ImportIsIdempotent) {
  TempDir tmp;
  const auto path = tmp.file("v.db");
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db) << db.error().describe();
  auto first = db->import({k_secdb, k_debian});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->rejected, 0U);
  EXPECT_EQ(first->withdrawn, 1U);
  const auto before = info_of(path);
  auto second = db->import({k_secdb, k_debian, k_secdb + "/v3.11/main.yaml"});
  ASSERT_TRUE(second) << second.error().describe();
  const auto after = info_of(path);
  EXPECT_EQ(after.advisories, before.advisories);
  EXPECT_EQ(after.per_ecosystem, before.per_ecosystem);
  EXPECT_EQ(after.per_ecosystem.at("Alpine:v3.11"), before.per_ecosystem.at("Alpine:v3.11"));
  EXPECT_EQ(after.per_ecosystem.at("Debian:12"), 6);
  EXPECT_EQ(after.per_ecosystem.at("Debian:11"), 1);
  EXPECT_EQ(after.per_ecosystem.at("Ubuntu:22.04:LTS"), 1);
  EXPECT_EQ(after.per_ecosystem.count("Debian:13"), 0U);
  EXPECT_EQ(after.sources.size(), 3U);
  EXPECT_EQ(after.schema, 1);
  EXPECT_GT(after.updated_at, 0);
  EXPECT_EQ(after.newest_modified, "2024-01-04T00:00:00Z");
}

TEST(VulnDatabase, ZipArchivesAndRejectedDocuments) {
  TempDir tmp;
  const auto zip = tmp.file("Debian.zip");
  write_zip(zip, {{"DSA-1.json", record("DSA-1", "Debian:12", "openssl", "3.0.11-1~deb12u2")},
                  {"DSA-2.json", record("DSA-2", "Debian:12", "curl", "7.88.1-10+deb12u5")},
                  {"broken.json", "{\"id\": "},
                  {"README.txt", "not a record"}});
  const auto path = tmp.file("v.db");
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  auto stats = db->import({zip});
  ASSERT_TRUE(stats) << stats.error().describe();
  EXPECT_EQ(stats->files, 3U);
  EXPECT_EQ(stats->advisories, 2U);
  EXPECT_EQ(stats->rejected, 1U);
  ASSERT_EQ(stats->warnings.size(), 1U);
  EXPECT_NE(stats->warnings[0].find("Debian.zip!broken.json: not valid JSON"), std::string::npos) << stats->warnings[0];
  auto rows = db->affected("Debian:12", "curl");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].id, "DSA-2");
  ASSERT_EQ((*rows)[0].ranges.size(), 1U);
  EXPECT_EQ((*rows)[0].ranges[0].events[1].version, "7.88.1-10+deb12u5");
  const auto info = info_of(path);
  ASSERT_EQ(info.sources.size(), 1U);
  EXPECT_EQ(info.sources[0].kind, "osv-zip");
  EXPECT_EQ(info.sources[0].advisories, 2);
}

TEST(VulnDatabase, AFailedImportChangesNothing) {
  TempDir tmp;
  const auto path = tmp.file("v.db");
  make_debian_db(path);
  const auto before = info_of(path);
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  // The secdb data is imported first, then the missing path fails: none of it may remain.
  auto stats = db->import({k_secdb, tmp.file("missing.json")});
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(stats.error().where, tmp.file("missing.json"));
  const auto after = info_of(path);
  EXPECT_EQ(after.advisories, before.advisories);
  EXPECT_EQ(after.per_ecosystem, before.per_ecosystem);
  EXPECT_EQ(after.sources.size(), before.sources.size());
}

TEST(VulnDatabase, AKilledImportLeavesThePreviousDatabase) {
  TempDir tmp;
  const auto path = tmp.file("v.db");
  make_debian_db(path);
  const auto before = info_of(path);
  // Enough records that the import is still running when it is killed.
  const auto dir = tmp.file("many");
  std::string batch = "[";
  for (int i = 0; i < 200000; ++i) {
    if (i > 0) batch += ",";
    batch += record("GEN-" + std::to_string(i), "Debian:12", "pkg" + std::to_string(i % 1000), "1.0-" + std::to_string(i));
    if (i % 20000 == 19999) {
      write(dir + "/part" + std::to_string(i / 20000) + ".json", batch + "]");
      batch = "[";
    }
  }
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto db = Database::open(path, Database::Mode::write);
    if (db) (void)db->import({dir});
    ::_exit(0);
  }
  // Killed as soon as the import's transaction has written its first pages (SQLite's rollback
  // journal appears then), whatever the speed of this machine: mid-import, by construction.
  const auto journal = path + "-journal";
  for (int waited = 0; waited < 60000 && !std::filesystem::exists(journal); ++waited)
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it was killed: the test proved nothing";
  const auto after = info_of(path);
  EXPECT_EQ(after.advisories, before.advisories);
  EXPECT_EQ(after.per_ecosystem, before.per_ecosystem);
  // And the next import works on the recovered file.
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->import({k_debian}));
}

TEST(VulnDatabase, WithdrawingRemovesAndSecdbFilesReplace) {
  TempDir tmp;
  const auto path = tmp.file("v.db");
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  write(tmp.file("a.json"), record("GHSA-1", "Debian:12", "zlib", "1.3-1"));
  ASSERT_TRUE(db->import({tmp.file("a.json")}));
  EXPECT_EQ(db->affected("Debian:12", "zlib")->size(), 1U);
  write(tmp.file("a.json"), record("GHSA-1", "Debian:12", "zlib", "1.3-1", R"(, "withdrawn": "2024-06-01T00:00:00Z")"));
  auto stats = db->import({tmp.file("a.json")});
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->withdrawn, 1U);
  EXPECT_TRUE(db->affected("Debian:12", "zlib")->empty());

  // A newer secdb file that no longer lists a CVE: the CVE goes.
  write(tmp.file("main.yaml"),
        "distroversion: v3.20\nreponame: main\npackages:\n  - pkg:\n      name: a\n      secfixes:\n"
        "        1.0-r1:\n          - CVE-2024-1\n          - CVE-2024-2\n");
  ASSERT_TRUE(db->import({tmp.file("main.yaml")}));
  EXPECT_EQ(db->affected("Alpine:v3.20", "a")->size(), 2U);
  write(tmp.file("main.yaml"),
        "distroversion: v3.20\nreponame: main\npackages:\n  - pkg:\n      name: a\n      secfixes:\n"
        "        1.0-r1:\n          - CVE-2024-1\n");
  ASSERT_TRUE(db->import({tmp.file("main.yaml")}));
  ASSERT_EQ(db->affected("Alpine:v3.20", "a")->size(), 1U);
  EXPECT_EQ((*db->affected("Alpine:v3.20", "a"))[0].id, "CVE-2024-1");
}

TEST(VulnDatabase, OpeningWhatIsNotADatabase) {
  TempDir tmp;
  auto missing = Database::open(tmp.file("none.db"), Database::Mode::read);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("drydock db import"), std::string::npos);
  write(tmp.file("text.db"), "hello, this is not SQLite, not at all, really not a database file");
  auto text = Database::open(tmp.file("text.db"), Database::Mode::read);
  ASSERT_FALSE(text);
}

TEST(VulnDatabase, DefaultPath) {
  const char* old_xdg = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old_xdg != nullptr ? old_xdg : "";
  ::setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(*default_db_path(), "/tmp/xdg/drydock/vuln.db");
  ::unsetenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (home != nullptr) {
    EXPECT_EQ(*default_db_path(), std::string(home) + "/.cache/drydock/vuln.db");
  }
  if (old_xdg != nullptr) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

TEST(VulnDatabase, AffectedEncodingRoundTrip) {
  using K = model::RangeEvent::Kind;
  const std::vector<model::AffectedRange> ranges = {{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "1:2.3-4"}}},
                                                    {"ECOSYSTEM", {{K::last_affected, "weird:12:ver"}, {K::limit, ""}}}};
  const std::vector<std::string> versions = {"1.0", "R5:x"};
  std::vector<model::AffectedRange> r;
  std::vector<std::string> v;
  ASSERT_TRUE(decode_affected(encode_affected(ranges, versions), r, v));
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[1].events[0].version, "weird:12:ver");
  EXPECT_EQ(r[1].events[1].kind, K::limit);
  EXPECT_EQ(v, versions);
  r.clear();
  EXPECT_FALSE(decode_affected("f3:1.0", r, v)) << "an event before any range";
  EXPECT_FALSE(decode_affected("R99:x", r, v));
}

}  // namespace
}  // namespace drydock::vuln
