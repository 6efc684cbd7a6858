#include "drydock/collect/host/trust.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <map>
#include <filesystem>
#include <set>
#include <string_view>

#include "drydock/parse/content_trust.hpp"
#include "drydock/parse/daemon_config.hpp"
#include "drydock/parse/notary.hpp"
#include "drydock/parse/etc_files.hpp"

namespace drydock::collect {
namespace {

constexpr std::size_t k_limit = 1U << 20U;
constexpr std::size_t k_max_homes = 4096;
constexpr std::size_t k_max_dir_entries = 256;

constexpr std::array<std::string_view, 5> k_unit_dirs = {"/etc/systemd/system", "/run/systemd/system",
                                                         "/usr/local/lib/systemd/system", "/lib/systemd/system",
                                                         "/usr/lib/systemd/system"};

constexpr std::array<std::string_view, 14> k_system_profiles = {
    "/etc/profile",      "/etc/bash.bashrc", "/etc/bashrc",        "/etc/zsh/zshenv", "/etc/zsh/zprofile",
    "/etc/zsh/zshrc",    "/etc/zsh/zlogin",  "/etc/zshenv",        "/etc/zshrc",      "/etc/csh.cshrc",
    "/etc/csh.login",    "/etc/fish/config.fish", "/etc/environment", "/etc/security/pam_env.conf"};

constexpr std::array<std::string_view, 14> k_user_files = {
    ".profile", ".bashrc", ".bash_profile", ".bash_login", ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".pam_environment",
    ".cshrc",   ".tcshrc", ".login",        ".config/fish/config.fish", ".bash_aliases"};

class Reader {
 public:
  Reader(const HostRoot& root, model::ContentTrustFacts& facts, std::string shown_prefix = {})
      : m_root(root), m_facts(facts), m_prefix(std::move(shown_prefix)) {}

  /// Reads one file (once) and scans it; false when it does not exist or cannot be read.
  bool scan(const std::string& path, std::string_view where) {
    if (!m_seen.insert(path).second) return false;
    auto text = m_root.read(path, k_limit);
    if (!text) {
      if (text.error().kind != core::ErrorKind::not_found) m_facts.diagnostics.push_back("cannot read " + text.error().describe());
      return false;
    }
    const std::string shown = m_prefix + path;
    m_facts.files_read.push_back(shown);
    auto found = parse::content_trust_in_text(*text, shown, where);
    m_facts.settings.insert(m_facts.settings.end(), found.begin(), found.end());
    m_last = std::move(*text);
    return true;
  }

  /// Every regular file of a folder whose name ends with one of `suffixes` ("" = any).
  void scan_dir(const std::string& dir, std::initializer_list<std::string_view> suffixes, std::string_view where) {
    auto names = m_root.list(dir);
    if (!names) {
      if (names.error().kind != core::ErrorKind::not_found) m_facts.diagnostics.push_back("cannot list " + names.error().describe());
      return;
    }
    std::size_t n = 0;
    for (const auto& name : *names) {
      bool wanted = false;
      for (const auto s : suffixes)
        wanted = wanted || name.ends_with(s);
      if (!wanted) continue;
      if (++n > k_max_dir_entries) {
        m_facts.diagnostics.push_back(fmt::format("{}{}: more than {} files, the rest not read", m_prefix, dir, k_max_dir_entries));
        return;
      }
      scan(dir + "/" + name, where);
    }
  }

  /// The text of the last file scan() read.
  [[nodiscard]] const std::string& last() const { return m_last; }

