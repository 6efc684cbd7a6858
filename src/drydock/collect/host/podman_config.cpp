#include "drydock/collect/host/podman_config.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "drydock/collect/host/daemon_config.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/etc_files.hpp"
#include "drydock/parse/podman.hpp"

namespace drydock::collect {
namespace {

/// A file of the configuration: read and handed to `parse`; a missing file is no problem, an
/// unreadable one is a diagnostic.
template <typename Parse>
bool read_into(const HostRoot& root, const std::string& path, model::PodmanConfig& into, Parse parse) {
  auto text = root.read(path, 4U << 20U);
  if (!text) {
    if (text.error().kind != core::ErrorKind::not_found) into.diagnostics.push_back(text.error().describe());
    return false;
  }
  into.sources.push_back(path);
  parse(*text);
  return true;
}

/// The `.conf` files of a drop-in directory, sorted.
std::vector<std::string> drop_ins(const HostRoot& root, const std::string& dir) {
  std::vector<std::string> out;
  auto names = root.list(dir);
  if (!names) return out;
  for (const auto& n : *names) {
    if (n.ends_with(".conf")) out.push_back(dir + "/" + n);
  }
  return out;
}

}  // namespace

PodmanEnvironment podman_environment(const HostRoot& root, const std::string& proc_root, const std::string& socket_path,
                                     bool rootless) {
  PodmanEnvironment env;
  const auto socket = socket_path.empty() ? model::FileFact{} : root.stat(socket_path, "podman.sock");
  if (rootless && socket.exists) env.user = socket.owner;
  std::string home;
  if (const auto server = socket_path.empty() ? std::nullopt : find_socket_server(proc_root, socket_path, "podman")) {
    const std::string dir = proc_root + "/" + std::to_string(server->first);
    const auto text = HostRoot().read(dir + "/environ");
    if (text) {
      std::error_code ec;
      const auto cwd = std::filesystem::read_symlink(dir + "/cwd", ec);
      auto follow = [&](const char* name, std::string& into) {
        const auto value = environ_value(*text, name);
        if (!value || value->empty()) return;
        std::string path = *value;
        if (!path.starts_with('/')) {
          if (ec || !cwd.is_absolute()) {
            env.diagnostics.push_back(fmt::format("{}={} of podman (pid {}) is relative and its working directory cannot be read: "
                                                  "not followed",
                                                  name, *value, server->first));
            return;
          }
          path = core::normalize_path((cwd / path).string());
        }
        into = path;
        env.followed.push_back(fmt::format("{}={} (podman, pid {})", name, path, server->first));
      };
      follow("CONTAINERS_CONF", env.containers_conf);
      follow("CONTAINERS_REGISTRIES_CONF", env.registries_conf);
      follow("CONTAINERS_STORAGE_CONF", env.storage_conf);
      if (rootless) {
        if (const auto h = environ_value(*text, "HOME"); h && h->starts_with('/')) home = *h;
      }
    } else {
      env.diagnostics.push_back(fmt::format("the environment of podman (pid {}) cannot be read: {}", server->first,
                                            text.error().describe()));
    }
  }
  if (rootless && home.empty() && socket.exists) {
    if (const auto passwd = root.read("/etc/passwd")) {
      for (const auto& u : parse::passwd_entries(*passwd)) {
        if (u.uid == socket.uid) home = u.home;
      }
    }
  }
  if (rootless) env.home = home;
  return env;
}

model::PodmanConfig collect_podman_config(const HostRoot& root, const PodmanEnvironment& env) {
  model::PodmanConfig config;
  config.environment = env.followed;
  config.diagnostics = env.diagnostics;
  const std::string user = env.home.empty() ? std::string() : env.home + "/.config/containers";
  // A file the environment names must exist: Podman does not start without it.
  auto named = [&](const char* variable, const std::string& path) {
    if (!root.exists(path)) config.diagnostics.push_back(fmt::format("{}={}: no such file (Podman refuses to start)", variable, path));
  };

  // containers.conf: every file in order, a key set again replacing the earlier one;
  // CONTAINERS_CONF alone when set.
  std::vector<std::string> containers;
  if (!env.containers_conf.empty()) {
    named("CONTAINERS_CONF", env.containers_conf);
    containers.push_back(env.containers_conf);
  } else {
    containers.emplace_back("/usr/share/containers/containers.conf");
    for (auto& d : drop_ins(root, "/usr/share/containers/containers.conf.d"))
      containers.push_back(std::move(d));
    containers.emplace_back("/etc/containers/containers.conf");
    for (auto& d : drop_ins(root, "/etc/containers/containers.conf.d"))
      containers.push_back(std::move(d));
    if (!user.empty()) {
      containers.push_back(user + "/containers.conf");
      for (auto& d : drop_ins(root, user + "/containers.conf.d"))
        containers.push_back(std::move(d));
    }
  }
  for (const auto& path : containers) {
    read_into(root, path, config, [&](const std::string& text) {
      parse::toml_settings(text, path, config.containers_conf, config.diagnostics);
    });
  }

  // registries.conf: CONTAINERS_REGISTRIES_CONF, else the user's file, else the system's. The
  // user's file comes with the user's drop-ins only; the others with the system's and then the
  // user's.
  std::vector<std::string> registries;
  bool system_drop_ins = true;
  if (!env.registries_conf.empty()) {
    named("CONTAINERS_REGISTRIES_CONF", env.registries_conf);
    registries.push_back(env.registries_conf);
  } else if (!user.empty() && root.exists(user + "/registries.conf")) {
    registries.push_back(user + "/registries.conf");
    system_drop_ins = false;
  } else {
    registries.emplace_back("/etc/containers/registries.conf");
  }
  if (system_drop_ins) {
    for (auto& d : drop_ins(root, "/etc/containers/registries.conf.d"))
      registries.push_back(std::move(d));
  }
  if (!user.empty()) {
    for (auto& d : drop_ins(root, user + "/registries.conf.d"))
      registries.push_back(std::move(d));
  }
  for (const auto& path : registries) {
    read_into(root, path, config, [&](const std::string& text) { parse::registries_conf(text, path, config); });
  }

  // policy.json: the first that exists. storage.conf: CONTAINERS_STORAGE_CONF, else the first
  // that exists.
  for (const std::string& path : {user.empty() ? std::string() : user + "/policy.json", std::string("/etc/containers/policy.json")}) {
    if (path.empty()) continue;
    if (read_into(root, path, config, [&](const std::string& text) { parse::signature_policy(text, path, config); })) break;
  }
  std::vector<std::string> storage;
  if (!env.storage_conf.empty()) {
    named("CONTAINERS_STORAGE_CONF", env.storage_conf);
    storage.push_back(env.storage_conf);
  } else {
    if (!user.empty()) storage.push_back(user + "/storage.conf");
    storage.emplace_back("/etc/containers/storage.conf");
    storage.emplace_back("/usr/share/containers/storage.conf");
  }
  for (const auto& path : storage) {
    if (read_into(root, path, config, [&](const std::string& text) {
          parse::toml_settings(text, path, config.storage_conf, config.diagnostics);
        })) {
      break;
    }
  }
  return config;
}

std::vector<model::FileFact> podman_files(const HostRoot& root, const PodmanEnvironment& env, const std::string& socket_path) {
  std::vector<model::FileFact> out;
  auto add = [&](const std::string& path, const std::string& role) {
    if (std::any_of(out.begin(), out.end(), [&](const model::FileFact& f) { return f.path == path; })) return;
    auto f = root.stat(path, role);
    if (f.exists || !f.error.empty()) out.push_back(std::move(f));
  };
  add("/etc/containers", "podman-config");
  for (const char* dir : {"/usr/share/containers", "/etc/containers"}) {
    const std::string d = dir;
    add(d + "/containers.conf", "podman-config");
    for (const auto& p : drop_ins(root, d + "/containers.conf.d"))
      add(p, "podman-config");
    add(d + "/storage.conf", "podman-config");
    add(d + "/seccomp.json", "podman-config");
  }
  add("/etc/containers/registries.conf", "podman-config");
  for (const auto& p : drop_ins(root, "/etc/containers/registries.conf.d"))
    add(p, "podman-config");
  add("/etc/containers/policy.json", "podman-config");
  // A rootless Podman's own files belong to its user; the files its environment names are the
  // user's for a rootless Podman, else the system's.
  const bool rootless = !env.home.empty() || !env.user.empty();
  const std::string named_role = rootless ? "podman-user-config" : "podman-config";
  for (const auto* named : {&env.containers_conf, &env.registries_conf, &env.storage_conf}) {
    if (!named->empty()) add(*named, named_role);
  }
  if (!env.home.empty()) {
    const std::string user = env.home + "/.config/containers";
    add(user, "podman-user-config");
    for (const char* name : {"containers.conf", "registries.conf", "storage.conf", "policy.json"})
      add(user + "/" + name, "podman-user-config");
    for (const char* dir : {"containers.conf.d", "registries.conf.d"}) {
      for (const auto& p : drop_ins(root, user + "/" + dir))
        add(p, "podman-user-config");
    }
  }
  if (!socket_path.empty()) add(socket_path, "podman.sock");
  return out;
}

}  // namespace drydock::collect
