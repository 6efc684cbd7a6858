/// Daemon configuration checks: CIS Docker Benchmark section 2. Each setting is looked up
/// under its daemon.json name in the collected DaemonConfig (the command line first, then
/// daemon.json); where the engine's /info says what the running daemon does, that wins and
/// the files are the evidence of where it came from.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using model::DaemonConfig;
using model::HostSnapshot;
using model::SettingValue;

// ---------------------------------------------------------------------------------------
// Evidence.

/// The configuration to judge, or nullptr after writing the reason to skip.
const DaemonConfig* config_or_skip(const HostSnapshot& s, Results& out) {
  if (!s.daemon) {
    out.skip(common::not_read(s, "the daemon's configuration (its command line, daemon.json, unit files)",
                              "daemon configuration was not collected"));
    return nullptr;
  }
  return &*s.daemon;
}

/// The dockerd flag of a daemon.json key.
std::string flag_of(std::string_view key) {
  if (key == "hosts") return "-H";
  if (key == "insecure-registries") return "--insecure-registry";
  if (key == "storage-opts") return "--storage-opt";
  if (key == "authorization-plugins") return "--authorization-plugin";
  if (key == "log-opts") return "--log-opt";
  if (key == "default-ulimits") return "--default-ulimit";
  return "--" + std::string(key);
}

/// Whether daemon.json would show the value without quotes (a boolean or a number).
bool json_literal(std::string_view v) {
  if (v.empty()) return false;
  if (v == "true" || v == "false") return true;
  return std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-'; });
}

/// One value with where it was written:
/// `"icc": true in /etc/docker/daemon.json:3`, `--icc=true on the dockerd (pid 812) command line`,
/// `--icc=true in docker.service ExecStart (/lib/systemd/system/docker.service:12)`.
std::string cite(std::string_view key, const SettingValue& v) {
  if (v.source == "daemon.json") {
    const std::string value = json_literal(v.value) ? v.value : "\"" + v.value + "\"";
    return fmt::format("\"{}\": {} in {}:{}", key, value, v.location.file, v.location.line);
  }
  const std::string flag = key == "hosts" ? fmt::format("-H {}", v.value) : fmt::format("{}={}", flag_of(key), v.value);
  if (v.location.file.empty()) return fmt::format("{} on the {}", flag, v.source);
  if (v.location.file == v.source) return fmt::format("{} in {}:{}", flag, v.location.file, v.location.line);
  return fmt::format("{} in {} ({}:{})", flag, v.source, v.location.file, v.location.line);
}

/// Every value of the key, cited, joined with "; ".
std::string cite_all(const DaemonConfig& d, std::string_view key) {
  std::vector<std::string> parts;
  for (const auto& v : d.values(std::string(key)))
    parts.push_back(cite(key, v));
  return core::join(parts, "; ");
}

/// The value in effect (the command line's when a key is set in several places), cited;
/// other values of the same key are named after it.
std::string cite_effective(const DaemonConfig& d, std::string_view key) {
  const auto& values = d.values(std::string(key));
  std::string out = cite(key, values.front());
  std::vector<std::string> others;
  for (std::size_t i = 1; i < values.size(); ++i)
    others.push_back(cite(key, values[i]));
  if (!others.empty()) out += " (also " + core::join(others, "; ") + ")";
  return out;
}

/// "icc not set in daemon.json, the dockerd command line or the unit (default: true)".
std::string absent(const DaemonConfig& d, std::string_view key, std::string_view default_value) {
  std::string out =
      fmt::format("{} not set in daemon.json, the dockerd command line or the unit (default: {})", key, default_value);
  if (d.sources.empty()) out += "; no configuration source was found on the host";
  return out;
}

/// The value in effect, or nullptr.
const SettingValue* effective(const DaemonConfig& d, std::string_view key) {
  const auto& values = d.values(std::string(key));
  return values.empty() ? nullptr : &values.front();
}

bool is_true(const SettingValue* v) { return v != nullptr && core::to_lower(core::trim(v->value)) == "true"; }
bool is_false(const SettingValue* v) { return v != nullptr && core::to_lower(core::trim(v->value)) == "false"; }

std::string engine_options(const model::EngineInfo& e) {
  return "engine SecurityOptions: " + (e.security_options.empty() ? std::string("none") : core::join(e.security_options, ", "));
}

// ---------------------------------------------------------------------------------------
// Podman behind Docker's API. dockerd's daemon.json, unit and flags are not its configuration,
// and its compatible /info fills with placeholders what Podman does not have: each check is
// answered from Podman's own files where a real equivalent exists, else skipped with the reason.

using model::PodmanConfig;
using model::PodmanSetting;
using PodmanAnswer = void (*)(const HostSnapshot&, const PodmanConfig&, Results&);

bool is_podman(const HostSnapshot& s) { return s.engine && s.engine->podman; }

