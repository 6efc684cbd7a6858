#include "drydock/parse/daemon_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

using ordered_json = nlohmann::ordered_json;

/// daemon.json is two or three levels deep; anything far deeper is hostile input.
constexpr int k_max_json_depth = 64;

// ---------------------------------------------------------------------------------------
// Lines of daemon.json keys. nlohmann::json does not report where a value was written, so a
// small lexical pass over the text finds the line of every top-level key, of each element
// of a top-level array and of each member key of a top-level object. It only tracks strings
// and brackets; it is good enough for evidence because the document is also parsed for real
// (a line that cannot be found falls back to the key's line, or 0).

struct KeyLines {
  int line = 0;
  std::vector<int> elements;           ///< lines of the elements of an array value
  std::map<std::string, int> members;  ///< lines of the member keys of an object value
};

struct JsonScan {
  std::map<std::string, KeyLines> keys;
  int max_depth = 0;
};

JsonScan scan_json(std::string_view text) {
  JsonScan out;
  std::vector<char> stack;  // '{' or '['
  int line = 1;
  bool element_pending = false;  // at depth 2 in an array, before an element
  std::string current;           // the top-level key whose value is being read
  const auto depth = [&] { return static_cast<int>(stack.size()); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (element_pending && depth() == 2 && c != ']' && c != ',') {
      out.keys[current].elements.push_back(line);
      element_pending = false;
    }
    switch (c) {
      case '{':
      case '[':
        stack.push_back(c);
        out.max_depth = std::max(out.max_depth, depth());
        if (depth() == 2 && c == '[') element_pending = true;
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        element_pending = false;
        break;
      case ',':
        if (depth() == 2 && stack.back() == '[') element_pending = true;
        break;
      case '"': {
        const int start_line = line;
        std::string content;
        std::size_t j = i + 1;
        for (; j < text.size() && text[j] != '"'; ++j) {
          if (text[j] == '\n') ++line;
          if (text[j] == '\\' && j + 1 < text.size()) ++j;
          content += text[j];
        }
        i = j;  // the closing quote (or the end)
        std::size_t k = j + 1;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n'))
          ++k;
        const bool is_key = k < text.size() && text[k] == ':';
        if (!is_key) break;
        if (depth() == 1 && stack[0] == '{') {
          current = content;
          out.keys[current] = KeyLines{start_line, {}, {}};  // a repeated key: the last one wins, as in the parser
        } else if (depth() == 2 && stack[1] == '{') {
          out.keys[current].members[content] = start_line;
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/// A parser message without nlohmann's "[json.exception...] " prefix and with control and
/// non-ASCII bytes shown as \xNN, so that binary input cannot garble a terminal.
std::string clean_message(std::string_view what) {
  if (what.starts_with("[json.exception")) {
    const auto close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  std::string out;
  for (const char ch : what) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += ch;
    }
  }
  return out;
}

/// A scalar as daemon.json text: strings as they are, booleans and numbers as JSON.
std::string scalar_text(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

/// A default-ulimits entry ({"Name": "nofile", "Soft": 1024, "Hard": 2048}) as "nofile=1024:2048".
std::string ulimit_text(const std::string& name, const ordered_json& v) {
  if (!v.is_object()) return name + "=" + scalar_text(v);
  std::string n = name;
  if (const auto it = v.find("Name"); it != v.end() && it->is_string()) n = it->get<std::string>();
  const auto part = [&](const char* field) -> std::string {
    const auto it = v.find(field);
    return it == v.end() ? std::string("?") : scalar_text(*it);
  };
  return n + "=" + part("Soft") + ":" + part("Hard");
}

}  // namespace

core::Expected<DaemonSettings> daemon_json(std::string_view text, std::string_view path) {
  const std::string where(path);
  if (text.size() > k_daemon_json_limit) {
    return core::fail(core::ErrorKind::parse, fmt::format("larger than {} bytes; not read", k_daemon_json_limit), where);
  }
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);  // dockerd strips a UTF-8 BOM too
  if (core::trim(text).empty()) {
    return core::fail(core::ErrorKind::parse, "empty file: not valid JSON (dockerd refuses to start with it: EOF)", where);
  }
  const JsonScan scan = scan_json(text);
  if (scan.max_depth > k_max_json_depth) {
    return core::fail(core::ErrorKind::parse, fmt::format("nested deeper than {} levels", k_max_json_depth), where);
  }
  ordered_json doc;
  try {
    doc = ordered_json::parse(text);
  } catch (const ordered_json::exception& e) {
    return core::fail(core::ErrorKind::parse, "not valid JSON: " + clean_message(e.what()), where);
  }
  if (!doc.is_object()) {
    return core::fail(core::ErrorKind::parse, std::string("expected a JSON object, got ") + doc.type_name(), where);
  }

  DaemonSettings out;
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();  // a named reference: lambdas cannot capture structured bindings (clang < 16)
    const ordered_json& value = item.value();
    if (value.is_null()) continue;
    const auto lines_it = scan.keys.find(key);
    const KeyLines lines = lines_it == scan.keys.end() ? KeyLines{} : lines_it->second;
    const auto add = [&](std::string text_value, int line) {
      out.emplace_back(key, model::SettingValue{std::move(text_value), std::string(k_daemon_json_source),
                                                model::Location{where, line != 0 ? line : lines.line, 0}});
    };
    const auto member_line = [&](const std::string& name) {
      const auto it = lines.members.find(name);
      return it == lines.members.end() ? lines.line : it->second;
    };
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        const ordered_json& e = value[i];
        if (e.is_null()) continue;
        add(e.is_primitive() ? scalar_text(e) : e.dump(), i < lines.elements.size() ? lines.elements[i] : 0);
      }
    } else if (value.is_object() && key == "default-ulimits") {
      for (const auto& [name, u] : value.items())
        add(ulimit_text(name, u), member_line(name));
    } else if (value.is_object() && key == "log-opts") {
      for (const auto& [name, v] : value.items())
        add(name + "=" + scalar_text(v), member_line(name));
    } else if (value.is_object()) {
      add(value.dump(), 0);
    } else {
      add(scalar_text(value), 0);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// dockerd command line.

namespace {

struct Flag {
  std::string_view name;  ///< long name without "--"
  char shorthand;         ///< 0 when none
  std::string_view key;   ///< daemon.json key
  bool boolean;
};

constexpr std::array<Flag, 31> k_flags = {{
    {"host", 'H', "hosts", false},
    {"tlsverify", 0, "tlsverify", true},
    {"tls", 0, "tls", true},
    {"tlscacert", 0, "tlscacert", false},
    {"tlscert", 0, "tlscert", false},
    {"tlskey", 0, "tlskey", false},
    {"icc", 0, "icc", true},
    {"log-level", 'l', "log-level", false},
    {"debug", 'D', "debug", true},
    {"iptables", 0, "iptables", true},
    {"insecure-registry", 0, "insecure-registries", false},
    {"storage-driver", 's', "storage-driver", false},
    {"storage-opt", 0, "storage-opts", false},
    {"userns-remap", 0, "userns-remap", false},
    {"cgroup-parent", 0, "cgroup-parent", false},
    {"authorization-plugin", 0, "authorization-plugins", false},
    {"log-driver", 0, "log-driver", false},
    {"log-opt", 0, "log-opts", false},
    {"no-new-privileges", 0, "no-new-privileges", true},
    {"live-restore", 0, "live-restore", true},
    {"userland-proxy", 0, "userland-proxy", true},
    {"seccomp-profile", 0, "seccomp-profile", false},
    {"experimental", 0, "experimental", true},
    {"default-ulimit", 0, "default-ulimits", false},
    {"data-root", 0, "data-root", false},
    {"graph", 'g', "data-root", false},
    {"config-file", 0, "config-file", false},
    {"selinux-enabled", 0, "selinux-enabled", true},
    {"rootless", 0, "rootless", true},
    {"exec-opt", 0, "exec-opts", false},
    {"containerd", 0, "containerd", false},
}};

const Flag* long_flag(std::string_view name) {
  for (const auto& f : k_flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Flag* short_flag(char c) {
  for (const auto& f : k_flags) {
    if (f.shorthand == c) return &f;
  }
  return nullptr;
}

/// Go's strconv.ParseBool spellings, as "true"/"false"; nullopt for anything else.
std::optional<std::string> go_bool(std::string_view v) {
  static constexpr std::array<std::string_view, 6> k_true = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> k_false = {"0", "f", "F", "FALSE", "false", "False"};
  for (auto t : k_true) {
    if (v == t) return "true";
  }
  for (auto f : k_false) {
    if (v == f) return "false";
  }
  return std::nullopt;
}

}  // namespace

DaemonSettings dockerd_args(const std::vector<std::string>& argv, std::string_view source, const model::Location& where) {
  DaemonSettings out;
  const auto add = [&](const Flag& f, std::string value) {
    out.emplace_back(std::string(f.key), model::SettingValue{std::move(value), std::string(source), where});
  };
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-') continue;  // dockerd takes no arguments; stray words are ignored

    const Flag* flag = nullptr;
    std::optional<std::string> inline_value;
    if (a.starts_with("--")) {
      const std::string_view body = a.substr(2);
      const auto eq = body.find('=');
      flag = long_flag(body.substr(0, eq));
      if (eq != std::string_view::npos) inline_value = std::string(body.substr(eq + 1));
    } else {
      flag = short_flag(a[1]);
      if (a.size() > 2) inline_value = std::string(a[2] == '=' ? a.substr(3) : a.substr(2));
    }
    if (flag == nullptr) continue;

    if (flag->boolean) {
      if (inline_value) {
        add(*flag, go_bool(*inline_value).value_or(*inline_value));
      } else if (i + 1 < argv.size() && go_bool(argv[i + 1]) && !argv[i + 1].empty() && argv[i + 1][0] != '-') {
        // "--icc false": dockerd itself would take "false" as a stray argument and refuse to
        // start, but the intent of whoever wrote it is plain.
        add(*flag, *go_bool(argv[++i]));
      } else {
        add(*flag, "true");
      }
    } else if (inline_value) {
      add(*flag, *inline_value);
    } else if (i + 1 < argv.size()) {
      add(*flag, argv[++i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// systemd units.

namespace {

/// Logical lines of a unit file: continuations joined, comment lines dropped, each with the
/// line number where it starts.
std::vector<std::pair<int, std::string>> logical_lines(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  const auto lines = core::split(text, '\n');
  std::string pending;
  int start = 0;
  bool continuing = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    if (line.ends_with('\r')) line.remove_suffix(1);
    const std::string_view trimmed = core::trim(line);
    if (trimmed.starts_with('#') || trimmed.starts_with(';')) continue;  // also inside a continuation
    if (!continuing) {
      start = static_cast<int>(n) + 1;
      pending.clear();
    }
    if (line.ends_with('\\')) {
      pending.append(line.substr(0, line.size() - 1));
      pending += ' ';
      continuing = true;
      continue;
    }
    pending.append(line);
    continuing = false;
    out.emplace_back(start, pending);
  }
  if (continuing) out.emplace_back(start, pending);
  return out;
}

/// systemd's unquoting of one command line: whitespace separates words, single and double
/// quotes group, backslash escapes (C escapes \n, \t, \\, \", \', \xNN; anything else literal).
std::vector<std::string> unit_words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote == 0 && (c == ' ' || c == '\t')) {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (c == '\\' && i + 1 < s.size()) {
      const char e = s[++i];
      switch (e) {
        case 'n':
          word += '\n';
          break;
        case 't':
          word += '\t';
          break;
        case 'x':
          if (i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) != 0 &&
              std::isxdigit(static_cast<unsigned char>(s[i + 2])) != 0) {
            word += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
          } else {
            word += e;
          }
          break;
        default:
          word += e;
          break;
      }
    } else {
      word += c;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace

UnitService systemd_exec_start(std::string_view unit_text, std::string_view path) {
  UnitService out;
  bool in_service = false;
  for (const auto& [line_no, raw] : logical_lines(unit_text)) {
    const std::string_view line = core::trim(raw);
    if (line.empty()) continue;
    if (line.starts_with('[')) {
      in_service = line == "[Service]";
      continue;
    }
    if (!in_service) continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = core::trim(line.substr(0, eq));
    const std::string_view value = core::trim(line.substr(eq + 1));
    if (key == "ExecStart") {
      if (value.empty()) {
        out.exec_start.clear();
        out.exec_start_reset = true;
        continue;
      }
      std::string_view cmd = value;
      bool at = false;
      while (!cmd.empty() && std::string_view("-@:+!|").find(cmd.front()) != std::string_view::npos) {
        at = at || cmd.front() == '@';
        cmd.remove_prefix(1);
      }
      auto words = unit_words(cmd);
      if (at && words.size() >= 2) words.erase(words.begin() + 1);  // "@prog argv0 ...": argv0 is only a name
      if (words.empty()) continue;
      out.exec_start.push_back(ExecCommand{std::move(words), model::Location{std::string(path), line_no, 0}});
    } else if (key == "EnvironmentFile") {
      if (value.empty()) {
        out.environment_files.clear();
        out.environment_files_reset = true;
      } else {
        out.environment_files.emplace_back(value);
      }
    } else if (key == "Environment") {
      if (value.empty()) {
        out.environment.clear();
        out.environment_reset = true;
        continue;
      }
      for (const auto& w : unit_words(value)) {
        const auto weq = w.find('=');
        if (weq == std::string::npos || weq == 0) continue;
        out.environment.emplace_back(w.substr(0, weq), w.substr(weq + 1));
      }
    }
  }
  return out;
}

namespace {

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)) != 0);
}

std::string lookup(const std::map<std::string, std::string>& env, const std::string& name) {
  const auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

/// `${NAME}`, `$NAME` and `$$` inside one word.
std::string substitute(std::string_view w, const std::map<std::string, std::string>& env) {
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] != '$' || i + 1 >= w.size()) {
      out += w[i];
      continue;
    }
    if (w[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (w[i + 1] == '{') {
      const auto close = w.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += w.substr(i);
        break;
      }
      out += lookup(env, std::string(w.substr(i + 2, close - i - 2)));
      i = close;
    } else if (name_char(w[i + 1], true)) {
      std::size_t j = i + 1;
      while (j < w.size() && name_char(w[j], false))
        ++j;
      out += lookup(env, std::string(w.substr(i + 1, j - i - 1)));
      i = j - 1;
    } else {
      out += w[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> expand_unit_variables(const std::vector<std::string>& argv,
                                               const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& w : argv) {
    const bool whole = w.size() >= 2 && w[0] == '$' && name_char(w[1], true) &&
                       std::all_of(w.begin() + 2, w.end(), [](char c) { return name_char(c, false); });
    if (whole) {
      // systemd splits the value at whitespace only; quotes inside it stay literal.
      for (const auto& part : core::split(lookup(env, w.substr(1)), ' ')) {
        for (const auto& p : core::split(part, '\t')) {
          if (!p.empty()) out.push_back(p);
        }
      }
    } else {
      out.push_back(substitute(w, env));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Environment files and shell words.

std::map<std::string, std::string> env_file(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto skip_line = [&] {
    while (i < n && text[i] != '\n')
      ++i;
  };
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < n) {
    while (i < n && blank(text[i]))
      ++i;
    if (i >= n) break;
    if (text[i] == '\n') {
      ++i;
      continue;
    }
    if (text[i] == '#' || text[i] == ';') {
      skip_line();
      continue;
    }
    if (text.substr(i).starts_with("export") && i + 6 < n && blank(text[i + 6])) {
      i += 6;
      while (i < n && blank(text[i]))
        ++i;
    }
    const std::size_t key_start = i;
    while (i < n && name_char(text[i], i == key_start))
      ++i;
    const std::string key(text.substr(key_start, i - key_start));
    if (key.empty() || i >= n || text[i] != '=') {
      skip_line();
      continue;
    }
    ++i;  // '='
    std::string value;
    std::size_t keep = 0;  // length of value without trailing unquoted blanks
    while (i < n && text[i] != '\n') {
      const char c = text[i];
      if (c == '"') {
        for (++i; i < n && text[i] != '"'; ++i) {
          if (text[i] == '\\' && i + 1 < n && std::string_view("\"\\$`\n").find(text[i + 1]) != std::string_view::npos) {
            ++i;
            if (text[i] == '\n') continue;
          }
          value += text[i];
        }
        ++i;
        keep = value.size();
      } else if (c == '\'') {
        for (++i; i < n && text[i] != '\''; ++i)
          value += text[i];
        ++i;
        keep = value.size();
      } else if (c == '\\' && i + 1 < n) {
        if (text[i + 1] != '\n') value += text[i + 1];
        i += 2;
        keep = value.size();
      } else if (c == '#' && (value.empty() || blank(value.back()))) {
        skip_line();
      } else {
        value += c;
        ++i;
        if (!blank(c)) keep = value.size();
      }
    }
    value.resize(keep);
    out[key] = value;
  }
  return out;
}

std::vector<std::string> shell_words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i)
        word += s[i];
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && std::string_view("\"\\$`").find(s[i + 1]) != std::string_view::npos) ++i;
        word += s[i];
      }
    } else if (c == '\\' && i + 1 < s.size()) {
      word += s[++i];
    } else {
      word += c;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace drydock::parse
