#pragma once
/// `drydock harden container`: the `docker run` command line that recreates a container with its
/// image, command, environment, ports, mounts and networks, minus its findings, each change with
/// its reason. The command runs as printed (one flag per line, continued with `\`).

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "drydock/model/container.hpp"

namespace drydock::harden {

struct RunLineOptions {
  bool strict = false;                  ///< also what commonly breaks workloads: non-root user, no host network, drop sensitive mounts, cap-drop ALL
  bool publish_all_interfaces = false;  ///< keep ports on every interface instead of 127.0.0.1
  std::optional<model::ContainerUsage> usage;  ///< what the engine measured, for the limits
  std::optional<std::string> image_user;       ///< the image's USER; nullopt when the image was not read
  std::vector<std::string> image_env;          ///< the image's environment: not repeated on the line
  std::map<std::string, std::string> image_labels;  ///< the image's labels: not repeated on the line
};

/// One change with its reason.
struct RunChange {
  std::string check_id;
  std::string change;  ///< "--read-only, with --tmpfs /tmp and /run"
  std::string reason;
};

struct RunLine {
  model::ContainerSpec hardened;  ///< the spec the command creates (what the checks see after)
  std::vector<std::string> argv;  ///< "docker", "run", "--detach", ...
  std::vector<RunChange> changes;
  std::vector<std::string> notes;  ///< what is not carried over, or left for a person to set
};

/// The hardened spec and its command line, for the checks `failing` (ids with a fail or warn result).
RunLine make_run_line(const model::ContainerSpec& container, const std::set<std::string>& failing, const RunLineOptions& options);

/// The `docker run` argv that creates `spec` (no change made): what the line is built from.
std::vector<std::string> run_argv(const model::ContainerSpec& spec, const std::vector<std::string>& image_env = {});

/// A word for sh: as it is when it is made of safe characters, else in single quotes.
std::string shell_quote(std::string_view word);

/// The argv as a shell command, one flag (with its value) per line, continued with ` \`.
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace drydock::harden
