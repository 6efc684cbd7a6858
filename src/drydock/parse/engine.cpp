#include "drydock/parse/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <utility>

#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/parse/engine_json.hpp"
#include "drydock/parse/podman.hpp"

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

// ---------------------------------------------------------------------------------------
// Container inspect: read as the parser goes (SAX), straight into model::ContainerSpec, no
// document tree. Same rules as Reader: null means absent, every wrong field is a problem
// naming its path, the problems listed in the order of the fields below (not the order of
// the text), one per field.

/// The kind of a JSON value, as the parser reports it.
enum class JsonKind : std::uint8_t { null, boolean, integer, unsigned_integer, floating, string, object, array };

const char* kind_name(JsonKind k) {
  switch (k) {
    case JsonKind::null: return "null";
    case JsonKind::boolean: return "boolean";
    case JsonKind::integer:
    case JsonKind::unsigned_integer:
    case JsonKind::floating: return "number";
    case JsonKind::string: return "string";
    case JsonKind::object: return "object";
    case JsonKind::array: return "array";
  }
  return "value";
}

/// What an object or array being read is.
enum class Frame : std::uint8_t {
  root, state, health, config, healthcheck, host, restart, network_settings,  // objects of known fields
  mount, port, device, ulimit,                                                   // elements of lists below
  mounts, port_list, devices, ulimits,                                           // arrays of objects
  port_bindings,                                                                 // port -> array of bindings
  strings,                                                                       // array of strings
  string_map,                                                                    // object of strings
  key_set,                                                                       // keys of an object, values ignored
  document,                                                                      // `docker inspect`: array of inspects
};

/// The known fields of each object, in the order the problems are listed.
constexpr std::string_view k_root_fields[] = {"Id",    "Name",       "Image",  "AppArmorProfile",
                                      "ProcessLabel",            "ExecIDs",    "State",  "Config",
                                      "HostConfig",              "Mounts",     "NetworkSettings"};
constexpr std::string_view k_state_fields[] = {"Status", "Running", "Pid", "Health"};
constexpr std::string_view k_health_fields[] = {"Status"};
constexpr std::string_view k_config_fields[] = {"Image", "User",       "Labels", "Env", "Healthcheck",
                                        "Cmd",                     "Entrypoint", "WorkingDir", "Tty", "OpenStdin"};
constexpr std::string_view k_healthcheck_fields[] = {"Test"};
constexpr std::string_view k_host_fields[] = {
    "Privileged", "CapAdd",        "CapDrop",         "SecurityOpt",  "PublishAllPorts", "NetworkMode",
    "PidMode",                      "IpcMode",       "UTSMode",         "UsernsMode",   "CgroupnsMode",    "CgroupParent",
    "Memory",                       "MemoryReservation", "MemorySwap",  "NanoCpus",     "CpuShares",       "CpuQuota",
    "CpuPeriod",                    "CpusetCpus",    "PidsLimit",       "ReadonlyRootfs", "DeviceCgroupRules", "Tmpfs",
    "GroupAdd",                     "ExtraHosts",    "RestartPolicy",   "PortBindings", "Devices",         "Ulimits"};
constexpr std::string_view k_restart_fields[] = {"Name", "MaximumRetryCount"};
constexpr std::string_view k_network_settings_fields[] = {"Networks"};
constexpr std::string_view k_mount_fields[] = {"Type", "Source", "Destination", "RW", "Propagation", "Name"};
constexpr std::string_view k_port_fields[] = {"HostIp", "HostPort"};
constexpr std::string_view k_device_fields[] = {"PathOnHost", "PathInContainer", "CgroupPermissions"};
constexpr std::string_view k_ulimit_fields[] = {"Name", "Soft", "Hard"};

constexpr std::uint32_t k_unknown = std::numeric_limits<std::uint32_t>::max();

std::span<const std::string_view> fields_of(Frame f) {
  switch (f) {
    case Frame::root: return k_root_fields;
    case Frame::state: return k_state_fields;
    case Frame::health: return k_health_fields;
    case Frame::config: return k_config_fields;
    case Frame::healthcheck: return k_healthcheck_fields;
    case Frame::host: return k_host_fields;
    case Frame::restart: return k_restart_fields;
    case Frame::network_settings: return k_network_settings_fields;
    case Frame::mount: return k_mount_fields;
    case Frame::port: return k_port_fields;
    case Frame::device: return k_device_fields;
    case Frame::ulimit: return k_ulimit_fields;
    default: return {};
  }
}

