#include "drydock/parse/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"

namespace drydock::parse {

JsonShape json_shape(std::string_view text) {
  JsonShape shape;
  std::size_t depth = 0;
  const char* p = text.data();
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c == '"') {
      // Strings are most of the bytes: jump from quote to quote, a quote preceded by an odd
      // number of backslashes being part of the string.
      const std::size_t content = i + 1;
      for (std::size_t from = content;;) {
        const void* q = std::memchr(p + from, '"', n - from);
        if (q == nullptr) return shape;  // unterminated: the parser says so
        const auto at = static_cast<std::size_t>(static_cast<const char*>(q) - p);
        std::size_t backslashes = 0;
        while (at - backslashes > content && p[at - backslashes - 1] == '\\')
          ++backslashes;
        from = at + 1;
        if (backslashes % 2 == 0) {
          i = at;
          break;
        }
      }
    } else if (c == '[' || c == '{') {
      ++shape.values;
      shape.depth = std::max(shape.depth, ++depth);
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == ',') {
      ++shape.values;
    }
  }
  return shape;
}

namespace {

using json = nlohmann::ordered_json;

/// Engine documents are a handful of levels deep; anything far deeper is hostile input.
constexpr int k_max_depth = 256;

/// Collects every problem found in one document, each naming its field path, so that one
/// error message can list them all instead of stopping at the first.
class Reader {
 public:
  [[nodiscard]] bool ok() const { return m_errors.empty(); }
  [[nodiscard]] std::string message() const { return core::join(m_errors, "; "); }

  void problem(const std::string& path, std::string_view what) { m_errors.push_back(path + ": " + std::string(what)); }

  /// Records "path: expected <what>, got <type>".
  void wrong_type(const std::string& path, std::string_view what, const json& got) {
    problem(path, "expected " + std::string(what) + ", got " + got.type_name());
  }

  /// The member `key` of `obj`, or nullptr when `obj` is null, the member is absent or null.
  static const json* member(const json* obj, std::string_view key) {
    if (obj == nullptr || !obj->is_object()) return nullptr;
    const auto it = obj->find(key);
    if (it == obj->end() || it->is_null()) return nullptr;
    return &*it;
  }

  /// A member that must be an object when present.
  const json* object(const json* obj, const std::string& base, std::string_view key) {
    const json* v = member(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      wrong_type(path(base, key), "an object", *v);
      return nullptr;
    }
    return v;
  }

  /// A member that must be an array when present.
  const json* array(const json* obj, const std::string& base, std::string_view key) {
    const json* v = member(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      wrong_type(path(base, key), "an array", *v);
      return nullptr;
    }
    return v;
  }

  /// Calls fn(element, path) for each object of the array at obj[key] ("HostConfig.Devices[2]");
  /// an element that is not an object is a type error naming its path.
  template <class Fn>
  void each_object(const json* obj, const std::string& base, std::string_view key, Fn&& fn) {
    const json* list = array(obj, base, key);
    if (list == nullptr) return;
    const std::string list_path = path(base, key);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& element = (*list)[i];
      const std::string p = index(list_path, i);
      if (!element.is_object()) {
        wrong_type(p, "an object", element);
        continue;
      }
      fn(element, p);
    }
  }