/// On a Podman engine: answered by `answer` from Podman's configuration, or skipped with `why`
/// (also when Podman's files were not read). True when the check is done.
bool on_podman(const HostSnapshot& s, Results& out, std::string_view why, PodmanAnswer answer = nullptr) {
  if (!is_podman(s)) return false;
  const std::string engine = "Podman " + s.engine->podman_version;
  if (answer == nullptr) {
    out.skip(fmt::format("{}: {}", engine, why));
  } else if (!s.podman) {
    out.skip(engine + ": " + common::not_read(s, "Podman's configuration (containers.conf)",
                                              "Podman's configuration (containers.conf) was not read"));
  } else {
    answer(s, *s.podman, out);
  }
  return true;
}

/// `log_driver = "journald"` in /etc/containers/containers.conf:12.
std::string cite(std::string_view key, const PodmanSetting& v) {
  std::vector<std::string> quoted;
  for (const auto& value : v.values)
    quoted.push_back(json_literal(value) ? value : "\"" + value + "\"");
  const std::string shown = v.list ? "[" + core::join(quoted, ", ") + "]" : core::join(quoted, ", ");
  return fmt::format("{} = {} in {}:{}", key, shown, v.location.file, v.location.line);
}

/// "log_driver not set in containers.conf (/usr/share/containers/containers.conf, ...; default: k8s-file)".
std::string absent(const PodmanConfig& p, std::string_view key, std::string_view default_value) {
  std::vector<std::string> read;
  for (const auto& f : p.sources) {
    if (f.ends_with(".conf") && f.find("containers.conf") != std::string::npos) read.push_back(f);
  }
  return fmt::format("{} not set in containers.conf ({}; Podman's default: {})", key,
                     read.empty() ? std::string("no containers.conf was found") : core::join(read, ", "), default_value);
}

std::string scalar(const PodmanSetting* v) {
  return v == nullptr || v->list || v->values.empty() ? std::string() : std::string(core::trim(v->values.front()));
}

void podman_insecure_registries(const HostSnapshot&, const PodmanConfig& p, Results& out) {
  if (!p.registries_conf_read) {
    out.pass("no registries.conf on this host: Podman reaches every registry with TLS verified");
    return;
  }
  if (p.insecure_registries.empty()) {
    out.pass("no registry with insecure = true in registries.conf");
    return;
  }
  std::vector<std::string> parts;
  for (const auto& r : p.insecure_registries)
    parts.push_back(fmt::format("{} (insecure = true in {}:{})", r.location, r.where.file, r.where.line));
  out.fail("insecure registries: " + core::join(parts, "; "));
}

void podman_default_ulimits(const HostSnapshot&, const PodmanConfig& p, Results& out) {
  const auto* v = p.containers("containers.default_ulimits");
  if (v != nullptr && !v->values.empty()) {
    out.info(cite("default_ulimits", *v));
  } else {
    out.info(absent(p, "default_ulimits", "none") + ": containers inherit the limits of the process that starts them");
  }
}

/// A rootless Podman's user: its /info said Rootless=true (its SecurityOptions do not say so in
/// Podman 4.3) and its socket's owner is that user; "" otherwise.
std::string podman_rootless_user(const HostSnapshot& s) { return s.host ? s.host->podman_user : std::string(); }

void podman_userns(const HostSnapshot& s, const PodmanConfig& p, Results& out) {
  if (s.engine->has_security_option("rootless")) {
    out.skip("not applicable: " + engine_options(*s.engine) +
             ": a rootless Podman already maps container root to the unprivileged user it runs as");
    return;
  }
  if (const auto user = podman_rootless_user(s); !user.empty()) {
    out.skip("not applicable: Podman's /info Rootless=true, its socket owned by " + user +
             ": a rootless Podman already maps container root to the unprivileged user it runs as");
    return;
  }
  const auto* v = p.containers("containers.userns");
  const std::string mode = scalar(v);
  if (!mode.empty() && mode != "host" && mode != "\"\"") {
    out.pass(cite("userns", *v) + ": containers get a user namespace by default");
  } else {
    out.fail((v != nullptr ? cite("userns", *v) : absent(p, "userns", "host")) +
             ": root in a container is root on the host; set userns = \"auto\" in /etc/containers/containers.conf");
  }
}

void podman_logging(const HostSnapshot&, const PodmanConfig& p, Results& out) {
  const auto* v = p.containers("containers.log_driver");
  const std::string driver = scalar(v);
  if (driver.empty()) {
    out.warn(absent(p, "log_driver", "journald where the journal is available, else k8s-file") +
             ": container logs stay on this host unless the journal is forwarded: confirm it");
  } else if (driver == "journald") {
    out.warn(cite("log_driver", *v) +
             ": the journal is local; logging is central only if the journal is forwarded "
             "(systemd-journal-upload, rsyslog): confirm it");
  } else if (driver == "none" || driver == "passthrough") {
    out.fail(cite("log_driver", *v) + ": Podman keeps no container logs");
  } else {
    out.fail(cite("log_driver", *v) + ": container logs stay in files on this host only");
  }
}

