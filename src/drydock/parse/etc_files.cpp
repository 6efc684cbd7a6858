#include "drydock/parse/etc_files.hpp"

#include <cstdint>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

/// Calls `fn(line)` for each line, without the trailing '\r'.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
  }
}

/// Splits on ':' keeping empty fields.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    const auto colon = line.find(':');
    out.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return out;
}

bool skipped(std::string_view line) {
  const auto t = core::trim(line);
  return t.empty() || t.front() == '#' || t.front() == '+' || t.front() == '-';
}

}  // namespace

std::optional<unsigned> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 0xFFFFFFFFULL) return std::nullopt;
  return static_cast<unsigned>(v);
}

std::string unescape_octal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && text.size() - i > 3) {
      unsigned v = 0;
      bool octal = true;
      for (std::size_t k = 1; k <= 3; ++k) {
        const char c = text[i + k];
        if (c < '0' || c > '7') {
          octal = false;
          break;
        }
        v = v * 8 + static_cast<unsigned>(c - '0');
      }
      if (octal && v <= 0xFF) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::vector<PasswdEntry> passwd_entries(std::string_view text) {
  std::vector<PasswdEntry> out;
  for_each_line(text, [&](std::string_view line) {
    if (skipped(line)) return;
    const auto f = fields(line);
    if (f.size() < 4 || f[0].empty()) return;
    const auto uid = parse_id(f[2]);
    const auto gid = parse_id(f[3]);
    if (!uid || !gid) return;
    PasswdEntry e{std::string(f[0]), *uid, *gid, {}, {}};
    if (f.size() > 5) e.home = std::string(f[5]);
    if (f.size() > 6) e.shell = std::string(f[6]);
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<GroupEntry> group_entries(std::string_view text) {
  std::vector<GroupEntry> out;
  for_each_line(text, [&](std::string_view line) {
    if (skipped(line)) return;
    const auto f = fields(line);
    if (f.size() < 3 || f[0].empty()) return;
    const auto gid = parse_id(f[2]);
    if (!gid) return;
    GroupEntry e{std::string(f[0]), *gid, {}};
    if (f.size() > 3) {
      for (const auto& m : core::split(f[3], ',')) {
        const auto name = core::trim(m);
        if (!name.empty()) e.members.emplace_back(name);
      }
    }
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<MountEntry> mount_entries(std::string_view text) {
  std::vector<MountEntry> out;
  for_each_line(text, [&](std::string_view line) {
    const auto t = core::trim(line);
    if (t.empty() || t.front() == '#') return;
    const auto words = core::split_words(line);
    if (words.size() < 3) return;
    out.push_back(MountEntry{unescape_octal(words[0]), unescape_octal(words[1]), std::string(words[2]),
                             words.size() > 3 ? std::string(words[3]) : std::string()});
  });
  return out;
}

}  // namespace drydock::parse
