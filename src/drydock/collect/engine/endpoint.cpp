#include "drydock/collect/engine/endpoint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace drydock::collect {
namespace {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::fail;

bool non_empty(const std::optional<std::string>& v) { return v && !v->empty(); }

bool file_exists(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

/// The whole file, or nullopt when it does not exist; errors other than "missing" fail.
core::Expected<std::optional<std::string>> read_optional(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::optional<std::string>{};
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(ErrorKind::usage, "cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::optional<std::string>{ss.str()};
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

core::Expected<std::string> normalize_tcp(std::string_view original, std::string_view rest) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::usage, fmt::format("invalid engine address \"{}\": {}", original, why));
  };
  if (rest.empty()) return bad("no host");
  if (rest.find("://") != std::string_view::npos) return bad("unexpected \"://\"");
  std::string_view hostport = rest;
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    path = rest.substr(slash);
  }
  while (path.ends_with('/'))
    path.remove_suffix(1);
  if (path.find_first_of("?#") != std::string_view::npos) return bad("a query or fragment is not allowed");

  std::string host;
  std::string_view port;
  bool ipv6 = false;
  if (hostport.starts_with('[')) {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = std::string(hostport.substr(1, close - 1));
    ipv6 = true;
    auto after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("expected \":PORT\" after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    auto colon = hostport.find(':');
    if (colon != std::string_view::npos && hostport.find(':', colon + 1) != std::string_view::npos) {
      return bad("write IPv6 addresses in brackets, e.g. tcp://[::1]:2376");
    }
    host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port = hostport.substr(colon + 1);
  }
  if (host.find_first_of(" \t@") != std::string::npos) return bad("invalid host name");
  if (host.empty()) host = "localhost";
  // Like the docker CLI (opts.ParseTCPAddr): a missing port is 2375, with TLS or without.
  std::string port_text = port.empty() ? std::string("2375") : std::string(port);
  if (!all_digits(port_text) || port_text.size() > 5 || std::stoi(port_text) < 1 || std::stoi(port_text) > 65535) {
    return bad(fmt::format("invalid port \"{}\"", port_text));
  }
  return fmt::format("tcp://{}{}{}:{}{}", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port_text, path);
}

/// TLS settings from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the docker CLI's
/// flag defaults take them. Missing cert/key files are dropped; a missing CA with
/// verification on is an error (the docker CLI refuses too).
core::Expected<void> apply_env_tls(Endpoint& ep, const EnvLookup& env, const std::string& config_dir) {
  const bool verify = non_empty(env("DOCKER_TLS_VERIFY"));
  const bool tls = verify || non_empty(env("DOCKER_TLS"));
  if (!tls) return {};
  auto cert_path_env = env("DOCKER_CERT_PATH");
  fs::path dir = non_empty(cert_path_env) ? fs::path(*cert_path_env) : fs::path(config_dir);
  ep.tls = true;
  ep.tls_verify = verify;
  auto ca = dir / "ca.pem";
  auto cert = dir / "cert.pem";
  auto key = dir / "key.pem";
  if (file_exists(ca)) {
    ep.ca_file = ca.string();
  } else if (verify) {
    return fail(ErrorKind::usage,
                fmt::format("DOCKER_TLS_VERIFY is set but {} does not exist (set DOCKER_CERT_PATH to the directory "
                            "holding ca.pem, cert.pem and key.pem)",
                            ca.string()));
  }
  if (file_exists(cert)) ep.cert_file = cert.string();
  if (file_exists(key)) ep.key_file = key.string();
  return {};
}

core::Expected<Endpoint> from_address(std::string_view address, std::string source, const EnvLookup& env,
                                      const std::string& config_dir) {
  Endpoint ep;
  ep.source = std::move(source);
  auto tls = apply_env_tls(ep, env, config_dir);
  if (!tls) return tl::unexpected(tls.error());
  auto host = normalize_host(address);
  if (!host) return tl::unexpected(host.error());
  ep.host = *host;
  if (ep.is_unix()) ep = Endpoint{ep.host, false, false, {}, {}, {}, ep.source};
  return ep;
}

Endpoint default_endpoint(std::string source) {
  Endpoint ep;
  ep.host = std::string(k_default_host);
  ep.source = std::move(source);
  return ep;
}

}  // namespace