void podman_seccomp(const HostSnapshot&, const PodmanConfig& p, Results& out) {
  const auto* v = p.containers("containers.seccomp_profile");
  const std::string profile = scalar(v);
  if (profile.empty()) {
    out.info(absent(p, "seccomp_profile", "/usr/share/containers/seccomp.json") + ": Podman's default profile applies");
  } else if (profile == "unconfined") {
    out.fail(cite("seccomp_profile", *v) + ": containers run without any seccomp filter by default");
  } else if (profile == "/usr/share/containers/seccomp.json") {
    out.info(cite("seccomp_profile", *v) + ": Podman's default profile applies");
  } else {
    out.info(cite("seccomp_profile", *v) + ": a custom profile; review that it is at least as strict as Podman's default");
  }
}

void podman_no_new_privileges(const HostSnapshot& s, const PodmanConfig& p, Results& out) {
  const auto* v = p.containers("containers.no_new_privileges");
  if (v == nullptr) {
    out.skip("Podman " + s.engine->podman_version +
             ": containers.conf sets no no_new_privileges (Podman 4.3 has no host-wide switch; set it per container "
             "with --security-opt no-new-privileges)");
  } else if (scalar(v) == "true") {
    out.pass(cite("no_new_privileges", *v));
  } else {
    out.fail(cite("no_new_privileges", *v) + ": setuid binaries in containers can raise privileges");
  }
}

void podman_storage_driver(std::string_view driver, const HostSnapshot& s, const PodmanConfig& p, Results& out) {
  // /info Driver is Podman's real graph driver.
  const std::string running = s.engine->storage_driver;
  std::string configured;
  if (const auto it = p.storage_conf.find("storage.driver"); it != p.storage_conf.end()) configured = cite("driver", it->second);
  const std::string evidence =
      (running.empty() ? std::string("engine /info Driver not given") : "engine /info Driver=" + running) +
      (configured.empty() ? std::string() : " (" + configured + ")");
  if (running == driver) {
    out.fail(evidence + ": " + std::string(driver) + " is not a supported Podman storage driver");
  } else {
    out.pass(evidence);
  }
}

// ---------------------------------------------------------------------------------------
// Checks with more than a few lines of logic.

void rootless(const HostSnapshot& s, Results& out) {
  if (s.engine && s.engine->has_security_option("rootless")) {
    out.pass(engine_options(*s.engine) + ": the daemon runs rootless");
    return;
  }
  if (s.daemon && is_true(effective(*s.daemon, "rootless"))) {
    out.pass(cite_effective(*s.daemon, "rootless") + ": the daemon runs rootless");
    return;
  }
  if (const auto user = podman_rootless_user(s); is_podman(s) && !user.empty()) {
    out.pass("Podman's /info Rootless=true, its socket owned by " + user + ": Podman runs rootless, as " + user);
    return;
  }
  const std::string seen = s.engine ? engine_options(*s.engine) + " (no rootless)" : std::string("engine not consulted");
  if (is_podman(s)) {
    out.info(seen + ": Podman runs as root. Where the workloads allow it, run it rootless (as an unprivileged user: "
                    "systemctl --user start podman.socket, $XDG_RUNTIME_DIR/podman/podman.sock)");
    return;
  }
  out.info(seen +
           ": the daemon runs as root. Where the workloads allow it, run it rootless "
           "(dockerd-rootless-setuptool.sh install, as an unprivileged user)");
}

void log_level(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "Podman's log level is the --log-level flag of `podman system service`, not a setting of its configuration files")) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  if (is_true(effective(*d, "debug"))) {
    out.fail(cite_effective(*d, "debug") + ": debug logging records request details an attacker could use");
    return;
  }
  const auto* v = effective(*d, "log-level");
  if (v == nullptr) {
    out.pass(absent(*d, "log-level", "info"));
  } else if (core::to_lower(core::trim(v->value)) == "info") {
    out.pass(cite_effective(*d, "log-level"));
  } else if (core::to_lower(core::trim(v->value)) == "debug") {
    out.fail(cite_effective(*d, "log-level") + ": debug logging records request details an attacker could use");
  } else {
    out.fail(cite_effective(*d, "log-level") + ": events an audit needs are not logged below info");
  }
}

bool implicit_insecure(std::string_view r) { return r == "127.0.0.0/8" || r == "::1/128"; }

void insecure_registries(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", &podman_insecure_registries)) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  std::vector<std::string> names;
  std::vector<std::string> evidence;
  for (const auto& v : d->values("insecure-registries")) {
    if (implicit_insecure(v.value)) continue;
    if (std::find(names.begin(), names.end(), v.value) == names.end()) names.push_back(v.value);
    evidence.push_back(cite("insecure-registries", v));
  }
  if (s.engine) {
    std::vector<std::string> running;
    for (const auto& r : s.engine->insecure_registries) {
      if (implicit_insecure(r)) continue;
      running.push_back(r);
      if (std::find(names.begin(), names.end(), r) == names.end()) names.push_back(r);
    }
    if (!running.empty()) evidence.push_back("engine /info RegistryConfig: " + core::join(running, ", "));
  }
  if (names.empty()) {
    out.pass("no insecure registry besides the engine's implicit 127.0.0.0/8" +
             std::string(s.engine ? " (engine /info RegistryConfig agrees)" : ""));
    return;
  }
  out.fail(fmt::format("insecure registries: {} ({})", core::join(names, ", "), core::join(evidence, "; ")));
}

