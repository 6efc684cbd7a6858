#include "drydock/vuln/database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "drydock/collect/files.hpp"
#include "drydock/collect/image/libarchive.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/osv.hpp"
#include "drydock/parse/secdb.hpp"
#include "drydock/vuln/severity.hpp"

namespace drydock::vuln {
namespace {

namespace fs = std::filesystem;

constexpr int k_schema = 1;
constexpr std::size_t k_max_warnings = 20;

using Statement = std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)>;

void finalize(sqlite3_stmt* s) { sqlite3_finalize(s); }

core::Error db_error(sqlite3* db, const std::string& path, std::string_view what) {
  return core::Error{core::ErrorKind::io, fmt::format("{}: {}", what, sqlite3_errmsg(db)), path};
}

core::Expected<void> exec(sqlite3* db, const std::string& path, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return core::fail(core::ErrorKind::io, "database error: " + text, path);
  }
  return {};
}

core::Expected<Statement> prepare(sqlite3* db, const std::string& path, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return tl::unexpected(db_error(db, path, "cannot prepare a query"));
  }
  return Statement(stmt, finalize);
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string_view column(sqlite3_stmt* s, int index) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, index));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(s, index))};
}

/// Runs a statement that returns no rows and resets it.
bool run(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc == SQLITE_DONE;
}

