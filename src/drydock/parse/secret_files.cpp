#include "drydock/parse/secret_files.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/parse/lines.hpp"

namespace drydock::parse {
namespace {

/// The path without its leading "/" and "./": "root/.ssh/id_rsa".
std::string_view relative(std::string_view path) {
  while (true) {
    if (path.starts_with('/')) {
      path.remove_prefix(1);
    } else if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else {
      return path;
    }
  }
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// `path` is `suffix` or ends with "/" + `suffix` (a whole number of path components).
bool ends_with_components(std::string_view path, std::string_view suffix) {
  return path.ends_with(suffix) && (path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/');
}

bool in_ssh_dir(std::string_view path) { return path.starts_with(".ssh/") || path.find("/.ssh/") != std::string_view::npos; }

bool is_docker_config(std::string_view path) {
  return ends_with_components(path, ".docker/config.json") || base_name(path) == ".dockercfg";
}
bool is_aws_credentials(std::string_view path) {
  return ends_with_components(path, ".aws/credentials") || ends_with_components(path, ".aws/config");
}
bool is_npmrc(std::string_view path) { return base_name(path) == ".npmrc" || ends_with_components(path, "etc/npmrc"); }
bool is_pypirc(std::string_view path) { return base_name(path) == ".pypirc"; }

}  // namespace

bool wants_secret_scan(std::string_view raw_path, std::uint64_t size) {
  if (size == 0 || size > k_secret_file_limit) return false;
  const std::string_view path = relative(raw_path);
  const std::string_view name = base_name(path);
  if (name.empty() || name.ends_with(".pub")) return false;
  // The default names ssh-keygen gives private keys, wherever they were copied to.
  static constexpr std::array<std::string_view, 4> ssh_key_names = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"};
  for (auto prefix : ssh_key_names) {
    if (name.starts_with(prefix)) return true;
  }
  // sshd host keys baked into an image are shared by every container made from it.
  if (name.starts_with("ssh_host_") && name.ends_with("_key")) return true;
  // Names a PEM key usually has (PKCS#8 `.p8` from Apple and Google tooling). A `.pem` may as
  // well be a certificate: only the content tells, and reading a few KiB is cheap.
  if (name.ends_with(".pem") || name.ends_with(".key") || name.ends_with(".p8")) return true;
  if (in_ssh_dir(path)) {
    // Lists of public keys and the client configuration; anything else there may be a key.
    return !(name.starts_with("authorized_keys") || name.starts_with("known_hosts") || name == "config");
  }
  return is_aws_credentials(path) || is_docker_config(path) || is_npmrc(path) || is_pypirc(path);
}

namespace {

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/// Decodes the longest base64 prefix of `text` (a PEM body's first line, up to its '=' or line end).
std::string base64_prefix(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && base64_char(text[n]) && text[n] != '=')
    ++n;
  if (n % 4 == 1) --n;
  return core::base64_decode(text.substr(0, n)).value_or(std::string());
}

/// Reads the length-prefixed strings of the SSH wire format.
class SshReader {
 public:
  explicit SshReader(std::string_view data) : m_data(data) {}
  std::optional<std::uint32_t> u32() {
    if (m_data.size() < 4) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8U) | static_cast<unsigned char>(m_data[static_cast<std::size_t>(i)]);
    m_data.remove_prefix(4);
    return v;
  }
  std::optional<std::string_view> string() {
    const auto n = u32();
    if (!n || *n > m_data.size()) return std::nullopt;
    const auto s = m_data.substr(0, *n);
    m_data.remove_prefix(*n);
    return s;
  }

 private:
  std::string_view m_data;
};

/// A name read from a file, fit for a report line: printable ASCII (spaces only when
/// `spaces`), at most 64 characters.
bool printable_name(std::string_view s, bool spaces = false) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (c < ' ' || c > '~' || (c == ' ' && !spaces)) return false;
  }
  return true;
}