/// Fails when the engine runs the storage driver `driver`, or the configuration selects it.
void storage_driver_not(std::string_view driver, std::string_view why, const HostSnapshot& s, Results& out) {
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const auto* v = effective(*d, "storage-driver");
  const std::string running = s.engine ? s.engine->storage_driver : std::string();
  if (running == driver || (v != nullptr && v->value == driver)) {
    std::vector<std::string> parts;
    if (running == driver) parts.push_back("engine /info Driver=" + running);
    if (v != nullptr) parts.push_back(cite_effective(*d, "storage-driver"));
    out.fail(fmt::format("{}: {}", core::join(parts, "; "), why));
    return;
  }
  if (!running.empty()) {
    out.pass("engine /info Driver=" + running + (v != nullptr ? " (" + cite_effective(*d, "storage-driver") + ")" : ""));
  } else if (v != nullptr) {
    out.pass(cite_effective(*d, "storage-driver"));
  } else {
    out.pass(absent(*d, "storage-driver", "chosen by the engine, overlay2 on current kernels"));
  }
}

void aufs(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", [](const HostSnapshot& h, const PodmanConfig& p, Results& r) { podman_storage_driver("aufs", h, p, r); })) return;
  storage_driver_not("aufs", "aufs is deprecated, unmaintained and removed from current engines", s, out);
}

void devicemapper(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", [](const HostSnapshot& h, const PodmanConfig& p, Results& r) { podman_storage_driver("devicemapper", h, p, r); })) return;
  storage_driver_not("devicemapper",
                     "devicemapper is deprecated and removed from current engines; its loop-lvm mode is not for "
                     "production",
                     s, out);
}

/// The host part of a daemon address ("tcp://0.0.0.0:2375" -> "0.0.0.0", "tcp://[::1]:2376" -> "::1").
std::string address_host(std::string_view addr) {
  if (const auto p = addr.find("://"); p != std::string_view::npos) addr.remove_prefix(p + 3);
  addr = addr.substr(0, addr.find('/'));
  if (addr.starts_with('[')) {
    const auto close = addr.find(']');
    return std::string(addr.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  return std::string(addr.substr(0, addr.rfind(':')));
}

/// dockerd takes an address without a scheme as TCP; unix, fd, npipe and ssh are not TCP.
bool is_tcp(std::string_view addr) {
  const std::string a = core::to_lower(core::trim(addr));
  if (a.starts_with("tcp://")) return true;
  return a.find("://") == std::string::npos && !a.empty();
}

bool is_loopback(const std::string& host) {
  // dockerd binds "tcp://:2375" (no host) to localhost.
  return host.empty() || host == "localhost" || host == "::1" || host.starts_with("127.");
}

/// Where dockerd listens when "hosts" is not set: a rootless daemon's socket is its user's
/// ($XDG_RUNTIME_DIR/docker.sock), whose path the collection recorded as the role docker.sock.
std::string default_host(const HostSnapshot& s) {
  if (s.host && !s.host->rootless_user.empty()) {
    for (const auto& f : s.host->files) {
      if (f.role == "docker.sock" && !f.path.empty()) return "unix://" + f.path;
    }
  }
  const bool rootless = (s.host && !s.host->rootless_user.empty()) || (s.engine && s.engine->has_security_option("rootless"));
  return rootless ? "unix://$XDG_RUNTIME_DIR/docker.sock" : "unix:///var/run/docker.sock";
}

void tcp_without_tls(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "Podman's API listens where `podman system service` (or its socket unit) is told, not in its configuration files; it serves TCP without any TLS: never give it a tcp:// address")) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  std::vector<std::string> listeners;
  bool exposed = false;
  for (const auto& v : d->values("hosts")) {
    if (!is_tcp(v.value)) continue;
    const bool loopback = is_loopback(address_host(v.value));
    exposed = exposed || !loopback;
    listeners.push_back(cite("hosts", v) + (loopback ? " (loopback)" : " (not loopback: reachable from the network)"));
  }
  if (listeners.empty()) {
    if (d->has("hosts")) {
      out.pass("no TCP listener: " + cite_all(*d, "hosts"));
    } else {
      out.pass(absent(*d, "hosts", default_host(s)) + ": no TCP listener");
    }
    return;
  }
  const std::string where = core::join(listeners, "; ");
  std::vector<std::string> missing;
  for (const auto* key : {"tlscacert", "tlscert", "tlskey"}) {
    if (!d->has(key)) missing.emplace_back(key);
  }
  const auto* verify = effective(*d, "tlsverify");
  if (is_true(verify)) {
    if (missing.empty()) {
      out.pass(fmt::format("TCP listener {} with {}, {}, {}, {}", where, cite_effective(*d, "tlsverify"),
                           cite_effective(*d, "tlscacert"), cite_effective(*d, "tlscert"), cite_effective(*d, "tlskey")));
    } else {
      out.fail(fmt::format("TCP listener {} with {} but {} not set: dockerd falls back to the files in ~/.docker of "
                           "the user it runs as",
                           where, cite_effective(*d, "tlsverify"), core::join(missing, ", ")))
          .severity = Severity::medium;
    }
    return;
  }
  const std::string verify_text =
      verify != nullptr ? cite_effective(*d, "tlsverify") : std::string("tlsverify not set (default: false)");
  if (is_true(effective(*d, "tls"))) {
    out.fail(fmt::format("TCP listener {} with {} but {}: TLS without client verification lets any client in", where,
                         cite_effective(*d, "tls"), verify_text))
        .severity = Severity::high;
    return;
  }
  auto& f =
      out.fail(fmt::format("TCP listener {} without TLS ({}, tls not set): anyone who can reach it controls the "
                           "host as root",
                           where, verify_text));
  if (!exposed) f.severity = Severity::high;
}

