/// Compose files as YAML: yaml-cpp's nodes to a located tree (aliases expanded, merge keys
/// applied), interpolation of every scalar value, dotenv files and byte sizes.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <set>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"
#include "drydock/parse/compose.hpp"
#include "drydock/parse/compose_tree.hpp"

namespace drydock::parse {

// ---------------------------------------------------------------------------------------
// Interpolation, as compose-go's template package does it.

namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

core::Expected<std::string> interpolate_at(std::string_view text, const ComposeEnvironment& env, std::vector<std::string>* unset,
                                           int depth) {
  if (depth > 16) return core::fail(core::ErrorKind::parse, "substitutions nested too deeply");
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const auto invalid = [&] {
    return core::fail(core::ErrorKind::parse, fmt::format("invalid interpolation format for \"{}\"", std::string(text)));
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) return invalid();
    const char next = text[i + 1];
    if (next == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (name_start(next)) {
      std::size_t j = i + 1;
      while (j < text.size() && name_char(text[j]))
        ++j;
      const std::string name(text.substr(i + 1, j - i - 1));
      const auto it = env.find(name);
      if (it != env.end()) {
        out += it->second;
      } else if (unset != nullptr) {
        unset->push_back(name);
      }
      i = j;
      continue;
    }
    if (next != '{') return invalid();
    // ${NAME[op word]}: find the closing brace, counting nested ${...}.
    std::size_t j = i + 2;
    if (j >= text.size() || !name_start(text[j])) return invalid();
    std::size_t k = j;
    while (k < text.size() && name_char(text[k]))
      ++k;
    const std::string name(text.substr(j, k - j));
    int braces = 1;
    std::size_t end = k;
    for (; end < text.size(); ++end) {
      if (text[end] == '$' && end + 1 < text.size() && text[end + 1] == '{') {
        ++braces;
        ++end;
      } else if (text[end] == '}') {
        if (--braces == 0) break;
      }
    }
    if (braces != 0) return invalid();
    const std::string_view rest = text.substr(k, end - k);  // "", ":-word", "-word", ...
    const auto it = env.find(name);
    const bool set = it != env.end();
    const bool nonempty = set && !it->second.empty();
    std::string op;
    std::string_view word;
    if (!rest.empty()) {
      if (rest.size() >= 2 && rest[0] == ':' && (rest[1] == '-' || rest[1] == '?' || rest[1] == '+')) {
        op = rest.substr(0, 2);
        word = rest.substr(2);
      } else if (rest[0] == '-' || rest[0] == '?' || rest[0] == '+') {
        op = rest.substr(0, 1);
        word = rest.substr(1);
      } else {
        return invalid();
      }
    }
    if (op.empty()) {
      if (set) {
        out += it->second;
      } else if (unset != nullptr) {
        unset->push_back(name);
      }
    } else if (op == ":-" || op == "-") {
      if (op == ":-" ? nonempty : set) {
        out += it->second;
      } else {
        DRYDOCK_TRY(value, interpolate_at(word, env, unset, depth + 1));
        out += value;
      }
    } else if (op == ":?" || op == "?") {
      if (op == ":?" ? nonempty : set) {
        out += it->second;
      } else {
        DRYDOCK_TRY(message, interpolate_at(word, env, nullptr, depth + 1));
        return core::fail(core::ErrorKind::parse,
                          fmt::format("required variable {} is missing a value{}", name, message.empty() ? "" : ": " + message));
      }
    } else {  // ":+", "+"
      if (op == ":+" ? nonempty : set) {
        DRYDOCK_TRY(value, interpolate_at(word, env, unset, depth + 1));
        out += value;
      }
    }
    i = end + 1;
  }
  return out;
}

}  // namespace

core::Expected<std::string> interpolate(std::string_view text, const ComposeEnvironment& env, std::vector<std::string>* unset) {
  return interpolate_at(text, env, unset, 0);
}

// ---------------------------------------------------------------------------------------
// dotenv and sizes.

std::vector<std::pair<std::string, std::string>> dotenv(std::string_view text, std::vector<int>* bad_lines) {
  std::vector<std::pair<std::string, std::string>> out;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    line = core::trim(line);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = core::trim(line.substr(7));
    const auto eq = line.find('=');
    const std::string key(core::trim(line.substr(0, eq)));
    const bool key_ok = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return name_char(c) || c == '.' || c == '-';
    });
    if (!key_ok) {
      if (bad_lines != nullptr) bad_lines->push_back(line_no);
      continue;
    }
    if (eq == std::string_view::npos) continue;  // a bare KEY
    std::string_view raw = core::trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
      const char quote = raw.front();
      bool closed = false;
      for (std::size_t k = 1; k < raw.size(); ++k) {
        const char ch = raw[k];
        if (quote == '"' && ch == '\\' && k + 1 < raw.size()) {
          const char e = raw[++k];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          continue;
        }
        if (ch == quote) {
          closed = true;
          break;
        }
        value += ch;
      }
      if (!closed) {
        if (bad_lines != nullptr) bad_lines->push_back(line_no);
        continue;
      }
    } else {
      const auto hash = raw.find(" #");
      value = std::string(core::trim(raw.substr(0, hash)));
    }
    out.emplace_back(key, std::move(value));
  }
  return out;
}

