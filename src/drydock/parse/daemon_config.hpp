#pragma once
/// The daemon's configuration as written in its files: daemon.json, the dockerd command line,
/// systemd units (ExecStart) and the environment files of init scripts. Pure: text in, settings
/// out; every value names the source and the file:line it came from.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/daemon.hpp"
#include "drydock/model/location.hpp"

namespace drydock::parse {

/// Settings in the order they were written, keyed by their daemon.json name.
using DaemonSettings = std::vector<std::pair<std::string, model::SettingValue>>;

/// dockerd refuses larger configuration files; so do we.
inline constexpr std::size_t k_daemon_json_limit = std::size_t{1} << 20U;

/// The `source` of every value read by daemon_json.
inline constexpr std::string_view k_daemon_json_source = "daemon.json";

/// Every key of a daemon.json document. Lists give one value per element; booleans and
/// numbers become their JSON text ("false", "3"); `default-ulimits` entries become
/// "nofile=1024:2048" (name=soft:hard), `log-opts` entries "key=value"; any other object or
/// non-scalar element is kept as compact JSON. null values are left out (unset).
/// Each value's location is `path` and the line of its key (of its element for lists).
/// Errors (ErrorKind::parse, where = path): over k_daemon_json_limit, not JSON (with line and
/// column), not an object, nested deeper than 64 levels.
core::Expected<DaemonSettings> daemon_json(std::string_view text, std::string_view path);

/// The dockerd flags that have a daemon.json equivalent, each stored under that key
/// ("-H tcp://x" -> hosts, "--insecure-registry" -> insecure-registries, "-g" -> data-root,
/// "-D" -> debug). `--config-file` is kept under "config-file". Both `--flag=value` and
/// `--flag value` (`-Hvalue`, `-H=value` for short flags); a boolean flag without a value is
/// "true". argv[0] (the program) is skipped; unknown flags are ignored; "--" ends the flags.
/// Every value gets `source` and `where`.
DaemonSettings dockerd_args(const std::vector<std::string>& argv, std::string_view source, const model::Location& where);

/// One ExecStart= command of a unit, split into words (quotes removed, C escapes applied)
/// with its prefixes (`-@:+!`) dropped: argv[0] is the program path. `$VAR` and `${VAR}`
/// are left as written, for expand_unit_variables.
struct ExecCommand {
  std::vector<std::string> argv;
  model::Location location;  ///< the unit file and the line of `ExecStart=`
};

/// What one unit file (or drop-in) says about how the service starts.
struct UnitService {
  /// An empty `ExecStart=` appeared: the commands of earlier files are dropped.
  bool exec_start_reset = false;
  /// The ExecStart= commands after the last reset in this file, in order.
  std::vector<ExecCommand> exec_start;
  /// An empty `EnvironmentFile=` appeared: earlier files' entries are dropped.
  bool environment_files_reset = false;
  /// EnvironmentFile= paths, in order; a leading "-" (missing file is fine) is kept.
  std::vector<std::string> environment_files;
  /// An empty `Environment=` appeared.
  bool environment_reset = false;
  /// Environment= assignments, in order.
  std::vector<std::pair<std::string, std::string>> environment;
};

/// The [Service] section of a systemd unit file: `\` line continuations, `#`/`;` comments,
/// empty resets, ExecStart prefixes and quoting. `path` names the file in each command's location.
UnitService systemd_exec_start(std::string_view unit_text, std::string_view path);

/// systemd's expansion of an ExecStart argv: a word that is exactly `$NAME` becomes the
/// value split at whitespace (zero or more words); `${NAME}` (and `$NAME` inside a word) is
/// replaced by the value as is; `$$` is a literal `$`. Unknown variables are empty.
std::vector<std::string> expand_unit_variables(const std::vector<std::string>& argv,
                                               const std::map<std::string, std::string>& env);

/// A shell-style or systemd environment file (/etc/default/docker, /etc/sysconfig/docker,
/// EnvironmentFile=): `KEY=value`, `export KEY=value`, single or double quotes, `#` comments,
/// `\` continuations. Lines that are not assignments are ignored. Later assignments win.
std::map<std::string, std::string> env_file(std::string_view text);

/// Splits an options string as a shell would ("--dns 8.8.8.8 -H 'unix:///x y'"): whitespace
/// separates words, single quotes are literal, double quotes and backslashes escape.
std::vector<std::string> shell_words(std::string_view text);

}  // namespace drydock::parse
