#pragma once
/// The watch's memory (`--state FILE`, SQLite): the findings open now, every transition, and the
/// time of the last engine event seen. A restarted watch resumes from it without announcing again
/// what was already open; `drydock history` reads it.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/watch/transition.hpp"

struct sqlite3;

namespace drydock::watch {

class StateStore {
 public:
  /// Opens (`create`: creates when missing) the state file. A file that is not a drydock
  /// state database is a usage error.
  static core::Expected<std::unique_ptr<StateStore>> open(const std::string& path, bool create);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  /// The findings open after the last recorded transition.
  core::Expected<FindingMap> open_findings();
  /// A value kept between runs ("since": unix seconds of the last event), "" when unset.
  core::Expected<std::string> meta(std::string_view key);
  /// Applies `transitions` to the open findings and appends them to the history, with `meta`
  /// entries, in one transaction: a watch killed half-way leaves the previous state.
  core::Expected<bool> record(const std::vector<Transition>& transitions,
                              const std::vector<std::pair<std::string, std::string>>& meta = {});
  /// Every transition, oldest first (by time, then in the order recorded).
  core::Expected<std::vector<Transition>> transitions();

 private:
  explicit StateStore(sqlite3* db) : m_db(db) {}
  core::Expected<bool> exec(const char* sql);
  sqlite3* m_db;
  std::string m_path;
};

}  // namespace drydock::watch
