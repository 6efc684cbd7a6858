#include "drydock/parse/package_sources.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

using sv = std::string_view;

enum class Kind { none, sources_list, deb822, apt_conf, rpm_ini, rpm_repo, rpm_macros, pip };

sv base_name(sv path) { return path.substr(path.rfind('/') + 1); }

bool under(sv path, sv dir) { return path.size() > dir.size() + 1 && path.starts_with(dir) && path[dir.size()] == '/'; }

/// `path` without a leading "./" or '/', then with one '/': "/etc/apt/sources.list".
std::string absolute(sv path) {
  while (path.starts_with("./"))
    path.remove_prefix(2);
  while (path.starts_with('/'))
    path.remove_prefix(1);
  return "/" + std::string(path);
}

Kind kind_of(sv raw) {
  const std::string p = absolute(raw);
  const sv path = p;
  const sv base = base_name(path);
  if (path == "/etc/apt/sources.list") return Kind::sources_list;
  if (under(path, "/etc/apt/sources.list.d") && path.rfind('/') == sizeof("/etc/apt/sources.list.d") - 1) {
    if (base.ends_with(".list")) return Kind::sources_list;
    if (base.ends_with(".sources")) return Kind::deb822;
    return Kind::none;
  }
  if (path == "/etc/apt/apt.conf") return Kind::apt_conf;
  if (under(path, "/etc/apt/apt.conf.d") && path.rfind('/') == sizeof("/etc/apt/apt.conf.d") - 1) return Kind::apt_conf;
  if (path == "/etc/yum.conf" || path == "/etc/dnf/dnf.conf") return Kind::rpm_ini;
  for (sv dir : {sv("/etc/yum.repos.d"), sv("/etc/distro.repos.d"), sv("/etc/zypp/repos.d")}) {
    if (under(path, dir) && path.rfind('/') == dir.size() && base.ends_with(".repo")) return Kind::rpm_repo;
  }
  if (under(path, "/etc/rpm") && path.rfind('/') == sizeof("/etc/rpm") - 1 && base.starts_with("macros")) return Kind::rpm_macros;
  if (base == "pip.conf" || base == "pip.ini") return Kind::pip;
  return Kind::none;
}

/// A line as evidence: control characters as spaces, at most 120 bytes (not inside a UTF-8 sequence).
std::string shown(sv text) {
  std::string out;
  for (char c : core::trim(text)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  constexpr std::size_t k_max = 120;
  if (out.size() > k_max) {
    std::size_t cut = k_max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U)
      --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

/// The lines of `content`, without their ends ("\n" or "\r\n").
std::vector<sv> lines_of(sv content) {
  std::vector<sv> out;
  while (!content.empty()) {
    const auto nl = content.find('\n');
    sv line = content.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
    if (nl == sv::npos) break;
    content.remove_prefix(nl + 1);
  }
  return out;
}

bool yes(sv value) {
  const std::string v = core::to_lower(core::trim(value));
  return v == "yes" || v == "true" || v == "1" || v == "on" || v == "with" || v == "enable";
}
bool no(sv value) {
  const std::string v = core::to_lower(core::trim(value));
  return v == "no" || v == "false" || v == "0" || v == "off" || v == "without" || v == "disable";
}

// --- apt sources ---------------------------------------------------------------------------

/// The options of sources.list(5) that accept what apt cannot verify.
constexpr sv k_apt_source_options[] = {"trusted", "allow-insecure", "allow-weak", "allow-downgrade-to-insecure"};

bool unverified_source_option(sv key) {
  const std::string k = core::to_lower(key);
  return std::find(std::begin(k_apt_source_options), std::end(k_apt_source_options), k) != std::end(k_apt_source_options);
}

void sources_list(sv content, std::vector<UnverifiedSetting>& out) {
  const auto lines = lines_of(content);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    sv line = lines[n];
    line = line.substr(0, line.find('#'));
    line = core::trim(line);
    if (!line.starts_with("deb")) continue;
    const auto open = line.find('[');
    if (open == sv::npos) continue;
    const sv type = core::trim(line.substr(0, open));
    if (type != "deb" && type != "deb-src") continue;
    const auto close = line.find(']', open);
    if (close == sv::npos) continue;
    for (const auto word : core::split_words(line.substr(open + 1, close - open - 1))) {
      const auto eq = word.find('=');
      if (eq == sv::npos) continue;
      sv key = word.substr(0, eq);
      if (key.ends_with('+') || key.ends_with('-')) continue;  // adds to or removes from a list option
      if (unverified_source_option(key) && yes(word.substr(eq + 1))) {
        out.push_back({static_cast<int>(n + 1), fmt::format("[{}] on `{}`", shown(word), shown(line))});
      }
    }
  }
}

void deb822(sv content, std::vector<UnverifiedSetting>& out) {
  struct Field {
    int line;
    std::string text;
  };
  std::vector<Field> pending;
  bool disabled = false;
  std::string uris;
  auto flush = [&] {
    if (!disabled) {
      for (auto& f : pending)
        out.push_back({f.line, uris.empty() ? f.text : fmt::format("{} for URIs: {}", f.text, shown(uris))});
    }
    pending.clear();
    disabled = false;
    uris.clear();
  };
  const auto lines = lines_of(content);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const sv line = lines[n];
    if (core::trim(line).empty()) {
      flush();
      continue;
    }
    if (line.starts_with('#') || line.starts_with(' ') || line.starts_with('\t')) continue;
    const auto colon = line.find(':');
    if (colon == sv::npos) continue;
    const sv key = core::trim(line.substr(0, colon));
    const sv value = core::trim(line.substr(colon + 1));
    if (core::to_lower(key) == "enabled" && no(value)) disabled = true;
    if (core::to_lower(key) == "uris") uris = std::string(value);
    if (unverified_source_option(key) && yes(value)) pending.push_back({static_cast<int>(n + 1), fmt::format("{}: {}", key, value)});
  }
  flush();
}

