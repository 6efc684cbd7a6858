#include "drydock/parse/packages.hpp"

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "drydock/core/strings.hpp"
#include "drydock/parse/lines.hpp"

namespace drydock::parse {
namespace {

core::Error error_at(std::string_view db_path, int line, std::string message) {
  return core::Error{core::ErrorKind::parse, std::move(message), std::string(db_path) + ":" + std::to_string(line)};
}

bool size_ok(std::string_view text, std::string_view db_path, core::Error& err) {
  if (text.size() <= k_text_package_db_limit) return true;
  err = core::Error{core::ErrorKind::parse,
                    "package database is larger than " + std::to_string(k_text_package_db_limit >> 20U) + " MiB",
                    std::string(db_path)};
  return false;
}

bool field_is(std::string_view field, std::string_view name) {
  return field.size() == name.size() && core::starts_with_ci(field, name);
}

/// deb822 field names: printable ASCII without spaces or colons, not starting with '#' or '-'.
bool valid_field_name(std::string_view name) {
  if (name.empty() || name.front() == '#' || name.front() == '-') return false;
  for (char c : name) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

/// The words of a dpkg Status whose package's files are fully on disk.
bool dpkg_files_present(std::string_view state) {
  static constexpr std::array<std::string_view, 5> present = {"installed", "triggers-pending", "triggers-awaited",
                                                              "half-configured", "unpacked"};
  for (auto s : present) {
    if (state == s) return true;
  }
  return false;
}

using Status = tl::expected<void, core::Error>;

/// Appends `p`, or fails when the database lists more than k_package_count_limit packages.
Status add_package(std::vector<model::Package>& out, model::Package p, std::string_view db_path, int line) {
  if (out.size() >= k_package_count_limit)
    return tl::unexpected(error_at(db_path, line, "more than " + std::to_string(k_package_count_limit) + " packages"));
  p.db_path = db_path;
  out.push_back(std::move(p));
  return {};
}

/// Walks a database of records separated by blank lines: `on_line(line, number, opens_record)`
/// for every other line, `on_end()` after each record.
template <class OnLine, class OnEnd>
Status for_each_record(std::string_view text, OnLine on_line, OnEnd on_end) {
  LineCursor lines(text);
  std::string_view line;
  bool open = false;
  while (lines.next(line)) {
    if (core::trim(line).empty()) {
      if (open) {
        auto ended = on_end();
        if (!ended) return ended;
      }
      open = false;
      continue;
    }
    auto read = on_line(line, lines.number(), !open);
    if (!read) return read;
    open = true;
  }
  return open ? on_end() : Status{};
}

/// Keeps a record's field value; a field given twice or too long is an error.
Status keep_once(std::optional<std::string_view>& slot, std::string_view value, std::string_view field, std::string_view db_path,
                 int line) {
  if (slot.has_value())
    return tl::unexpected(error_at(db_path, line, "field '" + std::string(field) + "' given twice in one package"));
  if (value.size() > k_package_field_limit)
    return tl::unexpected(error_at(db_path, line, "field '" + std::string(field) + "' is too long"));
  slot = value;
  return {};
}

/// One dpkg stanza as read so far.
struct DpkgStanza {
  int first_line = 0;
  std::optional<std::string_view> package, version, arch, source, status;
  int status_line = 0;
  int source_line = 0;
};

Status finish_dpkg(const DpkgStanza& s, std::string_view db_path, std::vector<model::Package>& out) {
  if (s.status) {
    const auto words = core::split_words(*s.status);
    if (words.size() != 3)
      return tl::unexpected(error_at(db_path, s.status_line, "Status must be three words (want flag state)"));
    if (!dpkg_files_present(words[2])) return {};
  }
  if (!s.package || s.package->empty())
    return tl::unexpected(error_at(db_path, s.first_line, "installed package without a Package field"));
  if (!s.version || s.version->empty())
    return tl::unexpected(
        error_at(db_path, s.first_line, "installed package '" + std::string(*s.package) + "' without a Version"));
  model::Package p;
  p.name = *s.package;
  p.version = *s.version;
  p.arch = s.arch.value_or("");
  p.source_name = p.name;
  p.source_version = p.version;
  p.manager = "dpkg";
  if (s.source) {
    // "name" or "name (version)" when the source version differs from the binary's.
    const auto bad_source = [&] {
      return tl::unexpected(error_at(db_path, s.source_line, "Source must be 'name' or 'name (version)'"));
    };
    const auto open = s.source->find('(');
    const auto name = core::trim(s.source->substr(0, open));
    if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return bad_source();
    p.source_name = name;
    if (open != std::string_view::npos) {
      const auto close = s.source->find(')', open);
      if (close == std::string_view::npos) return bad_source();
      const auto version = core::trim(s.source->substr(open + 1, close - open - 1));
      if (version.empty() || !core::trim(s.source->substr(close + 1)).empty()) return bad_source();
      p.source_version = version;
    }
  }
  return add_package(out, std::move(p), db_path, s.first_line);
}

}  // namespace

std::string_view dpkg_list_package(std::string_view path) {
  while (path.starts_with('/') || path.starts_with("./"))
    path.remove_prefix(path.starts_with('/') ? 1 : 2);
  std::string_view name;
  if (static constexpr std::string_view info = "var/lib/dpkg/info/"; path.starts_with(info) && path.ends_with(".list")) {
    name = path.substr(info.size(), path.size() - info.size() - 5);
  } else if (static constexpr std::string_view status_d = "var/lib/dpkg/status.d/";
             path.starts_with(status_d) && path.ends_with(".md5sums")) {
    name = path.substr(status_d.size(), path.size() - status_d.size() - 8);
  } else {
    return {};
  }
  if (name.find('/') != std::string_view::npos) return {};
  return name.substr(0, name.find(':'));  // multi-arch: "libc6:amd64"
}

void for_each_dpkg_listed(std::string_view text, bool is_md5sums, const std::function<void(std::string_view)>& fn) {
  std::string path;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_md5sums) {
      // "<32 hex>  usr/bin/foo"
      const auto gap = line.find("  ");
      if (gap == std::string_view::npos || gap + 2 >= line.size()) continue;
      path.assign("/");
      path.append(line.substr(gap + 2));
      fn(path);
    } else if (line.starts_with('/')) {
      fn(line);
    }
  }
}

