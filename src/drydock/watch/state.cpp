#include "drydock/watch/state.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace drydock::watch {
namespace {

using core::ErrorKind;

constexpr const char* k_schema = R"(
CREATE TABLE IF NOT EXISTS drydock_watch (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS open_findings (
  fingerprint TEXT PRIMARY KEY, check_id TEXT, cis TEXT, title TEXT, severity TEXT, status TEXT,
  subject_kind TEXT, subject_id TEXT, subject_name TEXT, evidence TEXT, file TEXT, line INTEGER, col INTEGER,
  since TEXT);
CREATE TABLE IF NOT EXISTS transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, transition TEXT NOT NULL,
  fingerprint TEXT, check_id TEXT, cis TEXT, title TEXT, severity TEXT, status TEXT,
  subject_kind TEXT, subject_id TEXT, subject_name TEXT, evidence TEXT, file TEXT, line INTEGER, col INTEGER,
  previous_severity TEXT, previous_status TEXT, previous_evidence TEXT);
CREATE INDEX IF NOT EXISTS transitions_time ON transitions(time, seq);
INSERT OR IGNORE INTO drydock_watch(key, value) VALUES ('schema', 'drydock.watch/v1');
)";

/// Columns in the order of Finding's fields, from check_id to col.
constexpr const char* k_finding_columns =
    "fingerprint, check_id, cis, title, severity, status, subject_kind, subject_id, subject_name, evidence, file, line, col";

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  explicit operator bool() const { return s != nullptr; }
  void text(int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void integer(int i, int v) { sqlite3_bind_int(s, i, v); }
  [[nodiscard]] std::string col(int i) const {
    const auto* p = sqlite3_column_text(s, i);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  }
};

void bind_finding(Stmt& st, const Finding& f) {
  st.text(1, f.fingerprint);
  st.text(2, f.check_id);
  st.text(3, f.cis);
  st.text(4, f.title);
  st.text(5, f.severity);
  st.text(6, f.status);
  st.text(7, f.subject.kind);
  st.text(8, f.subject.id);
  st.text(9, f.subject.name);
  st.text(10, f.evidence);
  st.text(11, f.file);
  st.integer(12, f.line);
  st.integer(13, f.column);
}

Finding read_finding(const Stmt& st, int first) {
  Finding f;
  f.fingerprint = st.col(first);
  f.check_id = st.col(first + 1);
  f.cis = st.col(first + 2);
  f.title = st.col(first + 3);
  f.severity = st.col(first + 4);
  f.status = st.col(first + 5);
  f.subject = audit::Subject{st.col(first + 6), st.col(first + 7), st.col(first + 8)};
  f.evidence = st.col(first + 9);
  f.file = st.col(first + 10);
  f.line = sqlite3_column_int(st.s, first + 11);
  f.column = sqlite3_column_int(st.s, first + 12);
  return f;
}

}  // namespace

core::Expected<std::unique_ptr<StateStore>> StateStore::open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<StateStore> store(new StateStore(raw));
  store->m_path = path;
  if (rc != SQLITE_OK) {
    return core::fail(ErrorKind::usage,
                      fmt::format("cannot open the state file: {}", raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                      path);
  }
  sqlite3_busy_timeout(raw, 5000);
  if (!create) {
    Stmt st(raw, "SELECT value FROM drydock_watch WHERE key = 'schema'");
    if (!st || sqlite3_step(st.s) != SQLITE_ROW || st.col(0) != "drydock.watch/v1")
      return core::fail(ErrorKind::usage, "not a drydock watch state file (written by drydock watch --state)", path);
    return store;
  }
  if (auto ok = store->exec("PRAGMA journal_mode = WAL"); !ok) return tl::unexpected(ok.error());
  if (auto ok = store->exec(k_schema); !ok) {
    auto e = ok.error();
    e.kind = ErrorKind::usage;
    e.message = "not a drydock watch state file: " + e.message;
    return tl::unexpected(e);
  }
  Stmt st(raw, "SELECT value FROM drydock_watch WHERE key = 'schema'");
  if (!st || sqlite3_step(st.s) != SQLITE_ROW || st.col(0) != "drydock.watch/v1")
    return core::fail(ErrorKind::usage, "not a drydock watch state file (written by drydock watch --state)", path);
  return store;
}

StateStore::~StateStore() {
  if (m_db != nullptr) sqlite3_close(m_db);
}