/// "OpenSSH private key (ssh-ed25519), no passphrase" or "..., encrypted with aes256-ctr".
std::string openssh_detail(std::string_view body_base64) {
  // The header (cipher, kdf, first public key) lies in the first few hundred bytes.
  const std::string blob = base64_prefix(body_base64.substr(0, 2048));
  static constexpr std::string_view magic("openssh-key-v1\0", 15);
  if (!std::string_view(blob).starts_with(magic)) return "OpenSSH private key (unreadable header)";
  SshReader r(std::string_view(blob).substr(magic.size()));
  const auto cipher = r.string();
  const auto kdf = r.string();
  const auto kdf_options = r.string();
  const auto count = r.u32();
  const auto public_key = r.string();
  if (!cipher || !kdf || !kdf_options || !count || !public_key || !printable_name(*cipher))
    return "OpenSSH private key (unreadable header)";
  std::string detail = "OpenSSH private key";
  SshReader pk(*public_key);
  if (const auto type = pk.string(); type && printable_name(*type)) detail += " (" + std::string(*type) + ")";
  if (*cipher == "none") return detail + ", no passphrase";
  return detail + ", encrypted with " + std::string(*cipher);
}

/// PEM labels are upper-case words: "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY".
bool pem_label(std::string_view label) {
  if (label.empty() || label.size() > 40) return false;
  for (char c : label) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) return false;
  }
  return true;
}

/// A PEM body needs at least this much base64: the smallest real key (Ed25519 PKCS#8) has 64.
constexpr std::size_t k_min_key_base64 = 32;

void scan_private_keys(std::string_view content, std::vector<FileSecret>& out) {
  std::vector<std::string_view> lines;
  LineCursor cursor(content);
  std::string_view line;
  while (cursor.next(line))
    lines.push_back(core::trim(line));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto begin = lines[i];
    if (!begin.starts_with("-----BEGIN ") || !begin.ends_with("-----") || begin.size() < 16) continue;
    const auto label = begin.substr(11, begin.size() - 16);
    if (!pem_label(label) || !label.ends_with("PRIVATE KEY")) continue;
    bool legacy_encrypted = false;
    bool ended = false;
    std::size_t base64_length = 0;
    std::string body;
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      const auto l = lines[j];
      if (l.starts_with("-----")) {
        ended = l.size() == label.size() + 14 && l.starts_with("-----END ") && l.substr(9, label.size()) == label &&
                l.ends_with("-----");
        break;
      }
      if (l.find(':') != std::string_view::npos) {  // RFC 1421 headers of legacy encrypted keys
        if (l.starts_with("Proc-Type:") && l.find("ENCRYPTED") != std::string_view::npos) legacy_encrypted = true;
        continue;
      }
      bool valid = true;
      for (char c : l)
        valid = valid && base64_char(c);
      if (!valid) break;
      base64_length += l.size();
      if (body.size() < 2048) body += l;
    }
    if (!ended || base64_length < k_min_key_base64) continue;
    std::string detail;
    if (label == "OPENSSH PRIVATE KEY") {
      detail = openssh_detail(body);
    } else if (label == "ENCRYPTED PRIVATE KEY") {
      detail = "private key (PKCS#8), encrypted";
    } else if (label == "PRIVATE KEY") {
      detail = "private key (PKCS#8), no passphrase";
    } else {
      detail = std::string(label.substr(0, label.size() - 11)) + "private key (PEM)" +
               (legacy_encrypted ? ", encrypted" : ", no passphrase");
    }
    out.push_back(FileSecret{"private-key", std::move(detail), static_cast<int>(i + 1)});
    i = j;
  }
}

/// Calls `fn(section, key, value, line)` for the `key = value` (or `key: value`) lines of an
/// INI file, keys as written, values trimmed; comments (`#`, `;`) and continuation lines skipped.
template <class Fn>
void for_each_ini_value(std::string_view content, Fn fn) {
  LineCursor lines(content);
  std::string_view line;
  std::string_view section;
  while (lines.next(line)) {
    if (line.empty() || line.front() == ' ' || line.front() == '\t') continue;
    const auto t = core::trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    if (t.front() == '[') {
      section = core::trim(t.substr(1, t.find(']') == std::string_view::npos ? std::string_view::npos : t.find(']') - 1));
      continue;
    }
    const auto delimiter = t.find_first_of("=:");
    if (delimiter == std::string_view::npos) continue;
    fn(section, core::trim(t.substr(0, delimiter)), core::trim(t.substr(delimiter + 1)), lines.number());
  }
}