  void read(const json* obj, const std::string& base, std::string_view key, std::string& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->is_string()) return wrong_type(path(base, key), "a string", *v);
    out = v->get_ref<const std::string&>();
  }

  void read(const json* obj, const std::string& base, std::string_view key, bool& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->is_boolean()) return wrong_type(path(base, key), "a boolean", *v);
    out = v->get<bool>();
  }

  void read(const json* obj, const std::string& base, std::string_view key, std::int64_t& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (auto n = integer(*v, path(base, key))) out = *n;
  }

  void read(const json* obj, const std::string& base, std::string_view key, std::optional<std::int64_t>& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    if (auto n = integer(*v, path(base, key))) out = *n;
  }

  void read(const json* obj, const std::string& base, std::string_view key, int& out) {
    const json* v = member(obj, key);
    if (v == nullptr) return;
    const std::string p = path(base, key);
    if (auto n = integer(*v, p)) {
      if (*n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
        problem(p, "number out of range");
      } else {
        out = static_cast<int>(*n);
      }
    }
  }

  /// An array of strings; null means empty.
  void read(const json* obj, const std::string& base, std::string_view key, std::vector<std::string>& out) {
    const json* v = array(obj, base, key);
    if (v == nullptr) return;
    out.clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        wrong_type(index(path(base, key), i), "a string", e);
        continue;
      }
      out.push_back(e.get<std::string>());
    }
  }

  /// An object of strings (labels); null means empty.
  void read(const json* obj, const std::string& base, std::string_view key, std::map<std::string, std::string>& out) {
    const json* v = object(obj, base, key);
    if (v == nullptr) return;
    out.clear();
    for (const auto& [k, e] : v->items()) {
      if (!e.is_string()) {
        wrong_type(path(path(base, key), k), "a string", e);
        continue;
      }
      out.emplace(k, e.get<std::string>());
    }
  }

  /// The keys of an object member (ExposedPorts, Networks); null means none.
  void keys(const json* obj, const std::string& base, std::string_view key, std::vector<std::string>& out) {
    const json* v = object(obj, base, key);
    if (v == nullptr) return;
    out.clear();
    for (const auto& [k, e] : v->items())
      out.push_back(k);
  }

  static std::string path(const std::string& base, std::string_view key) {
    return base.empty() ? std::string(key) : base + "." + std::string(key);
  }
  static std::string index(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

 private:
  std::optional<std::int64_t> integer(const json& v, const std::string& p) {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        problem(p, "number out of range");
        return std::nullopt;
      }
      return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
      const double d = v.get<double>();
      // 2^63 is exactly representable; anything at or beyond it does not fit.
      if (std::isfinite(d) && std::trunc(d) == d && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) {
        return static_cast<std::int64_t>(d);
      }
      problem(p, "expected an integer");
      return std::nullopt;
    }
    wrong_type(p, "a number", v);
    return std::nullopt;
  }

  std::vector<std::string> m_errors;
};

/// Rejects nesting deeper than k_max_depth before the JSON parser sees the text.
bool too_deep(std::string_view text) { return json_shape(text).depth > static_cast<std::size_t>(k_max_depth); }

/// Parses text as JSON; the error names `what` the text was supposed to be.
core::Expected<json> parse_json(std::string_view text, std::string_view what) {
  if (too_deep(text)) {
    return core::fail(core::ErrorKind::parse,
                      std::string(what) + ": nested deeper than " + std::to_string(k_max_depth) + " levels");
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return core::fail(core::ErrorKind::parse, std::string(what) + ": not valid JSON: " + e.what());
  }
}

std::string strip_slash(std::string name) {
  if (name.starts_with('/')) name.erase(0, 1);
  return name;
}

std::optional<model::Healthcheck> healthcheck(Reader& r, const json* config, const std::string& base) {
  const json* hc = r.object(config, base, "Healthcheck");
  if (hc == nullptr) return std::nullopt;
  model::Healthcheck out;
  r.read(hc, Reader::path(base, "Healthcheck"), "Test", out.test);
  return out;
}

void read_mounts(Reader& r, const json& j, model::ContainerSpec& c) {
  r.each_object(&j, "", "Mounts", [&](const json& m, const std::string& base) {
    model::Mount mount;
    r.read(&m, base, "Type", mount.type);
    r.read(&m, base, "Source", mount.source);
    r.read(&m, base, "Destination", mount.destination);
    r.read(&m, base, "RW", mount.read_write);
    r.read(&m, base, "Propagation", mount.propagation);
    if (mount.type == "volume") r.read(&m, base, "Name", mount.name);
    c.mounts.push_back(std::move(mount));
  });
}

void read_ports(Reader& r, const json* host, model::ContainerSpec& c) {
  const std::string base = "HostConfig.PortBindings";
  const json* bindings = r.object(host, "HostConfig", "PortBindings");
  if (bindings == nullptr) return;
  for (const auto& [port, list] : bindings->items()) {
    std::string port_path = base;
    port_path += '.';
    port_path += port;
    if (list.is_null()) continue;
    if (!list.is_array()) {
      r.wrong_type(port_path, "an array", list);
      continue;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json& b = list[i];
      const std::string p = Reader::index(port_path, i);
      if (!b.is_object()) {
        r.wrong_type(p, "an object", b);
        continue;
      }
      model::PortBinding binding{.container_port = port, .host_ip = {}, .host_port = {}};
      r.read(&b, p, "HostIp", binding.host_ip);
      r.read(&b, p, "HostPort", binding.host_port);
      c.ports.push_back(std::move(binding));
    }
  }
}

