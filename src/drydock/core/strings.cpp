#include "drydock/core/strings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace drydock::core {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    out.emplace_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

namespace {
template <typename Parts>
std::string join_parts(const Parts& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out += sep;
    out += parts[i];
  }
  return out;
}
}  // namespace

std::string join(const std::vector<std::string>& parts, std::string_view sep) { return join_parts(parts, sep); }
std::string join(const std::vector<std::string_view>& parts, std::string_view sep) { return join_parts(parts, sep); }

// ASCII only, inline: what std::toupper/std::tolower do in the "C" locale drydock runs in (it
// never calls setlocale), without a library call per byte.
namespace {

/// `text` with the ASCII letters `first`..`last` moved by `shift`, written into `buffer`.
std::string_view map_ascii_case(std::string_view text, std::string& buffer, char first, char last, int shift) {
  buffer.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    buffer[i] = c >= first && c <= last ? static_cast<char>(c + shift) : c;
  }
  return buffer;
}

}  // namespace

std::string_view upper_into(std::string_view text, std::string& buffer) { return map_ascii_case(text, buffer, 'a', 'z', 'A' - 'a'); }

std::string_view lower_into(std::string_view text, std::string& buffer) { return map_ascii_case(text, buffer, 'A', 'Z', 'a' - 'A'); }

std::string to_upper(std::string_view text) {
  std::string out;
  upper_into(text, out);
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out;
  lower_into(text, out);
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

std::string normalize_path(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  if (out.empty()) out = "/";
  return out;
}

bool path_within(std::string_view path, std::string_view dir) {
  return normalized_path_within(normalize_path(path), normalize_path(dir));
}

bool normalized_path_within(std::string_view path, std::string_view dir) {
  if (dir == "/") return path.starts_with('/');
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

Expected<std::string> base64_decode(std::string_view text, Base64 alphabet) {
  const std::string_view last_two = alphabet == Base64::url ? "-_" : "+/";
  while (!text.empty() && text.back() == '=')
    text.remove_suffix(1);
  if (text.size() % 4 == 1) return fail(ErrorKind::parse, "not base64: its length is impossible");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    std::uint32_t v = 0;
    if (c >= 'A' && c <= 'Z') {
      v = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      v = static_cast<std::uint32_t>(c - 'a' + 26);
    } else if (c >= '0' && c <= '9') {
      v = static_cast<std::uint32_t>(c - '0' + 52);
    } else if (c == last_two[0]) {
      v = 62;
    } else if (c == last_two[1]) {
      v = 63;
    } else {
      return fail(ErrorKind::parse, "not base64: a character outside its alphabet");
    }
    acc = (acc << 6U) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> static_cast<unsigned>(bits)) & 0xFFU);
    }
  }
  return out;
}

std::string utc_date(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::array<char, 16> day{};
  std::strftime(day.data(), day.size(), "%Y-%m-%d", &tm);
  return day.data();
}

}  // namespace drydock::core
