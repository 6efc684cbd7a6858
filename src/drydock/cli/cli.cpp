#include "drydock/cli/cli.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "drydock/audit/policy.hpp"
#include "drydock/audit/runner.hpp"
#include "drydock/cli/plugin.hpp"
#include "drydock/collect/compose.hpp"
#include "drydock/collect/engine/client.hpp"
#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/collect/host/host_side.hpp"
#include "drydock/collect/image/analyze.hpp"
#include "drydock/collect/image/engine.hpp"
#include "drydock/collect/image/read.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/dockerfile.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/policy.hpp"
#include "drydock/render/render.hpp"
#include "drydock/vuln/database.hpp"
#include "drydock/vuln/match.hpp"

namespace drydock::cli {
namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_findings = 1;
constexpr int k_exit_usage = 2;
constexpr int k_exit_unreachable = 3;

/// `--vulns` and its companions, for `drydock image` and `drydock host`.
struct VulnCliOptions {
  bool enabled = false;         ///< match the packages against the vulnerability database
  bool ignore_unfixed = false;  ///< leave out vulnerabilities without a fix
  std::string db;               ///< --db FILE, else the default database

  void add_to(CLI::App& cmd) {
    cmd.add_flag("--vulns", enabled,
                 "Match the images' installed packages against the offline vulnerability database (CIS 4.4; see `drydock db`)");
    cmd.add_flag("--ignore-unfixed", ignore_unfixed, "With --vulns: leave out vulnerabilities that have no fix");
    cmd.add_option("--db", db, "With --vulns: the vulnerability database (default as `drydock db`)");
  }
};

/// Options of `drydock host` alone.
struct HostOptions {
  std::string root;
  bool no_engine = false;
  VulnCliOptions vulns;  ///< for the images in use, whose layers are then read from the engine
};

/// Options every auditing subcommand shares.
struct Common {
  std::string format = "text";
  std::string output;
  std::string fail_on;  ///< "" = not given: the policy's, else "high"
  std::vector<std::string> only, skip;
  std::string config;    ///< --config FILE; else ./.drydock.yaml when it exists
  std::string baseline;  ///< --baseline FILE: an earlier JSON report
  model::Policy policy;  ///< loaded before the audit (load_policy)
  std::vector<model::BaselineFinding> baseline_findings;
  bool quiet = false;
  bool no_color = false;
  bool verbose = false;
  std::string host;
  double timeout_s = 10;                ///< --timeout: each request to the engine, connecting included
  std::optional<DockerGlobals> docker;  ///< the docker CLI's global flags when run as its plugin
};

int exit_code_for(const core::Error& e) { return e.kind == core::ErrorKind::usage ? k_exit_usage : k_exit_unreachable; }

int report_error(const core::Error& e) {
  std::cerr << "drydock: " << e.describe() << "\n";
  return exit_code_for(e);
}

class Progress {
 public:
  explicit Progress(const Common& c) : m_on(!c.quiet && (c.verbose || ::isatty(STDERR_FILENO) != 0)) {}
  void note(std::string_view text) const {
    if (m_on) std::cerr << "drydock: " << text << "\n";
  }
  [[nodiscard]] collect::Progress sink() const {
    if (!m_on) return {};
    return collect::Progress{[](std::string_view text) { std::cerr << "drydock: " << text << "\n"; }};
  }

 private:
  bool m_on;
};

core::Expected<std::unique_ptr<collect::EngineClient>> connect_engine(const Common& c, const Progress& progress) {
  DRYDOCK_TRY(endpoint, c.docker ? plugin_endpoint(*c.docker, c.host, collect::process_env())
                                 : collect::resolve_endpoint(c.host, collect::process_env(),
                                                             collect::docker_config_dir(collect::process_env())));
  collect::ClientOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(c.timeout_s * 1000));
  DRYDOCK_TRY(client, collect::EngineClient::connect(endpoint, options));
  progress.note(fmt::format("engine {} ({}), API {}", endpoint.host, endpoint.source, client->api_version()));
  return client;
}