void read_devices(Reader& r, const json* host, model::ContainerSpec& c) {
  r.each_object(host, "HostConfig", "Devices", [&](const json& d, const std::string& p) {
    model::DeviceMapping dev;
    r.read(&d, p, "PathOnHost", dev.host_path);
    r.read(&d, p, "PathInContainer", dev.container_path);
    r.read(&d, p, "CgroupPermissions", dev.permissions);
    c.devices.push_back(std::move(dev));
  });
}

void read_ulimits(Reader& r, const json* host, model::ContainerSpec& c) {
  r.each_object(host, "HostConfig", "Ulimits", [&](const json& u, const std::string& p) {
    model::Ulimit limit;
    r.read(&u, p, "Name", limit.name);
    r.read(&u, p, "Soft", limit.soft);
    r.read(&u, p, "Hard", limit.hard);
    c.ulimits.push_back(std::move(limit));
  });
}

void read_host_config(Reader& r, const json& j, model::ContainerSpec& c) {
  const std::string b = "HostConfig";
  const json* h = r.object(&j, "", b);
  if (h == nullptr) return;
  r.read(h, b, "Privileged", c.privileged);
  r.read(h, b, "CapAdd", c.cap_add);
  r.read(h, b, "CapDrop", c.cap_drop);
  r.read(h, b, "SecurityOpt", c.security_opt);
  r.read(h, b, "PublishAllPorts", c.publish_all_ports);
  r.read(h, b, "NetworkMode", c.network_mode);
  r.read(h, b, "PidMode", c.pid_mode);
  r.read(h, b, "IpcMode", c.ipc_mode);
  r.read(h, b, "UTSMode", c.uts_mode);
  r.read(h, b, "UsernsMode", c.userns_mode);
  r.read(h, b, "CgroupnsMode", c.cgroupns_mode);
  r.read(h, b, "CgroupParent", c.cgroup_parent);
  r.read(h, b, "Memory", c.memory);
  r.read(h, b, "MemoryReservation", c.memory_reservation);
  r.read(h, b, "MemorySwap", c.memory_swap);
  r.read(h, b, "NanoCpus", c.nano_cpus);
  r.read(h, b, "CpuShares", c.cpu_shares);
  r.read(h, b, "CpuQuota", c.cpu_quota);
  r.read(h, b, "CpuPeriod", c.cpu_period);
  r.read(h, b, "CpusetCpus", c.cpuset_cpus);
  r.read(h, b, "PidsLimit", c.pids_limit);
  r.read(h, b, "ReadonlyRootfs", c.readonly_rootfs);
  r.read(h, b, "DeviceCgroupRules", c.device_cgroup_rules);
  r.read(h, b, "Tmpfs", c.tmpfs);
  r.read(h, b, "GroupAdd", c.group_add);
  r.read(h, b, "ExtraHosts", c.extra_hosts);
  if (const json* restart = r.object(h, b, "RestartPolicy")) {
    r.read(restart, b + ".RestartPolicy", "Name", c.restart_policy);
    r.read(restart, b + ".RestartPolicy", "MaximumRetryCount", c.restart_max_retries);
  }
  read_ports(r, h, c);
  read_devices(r, h, c);
  read_ulimits(r, h, c);
}

