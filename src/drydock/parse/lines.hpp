#pragma once
/// Line-by-line reading with line numbers, for the parsers that report "file:line" errors.

#include <string_view>

namespace drydock::parse {

/// Walks `text` one line at a time, numbering lines from 1. A trailing '\r' is dropped, and a
/// final newline does not make an extra empty line.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : m_rest(text) {}

  /// The next line into `line`; false at the end of the text.
  bool next(std::string_view& line) {
    if (m_rest.empty()) return false;
    const auto nl = m_rest.find('\n');
    line = m_rest.substr(0, nl);
    m_rest = nl == std::string_view::npos ? std::string_view{} : m_rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++m_number;
    return true;
  }

  /// The number of the line last returned by next (0 before the first).
  [[nodiscard]] int number() const { return m_number; }

 private:
  std::string_view m_rest;
  int m_number = 0;
};

}  // namespace drydock::parse
