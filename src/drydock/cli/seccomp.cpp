#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "drydock/cli/common.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/collect/process.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/harden/seccomp_profile.hpp"
#include "drydock/parse/docker_run.hpp"
#include "drydock/parse/seccomp_log.hpp"

namespace drydock::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t k_log_limit = std::size_t{1} << 30U;  // audit logs grow large

/// Options of `drydock seccomp build`.
struct BuildOptions {
  std::vector<std::string> from_audit;
  std::vector<std::string> from_strace;
  std::string output = "-";
  bool allow_partial = false;
};

/// Options of `drydock seccomp record`.
struct RecordOptions {
  std::string output = "-";
  std::string audit_log;
  double duration_s = 0;
  bool allow_partial = false;
  bool complain = false;
  std::vector<std::string> command;
};

/// SECCOMP records are logged with the filter's action: SCMP_ACT_LOG for the complain profile.
constexpr std::uint32_t k_action_log = 0x7ffc0000U;
/// The kernel's printk rate limit (DEFAULT_RATELIMIT_BURST) that kauditd_printk_skb is under.
constexpr std::size_t k_kernel_log_burst = 10;
constexpr std::uint64_t k_kernel_log_interval_us = 5'000'000;

/// Writes `text` to `path` ("-" = standard output) through a temporary file beside it, so that
/// a failed write never leaves half a profile.
core::Expected<bool> write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return true;
  }
  const std::string tmp = path + ".drydock-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return core::fail(core::ErrorKind::io, "cannot write the profile", path);
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return core::fail(core::ErrorKind::io, "cannot write the profile: " + ec.message(), path);
  }
  return true;
}

std::string list_or_none(const std::vector<std::string>& names) { return names.empty() ? "none" : core::join(names, " "); }

/// The records as calls to resolve.
std::vector<harden::SyscallRef> seccomp_calls(const std::vector<parse::SeccompRecord>& records) {
  std::vector<harden::SyscallRef> calls;
  calls.reserve(records.size());
  for (const auto& r : records)
    calls.push_back(harden::SyscallRef{r.arch, r.arch_name, r.syscall, r.syscall_name});
  return calls;
}

/// Builds the restricted profile from the observed calls, compiles it, writes it; prints what
/// it allows on stderr. Returns the exit code.
int write_seccomp_profile(const std::vector<harden::SyscallRef>& calls, const std::string& output, bool quiet) {
  const auto resolved = harden::resolve_calls(calls);
  if (resolved.names.empty())
    return report_error(core::Error{core::ErrorKind::parse, "no system call was observed: no profile written", ""});
  auto profile = harden::restrict_default_profile(resolved.names);
  if (!profile) return report_error(profile.error());
  if (auto compiled = harden::compile_profile(profile->json); !compiled)
    return report_error(core::Error{compiled.error().kind, "the profile does not compile, not written: " + compiled.error().message, ""});
  if (auto written = write_output(output, harden::profile_text(profile->json)); !written) return report_error(written.error());
  if (!quiet) {
    std::cerr << fmt::format("drydock: {} system calls observed; the profile allows {} (Docker's default profile from {}, "
                             "restricted)\n",
                             resolved.names.size(), profile->allowed.size(), harden::docker_default_profile_version());
    std::cerr << "drydock: added for the container runtime: " << list_or_none(profile->added) << "\n";
    if (!profile->not_allowed.empty())
      std::cerr << "drydock: observed but denied by Docker's default profile too, still denied: "
                << list_or_none(profile->not_allowed) << "\n";
    if (!resolved.unknown.empty())
      std::cerr << "drydock: not system calls libseccomp knows, ignored: " << list_or_none(resolved.unknown) << "\n";
    if (output != "-") std::cerr << "drydock: wrote " << output << " (use: docker run --security-opt seccomp=" << output << " ...)\n";
  }
  return k_exit_ok;
}

/// Reports a partial record; true when the caller must stop.
bool refuse_partial(const parse::SeccompLog& log, const std::string& source, bool allow_partial) {
  if (!log.partial()) return false;
  std::cerr << fmt::format("drydock: {}: the kernel dropped audit records ({} note{}), so calls may be missing:\n", source,
                           log.loss_notes, log.loss_notes == 1 ? "" : "s");
  for (const auto& s : log.loss_samples)
    std::cerr << "drydock:   " << s << "\n";
  if (allow_partial) {
    std::cerr << "drydock: --allow-partial: the profile may miss calls the workload makes\n";
    return false;
  }
  std::cerr << "drydock: refusing to write a profile from a partial record (record with auditd running: `auditd; auditctl "
               "-e 1`; if auditd itself lost records, raise its backlog: `auditctl -b 8192 -r 0`; --allow-partial writes it "
               "anyway)\n";
  return true;
}

