#include "drydock/parse/packages.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

using ::testing::HasSubstr;

const std::string k_data = std::string(DRYDOCK_TEST_DATA) + "/packages/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The stdout of a shell command; the test fails when it exits non-zero.
std::string command_output(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << command;
  return out;
}

std::string describe(const model::Package& p) {
  return p.name + " " + p.version + " " + p.arch + " src=" + p.source_name + " " + p.source_version;
}

std::vector<std::string> describe_all(const std::vector<model::Package>& packages) {
  std::vector<std::string> out;
  for (const auto& p : packages)
    out.push_back(describe(p));
  return out;
}

// ---- which file is which ----

TEST(PackageFileLists, DpkgListsNameTheirPackage) {
  EXPECT_EQ(dpkg_list_package("/var/lib/dpkg/info/login.list"), "login");
  EXPECT_EQ(dpkg_list_package("var/lib/dpkg/info/libc6:amd64.list"), "libc6");
  EXPECT_EQ(dpkg_list_package("/var/lib/dpkg/status.d/base-files.md5sums"), "base-files");
  EXPECT_EQ(dpkg_list_package("/var/lib/dpkg/info/login.conffiles"), "");
  EXPECT_EQ(dpkg_list_package("/var/lib/dpkg/status"), "");
  std::vector<std::string> listed;
  for_each_dpkg_listed("/.\n/bin\r\n/bin/su\nnot a path\n\n/usr/bin/newgrp", false,
                       [&](std::string_view p) { listed.emplace_back(p); });
  EXPECT_EQ(listed, (std::vector<std::string>{"/.", "/bin", "/bin/su", "/usr/bin/newgrp"}));
  listed.clear();
  for_each_dpkg_listed("0123456789abcdef0123456789abcdef  usr/bin/wall\ngarbage\n", true,
                       [&](std::string_view p) { listed.emplace_back(p); });
  EXPECT_EQ(listed, (std::vector<std::string>{"/usr/bin/wall"}));
}

TEST(PackageFileLists, ApkRecordsGiveEachFileItsPackage) {
  std::vector<std::string> seen;
  for_each_apk_file("P:busybox\nV:1\nF:bin\nR:busybox\nF:etc\nR:securetty\n\nP:top\nR:rootfile\nbad\n\nR:orphan\n",
                    [&](std::string_view pkg, std::string_view path) { seen.push_back(std::string(pkg) + " " + std::string(path)); });
  EXPECT_EQ(seen, (std::vector<std::string>{"busybox /bin/busybox", "busybox /etc/securetty", "top /rootfile"}));
}

TEST(PackageFileKind, ByPath) {
  EXPECT_EQ(package_file_kind("var/lib/dpkg/status"), PackageFile::dpkg_status);
  EXPECT_EQ(package_file_kind("/var/lib/dpkg/status"), PackageFile::dpkg_status);
  EXPECT_EQ(package_file_kind("./var/lib/dpkg/status.d/libssl1.1"), PackageFile::dpkg_status);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/status.d/libc6.md5sums"), PackageFile::dpkg_file_list);
  EXPECT_EQ(package_file_kind("/var/lib/dpkg/info/login.list"), PackageFile::dpkg_file_list);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/info/login.md5sums"), PackageFile::none);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/info/x/y.list"), PackageFile::none);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/status.d/"), PackageFile::none);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/status.d/x/y"), PackageFile::none);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/status-old"), PackageFile::none);
  EXPECT_EQ(package_file_kind("var/lib/dpkg/available"), PackageFile::none);
  EXPECT_EQ(package_file_kind("/lib/apk/db/installed"), PackageFile::apk_installed);
  EXPECT_EQ(package_file_kind("var/lib/rpm/rpmdb.sqlite"), PackageFile::rpm_sqlite);
  EXPECT_EQ(package_file_kind("/usr/lib/sysimage/rpm/rpmdb.sqlite"), PackageFile::rpm_sqlite);
  EXPECT_EQ(package_file_kind("var/lib/rpm/rpmdb.sqlite-wal"), PackageFile::none);
  EXPECT_EQ(package_file_kind("etc/os-release"), PackageFile::os_release);
  EXPECT_EQ(package_file_kind("/usr/lib/os-release"), PackageFile::os_release);
  EXPECT_EQ(package_file_kind("home/u/etc/os-release"), PackageFile::none);
  EXPECT_EQ(package_file_kind(""), PackageFile::none);
}