 private:
  const HostRoot& m_root;
  model::ContentTrustFacts& m_facts;
  std::string m_prefix;
  std::set<std::string> m_seen;
  std::string m_last;
};

}  // namespace

std::vector<HomeDir> home_dirs(const HostRoot& root) {
  std::vector<HomeDir> out;
  std::set<std::string> seen;
  auto text = root.read("/etc/passwd", 16U << 20U);
  if (text) {
    for (const auto& e : parse::passwd_entries(*text)) {
      if (e.home.empty() || e.home == "/" || !e.home.starts_with('/') || !seen.insert(e.home).second) continue;
      HomeDir h{e.name, e.home};
      if (e.uid == 0) {
        out.insert(out.begin(), std::move(h));
      } else {
        out.push_back(std::move(h));
      }
      if (out.size() >= k_max_homes) break;
    }
  }
  if (!seen.contains("/root")) out.insert(out.begin(), HomeDir{"root", "/root"});
  return out;
}

model::ContentTrustFacts collect_content_trust(const HostRoot& root, int dockerd_pid, const std::string& proc_root) {
  model::ContentTrustFacts facts;
  Reader reader(root, facts);

  if (root.live() && dockerd_pid > 0) {
    const HostRoot live;
    const std::string path = fmt::format("{}/{}/environ", proc_root, dockerd_pid);
    if (auto env = live.read(path, k_limit)) {
      facts.files_read.push_back(path);
      auto found = parse::content_trust_in_environ(*env, path, fmt::format("the environment of dockerd (pid {})", dockerd_pid));
      facts.settings.insert(facts.settings.end(), found.begin(), found.end());
    } else {
      facts.diagnostics.push_back("cannot read " + env.error().describe());
    }
  }

  std::vector<std::string> env_files;
  for (const auto dir : k_unit_dirs) {
    const std::string unit = std::string(dir) + "/docker.service";
    if (reader.scan(unit, "docker.service")) {
      for (const auto& f : parse::systemd_exec_start(reader.last(), unit).environment_files)
        env_files.push_back(f.starts_with('-') ? f.substr(1) : f);
    }
    const std::string dropins = std::string(dir) + "/docker.service.d";
    if (auto names = root.list(dropins)) {
      for (const auto& n : *names) {
        if (!n.ends_with(".conf")) continue;
        const std::string path = dropins + "/" + n;
        if (reader.scan(path, "a docker.service drop-in")) {
          for (const auto& f : parse::systemd_exec_start(reader.last(), path).environment_files)
            env_files.push_back(f.starts_with('-') ? f.substr(1) : f);
        }
      }
    }
  }
  for (const auto& f : env_files) {
    if (f.starts_with('/')) reader.scan(f, "an EnvironmentFile= of docker.service");
  }
  reader.scan("/etc/default/docker", "/etc/default/docker");
  reader.scan("/etc/sysconfig/docker", "/etc/sysconfig/docker");

  for (const auto p : k_system_profiles)
    reader.scan(std::string(p), "a system-wide environment or shell profile");
  reader.scan_dir("/etc/profile.d", {".sh", ".csh", ".zsh"}, "a system-wide shell profile");
  reader.scan_dir("/etc/environment.d", {".conf"}, "a system-wide environment file");
  reader.scan_dir("/etc/fish/conf.d", {".fish"}, "a system-wide fish configuration");

  for (const auto& h : home_dirs(root)) {
    const std::string where = "a shell profile or environment file of " + h.user;
    for (const auto f : k_user_files)
      reader.scan(h.home + "/" + std::string(f), where);
    reader.scan_dir(h.home + "/.config/environment.d", {".conf"}, where);
    reader.scan_dir(h.home + "/.config/fish/conf.d", {".fish"}, where);
  }
  return facts;
}

namespace {

/// The `role:` and `gun:` headers of a PEM block (between its BEGIN line and the first blank line).
void pem_headers(std::string_view pem, model::TrustKey& key) {
  const auto begin = pem.find("-----BEGIN ");
  if (begin == std::string_view::npos) {
    key.error = "not a PEM file";
    return;
  }
  std::size_t pos = pem.find('\n', begin);
  while (pos != std::string_view::npos && pos + 1 < pem.size()) {
    const auto end = pem.find('\n', pos + 1);
    std::string_view line = pem.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (line.empty() || colon == std::string_view::npos || line.starts_with("-----")) break;
    const auto name = line.substr(0, colon);
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    if (name == "role") key.role = std::string(value);
    if (name == "gun") key.gun = std::string(value);
    pos = end;
  }
}

void walk_keys(const HostRoot& root, const std::string& user, const std::string& dir, bool root_keys, int depth,
               model::HostFacts& facts) {
  auto fact = root.stat(dir, "trust-key-dir");
  if (!fact.exists || fact.type != "directory") {
    if (!fact.error.empty()) facts.files.push_back(std::move(fact));
    return;
  }
  facts.files.push_back(std::move(fact));
  auto names = root.list(dir);
  if (!names) return;
  std::size_t n = 0;
  for (const auto& name : *names) {
    if (++n > k_max_dir_entries) break;
    const std::string path = dir + "/" + name;
    auto f = root.stat(path, "trust-key");
    if (f.type == "directory") {
      if (depth < 8) walk_keys(root, user, path, root_keys || (depth == 0 && name == "root_keys"), depth + 1, facts);
      continue;
    }
    if (!name.ends_with(".key") || (f.type != "file" && f.error.empty())) continue;
    model::TrustKey key{user, path, root_keys ? "root" : "", "", ""};
    if (auto text = root.read(path, 64U << 10U)) {
      pem_headers(*text, key);
    } else {
      key.error = text.error().describe();
    }
    facts.trust_keys->push_back(std::move(key));
    facts.files.push_back(std::move(f));
  }
}

}  // namespace

void collect_trust_keys(const HostRoot& root, model::HostFacts& facts) {
  facts.trust_keys.emplace();
  for (const auto& h : home_dirs(root))
    walk_keys(root, h.user, h.home + "/.docker/trust/private", false, 0, facts);
}

namespace {

constexpr std::size_t k_max_repos = 512;
constexpr std::size_t k_metadata_limit = 16U << 20U;

/// The delegations' files under metadata/targets (names "targets/releases", ...).
void read_delegations(const HostRoot& root, const std::string& dir, const std::string& role, int depth,
                      std::map<std::string, std::string>& files) {
  auto names = root.list(dir);
  if (!names || depth > 6) return;
  std::size_t n = 0;
  for (const auto& name : *names) {
    if (++n > k_max_dir_entries) break;
    const std::string path = dir + "/" + name;
    if (name.ends_with(".json")) {
      if (auto t = root.read(path, k_metadata_limit)) files.emplace(role + "/" + name.substr(0, name.size() - 5), std::move(*t));
    } else if (root.stat(path, "").type == "directory") {
      read_delegations(root, path, role + "/" + name, depth + 1, files);
    }
  }
}

void walk_tuf(const HostRoot& root, const std::string& user, const std::string& base, const std::string& gun, int depth,
              std::int64_t now, model::HostFacts& facts) {
  const std::string dir = gun.empty() ? base : base + "/" + gun;
  auto names = root.list(dir);
  if (!names) return;
  if (!gun.empty() && std::find(names->begin(), names->end(), "metadata") != names->end()) {
    if (facts.notary_repos->size() >= k_max_repos) return;
    std::map<std::string, std::string> files;
    for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
      if (auto t = root.read(dir + "/metadata/" + role + ".json", k_metadata_limit)) files.emplace(role, std::move(*t));
    }
    read_delegations(root, dir + "/metadata/targets", "targets", 0, files);
    auto repo = parse::notary::verify_repo(gun, files, now);
    repo.user = user;
    repo.path = dir;
    facts.notary_repos->push_back(std::move(repo));
    facts.files.push_back(root.stat(dir, "notary-trust-data"));
    return;
  }
  if (depth >= 6) return;
  std::size_t n = 0;
  for (const auto& name : *names) {
    if (++n > k_max_dir_entries) break;
    if (root.stat(dir + "/" + name, "").type == "directory")
      walk_tuf(root, user, base, gun.empty() ? name : gun + "/" + name, depth + 1, now, facts);
  }
}

}  // namespace