void for_each_apk_file(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn) {
  std::string_view package;
  std::string_view dir;
  std::string path;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty()) {  // a record ends
      package = {};
      dir = {};
      continue;
    }
    if (line.size() < 2 || line[1] != ':') continue;
    const auto value = line.substr(2);
    if (line[0] == 'P') {
      package = value;
    } else if (line[0] == 'F') {
      dir = value;
    } else if (line[0] == 'R' && !package.empty() && !value.empty()) {
      path.assign("/");
      if (!dir.empty()) {
        path.append(dir);
        path.push_back('/');
      }
      path.append(value);
      fn(package, path);
    }
  }
}

PackageFile package_file_kind(std::string_view path) {
  while (path.starts_with('/') || path.starts_with("./"))
    path.remove_prefix(path.starts_with('/') ? 1 : 2);
  if (path == "var/lib/dpkg/status") return PackageFile::dpkg_status;
  static constexpr std::string_view status_d = "var/lib/dpkg/status.d/";
  if (path.starts_with(status_d)) {
    const auto name = path.substr(status_d.size());
    // distroless keeps each package's file list beside its stanza, as NAME.md5sums.
    if (name.empty() || name.find('/') != std::string_view::npos) return PackageFile::none;
    return name.ends_with(".md5sums") ? PackageFile::dpkg_file_list : PackageFile::dpkg_status;
  }
  if (!dpkg_list_package(path).empty()) return PackageFile::dpkg_file_list;
  if (path == "lib/apk/db/installed") return PackageFile::apk_installed;
  if (path == "var/lib/rpm/rpmdb.sqlite" || path == "usr/lib/sysimage/rpm/rpmdb.sqlite") return PackageFile::rpm_sqlite;
  if (path == "etc/os-release" || path == "usr/lib/os-release") return PackageFile::os_release;
  return PackageFile::none;
}