constexpr const char* k_create = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(path TEXT PRIMARY KEY, kind TEXT NOT NULL, imported_at INTEGER NOT NULL,
                                   advisories INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS advisories(rowid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL,
                                      aliases TEXT NOT NULL, modified TEXT NOT NULL, summary TEXT NOT NULL);
-- Clustered by (ecosystem, package): the rows one lookup of the matcher reads are contiguous, and
-- carry what it reports (id, aliases) so that it reads nothing else.
CREATE TABLE IF NOT EXISTS affected(ecosystem TEXT NOT NULL, package TEXT NOT NULL, advisory INTEGER NOT NULL,
                                    seq INTEGER NOT NULL, id TEXT NOT NULL, aliases TEXT NOT NULL,
                                    ranges TEXT NOT NULL, severity INTEGER, score REAL,
                                    PRIMARY KEY(ecosystem, package, advisory, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affected_advisory ON affected(advisory);
CREATE TABLE IF NOT EXISTS ecosystems(name TEXT PRIMARY KEY, advisories INTEGER NOT NULL);
)sql";

char event_code(model::RangeEvent::Kind k) {
  switch (k) {
    case model::RangeEvent::Kind::introduced:
      return 'i';
    case model::RangeEvent::Kind::fixed:
      return 'f';
    case model::RangeEvent::Kind::last_affected:
      return 'l';
    case model::RangeEvent::Kind::limit:
      return 'm';
  }
  return 'i';
}

void put(std::string& out, char code, std::string_view text) {
  out += code;
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

/// Fills the database inside the import's transaction.
class Importer {
 public:
  Importer(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}

  core::Expected<void> prepare_all() {
    DRYDOCK_TRY(find, prepare(m_db, m_path, "SELECT rowid FROM advisories WHERE key = ?1"));
    DRYDOCK_TRY(insert,
                prepare(m_db, m_path, "INSERT INTO advisories(key, id, aliases, modified, summary) VALUES(?1, ?2, ?3, ?4, ?5)"));
    DRYDOCK_TRY(update, prepare(m_db, m_path,
                                "UPDATE advisories SET id = ?2, aliases = ?3, modified = ?4, summary = ?5 WHERE rowid = ?1"));
    DRYDOCK_TRY(clear, prepare(m_db, m_path, "DELETE FROM affected WHERE advisory = ?1"));
    DRYDOCK_TRY(remove, prepare(m_db, m_path, "DELETE FROM advisories WHERE rowid = ?1"));
    DRYDOCK_TRY(add, prepare(m_db, m_path,
                             "INSERT INTO affected(advisory, ecosystem, package, ranges, severity, score, seq, id, aliases) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    DRYDOCK_TRY(clear_prefix,
                prepare(m_db, m_path,
                        "DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisories WHERE key >= ?1 AND key < ?2)"));
    DRYDOCK_TRY(remove_prefix, prepare(m_db, m_path, "DELETE FROM advisories WHERE key >= ?1 AND key < ?2"));
    DRYDOCK_TRY(source, prepare(m_db, m_path,
                                "INSERT OR REPLACE INTO sources(path, kind, imported_at, advisories) VALUES(?1, ?2, ?3, ?4)"));
    m_find = std::move(find);
    m_insert = std::move(insert);
    m_update = std::move(update);
    m_clear = std::move(clear);
    m_remove = std::move(remove);
    m_add = std::move(add);
    m_clear_prefix = std::move(clear_prefix);
    m_remove_prefix = std::move(remove_prefix);
    m_source = std::move(source);
    return {};
  }

  /// Imports one path given on the command line.
  core::Expected<void> path(const std::string& given) {
    std::error_code ec;
    const auto status = fs::status(given, ec);
    if (ec || !fs::exists(status)) return core::fail(core::ErrorKind::not_found, "no such file or directory", given);
    const std::size_t before = m_stats.advisories;
    std::string kind;
    if (fs::is_directory(status)) {
      kind = "directory";
      if (auto done = directory(given); !done) return tl::unexpected(done.error());
    } else {
      DRYDOCK_TRY(k, file(given));
      kind = k;
    }
    const auto absolute = fs::absolute(given, ec);
    bind_text(m_source.get(), 1, ec ? given : absolute.lexically_normal().string());
    bind_text(m_source.get(), 2, kind);
    sqlite3_bind_int64(m_source.get(), 3, now());
    sqlite3_bind_int64(m_source.get(), 4, static_cast<std::int64_t>(m_stats.advisories - before));
    if (!run(m_source.get())) return tl::unexpected(db_error(m_db, m_path, "cannot record the source"));
    return {};
  }

  ImportStats& stats() { return m_stats; }

 private:
  core::Expected<void> directory(const std::string& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && importable(it->path())) files.push_back(it->path());
    }
    if (ec) return core::fail(core::ErrorKind::io, "cannot list the directory: " + ec.message(), dir);
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (auto kind = file(f.string()); !kind) return tl::unexpected(kind.error());
    }
    return {};
  }

  static bool importable(const fs::path& p) {
    const auto ext = core::to_lower(p.extension().string());
    return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".zip";
  }

  /// Imports one file; returns its kind.
  core::Expected<std::string> file(const std::string& name) {
    const auto ext = core::to_lower(fs::path(name).extension().string());
    if (ext == ".zip") {
      if (auto done = zip(name); !done) return tl::unexpected(done.error());
      return std::string("osv-zip");
    }
    DRYDOCK_TRY(text, collect::read_input(name, std::max(parse::k_max_osv_bytes, parse::k_max_secdb_bytes)));
    return document(text, name, ext == ".yaml" || ext == ".yml");
  }

  /// One document: a secdb file when it says so, else OSV.
  core::Expected<std::string> document(std::string_view text, const std::string& name, bool yaml) {
    ++m_stats.files;
    const bool secdb = yaml || text.substr(0, 4096).find("\"distroversion\"") != std::string_view::npos;
    if (secdb) {
      auto parsed = parse::secdb(text, name);
      if (!parsed) return reject(parsed.error(), "secdb");
      const std::string prefix = fmt::format("secdb:{}/{}/", parsed->distroversion, parsed->reponame);
      // The file replaces what its previous import gave: fixes Alpine dropped disappear too.
      for (auto* s : {m_clear_prefix.get(), m_remove_prefix.get()}) {
        bind_text(s, 1, prefix);
        bind_text(s, 2, prefix + "\x7f");
        if (!run(s)) return tl::unexpected(db_error(m_db, m_path, "cannot replace a secdb file"));
      }
      for (const auto& a : parsed->advisories) {
        if (auto done = store(prefix + a.affected[0].package + "/" + a.id, a); !done) return tl::unexpected(done.error());
      }
      return std::string("secdb");
    }
    auto parsed = parse::osv(text, name);
    if (!parsed) return reject(parsed.error(), "osv");
    for (const auto& a : *parsed) {
      if (auto done = store(a.id, a); !done) return tl::unexpected(done.error());
    }
    return std::string("osv");
  }

  std::string reject(const core::Error& e, const char* kind) {
    ++m_stats.rejected;
    if (m_stats.warnings.size() < k_max_warnings) m_stats.warnings.push_back(e.describe());
    return kind;
  }

  core::Expected<void> zip(const std::string& name) {
    DRYDOCK_TRY(lib, collect::load_libarchive());
    std::unique_ptr<archive, int (*)(archive*)> ar(lib->read_new(), lib->read_free);
    lib->read_support_format_zip(ar.get());
    if (lib->read_open_filename(ar.get(), name.c_str(), 1 << 16) != ARCHIVE_OK) {
      return core::fail(core::ErrorKind::io, fmt::format("cannot open the zip archive: {}", lib->error_string(ar.get())),
                        name);
    }
    archive_entry* entry = nullptr;
    std::string text;
    while (true) {
      const int rc = lib->read_next_header(ar.get(), &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return core::fail(core::ErrorKind::io, fmt::format("cannot read the zip archive: {}", lib->error_string(ar.get())),
                          name);
      }
      const std::string entry_name = lib->entry_pathname(entry) != nullptr ? lib->entry_pathname(entry) : "";
      if (lib->entry_filetype(entry) != AE_IFREG || !importable(entry_name) || entry_name.ends_with(".zip")) continue;
      const std::string where = fmt::format("{}!{}", name, entry_name);
      text.clear();
      bool too_large = false;
      std::array<char, 1 << 16> chunk{};
      while (true) {
        const auto n = lib->read_data(ar.get(), chunk.data(), chunk.size());
        if (n < 0) {
          return core::fail(core::ErrorKind::io, fmt::format("cannot read the zip entry: {}", lib->error_string(ar.get())),
                            where);
        }
        if (n == 0) break;
        if (text.size() + static_cast<std::size_t>(n) > parse::k_max_osv_bytes) {
          too_large = true;
          break;
        }
        text.append(chunk.data(), static_cast<std::size_t>(n));
      }
      if (too_large) {
        ++m_stats.files;
        reject(core::Error{core::ErrorKind::parse, "larger than the limit for one record", where}, "osv");
        continue;
      }
      const auto ext = core::to_lower(fs::path(entry_name).extension().string());
      if (auto kind = document(text, where, ext == ".yaml" || ext == ".yml"); !kind) return tl::unexpected(kind.error());
    }
    return {};
  }

  core::Expected<void> store(const std::string& key, const model::Advisory& a) {
    bind_text(m_find.get(), 1, key);
    std::optional<std::int64_t> existing;
    if (sqlite3_step(m_find.get()) == SQLITE_ROW) existing = sqlite3_column_int64(m_find.get(), 0);
    sqlite3_reset(m_find.get());
    if (existing) {
      sqlite3_bind_int64(m_clear.get(), 1, *existing);
      if (!run(m_clear.get())) return tl::unexpected(db_error(m_db, m_path, "cannot replace an advisory"));
    }
    if (!a.withdrawn.empty()) {
      ++m_stats.withdrawn;
      if (existing) {
        sqlite3_bind_int64(m_remove.get(), 1, *existing);
        if (!run(m_remove.get())) return tl::unexpected(db_error(m_db, m_path, "cannot remove a withdrawn advisory"));
      }
      return {};
    }
    const auto aliases = core::join(a.aliases, "\n");
    sqlite3_stmt* s = existing ? m_update.get() : m_insert.get();
    if (existing) {
      sqlite3_bind_int64(s, 1, *existing);
    } else {
      bind_text(s, 1, key);
    }
    bind_text(s, 2, a.id);
    bind_text(s, 3, aliases);
    bind_text(s, 4, a.modified);
    bind_text(s, 5, a.summary);
    if (!run(s)) return tl::unexpected(db_error(m_db, m_path, "cannot store an advisory"));
    const std::int64_t rowid = existing ? *existing : sqlite3_last_insert_rowid(m_db);
    std::int64_t seq = 0;
    for (const auto& affected : a.affected) {
      ++seq;
      if (affected.ecosystem.empty() || affected.package.empty()) continue;
      std::vector<model::AffectedRange> ranges;
      for (const auto& r : affected.ranges) {
        if (r.type == "ECOSYSTEM") ranges.push_back(r);
      }
      const auto assessed = assess(a, affected);
      sqlite3_bind_int64(m_add.get(), 1, rowid);
      bind_text(m_add.get(), 2, affected.ecosystem);
      bind_text(m_add.get(), 3, affected.package);
      bind_text(m_add.get(), 4, encode_affected(ranges, affected.versions));
      if (assessed.severity) sqlite3_bind_int(m_add.get(), 5, static_cast<int>(*assessed.severity));
      if (assessed.score) sqlite3_bind_double(m_add.get(), 6, *assessed.score);
      sqlite3_bind_int64(m_add.get(), 7, seq);
      bind_text(m_add.get(), 8, a.id);
      bind_text(m_add.get(), 9, aliases);
      if (!run(m_add.get())) return tl::unexpected(db_error(m_db, m_path, "cannot store an affected package"));
    }
    ++m_stats.advisories;
    return {};
  }

  sqlite3* m_db;
  std::string m_path;
  ImportStats m_stats;
  Statement m_find{nullptr, finalize}, m_insert{nullptr, finalize}, m_update{nullptr, finalize}, m_clear{nullptr, finalize},
      m_remove{nullptr, finalize}, m_add{nullptr, finalize}, m_clear_prefix{nullptr, finalize},
      m_remove_prefix{nullptr, finalize}, m_source{nullptr, finalize};
};

}  // namespace