/// Field names, enumerated for the switch that stores each (positions in the tables above).
enum RootField : std::uint32_t { r_id, r_name, r_image, r_apparmor, r_label, r_exec_ids, r_state, r_config, r_host, r_mounts, r_network };
enum HostField : std::uint32_t {
  h_privileged, h_cap_add, h_cap_drop, h_security_opt, h_publish_all, h_network_mode, h_pid_mode, h_ipc_mode, h_uts_mode,
  h_userns_mode, h_cgroupns_mode, h_cgroup_parent, h_memory, h_memory_reservation, h_memory_swap, h_nano_cpus, h_cpu_shares,
  h_cpu_quota, h_cpu_period, h_cpuset_cpus, h_pids_limit, h_readonly_rootfs, h_device_cgroup_rules, h_tmpfs, h_group_add,
  h_extra_hosts, h_restart, h_port_bindings, h_devices, h_ulimits
};
enum ConfigField : std::uint32_t { c_image, c_user, c_labels, c_env, c_healthcheck, c_cmd, c_entrypoint, c_working_dir, c_tty, c_open_stdin };

/// A JSON number as an std::int64_t, or the problem with it.
struct Integer {
  std::optional<std::int64_t> value;
  const char* problem = nullptr;
};
Integer integer_of(std::uint64_t u) {
  if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return {std::nullopt, "number out of range"};
  return {static_cast<std::int64_t>(u)};
}
Integer integer_of(double d) {
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (std::isfinite(d) && std::trunc(d) == d && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) {
    return {static_cast<std::int64_t>(d)};
  }
  return {std::nullopt, "expected an integer"};
}

/// The nlohmann SAX handler for one container inspect, or a `docker inspect` document of them.
/// Every value is routed by the frame it is in (what the enclosing object or array is) and,
/// in objects of known fields, by the field's position in that frame's table.
class InspectReader {
 public:
  using json_t = nlohmann::json;

  /// `document`: the text may be an array of inspects (inspect_document) as well as one.
  explicit InspectReader(bool document) : m_document(document) {}