int cmd_build(const Common& c, const BuildOptions& o) {
  if (o.from_audit.empty() && o.from_strace.empty())
    return report_error(core::Error{core::ErrorKind::usage, "give --from-audit FILE and/or --from-strace FILE", ""});
  std::vector<parse::SeccompRecord> records;
  bool stop = false;
  const auto add = [&](const std::string& path, bool strace) -> int {
    auto text = collect::read_input(path, k_log_limit);
    if (!text) return report_error(text.error());
    auto log = strace ? parse::parse_strace(*text) : parse::parse_audit_log(*text);
    if (!c.quiet)
      std::cerr << fmt::format("drydock: {}: {} {} in {} lines\n", path, log.records.size(),
                               strace ? "system calls" : "SECCOMP records", log.lines);
    stop = stop || refuse_partial(log, path, o.allow_partial);
    records.insert(records.end(), std::make_move_iterator(log.records.begin()), std::make_move_iterator(log.records.end()));
    return k_exit_ok;
  };
  for (const auto& f : o.from_audit)
    if (const int rc = add(f, false); rc != k_exit_ok) return rc;
  for (const auto& f : o.from_strace)
    if (const int rc = add(f, true); rc != k_exit_ok) return rc;
  if (stop) return k_exit_findings;
  return write_seccomp_profile(seccomp_calls(records), o.output, c.quiet);
}

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int /*signal*/) { g_interrupted = 1; }

/// Removes the temporary folder of a recording when it ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

/// Where the records come from: --audit-log, auditd's log when auditd runs, else the kernel log.
core::Expected<collect::LogTail> open_source(const RecordOptions& o, const std::optional<collect::AuditStatus>& status,
                                             bool quiet) {
  if (!o.audit_log.empty()) return collect::LogTail::open(o.audit_log);
  // Without the kernel's word (not root), auditd's log is tried when it is there.
  const bool auditd = status ? status->daemon_pid != 0 : true;
  std::string auditd_error;
  if (auditd) {
    auto tail = collect::LogTail::open(collect::auditd_log_path());
    if (tail) return tail;
    auditd_error = tail.error().describe();
  }
  auto kmsg = collect::LogTail::open("/dev/kmsg");
  if (kmsg) {
    if (!quiet)
      std::cerr << "drydock: auditd does not run: reading the kernel log (/dev/kmsg), which drops records under load; "
                   "start auditd for a complete record\n";
    return kmsg;
  }
  return core::fail(core::ErrorKind::permission,
                    fmt::format("neither auditd's log ({}) nor the kernel log ({}) is readable: run as root, or give "
                                "--audit-log FILE",
                                auditd_error.empty() ? "auditd does not run" : auditd_error, kmsg.error().describe()));
}

std::string read_small_file(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return std::string(core::trim(s));
}