// --- apt.conf --------------------------------------------------------------------------------

/// apt.conf(5): `A::B "v";`, `A { B "v"; };`, comments `//`, `#` and `/* */`.
class AptConf {
 public:
  explicit AptConf(sv text) : m_text(text) {}

  void scan(std::vector<UnverifiedSetting>& out) {
    std::vector<std::string> scopes;
    std::optional<Token> key;
    std::optional<Token> value;
    for (;;) {
      const auto t = next();
      if (!t) return;
      if (t->kind == Token::open) {
        if (scopes.size() >= 64) return;  // deeper than any configuration: give up quietly
        scopes.push_back(key ? key->text : std::string());
        key.reset();
        value.reset();
      } else if (t->kind == Token::close) {
        if (!scopes.empty()) scopes.pop_back();
        key.reset();
        value.reset();
      } else if (t->kind == Token::end) {
        if (key && value) judge(scopes, *key, *value, out);
        key.reset();
        value.reset();
      } else if (!key) {
        key = t;
      } else if (!value) {
        value = t;
      }
    }
  }

 private:
  struct Token {
    enum Kind { word, open, close, end } kind = word;
    std::string text;
    int line = 0;
  };

  static void judge(const std::vector<std::string>& scopes, const Token& key, const Token& value, std::vector<UnverifiedSetting>& out) {
    if (key.text.starts_with('#')) return;  // #include, #clear
    std::string name;
    for (const auto& s : scopes) {
      if (!s.empty()) name += s + "::";
    }
    name += key.text;
    const std::string lower = core::to_lower(name);
    const bool allow = lower == "apt::get::allowunauthenticated" || lower == "acquire::allowinsecurerepositories" ||
                       lower == "acquire::allowdowngradetoinsecurerepositories" || lower == "acquire::allowweakrepositories";
    const bool verify = lower.starts_with("acquire::https::") &&
                        (lower.ends_with("::verify-peer") || lower.ends_with("::verify-host"));
    if ((allow && yes(value.text)) || (verify && no(value.text))) {
      out.push_back({key.line, fmt::format("{} \"{}\"", shown(name), shown(value.text))});
    }
  }

  std::optional<Token> next() {
    for (;;) {
      if (m_pos >= m_text.size()) return std::nullopt;
      const char c = m_text[m_pos];
      if (c == '\n') {
        ++m_line;
        ++m_pos;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++m_pos;
      } else if (c == '#' && !m_text.substr(m_pos).starts_with("#include") && !m_text.substr(m_pos).starts_with("#clear")) {
        skip_line();
      } else if (m_text.substr(m_pos).starts_with("//")) {
        skip_line();
      } else if (m_text.substr(m_pos).starts_with("/*")) {
        const auto end = m_text.find("*/", m_pos + 2);
        const auto stop = end == sv::npos ? m_text.size() : end + 2;
        m_line += static_cast<int>(std::count(m_text.begin() + static_cast<std::ptrdiff_t>(m_pos),
                                              m_text.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
        m_pos = stop;
      } else {
        break;
      }
    }
    Token t;
    t.line = m_line;
    const char c = m_text[m_pos];
    if (c == '{' || c == '}' || c == ';') {
      t.kind = c == '{' ? Token::open : (c == '}' ? Token::close : Token::end);
      ++m_pos;
      return t;
    }
    if (c == '"') {
      ++m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] != '"') {
        if (m_text[m_pos] == '\n') ++m_line;
        if (t.text.size() < 4096) t.text += m_text[m_pos];
        ++m_pos;
      }
      if (m_pos < m_text.size()) ++m_pos;
      return t;
    }
    while (m_pos < m_text.size()) {
      const char d = m_text[m_pos];
      if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == '{' || d == '}' || d == ';' || d == '"') break;
      if (t.text.size() < 4096) t.text += d;
      ++m_pos;
    }
    return t;
  }

  void skip_line() {
    const auto nl = m_text.find('\n', m_pos);
    m_pos = nl == sv::npos ? m_text.size() : nl;
  }

  sv m_text;
  std::size_t m_pos = 0;
  int m_line = 1;
};

