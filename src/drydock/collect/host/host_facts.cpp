#include "drydock/collect/host/host_facts.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"
#include "drydock/parse/audit_rules.hpp"
#include "drydock/parse/etc_files.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace drydock::collect {
namespace {

constexpr std::array<const char*, 4> k_unit_dirs = {"/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system",
                                                    "/usr/lib/systemd/system"};
constexpr std::array<const char*, 9> k_binaries = {"dockerd",
                                                   "containerd",
                                                   "containerd-shim",
                                                   "containerd-shim-runc-v1",
                                                   "containerd-shim-runc-v2",
                                                   "runc",
                                                   // Podman's: the engine, its container monitor, its default OCI runtime
                                                   "podman",
                                                   "conmon",
                                                   "crun"};

/// The first value of a daemon setting, or "".
std::string setting(const model::DaemonConfig* daemon, const std::string& key) {
  if (daemon == nullptr || daemon->values(key).empty()) return "";
  return daemon->values(key).front().value;
}

void add_units(const HostRoot& root, std::vector<model::FileFact>& files) {
  // On a merged-/usr host /lib is a link to usr/lib: the /usr/lib copy is the same file.
  const bool merged_usr = root.stat("/lib", "").type == "symlink";
  for (const char* unit : {"docker.service", "docker.socket"}) {
    bool found = false;
    for (const char* dir : k_unit_dirs) {
      if (merged_usr && std::string_view(dir) == "/usr/lib/systemd/system" && found) continue;
      auto f = root.stat(std::string(dir) + "/" + unit, unit);
      if (f.exists || !f.error.empty()) {
        found = true;
        files.push_back(std::move(f));
      }
    }
    if (!found) files.push_back(root.stat(std::string("/lib/systemd/system/") + unit, unit));
  }
}

bool is_certificate_name(std::string_view name) {
  for (std::string_view ext : {".crt", ".cert", ".key", ".pem"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) return true;
  }
  return false;
}

void add_registry_certificates(const HostRoot& root, std::vector<model::FileFact>& files) {
  const std::string base = "/etc/docker/certs.d";
  const auto registries = root.list(base);
  if (!registries) return;
  for (const auto& reg : *registries) {
    const std::string dir = fmt::format("{}/{}", base, reg);
    const auto names = root.list(dir);
    if (!names) continue;
    for (const auto& name : *names) {
      if (is_certificate_name(name)) files.push_back(root.stat(fmt::format("{}/{}", dir, name), "registry-certificate"));
    }
  }
}

void add_tls_files(const HostRoot& root, const model::DaemonConfig* daemon, std::vector<model::FileFact>& files) {
  if (daemon == nullptr) return;
  for (const auto& [key, role] :
       {std::pair{"tlscacert", "tls-ca"}, std::pair{"tlscert", "tls-cert"}, std::pair{"tlskey", "tls-key"}}) {
    std::set<std::string> seen;
    for (const auto& v : daemon->values(key)) {
      if (v.value.empty() || !seen.insert(core::normalize_path(v.value)).second) continue;
      files.push_back(root.stat(v.value, role));
    }
  }
}

void add_docker_sockets(const HostRoot& root, const model::DaemonConfig* daemon, std::vector<model::FileFact>& files) {
  std::vector<std::string> paths = {"/var/run/docker.sock"};
  if (daemon != nullptr) {
    for (const auto& v : daemon->values("hosts")) {
      const std::string_view h = core::trim(v.value);
      if (!h.starts_with("unix://")) continue;
      std::string p(h.substr(7));
      if (p.empty()) p = "/var/run/docker.sock";
      p = core::normalize_path(p);
      if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
    }
  }
  for (const auto& p : paths)
    files.push_back(root.stat(p, "docker.sock"));
}

/// Runs `program -l` without a shell; its stdout when it exits 0, else why not.
struct Output {
  bool ok = false;
  std::string text;  ///< stdout, or the reason it failed
};

Output run_auditctl(const std::string& program) {
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) return {false, "pipe failed"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string arg0 = program;
  std::string arg1 = "-l";
  std::array<char*, 3> argv = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return {false, std::error_code(rc, std::generic_category()).message()};
  }
  std::string out;
  std::array<char, 8192> buf{};
  while (true) {
    const ssize_t n = ::read(pipe_fds[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() < (16U << 20U)) out.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return {false, "killed by a signal"};
  if (WEXITSTATUS(status) == 127) return {false, "not installed"};
  if (WEXITSTATUS(status) != 0) return {false, "exit status " + std::to_string(WEXITSTATUS(status))};
  return {true, std::move(out)};
}

void collect_audit_rules(const HostRoot& root, const HostFactsOptions& opts, model::HostFacts& facts) {
  std::vector<std::string> files = {"/etc/audit/audit.rules"};
  if (const auto names = root.list("/etc/audit/rules.d")) {
    for (const auto& n : *names) {
      if (n.size() > 6 && n.ends_with(".rules")) files.push_back("/etc/audit/rules.d/" + n);
    }
  }
  for (const auto& f : files) {
    const auto text = root.read(f);
    if (!text) continue;
    parse::append_audit_rules(*text, f, facts.audit_rules);
    facts.audit_sources.push_back(f);
    facts.audit_rules_readable = true;
  }
  if (!root.live() || !opts.live_audit_rules) return;
  std::string why = "no auditctl";
  for (const auto& program : opts.auditctl) {
    const auto out = run_auditctl(program);
    if (out.ok) {
      parse::append_audit_rules(out.text, "auditctl -l", facts.audit_rules);
      facts.audit_sources.emplace_back("auditctl -l");
      facts.audit_rules_readable = true;
      return;
    }
    why = program + ": " + out.text;
    if (out.text != "No such file or directory" && out.text != "not installed") break;  // found but failed: say why
  }
  facts.audit_sources.push_back("auditctl -l: not available (" + why + ")");
}

void collect_docker_group(const HostRoot& root, model::HostFacts& facts) {
  const auto group = root.read("/etc/group");
  if (!group) return;
  for (const auto& g : parse::group_entries(*group)) {
    if (g.name != "docker") continue;
    std::vector<std::string> members = g.members;
    if (const auto passwd = root.read("/etc/passwd")) {
      for (const auto& u : parse::passwd_entries(*passwd)) {
        if (u.gid == g.gid && std::find(members.begin(), members.end(), u.name) == members.end()) members.push_back(u.name);
      }
    }
    facts.docker_group_members = std::move(members);
    return;
  }
}

void collect_data_root(const HostRoot& root, const model::DaemonConfig* daemon, model::HostFacts& facts) {
  std::string data_root = setting(daemon, "data-root");
  if (data_root.empty()) data_root = setting(daemon, "graph");
  if (!data_root.empty()) facts.data_root = core::normalize_path(data_root);
  facts.files.push_back(root.stat(facts.data_root, k_role_data_root));

  const auto table = root.read(root.live() ? "/proc/mounts" : "/etc/fstab");
  if (!table) return;
  std::string best;
  for (const auto& m : parse::mount_entries(*table)) {
    if (!m.mount_point.starts_with('/') || m.fstype == "swap") continue;
    const std::string mp = core::normalize_path(m.mount_point);
    if (core::path_within(facts.data_root, mp) && mp.size() > best.size()) best = mp;
  }
  facts.data_root_mount = best;
}

void collect_binaries(const HostRoot& root, model::HostFacts& facts) {
  for (const char* name : k_binaries) {
    for (const auto& dir : binary_dirs()) {
      const std::string path = dir + "/" + name;
      if (root.exists(path)) {
        facts.binaries.emplace(name, path);
        break;
      }
    }
  }
}

}  // namespace

model::HostFacts collect_host_facts(const HostRoot& root, const model::DaemonConfig* daemon, const HostFactsOptions& opts) {
  model::HostFacts facts;
  add_units(root, facts.files);
  facts.files.push_back(root.stat("/etc/docker", "/etc/docker"));
  add_registry_certificates(root, facts.files);
  add_tls_files(root, daemon, facts.files);
  add_docker_sockets(root, daemon, facts.files);
  const std::string config_file = setting(daemon, "config-file");
  facts.files.push_back(root.stat(config_file.empty() ? "/etc/docker/daemon.json" : config_file, "daemon.json"));
  facts.files.push_back(root.stat("/etc/default/docker", "/etc/default/docker"));
  facts.files.push_back(root.stat("/etc/sysconfig/docker", "/etc/sysconfig/docker"));
  facts.files.push_back(root.stat("/run/containerd/containerd.sock", "containerd.sock"));
  facts.files.push_back(root.stat("/run/containerd", k_role_run_containerd));
  facts.files.push_back(root.stat("/etc/containerd/config.toml", k_role_containerd_config));

  collect_audit_rules(root, opts, facts);
  collect_docker_group(root, facts);
  collect_data_root(root, daemon, facts);
  collect_binaries(root, facts);
  return facts;
}

}  // namespace drydock::collect