void userns_remap(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", &podman_userns)) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const auto* v = effective(*d, "userns-remap");
  if (v != nullptr && !core::trim(v->value).empty()) {
    out.pass(cite_effective(*d, "userns-remap"));
  } else if (s.engine && s.engine->has_security_option("userns")) {
    out.pass(engine_options(*s.engine));
  } else if (s.engine && s.engine->has_security_option("rootless")) {
    out.skip("not applicable: " + engine_options(*s.engine) +
             ": a rootless daemon already maps container root to the unprivileged user it runs as");
  } else {
    out.fail((v != nullptr ? cite_effective(*d, "userns-remap") : absent(*d, "userns-remap", "no remapping")) +
             (s.engine ? "; " + engine_options(*s.engine) + " (no userns)" : std::string()) +
             ": root in a container is root on the host");
  }
}

void authorization_plugin(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "Podman has no authorization plugins: whoever reaches its socket controls it (the socket's owner and mode: files.podman-sock-owner and -mode)")) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const bool engine_has = s.engine && !s.engine->authorization_plugins.empty();
  if (d->has("authorization-plugins") || engine_has) {
    std::vector<std::string> parts;
    if (d->has("authorization-plugins")) parts.push_back(cite_all(*d, "authorization-plugins"));
    if (engine_has) parts.push_back("engine /info Plugins.Authorization: " + core::join(s.engine->authorization_plugins, ", "));
    out.pass(core::join(parts, "; "));
    return;
  }
  out.fail(absent(*d, "authorization-plugins", "none") + ": every client of the socket may run every command");
}

/// The value of one log-opt ("syslog-address"), or "".
std::string log_opt(const DaemonConfig& d, std::string_view name) {
  for (const auto& v : d.values("log-opts")) {
    const auto eq = v.value.find('=');
    if (eq != std::string::npos && std::string_view(v.value).substr(0, eq) == name) return v.value.substr(eq + 1);
  }
  return {};
}

void centralized_logging(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", &podman_logging)) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const auto* v = effective(*d, "log-driver");
  const std::string running = s.engine ? s.engine->logging_driver : std::string();
  std::string driver;
  std::string evidence;
  if (!running.empty()) {
    driver = running;
    evidence = "engine /info LoggingDriver=" + running + (v != nullptr ? " (" + cite_effective(*d, "log-driver") + ")" : "");
  } else if (v != nullptr) {
    driver = core::trim(v->value);
    evidence = cite_effective(*d, "log-driver");
  } else {
    driver = "json-file";
    evidence = absent(*d, "log-driver", "json-file");
  }
  static constexpr std::string_view k_remote[] = {"fluentd", "gelf",    "awslogs",    "splunk",
                                                  "etwlogs", "gcplogs", "logentries", "syslog"};
  if (driver == "none") {
    out.fail(evidence + ": \"none\" keeps no container logs at all");
  } else if (driver == "json-file" || driver == "local") {
    out.fail(evidence + ": container logs stay on this host only");
  } else if (driver == "journald") {
    out.warn(evidence +
             ": the journal is local; logging is central only if the journal is forwarded "
             "(systemd-journal-upload, rsyslog): confirm it");
  } else if (driver == "syslog") {
    const std::string address = log_opt(*d, "syslog-address");
    if (!address.empty() && !address.starts_with("unix://") && !address.starts_with("unixgram://")) {
      out.pass(evidence + "; " + cite_all(*d, "log-opts"));
    } else {
      out.warn(evidence + (address.empty() ? std::string(", no syslog-address log-opt") : "; syslog-address=" + address) +
               ": the local syslog; logging is central only if it forwards: confirm it");
    }
  } else if (std::find(std::begin(k_remote), std::end(k_remote), driver) != std::end(k_remote)) {
    out.pass(evidence);
  } else {
    out.warn(evidence + ": a logging plugin; confirm it ships the logs off the host");
  }
}

