#pragma once
/// Finding the Docker Engine the way the docker CLI does: --host, DOCKER_HOST, DOCKER_CONTEXT,
/// the current context of ~/.docker/config.json, else the default socket.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::collect {

/// The socket the engine listens on when nothing else is said.
inline constexpr std::string_view k_default_host = "unix:///var/run/docker.sock";

/// Where and how to reach one engine.
struct Endpoint {
  /// Normalized: "unix:///var/run/docker.sock", or "tcp://host:port" (IPv6 in brackets,
  /// optionally followed by a base path such as "/docker").
  std::string host;
  bool tls = false;                          ///< tcp only: talk HTTPS
  bool tls_verify = false;                   ///< verify the engine's certificate (against ca_file when set)
  std::string ca_file, cert_file, key_file;  ///< PEM paths when tls; empty when absent
  /// How it was chosen: "--host", "DOCKER_HOST", "context \"name\" (DOCKER_CONTEXT)",
  /// "context \"name\" (~/.docker/config.json)", "default".
  std::string source;

  [[nodiscard]] bool is_unix() const { return host.starts_with("unix://"); }
  /// The socket path of a unix endpoint ("" for tcp).
  [[nodiscard]] std::string unix_path() const { return is_unix() ? host.substr(7) : std::string(); }
  /// The engine's address when it is on another machine: reached over TCP while `root` (--root)
  /// holds no copy of that machine's files. Its host's files, dockerd and audit rules are then
  /// not this machine's, and are not read (HostSnapshot::remote). "" otherwise.
  [[nodiscard]] std::string remote(std::string_view root) const { return !is_unix() && root.empty() ? host : std::string(); }
};

/// Reads an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// An EnvLookup over the process environment.
EnvLookup process_env();

/// The docker CLI's configuration directory: $DOCKER_CONFIG, else $HOME/.docker.
std::string docker_config_dir(const EnvLookup& env);

/// Resolves the engine endpoint in the docker CLI's order (resolveContextName):
/// `host_flag` (--host) when not empty; else DOCKER_HOST; else DOCKER_CONTEXT; else
/// `currentContext` of <docker_config_dir>/config.json; else the default socket.
/// For --host and DOCKER_HOST, DOCKER_TLS_VERIFY (non-empty) turns on verified TLS and
/// DOCKER_TLS unverified TLS, with ca.pem, cert.pem, key.pem from DOCKER_CERT_PATH or the
/// config directory. A named context is read from <dir>/contexts/meta/<sha256(name)>/meta.json
/// and its TLS material from <dir>/contexts/tls/<sha256(name)>/docker/.
/// Errors (all ErrorKind::usage): a context that does not exist, unreadable context metadata
/// or config.json, ssh://, npipe://, fd:// and malformed addresses.
core::Expected<Endpoint> resolve_endpoint(std::string_view host_flag, const EnvLookup& env, const std::string& docker_config_dir);

/// The endpoint of the docker CLI context `name` ("default": the default socket), read from
/// <dir>/contexts/meta/<sha256(name)>/meta.json and its TLS material from
/// <dir>/contexts/tls/<sha256(name)>/docker/; `origin` says what chose it (shown in the
/// endpoint's source and in errors). Errors (ErrorKind::usage): a context that does not exist,
/// unreadable metadata, no docker endpoint, an address drydock does not support (ssh://).
core::Expected<Endpoint> context_endpoint(const std::string& name, const std::string& origin, const std::string& docker_config_dir);

/// One context of the docker CLI's contexts store.
struct StoredContext {
  std::string name;   ///< its name; the directory's name when its meta.json names none
  std::string error;  ///< why it cannot be used ("" when its metadata is sound)
};

/// Every context in <dir>/contexts/meta/*/meta.json, sorted by name (without "default", which
/// is not stored). A directory without meta.json is not a context; one whose meta.json names no
/// context, or another context than its directory, is listed with the error.
std::vector<StoredContext> list_contexts(const std::string& docker_config_dir);

/// Where else an engine may listen when nothing chose one (the endpoint's source is "default")
/// and the default socket does not answer, in the order to try: rootless Docker
/// ($XDG_RUNTIME_DIR/docker.sock), rootful Podman (/run/podman/podman.sock), rootless Podman
/// ($XDG_RUNTIME_DIR/podman/podman.sock). Each one's source says what it is; whether a socket
/// is there is for the caller to find out.
std::vector<Endpoint> fallback_endpoints(const EnvLookup& env);

/// Parses and normalizes one address as `docker -H` accepts it: unix://PATH, tcp://HOST[:PORT][/PATH],
/// or a bare HOST:PORT (tcp). A tcp address without a port gets 2375, TLS or not, as with the docker CLI.
/// Errors are ErrorKind::usage.
core::Expected<std::string> normalize_host(std::string_view address);

/// Lower-case hex SHA-256 of `text` (the directory name the docker CLI gives a context).
std::string sha256_hex(std::string_view text);

}  // namespace drydock::collect