  // --- the nlohmann SAX interface
  bool null() { return value(JsonKind::null); }
  bool boolean(bool b) {
    m_bool = b;
    return value(JsonKind::boolean);
  }
  bool number_integer(json_t::number_integer_t n) {
    m_int = n;
    return value(JsonKind::integer);
  }
  bool number_unsigned(json_t::number_unsigned_t n) {
    m_uint = n;
    return value(JsonKind::unsigned_integer);
  }
  bool number_float(json_t::number_float_t d, const json_t::string_t& /*text*/) {
    m_float = d;
    return value(JsonKind::floating);
  }
  bool string(json_t::string_t& s) {
    m_string = &s;
    return value(JsonKind::string);
  }
  bool binary(json_t::binary_t& /*b*/) { return true; }  // never in JSON text
  bool start_object(std::size_t /*elements*/) { return value(JsonKind::object); }
  bool start_array(std::size_t /*elements*/) { return value(JsonKind::array); }
  bool key(json_t::string_t& k) {
    if (m_skip > 0) return true;
    Level& l = m_stack.back();
    const auto fields = fields_of(l.frame);
    if (!fields.empty()) {
      l.at = k_unknown;
      for (std::uint32_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == k) {
          l.at = i;
          break;
        }
      }
    } else {
      l.at = l.count++;
      l.key.assign(k);
    }
    return true;
  }
  bool end_object() { return end(); }
  bool end_array() { return end(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const nlohmann::detail::exception& e) {
    m_parse_error = e.what();
    return false;
  }

  // --- results
  [[nodiscard]] const std::string& parse_error_message() const { return m_parse_error; }
  /// The kind of the top-level value (what an inspect_document that is neither array nor object is).
  [[nodiscard]] JsonKind top_kind() const { return m_top; }
  std::vector<core::Expected<model::ContainerSpec>>& results() { return m_results; }

 private:
  /// One open object or array.
  struct Level {
    Frame frame;
    std::uint32_t at = k_unknown;  ///< the current field (its position in the table) or element (index)
    std::uint32_t count = 0;       ///< elements (arrays) or members (free-form objects) seen
    std::string key;               ///< the current member's name, in free-form objects
    std::vector<std::string>* strings = nullptr;                  ///< Frame::strings, key_set
    std::map<std::string, std::string>* map = nullptr;            ///< Frame::string_map
  };

  /// A problem, with where its field comes in the order problems are listed.
  struct Problem {
    std::vector<std::uint32_t> order;
    std::string text;
  };

  // --- the container being read

  void begin_container() {
    m_spec = model::ContainerSpec{};
    m_problems.clear();
    m_mount_name_problems.clear();
  }

  void end_container() {
    auto& c = m_spec;
    if (c.name.starts_with('/')) c.name.erase(0, 1);
    c.processes_unavailable = "inspect data carries no process list";
    if (m_problems.empty()) {
      m_results.emplace_back(std::move(c));
    } else {
      std::stable_sort(m_problems.begin(), m_problems.end(), [](const Problem& a, const Problem& b) { return a.order < b.order; });
      std::string message;
      for (const auto& p : m_problems) {
        if (!message.empty()) message += "; ";
        message += p.text;
      }
      m_results.emplace_back(core::fail(core::ErrorKind::parse, std::move(message), c.name.empty() ? c.id : c.name));
    }
    m_spec = model::ContainerSpec{};
  }

  /// An element of a document that is not an object.
  void not_an_object(JsonKind k) {
    m_results.emplace_back(
        core::fail(core::ErrorKind::parse, std::string("container inspect: expected an object, got ") + kind_name(k)));
  }

  // --- paths and problems

  /// The path of the current value ("HostConfig.PortBindings.80/tcp[0].HostPort"), from the
  /// open levels (the document's array aside).
  [[nodiscard]] std::string path() const {
    std::string out;
    for (const auto& l : m_stack) {
      if (l.frame == Frame::document) continue;
      const auto fields = fields_of(l.frame);
      if (!fields.empty()) {
        if (!out.empty()) out += '.';
        out += fields[l.at];
      } else if (l.frame == Frame::port_bindings || l.frame == Frame::string_map || l.frame == Frame::key_set) {
        if (!out.empty()) out += '.';
        out += l.key;
      } else {
        out += '[' + std::to_string(l.at) + ']';
      }
    }
    return out;
  }

  void problem(std::string_view what) {
    Problem p;
    p.order.reserve(m_stack.size());
    for (const auto& l : m_stack) {
      if (l.frame != Frame::document) p.order.push_back(l.at);
    }
    p.text = path() + ": " + std::string(what);
    // A mount's Name counts only for volumes, which its Type (perhaps later) says.
    const Level& top = m_stack.back();
    if (top.frame == Frame::mount && top.at == 5) {
      m_mount_name_problems.push_back(std::move(p));
    } else {
      m_problems.push_back(std::move(p));
    }
  }

  /// "expected <what>, got <kind>"; a container value is skipped.
  void wrong(std::string_view what, JsonKind k) {
    problem("expected " + std::string(what) + ", got " + kind_name(k));
    skip(k);
  }

  void skip(JsonKind k) {
    if (k == JsonKind::object || k == JsonKind::array) m_skip = 1;
  }

  // --- values

  void push(Frame f) { m_stack.push_back(Level{f}); }

  void read(JsonKind k, std::string& out) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::string) return wrong("a string", k);
    out = std::move(*m_string);
  }

  void read(JsonKind k, bool& out) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::boolean) return wrong("a boolean", k);
    out = m_bool;
  }

  std::optional<std::int64_t> integer(JsonKind k) {
    Integer n;
    switch (k) {
      case JsonKind::integer: return m_int;
      case JsonKind::unsigned_integer: n = integer_of(m_uint); break;
      case JsonKind::floating: n = integer_of(m_float); break;
      default: wrong("a number", k); return std::nullopt;
    }
    if (n.problem != nullptr) problem(n.problem);
    return n.value;
  }

  void read(JsonKind k, std::int64_t& out) {
    if (k == JsonKind::null) return;
    if (auto n = integer(k)) out = *n;
  }

  void read(JsonKind k, std::optional<std::int64_t>& out) {
    if (k == JsonKind::null) return;
    if (auto n = integer(k)) out = *n;
  }

  void read(JsonKind k, int& out) {
    if (k == JsonKind::null) return;
    if (auto n = integer(k)) {
      if (*n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
        problem("number out of range");
      } else {
        out = static_cast<int>(*n);
      }
    }
  }

  /// An array of strings; null means empty (and leaves `out` as it is).
  void read(JsonKind k, std::vector<std::string>& out) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::array) return wrong("an array", k);
    out.clear();
    push(Frame::strings);
    m_stack.back().strings = &out;
  }

  /// An object of strings; null means empty.
  void read(JsonKind k, std::map<std::string, std::string>& out) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::object) return wrong("an object", k);
    out.clear();
    push(Frame::string_map);
    m_stack.back().map = &out;
  }

  /// The keys of an object; null means none.
  void keys(JsonKind k, std::vector<std::string>& out) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::object) return wrong("an object", k);
    out.clear();
    push(Frame::key_set);
    m_stack.back().strings = &out;
  }

  /// An object of known fields (`f`); false when absent or not an object.
  bool object(JsonKind k, Frame f) {
    if (k == JsonKind::null) return false;
    if (k != JsonKind::object) {
      wrong("an object", k);
      return false;
    }
    push(f);
    return true;
  }

  /// An array of objects, each read as `element` frames by element().
  void object_list(JsonKind k, Frame list) {
    if (k == JsonKind::null) return;
    if (k != JsonKind::array) return wrong("an array", k);
    push(list);
  }

  /// Cmd and Entrypoint: arrays, or a string in what old engines wrote.
  void command(JsonKind k, std::vector<std::string>& out) {
    if (k == JsonKind::string) {
      out = std::vector<std::string>{std::move(*m_string)};
      return;
    }
    read(k, out);
  }

  /// Every value of the text comes here: stored, or its object or array opened, or skipped.
  bool value(JsonKind k) {
    if (m_skip > 0) {
      if (k == JsonKind::object || k == JsonKind::array) ++m_skip;
      return true;
    }
    if (m_stack.empty()) {
      m_top = k;
      if (k == JsonKind::object) {
        begin_container();
        push(Frame::root);
      } else if (k == JsonKind::array && m_document) {
        push(Frame::document);
      } else {
        skip(k);
      }
      return true;
    }
    Level& l = m_stack.back();
    switch (l.frame) {
      case Frame::document:
        l.at = l.count++;
        if (k == JsonKind::object) {
          begin_container();
          push(Frame::root);
        } else {
          not_an_object(k);
          skip(k);
        }
        return true;
      case Frame::strings:
        l.at = l.count++;
        if (k != JsonKind::string) {
          wrong("a string", k);
        } else {
          l.strings->push_back(std::move(*m_string));
        }
        return true;
      case Frame::string_map:
        if (k != JsonKind::string) {
          wrong("a string", k);
        } else {
          l.map->emplace(l.key, std::move(*m_string));
        }
        return true;
      case Frame::key_set:
        l.strings->push_back(l.key);
        skip(k);
        return true;
      case Frame::port_bindings:
        if (k == JsonKind::null) return true;
        if (k != JsonKind::array) {
          wrong("an array", k);
          return true;
        }
        push(Frame::port_list);
        return true;
      case Frame::mounts:
      case Frame::port_list:
      case Frame::devices:
      case Frame::ulimits:
        l.at = l.count++;
        element(k, l.frame);
        return true;
      default:
        break;
    }
    if (l.at == k_unknown) {
      skip(k);
      return true;
    }
    field(k, l.frame, l.at);
    return true;
  }

  /// An element of an array of objects.
  void element(JsonKind k, Frame list) {
    if (k != JsonKind::object) return wrong("an object", k);
    auto& c = m_spec;
    switch (list) {
      case Frame::mounts:
        c.mounts.emplace_back();
        push(Frame::mount);
        break;
      case Frame::port_list: {
        // The port is the key of the binding list, one level up.
        const std::string& port = m_stack[m_stack.size() - 2].key;
        c.ports.push_back(model::PortBinding{.container_port = port, .host_ip = {}, .host_port = {}});
        push(Frame::port);
        break;
      }
      case Frame::devices:
        c.devices.emplace_back();
        push(Frame::device);
        break;
      default:
        c.ulimits.emplace_back();
        push(Frame::ulimit);
        break;
    }
  }

  /// Field number `at` of an object of known fields.
  void field(JsonKind k, Frame frame, std::uint32_t at) {
    auto& c = m_spec;
    switch (frame) {
      case Frame::root:
        switch (at) {
          case r_id: return read(k, c.id);
          case r_name: return read(k, c.name);
          case r_image: return read(k, c.image_id);
          case r_apparmor: return read(k, c.apparmor_profile);
          case r_label: return read(k, c.process_label);
          case r_exec_ids: return read(k, c.exec_ids);
          case r_state: object(k, Frame::state); return;
          case r_config: object(k, Frame::config); return;
          case r_host: object(k, Frame::host); return;
          case r_mounts: return object_list(k, Frame::mounts);
          default: object(k, Frame::network_settings); return;
        }
      case Frame::state:
        switch (at) {
          case 0: return read(k, c.state);
          case 1: return read(k, c.running);
          case 2: return read(k, c.pid);
          default: object(k, Frame::health); return;
        }
      case Frame::health: return read(k, c.health_status);
      case Frame::config:
        switch (at) {
          case c_image: return read(k, c.image);
          case c_user: return read(k, c.user);
          case c_labels: return read(k, c.labels);
          case c_env: return read(k, c.env);
          case c_healthcheck:
            if (object(k, Frame::healthcheck)) c.healthcheck.emplace();
            return;
          case c_cmd:
            if (k == JsonKind::null) {
              c.cmd.clear();
              return;
            }
            return command(k, c.cmd);
          case c_entrypoint:
            if (k == JsonKind::null) return;
            return command(k, c.entrypoint.emplace());
          case c_working_dir: return read(k, c.working_dir);
          case c_tty: return read(k, c.tty);
          default: return read(k, c.open_stdin);
        }
      case Frame::healthcheck: return read(k, c.healthcheck->test);
      case Frame::host: return host_field(k, at);
      case Frame::restart:
        if (at == 0) return read(k, c.restart_policy);
        return read(k, c.restart_max_retries);
      case Frame::network_settings: return keys(k, c.networks);
      case Frame::mount: {
        auto& m = c.mounts.back();
        switch (at) {
          case 0: return read(k, m.type);
          case 1: return read(k, m.source);
          case 2: return read(k, m.destination);
          case 3: return read(k, m.read_write);
          case 4: return read(k, m.propagation);
          default: return read(k, m.name);
        }
      }
      case Frame::port: {
        auto& p = c.ports.back();
        return read(k, at == 0 ? p.host_ip : p.host_port);
      }
      case Frame::device: {
        auto& d = c.devices.back();
        return read(k, at == 0 ? d.host_path : at == 1 ? d.container_path : d.permissions);
      }
      case Frame::ulimit: {
        auto& u = c.ulimits.back();
        if (at == 0) return read(k, u.name);
        return read(k, at == 1 ? u.soft : u.hard);
      }
      default: skip(k); return;
    }
  }

  void host_field(JsonKind k, std::uint32_t at) {
    auto& c = m_spec;
    switch (static_cast<HostField>(at)) {
      case h_privileged: return read(k, c.privileged);
      case h_cap_add: return read(k, c.cap_add);
      case h_cap_drop: return read(k, c.cap_drop);
      case h_security_opt: return read(k, c.security_opt);
      case h_publish_all: return read(k, c.publish_all_ports);
      case h_network_mode: return read(k, c.network_mode);
      case h_pid_mode: return read(k, c.pid_mode);
      case h_ipc_mode: return read(k, c.ipc_mode);
      case h_uts_mode: return read(k, c.uts_mode);
      case h_userns_mode: return read(k, c.userns_mode);
      case h_cgroupns_mode: return read(k, c.cgroupns_mode);
      case h_cgroup_parent: return read(k, c.cgroup_parent);
      case h_memory: return read(k, c.memory);
      case h_memory_reservation: return read(k, c.memory_reservation);
      case h_memory_swap: return read(k, c.memory_swap);
      case h_nano_cpus: return read(k, c.nano_cpus);
      case h_cpu_shares: return read(k, c.cpu_shares);
      case h_cpu_quota: return read(k, c.cpu_quota);
      case h_cpu_period: return read(k, c.cpu_period);
      case h_cpuset_cpus: return read(k, c.cpuset_cpus);
      case h_pids_limit: return read(k, c.pids_limit);
      case h_readonly_rootfs: return read(k, c.readonly_rootfs);
      case h_device_cgroup_rules: return read(k, c.device_cgroup_rules);
      case h_tmpfs: return read(k, c.tmpfs);
      case h_group_add: return read(k, c.group_add);
      case h_extra_hosts: return read(k, c.extra_hosts);
      case h_restart: object(k, Frame::restart); return;
      case h_port_bindings:
        if (k == JsonKind::null) return;
        if (k != JsonKind::object) return wrong("an object", k);
        push(Frame::port_bindings);
        return;
      case h_devices: return object_list(k, Frame::devices);
      case h_ulimits: return object_list(k, Frame::ulimits);
    }
  }

  /// The end of an object or array.
  bool end() {
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    const Frame f = m_stack.back().frame;
    m_stack.pop_back();
    if (f == Frame::mount) {
      auto& m = m_spec.mounts.back();
      if (m.type == "volume") {
        std::move(m_mount_name_problems.begin(), m_mount_name_problems.end(), std::back_inserter(m_problems));
      } else {
        m.name.clear();
      }
      m_mount_name_problems.clear();
    } else if (f == Frame::root) {
      end_container();
    }
    return true;
  }

  const bool m_document;
  std::vector<Level> m_stack;
  std::size_t m_skip = 0;  ///< depth inside a value being skipped
  JsonKind m_top = JsonKind::null;
  std::string m_parse_error;

  // The scalar of the current event.
  bool m_bool = false;
  std::int64_t m_int = 0;
  std::uint64_t m_uint = 0;
  double m_float = 0;
  std::string* m_string = nullptr;

  model::ContainerSpec m_spec;
  std::vector<Problem> m_problems;
  std::vector<Problem> m_mount_name_problems;  ///< of the mount being read, kept if it is a volume
  std::vector<core::Expected<model::ContainerSpec>> m_results;
};

