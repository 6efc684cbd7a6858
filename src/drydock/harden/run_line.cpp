#include "drydock/harden/run_line.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/harden/findings.hpp"

namespace drydock::harden {
namespace {

using model::ContainerSpec;

/// True when the check `id` fails (or warns) on `spec`: the checks themselves decide what is
/// sensitive, beyond the default set or root, so harden never keeps a second list.
bool check_fails(std::string_view id, const ContainerSpec& spec) {
  const auto* check = checks::find_check(id);
  if (check == nullptr || check->scope() != checks::Scope::container) return false;
  checks::Results r;
  const model::HostSnapshot no_host;
  try {
    std::get<checks::ContainerEval>(check->evaluate)(spec, no_host, r);
  } catch (const std::exception&) {
    return false;
  }
  return r.finding() && (r.finding()->status == core::Status::fail || r.finding()->status == core::Status::warn);
}

/// The spec with only this mount / this added capability, for check_fails.
ContainerSpec with_mount(const model::Mount& m) {
  ContainerSpec s;
  s.mounts = {m};
  return s;
}

bool is_all(std::string_view cap) {
  const auto c = core::to_upper(cap);
  return c == "ALL" || c == "CAP_ALL";
}

std::string size_text(std::int64_t bytes) {
  constexpr std::int64_t mib = 1024 * 1024;
  if (bytes > 0 && bytes % mib == 0) return fmt::format("{}m", bytes / mib);
  return std::to_string(bytes);
}

/// A field of a --mount value: in double quotes when it holds a comma or a quote (docker reads it as CSV).
std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"") == std::string::npos) return field;
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string publish_value(const model::PortBinding& p) {
  std::string ip = p.host_ip;
  if (ip.find(':') != std::string::npos && !ip.starts_with('[')) ip = "[" + ip + "]";
  if (ip.empty()) return p.host_port.empty() ? p.container_port : p.host_port + ":" + p.container_port;
  return ip + ":" + p.host_port + ":" + p.container_port;
}

bool binds_all(const model::PortBinding& p) {
  return p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::" || p.host_ip == "[::]";
}

bool has_mount_at(const ContainerSpec& c, std::string_view path) {
  const auto want = core::normalize_path(path);
  if (std::any_of(c.mounts.begin(), c.mounts.end(),
                  [&](const model::Mount& m) { return core::normalize_path(m.destination) == want; }))
    return true;
  return std::any_of(c.tmpfs.begin(), c.tmpfs.end(), [&](const auto& t) { return core::normalize_path(t.first) == want; });
}

}  // namespace

std::string shell_quote(std::string_view word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") ==
                           std::string_view::npos)
    return std::string(word);
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string shell_command(const std::vector<std::string>& argv) {
  // "docker run" on the first line; then each flag with its value (the next word when it does not
  // start with '-' and the flag has no '='), the image and its arguments on the last line.
  std::string out;
  std::size_t i = 0;
  for (; i < argv.size() && i < 2; ++i)
    out += (i == 0 ? "" : " ") + shell_quote(argv[i]);
  static const std::set<std::string_view> k_bare = {"--detach", "--tty",     "--interactive", "--privileged",
                                                     "--read-only", "--publish-all", "--init"};
  while (i < argv.size()) {
    const std::string& a = argv[i];
    if (!a.starts_with("--")) break;  // the image
    std::string line = shell_quote(a);
    ++i;
    if (!k_bare.contains(a) && a.find('=') == std::string::npos && i < argv.size()) {
      line += " " + shell_quote(argv[i]);
      ++i;
    }
    out += " \\\n  " + line;
  }
  if (i < argv.size()) {
    std::string line;
    for (; i < argv.size(); ++i)
      line += (line.empty() ? "" : " ") + shell_quote(argv[i]);
    out += " \\\n  " + line;
  }
  return out + "\n";
}