/// A named context; `origin` says what selected it ("DOCKER_CONTEXT" or the config.json path).
core::Expected<Endpoint> context_endpoint(const std::string& name, const std::string& origin, const std::string& config_dir) {
  const std::string source = fmt::format("context \"{}\" ({})", name, origin);
  if (name == "default") return default_endpoint(source);
  const std::string digest = sha256_hex(name);
  const fs::path meta = fs::path(config_dir) / "contexts" / "meta" / digest / "meta.json";
  auto text = read_optional(meta);
  if (!text) return tl::unexpected(text.error());
  if (!*text) {
    return fail(ErrorKind::usage, fmt::format("context \"{}\" not found: {} does not exist (selected by {}; list contexts with "
                                              "`docker context ls`)",
                                              name, meta.string(), origin));
  }
  auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorKind::usage, fmt::format("context \"{}\": {} is not valid JSON", name, meta.string()));
  }
  const auto endpoints = j.find("Endpoints");
  if (endpoints == j.end() || !endpoints->is_object() || !endpoints->contains("docker") || !(*endpoints)["docker"].is_object()) {
    return fail(ErrorKind::usage, fmt::format("context \"{}\" has no docker endpoint ({})", name, meta.string()));
  }
  const auto& docker = (*endpoints)["docker"];
  std::string host;
  if (auto h = docker.find("Host"); h != docker.end() && h->is_string()) host = h->get<std::string>();
  bool skip_verify = false;
  if (auto s = docker.find("SkipTLSVerify"); s != docker.end() && s->is_boolean()) skip_verify = s->get<bool>();
  if (host.empty()) {
    return fail(ErrorKind::usage, fmt::format("context \"{}\" has an empty docker host ({})", name, meta.string()));
  }

  Endpoint ep;
  ep.source = source;
  const fs::path tls_dir = fs::path(config_dir) / "contexts" / "tls" / digest / "docker";
  if (file_exists(tls_dir / "ca.pem")) ep.ca_file = (tls_dir / "ca.pem").string();
  if (file_exists(tls_dir / "cert.pem")) ep.cert_file = (tls_dir / "cert.pem").string();
  if (file_exists(tls_dir / "key.pem")) ep.key_file = (tls_dir / "key.pem").string();
  // The docker CLI uses TLS for a context endpoint when it has TLS data or skips verification.
  const bool has_tls_data = !ep.ca_file.empty() || !ep.cert_file.empty() || !ep.key_file.empty();
  ep.tls = has_tls_data || skip_verify;
  ep.tls_verify = ep.tls && !skip_verify;
  auto normalized = normalize_host(host);
  if (!normalized) {
    auto e = normalized.error();
    e.message = fmt::format("context \"{}\": {}", name, e.message);
    return tl::unexpected(e);
  }
  ep.host = *normalized;
  if (ep.is_unix()) ep = Endpoint{ep.host, false, false, {}, {}, {}, ep.source};
  return ep;
}

std::vector<StoredContext> list_contexts(const std::string& config_dir) {
  std::vector<StoredContext> out;
  const fs::path store = fs::path(config_dir) / "contexts" / "meta";
  std::error_code ec;
  if (config_dir.empty() || !fs::is_directory(store, ec)) return out;
  for (fs::directory_iterator it(store, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code dir_ec;
    if (!it->is_directory(dir_ec)) continue;
    const fs::path meta = it->path() / "meta.json";
    auto text = read_optional(meta);
    if (!text || !*text) continue;  // not a context (the docker CLI ignores it too)
    auto j = nlohmann::json::parse(**text, nullptr, false);
    std::string name;
    if (j.is_object()) {
      if (auto n = j.find("Name"); n != j.end() && n->is_string()) name = n->get<std::string>();
    }
    if (name.empty()) {
      out.push_back(StoredContext{it->path().filename().string(), fmt::format("{} holds no context name", meta.string())});
    } else if (sha256_hex(name) != it->path().filename().string()) {
      out.push_back(StoredContext{name, fmt::format("{} names context \"{}\", whose directory would be {}", meta.string(), name,
                                                    sha256_hex(name))});
    } else {
      out.push_back(StoredContext{name, ""});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoredContext& a, const StoredContext& b) { return a.name < b.name; });
  return out;
}

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(k_hex[md[i] >> 4]);
    out.push_back(k_hex[md[i] & 0xf]);
  }
  return out;
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string docker_config_dir(const EnvLookup& env) {
  if (auto d = env("DOCKER_CONFIG"); non_empty(d)) return *d;
  if (auto home = env("HOME"); non_empty(home)) return *home + "/.docker";
  return "/root/.docker";
}