/// Runs the inspect reader over `text`; the error names `what` the text was supposed to be.
core::Expected<InspectReader> read_inspects(std::string_view text, std::string_view what, bool document) {
  if (too_deep(text)) {
    return core::fail(core::ErrorKind::parse,
                      std::string(what) + ": nested deeper than " + std::to_string(k_max_depth) + " levels");
  }
  // The quick reader first; whatever it does not read itself (an error, a float, a rare escape)
  // is read again from the start by nlohmann's parser, with a fresh handler: the same events, or
  // the same error.
  {
    InspectReader quick(document);
    if (quick_json::read(text, quick)) return quick;
  }
  InspectReader reader(document);
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &reader)) {
    return core::fail(core::ErrorKind::parse, std::string(what) + ": not valid JSON: " + reader.parse_error_message());
  }
  return reader;
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
    DRYDOCK_TRY(reader, read_inspects(text, "container inspect", false));
    if (reader.top_kind() != JsonKind::object) {
      return core::fail(core::ErrorKind::parse,
                        std::string("container inspect: expected an object, got ") + kind_name(reader.top_kind()));
    }
    return std::move(reader.results().front());
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
    DRYDOCK_TRY(reader, read_inspects(text, "inspect document", true));
    Out out = std::move(reader.results());
    if (reader.top_kind() == JsonKind::object) return out;
    if (reader.top_kind() != JsonKind::array) {
      return core::fail(core::ErrorKind::parse,
                        std::string("inspect document: expected an array or an object, got ") + kind_name(reader.top_kind()));
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i]) continue;
      auto& err = out[i].error();
      err.where = "[" + std::to_string(i) + "]" + (err.where.empty() ? "" : " " + err.where);
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

