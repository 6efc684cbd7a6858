#pragma once
/// Reading a Compose project from disk: the files named (or the default ones of a folder), the
/// `.env` of the project directory or `--env-file`, and through parse::compose_project's reader the
/// files the project refers to (`extends.file`, `env_file`). The only I/O of `drydock compose`.

#include <map>
#include <string>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/compose.hpp"

namespace drydock::collect {

struct ComposeOptions {
  /// Compose files in `-f` order; a folder stands for its default file (compose.yaml,
  /// compose.yml, docker-compose.yaml, docker-compose.yml) and that file's `.override` companion.
  std::vector<std::string> files;
  std::string env_file;  ///< replaces <project dir>/.env when not empty
  /// The environment compose runs in (variables here win over the env file's).
  std::map<std::string, std::string> environment;
};

/// The files `docker compose` reads in `dir` when none is named: the first default name found,
/// then its override file when present; empty when there is none.
std::vector<std::string> default_compose_files(const std::string& dir);

/// Loads the project. Unreadable or invalid files become diagnostics of the project (fatal for
/// that file); an error only for a missing --env-file or when no file was named.
core::Expected<model::ComposeProject> load_compose(const ComposeOptions& options);

/// The process environment as a map.
std::map<std::string, std::string> process_environment();

}  // namespace drydock::collect