core::Expected<std::vector<model::Package>> parse_dpkg_status(std::string_view text, std::string_view db_path) {
  core::Error err;
  if (!size_ok(text, db_path, err)) return tl::unexpected(err);
  std::vector<model::Package> out;
  DpkgStanza stanza;
  const auto on_line = [&](std::string_view line, int n, bool opens) -> Status {
    if (line.front() == ' ' || line.front() == '\t') {
      // The continuation of a multi-line field (Description, Conffiles): nothing we keep.
      if (opens) return tl::unexpected(error_at(db_path, n, "continuation line outside a field"));
      return {};
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !valid_field_name(line.substr(0, colon)))
      return tl::unexpected(error_at(db_path, n, "expected 'Field: value'"));
    if (opens) stanza = DpkgStanza{n};
    const auto field = line.substr(0, colon);
    const auto value = core::trim(line.substr(colon + 1));
    if (field_is(field, "Package")) return keep_once(stanza.package, value, field, db_path, n);
    if (field_is(field, "Version")) return keep_once(stanza.version, value, field, db_path, n);
    if (field_is(field, "Architecture")) return keep_once(stanza.arch, value, field, db_path, n);
    if (field_is(field, "Source")) {
      stanza.source_line = n;
      return keep_once(stanza.source, value, field, db_path, n);
    }
    if (field_is(field, "Status")) {
      stanza.status_line = n;
      return keep_once(stanza.status, value, field, db_path, n);
    }
    return {};
  };
  auto read = for_each_record(text, on_line, [&] { return finish_dpkg(stanza, db_path, out); });
  if (!read) return tl::unexpected(read.error());
  return out;
}

core::Expected<std::vector<model::Package>> parse_apk_installed(std::string_view text, std::string_view db_path) {
  core::Error err;
  if (!size_ok(text, db_path, err)) return tl::unexpected(err);
  std::vector<model::Package> out;
  struct Record {
    int first_line = 0;
    std::optional<std::string_view> name, version, arch, origin;
  } record;
  const auto on_line = [&](std::string_view line, int n, bool opens) -> Status {
    if (line.size() < 2 || line[1] != ':') return tl::unexpected(error_at(db_path, n, "expected 'X:value'"));
    if (opens) record = Record{n};
    const auto field = line.substr(0, 2);
    const auto value = line.substr(2);
    switch (line[0]) {
      case 'P':
        return keep_once(record.name, value, field, db_path, n);
      case 'V':
        return keep_once(record.version, value, field, db_path, n);
      case 'A':
        return keep_once(record.arch, value, field, db_path, n);
      case 'o':
        return keep_once(record.origin, value, field, db_path, n);
      default:
        return {};
    }
  };
  const auto on_end = [&]() -> Status {
    if (!record.name || record.name->empty())
      return tl::unexpected(error_at(db_path, record.first_line, "package record without a name (P:)"));
    if (!record.version || record.version->empty())
      return tl::unexpected(
          error_at(db_path, record.first_line, "package '" + std::string(*record.name) + "' without a version (V:)"));
    model::Package p;
    p.name = *record.name;
    p.version = *record.version;
    p.arch = record.arch.value_or("");
    // The origin is the aport (APKBUILD) that built the package: what secdb advisories name.
    p.source_name = record.origin && !record.origin->empty() ? *record.origin : *record.name;
    p.source_version = p.version;
    p.manager = "apk";
    return add_package(out, std::move(p), db_path, record.first_line);
  };
  auto read = for_each_record(text, on_line, on_end);
  if (!read) return tl::unexpected(read.error());
  return out;
}

