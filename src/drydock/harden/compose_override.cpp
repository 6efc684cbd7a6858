#include "drydock/harden/compose_override.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"
#include "drydock/harden/findings.hpp"

namespace drydock::harden {
namespace {

using core::Status;

bool is_finding(Status s) { return s == Status::fail || s == Status::warn; }

/// A YAML scalar in double quotes (valid for every YAML 1.1 and 1.2 reader).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// A mapping key: plain when it is a simple name, else quoted.
std::string key(std::string_view name) {
  const bool plain = !name.empty() && std::isalnum(static_cast<unsigned char>(name.front())) &&
                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                         std::string_view::npos;
  return plain ? std::string(name) : quoted(name);
}

/// A comment on one line: newlines would end it.
std::string comment(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

/// The lines written for one service.
class ServiceBlock {
 public:
  explicit ServiceBlock(std::string service) : m_service(std::move(service)) {}

  void scalar(std::string_view name, std::string value, std::string_view check, std::string_view why) {
    m_lines += fmt::format("    {}: {}  # {}: {}\n", name, value, check, comment(why));
    m_changes.push_back(Change{m_service, std::string(check), fmt::format("{}: {}", name, value)});
  }
  void list(std::string_view name, const std::vector<std::pair<std::string, std::string>>& items, std::string_view check) {
    if (items.empty()) return;
    m_lines += fmt::format("    {}:\n", name);
    for (const auto& [value, why] : items) {
      m_lines += fmt::format("      - {}  # {}: {}\n", quoted(value), check, comment(why));
      m_changes.push_back(Change{m_service, std::string(check), fmt::format("{}: [{}]", name, quoted(value))});
    }
  }
  void note(std::string_view text) { m_lines += fmt::format("    # {}\n", comment(text)); }

  [[nodiscard]] bool empty() const { return m_lines.empty(); }
  [[nodiscard]] const std::string& lines() const { return m_lines; }
  [[nodiscard]] std::vector<Change>& changes() { return m_changes; }

 private:
  std::string m_service;
  std::string m_lines;
  std::vector<Change> m_changes;
};

bool has_mount_at(const model::ContainerSpec& c, std::string_view destination) {
  return std::any_of(c.mounts.begin(), c.mounts.end(), [&](const model::Mount& m) {
    return core::normalize_path(m.destination) == core::normalize_path(destination);
  });
}

}  // namespace

Override make_override(const model::ComposeProject& project, const audit::Report& before, const OverrideOptions& options) {
  Override out;
  out.services_yaml = "services:\n";
  bool any = false;
  for (const auto& s : project.services) {
    const auto failing = failing_checks(before, "compose-service", s.name);
    auto fails = [&](std::string_view id) { return failing.contains(std::string(id)); };
    const auto& spec = s.spec;
    ServiceBlock b(s.name);

    if (fails("runtime.privileged")) {
      b.scalar("privileged", "false", "runtime.privileged",
               "a privileged container has every capability and device and no seccomp, AppArmor or SELinux "
               "confinement; add the devices or capabilities it needs one by one");
    }
    if (fails("runtime.readonly-rootfs")) {
      b.scalar("read_only", "true", "runtime.readonly-rootfs", "nobody can change the image's files in the container");
      std::vector<std::pair<std::string, std::string>> tmpfs;
      for (const char* path : {"/tmp", "/run"}) {
        if (!has_mount_at(spec, path))
          tmpfs.emplace_back(path, "the read-only root keeps a writable, memory-backed " + std::string(path));
      }
      b.list("tmpfs", tmpfs, "runtime.readonly-rootfs");
    }
    if (fails("runtime.no-new-privileges")) {
      b.list("security_opt", {{"no-new-privileges:true", "setuid binaries and file capabilities cannot raise privileges"}},
             "runtime.no-new-privileges");
    }
    const auto usage_it = options.usage.find(s.name);
    const Usage* usage = usage_it == options.usage.end() ? nullptr : &usage_it->second;
    if (fails("runtime.memory-limit")) {
      if (usage != nullptr && usage->memory) {
        const auto limit = memory_limit_for(*usage->memory);
        b.scalar("mem_limit", fmt::format("{}m", limit / (1024 * 1024)), "runtime.memory-limit",
                 fmt::format("twice the {} MiB {} uses now, at least 64 MiB", *usage->memory / (1024 * 1024), usage->source));
      } else {
        b.note(
            "runtime.memory-limit: mem_limit is not set: what the service uses is not in its files; set it to its "
            "peak memory use plus headroom (`drydock harden container` measures a running container)");
      }
    }
    if (fails("runtime.cpu-limit")) {
      b.scalar("cpu_shares", "512", "runtime.cpu-limit",
               "half the default CPU weight under contention; no cap while the host has CPU to spare");
    }
    if (fails("runtime.pids-limit")) {
      const auto [limit, why] = pids_limit_for(usage != nullptr ? usage->pids : std::nullopt,
                                               usage != nullptr ? usage->source : std::string());
      b.scalar("pids_limit", std::to_string(limit), "runtime.pids-limit", why);
    }
    if (fails("runtime.restart-policy")) {
      b.scalar("restart", quoted("on-failure:5"), "runtime.restart-policy",
               "a crash loop stops after 5 attempts and shows; note that on-failure containers are not started again "
               "when the daemon restarts (start them with `docker compose up -d`)");
    }
    if (options.strict && fails("runtime.user-root")) {
      b.scalar("user", quoted("65534:65534"), "runtime.user-root",
               "--strict: runs as nobody; the image must not need to write as root");
    } else if (fails("runtime.user-root")) {
      b.note(
          "runtime.user-root: user is not set: a non-root user breaks images that write as root; set `user:` to the "
          "uid the image runs as, or run `drydock harden compose --strict`");
    }
    if (options.strict) {
      const bool drops_all = std::any_of(spec.cap_drop.begin(), spec.cap_drop.end(), [](const std::string& d) {
        return core::to_upper(d) == "ALL" || core::to_upper(d) == "CAP_ALL";
      });
      if (!drops_all) {
        b.list("cap_drop", {{"ALL", "--strict: only the capabilities in cap_add remain; add back what the service needs"}},
               "runtime.capabilities-added");
      }
    }
    if (b.empty()) continue;
    any = true;
    out.services_yaml += fmt::format("  {}:\n{}", key(s.name), b.lines());
    auto& changes = b.changes();
    out.changes.insert(out.changes.end(), changes.begin(), changes.end());
  }
  if (!any) out.services_yaml = "services: {}\n";
  return out;
}

std::vector<Edit> remaining_edits(const audit::Report& before, const audit::Report& after, const std::string& override_path) {
  std::map<std::pair<std::string, std::string>, const audit::Result*> still;  // (check id, service)
  for (const auto& r : after.results) {
    if (r.subject->kind == "compose-service" && is_finding(r.finding.status)) still[{std::string(r.check->id), r.subject->name}] = &r;
  }
  std::vector<Edit> out;
  for (const auto& r : before.results) {
    if (r.subject->kind != "compose-service" || !is_finding(r.finding.status)) continue;
    const auto it = still.find({std::string(r.check->id), r.subject->name});
    if (it == still.end()) continue;
    // What is still found, at the base file's key (never at the override's, which is not to be edited).
    const auto& now = it->second->finding;
    model::Location at = now.location.value_or(model::Location{});
    if (at.file.empty() || at.file == override_path) at = r.finding.location.value_or(model::Location{});
    out.push_back(Edit{r.subject->name, std::string(r.check->id), now.status, at, now.evidence.str(), std::string(r.check->remediation)});
  }
  return out;
}

std::string edit_line(const Edit& e) {
  std::string where = e.location.file.empty() ? std::string("-") : e.location.file.str();
  if (e.location.line > 0) where += fmt::format(":{}:{}", e.location.line, e.location.column);
  return fmt::format("{}: {}: {}{}: {}", where, e.service, e.check_id, e.status == Status::warn ? " (warn)" : "",
                     e.remediation);
}

std::string override_file(const Override& o, const std::vector<Edit>& edits, const std::vector<std::string>& base_files,
                          const std::string& override_path) {
  std::string out = "# Written by `drydock harden compose`: what an override can fix in the findings of\n";
  for (const auto& f : base_files)
    out += "#   " + comment(f) + "\n";
  std::string apply = "docker compose";
  for (const auto& f : base_files)
    apply += " -f " + f;
  apply += " -f " + override_path + " up -d";
  out += "# Apply with: " + comment(apply) + "\n";
  out += "# Each setting names the check it fixes and why. Nothing here is reset or removed: an override cannot.\n";
  if (edits.empty()) {
    out += "#\n# No edit left: every finding is fixed by this file.\n";
  } else {
    out += fmt::format("#\n# {} finding{} an override cannot fix; edit the base files:\n", edits.size(),
                       edits.size() == 1 ? "" : "s");
    for (const auto& e : edits)
      out += "#   " + comment(edit_line(e)) + "\n";
  }
  out += "\n" + o.services_yaml;
  return out;
}

std::string findings_summary(const audit::Report& report) {
  int fail = 0;
  int warn = 0;
  for (const auto& r : report.results) {
    if (r.finding.status == Status::fail) ++fail;
    if (r.finding.status == Status::warn) ++warn;
  }
  return fmt::format("{} finding{} ({} fail, {} warn)", fail + warn, fail + warn == 1 ? "" : "s", fail, warn);
}

}  // namespace drydock::harden