core::Expected<model::ContainerSpec> container_from(const json& j) {
  if (!j.is_object()) {
    return core::fail(core::ErrorKind::parse, std::string("container inspect: expected an object, got ") + j.type_name());
  }
  Reader r;
  model::ContainerSpec c;
  r.read(&j, "", "Id", c.id);
  r.read(&j, "", "Name", c.name);
  c.name = strip_slash(std::move(c.name));
  r.read(&j, "", "Image", c.image_id);
  r.read(&j, "", "AppArmorProfile", c.apparmor_profile);
  r.read(&j, "", "ProcessLabel", c.process_label);
  r.read(&j, "", "ExecIDs", c.exec_ids);

  if (const json* state = r.object(&j, "", "State")) {
    r.read(state, "State", "Status", c.state);
    r.read(state, "State", "Running", c.running);
    r.read(state, "State", "Pid", c.pid);
    if (const json* health = r.object(state, "State", "Health")) r.read(health, "State.Health", "Status", c.health_status);
  }
  if (const json* config = r.object(&j, "", "Config")) {
    r.read(config, "Config", "Image", c.image);
    r.read(config, "Config", "User", c.user);
    r.read(config, "Config", "Labels", c.labels);
    r.read(config, "Config", "Env", c.env);
    c.healthcheck = healthcheck(r, config, "Config");
    // Cmd and Entrypoint: arrays, or a string in what old engines wrote.
    auto command = [&](std::string_view key) -> std::optional<std::vector<std::string>> {
      const json* v = Reader::member(config, key);
      if (v == nullptr) return std::nullopt;
      if (v->is_string()) return std::vector<std::string>{v->get<std::string>()};
      std::vector<std::string> out;
      r.read(config, "Config", key, out);
      return out;
    };
    c.cmd = command("Cmd").value_or(std::vector<std::string>{});
    c.entrypoint = command("Entrypoint");
    r.read(config, "Config", "WorkingDir", c.working_dir);
    r.read(config, "Config", "Tty", c.tty);
    r.read(config, "Config", "OpenStdin", c.open_stdin);
  }
  read_host_config(r, j, c);
  read_mounts(r, j, c);
  if (const json* net = r.object(&j, "", "NetworkSettings")) r.keys(net, "NetworkSettings", "Networks", c.networks);

  c.processes_unavailable = "inspect data carries no process list";
  if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), c.name.empty() ? c.id : c.name);
  return c;
}

/// Runs `fn` with nlohmann exceptions turned into a parse error naming `what`.
template <class Fn>
auto guarded(std::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return core::fail(core::ErrorKind::parse, std::string(what) + ": " + e.what());
  }
}

/// "name=seccomp,profile=default" -> "seccomp"; the old bare form "seccomp" stays as is.
std::string security_option_name(std::string_view option) {
  for (const auto& part : core::split(option, ',')) {
    if (part.starts_with("name=")) return part.substr(5);
  }
  return std::string(option.substr(0, option.find(',')));
}

}  // namespace

core::Expected<model::ContainerSpec> container_inspect(std::string_view text) {
  return guarded("container inspect", [&]() -> core::Expected<model::ContainerSpec> {
    DRYDOCK_TRY(j, parse_json(text, "container inspect"));
    return container_from(j);
  });
}

core::Expected<model::ContainerUsage> container_stats(std::string_view text) {
  return guarded("container stats", [&]() -> core::Expected<model::ContainerUsage> {
    DRYDOCK_TRY(j, parse_json(text, "container stats"));
    if (!j.is_object()) return core::fail(core::ErrorKind::parse, "container stats: expected an object");
    Reader r;
    model::ContainerUsage u;
    if (const json* mem = r.object(&j, "", "memory_stats")) {
      std::int64_t usage = 0;
      r.read(mem, "memory_stats", "usage", usage);
      std::int64_t cache = 0;
      if (const json* st = r.object(mem, "memory_stats", "stats")) {
        const std::string b = "memory_stats.stats";
        // As the docker CLI: cgroup v1 has total_inactive_file, v2 only inactive_file.
        if (Reader::member(st, "total_inactive_file") != nullptr) {
          r.read(st, b, "total_inactive_file", cache);
        } else {
          r.read(st, b, "inactive_file", cache);
        }
      }
      if (usage > 0) u.memory = cache < usage ? usage - cache : usage;
    }
    if (const json* pids = r.object(&j, "", "pids_stats")) {
      std::int64_t current = 0;
      r.read(pids, "pids_stats", "current", current);
      if (current > 0) u.pids = current;
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, "container stats: " + r.message());
    return u;
  });
}

core::Expected<std::vector<core::Expected<model::ContainerSpec>>> inspect_document(std::string_view text) {
  using Out = std::vector<core::Expected<model::ContainerSpec>>;
  return guarded("inspect document", [&]() -> core::Expected<Out> {
    DRYDOCK_TRY(j, parse_json(text, "inspect document"));
    Out out;
    if (j.is_object()) {
      out.push_back(container_from(j));
      return out;
    }
    if (!j.is_array()) {
      return core::fail(core::ErrorKind::parse,
                        std::string("inspect document: expected an array or an object, got ") + j.type_name());
    }
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto spec = container_from(j[i]);
      if (!spec) {
        auto& err = spec.error();
        err.where = "[" + std::to_string(i) + "]" + (err.where.empty() ? "" : " " + err.where);
      }
      out.push_back(std::move(spec));
    }
    return out;
  });
}