void live_restore(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "not applicable: Podman has no daemon; containers run under conmon and keep running when the API service stops")) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  if (s.engine && (s.engine->swarm_state == "active" || s.engine->swarm_state == "locked")) {
    out.skip("live restore is incompatible with swarm mode, and this node is in a swarm (Swarm.LocalNodeState=" +
             s.engine->swarm_state + ")");
    return;
  }
  const auto* v = effective(*d, "live-restore");
  const std::string configured = v != nullptr ? cite_effective(*d, "live-restore") : absent(*d, "live-restore", "false");
  if (s.engine && s.engine->live_restore_enabled) {
    const std::string running = fmt::format("engine /info LiveRestoreEnabled={}", *s.engine->live_restore_enabled);
    if (*s.engine->live_restore_enabled) {
      out.pass(running + " (" + configured + ")");
    } else {
      out.fail(running + " (" + configured + ")" +
               (is_true(v) ? ": the configuration enables it but the running daemon has not picked it up" : ""));
    }
    return;
  }
  if (is_true(v)) {
    out.pass(configured);
  } else {
    out.fail(configured + ": stopping or upgrading the daemon stops every container");
  }
}

void seccomp_profile(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "", &podman_seccomp)) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const auto* v = effective(*d, "seccomp-profile");
  if (v == nullptr) {
    out.info(absent(*d, "seccomp-profile", "builtin") + ": the default profile applies");
  } else if (core::trim(v->value) == "unconfined") {
    out.fail(cite_effective(*d, "seccomp-profile") + ": containers run without any seccomp filter by default");
  } else if (core::trim(v->value) == "builtin" || core::trim(v->value).empty()) {
    out.info(cite_effective(*d, "seccomp-profile") + ": the default profile applies");
  } else {
    out.info(cite_effective(*d, "seccomp-profile") +
             ": a custom daemon-wide profile; review that it is at least as "
             "strict as the default");
  }
}

void experimental(const HostSnapshot& s, Results& out) {
  if (on_podman(s, out, "Podman has no experimental mode; its /info ExperimentalBuild is a placeholder")) return;
  const auto* d = config_or_skip(s, out);
  if (d == nullptr) return;
  const auto* v = effective(*d, "experimental");
  const bool running = s.engine && s.engine->experimental_build.value_or(false);
  if (running || is_true(v)) {
    std::vector<std::string> parts;
    if (running) parts.emplace_back("engine /info ExperimentalBuild=true");
    if (v != nullptr) parts.push_back(cite_effective(*d, "experimental"));
    out.fail(core::join(parts, "; ") + ": experimental features are unsupported and may change or break");
  } else if (v != nullptr) {
    out.pass(cite_effective(*d, "experimental"));
  } else {
    out.pass(absent(*d, "experimental", "false") +
             (s.engine && s.engine->experimental_build ? " (engine /info ExperimentalBuild=false)" : ""));
  }
}


// ---------------------------------------------------------------------------------------

