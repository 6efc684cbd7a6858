#pragma once
/// The offline vulnerability database: one SQLite file of advisories, indexed by
/// (ecosystem, package). Filled by `drydock db import`, read by the matcher.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::vuln {

/// Where the database lives by default: `$XDG_CACHE_HOME/drydock/vuln.db`, else
/// `$HOME/.cache/drydock/vuln.db`. An error when neither variable is set.
core::Expected<std::string> default_db_path();

/// One affected entry as stored: what the matcher needs of an advisory for one package.
struct StoredAffected {
  std::string id;
  std::vector<std::string> aliases;
  std::vector<model::AffectedRange> ranges;  ///< ECOSYSTEM ranges only
  std::vector<std::string> versions;
  std::optional<core::Severity> severity;
  std::optional<double> score;
};

/// What one import did.
struct ImportStats {
  std::size_t files = 0;              ///< documents read (files, zip entries)
  std::size_t advisories = 0;         ///< advisories stored (new or replaced)
  std::size_t withdrawn = 0;          ///< withdrawn advisories removed or not stored
  std::size_t rejected = 0;           ///< documents that could not be parsed (see warnings)
  std::vector<std::string> warnings;  ///< the first few rejections, "file: reason"
};

/// A source recorded by an import.
struct SourceInfo {
  std::string path;
  std::string kind;              ///< "osv", "osv-zip", "secdb", "directory"
  std::int64_t imported_at = 0;  ///< unix seconds
  std::int64_t advisories = 0;   ///< advisories stored from it by its last import
};

/// What `drydock db info` prints.
struct DatabaseInfo {
  std::string path;
  int schema = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::string newest_modified;  ///< the newest `modified` of any advisory (RFC 3339), or ""
  std::int64_t advisories = 0;
  std::map<std::string, std::int64_t> per_ecosystem;  ///< advisories per ecosystem
  std::vector<SourceInfo> sources;
};

/// An open database. Move-only; closes on destruction.
class Database {
 public:
  enum class Mode { read, write };

  /// Opens (and with Mode::write creates, with its directories) the database at `path`.
  /// Reading a file that does not exist or is not a drydock database is an error saying so.
  static core::Expected<Database> open(const std::string& path, Mode mode);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database() = default;

  /// Imports OSV JSON files, directories of them (recursively: *.json, *.yaml, *.yml, *.zip),
  /// osv.dev zip archives and Alpine secdb files (YAML or JSON), all in one transaction: on any
  /// I/O error nothing is changed. A document that cannot be parsed is counted and reported in
  /// the stats, and the rest goes on. Re-importing the same data changes nothing (advisories are
  /// keyed by OSV id; a secdb file replaces what the same file of the same release gave).
  core::Expected<ImportStats> import(const std::vector<std::string>& paths);

  /// The advisories of `package` in `ecosystem`.
  core::Expected<std::vector<StoredAffected>> affected(std::string_view ecosystem, std::string_view package) const;

  /// Every ecosystem with at least one advisory, with its count.
  core::Expected<std::map<std::string, std::int64_t>> ecosystems() const;

  core::Expected<DatabaseInfo> info() const;

  /// When the last import committed (unix seconds), 0 when never.
  core::Expected<std::int64_t> updated_at() const;

  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };

  Database(std::string path, sqlite3* db) : m_path(std::move(path)), m_db(db) {}

  std::string m_path;
  std::unique_ptr<sqlite3, Closer> m_db;
  /// The lookup of affected(), prepared once: matching runs it once per package.
  mutable std::unique_ptr<sqlite3_stmt, Finalizer> m_lookup;
};

/// The length-prefixed text form in which ranges and versions are stored (exposed for tests).
std::string encode_affected(const std::vector<model::AffectedRange>& ranges, const std::vector<std::string>& versions);
/// The inverse of encode_affected; false when the text is not in that form.
bool decode_affected(std::string_view text, std::vector<model::AffectedRange>& ranges, std::vector<std::string>& versions);

/// `drydock db info` as text: path, schema, when created and updated (with the age in days
/// relative to `now`), the newest advisory, counts per ecosystem and the sources.
std::string describe(const DatabaseInfo& info, std::int64_t now);

/// What an import did, as the lines `drydock db import` prints.
std::string describe(const ImportStats& stats, const std::string& path);

}  // namespace drydock::vuln