namespace {

// rpm header tags and types (rpmtag.h): the few this parser reads.
constexpr std::uint32_t k_tag_name = 1000;
constexpr std::uint32_t k_tag_version = 1001;
constexpr std::uint32_t k_tag_release = 1002;
constexpr std::uint32_t k_tag_epoch = 1003;
constexpr std::uint32_t k_tag_arch = 1022;
constexpr std::uint32_t k_tag_sourcerpm = 1044;
constexpr std::uint32_t k_tag_oldfilenames = 1027;
constexpr std::uint32_t k_tag_dirindexes = 1116;
constexpr std::uint32_t k_tag_basenames = 1117;
constexpr std::uint32_t k_tag_dirnames = 1118;
constexpr std::uint32_t k_type_int32 = 4;
constexpr std::uint32_t k_type_string = 6;
constexpr std::uint32_t k_type_string_array = 8;
constexpr std::uint32_t k_type_i18nstring = 9;
/// rpm itself refuses headers with more entries or data (HEADER_TAGS_MAX, HEADER_DATA_MAX).
constexpr std::uint32_t k_header_entries_max = 0xFFFF;
constexpr std::uint32_t k_header_data_max = 0x0FFFFFFF;

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U) | (std::uint32_t{p[2]} << 8U) | std::uint32_t{p[3]};
}

/// A header blob as rpm stores it in the database: entry count, data size, the index of
/// 16-byte entries (tag, type, offset, count; big-endian) and the data they point into.
class RpmHeader {
 public:
  static std::optional<RpmHeader> open(const unsigned char* blob, std::size_t size, std::string& why) {
    if (size < 8) {
      why = "header blob shorter than 8 bytes";
      return std::nullopt;
    }
    RpmHeader h;
    h.m_entries = be32(blob);
    h.m_data_size = be32(blob + 4);
    if (h.m_entries == 0 || h.m_entries > k_header_entries_max || h.m_data_size > k_header_data_max) {
      why = "header blob with an impossible entry count or data size";
      return std::nullopt;
    }
    if (std::uint64_t{8} + std::uint64_t{16} * h.m_entries + h.m_data_size > size) {
      why = "header blob truncated";
      return std::nullopt;
    }
    h.m_index = blob + 8;
    h.m_data = h.m_index + std::size_t{16} * h.m_entries;
    return h;
  }

  /// A string tag: nullopt when absent; an error when present but malformed.
  tl::expected<std::optional<std::string>, std::string> string(std::uint32_t tag) const {
    const unsigned char* e = find(tag);
    if (e == nullptr) return std::nullopt;
    const std::uint32_t type = be32(e + 4);
    const std::uint32_t offset = be32(e + 8);
    if (type != k_type_string && type != k_type_string_array && type != k_type_i18nstring)
      return tl::unexpected("tag " + std::to_string(tag) + " is not a string");
    if (offset >= m_data_size) return tl::unexpected("tag " + std::to_string(tag) + " points outside the header");
    const auto* start = reinterpret_cast<const char*>(m_data + offset);
    const auto* end = static_cast<const char*>(std::memchr(start, '\0', m_data_size - offset));
    if (end == nullptr) return tl::unexpected("tag " + std::to_string(tag) + " is not terminated");
    if (static_cast<std::size_t>(end - start) > k_package_field_limit)
      return tl::unexpected("tag " + std::to_string(tag) + " is too long");
    return std::string(start, end);
  }

  /// An INT32 tag's first value: nullopt when absent; an error when present but malformed.
  tl::expected<std::optional<std::uint32_t>, std::string> int32(std::uint32_t tag) const {
    const unsigned char* e = find(tag);
    if (e == nullptr) return std::nullopt;
    const std::uint32_t offset = be32(e + 8);
    if (be32(e + 4) != k_type_int32 || be32(e + 12) == 0)
      return tl::unexpected("tag " + std::to_string(tag) + " is not an INT32");
    if (std::uint64_t{offset} + 4 > m_data_size)
      return tl::unexpected("tag " + std::to_string(tag) + " points outside the header");
    return be32(m_data + offset);
  }