core::Expected<std::string> default_db_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0') return (fs::path(xdg) / "drydock" / "vuln.db").string();
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return (fs::path(home) / ".cache" / "drydock" / "vuln.db").string();
  return core::fail(core::ErrorKind::usage, "neither XDG_CACHE_HOME nor HOME is set: give the database with --db FILE");
}

std::string encode_affected(const std::vector<model::AffectedRange>& ranges, const std::vector<std::string>& versions) {
  std::string out;
  for (const auto& r : ranges) {
    put(out, 'R', r.type);
    for (const auto& e : r.events)
      put(out, event_code(e.kind), e.version);
  }
  for (const auto& v : versions)
    put(out, 'v', v);
  return out;
}

bool decode_affected(std::string_view text, std::vector<model::AffectedRange>& ranges, std::vector<std::string>& versions) {
  using Kind = model::RangeEvent::Kind;
  while (!text.empty()) {
    const char code = text[0];
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon < 2) return false;
    std::size_t length = 0;
    for (std::size_t i = 1; i < colon; ++i) {
      if (text[i] < '0' || text[i] > '9' || length > text.size()) return false;
      length = length * 10 + static_cast<std::size_t>(text[i] - '0');
    }
    if (length > text.size() - colon - 1) return false;
    const std::string_view value = text.substr(colon + 1, length);
    text.remove_prefix(colon + 1 + length);
    std::optional<Kind> kind;
    switch (code) {
      case 'R':
        ranges.push_back(model::AffectedRange{std::string(value), {}});
        continue;
      case 'v':
        versions.emplace_back(value);
        continue;
      case 'i':
        kind = Kind::introduced;
        break;
      case 'f':
        kind = Kind::fixed;
        break;
      case 'l':
        kind = Kind::last_affected;
        break;
      case 'm':
        kind = Kind::limit;
        break;
      default:
        return false;
    }
    if (ranges.empty()) return false;
    ranges.back().events.push_back(model::RangeEvent{*kind, std::string(value)});
  }
  return true;
}