core::Expected<model::ImageSpec> image_inspect(std::string_view text) {
  return guarded("image inspect", [&]() -> core::Expected<model::ImageSpec> {
    DRYDOCK_TRY(j, parse_json(text, "image inspect"));
    if (!j.is_object()) {
      return core::fail(core::ErrorKind::parse, std::string("image inspect: expected an object, got ") + j.type_name());
    }
    Reader r;
    model::ImageSpec img;
    r.read(&j, "", "Id", img.id);
    r.read(&j, "", "RepoTags", img.repo_tags);
    r.read(&j, "", "RepoDigests", img.repo_digests);
    r.read(&j, "", "Created", img.created);
    r.read(&j, "", "Size", img.size);
    if (const json* config = r.object(&j, "", "Config")) {
      r.read(config, "Config", "User", img.user);
      r.read(config, "Config", "Env", img.env);
      r.read(config, "Config", "Labels", img.labels);
      r.keys(config, "Config", "ExposedPorts", img.exposed_ports);
      img.healthcheck = healthcheck(r, config, "Config");
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), img.id);
    return img;
  });
}

/// A list endpoint (a JSON array of objects): fn(reader, element, path, out) reads each
/// object into `out`; any element that is not an object, and any field of the wrong type,
/// fails the whole list with every problem named.
template <class T, class Fn>
core::Expected<std::vector<T>> object_list(std::string_view text, const std::string& what, std::string_view endpoint, Fn&& fn) {
  return guarded(what, [&]() -> core::Expected<std::vector<T>> {
    DRYDOCK_TRY(j, parse_json(text, what));
    if (!j.is_array()) {
      return core::fail(core::ErrorKind::parse, what + ": expected an array, got " + j.type_name());
    }
    Reader r;
    std::vector<T> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string base = Reader::index("", i);
      if (!j[i].is_object()) {
        r.wrong_type(base, "an object", j[i]);
        continue;
      }
      fn(r, j[i], base, out);
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), std::string(endpoint));
    return out;
  });
}

core::Expected<std::vector<ContainerSummary>> container_list(std::string_view text) {
  return object_list<ContainerSummary>(text, "container list", "/containers/json",
                                       [](Reader& r, const json& e, const std::string& base, std::vector<ContainerSummary>& out) {
                                         ContainerSummary s;
                                         std::vector<std::string> names;
                                         r.read(&e, base, "Id", s.id);
                                         r.read(&e, base, "Names", names);
                                         r.read(&e, base, "State", s.state);
                                         if (!names.empty()) s.name = strip_slash(names.front());
                                         out.push_back(std::move(s));
                                       });
}

core::Expected<std::vector<model::ImageSummary>> image_list(std::string_view text) {
  return object_list<model::ImageSummary>(
      text, "image list", "/images/json",
      [](Reader& r, const json& e, const std::string& base, std::vector<model::ImageSummary>& out) {
        model::ImageSummary image;
        r.read(&e, base, "Id", image.id);
        r.read(&e, base, "RepoTags", image.repo_tags);
        r.read(&e, base, "Size", image.size);
        r.read(&e, base, "Created", image.created);
        std::erase(image.repo_tags, "<none>:<none>");
        out.push_back(std::move(image));
      });
}

core::Expected<std::vector<std::pair<std::string, std::string>>> image_tags(std::string_view text) {
  DRYDOCK_TRY(images, image_list(text));
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& image : images) {
    for (auto& tag : image.repo_tags)
      out.emplace_back(std::move(tag), image.id);
  }
  return out;
}

