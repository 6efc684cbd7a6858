/// Compose projects: several files merged per the Compose specification, `extends`, and each
/// service turned into the ContainerSpec `docker compose up` would create from it.

#include "drydock/parse/compose.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"
#include "drydock/parse/compose_tree.hpp"

namespace drydock::parse {
namespace {

using compose::Node;
using model::ComposeDiagnostic;
using model::Location;

constexpr int k_max_extends = 32;

// ---------------------------------------------------------------------------------------
// Values.

std::string dirname(const std::string& path) {
  const auto p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

std::string join_path(const std::string& dir, const std::string& rel) {
  if (rel.starts_with('/')) return rel;
  return (std::filesystem::path(dir.empty() ? "." : dir) / rel).lexically_normal().string();
}

/// A volume or env_file path as the engine receives it: `~` is the home directory, a relative path
/// is relative to `dir`.
std::string host_path(const std::string& dir, const std::string& path, const ComposeEnvironment& env) {
  if (path == "~" || path.starts_with("~/")) {
    const auto home = env.find("HOME");
    return (home == env.end() ? std::string("~") : home->second) + path.substr(1);
  }
  if (path.starts_with('/')) return core::normalize_path(path);
  return join_path(dir, path);
}

struct Context {
  const ComposeInput& input;
  model::ComposeProject& project;
  std::set<std::string> input_files;
  std::map<std::string, Node> extended_files;  ///< files loaded for `extends.file`, by path

  void diag(const Location& at, std::string message, bool fatal = false) {
    project.diagnostics.push_back(ComposeDiagnostic{at, std::move(message), fatal});
  }
  /// The folder relative paths written at `at` resolve against: the project's, except in a file
  /// loaded for `extends`, whose own folder it is.
  [[nodiscard]] std::string base_dir(const Location& at) const {
    if (input_files.contains(at.file) || at.file.empty()) return project.working_dir;
    return dirname(at.file);
  }
};

/// A scalar as text; a diagnostic and nullopt for a list or mapping.
std::optional<std::string> text_of(Context& cx, const Node& n, std::string_view key) {
  if (n.is_null()) return std::string();
  if (!n.is_scalar()) {
    cx.diag(n.at, fmt::format("{} must be a string", key));
    return std::nullopt;
  }
  return n.value;
}

std::optional<bool> boolean_of(Context& cx, const Node& n, std::string_view key) {
  if (n.is_null()) return false;
  if (n.is_scalar()) {
    const std::string v = core::to_lower(core::trim(n.value));
    if (v == "true" || v == "yes" || v == "y" || v == "on") return true;
    if (v == "false" || v == "no" || v == "n" || v == "off" || v.empty()) return false;
  }
  cx.diag(n.at, fmt::format("{} must be a boolean", key));
  return std::nullopt;
}

std::optional<std::int64_t> integer_of(Context& cx, const Node& n, std::string_view key) {
  if (n.is_scalar()) {
    const std::string v(core::trim(n.value));
    std::size_t used = 0;
    try {
      const auto value = std::stoll(v, &used);
      if (used == v.size()) return value;
    } catch (const std::exception&) {
    }
  }
  cx.diag(n.at, fmt::format("{} must be an integer", key));
  return std::nullopt;
}

std::optional<double> number_of(Context& cx, const Node& n, std::string_view key) {
  if (n.is_scalar()) {
    const std::string v(core::trim(n.value));
    std::size_t used = 0;
    try {
      const double value = std::stod(v, &used);
      if (used == v.size() && std::isfinite(value) && value >= 0 && value < 1e6) return value;
    } catch (const std::exception&) {
    }
  }
  cx.diag(n.at, fmt::format("{} must be a number", key));
  return std::nullopt;
}

std::optional<std::int64_t> bytes_of(Context& cx, const Node& n, std::string_view key) {
  if (n.is_scalar()) {
    if (auto b = byte_size(n.value)) return b;
  }
  cx.diag(n.at, fmt::format("{} must be a size such as 512m or 1g", key));
  return std::nullopt;
}

/// The items of a list of strings; a single string is a list of one (where Compose allows it).
std::vector<const Node*> items_of(Context& cx, const Node& n, std::string_view key, bool single_ok) {
  std::vector<const Node*> out;
  if (n.is_null()) return out;
  if (n.is_scalar() && single_ok) {
    out.push_back(&n);
    return out;
  }
  if (!n.is_seq()) {
    cx.diag(n.at, fmt::format("{} must be a list", key));
    return out;
  }
  for (const auto& item : n.items)
    out.push_back(&item);
  return out;
}

// ---------------------------------------------------------------------------------------
// Merging several files (compose-spec merge rules) and `extends`.

/// A list form of `environment`/`labels` (`KEY=VALUE`, `KEY`) as the mapping it stands for.
void list_to_map(Node& n) {
  if (!n.is_seq()) return;
  Node m;
  m.kind = Node::Kind::map;
  m.at = n.at;
  m.tag = n.tag;
  for (auto& item : n.items) {
    if (!item.is_scalar()) continue;
    const auto eq = item.value.find('=');
    Node v = item;
    std::string key = item.value.substr(0, eq);
    if (eq == std::string::npos) {
      v.kind = Node::Kind::null;
      v.value.clear();
    } else {
      v.value = item.value.substr(eq + 1);
    }
    m.erase(key);
    m.map.emplace_back(std::move(key), std::move(v));
  }
  n = std::move(m);
}

void normalize_service(Node& service) {
  if (!service.is_map()) return;
  for (const char* key : {"environment", "labels", "sysctls", "extra_hosts"}) {
    if (auto* n = service.find(key)) list_to_map(*n);
  }
}

/// The mount target of a `volumes` entry, the key that makes it unique when merging.
std::string volume_target(const Node& n) {
  if (n.is_map()) {
    const auto* t = n.find("target");
    return t != nullptr && t->is_scalar() ? t->value : std::string();
  }
  if (!n.is_scalar()) return {};
  const auto parts = core::split(n.value, ':');
  return parts.size() >= 2 ? parts[1] : parts.empty() ? std::string() : parts[0];
}

std::string secret_source(const Node& n) {
  if (n.is_map()) {
    const auto* s = n.find("source");
    return s != nullptr && s->is_scalar() ? s->value : std::string();
  }
  return n.is_scalar() ? n.value : std::string();
}

bool same_scalar(const Node& a, const Node& b) { return a.is_scalar() && b.is_scalar() && a.value == b.value; }

void merge(Node& base, Node over, std::string_view key);

/// Appends `over`'s items; an item equal to one of base (by `identity`) replaces it.
template <class Identity>
void merge_unique(Node& base, Node& over, Identity identity) {
  for (auto& item : over.items) {
    const std::string id = identity(item);
    auto it = std::find_if(base.items.begin(), base.items.end(),
                           [&](const Node& b) { return !id.empty() && identity(b) == id; });
    if (it != base.items.end()) {
      *it = std::move(item);
    } else {
      base.items.push_back(std::move(item));
    }
  }
}

/// Merges `over` into `base`, `key` being the name `base` has in its mapping: mappings merge key by
/// key, scalars are replaced, sequences appended (command, entrypoint and healthcheck.test are
/// replaced; volumes are unique by target, secrets and configs by source, other lists by value).
void merge(Node& base, Node over, std::string_view key) {
  if (over.tag == "!reset") {
    base = Node{};
    base.at = over.at;
    return;
  }
  if (over.tag == "!override" || base.kind != over.kind || over.is_scalar() || over.is_null()) {
    base = std::move(over);
    return;
  }
  if (over.is_map()) {
    for (auto& [k, v] : over.map) {
      if (Node* mine = base.find(k)) {
        if (v.tag == "!reset") {
          base.erase(k);
          continue;
        }
        merge(*mine, std::move(v), k);
      } else if (v.tag != "!reset") {
        base.map.emplace_back(k, std::move(v));
      }
    }
    return;
  }
  // Sequences.
  if (key == "command" || key == "entrypoint" || key == "test") {
    base = std::move(over);
  } else if (key == "volumes") {
    merge_unique(base, over, volume_target);
  } else if (key == "secrets" || key == "configs") {
    merge_unique(base, over, secret_source);
  } else if (key == "ports" || key == "expose" || key == "cap_add" || key == "cap_drop" || key == "security_opt" ||
             key == "devices" || key == "dns" || key == "dns_search" || key == "env_file" || key == "tmpfs" ||
             key == "profiles" || key == "networks") {
    merge_unique(base, over, [](const Node& n) { return n.is_scalar() ? n.value : std::string(); });
  } else {
    for (auto& item : over.items) {
      const bool dup = std::any_of(base.items.begin(), base.items.end(), [&](const Node& b) { return same_scalar(b, item); });
      if (!dup) base.items.push_back(std::move(item));
    }
  }
}

/// Merges one service attribute map into another: keys of a service use their own name as `key`.
void merge_service(Node& base, Node over) {
  if (over.tag == "!reset" || over.tag == "!override" || !base.is_map() || !over.is_map()) {
    base = std::move(over);
    return;
  }
  for (auto& [k, v] : over.map) {
    if (Node* mine = base.find(k)) {
      if (v.tag == "!reset") {
        base.erase(k);
        continue;
      }
      merge(*mine, std::move(v), k);
    } else if (v.tag != "!reset") {
      base.map.emplace_back(k, std::move(v));
    }
  }
}

void merge_files(Node& base, Node over) {
  for (auto& [section, value] : over.map) {
    Node* mine = base.find(section);
    if (mine == nullptr) {
      base.map.emplace_back(section, std::move(value));
      continue;
    }
    if (section == "services" && mine->is_map() && value.is_map()) {
      for (auto& [name, service] : value.map) {
        if (Node* s = mine->find(name)) {
          merge_service(*s, std::move(service));
        } else {
          mine->map.emplace_back(name, std::move(service));
        }
      }
    } else {
      merge(*mine, std::move(value), section);
    }
  }
}

/// Loads a file for `extends.file` (cached); nullptr when it cannot be read or parsed.
const Node* extended_file(Context& cx, const std::string& path, const Location& from) {
  if (auto it = cx.extended_files.find(path); it != cx.extended_files.end()) return &it->second;
  if (!cx.input.read) {
    cx.diag(from, "cannot read " + path + " (extends.file)");
    return nullptr;
  }
  auto text = cx.input.read(path);
  if (!text) {
    cx.diag(from, "extends.file: " + text.error().describe());
    return nullptr;
  }
  bool ok = false;
  Node root = compose::load_yaml(*text, path, cx.input.environment, cx.project.diagnostics, ok);
  if (!ok || !root.is_map()) {
    if (ok) cx.diag(Location{path, 1, 1}, "not a Compose file: the top level is not a mapping");
    return nullptr;
  }
  if (Node* services = root.find("services"); services != nullptr && services->is_map()) {
    for (auto& [name, s] : services->map)
      normalize_service(s);
  }
  return &cx.extended_files.emplace(path, std::move(root)).first->second;
}

/// The service with its `extends` chain applied, from the file whose root is `root`.
std::optional<Node> resolve_extends(Context& cx, const Node& root, const std::string& file, const std::string& name,
                                    std::vector<std::string>& stack) {
  const Node* services = root.find("services");
  const Node* service = services != nullptr && services->is_map() ? services->find(name) : nullptr;
  if (service == nullptr) return std::nullopt;
  const Node* ext = service->is_map() ? service->find("extends") : nullptr;
  if (ext == nullptr) return *service;

  std::string base_name;
  std::string base_file = file;
  if (ext->is_scalar()) {
    base_name = ext->value;
  } else if (ext->is_map()) {
    if (const auto* s = ext->find("service"); s != nullptr && s->is_scalar()) base_name = s->value;
    if (const auto* f = ext->find("file"); f != nullptr && f->is_scalar()) base_file = join_path(dirname(file), f->value);
  }
  if (base_name.empty()) {
    cx.diag(ext->at, "extends needs a service name");
    Node copy = *service;
    copy.erase("extends");
    return copy;
  }
  const std::string id = base_file + "#" + base_name;
  if (std::find(stack.begin(), stack.end(), id) != stack.end() || stack.size() > k_max_extends) {
    cx.diag(ext->at, fmt::format("extends: circular reference to service {}", base_name));
    Node copy = *service;
    copy.erase("extends");
    return copy;
  }
  const Node* base_root = &root;
  if (base_file != file) base_root = extended_file(cx, base_file, ext->at);
  std::optional<Node> base;
  if (base_root != nullptr) {
    stack.push_back(id);
    base = resolve_extends(cx, *base_root, base_file, base_name, stack);
    stack.pop_back();
    if (!base) cx.diag(ext->at, fmt::format("extends: no service {} in {}", base_name, base_file));
  }
  Node copy = *service;
  copy.erase("extends");
  if (!base) return copy;
  // What a base service does not pass on: its links, volumes_from and dependencies.
  for (const char* key : {"depends_on", "links", "volumes_from"})
    base->erase(key);
  base->at = service->at;
  merge_service(*base, std::move(copy));
  base->at = service->at;
  return base;
}

// ---------------------------------------------------------------------------------------
// A service to a ContainerSpec.

struct ServiceBuilder {
  Context& cx;
  const Node& top;  ///< the merged project (volumes, networks, secrets, configs)
  model::ComposeService& out;

  model::ContainerSpec& spec() { return out.spec; }
  void at(const std::string& field, const Node& n) { out.field_at[field] = n.at; }

  void ports(const Node& n) {
    at("ports", n);
    for (const Node* item : items_of(cx, n, "ports", false)) {
      if (item->is_map()) {
        long_port(*item);
      } else if (item->is_scalar()) {
        short_port(*item);
      } else {
        cx.diag(item->at, "a ports entry must be a string or a mapping");
      }
    }
  }

  void add_port(const Node& item, std::string ip, std::string host, std::string container, const std::string& proto) {
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    spec().ports.push_back(model::PortBinding{container + "/" + proto, std::move(ip), std::move(host)});
    out.port_at.push_back(item.at);
  }

  static std::optional<std::pair<long, long>> port_range(std::string_view text) {
    const auto dash = text.find('-');
    auto number = [](std::string_view s) -> std::optional<long> {
      s = core::trim(s);
      if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
      const long v = std::stol(std::string(s));
      if (v > 65535) return std::nullopt;
      return v;
    };
    const auto lo = number(text.substr(0, dash));
    if (!lo) return std::nullopt;
    if (dash == std::string_view::npos) return std::pair{*lo, *lo};
    const auto hi = number(text.substr(dash + 1));
    if (!hi || *hi < *lo) return std::nullopt;
    return std::pair{*lo, *hi};
  }

  /// "80", "8080:80", "127.0.0.1:8080:80", "[::]:80:80", "127.0.0.1::80", "8000-8010:8000-8010", "53:53/udp".
  void short_port(const Node& item) {
    std::string text(core::trim(item.value));
    std::string proto = "tcp";
    if (const auto slash = text.rfind('/'); slash != std::string::npos) {
      proto = text.substr(slash + 1);
      text.resize(slash);
    }
    std::string ip;
    std::string host;
    std::string container = text;
    if (const auto last = text.rfind(':'); last != std::string::npos) {
      container = text.substr(last + 1);
      const std::string rest = text.substr(0, last);
      const auto prev = rest.rfind(':');
      if (prev == std::string::npos) {
        host = rest;
      } else {
        host = rest.substr(prev + 1);
        ip = rest.substr(0, prev);
      }
    }
    const auto crange = port_range(container);
    const auto hrange = host.empty() ? std::optional<std::pair<long, long>>{} : port_range(host);
    if (!crange || (!host.empty() && !hrange)) {
      cx.diag(item.at, fmt::format("invalid port \"{}\"", item.value));
      return;
    }
    const long count = crange->second - crange->first + 1;
    if (count > 1 && hrange && hrange->second - hrange->first + 1 == count) {
      for (long i = 0; i < count; ++i)
        add_port(item, ip, std::to_string(hrange->first + i), std::to_string(crange->first + i), proto);
    } else if (count > 1 && hrange) {
      cx.diag(item.at, fmt::format("invalid port \"{}\": the ranges differ in length", item.value));
    } else {
      for (long i = 0; i < count; ++i)
        add_port(item, ip, host, std::to_string(crange->first + i), proto);
    }
  }

  void long_port(const Node& item) {
    const Node* target = item.find("target");
    if (target == nullptr || !target->is_scalar() || !port_range(target->value)) {
      cx.diag(item.at, "a ports entry needs a numeric target");
      return;
    }
    std::string published;
    if (const Node* p = item.find("published"); p != nullptr && p->is_scalar()) published = p->value;
    std::string ip;
    if (const Node* h = item.find("host_ip"); h != nullptr && h->is_scalar()) ip = h->value;
    std::string proto = "tcp";
    if (const Node* p = item.find("protocol"); p != nullptr && p->is_scalar() && !p->value.empty()) proto = p->value;
    if (!published.empty() && !port_range(published)) {
      cx.diag(item.at, fmt::format("invalid published port \"{}\"", published));
      return;
    }
    // A published range for one target stays one binding, as the engine keeps it.
    add_port(item, ip, published, std::to_string(port_range(target->value)->first), proto);
  }

  bool is_named_volume(const std::string& source) {
    return !(source.starts_with('/') || source.starts_with('.') || source.starts_with('~') ||
             (source.size() >= 2 && source[1] == ':'));
  }

  /// The engine's name of a named volume: the project's prefix unless the volume says its own name.
  std::string volume_name(const std::string& source) {
    if (const Node* vols = top.find("volumes"); vols != nullptr && vols->is_map()) {
      if (const Node* v = vols->find(source); v != nullptr && v->is_map()) {
        if (const Node* name = v->find("name"); name != nullptr && name->is_scalar()) return name->value;
        if (const Node* ext = v->find("external"); ext != nullptr && ext->is_scalar() && ext->value == "true") return source;
      }
    }
    return cx.project.name + "_" + source;
  }

  void add_mount(const Node& item, model::Mount m) {
    spec().mounts.push_back(std::move(m));
    out.mount_at.push_back(item.at);
  }

  void volumes(const Node& n) {
    at("mounts", n);
    for (const Node* item : items_of(cx, n, "volumes", false)) {
      if (item->is_map()) {
        long_volume(*item);
      } else if (item->is_scalar()) {
        short_volume(*item);
      } else {
        cx.diag(item->at, "a volumes entry must be a string or a mapping");
      }
    }
  }

  /// "[SOURCE:]TARGET[:MODE]".
  void short_volume(const Node& item) {
    const auto parts = core::split(item.value, ':');
    if (parts.empty() || parts.size() > 3 || parts.back().empty()) {
      cx.diag(item.at, fmt::format("invalid volume \"{}\"", item.value));
      return;
    }
    model::Mount m;
    std::string mode;
    if (parts.size() == 1) {
      m.type = "volume";
      m.destination = parts[0];
    } else {
      m.destination = parts[1];
      if (parts.size() == 3) mode = parts[2];
      const std::string& source = parts[0];
      if (is_named_volume(source)) {
        m.type = "volume";
        m.source = volume_name(source);
      } else {
        m.type = "bind";
        m.source = host_path(cx.base_dir(item.at), source, cx.input.environment);
      }
    }
    for (const auto& opt : core::split(mode, ',')) {
      if (opt == "ro") m.read_write = false;
      if (opt == "shared" || opt == "rshared" || opt == "slave" || opt == "rslave" || opt == "private" || opt == "rprivate")
        m.propagation = opt;
    }
    add_mount(item, std::move(m));
  }

  void long_volume(const Node& item) {
    model::Mount m;
    m.type = "volume";
    if (const Node* t = item.find("type"); t != nullptr && t->is_scalar()) m.type = t->value;
    if (const Node* t = item.find("target"); t != nullptr && t->is_scalar()) m.destination = t->value;
    if (m.destination.empty()) {
      cx.diag(item.at, "a volumes entry needs a target");
      return;
    }
    std::string source;
    if (const Node* s = item.find("source"); s != nullptr && s->is_scalar()) source = s->value;
    if (m.type == "bind") {
      m.source = host_path(cx.base_dir(item.at), source, cx.input.environment);
    } else if (m.type == "volume" && !source.empty()) {
      m.source = volume_name(source);
    } else {
      m.source = source;
    }
    if (const Node* ro = item.find("read_only")) {
      if (auto b = boolean_of(cx, *ro, "read_only")) m.read_write = !*b;
    }
    if (const Node* bind = item.find("bind"); bind != nullptr && bind->is_map()) {
      if (const Node* p = bind->find("propagation"); p != nullptr && p->is_scalar()) m.propagation = p->value;
    }
    add_mount(item, std::move(m));
  }

  /// `secrets:`/`configs:` of a service: file-based ones are bind-mounted read-only.
  void file_objects(const Node& n, const char* section, std::vector<std::string>& names) {
    const bool secret = std::string_view(section) == "secrets";
    for (const Node* item : items_of(cx, n, section, false)) {
      std::string source = secret_source(*item);
      std::string target;
      if (item->is_map()) {
        if (const Node* t = item->find("target"); t != nullptr && t->is_scalar()) target = t->value;
      }
      if (source.empty()) {
        cx.diag(item->at, fmt::format("a {} entry needs a source", section));
        continue;
      }
      names.push_back(source);
      const Node* defs = top.find(section);
      const Node* def = defs != nullptr && defs->is_map() ? defs->find(source) : nullptr;
      if (def == nullptr) {
        cx.diag(item->at, fmt::format("{} \"{}\" is not defined at the top level", section, source));
        continue;
      }
      const Node* file = def->is_map() ? def->find("file") : nullptr;
      if (file == nullptr || !file->is_scalar()) continue;
      if (target.empty()) target = secret ? source : "/" + source;
      if (!target.starts_with('/')) target = (secret ? "/run/secrets/" : "/") + target;
      add_mount(*item, model::Mount{"bind", host_path(cx.base_dir(file->at), file->value, cx.input.environment), target, false, ""});
    }
  }

  void devices(const Node& n) {
    at("devices", n);
    for (const Node* item : items_of(cx, n, "devices", false)) {
      std::string text;
      if (item->is_scalar()) {
        text = item->value;
      } else if (item->is_map()) {  // {source, target, permissions}
        const Node* s = item->find("source");
        if (s == nullptr || !s->is_scalar()) {
          cx.diag(item->at, "a devices entry needs a source");
          continue;
        }
        text = s->value;
        const Node* t = item->find("target");
        text += ":" + (t != nullptr && t->is_scalar() ? t->value : s->value);
        if (const Node* p = item->find("permissions"); p != nullptr && p->is_scalar()) text += ":" + p->value;
      } else {
        cx.diag(item->at, "a devices entry must be a string");
        continue;
      }
      const auto parts = core::split(text, ':');
      model::DeviceMapping d;
      d.host_path = parts[0];
      d.container_path = parts.size() > 1 ? parts[1] : parts[0];
      d.permissions = parts.size() > 2 ? parts[2] : "rwm";
      spec().devices.push_back(std::move(d));
      out.device_at.push_back(item->at);
    }
  }

  void strings(const Node& n, std::string_view key, std::vector<std::string>& list, std::vector<Location>* where) {
    for (const Node* item : items_of(cx, n, key, false)) {
      if (!item->is_scalar()) {
        cx.diag(item->at, fmt::format("a {} entry must be a string", key));
        continue;
      }
      list.push_back(item->value);
      if (where != nullptr) where->push_back(item->at);
    }
  }

  void restart(const Node& n) {
    const auto text = text_of(cx, n, "restart");
    if (!text) return;
    const auto colon = text->find(':');
    const std::string name = text->substr(0, colon);
    if (name != "no" && name != "always" && name != "on-failure" && name != "unless-stopped") {
      cx.diag(n.at, fmt::format("invalid restart policy \"{}\"", *text));
    }
    spec().restart_policy = name;
    spec().restart_max_retries = 0;
    if (colon != std::string::npos) {
      try {
        spec().restart_max_retries = std::stoi(text->substr(colon + 1));
      } catch (const std::exception&) {
        cx.diag(n.at, fmt::format("invalid restart policy \"{}\"", *text));
      }
    }
    at("restart_policy", n);
  }

  void deploy(const Node& d) {
    if (!d.is_map()) {
      if (!d.is_null()) cx.diag(d.at, "deploy must be a mapping");
      return;
    }
    if (const Node* rp = d.find("restart_policy"); rp != nullptr && rp->is_map()) {
      std::string condition = "any";
      const Node* cond = rp->find("condition");
      if (cond != nullptr && cond->is_scalar()) condition = cond->value;
      spec().restart_policy = condition == "none" || condition == "no"     ? "no"
                              : condition == "any" || condition == "always" ? "always"
                                                                            : condition;
      spec().restart_max_retries = 0;
      if (const Node* max = rp->find("max_attempts")) {
        if (auto v = integer_of(cx, *max, "deploy.restart_policy.max_attempts")) spec().restart_max_retries = static_cast<int>(*v);
      }
      at("restart_policy", cond != nullptr ? *cond : *rp);
    }
    const Node* res = d.find("resources");
    const Node* limits = res != nullptr && res->is_map() ? res->find("limits") : nullptr;
    if (limits != nullptr && limits->is_map()) {
      if (const Node* m = limits->find("memory")) {
        if (auto b = bytes_of(cx, *m, "deploy.resources.limits.memory"); b && *b != 0) {
          spec().memory = *b;
          at("memory", *m);
        }
      }
      if (const Node* c = limits->find("cpus")) {
        if (auto v = number_of(cx, *c, "deploy.resources.limits.cpus"); v && *v != 0) {
          spec().nano_cpus = static_cast<std::int64_t>(std::llround(*v * 1e9));
          at("nano_cpus", *c);
        }
      }
      if (const Node* p = limits->find("pids")) {
        if (auto v = integer_of(cx, *p, "deploy.resources.limits.pids"); v && *v != 0) {
          spec().pids_limit = *v;
          at("pids_limit", *p);
        }
      }
    }
  }

  void healthcheck(const Node& h) {
    at("healthcheck", h);
    if (!h.is_map()) {
      if (!h.is_null()) cx.diag(h.at, "healthcheck must be a mapping");
      return;
    }
    model::Healthcheck hc;
    if (const Node* dis = h.find("disable")) {
      if (auto b = boolean_of(cx, *dis, "healthcheck.disable"); b && *b) {
        hc.test = {"NONE"};
        spec().healthcheck = hc;
        at("healthcheck", *dis);
        return;
      }
    }
    if (const Node* t = h.find("test")) {
      if (t->is_scalar()) {
        hc.test = {"CMD-SHELL", t->value};
      } else {
        strings(*t, "healthcheck.test", hc.test, nullptr);
      }
      at("healthcheck", *t);
    }
    spec().healthcheck = hc;
  }

  void ulimits(const Node& n) {
    at("ulimits", n);
    if (!n.is_map()) {
      if (!n.is_null()) cx.diag(n.at, "ulimits must be a mapping");
      return;
    }
    for (const auto& [name, v] : n.map) {
      model::Ulimit u;
      u.name = name;
      if (v.is_map()) {
        const Node* soft = v.find("soft");
        const Node* hard = v.find("hard");
        if (soft == nullptr || hard == nullptr) {
          cx.diag(v.at, fmt::format("ulimits.{} needs soft and hard", name));
          continue;
        }
        auto s = integer_of(cx, *soft, "ulimits soft");
        auto h = integer_of(cx, *hard, "ulimits hard");
        if (!s || !h) continue;
        u.soft = *s;
        u.hard = *h;
      } else {
        auto value = integer_of(cx, v, "ulimits." + name);
        if (!value) continue;
        u.soft = u.hard = *value;
      }
      spec().ulimits.push_back(std::move(u));
    }
  }

  void environment(const Node* env, const std::vector<std::pair<std::string, std::string>>& from_files) {
    std::vector<std::pair<std::string, std::string>> vars = from_files;
    auto set = [&](const std::string& name, const std::string& value) {
      for (auto& [k, v] : vars) {
        if (k == name) {
          v = value;
          return;
        }
      }
      vars.emplace_back(name, value);
    };
    if (env != nullptr) {
      at("env", *env);
      if (!env->is_map()) {
        if (!env->is_null()) cx.diag(env->at, "environment must be a mapping or a list");
      } else {
        for (const auto& [name, v] : env->map) {
          model::ComposeEnv e;
          e.name = name;
          e.location = v.at;
          if (v.is_null()) {
            // A bare NAME takes the value from the environment compose runs in, if any.
            const auto it = cx.input.environment.find(name);
            if (it != cx.input.environment.end()) set(name, it->second);
          } else if (v.is_scalar()) {
            e.value = v.value;
            e.has_value = true;
            e.literal = !v.interpolated;
            set(name, v.value);
          } else {
            cx.diag(v.at, fmt::format("environment.{} must be a string, a number or a boolean", name));
            continue;
          }
          out.environment.push_back(std::move(e));
        }
      }
    }
    for (const auto& [k, v] : vars)
      spec().env.push_back(k + "=" + v);
  }

  std::vector<std::pair<std::string, std::string>> env_files(const Node& n) {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const Node* item : items_of(cx, n, "env_file", true)) {
      std::string path;
      bool required = true;
      if (item->is_scalar()) {
        path = item->value;
      } else if (item->is_map()) {
        if (const Node* p = item->find("path"); p != nullptr && p->is_scalar()) path = p->value;
        if (const Node* r = item->find("required")) required = boolean_of(cx, *r, "env_file.required").value_or(true);
      }
      if (path.empty()) {
        cx.diag(item->at, "an env_file entry needs a path");
        continue;
      }
      path = host_path(cx.base_dir(item->at), path, cx.input.environment);
      out.env_files.push_back(path);
      if (!cx.input.read) continue;
      auto text = cx.input.read(path);
      if (!text) {
        if (required) cx.diag(item->at, "env_file: " + text.error().describe());
        continue;
      }
      std::vector<int> bad;
      for (auto& kv : dotenv(*text, &bad))
        vars.push_back(std::move(kv));
      for (int line : bad)
        cx.diag(Location{path, line, 1}, "not a KEY=VALUE line");
    }
    return vars;
  }

  void networks(const Node* nm, const Node* nets) {
    if (nm != nullptr) {
      if (auto mode = text_of(cx, *nm, "network_mode")) {
        spec().network_mode = *mode;
        at("network_mode", *nm);
        if (*mode != "host" && *mode != "none" && !mode->starts_with("service:") && !mode->starts_with("container:"))
          spec().networks.push_back(*mode);
        return;
      }
    }
    auto full_name = [&](const std::string& name) {
      if (const Node* defs = top.find("networks"); defs != nullptr && defs->is_map()) {
        if (const Node* d = defs->find(name); d != nullptr && d->is_map()) {
          if (const Node* n = d->find("name"); n != nullptr && n->is_scalar()) return n->value;
          if (const Node* e = d->find("external"); e != nullptr && e->is_scalar() && e->value == "true") return name;
        }
      }
      return cx.project.name + "_" + name;
    };
    if (nets != nullptr) {
      at("network_mode", *nets);
      if (nets->is_seq()) {
        for (const auto& item : nets->items) {
          if (item.is_scalar()) spec().networks.push_back(full_name(item.value));
        }
      } else if (nets->is_map()) {
        for (const auto& [name, v] : nets->map)
          spec().networks.push_back(full_name(name));
      }
    }
    if (spec().networks.empty()) spec().networks.push_back(full_name("default"));
    spec().network_mode = spec().networks.front();
  }

  void build(const Node& s) {
    auto& c = spec();
    c.origin = out.location.file;
    c.location = out.location;
    c.name = cx.project.name + "-" + out.name + "-1";
    c.state = "";
    c.processes_unavailable = "a Compose service, not a running container";

    const Node* nm = nullptr;
    const Node* nets = nullptr;
    const Node* env = nullptr;
    const Node* env_file = nullptr;
    const Node* deploy_node = nullptr;
    for (const auto& [key, v] : s.map) {
      if (key == "image") {
        if (auto t = text_of(cx, v, key)) {
          c.image = *t;
          at("image", v);
        }
      } else if (key == "build") {
        out.has_build = true;
      } else if (key == "privileged") {
        if (auto b = boolean_of(cx, v, key)) {
          c.privileged = *b;
          at("privileged", v);
        }
      } else if (key == "use_api_socket") {
        // Compose bind-mounts the engine's socket (and the user's registry credentials) into the
        // container: the same as a `/var/run/docker.sock` volume.
        if (auto b = boolean_of(cx, v, key); b && *b) {
          at("mounts", v);
          add_mount(v, model::Mount{"bind", "/var/run/docker.sock", "/var/run/docker.sock", true, ""});
        }
      } else if (key == "read_only") {
        if (auto b = boolean_of(cx, v, key)) {
          c.readonly_rootfs = *b;
          at("readonly_rootfs", v);
        }
      } else if (key == "user") {
        if (auto t = text_of(cx, v, key)) {
          c.user = *t;
          at("user", v);
        }
      } else if (key == "cap_add") {
        strings(v, key, c.cap_add, &out.cap_add_at);
        at("cap_add", v);
      } else if (key == "cap_drop") {
        strings(v, key, c.cap_drop, nullptr);
        at("cap_drop", v);
      } else if (key == "security_opt") {
        strings(v, key, c.security_opt, &out.security_opt_at);
        at("security_opt", v);
      } else if (key == "ports") {
        ports(v);
      } else if (key == "volumes") {
        volumes(v);
      } else if (key == "tmpfs") {
        for (const Node* item : items_of(cx, v, key, true)) {
          if (!item->is_scalar()) continue;
          add_mount(*item, model::Mount{"tmpfs", "", item->value.substr(0, item->value.find(':')), true, ""});
        }
      } else if (key == "secrets") {
        file_objects(v, "secrets", out.secrets);
      } else if (key == "configs") {
        file_objects(v, "configs", out.configs);
      } else if (key == "network_mode") {
        nm = &v;
      } else if (key == "networks") {
        nets = &v;
      } else if (key == "pid" || key == "ipc" || key == "uts" || key == "userns_mode" || key == "cgroup" ||
                 key == "cgroup_parent") {
        auto t = text_of(cx, v, key);
        if (!t) continue;
        std::string* field = key == "pid"           ? &c.pid_mode
                             : key == "ipc"         ? &c.ipc_mode
                             : key == "uts"         ? &c.uts_mode
                             : key == "userns_mode" ? &c.userns_mode
                             : key == "cgroup"      ? &c.cgroupns_mode
                                                    : &c.cgroup_parent;
        *field = *t;
        at(key == "pid"           ? "pid_mode"
           : key == "ipc"         ? "ipc_mode"
           : key == "uts"         ? "uts_mode"
           : key == "cgroup"      ? "cgroupns_mode"
           : key == "userns_mode" ? "userns_mode"
                                  : "cgroup_parent",
           v);
      } else if (key == "devices") {
        devices(v);
      } else if (key == "device_cgroup_rules") {
        strings(v, key, c.device_cgroup_rules, nullptr);
        at("devices", v);
      } else if (key == "restart") {
        restart(v);
      } else if (key == "mem_limit") {
        if (auto b = bytes_of(cx, v, key)) {
          c.memory = *b;
          at("memory", v);
        }
      } else if (key == "mem_reservation") {
        if (auto b = bytes_of(cx, v, key)) c.memory_reservation = *b;
      } else if (key == "memswap_limit") {
        if (auto b = bytes_of(cx, v, key)) c.memory_swap = *b;
      } else if (key == "cpus") {
        if (auto n = number_of(cx, v, key)) {
          c.nano_cpus = static_cast<std::int64_t>(std::llround(*n * 1e9));
          at("nano_cpus", v);
        }
      } else if (key == "cpu_shares") {
        if (auto n = integer_of(cx, v, key)) {
          c.cpu_shares = *n;
          at("cpu_shares", v);
        }
      } else if (key == "cpu_quota") {
        if (auto n = integer_of(cx, v, key)) {
          c.cpu_quota = *n;
          at("cpu_quota", v);
        }
      } else if (key == "cpu_period") {
        if (auto n = integer_of(cx, v, key)) c.cpu_period = *n;
      } else if (key == "cpuset") {
        if (auto t = text_of(cx, v, key)) c.cpuset_cpus = *t;
      } else if (key == "pids_limit") {
        if (auto n = integer_of(cx, v, key)) {
          c.pids_limit = *n;
          at("pids_limit", v);
        }
      } else if (key == "ulimits") {
        ulimits(v);
      } else if (key == "healthcheck") {
        healthcheck(v);
      } else if (key == "environment") {
        env = &v;
      } else if (key == "env_file") {
        env_file = &v;
      } else if (key == "labels") {
        if (v.is_map()) {
          for (const auto& [k, lv] : v.map)
            c.labels[k] = lv.is_scalar() ? lv.value : std::string();
        }
      } else if (key == "profiles") {
        strings(v, key, out.profiles, nullptr);
      } else if (key == "deploy") {
        deploy_node = &v;
      }
    }
    // deploy.resources.limits and deploy.restart_policy win over the service-level keys.
    if (deploy_node != nullptr) deploy(*deploy_node);
    networks(nm, nets);
    const auto from_files = env_file != nullptr ? env_files(*env_file) : std::vector<std::pair<std::string, std::string>>{};
    environment(env, from_files);
    c.labels["com.docker.compose.project"] = cx.project.name;
    c.labels["com.docker.compose.service"] = out.name;
    if (c.image.empty() && !out.has_build) cx.diag(out.location, fmt::format("service {} has neither an image nor a build context", out.name));
    if (c.image.empty() && out.has_build) c.image = cx.project.name + "-" + out.name;
  }
};

/// A project name as Compose normalizes it: lower case, letters, digits, `-` and `_`.
std::string normalized_name(std::string_view name) {
  std::string out;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_') out += static_cast<char>(std::tolower(c));
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '_'))
    out.erase(0, 1);
  return out;
}

}  // namespace

