#pragma once
/// Small string helpers shared by every layer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::core {

std::vector<std::string> split(std::string_view text, char sep);
/// The words of a line separated by spaces and tabs (no quoting), as views into `line`.
std::vector<std::string_view> split_words(std::string_view line);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string join(const std::vector<std::string_view>& parts, std::string_view sep);
std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);
/// `text` in ASCII upper (lower) case, written into `buffer`, which the caller keeps from call to
/// call (a `thread_local` one in a hot path): no allocation once it is as large as the longest text.
std::string_view upper_into(std::string_view text, std::string& buffer);
std::string_view lower_into(std::string_view text, std::string& buffer);
std::string_view trim(std::string_view text);
bool starts_with_ci(std::string_view text, std::string_view prefix);
/// `a == b` compared in line, byte by byte: for the short words the Dockerfile rules compare by the
/// million (keywords, options, program names), where g++ 12's operator== calls memcmp whenever
/// the sizes are equal ("RUN" against "ENV", "-y" against "-o").
constexpr bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
/// `text` in ASCII lower case equals `lower` (written in lower case): `core::to_lower(text) ==
/// lower` without the copy.
constexpr bool same_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
  }
  return true;
}
/// `core::to_lower(text).ends_with(lower)` without the copy.
constexpr bool ends_with_lower(std::string_view text, std::string_view lower) {
  return text.size() >= lower.size() && same_lower(text.substr(text.size() - lower.size()), lower);
}
/// True when `path` is `dir` or lies below it ("/etc" covers "/etc/passwd", not "/etcd").
bool path_within(std::string_view path, std::string_view dir);
/// path_within for paths already normalized (as normalize_path gives them): no allocation,
/// for hot loops over many paths.
bool normalized_path_within(std::string_view path, std::string_view dir);
/// Removes trailing slashes and collapses repeated ones; "" and "/" stay "/".
std::string normalize_path(std::string_view path);

/// Which base64 alphabet (RFC 4648): the standard one (`+/`, section 4) or the URL-safe one (`-_`, section 5).
enum class Base64 { standard, url };
/// Decodes base64 of `alphabet`, padding optional, no whitespace: an error saying why when `text` is
/// not base64 (a character outside the alphabet, or a length no encoding has).
Expected<std::string> base64_decode(std::string_view text, Base64 alphabet = Base64::standard);

/// The UTC calendar day of a Unix time, "YYYY-MM-DD".
std::string utc_date(std::int64_t unix_seconds);

}  // namespace drydock::core
