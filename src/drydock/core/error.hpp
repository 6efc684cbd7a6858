#pragma once
/// Errors as values: every fallible function returns Expected<T>.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace drydock::core {

/// What went wrong, coarse enough to choose an exit code and a hint from.
enum class ErrorKind {
  usage,        ///< bad command line or configuration (exit 2)
  unreachable,  ///< the engine or target cannot be reached (exit 3)
  permission,   ///< the target exists but we may not read it (exit 3)
  tls,          ///< TLS handshake or certificate problem (exit 3)
  timeout,      ///< the target did not answer in time (exit 3)
  daemon,       ///< the engine answered with an error status
  not_found,    ///< the object asked for does not exist
  parse,        ///< input could not be understood
  io,           ///< a local file could not be read
};

struct Error {
  ErrorKind kind = ErrorKind::parse;
  std::string message;  ///< one line, says what happened and, where it can, what to do
  std::string where;    ///< file:line, URL or API path the error is about; may be empty

  /// "where: message", or the message alone.
  [[nodiscard]] std::string describe() const { return where.empty() ? message : where + ": " + message; }
};

template <class T>
using Expected = tl::expected<T, Error>;

/// Builds the error side of an Expected.
inline tl::unexpected<Error> fail(ErrorKind kind, std::string message, std::string where = {}) {
  return tl::unexpected<Error>(Error{kind, std::move(message), std::move(where)});
}

}  // namespace drydock::core

/// Declares `auto name` from an Expected expression, or returns its error from the
/// enclosing function (which must itself return an Expected). `name` is a declarator, so
/// it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DRYDOCK_TRY(name, expr)                                                      \
  auto name##_expected_ = (expr);                                                    \
  if (!name##_expected_) return tl::unexpected(std::move(name##_expected_).error()); \
  auto name = std::move(*name##_expected_)
// NOLINTEND(bugprone-macro-parentheses)