std::vector<std::string> run_argv(const ContainerSpec& c, const std::vector<std::string>& image_env) {
  std::vector<std::string> a = {"docker", "run", "--detach"};
  auto flag = [&](std::string name, std::string value) {
    a.push_back(std::move(name));
    a.push_back(std::move(value));
  };
  if (!c.name.empty()) flag("--name", c.name);
  if (c.tty) a.emplace_back("--tty");
  if (c.open_stdin) a.emplace_back("--interactive");
  if (!c.user.empty()) flag("--user", c.user);
  if (!c.working_dir.empty()) flag("--workdir", c.working_dir);
  for (const auto& [key, value] : c.labels)
    flag("--label", key + "=" + value);
  for (const auto& e : c.env) {
    if (std::find(image_env.begin(), image_env.end(), e) == image_env.end()) flag("--env", e);
  }
  if (c.privileged) a.emplace_back("--privileged");
  for (const auto& cap : c.cap_drop)
    flag("--cap-drop", cap);
  for (const auto& cap : c.cap_add)
    flag("--cap-add", cap);
  for (const auto& opt : c.security_opt)
    flag("--security-opt", opt);
  if (c.readonly_rootfs) a.emplace_back("--read-only");
  for (const auto& [path, opts] : c.tmpfs)
    flag("--tmpfs", opts.empty() ? path : path + ":" + opts);
  for (const auto& m : c.mounts) {
    std::string v;
    if (m.type == "bind") {
      v = "type=bind," + csv_field("source=" + m.source) + "," + csv_field("target=" + m.destination);
      if (!m.propagation.empty() && m.propagation != "rprivate") v += ",bind-propagation=" + m.propagation;
    } else if (m.type == "volume") {
      v = "type=volume,";
      if (!m.name.empty()) v += csv_field("source=" + m.name) + ",";
      v += csv_field("target=" + m.destination);
    } else if (m.type == "tmpfs") {
      v = "type=tmpfs," + csv_field("target=" + m.destination);
    } else {
      continue;
    }
    if (!m.read_write) v += ",readonly";
    flag("--mount", v);
  }
  for (const auto& p : c.ports)
    flag("--publish", publish_value(p));
  if (c.publish_all_ports) a.emplace_back("--publish-all");
  if (!c.network_mode.empty() && c.network_mode != "default" && c.network_mode != "bridge") {
    flag("--network", c.network_mode);
  }
  if (c.pid_mode == "host" || c.pid_mode.starts_with("container:")) flag("--pid", c.pid_mode);
  if (c.ipc_mode == "host" || c.ipc_mode == "none" || c.ipc_mode.starts_with("container:")) flag("--ipc", c.ipc_mode);
  if (c.uts_mode == "host") flag("--uts", c.uts_mode);
  if (c.userns_mode == "host") flag("--userns", c.userns_mode);
  if (c.cgroupns_mode == "host") flag("--cgroupns", c.cgroupns_mode);
  if (!c.cgroup_parent.empty()) flag("--cgroup-parent", c.cgroup_parent);
  if (c.memory > 0) flag("--memory", size_text(c.memory));
  if (c.memory_reservation > 0) flag("--memory-reservation", size_text(c.memory_reservation));
  if (c.memory_swap != 0 && c.memory > 0) flag("--memory-swap", c.memory_swap < 0 ? "-1" : size_text(c.memory_swap));
  if (c.nano_cpus > 0) flag("--cpus", fmt::format("{:g}", static_cast<double>(c.nano_cpus) / 1e9));
  if (c.cpu_shares > 0) flag("--cpu-shares", std::to_string(c.cpu_shares));
  if (c.cpu_quota > 0) flag("--cpu-quota", std::to_string(c.cpu_quota));
  if (c.cpu_period > 0) flag("--cpu-period", std::to_string(c.cpu_period));
  if (!c.cpuset_cpus.empty()) flag("--cpuset-cpus", c.cpuset_cpus);
  if (c.pids_limit && *c.pids_limit > 0) flag("--pids-limit", std::to_string(*c.pids_limit));
  if (!c.restart_policy.empty() && c.restart_policy != "no") {
    flag("--restart", c.restart_policy == "on-failure" && c.restart_max_retries > 0
                          ? fmt::format("on-failure:{}", c.restart_max_retries)
                          : c.restart_policy);
  }
  for (const auto& d : c.devices)
    flag("--device", d.host_path + ":" + d.container_path + (d.permissions.empty() ? "" : ":" + d.permissions));
  for (const auto& r : c.device_cgroup_rules)
    flag("--device-cgroup-rule", r);
  for (const auto& u : c.ulimits)
    flag("--ulimit", fmt::format("{}={}:{}", u.name, u.soft, u.hard));
  for (const auto& g : c.group_add)
    flag("--group-add", g);
  for (const auto& h : c.extra_hosts)
    flag("--add-host", h);
  if (c.entrypoint) flag("--entrypoint", c.entrypoint->empty() ? std::string() : c.entrypoint->front());
  a.push_back(c.image.empty() ? c.image_id : c.image);
  if (c.entrypoint && c.entrypoint->size() > 1) a.insert(a.end(), c.entrypoint->begin() + 1, c.entrypoint->end());
  a.insert(a.end(), c.cmd.begin(), c.cmd.end());
  return a;
}

