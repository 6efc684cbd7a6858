#include "drydock/parse/audit_rules.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

/// A value as written, without surrounding double quotes (`auditctl -l` may quote keys).
std::string unquoted(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

/// `-F name=value`: the name and value when the operator is exactly '='.
std::optional<std::pair<std::string_view, std::string_view>> field(std::string_view f) {
  const auto op = f.find_first_of("=!<>&");
  if (op == std::string_view::npos || op == 0 || f[op] != '=') return std::nullopt;
  return std::pair{f.substr(0, op), f.substr(op + 1)};
}

/// One parsed line.
struct Line {
  std::optional<std::string> watch;   ///< -w
  std::optional<std::string> remove;  ///< -W
  std::optional<std::string> path;    ///< -F path= / dir=
  bool syscall_rule = false;          ///< -a/-A seen
  bool always_exit = false;           ///< ... with action always on the exit list
  std::string perms, key;
};

Line parse_line(const std::vector<std::string_view>& w) {
  Line l;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string_view opt = w[i];
    const bool has_arg = i + 1 < w.size();
    const std::string_view arg = has_arg ? w[i + 1] : std::string_view{};
    if (opt == "-w" || opt == "--watch" || opt == "-W" || opt == "-p" || opt == "-k") {
      if (!has_arg) continue;
      ++i;
      if (opt == "-W") {
        l.remove = unquoted(arg);
      } else if (opt == "-p") {
        l.perms = unquoted(arg);
      } else if (opt == "-k") {
        if (l.key.empty()) l.key = unquoted(arg);
      } else {
        l.watch = unquoted(arg);
      }
    } else if (opt == "-a" || opt == "-A") {
      l.syscall_rule = true;
      if (has_arg) {
        const auto parts = core::split(core::to_lower(arg), ',');
        const bool always = std::find(parts.begin(), parts.end(), "always") != parts.end();
        const bool exit = std::find(parts.begin(), parts.end(), "exit") != parts.end();
        l.always_exit = always && exit && parts.size() == 2;
        ++i;
      }
    } else if (opt == "-F") {
      if (!has_arg) continue;
      ++i;
      const auto f = field(arg);
      if (!f) continue;
      const auto [name, value] = *f;
      if (name == "path" || name == "dir") {
        l.path = unquoted(value);
      } else if (name == "perm") {
        l.perms = unquoted(value);
      } else if (name == "key" && l.key.empty()) {
        l.key = unquoted(value);
      }
    }
  }
  return l;
}

}  // namespace

void append_audit_rules(std::string_view text, std::string_view source, std::vector<model::AuditRule>& rules) {
  int number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto trimmed = core::trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const Line l = parse_line(core::split_words(trimmed));
    if (l.remove) {
      const std::string gone = core::normalize_path(*l.remove);
      std::erase_if(rules, [&](const model::AuditRule& r) { return core::normalize_path(r.path) == gone; });
      continue;
    }
    std::optional<std::string> path;
    if (l.watch && !l.syscall_rule) path = l.watch;
    if (l.syscall_rule && l.always_exit && l.path) path = l.path;
    if (!path || path->empty()) continue;
    rules.push_back(model::AuditRule{*path, l.perms, l.key, model::Location{std::string(source), number, 1}});
  }
}

std::vector<model::AuditRule> audit_rules(std::string_view text, std::string_view source) {
  std::vector<model::AuditRule> out;
  append_audit_rules(text, source, out);
  return out;
}

}  // namespace drydock::parse
