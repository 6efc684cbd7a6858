#pragma once
/// drydock as a Docker CLI plugin: installed as `docker-drydock` in a cli-plugins folder, the
/// docker CLI lists it (`docker-cli-plugin-metadata`) and runs `docker [GLOBAL FLAGS] drydock
/// ARGS` as `docker-drydock [GLOBAL FLAGS] drydock ARGS`. The global flags reach the plugin only
/// in argv (the CLI sets no DOCKER_HOST or DOCKER_CONFIG for it), so they are parsed here and
/// mapped onto the engine discovery of collect/engine/endpoint.hpp.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/core/error.hpp"

namespace drydock::cli {

/// The file name the docker CLI looks for: "docker-" and the plugin's command name.
inline constexpr std::string_view k_plugin_name = "docker-drydock";

/// The docker CLI's global flags, as given before the plugin's command name.
struct DockerGlobals {
  std::string config;                          ///< --config DIR: the docker configuration directory (not drydock's policy)
  std::string context;                         ///< -c/--context NAME
  std::string host;                            ///< -H/--host URL
  bool tls = false;                            ///< --tls
  bool tls_verify = false;                     ///< --tlsverify
  std::string tls_ca_cert, tls_cert, tls_key;  ///< --tlscacert, --tlscert, --tlskey
};

/// A command line the docker CLI handed to the plugin.
struct PluginCall {
  DockerGlobals globals;
  std::vector<std::string> args;  ///< drydock's own arguments: what follows "drydock"
};

/// True when argv[0] names the plugin (its basename is docker-drydock).
bool invoked_as_plugin(std::string_view argv0);

/// The JSON the docker CLI reads from `docker-drydock docker-cli-plugin-metadata`.
std::string plugin_metadata();

/// Splits `args` (argv without argv[0]) into the docker CLI's global flags and drydock's own
/// arguments. The globals end at the first word that is not a flag: "drydock", dropped, when the
/// docker CLI ran the plugin; any other word when a person ran docker-drydock directly.
/// Unknown flags, a flag without its value, and both --host and --context are usage errors.
core::Expected<PluginCall> parse_plugin_call(const std::vector<std::string>& args);

/// The engine the docker CLI itself would talk to with these globals: --context beats
/// DOCKER_HOST and DOCKER_CONTEXT; --host beats both; --config replaces DOCKER_CONFIG as the
/// place of contexts and certificates; --tls/--tlsverify and the certificate files apply to a
/// --host or DOCKER_HOST endpoint (a named context brings its own TLS material). `own_host` is
/// drydock's own --host after the subcommand, which wins over everything.
core::Expected<collect::Endpoint> plugin_endpoint(const DockerGlobals& globals, std::string_view own_host,
                                                  const collect::EnvLookup& env);

}  // namespace drydock::cli
