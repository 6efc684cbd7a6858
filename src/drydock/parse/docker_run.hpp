#pragma once
/// A `docker run` command line (argv, as the shell split it) -> where its parts are. Pure.
/// Used by `drydock seccomp record` to add `--security-opt seccomp=...` and `--cidfile` to the
/// command the user gave, right after `run`, and to know whether it detaches.
///
/// The docker CLI's global options come first (`-H/--host`, `-c/--context`, `--config`,
/// `-l/--log-level`, `--tlscacert`, `--tlscert`, `--tlskey` take a value; `-D`, `--tls`,
/// `--tlsverify` do not), then `run` or `container run`, then run's options up to the image.
/// Run's options take a value unless they are one of the known flags (`-d`, `-i`, `-t`, `--rm`,
/// `--privileged`, `--init`, `--read-only`, `-P`, ... and bundles such as `-dit`).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::parse {

struct DockerRun {
  std::size_t run_index = 0;  ///< index of the `run` word in argv
  std::size_t image_index = 0;
  std::string image;
  bool detach = false;
  bool privileged = false;
  std::optional<std::string> name;
  std::optional<std::string> cidfile;
  std::vector<std::string> security_opts;  ///< values of every --security-opt
  /// A `seccomp=` value among security_opts, if any.
  [[nodiscard]] std::optional<std::string> seccomp() const;
};

/// Where `run`, the options and the image are; an error when argv is not a `docker run` line.
core::Expected<DockerRun> parse_docker_run(const std::vector<std::string>& argv);

}  // namespace drydock::parse