// ---- dpkg ----

TEST(DpkgStatus, ThisMachinesWholeDatabaseMatchesDpkgQuery) {
  const auto text = slurp("/var/lib/dpkg/status");
  const auto packages = parse_dpkg_status(text, "/var/lib/dpkg/status");
  ASSERT_TRUE(packages) << packages.error().describe();

  // dpkg's own reading of the same database: every package whose files are on disk.
  const auto listing = command_output(
      "dpkg-query -W -f='${db:Status-Status} ${Package} ${Version} ${Architecture} ${source:Package} "
      "${source:Version}\\n'");
  const std::set<std::string> on_disk = {"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked"};
  std::multiset<std::string> expected;
  for (const auto& line : core::split(listing, '\n')) {
    const auto words = core::split_words(line);
    if (words.size() != 6 || !on_disk.contains(std::string(words[0]))) continue;
    expected.insert(std::string(words[1]) + " " + std::string(words[2]) + " " + std::string(words[3]) +
                    " src=" + std::string(words[4]) + " " + std::string(words[5]));
  }
  ASSERT_GT(expected.size(), 50U) << "dpkg-query listed too few packages to be a real system";
  const auto got = describe_all(*packages);
  EXPECT_EQ(std::multiset<std::string>(got.begin(), got.end()), expected);
  for (const auto& p : *packages) {
    EXPECT_EQ(p.manager, "dpkg");
    EXPECT_EQ(p.db_path, "/var/lib/dpkg/status");
  }
}

TEST(DpkgStatus, RealExcerpt) {
  const auto packages = parse_dpkg_status(slurp(k_data + "dpkg-status"), "var/lib/dpkg/status");
  ASSERT_TRUE(packages) << packages.error().describe();
  EXPECT_EQ(describe_all(*packages), (std::vector<std::string>{
                                         "base-files 12.4+deb12u11 amd64 src=base-files 12.4+deb12u11",
                                         "bash 5.2.15-2+b8 amd64 src=bash 5.2.15-2",
                                         "bsdutils 1:2.38.1-5+deb12u3 amd64 src=util-linux 2.38.1-5+deb12u3",
                                         "libc6 2.36-9+deb12u14 amd64 src=glibc 2.36-9+deb12u14",
                                         "libgcc-s1 12.2.0-14+deb12u1 amd64 src=gcc-12 12.2.0-14+deb12u1",
                                     }));
  EXPECT_EQ((*packages)[0].db_path, "var/lib/dpkg/status");
}

TEST(DpkgStatus, OnlyPackagesWhoseFilesAreOnDisk) {
  const auto packages = parse_dpkg_status(slurp(k_data + "dpkg-status-states"), "/var/lib/dpkg/status");
  ASSERT_TRUE(packages) << packages.error().describe();
  // Not nano (config-files), vim-tiny (not-installed, without Version), sudo (half-installed).
  EXPECT_EQ(describe_all(*packages), (std::vector<std::string>{
                                         "libc6 2.36-9+deb12u14 amd64 src=glibc 2.36-9+deb12u14",
                                         "libc6 2.36-9+deb12u14 i386 src=glibc 2.36-9+deb12u14",
                                         "openssl 3.0.15-1~deb12u1 amd64 src=openssl 3.0.15-1~deb12u1",
                                         "curl 7.88.1-10+deb12u8 amd64 src=curl 7.88.1-10+deb12u8",
                                         "tzdata 2024a-0+deb12u1 all src=tzdata 2024a-0+deb12u1",
                                     }));
}