int cmd_record(const Common& c, const RecordOptions& o) {
  if (o.complain) {
    const auto profile = harden::complain_profile();
    if (auto compiled = harden::compile_profile(profile); !compiled) return report_error(compiled.error());
    if (auto written = write_output(o.output, harden::profile_text(profile)); !written) return report_error(written.error());
    if (!c.quiet && o.output != "-")
      std::cerr << "drydock: wrote the log-only profile " << o.output << " (every call allowed and logged as a SECCOMP "
                << "audit record; build the profile from them with `drydock seccomp build --from-audit`)\n";
    return k_exit_ok;
  }
  auto run = parse::parse_docker_run(o.command);
  if (!run) return report_error(run.error());
  if (run->privileged)
    return report_error(core::Error{core::ErrorKind::usage, "--privileged turns seccomp off: there is nothing to record", ""});
  if (run->seccomp())
    return report_error(
        core::Error{core::ErrorKind::usage, "the command already sets a seccomp profile (--security-opt seccomp=...)", ""});

  std::optional<collect::AuditStatus> status;
  if (auto s = collect::audit_status()) {
    status = *s;
    if (!s->enabled)
      return report_error(core::Error{core::ErrorKind::unreachable,
                                      "audit is disabled in the kernel (`auditctl -s` shows enabled 0), so no SECCOMP record "
                                      "is written: enable it with `auditctl -e 1` and record again",
                                      ""});
  } else if (!c.quiet) {
    std::cerr << "drydock: " << s.error().describe() << "; assuming audit is enabled\n";
  }
  auto tail = open_source(o, status, c.quiet);
  if (!tail) return report_error(tail.error());

  TempDir tmp;
  {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / "drydock-seccomp-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr)
      return report_error(core::Error{core::ErrorKind::io, "cannot create a temporary folder", templ});
    tmp.path = templ;
  }
  const fs::path complain = tmp.path / "complain.json";
  if (auto w = write_output(complain.string(), harden::profile_text(harden::complain_profile())); !w) return report_error(w.error());
  const fs::path cidfile = run->cidfile ? fs::path(*run->cidfile) : tmp.path / "cid";

  std::vector<std::string> argv(o.command.begin(), o.command.begin() + static_cast<std::ptrdiff_t>(run->run_index) + 1);
  argv.insert(argv.end(), {"--security-opt", "seccomp=" + complain.string()});
  if (!run->cidfile) argv.insert(argv.end(), {"--cidfile", cidfile.string()});
  argv.insert(argv.end(), o.command.begin() + static_cast<std::ptrdiff_t>(run->run_index) + 1, o.command.end());
  // `docker [global options]` for the commands drydock adds (wait, stop).
  std::vector<std::string> docker(o.command.begin(), o.command.begin() + static_cast<std::ptrdiff_t>(run->run_index));
  if (docker.size() > 1 && docker.back() == "container") docker.pop_back();

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  const auto wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  auto child = collect::Child::spawn(argv);
  if (!child) return report_error(child.error());
  std::string cid;
  std::set<int> inside;
  std::set<int> outside;
  std::optional<collect::Child> waiter;  // `docker wait` for a detached container
  std::optional<int> run_exit;
  std::optional<int> container_exit;
  bool stopping = false;
  while (true) {
    if (std::error_code ec; cid.empty() && fs::exists(cidfile, ec)) cid = read_small_file(cidfile);
    if (!cid.empty()) {
      const auto scan = collect::scan_container_pids(cid);
      inside.insert(scan.inside.begin(), scan.inside.end());
      outside.insert(scan.outside.begin(), scan.outside.end());
    }
    if (!run_exit) run_exit = child->wait_for(std::chrono::milliseconds(0));
    if (run_exit && !run->detach) {
      container_exit = run_exit;
      break;
    }
    if (run_exit && run->detach) {
      if (*run_exit != 0 || cid.empty()) break;
      if (!waiter) {
        auto w = docker;
        w.insert(w.end(), {"wait", cid});
        auto spawned = collect::Child::spawn(w);
        if (!spawned) return report_error(spawned.error());
        waiter.emplace(std::move(*spawned));
      }
      if (auto done = waiter->wait_for(std::chrono::milliseconds(0))) {
        container_exit = done;
        break;
      }
    }
    const bool timed_out = o.duration_s > 0 && std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(o.duration_s);
    if (!stopping && !cid.empty() && (timed_out || g_interrupted != 0)) {
      stopping = true;
      if (!c.quiet) std::cerr << "drydock: stopping the container " << cid.substr(0, 12) << "\n";
      auto stop = docker;
      stop.insert(stop.end(), {"stop", cid});
      (void)collect::run_capture(stop, std::chrono::seconds(60));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto wall_end = std::chrono::system_clock::now();
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  if (cid.empty()) {
    std::cerr << "drydock: the container was not created (docker run exited with " << run_exit.value_or(-1)
              << "): nothing recorded\n";
    return run_exit && *run_exit != 0 ? *run_exit : k_exit_unreachable;
  }
  // auditd writes asynchronously: let it catch up.
  std::string text;
  for (int round = 0; round < 10; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(round == 0 ? 1000 : 300));
    auto more = tail->read_new();
    if (!more) return report_error(more.error());
    if (more->empty() && round > 0) break;
    text += *more;
  }
  auto log = parse::parse_audit_log(text);
  if (status) {
    if (auto after = collect::audit_status(); after && after->lost > status->lost) {
      ++log.loss_notes;
      log.loss_samples.push_back(fmt::format("the kernel's count of lost audit records rose by {} (auditctl -s: lost)",
                                             after->lost - status->lost));
    }
  }
  if (tail->path() == "/dev/kmsg" &&
      collect::reaches_burst(tail->audit_message_times(), k_kernel_log_burst, k_kernel_log_interval_us)) {
    // Without auditd the kernel prints audit records rate-limited, and says how many it
    // suppressed only with the next message it prints, which may come long after.
    ++log.loss_notes;
    log.loss_samples.push_back(fmt::format("the kernel log printed {} audit messages within 5 seconds: without auditd it "
                                           "prints no more and drops the rest (the `callbacks suppressed` note comes later)",
                                           k_kernel_log_burst));
  }
  if (tail->overrun()) {
    ++log.loss_notes;
    log.loss_samples.push_back("the kernel's ring buffer was overwritten before drydock read it");
  }
  if (tail->rotated() && !c.quiet) std::cerr << "drydock: " << tail->path() << " was rotated while recording; read from its start\n";

  const double t0 = std::chrono::duration<double>(wall_start.time_since_epoch()).count() - 2;
  const double t1 = std::chrono::duration<double>(wall_end.time_since_epoch()).count() + 2;
  std::vector<parse::SeccompRecord> mine;
  std::size_t unseen = 0;
  std::size_t others = 0;
  std::set<int> pids;
  std::set<std::string> comms;
  for (auto& r : log.records) {
    bool take = false;
    if (inside.count(static_cast<int>(r.pid)) != 0) {
      take = true;
    } else if (outside.count(static_cast<int>(r.pid)) == 0 && r.has_code && r.code == k_action_log && r.time >= t0 &&
               r.time <= t1) {
      take = true;  // a process that ended between two looks at /proc
      ++unseen;
    }
    if (!take) {
      ++others;
      continue;
    }
    pids.insert(static_cast<int>(r.pid));
    comms.insert(r.comm);
    mine.push_back(std::move(r));
  }
  if (!c.quiet) {
    std::cerr << fmt::format("drydock: {}: {} SECCOMP records of container {} from {} processes ({}){}\n", tail->path(),
                             mine.size(), cid.substr(0, 12), pids.size(),
                             core::join(std::vector<std::string>(comms.begin(), comms.end()), " "),
                             others > 0 ? fmt::format("; {} records of other processes left out", others) : "");
    if (unseen > 0)
      std::cerr << fmt::format("drydock: {} of them from processes that ended before drydock saw them in /proc, taken by "
                               "their action (log) and time\n",
                               unseen);
    if (container_exit && *container_exit != 0)
      std::cerr << "drydock: the workload exited with code " << *container_exit << "\n";
  }
  if (mine.empty() && container_exit && *container_exit == 125)
    return report_error(core::Error{core::ErrorKind::unreachable, "docker run failed (exit 125, see its message above): nothing recorded", ""});
  if (mine.empty())
    return report_error(core::Error{core::ErrorKind::not_found,
                                    "no SECCOMP record of the container was found: is audit logging SCMP_ACT_LOG "
                                    "(/proc/sys/kernel/seccomp/actions_logged lists \"log\")?",
                                    tail->path()});
  if (refuse_partial(log, tail->path(), o.allow_partial)) return k_exit_findings;
  return write_seccomp_profile(seccomp_calls(mine), o.output, c.quiet);
}

}  // namespace