RunLine make_run_line(const ContainerSpec& container, const std::set<std::string>& failing, const RunLineOptions& o) {
  RunLine out;
  ContainerSpec& h = out.hardened;
  h = container;
  // A new container: nothing of the old one's life carries over.
  h.id.clear();
  h.state.clear();
  h.running = false;
  h.pid = 0;
  h.exec_ids.clear();
  h.execs.clear();
  h.processes.reset();
  h.processes_unavailable = "not created yet";
  h.health_status.clear();
  h.origin = "harden";

  auto fails = [&](std::string_view id) { return failing.contains(std::string(id)); };
  auto change = [&](std::string_view id, std::string what, std::string why) {
    out.changes.push_back(RunChange{std::string(id), std::move(what), std::move(why)});
  };
  auto remove_opts = [&](auto pred) {
    std::vector<std::string> removed;
    std::erase_if(h.security_opt, [&](const std::string& opt) {
      if (!pred(opt)) return false;
      removed.push_back(opt);
      return true;
    });
    return removed;
  };

  if (fails("runtime.privileged")) {
    h.privileged = false;
    change("runtime.privileged", "no --privileged",
           "a privileged container has every capability and device and no seccomp, AppArmor or SELinux confinement");
  }
  // Capabilities beyond the default set go; with --strict everything is dropped.
  const bool caps_fail = fails("runtime.capabilities-added") || fails("runtime.cap-all") || fails("runtime.cap-sys-admin") ||
                         fails("runtime.cap-sys-module") || fails("runtime.cap-sys-ptrace") ||
                         fails("runtime.cap-dac-read-search") || fails("runtime.cap-net-admin");
  if (caps_fail) {
    std::vector<std::string> dropped;
    std::erase_if(h.cap_add, [&](const std::string& cap) {
      ContainerSpec one;
      one.cap_add = {cap};
      if (!is_all(cap) && !check_fails("runtime.capabilities-added", one)) return false;
      dropped.push_back(cap);
      return true;
    });
    if (!dropped.empty()) {
      change("runtime.capabilities-added", "no --cap-add " + core::join(dropped, ", "),
             "each capability beyond the default set is a piece of root's power over the kernel");
    }
  }
  if (o.strict && std::none_of(h.cap_drop.begin(), h.cap_drop.end(), [](const std::string& c) { return is_all(c); })) {
    h.cap_drop = {"ALL"};
    change("runtime.capabilities-added", "--cap-drop ALL (--strict)",
           "only the capabilities in --cap-add remain; add back what the workload needs");
  }
  if (fails("runtime.apparmor-profile")) {
    const auto removed = remove_opts([](const std::string& s) { return s == "apparmor=unconfined" || s == "apparmor:unconfined"; });
    if (!removed.empty()) change("runtime.apparmor-profile", "no --security-opt " + core::join(removed, ", "), "the default AppArmor profile applies");
  }
  if (fails("runtime.selinux-options")) {
    const auto removed = remove_opts([](const std::string& s) { return s == "label=disable" || s == "label:disable"; });
    if (!removed.empty()) change("runtime.selinux-options", "no --security-opt " + core::join(removed, ", "), "SELinux labelling applies");
  }
  if (fails("runtime.seccomp-unconfined")) {
    const auto removed = remove_opts([](const std::string& s) { return s == "seccomp=unconfined" || s == "seccomp:unconfined"; });
    if (!removed.empty())
      change("runtime.seccomp-unconfined", "no --security-opt " + core::join(removed, ", "),
             "the default seccomp profile applies (`drydock seccomp record` makes a tighter one)");
  }
  if (fails("runtime.no-new-privileges")) {
    remove_opts([](const std::string& s) { return s.starts_with("no-new-privileges"); });
    h.security_opt.emplace_back("no-new-privileges:true");
    change("runtime.no-new-privileges", "--security-opt no-new-privileges:true",
           "setuid binaries and file capabilities cannot raise privileges");
  }
  if (fails("runtime.docker-socket-mount")) {
    std::vector<std::string> dropped;
    std::erase_if(h.mounts, [&](const model::Mount& m) {
      if (!check_fails("runtime.docker-socket-mount", with_mount(m))) return false;
      dropped.push_back(m.source + ":" + m.destination);
      return true;
    });
    if (!dropped.empty())
      change("runtime.docker-socket-mount", "dropped the mount " + core::join(dropped, ", "),
             "whoever reaches the Docker socket controls the host, read-only or not; give a tool that needs the API a "
             "filtering proxy");
  }
  if (fails("runtime.sensitive-host-mount")) {
    std::vector<std::string> touched;
    std::erase_if(h.mounts, [&](model::Mount& m) {
      if (m.type != "bind" || !check_fails("runtime.sensitive-host-mount", with_mount(m))) return false;
      touched.push_back(m.source + ":" + m.destination);
      if (o.strict) return true;
      m.read_write = false;
      return false;
    });
    if (!touched.empty()) {
      if (o.strict) {
        change("runtime.sensitive-host-mount", "dropped the mount " + core::join(touched, ", ") + " (--strict)",
               "host system directories let the container read secrets or change the host");
      } else {
        change("runtime.sensitive-host-mount", "read-only mount " + core::join(touched, ", "),
               "the container can no longer change the host's files; it still reads them (drop the mount, or use "
               "--strict)");
      }
    }
  }
  if (fails("runtime.mount-propagation-shared")) {
    for (auto& m : h.mounts) {
      if (m.propagation == "shared" || m.propagation == "rshared") {
        change("runtime.mount-propagation-shared", "default propagation for " + m.destination,
               "mounts made in the container no longer reach the host");
        m.propagation.clear();
      }
    }
  }
  if (fails("runtime.readonly-rootfs")) {
    h.readonly_rootfs = true;
    std::vector<std::string> added;
    for (const char* path : {"/tmp", "/run"}) {
      if (has_mount_at(h, path)) continue;
      h.tmpfs[path] = "";
      added.emplace_back(path);
    }
    change("runtime.readonly-rootfs", added.empty() ? "--read-only" : "--read-only, with --tmpfs " + core::join(added, " and "),
           "nobody can change the image's files; the memory-backed tmpfs keeps the scratch paths writable");
  }
  if (fails("runtime.memory-limit")) {
    if (o.usage && o.usage->memory) {
      h.memory = std::max(memory_limit_for(*o.usage->memory), h.memory_reservation);
      change("runtime.memory-limit", "--memory " + size_text(h.memory),
             fmt::format("twice the {:.1f} MiB the container uses now (engine stats), at least 64 MiB",
                         static_cast<double>(*o.usage->memory) / (1024.0 * 1024.0)));
    } else {
      out.notes.emplace_back(
          "runtime.memory-limit: no --memory: the container is not running, so its memory use is unknown; add "
          "--memory with its peak use plus headroom");
    }
  }
  if (fails("runtime.cpu-limit")) {
    h.cpu_shares = 512;
    change("runtime.cpu-limit", "--cpu-shares 512", "half the default CPU weight under contention; no cap while CPU is spare");
  }
  if (fails("runtime.pids-limit")) {
    const auto [limit, why] = pids_limit_for(o.usage ? o.usage->pids : std::nullopt, "the container");
    h.pids_limit = limit;
    change("runtime.pids-limit", "--pids-limit " + std::to_string(limit), why);
  }
  if (fails("runtime.restart-policy")) {
    h.restart_policy = "on-failure";
    h.restart_max_retries = 5;
    change("runtime.restart-policy", "--restart on-failure:5",
           "a crash loop stops after 5 attempts and shows; on-failure containers are not started again when the daemon "
           "restarts");
  }
  for (auto [id, field, flag] : {std::tuple{"runtime.host-pid", &ContainerSpec::pid_mode, "--pid host"},
                                 std::tuple{"runtime.host-ipc", &ContainerSpec::ipc_mode, "--ipc host"},
                                 std::tuple{"runtime.host-uts", &ContainerSpec::uts_mode, "--uts host"},
                                 std::tuple{"runtime.host-userns", &ContainerSpec::userns_mode, "--userns host"}}) {
    if (fails(id) && h.*field == "host") {
      h.*field = "";
      change(id, std::string("no ") + flag, "the container gets a namespace of its own");
    }
  }
  if (fails("runtime.host-network")) {
    if (o.strict) {
      h.network_mode = "bridge";
      h.networks = {"bridge"};
      change("runtime.host-network", "no --network host (--strict)",
             "the container no longer sees the host's interfaces; publish the ports it listens on with --publish");
    } else {
      out.notes.emplace_back(
          "runtime.host-network: kept --network host: leaving it changes how the service is reached; publish its ports "
          "and drop it, or run with --strict");
    }
  }
  if (fails("runtime.port-all-interfaces")) {
    if (o.publish_all_interfaces) {
      out.notes.emplace_back("runtime.port-all-interfaces: ports kept on every interface (--publish-all-interfaces)");
    } else {
      std::vector<model::PortBinding> ports;
      std::vector<std::string> moved;
      for (auto p : h.ports) {
        if (binds_all(p)) {
          moved.push_back(publish_value(p));
          p.host_ip = p.host_ip.find(':') != std::string::npos ? "::1" : "127.0.0.1";
          if (p.host_ip == "::1") continue;  // the IPv4 binding of the same port stands for both
        }
        const bool dup = std::any_of(ports.begin(), ports.end(), [&](const model::PortBinding& q) {
          return q.host_ip == p.host_ip && q.host_port == p.host_port && q.container_port == p.container_port;
        });
        if (!dup) ports.push_back(p);
      }
      h.ports = std::move(ports);
      if (!moved.empty())
        change("runtime.port-all-interfaces", "ports on 127.0.0.1 only: " + core::join(moved, ", "),
               "reachable from this host only; use --publish-all-interfaces to keep them public");
      if (h.publish_all_ports) {
        h.publish_all_ports = false;
        change("runtime.port-all-interfaces", "no --publish-all",
               "every exposed port was public; publish the ones needed with --publish 127.0.0.1:PORT:PORT");
      }
    }
  }
  if (fails("runtime.user-root")) {
    ContainerSpec as_image;
    if (o.image_user) as_image.user = *o.image_user;
    if (o.image_user && !o.image_user->empty() && !check_fails("runtime.user-root", as_image)) {
      h.user = *o.image_user;
      change("runtime.user-root", "the image's USER " + *o.image_user, "the image was made to run as that user");
    } else if (o.strict) {
      h.user = "65534:65534";
      change("runtime.user-root", "--user 65534:65534 (--strict)", "runs as nobody; the image must not need to write as root");
    } else {
      out.notes.emplace_back(
          "runtime.user-root: still root: the image has no non-root USER, and a non-root user breaks images that write "
          "as root; add --user UID:GID, or run with --strict");
    }
  }
  if (fails("runtime.healthcheck"))
    out.notes.emplace_back("runtime.healthcheck: add --health-cmd with a check that fits the service");
  if (fails("runtime.privileged-ports"))
    out.notes.emplace_back("runtime.privileged-ports: kept: moving a published port changes the service's address");
  if (fails("runtime.cgroup-parent")) out.notes.emplace_back("runtime.cgroup-parent: kept --cgroup-parent: it may be intended");
  if (!h.devices.empty()) {
    std::vector<std::string> paths;
    for (const auto& d : h.devices)
      paths.push_back(d.host_path);
    out.notes.push_back("runtime.host-devices: devices passed one by one are kept: " + core::join(paths, ", "));
  }
  // Labels: the container's own (the image's come back with the image); docker compose's
  // bookkeeping labels would make compose take the new container for one of its own.
  std::vector<std::string> compose_labels;
  std::erase_if(h.labels, [&](const auto& label) {
    const auto& [key, value] = label;
    if (key.starts_with("com.docker.compose.")) {
      compose_labels.push_back(key);
      return true;
    }
    const auto it = o.image_labels.find(key);
    return it != o.image_labels.end() && it->second == value;
  });
  if (!compose_labels.empty())
    out.notes.emplace_back("docker compose's labels (" + core::join(compose_labels, ", ") +
                           ") are not carried over: a service of a Compose project is better fixed with drydock harden compose");
  if (h.networks.size() > 1) {
    for (const auto& n : h.networks) {
      if (n == h.network_mode) continue;
      out.notes.emplace_back(fmt::format("also attached to {}: docker network connect {} {}", n, n, h.name));
    }
  }
  out.argv = run_argv(h, o.image_env);
  // --user equal to the image's USER is the image's default: leave the flag out.
  if (o.image_user && h.user == *o.image_user) {
    for (std::size_t i = 0; i + 1 < out.argv.size(); ++i) {
      if (out.argv[i] == "--user") {
        out.argv.erase(out.argv.begin() + static_cast<std::ptrdiff_t>(i), out.argv.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        break;
      }
    }
  }
  return out;
}

}  // namespace drydock::harden