TEST(DpkgStatus, DistrolessStanzaWithoutStatus) {
  const auto packages = parse_dpkg_status(slurp(k_data + "status.d/libssl3"), "/var/lib/dpkg/status.d/libssl3");
  ASSERT_TRUE(packages) << packages.error().describe();
  ASSERT_EQ(packages->size(), 1U);
  EXPECT_EQ(describe((*packages)[0]), "libssl3 3.0.15-1~deb12u1 amd64 src=openssl 3.0.15-1~deb12u1");
  EXPECT_EQ((*packages)[0].db_path, "/var/lib/dpkg/status.d/libssl3");
}

TEST(DpkgStatus, CrlfBlankLinesAndCaseOfFieldNames) {
  const auto packages = parse_dpkg_status(
      "\r\n\r\npackage: a\r\nSTATUS: install ok installed\r\nversion: 1.0\r\n \r\n\r\n"
      "Package: b\nVersion: 2\nStatus: install ok triggers-pending\n",
      "s");
  ASSERT_TRUE(packages) << packages.error().describe();
  EXPECT_EQ(describe_all(*packages), (std::vector<std::string>{"a 1.0  src=a 1.0", "b 2  src=b 2"}));
}

TEST(DpkgStatus, EmptyDatabaseHasNoPackages) {
  const auto packages = parse_dpkg_status("", "s");
  ASSERT_TRUE(packages);
  EXPECT_TRUE(packages->empty());
}

void expect_dpkg_error(std::string_view text, std::string_view where, std::string_view message_part) {
  const auto r = parse_dpkg_status(text, "/var/lib/dpkg/status");
  ASSERT_FALSE(r) << "parsed: " << text;
  EXPECT_EQ(r.error().kind, core::ErrorKind::parse);
  EXPECT_EQ(r.error().where, where);
  EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
}

TEST(DpkgStatus, MalformedInputIsAnErrorWithItsLine) {
  expect_dpkg_error("Package: a\nVersion: 1\n\nthis is not a field\n", "/var/lib/dpkg/status:4", "Field: value");
  expect_dpkg_error(" continuation first\n", "/var/lib/dpkg/status:1", "continuation");
  expect_dpkg_error("Package: a\n: empty name\n", "/var/lib/dpkg/status:2", "Field: value");
  expect_dpkg_error("\nPackage: a\nStatus: install ok installed\n", "/var/lib/dpkg/status:2", "without a Version");
  expect_dpkg_error("Status: install ok installed\nVersion: 1\n", "/var/lib/dpkg/status:1", "without a Package");
  expect_dpkg_error("Package: a\nVersion: 1\nPackage: b\n", "/var/lib/dpkg/status:3", "given twice");
  expect_dpkg_error("Package: a\nStatus: install installed\nVersion: 1\n", "/var/lib/dpkg/status:2", "three words");
  expect_dpkg_error("Package: a\nVersion: 1\nSource: glibc (2.36\n", "/var/lib/dpkg/status:3", "Source");
  expect_dpkg_error("Package: a\nVersion: 1\nSource: glibc () \n", "/var/lib/dpkg/status:3", "Source");
  expect_dpkg_error("Package: a\nVersion: 1\nSource: glibc (1) x\n", "/var/lib/dpkg/status:3", "Source");
  expect_dpkg_error("Package: " + std::string(k_package_field_limit + 1, 'a') + "\n", "/var/lib/dpkg/status:1", "too long");
}

TEST(DpkgStatus, LimitsOnSizeAndCount) {
  const std::string huge(k_text_package_db_limit + 1, '\n');
  const auto r = parse_dpkg_status(huge, "/var/lib/dpkg/status");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "/var/lib/dpkg/status");

  std::string many;
  for (std::size_t i = 0; i <= k_package_count_limit; ++i)
    many += "Package: p\nVersion: 1\n\n";
  const auto r2 = parse_dpkg_status(many, "s");
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message.find("more than"), std::string::npos);
}