core::Expected<model::EngineInfo> engine_info(std::string_view version_text, std::string_view info_text) {
  return guarded("engine info", [&]() -> core::Expected<model::EngineInfo> {
    DRYDOCK_TRY(version, parse_json(version_text, "/version"));
    DRYDOCK_TRY(info, parse_json(info_text, "/info"));
    if (!version.is_object()) {
      return core::fail(core::ErrorKind::parse, std::string("/version: expected an object, got ") + version.type_name());
    }
    if (!info.is_object()) {
      return core::fail(core::ErrorKind::parse, std::string("/info: expected an object, got ") + info.type_name());
    }
    model::EngineInfo e;
    Reader r;
    r.read(&version, "Version", "Version", e.server_version);
    r.read(&version, "Version", "ApiVersion", e.api_version);
    r.read(&version, "Version", "Os", e.os);
    r.read(&version, "Version", "KernelVersion", e.kernel_version);

    r.read(&info, "Info", "Name", e.name);
    r.read(&info, "Info", "ID", e.id);
    if (e.kernel_version.empty()) r.read(&info, "Info", "KernelVersion", e.kernel_version);
    if (e.os.empty()) r.read(&info, "Info", "OSType", e.os);
    std::vector<std::string> options;
    r.read(&info, "Info", "SecurityOptions", options);
    for (const auto& o : options)
      e.security_options.push_back(security_option_name(o));
    if (const json* swarm = r.object(&info, "Info", "Swarm")) {
      r.read(swarm, "Info.Swarm", "LocalNodeState", e.swarm_state);
      r.read(swarm, "Info.Swarm", "ControlAvailable", e.swarm_control_available);
      if (const json* cluster = r.object(swarm, "Info.Swarm", "Cluster")) {
        model::SwarmCluster c;
        r.read(swarm, "Info.Swarm", "NodeAddr", c.node_addr);
        r.read(swarm, "Info.Swarm", "Nodes", c.nodes);
        r.read(swarm, "Info.Swarm", "Managers", c.managers);
        r.read(cluster, "Info.Swarm.Cluster", "RootRotationInProgress", c.root_rotation_in_progress);
        r.read(cluster, "Info.Swarm.Cluster", "DataPathPort", c.data_path_port);
        if (const json* spec = r.object(cluster, "Info.Swarm.Cluster", "Spec")) {
          if (const json* enc = r.object(spec, "Info.Swarm.Cluster.Spec", "EncryptionConfig")) {
            r.read(enc, "Info.Swarm.Cluster.Spec.EncryptionConfig", "AutoLockManagers", c.autolock);
          }
          if (const json* ca = r.object(spec, "Info.Swarm.Cluster.Spec", "CAConfig")) {
            r.read(ca, "Info.Swarm.Cluster.Spec.CAConfig", "NodeCertExpiry", c.node_cert_expiry_ns);
          }
        }
        if (const json* tls = r.object(cluster, "Info.Swarm.Cluster", "TLSInfo")) {
          r.read(tls, "Info.Swarm.Cluster.TLSInfo", "CertIssuerSubject", c.ca_issuer_subject);
        }
        e.swarm_cluster = std::move(c);
      }
    }
    r.read(&info, "Info", "Containers", e.containers);
    r.read(&info, "Info", "Images", e.images);
    r.read(&info, "Info", "Warnings", e.warnings);
    if (Reader::member(&info, "LiveRestoreEnabled") != nullptr) {
      bool b = false;
      r.read(&info, "Info", "LiveRestoreEnabled", b);
      e.live_restore_enabled = b;
    }
    if (Reader::member(&info, "ExperimentalBuild") != nullptr) {
      bool b = false;
      r.read(&info, "Info", "ExperimentalBuild", b);
      e.experimental_build = b;
    }
    r.read(&info, "Info", "LoggingDriver", e.logging_driver);
    r.read(&info, "Info", "Driver", e.storage_driver);
    r.read(&info, "Info", "DockerRootDir", e.docker_root_dir);
    r.read(&info, "Info", "CgroupDriver", e.cgroup_driver);
    if (const json* registry = r.object(&info, "Info", "RegistryConfig")) {
      r.read(registry, "Info.RegistryConfig", "InsecureRegistryCIDRs", e.insecure_registries);
      if (const json* indexes = r.object(registry, "Info.RegistryConfig", "IndexConfigs")) {
        for (const auto& [name, index] : indexes->items()) {
          bool secure = true;
          r.read(&index, "Info.RegistryConfig.IndexConfigs." + name, "Secure", secure);
          if (!secure) e.insecure_registries.push_back(name);
        }
      }
    }
    if (const json* plugins = r.object(&info, "Info", "Plugins")) {
      r.read(plugins, "Info.Plugins", "Authorization", e.authorization_plugins);
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), "/version, /info");
    return e;
  });
}