  /// A STRING_ARRAY tag's strings, views into the blob: empty when absent; an error when
  /// present but malformed.
  tl::expected<std::vector<std::string_view>, std::string> strings(std::uint32_t tag) const {
    std::vector<std::string_view> out;
    const unsigned char* e = find(tag);
    if (e == nullptr) return out;
    const std::uint32_t offset = be32(e + 8);
    const std::uint32_t count = be32(e + 12);
    if (be32(e + 4) != k_type_string_array) return tl::unexpected("tag " + std::to_string(tag) + " is not a string array");
    // Every string takes at least its terminator: a count beyond the data left is a lie.
    if (offset >= m_data_size || count > m_data_size - offset)
      return tl::unexpected("tag " + std::to_string(tag) + " points outside the header");
    out.reserve(count);
    std::size_t at = offset;
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto* start = reinterpret_cast<const char*>(m_data + at);
      const auto* end = static_cast<const char*>(std::memchr(start, '\0', m_data_size - at));
      if (end == nullptr) return tl::unexpected("tag " + std::to_string(tag) + " is not terminated");
      if (static_cast<std::size_t>(end - start) > k_package_field_limit)
        return tl::unexpected("tag " + std::to_string(tag) + " is too long");
      out.emplace_back(start, static_cast<std::size_t>(end - start));
      at += out.back().size() + 1;
    }
    return out;
  }

  /// An INT32 tag's values: empty when absent; an error when present but malformed.
  tl::expected<std::vector<std::uint32_t>, std::string> int32s(std::uint32_t tag) const {
    std::vector<std::uint32_t> out;
    const unsigned char* e = find(tag);
    if (e == nullptr) return out;
    const std::uint32_t offset = be32(e + 8);
    const std::uint32_t count = be32(e + 12);
    if (be32(e + 4) != k_type_int32) return tl::unexpected("tag " + std::to_string(tag) + " is not an INT32");
    if (std::uint64_t{offset} + std::uint64_t{4} * count > m_data_size)
      return tl::unexpected("tag " + std::to_string(tag) + " points outside the header");
    out.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) out.push_back(be32(m_data + offset + std::size_t{4} * i));
    return out;
  }

 private:
  const unsigned char* find(std::uint32_t tag) const {
    for (std::uint32_t i = 0; i < m_entries; ++i) {
      const unsigned char* e = m_index + std::size_t{16} * i;
      if (be32(e) == tag) return e;
    }
    return nullptr;
  }

  std::uint32_t m_entries = 0;
  std::uint32_t m_data_size = 0;
  const unsigned char* m_index = nullptr;
  const unsigned char* m_data = nullptr;
};

/// "name-version-release.src.rpm" -> "name"; nullopt when it does not have that shape.
std::optional<std::string> source_rpm_name(std::string_view srpm) {
  for (auto suffix : {std::string_view(".src.rpm"), std::string_view(".nosrc.rpm")}) {
    if (srpm.ends_with(suffix)) {
      srpm.remove_suffix(suffix.size());
      const auto release_dash = srpm.rfind('-');
      if (release_dash == std::string_view::npos || release_dash == 0) return std::nullopt;
      const auto version_dash = srpm.rfind('-', release_dash - 1);
      if (version_dash == std::string_view::npos || version_dash == 0) return std::nullopt;
      return std::string(srpm.substr(0, version_dash));
    }
  }
  return std::nullopt;
}

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteClose>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

/// Stops a statement that runs far longer than reading every row of a database under
/// k_rpm_db_limit can take: a crafted file must not hang the scan.
int progress_budget(void* calls) {
  auto* n = static_cast<std::uint64_t*>(calls);
  return ++*n > 100000 ? 1 : 0;  // called every 10,000 VM steps: 10^9 steps at most
}