// ---- apk ----

TEST(ApkInstalled, Fixture) {
  const auto packages = parse_apk_installed(slurp(k_data + "apk-installed"), "lib/apk/db/installed");
  ASSERT_TRUE(packages) << packages.error().describe();
  EXPECT_EQ(describe_all(*packages), (std::vector<std::string>{
                                         "musl 1.2.4_git20230717-r4 x86_64 src=musl 1.2.4_git20230717-r4",
                                         "busybox 1.36.1-r15 x86_64 src=busybox 1.36.1-r15",
                                         "busybox-binsh 1.36.1-r15 x86_64 src=busybox 1.36.1-r15",
                                         "alpine-baselayout-data 3.4.3-r2 x86_64 src=alpine-baselayout 3.4.3-r2",
                                         "libcrypto3 3.1.4-r5 x86_64 src=openssl 3.1.4-r5",
                                     }));
  for (const auto& p : *packages) {
    EXPECT_EQ(p.manager, "apk");
    EXPECT_EQ(p.db_path, "lib/apk/db/installed");
  }
}

TEST(ApkInstalled, WithoutOriginTheNameIsTheSource) {
  const auto packages = parse_apk_installed("P:foo\nV:1-r0\n", "/lib/apk/db/installed");
  ASSERT_TRUE(packages) << packages.error().describe();
  ASSERT_EQ(packages->size(), 1U);
  EXPECT_EQ(describe((*packages)[0]), "foo 1-r0  src=foo 1-r0");
}

TEST(ApkInstalled, MalformedInputIsAnErrorWithItsLine) {
  const auto check = [](std::string_view text, std::string_view where, std::string_view part) {
    const auto r = parse_apk_installed(text, "/lib/apk/db/installed");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().where, where);
    EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  };
  check("P:a\nV:1\nnot a field\n", "/lib/apk/db/installed:3", "X:value");
  check("P:a\nV:1\nP\n", "/lib/apk/db/installed:3", "X:value");
  check("P:a\nV:1\n\nV:2\nA:x86_64\n", "/lib/apk/db/installed:4", "without a name");
  check("\n\nP:a\nA:x86_64\n", "/lib/apk/db/installed:3", "without a version");
  check("P:a\nP:b\nV:1\n", "/lib/apk/db/installed:2", "'P:' given twice");
  check("P:a\nV:" + std::string(k_package_field_limit + 1, '1') + "\n", "/lib/apk/db/installed:2", "too long");
}

// ---- rpm ----

/// Writes `bytes` into a fresh database directory and lists it with the real rpm.
std::string rpm_query(const std::string& bytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("drydock-rpmdb-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rpmdb.sqlite", std::ios::binary) << bytes;
  const auto out = command_output("rpm --dbpath " + dir.string() +
                                  " --define '_db_backend sqlite' -qa --qf "
                                  "'%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\\n'");
  std::filesystem::remove_all(dir);
  return out;
}