/// Reads --config (or ./.drydock.yaml) and --baseline before anything is audited: a broken
/// policy is a usage error, not something found after minutes of collection.
core::Expected<bool> load_policy(Common& c) {
  std::string path = c.config;
  std::error_code ec;
  if (path.empty() && std::filesystem::is_regular_file(".drydock.yaml", ec)) path = ".drydock.yaml";
  if (!path.empty()) {
    auto text = collect::read_input(path);
    if (!text) return core::fail(core::ErrorKind::usage, "cannot read the policy: " + text.error().message, path);
    DRYDOCK_TRY(policy, parse::policy(*text, path));
    c.policy = std::move(policy);
  }
  if (!c.baseline.empty()) {
    auto text = collect::read_input(c.baseline);
    if (!text) return core::fail(core::ErrorKind::usage, "cannot read the baseline: " + text.error().message, c.baseline);
    DRYDOCK_TRY(findings, parse::baseline_findings(*text, c.baseline));
    c.baseline_findings = std::move(findings);
  }
  return true;
}

/// Applies the policy and the baseline, renders the report, writes it, and turns it into the
/// exit code.
int finish(audit::Report& report, const Common& c) {
  for (const auto& note : audit::apply_policy(c.policy, report, audit::today_utc()))
    std::cerr << "drydock: " << note << "\n";
  if (!c.baseline.empty()) audit::apply_baseline(c.baseline_findings, report);
  std::ofstream file;
  if (!c.output.empty()) file.open(c.output, std::ios::binary | std::ios::trunc);
  std::ostream& out = c.output.empty() ? std::cout : file;
  std::string body;
  if (c.format == "json") {
    // Streamed: thousands of containers make a report of tens of MB.
    render::json(report, [&out](std::string_view piece) { out.write(piece.data(), static_cast<std::streamsize>(piece.size())); });
  } else if (c.format == "sarif") {
    body = render::sarif(report);
  } else if (c.format == "junit") {
    body = render::junit(report);
  } else if (c.format == "html") {
    body = render::html(report);
  } else {
    const bool to_terminal = c.output.empty() && ::isatty(STDOUT_FILENO) != 0;
    const bool color = to_terminal && !c.no_color && std::getenv("NO_COLOR") == nullptr;
    body = render::text(report, render::TextOptions{color, c.verbose});
  }
  out << body << std::flush;
  if (!c.output.empty() && !out) {
    std::cerr << "drydock: cannot write the report to " << c.output << "\n";
    return k_exit_usage;
  }
  const std::string fail_on = !c.fail_on.empty() ? c.fail_on : !c.policy.fail_on.empty() ? c.policy.fail_on : "high";
  if (fail_on == "none") return k_exit_ok;
  return report.has_findings_at_or_above(*core::parse_severity(fail_on)) ? k_exit_findings : k_exit_ok;
}

void add_common(CLI::App& cmd, Common& c, bool engine) {
  cmd.add_option("--format", c.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "html"}))
      ->capture_default_str();
  cmd.add_option("--output,-o", c.output, "Write the report to FILE instead of stdout");
  cmd.add_option("--fail-on", c.fail_on,
                 "Exit 1 when a finding is at or above this severity (or none); default: the policy's, else high")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a wrapper's default can be overridden
  cmd.add_option("--config", c.config, "Policy file: accepted findings, severity overrides, fail-on (default ./.drydock.yaml)");
  cmd.add_option("--baseline", c.baseline, "An earlier JSON report: report only the findings it does not have");
  cmd.add_option("--only", c.only, "Run only these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd.add_option("--skip", c.skip, "Do not run these checks (id, CIS number, alias or area)")->delimiter(',');
  cmd.add_flag("--quiet,-q", c.quiet, "No progress on stderr");
  cmd.add_flag("--no-color", c.no_color, "No colour, even on a terminal");
  cmd.add_flag("--verbose,-v", c.verbose, "List passes and remediation; progress on stderr");
  if (!engine) return;
  cmd.add_option("--host,-H", c.host, "Docker engine URL (unix:///path, tcp://host:port); default as the docker CLI");
  cmd.add_option("--timeout", c.timeout_s,
                 "Seconds the engine has to answer each request, connecting included; a request that runs out "
                 "makes its subject an error")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
}