tl::expected<SqliteDb, std::string> open_in_memory(std::string_view bytes, std::uint64_t* progress_calls) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    return tl::unexpected(std::string("cannot open an in-memory SQLite database"));
  }
  SqliteDb db(raw);
  // The database is untrusted: SQLite's advice for such files.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_progress_handler(db.get(), 10000, progress_budget, progress_calls);
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (copy == nullptr) return tl::unexpected(std::string("out of memory"));
  std::memcpy(copy, bytes.data(), bytes.size());
  // rpm keeps its database in WAL mode (header bytes 18 and 19 are 2); the in-memory VFS has no
  // WAL, so the copy is marked as a rollback-journal database. rpm checkpoints on close, so the
  // main file holds every committed package.
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  const int rc =
      sqlite3_deserialize(db.get(), "main", copy, static_cast<sqlite3_int64>(bytes.size()),
                          static_cast<sqlite3_int64>(bytes.size()), SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return tl::unexpected(std::string("not a readable SQLite database: ") + sqlite3_errstr(rc));
  sqlite3_exec(db.get(), "PRAGMA cell_size_check=ON", nullptr, nullptr, nullptr);
  return db;
}

}  // namespace

namespace {

/// `fn(hnum, header)` for each header blob of an rpm sqlite database's Packages table, in hnum
/// order; `fn` returns an error message to stop with one. Errors as parse_rpm_sqlite says.
core::Expected<void> for_each_rpm_header(
    std::string_view db_bytes, std::string_view db_path,
    const std::function<std::optional<std::string>(std::int64_t, const RpmHeader&)>& fn) {
  const auto fail = [&](std::string message) {
    return core::fail(core::ErrorKind::parse, std::move(message), std::string(db_path));
  };
  if (db_bytes.size() > k_rpm_db_limit)
    return fail("rpm database is larger than " + std::to_string(k_rpm_db_limit >> 20U) + " MiB");
  static constexpr std::string_view magic("SQLite format 3\0", 16);
  if (db_bytes.size() < 100 || !db_bytes.starts_with(magic)) return fail("not an SQLite database");
  std::uint64_t progress_calls = 0;
  auto db = open_in_memory(db_bytes, &progress_calls);
  if (!db) return fail(db.error());
  const auto sql_error = [&](std::string_view what) { return fail(std::string(what) + ": " + sqlite3_errmsg(db->get())); };

  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(), "SELECT type FROM sqlite_master WHERE name = 'Packages'", -1, &raw, nullptr) != SQLITE_OK)
    return sql_error("cannot read the database schema");
  SqliteStmt schema(raw);
  const int src = sqlite3_step(schema.get());
  if (src != SQLITE_ROW) {
    if (src == SQLITE_DONE) return fail("no Packages table: not an rpm database");
    return sql_error("cannot read the database schema");
  }
  const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(schema.get(), 0));
  if (type == nullptr || std::string_view(type) != "table") return fail("Packages is not a table: not an rpm database");

  if (sqlite3_prepare_v2(db->get(), "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw, nullptr) != SQLITE_OK)
    return sql_error("cannot read the Packages table");
  SqliteStmt rows(raw);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
    const auto hnum = sqlite3_column_int64(rows.get(), 0);
    const auto where = "package #" + std::to_string(hnum) + ": ";
    if (sqlite3_column_type(rows.get(), 1) != SQLITE_BLOB) return fail(where + "header is not a blob");
    const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(rows.get(), 1));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(rows.get(), 1));
    std::string why;
    const auto header = RpmHeader::open(blob, size, why);
    if (!header) return fail(where + why);
    if (auto stop = fn(hnum, *header)) return fail(where + *stop);
  }
  if (rc != SQLITE_DONE) return sql_error("cannot read the Packages table");
  return {};
}

}  // namespace