TEST(RpmSqlite, RealDatabaseMatchesRpmItself) {
  const auto bytes = slurp(k_data + "rpm/rpmdb.sqlite");
  const auto packages = parse_rpm_sqlite(bytes, "var/lib/rpm/rpmdb.sqlite");
  ASSERT_TRUE(packages) << packages.error().describe();
  EXPECT_EQ(describe_all(*packages), (std::vector<std::string>{
                                         "drydock-epoch 3:2.5.1-7.fc39 x86_64 src=drydock-epoch 3:2.5.1-7.fc39",
                                         "drydock-hello 1.0.2-1.el9 noarch src=drydock-hello 1.0.2-1.el9",
                                         "drydock-hello-doc 1.0.2-1.el9 noarch src=drydock-hello 1.0.2-1.el9",
                                         "drydock-zero 0.9-2 noarch src=drydock-zero 0.9-2",
                                     }));
  for (const auto& p : *packages) {
    EXPECT_EQ(p.manager, "rpm");
    EXPECT_EQ(p.db_path, "var/lib/rpm/rpmdb.sqlite");
  }

  // rpm's own listing of the same bytes: same names, versions, architectures and source rpms
  // (rpm prints an explicit epoch 0, which has the same meaning as none).
  std::set<std::string> expected;
  for (const auto& line : core::split(rpm_query(bytes), '\n')) {
    const auto words = core::split_words(line);
    if (words.empty() || words[0] == "gpg-pubkey") continue;
    ASSERT_EQ(words.size(), 4U) << line;
    std::string version(words[1]);
    if (version.starts_with("0:")) version.erase(0, 2);
    expected.insert(std::string(words[0]) + " " + version + " " + std::string(words[2]) + " " + std::string(words[3]));
  }
  ASSERT_EQ(expected.size(), 4U);
  std::set<std::string> got;
  for (const auto& p : *packages) {
    const auto srpm = p.source_name + "-" + p.version.substr(p.version.find(':') + 1) + ".src.rpm";
    got.insert(p.name + " " + p.version + " " + p.arch + " " + srpm);
  }
  EXPECT_EQ(got, expected);
}

TEST(RpmSqlite, FileListsMatchRpmItself) {
  const auto bytes = slurp(k_data + "rpm/rpmdb.sqlite");
  std::set<std::string> got;
  const auto walked = for_each_rpm_file(bytes, "var/lib/rpm/rpmdb.sqlite", [&](std::string_view package, std::string_view path) {
    got.insert(std::string(package) + " " + std::string(path));
  });
  ASSERT_TRUE(walked) << walked.error().describe();
  EXPECT_EQ(got, (std::set<std::string>{"drydock-hello /usr/bin/drydock-hello-su", "drydock-hello /usr/share/drydock-hello/README"}));

  const auto dir = std::filesystem::temp_directory_path() / ("drydock-rpmfiles-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rpmdb.sqlite", std::ios::binary) << bytes;
  const auto listed = command_output("rpm --dbpath " + dir.string() + " --define '_db_backend sqlite' -qa --qf '[%{=NAME} %{FILENAMES}\\n]'");
  std::filesystem::remove_all(dir);
  std::set<std::string> expected;
  for (const auto& line : core::split(listed, '\n'))
    if (!line.empty()) expected.emplace(line);
  EXPECT_EQ(got, expected);
}

/// An SQLite database built in memory by `sql`, as file bytes.
std::string sqlite_bytes(const char* sql, const std::string& blob = {}) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  if (!blob.empty()) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages(blob) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_blob(st, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  sqlite3_close(db);
  return out;
}

constexpr const char* k_packages_table = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";

void expect_rpm_error(const std::string& bytes, std::string_view part) {
  const auto r = parse_rpm_sqlite(bytes, "/var/lib/rpm/rpmdb.sqlite");
  ASSERT_FALSE(r) << "parsed " << bytes.size() << " bytes";
  EXPECT_EQ(r.error().kind, core::ErrorKind::parse);
  EXPECT_EQ(r.error().where, "/var/lib/rpm/rpmdb.sqlite");
  EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24U), static_cast<char>((v >> 16U) & 0xFFU), static_cast<char>((v >> 8U) & 0xFFU),
          static_cast<char>(v & 0xFFU)};
}

/// A header blob: entries (tag, type, offset, count) over `data`.
std::string header(const std::vector<std::array<std::uint32_t, 4>>& entries, const std::string& data) {
  std::string out = be32(static_cast<std::uint32_t>(entries.size())) + be32(static_cast<std::uint32_t>(data.size()));
  for (const auto& e : entries)
    for (auto v : e)
      out += be32(v);
  return out + data;
}