core::Expected<std::string> normalize_host(std::string_view address) {
  std::string_view a = address;
  while (!a.empty() && std::isspace(static_cast<unsigned char>(a.front())) != 0)
    a.remove_prefix(1);
  while (!a.empty() && std::isspace(static_cast<unsigned char>(a.back())) != 0)
    a.remove_suffix(1);
  if (a.empty()) return fail(ErrorKind::usage, "empty engine address");
  const auto sep = a.find("://");
  if (sep == std::string_view::npos) return normalize_tcp(address, a);  // docker -H HOST:PORT
  std::string scheme(a.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view rest = a.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.find("://") != std::string_view::npos) {
      return fail(ErrorKind::usage, fmt::format("invalid engine address \"{}\"", address));
    }
    return "unix://" + (rest.empty() ? std::string("/var/run/docker.sock") : std::string(rest));
  }
  if (scheme == "tcp") return normalize_tcp(address, rest);
  if (scheme == "ssh") {
    return fail(ErrorKind::usage,
                fmt::format("\"{}\": ssh:// engine endpoints are not supported; use a tcp:// endpoint with TLS "
                            "(DOCKER_TLS_VERIFY=1), a unix:// socket (e.g. forwarded with `ssh -NL "
                            "/tmp/docker.sock:/var/run/docker.sock HOST`), or a `docker context` with such an endpoint",
                            address));
  }
  if (scheme == "npipe") {
    return fail(ErrorKind::usage, fmt::format("\"{}\": npipe:// (Windows named pipes) is not supported", address));
  }
  if (scheme == "fd") {
    return fail(ErrorKind::usage,
                fmt::format("\"{}\": fd:// is a daemon listen address (systemd socket activation), not a client "
                            "endpoint; use unix:///var/run/docker.sock",
                            address));
  }
  return fail(
      ErrorKind::usage,
      fmt::format("invalid engine address \"{}\": unsupported scheme \"{}\" (expected unix:// or tcp://)", address, scheme));
}

core::Expected<Endpoint> resolve_endpoint(std::string_view host_flag, const EnvLookup& env,
                                          const std::string& docker_config_dir) {
  if (!host_flag.empty()) return from_address(host_flag, "--host", env, docker_config_dir);
  if (auto h = env("DOCKER_HOST"); non_empty(h)) return from_address(*h, "DOCKER_HOST", env, docker_config_dir);
  if (auto c = env("DOCKER_CONTEXT"); non_empty(c)) {
    return context_endpoint(*c, "DOCKER_CONTEXT", docker_config_dir);
  }
  if (docker_config_dir.empty()) return default_endpoint("default");
  const fs::path config = fs::path(docker_config_dir) / "config.json";
  auto text = read_optional(config);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return default_endpoint("default");
  auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorKind::usage, fmt::format("{} is not valid JSON", config.string()));
  }
  std::string current;
  if (auto c = j.find("currentContext"); c != j.end() && c->is_string()) current = c->get<std::string>();
  if (current.empty()) return default_endpoint("default");
  std::string shown = config.string();
  if (auto home = env("HOME"); non_empty(home) && fs::path(docker_config_dir) == fs::path(*home + "/.docker")) {
    shown = "~/.docker/config.json";
  }
  return context_endpoint(current, shown, docker_config_dir);
}

std::vector<Endpoint> fallback_endpoints(const EnvLookup& env) {
  std::vector<Endpoint> out;
  auto add = [&](const std::string& path, const std::string& what) {
    Endpoint ep;
    ep.host = "unix://" + path;
    ep.source = fmt::format("{} (found: no engine answered on {})", what, k_default_host.substr(7));
    out.push_back(std::move(ep));
  };
  const auto runtime = env("XDG_RUNTIME_DIR");
  const bool user = non_empty(runtime) && runtime->starts_with('/');
  if (user) add(*runtime + "/docker.sock", "rootless Docker's socket $XDG_RUNTIME_DIR/docker.sock");
  add("/run/podman/podman.sock", "Podman's socket /run/podman/podman.sock");
  if (user) add(*runtime + "/podman/podman.sock", "rootless Podman's socket $XDG_RUNTIME_DIR/podman/podman.sock");
  return out;
}

}  // namespace drydock::collect