namespace {

/// `GET /containers/json?all=1` read as the parser goes: each element's Id, first name and
/// State, nothing else kept (the list of a host of thousands of containers is megabytes of
/// labels, ports and mounts). It reads only what it expects: a top-level array of objects whose
/// Id and State are strings and Names an array of strings, each key once. Anything else (null, a
/// wrong type, a repeated key, text that is not JSON) stops it, and the list is read again as a
/// document by object_list, which names every problem.
class ContainerListReader {
 public:
  using Sax = nlohmann::json;
  bool null() { return other(); }
  bool boolean(bool /*unused*/) { return other(); }
  bool number_integer(Sax::number_integer_t /*unused*/) { return other(); }
  bool number_unsigned(Sax::number_unsigned_t /*unused*/) { return other(); }
  bool number_float(Sax::number_float_t /*unused*/, const Sax::string_t& /*unused*/) { return other(); }
  bool binary(Sax::binary_t& /*unused*/) { return other(); }

  bool string(Sax::string_t& s) {
    if (m_in_names) {
      if (m_depth != 3) return false;
      if (!m_named) m_item.name = strip_slash(std::move(s));
      m_named = true;
      return true;
    }
    if (m_depth != 2) return m_depth > 2;  // a string as the document or as an element: not a list of objects
    switch (m_field) {
      case Field::id: m_item.id = std::move(s); return true;
      case Field::state: m_item.state = std::move(s); return true;
      case Field::names: return false;
      case Field::other: return true;
    }
    return false;
  }

