#include "drydock/collect/host/daemon_config.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"
#include "drydock/parse/daemon_config.hpp"
#include "drydock/parse/proc_net.hpp"

namespace drydock::collect {
namespace {

/// Where systemd looks for system units, highest priority first.
constexpr std::array<std::string_view, 5> k_unit_dirs = {"/etc/systemd/system", "/run/systemd/system",
                                                         "/usr/local/lib/systemd/system", "/lib/systemd/system",
                                                         "/usr/lib/systemd/system"};
constexpr std::string_view k_default_daemon_json = "/etc/docker/daemon.json";
constexpr std::string_view k_unit_source = "docker.service ExecStart";
/// Unit files and environment files are small; larger ones are not read.
constexpr std::size_t k_text_limit = std::size_t{1} << 20U;

/// The init-script environment files and the variable each one holds the flags in.
struct InitEnvFile {
  std::string_view path;
  std::string_view variable;
};
constexpr std::array<InitEnvFile, 2> k_init_env_files = {
    {{"/etc/default/docker", "DOCKER_OPTS"}, {"/etc/sysconfig/docker", "OPTIONS"}}};

std::string_view basename(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void add_all(model::DaemonConfig& cfg, const parse::DaemonSettings& settings) {
  for (const auto& [key, value] : settings)
    cfg.settings[key].push_back(value);
}

/// The line of the last `KEY=` (or `export KEY=`) assignment in an environment file; 0 if none.
int assignment_line(std::string_view text, std::string_view key) {
  int found = 0;
  const auto lines = core::split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = core::trim(lines[i]);
    if (l.starts_with("export ") || l.starts_with("export\t")) l = core::trim(l.substr(7));
    if (l.starts_with(key) && l.substr(key.size()).starts_with('=')) found = static_cast<int>(i) + 1;
  }
  return found;
}

/// A file that may be missing: its text, or nullopt (missing: silently; unreadable: with a diagnostic).
std::optional<std::string> read_optional(const HostRoot& root, std::string_view path, std::size_t limit,
                                         model::DaemonConfig& cfg) {
  auto text = root.read(path, limit);
  if (text) return std::move(*text);
  if (text.error().kind != core::ErrorKind::not_found) cfg.diagnostics.push_back("cannot read " + text.error().describe());
  return std::nullopt;
}

/// "--icc=true", "-H tcp://x" as they were given: the settings of one key, for diagnostics.
std::string listed(const std::vector<model::SettingValue>& values) {
  std::vector<std::string> parts;
  for (const auto& v : values) {
    std::string where = v.location.file.empty() ? v.source : fmt::format("{}:{}", v.location.file, v.location.line);
    parts.push_back(fmt::format("{} ({})", v.value, where));
  }
  return core::join(parts, ", ");
}

struct Unit {
  bool found = false;
  std::string path;
  std::optional<parse::ExecCommand> command;  ///< the ExecStart in effect, unexpanded
  std::vector<std::string> argv;              ///< expanded
  parse::DaemonSettings settings;
  std::set<std::string> environment_files;  ///< host paths the unit reads (without "-")
};

/// docker.service with its drop-ins, ExecStart expanded and parsed.
Unit read_unit(const HostRoot& root, model::DaemonConfig& cfg) {
  Unit unit;
  std::string text;
  for (const auto dir : k_unit_dirs) {
    const std::string path = std::string(dir) + "/docker.service";
    auto r = root.read(path, k_text_limit);
    if (r) {
      unit.found = true;
      unit.path = path;
      text = std::move(*r);
      break;
    }
    if (r.error().kind != core::ErrorKind::not_found) {
      cfg.diagnostics.push_back("cannot read " + r.error().describe());
      return unit;  // systemd would use this one: a lower-priority copy says nothing about the daemon
    }
  }
  if (!unit.found) return unit;
  cfg.sources.push_back(unit.path);

  std::vector<parse::UnitService> parts;
  parts.push_back(parse::systemd_exec_start(text, unit.path));

  // Drop-ins: a name in a higher-priority directory masks the same name below; applied in name order.
  std::map<std::string, std::string> dropins;
  for (const auto dir : k_unit_dirs) {
    const std::string d = std::string(dir) + "/docker.service.d";
    auto names = root.list(d);
    if (!names) {
      if (names.error().kind != core::ErrorKind::not_found) cfg.diagnostics.push_back("cannot list " + names.error().describe());
      continue;
    }
    for (const auto& n : *names) {
      if (n.ends_with(".conf")) dropins.emplace(n, fmt::format("{}/{}", d, n));
    }
  }
  for (const auto& [name, path] : dropins) {
    if (auto t = read_optional(root, path, k_text_limit, cfg)) {
      cfg.sources.push_back(path);
      parts.push_back(parse::systemd_exec_start(*t, path));
    }
  }

  std::vector<parse::ExecCommand> exec;
  std::vector<std::string> env_files;
  std::vector<std::pair<std::string, std::string>> environment;
  for (auto& p : parts) {
    if (p.exec_start_reset) exec.clear();
    exec.insert(exec.end(), p.exec_start.begin(), p.exec_start.end());
    if (p.environment_files_reset) env_files.clear();
    env_files.insert(env_files.end(), p.environment_files.begin(), p.environment_files.end());
    if (p.environment_reset) environment.clear();
    environment.insert(environment.end(), p.environment.begin(), p.environment.end());
  }

  // Environment= first; EnvironmentFile= values override them, as in systemd.
  std::map<std::string, std::string> vars;
  for (const auto& [k, v] : environment)
    vars[k] = v;
  std::map<std::string, model::Location> origin;
  for (const auto& spec : env_files) {
    const bool optional = spec.starts_with('-');
    const std::string path = optional ? spec.substr(1) : spec;
    unit.environment_files.insert(path);
    auto t = root.read(path, k_text_limit);
    if (!t) {
      if (t.error().kind != core::ErrorKind::not_found) {
        cfg.diagnostics.push_back("cannot read " + t.error().describe());
      } else if (!optional) {
        cfg.diagnostics.push_back(
            fmt::format("{} names EnvironmentFile={}, which does not exist: systemd will not start the daemon", unit.path, path));
      }
      continue;
    }
    cfg.sources.push_back(path);
    for (const auto& [k, v] : parse::env_file(*t)) {
      vars[k] = v;
      origin[k] = model::Location{path, assignment_line(*t, k), 0};
    }
  }

  if (exec.empty()) {
    cfg.diagnostics.push_back(unit.path + " (with its drop-ins) has no ExecStart");
    return unit;
  }
  const auto is_dockerd = [](const parse::ExecCommand& c) { return basename(c.argv.front()) == "dockerd"; };
  const auto chosen = std::find_if(exec.begin(), exec.end(), is_dockerd);
  unit.command = chosen != exec.end() ? *chosen : exec.back();
  if (exec.size() > 1) {
    cfg.diagnostics.push_back(
        fmt::format("docker.service has {} ExecStart= lines (a drop-in without an empty "
                    "ExecStart= to reset them?); using the one at {}:{}",
                    exec.size(), unit.command->location.file, unit.command->location.line));
  }
  unit.argv = parse::expand_unit_variables(unit.command->argv, vars);
  unit.settings = parse::dockerd_args(unit.argv, k_unit_source, unit.command->location);

  // Flags that came from a variable set in an environment file name that file and line.
  for (const auto& word : unit.command->argv) {
    if (word.size() < 2 || word[0] != '$') continue;
    const auto o = origin.find(word.substr(word[1] == '{' ? 2 : 1, word[1] == '{' ? word.size() - 3 : std::string::npos));
    if (o == origin.end()) continue;
    std::vector<std::string> sub = {"dockerd"};
    for (auto& w : parse::expand_unit_variables({word}, vars))
      sub.push_back(std::move(w));
    for (const auto& [key, value] : parse::dockerd_args(sub, "", {})) {
      for (auto& [k, v] : unit.settings) {
        if (k == key && v.value == value.value && v.source == k_unit_source) {
          v.source = o->second.file;
          v.location = o->second;
          break;
        }
      }
    }
  }
  return unit;
}

}  // namespace

model::DaemonConfig collect_daemon_config(const HostRoot& root, const DaemonConfigOptions& options) {
  model::DaemonConfig cfg;
  parse::DaemonSettings command_line;

  const Unit unit = read_unit(root, cfg);
  if (options.live_argv) {
    const std::string label = fmt::format("dockerd (pid {}) command line", options.live_pid);
    cfg.sources.insert(cfg.sources.begin(), label);
    command_line = parse::dockerd_args(*options.live_argv, label, model::Location{});
    if (unit.command && unit.argv.size() >= 1 && options.live_argv->size() >= 1 &&
        !std::equal(unit.argv.begin() + 1, unit.argv.end(), options.live_argv->begin() + 1, options.live_argv->end())) {
      cfg.diagnostics.push_back(
          fmt::format("the running dockerd (pid {}) was started with `{}` but the ExecStart at {}:{} says `{}`: the unit changed "
                      "since the daemon started, or the daemon was not started by it; the running command line is used",
                      options.live_pid, core::join(*options.live_argv, " "), unit.command->location.file,
                      unit.command->location.line, core::join(unit.argv, " ")));
    }
  } else if (unit.command) {
    command_line = unit.settings;
  }

  // The init scripts' environment files: through the unit, or on their own without one.
  if (!options.live_argv) {
    for (const auto& f : k_init_env_files) {
      const std::string path(f.path);
      if (unit.found && unit.environment_files.contains(path)) continue;  // already expanded into ExecStart
      auto text = read_optional(root, path, k_text_limit, cfg);
      if (!text) continue;
      const auto env = parse::env_file(*text);
      const auto it = env.find(std::string(f.variable));
      if (it == env.end() || core::trim(it->second).empty()) continue;
      if (unit.found) {
        cfg.diagnostics.push_back(
            fmt::format("{} sets {} but {} does not read it (no EnvironmentFile=): ignored", path, f.variable, unit.path));
        continue;
      }
      cfg.sources.push_back(path);
      cfg.diagnostics.push_back(
          fmt::format("no docker.service unit found; {} from {} taken as the daemon's flags (the init script passes them)",
                      f.variable, path));
      std::vector<std::string> argv = {"dockerd"};
      for (auto& w : parse::shell_words(it->second))
        argv.push_back(std::move(w));
      const auto s = parse::dockerd_args(argv, path, model::Location{path, assignment_line(*text, f.variable), 0});
      command_line.insert(command_line.end(), s.begin(), s.end());
    }
  }
  add_all(cfg, command_line);

  // daemon.json: the --config-file in use, else the default path.
  std::string json_path = options.default_config_file.empty() ? std::string(k_default_daemon_json) : options.default_config_file;
  bool explicit_path = false;
  for (const auto& [k, v] : command_line) {
    if (k == "config-file") {
      json_path = v.value;
      explicit_path = true;
    }
  }
  auto json_text = root.read(json_path, parse::k_daemon_json_limit);
  parse::DaemonSettings from_json;
  if (!json_text) {
    if (json_text.error().kind != core::ErrorKind::not_found) {
      cfg.diagnostics.push_back("cannot read " + json_text.error().describe());
    } else if (explicit_path) {
      cfg.diagnostics.push_back("--config-file names " + json_path + ", which does not exist");
    }
  } else {
    cfg.sources.push_back(json_path);
    auto parsed = parse::daemon_json(*json_text, json_path);
    if (parsed) {
      from_json = std::move(*parsed);
      add_all(cfg, from_json);
    } else {
      cfg.diagnostics.push_back(parsed.error().describe() + " (dockerd does not start with an invalid daemon.json)");
    }
  }

  // A setting given both as a flag and in daemon.json: dockerd refuses to start that way.
  std::map<std::string, std::vector<model::SettingValue>> json_by_key, flags_by_key;
  for (const auto& [k, v] : from_json)
    json_by_key[k].push_back(v);
  for (const auto& [k, v] : command_line) {
    if (k != "config-file") flags_by_key[k].push_back(v);
  }
  for (const auto& [key, flag_values] : flags_by_key) {
    const auto j = json_by_key.find(key);
    if (j == json_by_key.end()) continue;
    if (options.live_argv) {
      cfg.diagnostics.push_back(
          fmt::format("{} is set in {} as {} and on the running dockerd's command line as {}: dockerd refuses to start with a "
                      "setting in both places, so {} changed since the daemon started; the command line is what runs",
                      key, json_path, listed(j->second), listed(flag_values), json_path));
    } else {
      cfg.diagnostics.push_back(
          fmt::format("{} is set both as a flag ({}) and in {} ({}): dockerd refuses to start with a setting in both places", key,
                      listed(flag_values), json_path, listed(j->second)));
    }
  }

  if (cfg.sources.empty()) {
    cfg.diagnostics.emplace_back(
        "no daemon configuration found (no running dockerd, no docker.service, no daemon.json): the defaults are assumed");
  }
  return cfg;
}

// ---------------------------------------------------------------------------------------

namespace {

/// A unix socket address as a path, with /var/run and /run taken as the same directory.
std::string socket_key(std::string_view address) {
  if (address.starts_with("unix://")) address.remove_prefix(7);
  std::string p = core::normalize_path(address);
  if (p.starts_with("/var/run/")) p.erase(0, 4);
  return p;
}

std::optional<std::vector<std::string>> read_cmdline(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  // Read as it comes: a command line is short, and /proc reports no size to allocate by.
  std::string data;
  std::array<char, 4096> chunk{};
  while (data.size() < k_text_limit && in.read(chunk.data(), chunk.size()).gcount() > 0) {
    data.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (start < data.size()) {
    const auto nul = data.find('\0', start);
    const auto end = nul == std::string::npos ? data.size() : nul;
    argv.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

/// The candidate with an open file descriptor on the listening unix socket at `wanted`.
/// Each candidate's own /proc/<pid>/net/unix is read: unix sockets are listed per network
/// namespace, and a dockerd may run in a namespace of its own.
std::optional<std::pair<int, std::vector<std::string>>> socket_owner(const std::string& proc_root, const std::string& wanted,
                                                                     const std::map<int, std::vector<std::string>>& candidates) {
  for (const auto& [pid, argv] : candidates) {
    const std::string dir = proc_root + "/" + std::to_string(pid);
    std::ifstream in(dir + "/net/unix", std::ios::binary);
    if (!in) continue;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto inodes = parse::listening_unix_inodes(text, [&](std::string_view path) { return socket_key(path) == wanted; });
    std::set<std::string> links;
    for (auto inode : inodes)
      links.insert("socket:[" + std::to_string(inode) + "]");
    std::error_code ec;
    std::filesystem::directory_iterator fds(dir + "/fd", ec);
    for (; !links.empty() && !ec && fds != std::filesystem::directory_iterator(); fds.increment(ec)) {
      std::error_code link_ec;
      const auto target = std::filesystem::read_symlink(fds->path(), link_ec);
      if (!link_ec && links.contains(target.string())) return std::pair{pid, argv};
    }
  }
  return std::nullopt;
}

/// The processes of `proc_root` whose argv[0] has the basename `program`, by pid.
std::map<int, std::vector<std::string>> processes_named(const std::string& proc_root, std::string_view program) {
  std::map<int, std::vector<std::string>> found;
  std::error_code ec;
  std::filesystem::directory_iterator it(proc_root, ec);
  if (ec) return found;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 9 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    auto argv = read_cmdline(it->path() / "cmdline");
    if (!argv || argv->empty() || basename((*argv)[0]) != program) continue;
    found.emplace(std::stoi(name), std::move(*argv));
  }
  return found;
}

}  // namespace

std::optional<std::pair<int, std::vector<std::string>>> find_socket_server(const std::string& proc_root,
                                                                           std::string_view socket_path, std::string_view name) {
  const auto candidates = processes_named(proc_root, name);
  if (candidates.empty()) return std::nullopt;
  return socket_owner(proc_root, socket_key(socket_path), candidates);
}

std::optional<std::string> environ_value(std::string_view env_text, std::string_view name) {
  std::size_t pos = 0;
  while (pos < env_text.size()) {
    const auto end = std::min(env_text.find('\0', pos), env_text.size());
    const auto entry = env_text.substr(pos, end - pos);
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') {
      return std::string(entry.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<std::pair<int, std::vector<std::string>>> find_dockerd(const std::string& proc_root, std::string_view socket_path) {
  const auto candidates = processes_named(proc_root, "dockerd");
  if (candidates.empty()) return std::nullopt;

  const std::string wanted = socket_key(socket_path);
  // Exact: the dockerd that holds the listening socket bound at that path (its hosts may come
  // from daemon.json or systemd socket activation, where the command line does not say).
  if (auto owner = socket_owner(proc_root, wanted, candidates)) return owner;
  const std::string default_socket = socket_key("/var/run/docker.sock");
  std::optional<std::pair<int, std::vector<std::string>>> by_default;
  for (const auto& [pid, argv] : candidates) {
    bool any_host = false;
    bool default_host = false;
    for (const auto& [key, value] : parse::dockerd_args(argv, "", {})) {
      if (key != "hosts") continue;
      any_host = true;
      if (value.value.starts_with("unix://") && socket_key(value.value) == wanted) return std::pair{pid, argv};
      if (value.value.starts_with("fd://")) default_host = true;
    }
    if ((!any_host || default_host) && wanted == default_socket && !by_default) by_default = std::pair{pid, argv};
  }
  if (by_default) return by_default;
  return std::pair{candidates.begin()->first, candidates.begin()->second};
}

}  // namespace drydock::collect