/// Matches each image's packages against the vulnerability database (CIS 4.4), filling
/// `img.vulns`; returns every vulnerability found, for the report. A database that cannot be
/// opened makes CIS 4.4 an `error` for every image, with the reason.
std::vector<model::Vulnerability> scan_vulnerabilities(std::vector<model::ImageSpec>& images, const VulnCliOptions& o,
                                                       const Progress& progress) {
  std::vector<model::Vulnerability> all;
  auto path = o.db.empty() ? vuln::default_db_path() : core::Expected<std::string>(o.db);
  core::Expected<vuln::Database> db = path ? vuln::Database::open(*path, vuln::Database::Mode::read)
                                           : core::Expected<vuln::Database>(tl::unexpected(path.error()));
  for (auto& img : images) {
    if (img.vulns) continue;  // already decided: its layers could not be read
    model::VulnScan scan;
    if (!db) {
      scan.evidence = "the vulnerability database could not be opened: " + db.error().describe() +
                      " (load one with `drydock db import PATH...`)";
    } else if (!img.content) {
      scan.evidence = "the image's layers were not read: no package list to match";
    } else {
      progress.note(
          fmt::format("matching {} packages of {} against {}", img.content->packages.packages.size(), img.display_name(), *path));
      auto outcome = vuln::match(img.content->packages, *db, img.display_name());
      if (!outcome) {
        scan.evidence = "the vulnerability database could not be read: " + outcome.error().describe();
      } else {
        if (o.ignore_unfixed) vuln::drop_unfixed(outcome->vulnerabilities);
        const auto cis = vuln::cis_4_4_evidence(*outcome, o.ignore_unfixed);
        scan.status = cis.status;
        scan.severity = cis.severity;
        scan.evidence = cis.evidence;
        scan.vulnerabilities = outcome->vulnerabilities;
        all.insert(all.end(), outcome->vulnerabilities.begin(), outcome->vulnerabilities.end());
      }
    }
    img.vulns = std::move(scan);
  }
  return all;
}

int cmd_host(const Common& c, const HostOptions& h) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  std::error_code ec;
  if (!h.root.empty() && !std::filesystem::is_directory(h.root, ec)) {
    return report_error(core::Error{core::ErrorKind::io, "--root must be a directory holding a host's files", h.root});
  }
  if (h.vulns.enabled && h.no_engine) {
    return report_error(core::Error{core::ErrorKind::usage, "--vulns reads the images in use from the engine: drop --no-engine"});
  }
  const collect::HostRoot root(h.root);

  model::HostSnapshot snapshot;
  std::string target = h.root.empty() ? "this host" : h.root;
  collect::HostSideOptions side;
  if (!h.no_engine) {
    auto client = connect_engine(c, progress);
    if (!client) return report_error(client.error());
    auto collected = collect::collect_host(**client, progress.sink());
    if (!collected) return report_error(collected.error());
    snapshot = std::move(*collected);
    const auto& endpoint = (*client)->endpoint();
    if (endpoint.is_unix()) side.socket_path = endpoint.unix_path();
    target += ", engine " + endpoint.host;
    if (h.vulns.enabled) {
      // The packages of the images in use: their layers, exported by the engine and streamed.
      for (auto& img : snapshot.images) {
        progress.note("reading the layers of " + img.display_name());
        auto read = collect::image::read_engine_image(**client, img.id, collect::image::analyzing_options(""));
        if (read) {
          img.content = read->content;
        } else {
          img.vulns = model::VulnScan{{},
                                      core::Status::error,
                                      std::nullopt,
                                      "could not read the image's layers for its packages: " + read.error().describe()};
        }
      }
    }
  }
  collect::collect_host_side(root, side, snapshot);
  for (const auto& d : snapshot.daemon->diagnostics)
    progress.note("daemon configuration: " + d);
  progress.note(fmt::format("auditing {} containers and {} images", snapshot.containers.size(), snapshot.images.size()));

  std::optional<std::vector<model::Vulnerability>> found;
  if (h.vulns.enabled && !h.no_engine) found = scan_vulnerabilities(snapshot.images, h.vulns, progress);
  auto report = audit::run(snapshot, *selection, audit::RunOptions{});
  report.vulnerabilities = std::move(found);
  report.command = "host";
  report.target = target;
  return finish(report, c);
}