void collect_notary(const HostRoot& root, std::int64_t now, model::HostFacts& facts) {
  facts.notary_repos.emplace();
  for (const auto& h : home_dirs(root))
    walk_tuf(root, h.user, h.home + "/.docker/trust/tuf", "", 0, now, facts);
}

model::ContentTrustFacts collect_project_content_trust(const std::string& dir) {
  model::ContentTrustFacts facts;
  std::error_code ec;
  auto abs = std::filesystem::absolute(dir.empty() ? "." : dir, ec).lexically_normal().string();
  while (abs.size() > 1 && abs.back() == '/')
    abs.pop_back();
  if (ec || abs == "/") return facts;  // a project at / is no project folder
  const HostRoot project(abs, RootResolver::kernel_if_available);
  const std::string shown = dir.empty() ? "." : dir;
  Reader reader(project, facts, shown);
  constexpr std::string_view where = "a CI file";
  reader.scan_dir("/.github/workflows", {".yml", ".yaml"}, where);
  for (const auto f : {"/.gitlab-ci.yml", "/Jenkinsfile", "/.circleci/config.yml", "/azure-pipelines.yml",
                       "/bitbucket-pipelines.yml", "/.drone.yml", "/.travis.yml", "/.buildkite/pipeline.yml",
                       "/.woodpecker.yml"})
    reader.scan(f, where);
  reader.scan_dir("/.woodpecker", {".yml", ".yaml"}, where);
  reader.scan_dir("/.gitlab/ci", {".yml", ".yaml"}, where);
  return facts;
}

}  // namespace drydock::collect
