#include "drydock/collect/compose.hpp"

#include <algorithm>
#include <filesystem>

#include "drydock/collect/files.hpp"
#include "drydock/parse/compose.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX

namespace drydock::collect {

namespace {

constexpr std::size_t k_max_compose_file = 4U << 20U;

std::string folder_of(const std::string& path) {
  const auto p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

}  // namespace

std::vector<std::string> default_compose_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const char* name : {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}) {
    const auto path = (std::filesystem::path(dir) / name).lexically_normal();
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    out.push_back(path.string());
    const std::string stem = path.stem().string();
    for (const char* ext : {".yaml", ".yml"}) {
      const auto override_path = path.parent_path() / (stem + ".override" + ext);
      if (std::filesystem::is_regular_file(override_path, ec)) {
        out.push_back(override_path.string());
        break;
      }
    }
    break;
  }
  return out;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

core::Expected<model::ComposeProject> load_compose(const ComposeOptions& options) {
  std::vector<std::string> files;
  for (const auto& f : options.files) {
    std::error_code ec;
    if (f != "-" && std::filesystem::is_directory(f, ec)) {
      auto found = default_compose_files(f);
      if (found.empty()) {
        return core::fail(core::ErrorKind::not_found,
                          "no Compose file (looked for compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml)", f);
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(f);
    }
  }
  if (files.empty()) return core::fail(core::ErrorKind::usage, "no Compose file named");

  parse::ComposeInput input;
  // Absolute, as compose makes it: a relative bind source must not escape the sensitive-path checks
  // (`./:/host` in a project under /etc is /etc).
  std::error_code abs_ec;
  const std::string folder = files.front() == "-" ? std::string(".") : folder_of(files.front());
  const auto absolute = std::filesystem::absolute(folder, abs_ec).lexically_normal().string();
  input.working_dir = abs_ec ? folder : absolute;
  if (input.working_dir.size() > 1 && input.working_dir.back() == '/') input.working_dir.pop_back();
  input.read = [](const std::string& path) { return read_input(path, k_max_compose_file); };

  // Variables: the env file first, the process environment over it.
  const std::string env_path = options.env_file.empty() ? folder + "/.env" : options.env_file;
  std::vector<model::ComposeDiagnostic> env_diagnostics;
  std::error_code ec;
  if (!options.env_file.empty() || std::filesystem::is_regular_file(env_path, ec)) {
    auto text = read_input(env_path, k_max_compose_file);
    if (!text) {
      if (!options.env_file.empty()) return tl::unexpected(text.error());
    } else {
      std::vector<int> bad;
      for (auto& [k, v] : parse::dotenv(*text, &bad))
        input.environment[k] = v;
      for (int line : bad)
        env_diagnostics.push_back(model::ComposeDiagnostic{model::Location{env_path, line, 1}, "not a KEY=VALUE line", false});
    }
  }
  for (const auto& [k, v] : options.environment)
    input.environment[k] = v;

  std::vector<model::ComposeDiagnostic> unreadable;
  for (const auto& f : files) {
    auto text = read_input(f, k_max_compose_file);
    const std::string name = f == "-" ? "(stdin)" : f;
    if (!text) {
      unreadable.push_back(model::ComposeDiagnostic{model::Location{name, 0, 0}, text.error().message, true});
      input.files.push_back(parse::ComposeFile{name, ""});
      continue;
    }
    input.files.push_back(parse::ComposeFile{name, std::move(*text)});
  }
  // Unreadable files are left out of the load, and said first.
  std::vector<parse::ComposeFile> readable;
  for (auto& f : input.files) {
    const bool bad = std::any_of(unreadable.begin(), unreadable.end(), [&](const auto& d) { return d.location.file == f.path; });
    if (!bad) readable.push_back(std::move(f));
  }
  input.files = std::move(readable);
  auto project = parse::compose_project(input);
  project.files.clear();
  for (const auto& f : files)
    project.files.push_back(f == "-" ? "(stdin)" : f);
  env_diagnostics.insert(env_diagnostics.end(), unreadable.begin(), unreadable.end());
  project.diagnostics.insert(project.diagnostics.begin(), env_diagnostics.begin(), env_diagnostics.end());
  return project;
}

}  // namespace drydock::collect