/// Reads `docker inspect` output from a file; each unreadable element becomes an error subject.
core::Expected<model::HostSnapshot> snapshot_from_file(const std::string& path) {
  DRYDOCK_TRY(text, collect::read_input(path));
  auto doc = parse::inspect_document(text);
  if (!doc) {
    auto e = doc.error();
    e.where = e.where.empty() ? path : path + ": " + e.where;
    return tl::unexpected(e);
  }
  model::HostSnapshot snapshot;
  std::size_t index = 0;
  for (auto& element : *doc) {
    if (element) {
      element->origin = path;
      snapshot.containers.push_back(std::move(*element));
    } else {
      snapshot.unreadable.push_back(model::Unreadable{"container", fmt::format("{}[{}]", path, index),
                                                      fmt::format("{}[{}]", path, index), element.error().describe()});
    }
    ++index;
  }
  return snapshot;
}

int cmd_container(const Common& c, const std::vector<std::string>& refs) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  const audit::RunOptions options{.daemon_checks = false, .image_checks = false};

  audit::Report report;
  report.command = "container";
  // Containers read and not read, from files or the engine: none read of some is exit 3.
  std::size_t read = 0;
  std::size_t unread = 0;
  std::vector<std::string> names;
  std::vector<std::string> targets;
  // Files were read on some host, perhaps not this one: they are audited with no engine facts.
  model::HostSnapshot from_files;
  for (const auto& ref : refs) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ref, ec)) {
      names.push_back(ref);
      continue;
    }
    auto snapshot = snapshot_from_file(ref);
    if (!snapshot) return report_error(snapshot.error());
    read += snapshot->containers.size();
    unread += snapshot->unreadable.size();
    std::move(snapshot->containers.begin(), snapshot->containers.end(), std::back_inserter(from_files.containers));
    std::move(snapshot->unreadable.begin(), snapshot->unreadable.end(), std::back_inserter(from_files.unreadable));
    targets.push_back(ref);
  }
  if (!targets.empty()) report = audit::run(from_files, *selection, options);
  if (!names.empty()) {
    auto client = connect_engine(c, progress);
    if (!client) return report_error(client.error());
    auto snapshot = collect::collect_containers(**client, names, progress.sink());
    if (!snapshot) return report_error(snapshot.error());
    read += snapshot->containers.size();
    for (const auto& u : snapshot->unreadable)
      unread += u.kind == "container" ? 1 : 0;
    auto live = audit::run(*snapshot, *selection, options);
    report.results.insert(report.results.end(), live.results.begin(), live.results.end());
    // Keep one group per check, in catalogue order (the table is contiguous).
    std::stable_sort(report.results.begin(), report.results.end(),
                     [](const audit::Result& a, const audit::Result& b) { return a.check < b.check; });
    targets.push_back((*client)->endpoint().host);
  }
  report.command = "container";
  report.target = core::join(targets, ", ");
  const int code = finish(report, c);
  return read == 0 && unread > 0 ? k_exit_unreachable : code;
}