core::Expected<bool> StateStore::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg != nullptr ? msg : sqlite3_errmsg(m_db);
    sqlite3_free(msg);
    return core::fail(ErrorKind::io, "state file: " + text, m_path);
  }
  return true;
}

core::Expected<FindingMap> StateStore::open_findings() {
  Stmt st(m_db, fmt::format("SELECT {} FROM open_findings", k_finding_columns).c_str());
  if (!st) return core::fail(ErrorKind::io, std::string("state file: ") + sqlite3_errmsg(m_db), m_path);
  FindingMap out;
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    auto f = read_finding(st, 0);
    out.insert_or_assign(f.fingerprint, std::move(f));
  }
  return out;
}

core::Expected<std::string> StateStore::meta(std::string_view key) {
  Stmt st(m_db, "SELECT value FROM drydock_watch WHERE key = ?1");
  if (!st) return core::fail(ErrorKind::io, std::string("state file: ") + sqlite3_errmsg(m_db), m_path);
  st.text(1, std::string(key));
  return sqlite3_step(st.s) == SQLITE_ROW ? st.col(0) : std::string();
}

core::Expected<bool> StateStore::record(const std::vector<Transition>& transitions,
                                        const std::vector<std::pair<std::string, std::string>>& meta) {
  if (transitions.empty() && meta.empty()) return true;
  DRYDOCK_TRY(begun, exec("BEGIN IMMEDIATE"));
  (void)begun;
  const auto fail = [&]() -> core::Expected<bool> {
    std::string text = sqlite3_errmsg(m_db);
    (void)exec("ROLLBACK");
    return core::fail(ErrorKind::io, "state file: " + text, m_path);
  };
  {
    Stmt upsert(m_db, fmt::format("INSERT OR REPLACE INTO open_findings({}, since) VALUES "
                                  "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                                  k_finding_columns)
                          .c_str());
    Stmt remove(m_db, "DELETE FROM open_findings WHERE fingerprint = ?1");
    Stmt add(m_db, fmt::format("INSERT INTO transitions({}, time, transition, previous_severity, previous_status, "
                               "previous_evidence) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
                               k_finding_columns)
                       .c_str());
    Stmt set(m_db, "INSERT OR REPLACE INTO drydock_watch(key, value) VALUES (?1, ?2)");
    if (!upsert || !remove || !add || !set) return fail();
    for (const auto& t : transitions) {
      if (t.change == Change::resolved) {
        sqlite3_reset(remove.s);
        remove.text(1, t.finding.fingerprint);
        if (sqlite3_step(remove.s) != SQLITE_DONE) return fail();
      } else {
        sqlite3_reset(upsert.s);
        bind_finding(upsert, t.finding);
        upsert.text(14, t.time);
        if (sqlite3_step(upsert.s) != SQLITE_DONE) return fail();
      }
      sqlite3_reset(add.s);
      bind_finding(add, t.finding);
      add.text(14, t.time);
      add.text(15, std::string(name_of(t.change)));
      add.text(16, t.previous.severity);
      add.text(17, t.previous.status);
      add.text(18, t.previous.evidence);
      if (sqlite3_step(add.s) != SQLITE_DONE) return fail();
    }
    for (const auto& [k, v] : meta) {
      sqlite3_reset(set.s);
      set.text(1, k);
      set.text(2, v);
      if (sqlite3_step(set.s) != SQLITE_DONE) return fail();
    }
  }
  DRYDOCK_TRY(done, exec("COMMIT"));
  return done;
}

core::Expected<std::vector<Transition>> StateStore::transitions() {
  Stmt st(m_db, fmt::format("SELECT {}, time, transition, previous_severity, previous_status, previous_evidence "
                            "FROM transitions ORDER BY time, seq",
                            k_finding_columns)
                    .c_str());
  if (!st) return core::fail(ErrorKind::io, std::string("state file: ") + sqlite3_errmsg(m_db), m_path);
  std::vector<Transition> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    Transition t;
    t.finding = read_finding(st, 0);
    t.time = st.col(13);
    const std::string kind = st.col(14);
    t.change = kind == "resolved" ? Change::resolved : kind == "changed" ? Change::changed : Change::open;
    t.previous = t.finding;
    t.previous.severity = st.col(15);
    t.previous.status = st.col(16);
    t.previous.evidence = st.col(17);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace drydock::watch