Command add_seccomp(CLI::App& app, Common& common) {
  auto* seccomp = app.add_subcommand(
      "seccomp", "Seccomp profiles from observed system calls: Docker's default profile restricted to what a workload does");
  seccomp->require_subcommand(1);

  auto build_options = std::make_shared<BuildOptions>();
  auto* build = seccomp->add_subcommand(
      "build", "Build a profile offline from SECCOMP audit records (auditd's log, kernel messages) and/or strace -f output");
  build->add_option("--from-audit", build_options->from_audit,
                    "auditd's log, dmesg, syslog or journald output with SECCOMP (type 1326) records; may be repeated")
      ->check(CLI::ExistingFile);
  build->add_option("--from-strace", build_options->from_strace, "`strace -f` output; may be repeated")->check(CLI::ExistingFile);
  build->add_option("--output,-o", build_options->output, "Where to write the profile (default: standard output)");
  build->add_flag("--allow-partial", build_options->allow_partial,
                  "Write the profile even when the kernel says it dropped records (`callbacks suppressed`)");
  build->add_flag("--quiet,-q", common.quiet, "No summary on stderr");
  add_now_option(*build, common);

  auto record_options = std::make_shared<RecordOptions>();
  auto* record = seccomp->add_subcommand(
      "record",
      "Run a `docker run` line with a log-only seccomp profile, collect its container's SECCOMP audit records, write the "
      "profile (this runs the command given: the container runs with every system call allowed and logged)");
  record->add_option("--output,-o", record_options->output, "Where to write the profile (default: standard output)");
  record->add_option("--audit-log", record_options->audit_log,
                     "Read the records from this file (default: auditd's log when auditd runs, else /dev/kmsg)");
  record->add_option("--duration", record_options->duration_s,
                     "Stop the container after this many seconds (for services; default: wait for it to end, or Ctrl-C)")
      ->check(CLI::PositiveNumber);
  record->add_flag("--allow-partial", record_options->allow_partial,
                   "Write the profile even when the kernel dropped records");
  record->add_flag("--complain", record_options->complain,
                   "Only write the log-only profile (SCMP_ACT_LOG) to --output, for recording by other means");
  record->add_flag("--quiet,-q", common.quiet, "No summary on stderr");
  add_now_option(*record, common);
  record->add_option("command", record_options->command, "-- docker run [OPTIONS] IMAGE [COMMAND] [ARG...]");

  return Command{seccomp,
                 [&common, build, build_options, record, record_options] {
                   if (build->parsed()) return cmd_build(common, *build_options);
                   if (record->parsed()) return cmd_record(common, *record_options);
                   return k_exit_usage;
                 },
                 false};
}

}  // namespace drydock::cli
