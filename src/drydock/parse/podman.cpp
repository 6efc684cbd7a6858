#include "drydock/parse/podman.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"

namespace drydock::parse {

std::optional<PodmanEngine> podman_engine(std::string_view version_json, std::string_view info_json) {
  using nlohmann::json;
  const json version = json::parse(version_json, nullptr, false);
  const json info = json::parse(info_json, nullptr, false);
  bool podman = false;
  PodmanEngine e;
  if (version.is_object()) {
    if (const auto c = version.find("Components"); c != version.end() && c->is_array()) {
      for (const auto& component : *c) {
        if (!component.is_object()) continue;
        const auto name = component.find("Name");
        if (name == component.end() || !name->is_string() || name->get<std::string>() != "Podman Engine") continue;
        podman = true;
        if (const auto v = component.find("Version"); v != component.end() && v->is_string()) e.version = v->get<std::string>();
      }
    }
  }
  if (info.is_object()) {
    if (const auto b = info.find("BuildahVersion"); b != info.end() && b->is_string() && !b->get<std::string>().empty()) {
      podman = true;
    }
  }
  if (!podman) return std::nullopt;
  if (info.is_object()) {
    if (const auto r = info.find("Rootless"); r != info.end() && r->is_boolean()) e.rootless = r->get<bool>();
  }
  if (e.version.empty() && version.is_object()) {
    if (const auto v = version.find("Version"); v != version.end() && v->is_string()) e.version = v->get<std::string>();
  }
  return e;
}

namespace {

/// A cursor over a TOML text that counts lines.
class TomlReader {
 public:
  TomlReader(std::string_view text, const std::string& file, std::vector<std::string>& diagnostics)
      : m_text(text), m_file(file), m_diagnostics(diagnostics) {}

  void read(std::map<std::string, model::PodmanSetting>& into) {
    while (true) {
      skip_blank(true);
      if (done()) return;
      const int line = m_line;
      if (peek() == '[') {
        if (!header()) fail_line(line, "a table header that does not close");
        continue;
      }
      std::string key;
      if (!read_key(key)) {
        fail_line(line, "not a `key = value` line");
        continue;
      }
      model::PodmanSetting setting;
      setting.location = model::Location{m_file, line, 0};
      skip_blank(false);
      if (!value(setting, 0)) {
        fail_line(line, "a value this reader cannot read for " + key);
        continue;
      }
      skip_blank(false);
      if (!done() && peek() != '\n') {
        fail_line(line, "text after the value of " + key);
        continue;
      }
      into[m_table.empty() ? key : m_table + "." + key] = std::move(setting);
    }
  }

 private:
  [[nodiscard]] bool done() const { return m_pos >= m_text.size(); }
  [[nodiscard]] char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }
  void advance() {
    if (m_text[m_pos] == '\n') ++m_line;
    ++m_pos;
  }
  [[nodiscard]] bool starts(std::string_view s) const { return m_text.substr(m_pos).starts_with(s); }

  /// Spaces and tabs, comments, and with `newlines` line ends too.
  void skip_blank(bool newlines) {
    while (!done()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        advance();
      } else if (c == '#') {
        while (!done() && peek() != '\n')
          advance();
      } else {
        return;
      }
    }
  }

  /// Records the problem and moves to the next line.
  void fail_line(int line, const std::string& what) {
    if (m_diagnostics.size() < 64) m_diagnostics.push_back(fmt::format("{}:{}: {}", m_file, line, what));
    while (!done() && m_line == line)
      advance();
  }

  bool header() {
    advance();  // [
    const bool array = peek() == '[';
    if (array) advance();
    std::string name;
    while (!done() && peek() != ']' && peek() != '\n')
      name += m_text[m_pos++];
    if (peek() != ']') return false;
    advance();
    if (array) {
      if (peek() != ']') return false;
      advance();
    }
    name = std::string(core::trim(name));
    if (name.empty()) return false;
    if (array) name += "#" + std::to_string(++m_array_tables[name]);
    m_table = name;
    skip_blank(false);
    return done() || peek() == '\n';
  }

  /// A key up to its `=`: bare, quoted, or dotted.
  bool read_key(std::string& key) {
    while (!done() && peek() != '=' && peek() != '\n') {
      const char c = peek();
      if (c == '"' || c == '\'') {
        std::string part;
        if (!string_value(part)) return false;
        key += part;
      } else {
        if (c != ' ' && c != '\t') key += c;
        advance();
      }
    }
    if (peek() != '=' || key.empty()) return false;
    advance();
    return true;
  }

  bool value(model::PodmanSetting& into, int depth) {
    if (done() || depth > 16) return false;
    const char c = peek();
    if (c == '[') {
      if (depth > 0) {  // an array in an array: kept as one value, as written
        const std::size_t from = m_pos;
        if (!skip_nested('[', ']')) return false;
        into.values.emplace_back(m_text.substr(from, m_pos - from));
        return true;
      }
      into.list = true;
      advance();
      while (true) {
        skip_blank(true);
        if (done()) return false;
        if (peek() == ']') {
          advance();
          return true;
        }
        if (!value(into, depth + 1)) return false;
        skip_blank(true);
        if (peek() == ',') {
          advance();
        } else if (peek() != ']') {
          return false;
        }
      }
    }
    if (c == '{') {
      const std::size_t from = m_pos;
      if (!skip_nested('{', '}')) return false;
      into.values.emplace_back(m_text.substr(from, m_pos - from));
      return true;
    }
    if (c == '"' || c == '\'') {
      std::string s;
      if (!string_value(s)) return false;
      into.values.push_back(std::move(s));
      return true;
    }
    std::string bare;
    while (!done() && peek() != ',' && peek() != ']' && peek() != '}' && peek() != '#' && peek() != '\n')
      bare += m_text[m_pos++];
    bare = std::string(core::trim(bare));
    if (bare.empty()) return false;
    into.values.push_back(std::move(bare));
    return true;
  }