core::Expected<Database> Database::open(const std::string& path, Mode mode) {
  std::error_code ec;
  if (mode == Mode::read && !fs::exists(path, ec)) {
    return core::fail(core::ErrorKind::not_found,
                      "no vulnerability database here: create it with `drydock db import PATH...` "
                      "(OSV JSON or zip files, Alpine secdb files)",
                      path);
  }
  if (mode == Mode::write) {
    const auto dir = fs::path(path).parent_path();
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec) return core::fail(core::ErrorKind::io, "cannot create the directory: " + ec.message(), dir.string());
  }
  sqlite3* raw = nullptr;
  const int flags = mode == Mode::read ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(path, raw);
  if (rc != SQLITE_OK) return tl::unexpected(db_error(raw, path, "cannot open the vulnerability database"));
  sqlite3_busy_timeout(raw, 10000);
  // Reads go through the page cache by mmap instead of a read() per page.
  if (auto mapped = exec(raw, path, "PRAGMA mmap_size = 1073741824"); !mapped) return tl::unexpected(mapped.error());
  if (mode == Mode::write) {
    if (auto created = exec(raw, path, k_create); !created) return tl::unexpected(created.error());
  }
  // A file that is not a drydock database (or not SQLite at all) fails here, clearly.
  DRYDOCK_TRY(check, prepare(raw, path, "SELECT value FROM meta WHERE key = 'schema'"));
  if (sqlite3_step(check.get()) == SQLITE_ROW) {
    const auto schema = std::string(column(check.get(), 0));
    if (schema != std::to_string(k_schema)) {
      return core::fail(core::ErrorKind::usage,
                        fmt::format("database schema {} is not the one this drydock reads ({}): import again into a new file",
                                    schema, k_schema),
                        path);
    }
  } else if (mode == Mode::read) {
    return core::fail(core::ErrorKind::usage, "not a drydock vulnerability database (no schema)", path);
  }
  return db;
}