TEST(RpmSqlite, CraftedHeaderWithoutSourceRpmOrEpoch) {
  const std::string data("bare\0001.0\0001\0", 11);
  const auto bytes = sqlite_bytes(k_packages_table, header({{1000, 6, 0, 1}, {1001, 6, 5, 1}, {1002, 6, 9, 1}}, data));
  const auto r = parse_rpm_sqlite(bytes, "rpmdb.sqlite");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(describe((*r)[0]), "bare 1.0-1  src=bare 1.0-1");
}

TEST(RpmSqlite, BrokenInputIsAnError) {
  expect_rpm_error("", "not an SQLite database");
  expect_rpm_error("Package: a\nVersion: 1\n", "not an SQLite database");
  expect_rpm_error(sqlite_bytes("CREATE TABLE Other (x);"), "no Packages table");
  expect_rpm_error(sqlite_bytes("CREATE TABLE t (x); CREATE VIEW Packages AS SELECT 1 AS hnum, x'00' AS blob;"), "not a table");
  expect_rpm_error(sqlite_bytes(k_packages_table, std::string("\0\0\0\1", 4)), "shorter than 8");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({}, "x")), "impossible");
  auto truncated = header({{1000, 6, 0, 1}}, std::string("name\0", 5));
  truncated.pop_back();
  expect_rpm_error(sqlite_bytes(k_packages_table, truncated), "truncated");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1000, 6, 9, 1}}, std::string("name\0", 5))), "outside");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1000, 6, 0, 1}}, "name")), "not terminated");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1000, 4, 0, 1}}, std::string("name\0", 5))), "not a string");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1000, 6, 0, 1}, {1003, 4, 3, 1}}, std::string("a\0b\0", 4))),
                   "outside");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1000, 6, 0, 1}}, std::string("a\0", 2))), "no VERSION");
  expect_rpm_error(sqlite_bytes(k_packages_table, header({{1001, 6, 0, 1}}, std::string("a\0", 2))), "no NAME");
  expect_rpm_error(sqlite_bytes("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);"
                                "INSERT INTO Packages VALUES (1, 'text');"),
                   "not a blob");
}

/// The files for_each_rpm_file lists from one crafted header, as "package path" lines, or its error.
std::string rpm_files(const std::string& blob) {
  std::string out;
  const auto walked = for_each_rpm_file(sqlite_bytes(k_packages_table, blob), "/var/lib/rpm/rpmdb.sqlite",
                                        [&](std::string_view package, std::string_view path) {
                                          out += std::string(package) + " " + std::string(path) + "\n";
                                        });
  if (!walked) return "error: " + walked.error().message;
  return out;
}

TEST(RpmSqlite, CraftedFileLists) {
  // NAME "p"; BASENAMES "su", "ls"; DIRNAMES "/usr/bin/", "/bin/"; DIRINDEXES 1, 0.
  const std::string data = std::string("p\0su\0ls\0/usr/bin/\0/bin/\0", 24) + be32(1) + be32(0);
  EXPECT_EQ(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 2}, {1118, 8, 8, 2}, {1116, 4, 24, 2}}, data)),
            "p /bin/su\np /usr/bin/ls\n");
  // Headers before rpm 4.0 list whole paths (OLDFILENAMES).
  EXPECT_EQ(rpm_files(header({{1000, 6, 0, 1}, {1027, 8, 2, 1}}, std::string("p\0/bin/su\0", 10))), "p /bin/su\n");
  // A package without files lists nothing.
  EXPECT_EQ(rpm_files(header({{1000, 6, 0, 1}}, std::string("p\0", 2))), "");
  // Arrays that disagree, an index past the directories, counts past the data: errors, never a read out of bounds.
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 2}, {1118, 8, 8, 2}, {1116, 4, 24, 1}}, data)),
              HasSubstr("2 file names but 1 directory indexes"));
  const std::string far = std::string("p\0su\0ls\0/usr/bin/\0/bin/\0", 24) + be32(2) + be32(0);
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 2}, {1118, 8, 8, 2}, {1116, 4, 24, 2}}, far)),
              HasSubstr("names directory 2 of 2"));
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 200}}, data)), HasSubstr("outside"));
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 2}, {1118, 8, 8, 2}, {1116, 4, 24, 0x40000000}}, data)),
              HasSubstr("outside"));
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 8, 2, 8}}, std::string("p\0a\0b\0c\0d\0e\0f\0g\0h", 17))),
              HasSubstr("not terminated"));
  EXPECT_THAT(rpm_files(header({{1000, 6, 0, 1}, {1117, 6, 2, 1}}, data)), HasSubstr("not a string array"));
  EXPECT_THAT(rpm_files(header({{1117, 8, 2, 1}}, data)), HasSubstr("no NAME"));
}

