// libFuzzer target for the package database parsers: any bytes must give packages or an error,
// never a crash, a hang or unbounded memory. The first byte chooses the parser (modulo 5):
// 0 dpkg status, 1 apk installed, 2 os-release, 3 rpm sqlite database bytes, 4 one rpm header
// blob, stored in a Packages table of a fresh in-memory database (3 and 4 also walk the file
// lists). Seeds: `sh tests/fuzz/seeds.sh OUT`.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drydock/parse/packages.hpp"

namespace {

/// A database with the rpm Packages table holding `blob`, as file bytes.
std::string database_with_blob(std::string_view blob) {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) __builtin_trap();
  sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO Packages(blob) VALUES (?)", -1, &st, nullptr);
  sqlite3_bind_blob(st, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_DONE) __builtin_trap();
  sqlite3_finalize(st);
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  return out;
}

void check(const drydock::core::Expected<std::vector<drydock::model::Package>>& result) {
  if (!result) {
    if (result.error().message.empty() || result.error().where.empty()) __builtin_trap();
    return;
  }
  for (const auto& p : *result) {
    // A listed package always has a name, a version and a source.
    if (p.name.empty() || p.version.empty() || p.source_name.empty() || p.source_version.empty()) __builtin_trap();
  }
}

/// The rpm file lists of the same bytes: every file has its package, no path is longer than two fields.
void check_files(std::string_view db) {
  const auto walked = drydock::parse::for_each_rpm_file(db, "rpmdb.sqlite", [&](std::string_view package, std::string_view path) {
    if (package.empty() || path.size() > 2 * drydock::parse::k_package_field_limit) __builtin_trap();
  });
  if (!walked && walked.error().message.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)drydock::parse::package_file_kind(bytes);
  switch (data[0] % 5) {
    case 0:
      check(drydock::parse::parse_dpkg_status(bytes, "status"));
      break;
    case 1:
      check(drydock::parse::parse_apk_installed(bytes, "installed"));
      break;
    case 2: {
      const auto os = drydock::parse::parse_os_release(bytes);
      if (os.id.size() > bytes.size()) __builtin_trap();
      break;
    }
    case 3:
      check(drydock::parse::parse_rpm_sqlite(bytes, "rpmdb.sqlite"));
      check_files(bytes);
      break;
    default: {
      const auto db = database_with_blob(bytes);
      check(drydock::parse::parse_rpm_sqlite(db, "rpmdb.sqlite"));
      check_files(db);
      break;
    }
  }
  return 0;
}
