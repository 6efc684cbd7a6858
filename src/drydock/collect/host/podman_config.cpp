#include "drydock/collect/host/podman_config.hpp"

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

model::PodmanConfig collect_podman_config(const HostRoot& root, const std::string& home) {
  model::PodmanConfig config;
  const std::string user = home.empty() ? std::string() : home + "/.config/containers";

  // containers.conf: every file in order, a key set again replacing the earlier one.
  std::vector<std::string> containers = {"/usr/share/containers/containers.conf"};
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
  for (const auto& path : containers) {
    read_into(root, path, config, [&](const std::string& text) {
      parse::toml_settings(text, path, config.containers_conf, config.diagnostics);
    });
  }

  // registries.conf: the user's file replaces the system's; drop-ins add to either.
  std::vector<std::string> registries;
  if (!user.empty() && root.exists(user + "/registries.conf")) {
    registries.push_back(user + "/registries.conf");
  } else {
    registries.emplace_back("/etc/containers/registries.conf");
  }
  for (auto& d : drop_ins(root, "/etc/containers/registries.conf.d"))
    registries.push_back(std::move(d));
  if (!user.empty()) {
    for (auto& d : drop_ins(root, user + "/registries.conf.d"))
      registries.push_back(std::move(d));
  }
  for (const auto& path : registries) {
    read_into(root, path, config, [&](const std::string& text) { parse::registries_conf(text, path, config); });
  }

  // policy.json and storage.conf: the first that exists.
  for (const std::string& path : {user.empty() ? std::string() : user + "/policy.json", std::string("/etc/containers/policy.json")}) {
    if (path.empty()) continue;
    if (read_into(root, path, config, [&](const std::string& text) { parse::signature_policy(text, path, config); })) break;
  }
  for (const std::string& path : {user.empty() ? std::string() : user + "/storage.conf", std::string("/etc/containers/storage.conf"),
                                 std::string("/usr/share/containers/storage.conf")}) {
    if (path.empty()) continue;
    if (read_into(root, path, config, [&](const std::string& text) {
          parse::toml_settings(text, path, config.storage_conf, config.diagnostics);
        })) {
      break;
    }
  }
  return config;
}

std::vector<model::FileFact> podman_files(const HostRoot& root, const std::string& home, const std::string& socket_path) {
  std::vector<model::FileFact> out;
  auto add = [&](const std::string& path, const std::string& role) {
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
  // A rootless Podman's own files (~/.config/containers) belong to its user: not judged here.
  (void)home;
  if (!socket_path.empty()) add(socket_path, "podman.sock");
  return out;
}

}  // namespace drydock::collect