int cmd_dockerfile(const Common& c, const std::vector<std::string>& paths) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());

  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p != "-" && std::filesystem::is_directory(p, ec)) {
      auto found = collect::find_dockerfiles(p);
      if (found.empty()) {
        std::cerr << "drydock: no Dockerfile under " << p
                  << " (looked for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile)\n";
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) return k_exit_unreachable;

  progress.note(fmt::format("linting {} Dockerfile{}", files.size(), files.size() == 1 ? "" : "s"));
  // Each file is linted as soon as it is parsed and its tree dropped: memory follows the
  // report, not the corpus. Files that could not be read or parsed are reported after the others.
  audit::DockerfileAudit audit(*selection);
  std::vector<model::Unreadable> unreadable;
  std::size_t linted = 0;
  for (const auto& f : files) {
    const std::string name = f == "-" ? "(stdin)" : f;
    auto text = collect::read_input(f);
    if (!text) {
      unreadable.push_back(model::Unreadable{"dockerfile", name, name, text.error().describe()});
      continue;
    }
    auto parsed = parse::dockerfile(*text, name);
    if (!parsed) {
      unreadable.push_back(model::Unreadable{"dockerfile", name, name, parsed.error().describe()});
      continue;
    }
    audit.add(*parsed);
    ++linted;
  }
  for (const auto& u : unreadable) {
    std::cerr << "drydock: " << u.reason << "\n";
    audit.add(u);
  }

  auto report = std::move(audit).finish();
  report.command = "dockerfile";
  report.target = core::join(files, ", ");
  const int code = finish(report, c);
  return linted == 0 ? k_exit_unreachable : code;
}

/// Options of `drydock compose` alone.
struct ComposeCliOptions {
  std::vector<std::string> files;
  std::string env_file;
};

int cmd_compose(const Common& c, const ComposeCliOptions& o) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());

  collect::ComposeOptions options;
  options.files = o.files.empty() ? std::vector<std::string>{"."} : o.files;
  options.env_file = o.env_file;
  options.environment = collect::process_environment();
  auto project = collect::load_compose(options);
  if (!project) return report_error(project.error());
  std::size_t fatal = 0;
  for (const auto& d : project->diagnostics) {
    const auto& l = d.location;
    std::string where = l.file;
    if (l.line > 0) where += fmt::format(":{}:{}", l.line, l.column);
    std::cerr << "drydock: " << where << ": " << (d.fatal ? "" : "warning: ") << d.message << "\n";
    if (d.fatal) ++fatal;
  }
  progress.note(fmt::format("project {}: {} service{} from {}", project->name, project->services.size(),
                            project->services.size() == 1 ? "" : "s", core::join(project->files, ", ")));

  auto report = audit::run(*project, *selection);
  report.command = "compose";
  report.target = core::join(project->files, ", ");
  const int code = finish(report, c);
  // Nothing could be read: no service, and files that failed to load.
  return project->services.empty() && fatal > 0 ? k_exit_unreachable : code;
}

/// `drydock db import PATH...` and `drydock db info`.
int cmd_db(bool import, const std::string& db_option, const std::vector<std::string>& paths) {
  auto path = db_option.empty() ? vuln::default_db_path() : core::Expected<std::string>(db_option);
  if (!path) return report_error(path.error());
  auto db = vuln::Database::open(*path, import ? vuln::Database::Mode::write : vuln::Database::Mode::read);
  if (!db) return report_error(db.error());
  if (import) {
    auto stats = db->import(paths);
    if (!stats) {
      std::cerr << "drydock: " << stats.error().describe() << "\n(the database was left as it was)\n";
      return k_exit_unreachable;
    }
    std::cout << vuln::describe(*stats, *path);
    return k_exit_ok;
  }
  auto info = db->info();
  if (!info) return report_error(info.error());
  std::cout << vuln::describe(*info, static_cast<std::int64_t>(std::time(nullptr)));
  return k_exit_ok;
}