// --- ini files: yum/dnf/zypper, pip ----------------------------------------------------------

/// Calls `setting(section, key, value, line)` for each `key = value` (or `key: value` for pip),
/// with continuation lines (indented) joined to the value.
template <class Setting>
void ini(sv content, bool colon, Setting setting) {
  std::string section;
  const auto lines = lines_of(content);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const sv line = core::trim(lines[n]);
    if (line.empty() || line.starts_with('#') || line.starts_with(';')) continue;
    if (line.starts_with('[')) {
      const auto close = line.find(']');
      section = std::string(line.substr(1, close == sv::npos ? sv::npos : close - 1));
      continue;
    }
    auto sep = line.find('=');
    if (colon) sep = std::min(sep, line.find(':'));
    if (sep == sv::npos) continue;
    std::string value(core::trim(line.substr(sep + 1)));
    const int at = static_cast<int>(n + 1);
    while (n + 1 < lines.size() && !lines[n + 1].empty() && (lines[n + 1][0] == ' ' || lines[n + 1][0] == '\t') &&
           !core::trim(lines[n + 1]).empty() && core::trim(lines[n + 1]).find('=') == sv::npos) {
      ++n;
      value += ' ';
      value += core::trim(lines[n]);
    }
    setting(sv(section), core::to_lower(core::trim(line.substr(0, sep))), sv(value), at);
  }
}

void rpm_config(sv content, bool repo_file, std::vector<UnverifiedSetting>& out) {
  struct Pending {
    std::string section;
    UnverifiedSetting setting;
  };
  std::vector<Pending> pending;
  std::vector<std::string> disabled;
  ini(content, false, [&](sv section, const std::string& key, sv value, int line) {
    if (key == "enabled" && no(value)) disabled.emplace_back(section);
    if (((key == "gpgcheck" || key == "pkg_gpgcheck") && no(value)) || (key == "sslverify" && no(value))) {
      pending.push_back({std::string(section), {line, fmt::format("{}={} in [{}]", key, shown(value), shown(section))}});
    }
  });
  for (auto& p : pending) {
    if (repo_file && std::find(disabled.begin(), disabled.end(), p.section) != disabled.end()) continue;
    out.push_back(std::move(p.setting));
  }
}

void pip_config(sv content, std::vector<UnverifiedSetting>& out) {
  ini(content, true, [&](sv section, const std::string& key, sv value, int line) {
    if ((key == "trusted-host" || key == "trusted_host") && !core::trim(value).empty())
      out.push_back({line, fmt::format("trusted-host = {} in [{}]", shown(value), shown(section))});
  });
}

void rpm_macros(sv content, std::vector<UnverifiedSetting>& out) {
  const auto lines = lines_of(content);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const auto words = core::split_words(lines[n]);
    if (words.size() >= 2 && words[0] == "%_pkgverify_level" && (words[1] == "none" || words[1] == "digest")) {
      out.push_back({static_cast<int>(n + 1), fmt::format("%_pkgverify_level {}", words[1])});
    }
  }
}

}  // namespace

bool package_config_file(std::string_view path, std::uint64_t size) {
  return size > 0 && size <= k_package_config_limit && kind_of(path) != Kind::none;
}

std::vector<UnverifiedSetting> scan_package_config(std::string_view path, std::string_view content) {
  std::vector<UnverifiedSetting> out;
  switch (kind_of(path)) {
    case Kind::sources_list:
      sources_list(content, out);
      break;
    case Kind::deb822:
      deb822(content, out);
      break;
    case Kind::apt_conf:
      AptConf(content).scan(out);
      break;
    case Kind::rpm_ini:
      rpm_config(content, false, out);
      break;
    case Kind::rpm_repo:
      rpm_config(content, true, out);
      break;
    case Kind::rpm_macros:
      rpm_macros(content, out);
      break;
    case Kind::pip:
      pip_config(content, out);
      break;
    case Kind::none:
      break;
  }
  return out;
}

}  // namespace drydock::parse
