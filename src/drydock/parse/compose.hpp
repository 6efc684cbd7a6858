#pragma once
/// Compose files -> model::ComposeProject, the way `docker compose` loads them: YAML 1.2 with
/// anchors, aliases and merge keys, interpolation, several files merged per the Compose
/// specification, `extends`, then every service turned into a ContainerSpec. Pure: the files
/// the loader needs beyond the ones given (an `extends.file`, an `env_file`) come through `read`.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/compose.hpp"

namespace drydock::parse {

/// Variables for interpolation: the shell's environment over `.env` (or `--env-file`).
using ComposeEnvironment = std::map<std::string, std::string>;

/// Reads a file the project refers to (an `extends.file`, an `env_file`), by path.
using ComposeReader = std::function<core::Expected<std::string>(const std::string& path)>;

struct ComposeFile {
  std::string path;  ///< as named in locations
  std::string text;
};

struct ComposeInput {
  std::vector<ComposeFile> files;  ///< in `-f` order; later files override earlier ones
  ComposeEnvironment environment;
  std::string working_dir;  ///< the project directory (the first file's folder); "" = "."
  ComposeReader read;       ///< may be empty: referenced files are then reported unreadable
};

/// Loads the project. Never throws: what cannot be understood becomes a diagnostic with its
/// file:line, and a file that is not a Compose file at all a fatal one.
model::ComposeProject compose_project(const ComposeInput& input);

/// Interpolates `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
/// `${VAR:+alt}`, `${VAR+alt}` and `$$`. Errors (ErrorKind::parse): an invalid template, or a
/// required variable that is missing (the message is the template's). `unset` receives the names
/// of variables used with no default that are not set.
core::Expected<std::string> interpolate(std::string_view text, const ComposeEnvironment& env,
                                        std::vector<std::string>* unset = nullptr);

/// The variables of a dotenv file (`.env`, `env_file`): `KEY=VALUE`, `export KEY=VALUE`, single and
/// double quotes, `#` comments; a bare `KEY` is skipped. Lines that are not assignments go to
/// `bad_lines` (1-based).
std::vector<std::pair<std::string, std::string>> dotenv(std::string_view text, std::vector<int>* bad_lines = nullptr);

/// "512m", "1g", "2GB", "1024" -> bytes (binary units, as the docker CLI reads them); nullopt when invalid.
std::optional<std::int64_t> byte_size(std::string_view text);

}  // namespace drydock::parse