core::Expected<std::vector<model::Package>> parse_rpm_sqlite(std::string_view db_bytes, std::string_view db_path) {
  std::vector<model::Package> out;
  auto walked = for_each_rpm_header(db_bytes, db_path, [&](std::int64_t, const RpmHeader& header) -> std::optional<std::string> {
    std::array<std::optional<std::string>, 5> text;
    constexpr std::array<std::uint32_t, 5> tags = {k_tag_name, k_tag_version, k_tag_release, k_tag_arch, k_tag_sourcerpm};
    for (std::size_t i = 0; i < tags.size(); ++i) {
      auto value = header.string(tags[i]);
      if (!value) return value.error();
      text[i] = std::move(*value);
    }
    auto epoch = header.int32(k_tag_epoch);
    if (!epoch) return epoch.error();
    const auto& name = text[0];
    const auto& version = text[1];
    const auto& release = text[2];
    if (!name || name->empty()) return "no NAME";
    if (!version || version->empty() || !release || release->empty()) return "'" + *name + "' has no VERSION or RELEASE";
    if (*name == "gpg-pubkey") return std::nullopt;
    model::Package p;
    p.name = *name;
    p.version = (*epoch && **epoch != 0 ? std::to_string(**epoch) + ":" : std::string()) + *version + "-" + *release;
    p.arch = text[3].value_or("");
    const auto source = text[4] ? source_rpm_name(*text[4]) : std::nullopt;
    p.source_name = source && !source->empty() ? *source : p.name;
    p.source_version = p.version;
    p.manager = "rpm";
    if (out.size() >= k_package_count_limit) return "more than " + std::to_string(k_package_count_limit) + " packages";
    p.db_path = db_path;
    out.push_back(std::move(p));
    return std::nullopt;
  });
  if (!walked) return tl::unexpected(std::move(walked.error()));
  return out;
}

core::Expected<void> for_each_rpm_file(std::string_view db_bytes, std::string_view db_path,
                                       const std::function<void(std::string_view, std::string_view)>& fn) {
  std::string path;
  return for_each_rpm_header(db_bytes, db_path, [&](std::int64_t, const RpmHeader& header) -> std::optional<std::string> {
    auto name = header.string(k_tag_name);
    if (!name) return name.error();
    if (!*name || (*name)->empty()) return "no NAME";
    auto bases = header.strings(k_tag_basenames);
    if (!bases) return bases.error();
    if (bases->empty()) {
      // Headers written before rpm 4.0's compressed file names list whole paths.
      auto old = header.strings(k_tag_oldfilenames);
      if (!old) return old.error();
      for (const auto listed : *old) fn(**name, listed);
      return std::nullopt;
    }
    auto dirs = header.strings(k_tag_dirnames);
    if (!dirs) return dirs.error();
    auto indexes = header.int32s(k_tag_dirindexes);
    if (!indexes) return indexes.error();
    if (indexes->size() != bases->size()) return "'" + **name + "' has " + std::to_string(bases->size()) +
                                                   " file names but " + std::to_string(indexes->size()) + " directory indexes";
    for (std::size_t i = 0; i < bases->size(); ++i) {
      const auto d = (*indexes)[i];
      if (d >= dirs->size()) return "'" + **name + "' names directory " + std::to_string(d) + " of " + std::to_string(dirs->size());
      path.assign((*dirs)[d]);
      path += (*bases)[i];
      fn(**name, path);
    }
    return std::nullopt;
  });
}

namespace {

/// A shell-style os-release value: "double quoted" (with \" \\ \$ \` escapes), 'single
/// quoted', or bare.
std::string os_release_value(std::string_view v) {
  if (v.empty()) return {};
  if (v.front() == '\'') {
    const auto close = v.find('\'', 1);
    return std::string(v.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (v.front() != '"') return std::string(v);
  std::string out;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '"') break;
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

}  // namespace

model::OsRelease parse_os_release(std::string_view text) {
  model::OsRelease os;
  LineCursor lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const auto t = core::trim(line);
    if (t.empty() || t.front() == '#') continue;
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = t.substr(0, eq);
    std::string* slot = nullptr;
    if (key == "ID") {
      slot = &os.id;
    } else if (key == "ID_LIKE") {
      slot = &os.id_like;
    } else if (key == "VERSION_ID") {
      slot = &os.version_id;
    } else if (key == "VERSION_CODENAME") {
      slot = &os.version_codename;
    } else if (key == "PRETTY_NAME") {
      slot = &os.pretty_name;
    }
    if (slot != nullptr) *slot = os_release_value(core::trim(t.substr(eq + 1)));
  }
  return os;
}

}  // namespace drydock::parse