std::string section_name(std::string_view section) {
  return printable_name(section, true) ? "[" + std::string(section) + "]" : std::string("a section");
}

void scan_aws(std::string_view content, std::vector<FileSecret>& out) {
  for_each_ini_value(content, [&](std::string_view section, std::string_view key, std::string_view value, int line) {
    if (core::to_lower(key) == "aws_secret_access_key" && !value.empty())
      out.push_back(FileSecret{"aws-credentials", "aws_secret_access_key in " + section_name(section), line});
  });
}

void scan_pypirc(std::string_view content, std::vector<FileSecret>& out) {
  for_each_ini_value(content, [&](std::string_view section, std::string_view key, std::string_view value, int line) {
    if (core::to_lower(key) == "password" && !value.empty())
      out.push_back(FileSecret{"pypi-password", "password in " + section_name(section), line});
  });
}

void scan_npmrc(std::string_view content, std::vector<FileSecret>& out) {
  LineCursor lines(content);
  std::string_view line;
  while (lines.next(line)) {
    const auto t = core::trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = core::trim(t.substr(0, eq));
    auto value = core::trim(t.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    // npm expands ${VAR} when it reads the file: a reference is where a token comes from, not one.
    if (value.empty() || (value.starts_with("${") && value.ends_with('}') && value.find('}') == value.size() - 1)) continue;
    const auto colon = key.rfind(':');
    const auto setting = colon == std::string_view::npos ? key : key.substr(colon + 1);
    if (setting != "_authToken" && setting != "_auth" && setting != "_password") continue;
    const auto scope = colon == std::string_view::npos ? std::string_view{} : key.substr(0, colon);
    std::string detail(setting);
    detail += printable_name(scope) ? " for " + std::string(scope) : std::string(" (default registry)");
    out.push_back(FileSecret{"npm-token", std::move(detail), lines.number()});
  }
}

/// The line where `needle` first appears, else 1.
int line_of(std::string_view content, std::string_view needle) {
  const auto pos = content.find(needle);
  if (pos == std::string_view::npos) return 1;
  int line = 1;
  for (std::size_t i = 0; i < pos; ++i)
    line += content[i] == '\n' ? 1 : 0;
  return line;
}

void scan_docker_config(std::string_view path, std::string_view content, std::vector<FileSecret>& out) {
  // Deeply nested values are dropped while parsing: nothing of interest lies below depth 3.
  const nlohmann::json::parser_callback_t shallow = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    return !(event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) ||
           depth < 8;
  };
  const auto doc = nlohmann::json::parse(content, shallow, false);
  if (!doc.is_object()) return;
  // config.json keeps credentials under "auths"; the legacy .dockercfg is that map itself.
  const nlohmann::json* registries = &doc;
  if (base_name(path) != ".dockercfg") {
    const auto auths = doc.find("auths");
    if (auths == doc.end() || !auths->is_object()) return;
    registries = &*auths;
  }
  for (const auto& [registry, entry] : registries->items()) {
    if (!entry.is_object()) continue;
    for (const char* field : {"auth", "identitytoken", "password"}) {
      const auto value = entry.find(field);
      if (value == entry.end() || !value->is_string() || value->get_ref<const std::string&>().empty()) continue;
      const bool named = printable_name(registry);
      out.push_back(FileSecret{"docker-auth",
                               "credentials for registry " + (named ? registry : std::string("(unnamed)")) + " (" + field + ")",
                               line_of(content, named ? "\"" + registry + "\"" : std::string("\"auth"))});
      break;
    }
  }
}

}  // namespace

std::vector<FileSecret> scan_secret_file(std::string_view raw_path, std::string_view content) {
  std::vector<FileSecret> out;
  scan_private_keys(content, out);
  const std::string_view path = relative(raw_path);
  if (is_aws_credentials(path)) scan_aws(content, out);
  if (is_docker_config(path)) scan_docker_config(path, content, out);
  if (is_npmrc(path)) scan_npmrc(content, out);
  if (is_pypirc(path)) scan_pypirc(content, out);
  return out;
}

}  // namespace drydock::parse