std::optional<std::int64_t> byte_size(std::string_view text) {
  std::string s = core::to_lower(core::trim(text));
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(s.substr(0, i));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit(core::trim(std::string_view(s).substr(i)));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double scale = 1;
  if (unit.empty()) {
    scale = 1;
  } else if (unit == "k") {
    scale = 1024.0;
  } else if (unit == "m") {
    scale = 1024.0 * 1024;
  } else if (unit == "g") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else if (unit == "p") {
    scale = 1024.0 * 1024 * 1024 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  const double bytes = number * scale;
  if (!std::isfinite(bytes) || bytes > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(bytes);
}

// ---------------------------------------------------------------------------------------
// YAML to the located tree.

namespace compose {
namespace {

constexpr int k_max_depth = 64;
constexpr std::size_t k_max_nodes = 200000;  // aliases can expand exponentially ("billion laughs")

struct Converter {
  const std::string& path;
  const ComposeEnvironment& env;
  std::vector<model::ComposeDiagnostic>& diagnostics;
  std::size_t nodes = 0;
  bool too_big = false;
  std::set<std::string> unset_reported;

  model::Location where(const YAML::Mark& m) const { return model::Location{path, m.line + 1, m.column + 1}; }

  void diag(const model::Location& at, std::string message, bool fatal = false) {
    diagnostics.push_back(model::ComposeDiagnostic{at, std::move(message), fatal});
  }

  Node convert(const YAML::Node& y, const model::Location& at, int depth, bool interpolate_values) {
    Node n;
    n.at = at;
    if (++nodes > k_max_nodes || depth > k_max_depth) {
      if (!too_big) diag(at, nodes > k_max_nodes ? "document too large (aliases expand beyond 200000 nodes)" : "nesting too deep");
      too_big = true;
      return n;
    }
    const std::string& tag = y.Tag();
    if (tag == "!reset" || tag == "!override") n.tag = tag;
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.kind = Node::Kind::null;
        return n;
      case YAML::NodeType::Scalar: {
        n.kind = Node::Kind::scalar;
        n.quoted = tag == "!";
        n.value = y.Scalar();
        if (interpolate_values && n.value.find('$') != std::string::npos) {
          std::vector<std::string> unset;
          auto value = parse::interpolate(n.value, env, &unset);
          if (!value) {
            diag(at, value.error().message);
            n.value.clear();
          } else {
            n.value = std::move(*value);
          }
          std::string without_escapes = y.Scalar();
          for (auto p = without_escapes.find("$$"); p != std::string::npos; p = without_escapes.find("$$", p))
            without_escapes.erase(p, 2);
          n.interpolated = without_escapes.find('$') != std::string::npos;
          for (const auto& name : unset) {
            if (unset_reported.insert(name).second)
              diag(at, fmt::format("the {} variable is not set; defaulting to a blank string", name));
          }
        }
        return n;
      }
      case YAML::NodeType::Sequence: {
        n.kind = Node::Kind::seq;
        for (const auto& item : y) {
          n.items.push_back(convert(item, where(item.Mark()), depth + 1, interpolate_values));
          if (too_big) return n;
        }
        return n;
      }
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::map;
        std::vector<Node> merged;  // the maps of `<<`, in order of precedence
        for (auto it = y.begin(); it != y.end(); ++it) {
          const YAML::Node key = it->first;
          const YAML::Node value = it->second;
          const auto key_at = where(key.Mark());
          if (!key.IsScalar()) {
            diag(key_at, "a mapping key must be a string");
            continue;
          }
          const std::string name = key.Scalar();
          if (name == "<<" && key.Tag() != "!") {
            // Merge key: one map or a list of maps; explicit keys win, then earlier maps.
            if (value.IsMap()) {
              merged.push_back(convert(value, where(value.Mark()), depth + 1, interpolate_values));
            } else if (value.IsSequence()) {
              for (const auto& m : value) {
                if (m.IsMap()) {
                  merged.push_back(convert(m, where(m.Mark()), depth + 1, interpolate_values));
                } else {
                  diag(where(m.Mark()), "a merge key (<<) takes a mapping or a list of mappings");
                }
              }
            } else {
              diag(key_at, "a merge key (<<) takes a mapping or a list of mappings");
            }
            if (too_big) return n;
            continue;
          }
          if (n.find(name) != nullptr) {
            diag(key_at, fmt::format("mapping key \"{}\" already defined", name));
            continue;
          }
          // Extension fields (x-...) are not interpolated, and ignored by the loader.
          const bool values = interpolate_values && !name.starts_with("x-");
          n.map.emplace_back(name, convert(value, key_at, depth + 1, values));
          if (too_big) return n;
        }
        for (auto& m : merged) {
          for (auto& [k, v] : m.map) {
            if (n.find(k) == nullptr) n.map.emplace_back(k, std::move(v));
          }
        }
        return n;
      }
    }
    return n;
  }
};

}  // namespace

Node load_yaml(std::string_view text, const std::string& path, const ComposeEnvironment& env,
               std::vector<model::ComposeDiagnostic>& diagnostics, bool& ok) {
  ok = false;
  if (text.find('\0') != std::string_view::npos) {
    diagnostics.push_back(model::ComposeDiagnostic{model::Location{path, 0, 0}, "not a text file (NUL bytes)", true});
    return {};
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    diagnostics.push_back(model::ComposeDiagnostic{model::Location{path, e.mark.line + 1, e.mark.column + 1},
                                                   "invalid YAML: " + e.msg, true});
    return {};
  } catch (const std::exception& e) {
    diagnostics.push_back(model::ComposeDiagnostic{model::Location{path, 0, 0}, std::string("invalid YAML: ") + e.what(), true});
    return {};
  }
  Converter conv{path, env, diagnostics};
  Node root;
  try {
    root = conv.convert(doc, model::Location{path, 1, 1}, 0, true);
  } catch (const std::exception& e) {
    diagnostics.push_back(model::ComposeDiagnostic{model::Location{path, 0, 0}, std::string("invalid YAML: ") + e.what(), true});
    return {};
  }
  if (conv.too_big) {
    diagnostics.back().fatal = true;
    return {};
  }
  ok = true;
  return root;
}

}  // namespace compose
}  // namespace drydock::parse
