#include "drydock/parse/content_trust.hpp"

#include <array>
#include <optional>
#include <string>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

using sv = std::string_view;

constexpr sv k_dct = "DOCKER_CONTENT_TRUST";
constexpr std::array<sv, 3> k_suffixes = {"_SERVER", "_ROOT_PASSPHRASE", "_REPOSITORY_PASSPHRASE"};
constexpr sv k_hidden = "(a passphrase, not shown)";

bool word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/// The words before `pos` end with `setenv` or `set` and its flags (`set -gx`): csh and fish,
/// whose assignments separate the name from the value with blanks.
bool after_set_command(sv line, std::size_t pos) {
  auto words = core::split_words(line.substr(0, pos));
  while (!words.empty() && words.back().starts_with('-'))
    words.pop_back();
  return !words.empty() && (words.back() == "setenv" || words.back() == "set");
}

/// The value that follows a name written at [`start`, `pos`) of the line, or nullopt when the
/// name is not assigned there (a reference, a comparison, `unset NAME`).
std::optional<std::string> assigned_value(sv line, std::size_t start, std::size_t pos) {
  std::size_t p = pos;
  while (p < line.size() && (line[p] == '"' || line[p] == '\''))  // the name's own closing quote ("NAME": 1)
    ++p;
  const std::size_t blanks = p;
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t'))
    ++p;
  if (p >= line.size()) return std::nullopt;
  if (line[p] == '=' || line[p] == ':') {
    if (line[p] == '=' && p + 1 < line.size() && line[p + 1] == '=') return std::nullopt;  // a comparison
    ++p;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t'))
      ++p;
  } else if (p == blanks || !after_set_command(line, start)) {
    return std::nullopt;
  }
  if (p >= line.size()) return std::string();
  if (line[p] == '"' || line[p] == '\'') {
    const char q = line[p];
    const auto end = line.find(q, p + 1);
    return std::string(line.substr(p + 1, end == sv::npos ? sv::npos : end - p - 1));
  }
  std::size_t end = p;
  while (end < line.size() && sv(" \t;\"',)]}#").find(line[end]) == sv::npos)
    ++end;
  return std::string(line.substr(p, end - p));
}

void scan_line(sv line, int number, sv path, sv where, std::vector<model::ContentTrustSetting>& out) {
  const auto first = line.find_first_not_of(" \t");
  if (first == sv::npos) return;
  const sv rest = line.substr(first);
  if (rest.starts_with('#') || rest.starts_with("//") || rest.starts_with(';')) return;
  const auto add = [&](sv variable, std::string value) {
    out.push_back(model::ContentTrustSetting{std::string(variable), std::move(value), std::string(where),
                                             model::Location{std::string(path), number, 0}});
  };
  for (std::size_t at = line.find(k_dct); at != sv::npos; at = line.find(k_dct, at + 1)) {
    if (at > 0 && (word_char(line[at - 1]) || line[at - 1] == '$' || line[at - 1] == '{')) continue;
    std::size_t end = at + k_dct.size();
    sv name = k_dct;
    if (end < line.size() && line[end] == '_') {
      name = {};
      for (const auto s : k_suffixes) {
        if (line.substr(end).starts_with(s) && (end + s.size() == line.size() || !word_char(line[end + s.size()]))) {
          name = line.substr(at, k_dct.size() + s.size());
          end += s.size();
        }
      }
      if (name.empty()) continue;
    } else if (end < line.size() && word_char(line[end])) {
      continue;
    }
    auto value = assigned_value(line, at, end);
    if (!value) continue;
    if (name == k_dct) {
      if (content_trust_on(*value)) add(name, std::move(*value));
    } else if (!core::trim(*value).empty()) {
      add(name, name.ends_with("PASSPHRASE") ? std::string(k_hidden) : std::move(*value));
    }
  }
  // `docker trust sign|inspect|key|signer|revoke ...`
  for (std::size_t at = line.find("docker"); at != sv::npos; at = line.find("docker", at + 1)) {
    if (at > 0 && (word_char(line[at - 1]) || line[at - 1] == '-' || line[at - 1] == '.')) continue;
    const auto words = core::split_words(line.substr(at));
    if (words.size() < 3 || words[0] != "docker" || words[1] != "trust") continue;
    std::string sub(words[2]);
    while (!sub.empty() && !word_char(sub.back()))
      sub.pop_back();
    if (sub == "sign" || sub == "inspect" || sub == "key" || sub == "signer" || sub == "revoke") add("docker trust", sub);
  }
}

}  // namespace

bool content_trust_on(std::string_view value) {
  value = core::trim(value);
  for (const sv off : {"", "0", "f", "F", "false", "FALSE", "False"}) {
    if (value == off) return false;
  }
  return true;
}

std::vector<model::ContentTrustSetting> content_trust_in_text(std::string_view text, std::string_view path,
                                                               std::string_view where) {
  std::vector<model::ContentTrustSetting> out;
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == sv::npos) end = text.size();
    ++number;
    sv line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find("DOCKER_CONTENT_TRUST") != sv::npos || line.find("trust") != sv::npos) scan_line(line, number, path, where, out);
    if (end == text.size()) break;
    start = end + 1;
  }
  return out;
}

std::vector<model::ContentTrustSetting> content_trust_in_environ(std::string_view environ, std::string_view path,
                                                                  std::string_view where) {
  std::vector<model::ContentTrustSetting> out;
  std::size_t start = 0;
  while (start < environ.size()) {
    auto end = environ.find('\0', start);
    if (end == sv::npos) end = environ.size();
    const sv entry = environ.substr(start, end - start);
    const auto eq = entry.find('=');
    if (eq != sv::npos) {
      const sv name = entry.substr(0, eq);
      const sv value = entry.substr(eq + 1);
      const auto add = [&](std::string v) {
        out.push_back(model::ContentTrustSetting{std::string(name), std::move(v), std::string(where),
                                                 model::Location{std::string(path), 0, 0}});
      };
      if (name == k_dct) {
        if (content_trust_on(value)) add(std::string(value));
      } else if (name.starts_with(k_dct) && !value.empty()) {
        for (const auto s : k_suffixes) {
          if (name.substr(k_dct.size()) == s) add(name.ends_with("PASSPHRASE") ? std::string(k_hidden) : std::string(value));
        }
      }
    }
    start = end + 1;
  }
  return out;
}

}  // namespace drydock::parse