core::Expected<std::vector<model::OverlayNetwork>> overlay_networks(std::string_view text) {
  return object_list<model::OverlayNetwork>(
      text, "network list", "/networks",
      [](Reader& r, const json& e, const std::string& base, std::vector<model::OverlayNetwork>& out) {
        std::string driver;
        r.read(&e, base, "Driver", driver);
        if (driver != "overlay") return;
        model::OverlayNetwork n;
        std::map<std::string, std::string> options;
        r.read(&e, base, "Id", n.id);
        r.read(&e, base, "Name", n.name);
        r.read(&e, base, "Ingress", n.ingress);
        r.read(&e, base, "Options", options);
        n.encrypted = options.contains("encrypted");
        out.push_back(std::move(n));
      });
}

core::Expected<std::vector<model::Process>> top(std::string_view text) {
  return guarded("top", [&]() -> core::Expected<std::vector<model::Process>> {
    DRYDOCK_TRY(j, parse_json(text, "top"));
    if (!j.is_object()) {
      return core::fail(core::ErrorKind::parse, std::string("top: expected an object, got ") + j.type_name());
    }
    Reader r;
    std::vector<std::string> titles;
    r.read(&j, "", "Titles", titles);
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), "top");

    constexpr auto none = std::string::npos;
    std::size_t pid = none, user = none, cmd = none;
    for (std::size_t i = 0; i < titles.size(); ++i) {
      const std::string t = core::to_upper(core::trim(titles[i]));
      if (t == "PID" && pid == none) pid = i;
      if ((t == "UID" || t == "USER") && user == none) user = i;
      if ((t == "CMD" || t == "COMMAND" || t == "ARGS") && cmd == none) cmd = i;
    }
    if (pid == none) return core::fail(core::ErrorKind::parse, "Titles: no PID column", "top");
    if (cmd == none) return core::fail(core::ErrorKind::parse, "Titles: no CMD or COMMAND column", "top");

    std::vector<model::Process> out;
    const json* rows = r.array(&j, "", "Processes");
    if (rows == nullptr) {
      if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), "top");
      return out;
    }
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const json& row = (*rows)[i];
      const std::string p = Reader::index("Processes", i);
      if (!row.is_array()) {
        r.wrong_type(p, "an array", row);
        continue;
      }
      auto cell = [&](std::size_t col, std::string& dst) {
        if (col == none) return;
        if (col >= row.size()) return r.problem(p, "has " + std::to_string(row.size()) + " columns, fewer than the titles");
        if (!row[col].is_string()) return r.wrong_type(Reader::index(p, col), "a string", row[col]);
        dst = row[col].get<std::string>();
      };
      model::Process proc;
      cell(pid, proc.pid);
      cell(user, proc.user);
      cell(cmd, proc.command);
      out.push_back(std::move(proc));
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), "top");
    return out;
  });
}

core::Expected<model::ExecSession> exec_inspect(std::string_view text) {
  return guarded("exec inspect", [&]() -> core::Expected<model::ExecSession> {
    DRYDOCK_TRY(j, parse_json(text, "exec inspect"));
    if (!j.is_object()) {
      return core::fail(core::ErrorKind::parse, std::string("exec inspect: expected an object, got ") + j.type_name());
    }
    Reader r;
    model::ExecSession s;
    r.read(&j, "", "ID", s.id);
    r.read(&j, "", "Running", s.running);
    if (const json* pc = r.object(&j, "", "ProcessConfig")) {
      std::string entrypoint;
      std::vector<std::string> arguments;
      r.read(pc, "ProcessConfig", "privileged", s.privileged);
      r.read(pc, "ProcessConfig", "user", s.user);
      r.read(pc, "ProcessConfig", "entrypoint", entrypoint);
      r.read(pc, "ProcessConfig", "arguments", arguments);
      arguments.insert(arguments.begin(), entrypoint);
      s.command = std::string(core::trim(core::join(arguments, " ")));
    }
    if (!r.ok()) return core::fail(core::ErrorKind::parse, r.message(), s.id);
    return s;
  });
}

}  // namespace drydock::parse