/// `drydock image`: tarballs and OCI directories are read from disk, anything else is an image
/// of the engine. Each one that cannot be read becomes `error` results; exit 3 when none could.
/// Options of `drydock image` alone.
struct ImageCliOptions {
  std::vector<std::string> refs;
  std::string platform;
  VulnCliOptions vulns;
};

int cmd_image(const Common& c, const ImageCliOptions& image_options) {
  const auto& refs = image_options.refs;
  const auto& platform = image_options.platform;
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  const auto options = collect::image::analyzing_options(platform);
  model::HostSnapshot snapshot;
  std::unique_ptr<collect::EngineClient> client;
  std::vector<std::string> targets;
  for (const auto& ref : refs) {
    std::error_code ec;
    core::Expected<std::vector<model::ImageSpec>> read = std::vector<model::ImageSpec>{};
    if (std::filesystem::exists(ref, ec)) {
      progress.note("reading " + ref);
      read = collect::image::read_path(ref, options);
      targets.push_back(ref);
    } else {
      if (!client) {
        auto connected = connect_engine(c, progress);
        if (!connected) return report_error(connected.error());
        client = std::move(*connected);
        targets.push_back("engine " + client->endpoint().host);
      }
      progress.note("reading image " + ref + " from the engine");
      auto one = collect::image::read_engine_image(*client, ref, options);
      if (one) {
        read->push_back(std::move(*one));
      } else {
        read = tl::unexpected(one.error());
      }
    }
    if (!read) {
      std::cerr << "drydock: " << read.error().describe() << "\n";
      snapshot.unreadable.push_back(model::Unreadable{"image", ref, ref, read.error().describe()});
      continue;
    }
    for (auto& img : *read)
      snapshot.images.push_back(std::move(img));
  }
  std::optional<std::vector<model::Vulnerability>> found;
  if (image_options.vulns.enabled) found = scan_vulnerabilities(snapshot.images, image_options.vulns, progress);
  const audit::RunOptions run_options{.daemon_checks = false, .image_checks = true, .container_checks = false};
  auto report = audit::run(snapshot, *selection, run_options);
  report.vulnerabilities = std::move(found);
  for (const auto& img : snapshot.images) {
    if (!img.content) continue;
    report.packages.push_back(audit::ImagePackages{audit::Subject{"image", img.id, img.display_name()}, img.content->packages,
                                                   img.content->package_errors});
  }
  report.command = "image";
  report.target = core::join(targets, ", ");
  const int code = finish(report, c);
  return snapshot.images.empty() ? k_exit_unreachable : code;
}

}  // namespace