  bool start_object(std::size_t /*unused*/) {
    if (m_depth == 1) {
      m_item = ContainerSummary{};
      m_seen = 0;
      m_named = false;
    } else if (m_depth != 2 ? m_depth < 1 || m_in_names : m_field != Field::other) {
      return false;
    }
    ++m_depth;
    return true;
  }

  bool key(Sax::string_t& k) {
    if (m_depth != 2) return true;
    m_field = k == "Id" ? Field::id : k == "Names" ? Field::names : k == "State" ? Field::state : Field::other;
    if (m_field == Field::other) return true;
    const unsigned bit = 1U << static_cast<unsigned>(m_field);
    if ((m_seen & bit) != 0) return false;  // a key twice: the document reader keeps the last
    m_seen |= bit;
    return true;
  }

  bool end_object() {
    if (--m_depth == 1) m_out.push_back(std::move(m_item));
    return true;
  }

  bool start_array(std::size_t /*unused*/) {
    if (m_depth == 0 || (m_depth > 2 && !m_in_names)) {
      ++m_depth;
      return true;
    }
    if (m_depth != 2 || m_in_names) return false;  // an array as an element, or inside Names
    if (m_field == Field::names) m_in_names = true;
    else if (m_field != Field::other) return false;
    ++m_depth;
    return true;
  }

