#pragma once

#include <optional>
#include <string>
#include <utility>

#include "drydock/core/shared_string.hpp"

namespace drydock::model {

/// A position in a file a finding points at (1-based; 0 = unknown column).
struct Location {
  core::SharedString file;  ///< shared: every node of a file holds its path
  int line = 0;
  int column = 0;
};

/// A finding's location, if it has one: reads like std::optional<Location>, but its flag is its
/// last byte (17 bytes of data, not std::optional's 24), so that a class holding it as
/// [[no_unique_address]] keeps its small fields in the 7 bytes after it (checks::Finding: a
/// report holds one per result, hundreds of thousands).
class MaybeLocation {
 public:
  MaybeLocation() = default;
  MaybeLocation(std::nullopt_t) {}                                                    // NOLINT: implicit, as optional's
  MaybeLocation(Location l) : m_value(std::move(l)), m_has(true) {}                   // NOLINT
  MaybeLocation(std::optional<Location> l) : m_has(l.has_value()) {                   // NOLINT
    if (l) m_value = std::move(*l);
  }

  explicit operator bool() const { return m_has; }
  [[nodiscard]] bool has_value() const { return m_has; }
  const Location& operator*() const { return m_value; }
  Location& operator*() { return m_value; }
  const Location* operator->() const { return &m_value; }
  Location* operator->() { return &m_value; }
  [[nodiscard]] Location value_or(Location otherwise) const { return m_has ? m_value : std::move(otherwise); }
  void reset() { *this = MaybeLocation(); }

 private:
  Location m_value;  ///< default (owning nothing) when there is none
  bool m_has = false;
};

}  // namespace drydock::model