const std::vector<Check>& table() {
  static const std::vector<Check> checks{
      Check{.id = "daemon.rootless",
            .cis = "2.1",
            .title = "The daemon runs rootless where possible",
            .severity = Severity::medium,
            .rationale = "A rootless daemon and its containers run as an unprivileged user: a container escape "
                         "does not give root on the host.",
            .remediation = "Where the workloads allow it, install Docker in rootless mode "
                           "(dockerd-rootless-setuptool.sh install) for an unprivileged user.",
            .evaluate = DaemonEval{&rootless},
            .manual = true},
      Check{.id = "daemon.icc-enabled",
            .cis = "2.2",
            .title = "Inter-container traffic on the default bridge is restricted",
            .severity = Severity::medium,
            .rationale = "With icc on, every container on the default bridge can reach every other one's ports; "
                         "one compromised container can attack the rest.",
            .remediation = "Set \"icc\": false in /etc/docker/daemon.json (or --icc=false) and connect the "
                           "containers that must talk through user-defined networks.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "Podman has no icc setting: containers on one network reach each other; keep apart those that must not talk with separate networks (podman network create --internal)")) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              const auto* v = effective(*d, "icc");
              if (is_false(v)) {
                out.pass(cite_effective(*d, "icc"));
              } else {
                out.fail((v != nullptr ? cite_effective(*d, "icc") : absent(*d, "icc", "true")) +
                         ": containers on the default bridge can reach each other");
              }
            }}},
      Check{.id = "daemon.log-level",
            .cis = "2.3",
            .title = "The daemon's log level is info",
            .severity = Severity::low,
            .rationale = "info records the events an audit needs; debug also records request details that leak "
                         "information, and levels above info drop events.",
            .remediation = "Set \"log-level\": \"info\" in /etc/docker/daemon.json (or remove the setting, and "
                           "--log-level/-l and -D/--debug from the dockerd command line).",
            .evaluate = DaemonEval{&log_level}},
      Check{.id = "daemon.iptables-disabled",
            .cis = "2.4",
            .title = "Docker is allowed to manage iptables",
            .severity = Severity::medium,
            .rationale = "With iptables off the daemon does not write the rules that isolate and publish "
                         "containers; hand-written rules tend to expose more than intended.",
            .remediation = "Remove \"iptables\": false from /etc/docker/daemon.json (and --iptables=false from the "
                           "command line); the default is true.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "Podman's network backend (netavark or CNI) writes the firewall rules of its networks; there is no setting to turn that off")) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              const auto* v = effective(*d, "iptables");
              if (is_false(v)) {
                out.fail(cite_effective(*d, "iptables") +
                         ": the daemon does not manage the firewall rules of "
                         "its networks");
              } else {
                out.pass(v != nullptr ? cite_effective(*d, "iptables") : absent(*d, "iptables", "true"));
              }
            }}},
      Check{.id = "daemon.insecure-registries",
            .cis = "2.5",
            .title = "No insecure registries are used",
            .severity = Severity::high,
            .rationale = "Images pulled from an insecure registry travel over plain HTTP or unverified TLS and can "
                         "be replaced on the way.",
            .remediation = "Remove every entry of \"insecure-registries\" in /etc/docker/daemon.json (and "
                           "--insecure-registry flags); give the registry a certificate, trusted through "
                           "/etc/docker/certs.d/<registry>/ca.crt.",
            .evaluate = DaemonEval{&insecure_registries}},
      Check{.id = "daemon.aufs-storage",
            .cis = "2.6",
            .title = "The aufs storage driver is not used",
            .severity = Severity::medium,
            .rationale = "aufs is deprecated and unmaintained; it has known kernel crashes and is gone from current "
                         "engines.",
            .remediation = "Use \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json (or remove the setting) "
                           "and migrate the images.",
            .evaluate = DaemonEval{&aufs}},
      // No v1.6.0 control: v1.8.0 made it 2.7 (benchmark.cpp).
      Check{.id = "daemon.devicemapper-storage",
            .cis = "",
            .title = "The devicemapper storage driver is not used",
            .severity = Severity::medium,
            .rationale = "devicemapper is deprecated and gone from current engines; in its default loop-lvm mode "
                         "it stores images in sparse loop files with poor performance and known stability problems.",
            .remediation = "Use \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json (or remove the "
                           "setting and --storage-driver) and migrate the images.",
            .evaluate = DaemonEval{&devicemapper}},
      Check{.id = "daemon.tcp-without-tls",
            .cis = "2.7",
            .title = "The daemon's TCP socket requires TLS client authentication",
            .severity = Severity::critical,
            .rationale = "The Engine API is root on the host: whoever can reach an unauthenticated TCP listener "
                         "controls the machine.",
            .remediation = "Remove tcp:// entries from \"hosts\" (and -H), or set \"tlsverify\": true with "
                           "\"tlscacert\", \"tlscert\" and \"tlskey\" in /etc/docker/daemon.json; bind to a "
                           "management interface, never 0.0.0.0.",
            .evaluate = DaemonEval{&tcp_without_tls}},
      Check{.id = "daemon.default-ulimits",
            .cis = "2.8",
            .title = "Default ulimits are set deliberately",
            .severity = Severity::low,
            .rationale = "Daemon-wide ulimits bound what any container can consume unless it asks for more.",
            .remediation = "Set \"default-ulimits\" in /etc/docker/daemon.json (e.g. "
                           "{\"nofile\": {\"Name\": \"nofile\", \"Soft\": 1024, \"Hard\": 2048}}) where needed.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "", &podman_default_ulimits)) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              if (d->has("default-ulimits")) {
                out.info(cite_all(*d, "default-ulimits"));
              } else {
                out.info(absent(*d, "default-ulimits", "none") + ": none set, containers inherit the daemon's limits");
              }
            }},
            .manual = true},
      Check{.id = "daemon.userns-remap",
            .cis = "2.9",
            .title = "User namespace remapping is enabled",
            .severity = Severity::medium,
            .rationale = "Without remapping, root in a container is uid 0 on the host: an escape is a root "
                         "compromise.",
            .remediation = "Set \"userns-remap\": \"default\" in /etc/docker/daemon.json (or --userns-remap=default) "
                           "and restart the daemon; images and volumes owned by root need migrating.",
            .evaluate = DaemonEval{&userns_remap}},
      Check{.id = "daemon.cgroup-parent",
            .cis = "2.10",
            .title = "The default cgroup parent is kept",
            .severity = Severity::low,
            .rationale = "Containers are placed under the daemon's cgroup parent; a wrong one escapes the resource "
                         "limits the host relies on.",
            .remediation = "Remove \"cgroup-parent\" from /etc/docker/daemon.json (and --cgroup-parent) unless the "
                           "cgroup it names is the intended one.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "Podman has no engine-wide cgroup parent setting; a container's is set per container (--cgroup-parent)")) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              if (d->has("cgroup-parent")) {
                out.warn(cite_effective(*d, "cgroup-parent") + ": confirm it is the intended cgroup");
              } else {
                out.pass(absent(*d, "cgroup-parent", "docker, or system.slice with the systemd cgroup driver"));
              }
            }}},
      Check{.id = "daemon.base-device-size",
            .cis = "2.11",
            .title = "The devicemapper base device size is kept",
            .severity = Severity::low,
            .rationale = "A larger base device lets each container fill more of the storage pool.",
            .remediation = "Remove dm.basesize from \"storage-opts\" in /etc/docker/daemon.json (and --storage-opt) "
                           "unless it is needed.",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "devicemapper is not a Podman storage driver: there is no base device size")) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              std::vector<std::string> set;
              for (const auto& v : d->values("storage-opts")) {
                if (v.value.starts_with("dm.basesize")) set.push_back(cite("storage-opts", v));
              }
              if (!set.empty()) {
                out.warn(core::join(set, "; ") + ": confirm the larger base device is needed");
              } else if (d->has("storage-opts")) {
                out.pass("no dm.basesize: " + cite_all(*d, "storage-opts"));
              } else {
                out.pass(absent(*d, "storage-opts", "none") + ": no dm.basesize");
              }
            }}},
      Check{.id = "daemon.authorization-plugin",
            .cis = "2.12",
            .title = "An authorization plugin controls client commands",
            .severity = Severity::medium,
            .rationale = "Without an authorization plugin every client that reaches the socket may run every "
                         "command, privileged containers included.",
            .remediation = "Install an authorization plugin and list it in \"authorization-plugins\" in "
                           "/etc/docker/daemon.json (or --authorization-plugin=<name>).",
            .evaluate = DaemonEval{&authorization_plugin}},
      Check{.id = "daemon.centralized-logging",
            .cis = "2.13",
            .title = "Container logs go to a central log service",
            .severity = Severity::medium,
            .rationale = "Logs kept only on the host are lost with it and can be erased by whoever compromises it.",
            .remediation = "Set \"log-driver\" to a remote driver in /etc/docker/daemon.json (e.g. \"syslog\" with "
                           "\"log-opts\": {\"syslog-address\": \"tcp+tls://logs.example.com:6514\"}, or fluentd, gelf, "
                           "splunk, awslogs, gcplogs).",
            .evaluate = DaemonEval{&centralized_logging}},
      Check{.id = "daemon.no-new-privileges",
            .cis = "2.14",
            .title = "Containers cannot gain new privileges by default",
            .severity = Severity::medium,
            .rationale = "no-new-privileges stops setuid binaries and file capabilities from raising a container "
                         "process's privileges.",
            .remediation = "Set \"no-new-privileges\": true in /etc/docker/daemon.json (or --no-new-privileges).",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "", &podman_no_new_privileges)) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              const auto* v = effective(*d, "no-new-privileges");
              if (is_true(v)) {
                out.pass(cite_effective(*d, "no-new-privileges"));
              } else {
                out.fail((v != nullptr ? cite_effective(*d, "no-new-privileges") : absent(*d, "no-new-privileges", "false")) +
                         ": setuid binaries in containers can raise privileges");
              }
            }}},
      Check{.id = "daemon.live-restore",
            .cis = "2.15",
            .title = "Live restore is enabled",
            .severity = Severity::low,
            .rationale = "With live restore, containers keep running while the daemon is stopped or upgraded.",
            .remediation = "Set \"live-restore\": true in /etc/docker/daemon.json (or --live-restore) and reload the "
                           "daemon (systemctl reload docker).",
            .evaluate = DaemonEval{&live_restore}},
      Check{.id = "daemon.userland-proxy",
            .cis = "2.16",
            .title = "The userland proxy is disabled",
            .severity = Severity::low,
            .rationale = "The userland proxy is one more process per published port; hairpin NAT does the same job "
                         "with less attack surface.",
            .remediation = "Set \"userland-proxy\": false in /etc/docker/daemon.json (or --userland-proxy=false).",
            .evaluate = DaemonEval{[](const HostSnapshot& s, Results& out) {
              if (on_podman(s, out, "Podman has no userland proxy setting: rootful Podman publishes ports with firewall rules, rootless Podman through rootlessport")) return;
              const auto* d = config_or_skip(s, out);
              if (d == nullptr) return;
              const auto* v = effective(*d, "userland-proxy");
              if (is_false(v)) {
                out.pass(cite_effective(*d, "userland-proxy"));
              } else {
                out.fail((v != nullptr ? cite_effective(*d, "userland-proxy") : absent(*d, "userland-proxy", "true")) +
                         ": a docker-proxy process runs for every published port");
              }
            }}},
      Check{.id = "daemon.seccomp-profile",
            .cis = "2.17",
            .title = "The daemon-wide seccomp profile is Docker's default or stricter",
            .severity = Severity::medium,
            .rationale = "The daemon-wide profile filters the system calls of every container that does not choose "
                         "its own; \"unconfined\" removes the filter.",
            .remediation = "Leave \"seccomp-profile\" unset (the default profile) or point it at a reviewed profile "
                           "in /etc/docker/daemon.json; never \"unconfined\".",
            .evaluate = DaemonEval{&seccomp_profile},
            .manual = true},
      Check{.id = "daemon.experimental",
            .cis = "2.18",
            .title = "Experimental features are off in production",
            .severity = Severity::low,
            .rationale = "Experimental features are unsupported, may change without notice and have had less "
                         "security review.",
            .remediation = "Remove \"experimental\": true from /etc/docker/daemon.json (and --experimental).",
            .evaluate = DaemonEval{&experimental}},
  };
  return checks;
}

}  // namespace

std::span<const Check> daemon_checks() { return table(); }

}  // namespace drydock::checks