model::ComposeProject compose_project(const ComposeInput& input) {
  model::ComposeProject project;
  project.working_dir = input.working_dir.empty() ? std::string(".") : input.working_dir;
  Context cx{input, project, {}, {}};
  Node merged;
  merged.kind = Node::Kind::map;
  bool any = false;
  for (const auto& f : input.files) {
    project.files.push_back(f.path);
    cx.input_files.insert(f.path);
    bool ok = false;
    Node root = compose::load_yaml(f.text, f.path, input.environment, project.diagnostics, ok);
    if (!ok) continue;
    const Location top{f.path, 1, 1};
    if (!root.is_map()) {
      cx.diag(root.is_null() ? top : root.at,
              root.is_null() ? "not a Compose file: the file is empty" : "not a Compose file: the top level is not a mapping", true);
      continue;
    }
    Node* services = root.find("services");
    if (services == nullptr) {
      const bool other = root.find("volumes") != nullptr || root.find("networks") != nullptr || root.find("secrets") != nullptr ||
                         root.find("configs") != nullptr || root.find("name") != nullptr;
      if (!other) {
        cx.diag(top, "not a Compose file: no services", true);
        continue;
      }
    } else if (!services->is_map()) {
      if (!services->is_null()) {
        cx.diag(services->at, "services must be a mapping of service names to definitions", true);
        continue;
      }
    } else {
      for (auto& [name, s] : services->map)
        normalize_service(s);
      // extends, resolved within each file before files are merged.
      std::vector<compose::Entry> resolved;
      for (const auto& [name, s] : services->map) {
        std::vector<std::string> stack{f.path + "#" + name};
        auto r = resolve_extends(cx, root, f.path, name, stack);
        resolved.emplace_back(name, r ? std::move(*r) : s);
      }
      services->map = std::move(resolved);
    }
    merge_files(merged, std::move(root));
    any = true;
  }
  if (!any) return project;

  // The project name: `name:`, else COMPOSE_PROJECT_NAME, else the folder's name.
  std::string name;
  if (const Node* n = merged.find("name"); n != nullptr && n->is_scalar()) name = n->value;
  if (const auto it = input.environment.find("COMPOSE_PROJECT_NAME"); name.empty() && it != input.environment.end())
    name = it->second;
  if (name.empty()) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(project.working_dir, ec).lexically_normal();
    if (!abs.has_filename()) abs = abs.parent_path();
    name = abs.filename().string();
  }
  project.name = normalized_name(name);
  if (project.name.empty()) project.name = "default";

  const Node* services = merged.find("services");
  if (services == nullptr || !services->is_map()) return project;
  for (const auto& [service_name, s] : services->map) {
    model::ComposeService service;
    service.name = service_name;
    service.location = s.at;
    if (!s.is_map()) {
      cx.diag(s.at, fmt::format("service {} must be a mapping", service_name));
      continue;
    }
    ServiceBuilder b{cx, merged, service};
    b.build(s);
    project.services.push_back(std::move(service));
  }
  std::sort(project.services.begin(), project.services.end(),
            [](const model::ComposeService& a, const model::ComposeService& b) { return a.name < b.name; });
  return project;
}

}  // namespace drydock::parse