TEST(RpmSqlite, DamagedRealDatabaseNeverCrashes) {
  const auto bytes = slurp(k_data + "rpm/rpmdb.sqlite");
  ASSERT_FALSE(parse_rpm_sqlite(bytes.substr(0, bytes.size() / 2), "x"));  // pages missing
  ASSERT_FALSE(parse_rpm_sqlite(bytes.substr(0, 100), "x"));
  // Overwrite stretches of every page: each outcome must be packages or an error.
  for (std::size_t page = 0; page * 4096 < bytes.size(); ++page) {
    auto damaged = bytes;
    for (std::size_t i = page * 4096 + 100; i < std::min(damaged.size(), page * 4096 + 400); ++i)
      damaged[i] = static_cast<char>(i * 7);
    const auto r = parse_rpm_sqlite(damaged, "x");
    if (r) {
      EXPECT_LE(r->size(), 4U);
    }
  }
}

TEST(RpmSqlite, OverTheLimitIsRefused) {
  std::string huge(k_rpm_db_limit + 1, '\0');
  huge.replace(0, 16, std::string("SQLite format 3\0", 16));
  expect_rpm_error(huge, "larger than");
}

// ---- os-release ----

TEST(OsRelease, ThisMachineAsTheShellReadsIt) {
  const auto os = parse_os_release(slurp("/etc/os-release"));
  const auto shell = command_output(
      "sh -c '. /etc/os-release; printf \"%s\\n\" \"$ID\" \"$ID_LIKE\" \"$VERSION_ID\" \"$VERSION_CODENAME\" "
      "\"$PRETTY_NAME\"'");
  EXPECT_EQ(os.id + "\n" + os.id_like + "\n" + os.version_id + "\n" + os.version_codename + "\n" + os.pretty_name + "\n", shell);
  EXPECT_FALSE(os.id.empty());
}

TEST(OsRelease, QuotingAndComments) {
  const auto os = parse_os_release(
      "# comment\n"
      "NAME=\"Red Hat Enterprise Linux\"\n"
      "ID=\"rhel\"\r\n"
      "ID_LIKE='fedora centos'\n"
      "  VERSION_ID=9.3  \n"
      "PRETTY_NAME=\"Say \\\"hi\\\" \\\\ \\$HOME\"\n"
      "garbage line\n"
      "VERSION_CODENAME=\n");
  EXPECT_EQ(os.id, "rhel");
  EXPECT_EQ(os.id_like, "fedora centos");
  EXPECT_EQ(os.version_id, "9.3");
  EXPECT_EQ(os.pretty_name, "Say \"hi\" \\ $HOME");
  EXPECT_EQ(os.version_codename, "");
}

TEST(OsRelease, AlpineAndEmpty) {
  const auto os = parse_os_release(
      "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"
      "HOME_URL=\"https://alpinelinux.org/\"\n");
  EXPECT_EQ(os.id, "alpine");
  EXPECT_EQ(os.version_id, "3.19.1");
  EXPECT_EQ(os.pretty_name, "Alpine Linux v3.19");
  const auto none = parse_os_release("ID=\"unterminated\nID_LIKE='x");
  EXPECT_EQ(none.id, "unterminated");
  EXPECT_EQ(none.id_like, "x");
  EXPECT_EQ(parse_os_release("").id, "");
}

}  // namespace
}  // namespace drydock::parse