core::Expected<ImportStats> Database::import(const std::vector<std::string>& paths) {
  sqlite3* db = m_db.get();
  if (auto begun = exec(db, m_path, "BEGIN IMMEDIATE"); !begun) return tl::unexpected(begun.error());
  Importer importer(db, m_path);
  auto body = [&]() -> core::Expected<void> {
    if (auto prepared = importer.prepare_all(); !prepared) return tl::unexpected(prepared.error());
    for (const auto& p : paths) {
      if (auto done = importer.path(p); !done) return tl::unexpected(done.error());
    }
    const auto t = std::to_string(now());
    const std::string meta = fmt::format(
        "INSERT OR IGNORE INTO meta VALUES('schema', '{}');"
        "INSERT OR IGNORE INTO meta VALUES('created_at', '{}');"
        "INSERT OR REPLACE INTO meta VALUES('updated_at', '{}');"
        "DELETE FROM ecosystems;"
        "INSERT INTO ecosystems SELECT ecosystem, COUNT(DISTINCT advisory) FROM affected GROUP BY ecosystem;",
        k_schema, t, t);
    return exec(db, m_path, meta.c_str());
  };
  auto result = body();
  m_lookup.reset();
  if (!result) {
    (void)exec(db, m_path, "ROLLBACK");
    return tl::unexpected(result.error());
  }
  if (auto committed = exec(db, m_path, "COMMIT"); !committed) return tl::unexpected(committed.error());
  return std::move(importer.stats());
}

core::Expected<std::vector<StoredAffected>> Database::affected(std::string_view ecosystem, std::string_view package) const {
  if (!m_lookup) {
    DRYDOCK_TRY(stmt, prepare(m_db.get(), m_path,
                              "SELECT id, aliases, ranges, severity, score FROM affected "
                              "WHERE ecosystem = ?1 AND package = ?2"));
    m_lookup.reset(stmt.release());
  }
  sqlite3_stmt* s = m_lookup.get();
  bind_text(s, 1, ecosystem);
  bind_text(s, 2, package);
  std::vector<StoredAffected> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StoredAffected row;
    row.id = column(s, 0);
    if (const auto aliases = column(s, 1); !aliases.empty()) row.aliases = core::split(aliases, '\n');
    if (!decode_affected(column(s, 2), row.ranges, row.versions)) {
      sqlite3_reset(s);
      return core::fail(core::ErrorKind::parse, fmt::format("damaged entry for {} in {}", row.id, ecosystem), m_path);
    }
    if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
      const int level = sqlite3_column_int(s, 3);
      if (level >= 0 && level <= static_cast<int>(core::Severity::critical)) row.severity = static_cast<core::Severity>(level);
    }
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) row.score = sqlite3_column_double(s, 4);
    out.push_back(std::move(row));
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return tl::unexpected(db_error(m_db.get(), m_path, "cannot read advisories"));
  return out;
}

core::Expected<std::map<std::string, std::int64_t>> Database::ecosystems() const {
  DRYDOCK_TRY(stmt, prepare(m_db.get(), m_path, "SELECT name, advisories FROM ecosystems"));
  std::map<std::string, std::int64_t> out;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW)
    out.emplace(column(stmt.get(), 0), sqlite3_column_int64(stmt.get(), 1));
  return out;
}