int run(int argc, char** argv) {
  std::optional<DockerGlobals> docker;
  std::vector<std::string> plugin_args;
  std::vector<char*> plugin_argv;
  if (argc > 0 && invoked_as_plugin(argv[0])) {
    if (argc == 2 && std::string_view(argv[1]) == "docker-cli-plugin-metadata") {
      std::cout << plugin_metadata();
      return k_exit_ok;
    }
    auto call = parse_plugin_call(std::vector<std::string>(argv + 1, argv + argc));
    if (!call) return report_error(call.error());
    docker = call->globals;
    plugin_args = std::move(call->args);
    plugin_argv.push_back(argv[0]);
    for (auto& a : plugin_args)
      plugin_argv.push_back(a.data());
    argc = static_cast<int>(plugin_argv.size());
    argv = plugin_argv.data();
  }
  CLI::App app{"drydock: audits the security of Docker hosts, containers and images (CIS Docker Benchmark v1.6.0)", "drydock"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("drydock ") + DRYDOCK_VERSION);

  Common common;
  common.docker = docker;
  auto* host =
      app.add_subcommand("host", "Audit a whole Docker host: every container (running and stopped) and the images in use");
  add_common(*host, common, true);
  HostOptions host_options;
  host->add_option("--root", host_options.root, "Read the host's files under DIR (a mounted host tree) instead of /");
  host_options.vulns.add_to(*host);
  host->add_flag("--no-engine", host_options.no_engine,
                 "Do not contact a Docker engine: audit the daemon's configuration and the host's files only");

  std::vector<std::string> refs;
  auto* container = app.add_subcommand("container", "Audit given containers: names, ids, or files of `docker inspect` output");
  add_common(*container, common, true);
  container->add_option("containers", refs, "Container names or ids, or inspect JSON files")->required();

  std::vector<std::string> dockerfile_paths;
  auto* dockerfile = app.add_subcommand("dockerfile", "Lint Dockerfiles: files, directories (recursively) or - for stdin");
  add_common(*dockerfile, common, false);
  dockerfile->add_option("paths", dockerfile_paths, "Dockerfiles or directories holding them; - reads stdin")->required();

  ComposeCliOptions compose_options;
  auto* compose = app.add_subcommand(
      "compose", "Audit Compose projects: the runtime checks on every service, at the file, line and column of each key");
  add_common(*compose, common, false);
  compose->add_option("files", compose_options.files,
                      "Compose files, merged in order like `docker compose -f a -f b` (a folder: its compose.yaml and "
                      "override; default: the current folder)");
  compose->add_option("--file,-f", compose_options.files, "A Compose file (may be repeated; same as the FILE arguments)");
  compose->add_option("--env-file", compose_options.env_file, "Variables for interpolation instead of the project folder's .env");

  ImageCliOptions image_options;
  auto* image = app.add_subcommand("image",
                                   "Audit images: configuration, every layer's files, installed packages "
                                   "(engine references, `docker save` tarballs, OCI layout directories)");
  add_common(*image, common, true);
  image->add_option("images", image_options.refs, "Image names or ids, tarballs, or OCI layout directories")->required();
  image_options.vulns.add_to(*image);
  image->add_option(
      "--platform", image_options.platform,
      "The platform to read from a multi-platform tarball or OCI directory (os/arch[/variant]); engine images have one");

  std::string catalogue_format = "text";
  auto* checks_cmd = app.add_subcommand("checks", "List every check: id, CIS control, severity, title");
  checks_cmd->add_option("--format", catalogue_format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();

  std::string db_file;
  std::vector<std::string> db_paths;
  auto* db_cmd = app.add_subcommand("db", "Offline vulnerability database: import OSV and Alpine secdb data, show it");
  db_cmd->require_subcommand(1);
  auto* db_import = db_cmd->add_subcommand("import", "Load OSV JSON files, directories, osv.dev zips, Alpine secdb files");
  db_import->add_option("paths", db_paths, "Files or directories")->required();
  auto* db_info = db_cmd->add_subcommand("info", "What is loaded, from where, advisories per ecosystem, age");
  for (auto* sub : {db_import, db_info}) {
    sub->add_option("--db", db_file, "Database file (default $XDG_CACHE_HOME/drydock/vuln.db, else ~/.cache/drydock/vuln.db)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "drydock: " << e.what() << "\n(run `drydock --help` for usage)\n";
    return k_exit_usage;
  }

  if (checks_cmd->parsed()) {
    std::cout << render::catalogue(catalogue_format);
    return k_exit_ok;
  }
  if (db_cmd->parsed()) return cmd_db(db_import->parsed(), db_file, db_paths);
  if (auto loaded = load_policy(common); !loaded) return report_error(loaded.error());
  if (host->parsed()) return cmd_host(common, host_options);
  if (dockerfile->parsed()) return cmd_dockerfile(common, dockerfile_paths);
  if (compose->parsed()) return cmd_compose(common, compose_options);
  if (image->parsed()) return cmd_image(common, image_options);
  return cmd_container(common, refs);
}

}  // namespace drydock::cli