  bool end_array() {
    m_in_names = false;
    --m_depth;
    return true;
  }

  bool parse_error(std::size_t /*unused*/, const std::string& /*unused*/, const nlohmann::detail::exception& /*unused*/) {
    return false;
  }

  std::vector<ContainerSummary> take() { return std::move(m_out); }

 private:
  enum class Field : unsigned { id, names, state, other };

  /// A scalar other than a string: fine inside the fields nobody reads, a surprise elsewhere.
  bool other() const { return !m_in_names && (m_depth > 2 || (m_depth == 2 && m_field == Field::other)); }

  int m_depth = 0;  ///< 1 inside the list, 2 inside an element, more inside its other fields
  Field m_field = Field::other;
  unsigned m_seen = 0;
  bool m_in_names = false;
  bool m_named = false;
  ContainerSummary m_item;
  std::vector<ContainerSummary> m_out;
};

/// The list as ContainerListReader reads it, or nullopt when it met anything it does not expect.
std::optional<std::vector<ContainerSummary>> read_container_list(std::string_view text) {
  if (too_deep(text)) return std::nullopt;
  try {
    {
      // The quick reader first (the list gates every inspect); what it does not read itself, or
      // the reader refuses, is read again from the start by nlohmann's parser, as before.
      ContainerListReader quick;
      if (quick_json::read(text, quick)) return quick.take();
    }
    ContainerListReader reader;
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &reader)) return std::nullopt;
    return reader.take();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

core::Expected<std::vector<ContainerSummary>> container_list(std::string_view text) {
  if (auto fast = read_container_list(text)) return std::move(*fast);
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
        r.read(&e, base, "RepoDigests", image.repo_digests);
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
    if (const auto podman = podman_engine(version_text, info_text)) {
      e.podman = true;
      e.podman_version = podman->version;
      e.default_capabilities = podman_default_capabilities();
      e.default_capabilities_source = "Podman's built-in default_capabilities";
      // Placeholders of Podman's compatible /info, not facts: nothing may be concluded from them.
      e.id.clear();  // a new random ID on every call
      e.live_restore_enabled.reset();
      e.experimental_build.reset();
      e.logging_driver.clear();
    }
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