core::Expected<std::int64_t> Database::updated_at() const {
  DRYDOCK_TRY(stmt, prepare(m_db.get(), m_path, "SELECT value FROM meta WHERE key = 'updated_at'"));
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return std::int64_t{0};
  return static_cast<std::int64_t>(std::strtoll(std::string(column(stmt.get(), 0)).c_str(), nullptr, 10));
}

core::Expected<DatabaseInfo> Database::info() const {
  DatabaseInfo out;
  out.path = m_path;
  sqlite3* db = m_db.get();
  DRYDOCK_TRY(meta, prepare(db, m_path, "SELECT key, value FROM meta"));
  while (sqlite3_step(meta.get()) == SQLITE_ROW) {
    const auto key = column(meta.get(), 0);
    const std::string value(column(meta.get(), 1));
    const auto number = std::strtoll(value.c_str(), nullptr, 10);
    if (key == "schema") out.schema = static_cast<int>(number);
    if (key == "created_at") out.created_at = number;
  }
  DRYDOCK_TRY(updated, updated_at());
  out.updated_at = updated;
  DRYDOCK_TRY(count, prepare(db, m_path, "SELECT COUNT(*), COALESCE(MAX(modified), '') FROM advisories"));
  if (sqlite3_step(count.get()) == SQLITE_ROW) {
    out.advisories = sqlite3_column_int64(count.get(), 0);
    out.newest_modified = column(count.get(), 1);
  }
  DRYDOCK_TRY(per, ecosystems());
  out.per_ecosystem = std::move(per);
  DRYDOCK_TRY(sources, prepare(db, m_path, "SELECT path, kind, imported_at, advisories FROM sources ORDER BY path"));
  while (sqlite3_step(sources.get()) == SQLITE_ROW) {
    out.sources.push_back(SourceInfo{std::string(column(sources.get(), 0)), std::string(column(sources.get(), 1)),
                                     sqlite3_column_int64(sources.get(), 2), sqlite3_column_int64(sources.get(), 3)});
  }
  return out;
}

namespace {

std::string when(std::int64_t t, std::int64_t now) {
  if (t <= 0) return "never";
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%d %H:%M:%S UTC", &tm);
  const auto days = (now - t) / 86400;
  return fmt::format("{} ({})", buf.data(), days <= 0 ? std::string("today") : fmt::format("{} days ago", days));
}

}  // namespace

std::string describe(const DatabaseInfo& info, std::int64_t now) {
  std::string out = fmt::format("database:   {}\nschema:     {}\ncreated:    {}\nupdated:    {}\n", info.path, info.schema,
                                when(info.created_at, now), when(info.updated_at, now));
  out += fmt::format("advisories: {}{}\n", info.advisories,
                     info.newest_modified.empty() ? std::string() : " (newest modified " + info.newest_modified + ")");
  out += "per ecosystem:\n";
  if (info.per_ecosystem.empty()) out += "  (none)\n";
  for (const auto& [name, count] : info.per_ecosystem)
    out += fmt::format("  {:<40} {:>8}\n", name, count);
  out += "sources:\n";
  if (info.sources.empty()) out += "  (none)\n";
  for (const auto& s : info.sources) {
    out += fmt::format("  {} [{}] {} advisories, imported {}\n", s.path, s.kind, s.advisories, when(s.imported_at, now));
  }
  return out;
}

std::string describe(const ImportStats& stats, const std::string& path) {
  std::string out = fmt::format("imported {} advisories from {} documents into {}", stats.advisories, stats.files, path);
  if (stats.withdrawn > 0) out += fmt::format("; {} withdrawn advisories not kept", stats.withdrawn);
  if (stats.rejected > 0) out += fmt::format("; {} documents rejected", stats.rejected);
  out += "\n";
  for (const auto& w : stats.warnings)
    out += "  rejected: " + w + "\n";
  if (stats.rejected > stats.warnings.size()) out += fmt::format("  ... and {} more\n", stats.rejected - stats.warnings.size());
  return out;
}

}  // namespace drydock::vuln