  /// From an opening bracket to its closing one, strings skipped whole.
  bool skip_nested(char open, char close) {
    int level = 0;
    while (!done()) {
      const char c = peek();
      if (c == '"' || c == '\'') {
        std::string ignored;
        if (!string_value(ignored)) return false;
        continue;
      }
      advance();
      if (c == open) ++level;
      if (c == close && --level == 0) return true;
    }
    return false;
  }

  bool string_value(std::string& out) {
    const char quote = peek();
    const bool multi = starts(quote == '"' ? "\"\"\"" : "'''");
    const std::size_t open = multi ? 3 : 1;
    for (std::size_t i = 0; i < open; ++i)
      advance();
    if (multi && peek() == '\n') advance();  // a newline right after the opening is not content
    while (!done()) {
      const char c = peek();
      if (multi ? starts(quote == '"' ? "\"\"\"" : "'''") : c == quote) {
        for (std::size_t i = 0; i < open; ++i)
          advance();
        return true;
      }
      if (c == '\n' && !multi) return false;
      if (c == '\\' && quote == '"') {
        advance();
        if (done()) return false;
        const char e = peek();
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u':
          case 'U': out += '\\'; out += e; break;  // kept escaped: only names and paths are compared
          case '\n':  // a line-ending backslash in a multi-line string joins the lines
            while (!done() && (peek() == '\n' || peek() == ' ' || peek() == '\t' || peek() == '\r'))
              advance();
            continue;
          default: out += e; break;
        }
        advance();
        continue;
      }
      out += c;
      advance();
    }
    return false;
  }

  std::string_view m_text;
  const std::string& m_file;
  std::vector<std::string>& m_diagnostics;
  std::size_t m_pos = 0;
  int m_line = 1;
  std::string m_table;
  std::map<std::string, int> m_array_tables;
};

bool is_true(const model::PodmanSetting& s) { return !s.list && s.values.size() == 1 && s.values.front() == "true"; }

}  // namespace

void toml_settings(std::string_view text, const std::string& file, std::map<std::string, model::PodmanSetting>& into,
                   std::vector<std::string>& diagnostics) {
  TomlReader(text, file, diagnostics).read(into);
}

void registries_conf(std::string_view text, const std::string& file, model::PodmanConfig& into) {
  std::map<std::string, model::PodmanSetting> settings;
  toml_settings(text, file, settings, into.diagnostics);
  into.registries_conf_read = true;
  for (const auto& [key, setting] : settings) {
    // [[registry]] tables: "registry#N.insecure"
    if (key.starts_with("registry#") && key.ends_with(".insecure") && is_true(setting)) {
      const std::string table = key.substr(0, key.size() - std::string_view(".insecure").size());
      std::string name;
      for (const char* field : {".location", ".prefix"}) {
        const auto it = settings.find(table + field);
        if (name.empty() && it != settings.end() && !it->second.values.empty()) name = it->second.values.front();
      }
      into.insecure_registries.push_back({name.empty() ? "(no location)" : name, setting.location});
    }
  }
  if (const auto v1 = settings.find("registries.insecure.registries"); v1 != settings.end()) {
    for (const auto& r : v1->second.values)
      into.insecure_registries.push_back({r, v1->second.location});
  }
}

bool signature_policy(std::string_view text, const std::string& file, model::PodmanConfig& into) {
  using nlohmann::json;
  const json policy = json::parse(text, nullptr, false);
  auto fail = [&](const std::string& why) {
    into.diagnostics.push_back(file + ": " + why);
    return false;
  };
  if (!policy.is_object()) return fail("not a JSON object");
  const auto def = policy.find("default");
  if (def == policy.end() || !def->is_array()) return fail("no \"default\" list of requirements");
  into.policy_read = true;
  into.policy_file = file;
  into.policy.clear();
  auto requirements = [&](const std::string& scope, const json& list) {
    if (!list.is_array()) return;
    for (const auto& r : list) {
      if (!r.is_object()) continue;
      const auto t = r.find("type");
      if (t != r.end() && t->is_string()) into.policy.push_back({scope, t->get<std::string>()});
    }
  };
  requirements("default", *def);
  if (const auto transports = policy.find("transports"); transports != policy.end() && transports->is_object()) {
    for (auto t = transports->begin(); t != transports->end(); ++t) {
      if (!t.value().is_object()) continue;
      for (auto s = t.value().begin(); s != t.value().end(); ++s) {
        requirements(t.key() + ":" + (s.key().empty() ? std::string("(every image)") : s.key()), s.value());
      }
    }
  }
  return true;
}

const std::vector<std::string>& podman_default_capabilities() {
  static const std::vector<std::string> k_caps = {"CHOWN",   "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",      "NET_BIND_SERVICE",
                                                  "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
  return k_caps;
}

}  // namespace drydock::parse
