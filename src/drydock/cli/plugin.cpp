#include "drydock/cli/plugin.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>

namespace drydock::cli {
namespace {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::fail;

/// The docker CLI's global flags that take a value, long and short names (docker 20.10 to 28).
struct ValueFlag {
  std::string_view long_name, short_name;
  std::string DockerGlobals::*field;
};

const ValueFlag* value_flag(std::string_view name) {
  static const ValueFlag k_flags[] = {
      {"--config", "", &DockerGlobals::config},    {"--context", "-c", &DockerGlobals::context},
      {"--host", "-H", &DockerGlobals::host},      {"--tlscacert", "", &DockerGlobals::tls_ca_cert},
      {"--tlscert", "", &DockerGlobals::tls_cert}, {"--tlskey", "", &DockerGlobals::tls_key},
  };
  for (const auto& f : k_flags) {
    if (name == f.long_name || (!f.short_name.empty() && name == f.short_name)) return &f;
  }
  return nullptr;
}

core::Expected<bool> parse_bool(std::string_view flag, std::string_view value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return fail(ErrorKind::usage, std::string(flag) + ": expected true or false, got \"" + std::string(value) + "\"");
}

bool file_exists(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

bool invoked_as_plugin(std::string_view argv0) { return fs::path(argv0).filename() == k_plugin_name; }

std::string plugin_metadata() {
  const nlohmann::json j{
      {"SchemaVersion", "0.1.0"},
      {"Vendor", "drydock"},
      {"Version", DRYDOCK_VERSION},
      {"ShortDescription", "Audit the security of Docker hosts, containers and images (CIS Docker Benchmark)"},
  };  // "URL" is optional for the CLI and left out: the project has no public address to give yet
  return j.dump() + "\n";
}

core::Expected<PluginCall> parse_plugin_call(const std::vector<std::string>& args) {
  PluginCall call;
  auto& g = call.globals;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') break;
    std::string name = a;
    std::optional<std::string> value;
    if (auto eq = a.find('='); eq != std::string::npos && a.starts_with("--")) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else if (!a.starts_with("--") && a.size() > 2) {  // -Hunix:///x, -c=name
      name = a.substr(0, 2);
      value = a[2] == '=' ? a.substr(3) : a.substr(2);
    }
    if (name == "--tls" || name == "--tlsverify") {
      bool on = true;
      if (value) {
        auto b = parse_bool(name, *value);
        if (!b) return tl::unexpected(b.error());
        on = *b;
      }
      (name == "--tls" ? g.tls : g.tls_verify) = on;
      continue;
    }
    if (name == "-D" || name == "--debug") continue;  // the CLI's own logging
    const bool log_level = name == "-l" || name == "--log-level";
    const ValueFlag* flag = value_flag(name);
    if (flag == nullptr && !log_level) {
      return fail(ErrorKind::usage, "unknown docker global flag \"" + name + "\" before \"drydock\"");
    }
    if (!value) {
      if (i + 1 >= args.size()) return fail(ErrorKind::usage, "docker global flag " + name + " needs a value");
      value = args[++i];
    }
    if (log_level) continue;
    if (flag->field == &DockerGlobals::host && !g.host.empty()) {
      return fail(ErrorKind::usage, "give -H/--host once: drydock audits one engine at a time");
    }
    g.*(flag->field) = *value;
  }
  if (!g.host.empty() && !g.context.empty()) {
    return fail(ErrorKind::usage, "conflicting options: either specify --host or --context, not both");
  }
  if (i < args.size() && args[i] == "drydock") ++i;
  call.args.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return call;
}

core::Expected<collect::Endpoint> plugin_endpoint(const DockerGlobals& g, std::string_view own_host,
                                                  const collect::EnvLookup& env) {
  const bool tls_flags = g.tls || g.tls_verify || !g.tls_ca_cert.empty() || !g.tls_cert.empty() || !g.tls_key.empty();
  // The docker CLI's --context beats DOCKER_HOST; its TLS flags replace DOCKER_TLS*: hide what
  // the flags override from the shared resolution, which then follows the CLI's order.
  const collect::EnvLookup overlay = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "DOCKER_CONFIG" && !g.config.empty()) return g.config;
    if (name == "DOCKER_CONTEXT" && !g.context.empty()) return g.context;
    if (name == "DOCKER_HOST" && !g.context.empty()) return std::nullopt;
    if ((name == "DOCKER_TLS_VERIFY" || name == "DOCKER_TLS") && tls_flags) return std::nullopt;
    return env(name);
  };
  const std::string config_dir = collect::docker_config_dir(overlay);
  const std::string host = !own_host.empty() ? std::string(own_host) : g.host;
  auto resolved = collect::resolve_endpoint(host, overlay, config_dir);
  if (!g.context.empty()) {
    // The shared resolution saw the flag as DOCKER_CONTEXT; say what the person typed.
    auto& text = resolved ? resolved->source : resolved.error().message;
    if (auto at = text.find("DOCKER_CONTEXT"); at != std::string::npos) text.replace(at, 14, "docker --context");
  }
  DRYDOCK_TRY(endpoint, std::move(resolved));
  if (!tls_flags || endpoint.is_unix() || endpoint.source.starts_with("context")) return endpoint;

  // As the docker CLI: --tlsverify implies --tls; files default to DOCKER_CERT_PATH (else the
  // config directory) /ca.pem, cert.pem, key.pem; the certificate flags alone do not turn TLS on.
  if (!g.tls && !g.tls_verify) return endpoint;
  const auto cert_path = env("DOCKER_CERT_PATH");
  const fs::path dir = cert_path && !cert_path->empty() ? fs::path(*cert_path) : fs::path(config_dir);
  auto pick = [&](const std::string& given, const char* file) {
    if (!given.empty()) return given;
    return file_exists(dir / file) ? (dir / file).string() : std::string();
  };
  endpoint.tls = true;
  endpoint.tls_verify = g.tls_verify;
  endpoint.ca_file = pick(g.tls_ca_cert, "ca.pem");
  endpoint.cert_file = pick(g.tls_cert, "cert.pem");
  endpoint.key_file = pick(g.tls_key, "key.pem");
  if (endpoint.tls_verify && endpoint.ca_file.empty()) {
    return fail(ErrorKind::usage, "--tlsverify needs a CA: give --tlscacert or put ca.pem in " + dir.string());
  }
  for (const auto* f : {&endpoint.ca_file, &endpoint.cert_file, &endpoint.key_file}) {
    if (!f->empty() && !file_exists(*f)) return fail(ErrorKind::usage, "cannot read the TLS file " + *f);
  }
  endpoint.source += " with the docker CLI's TLS flags";
  return endpoint;
}

}  // namespace drydock::cli
