/// `drydock harden`: fixes as artifacts. `harden compose` writes a Compose override file (and only
/// that file); `harden container` prints the `docker run` line that recreates a container without
/// its findings.

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/compose.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/harden/compose_override.hpp"
#include "drydock/harden/findings.hpp"
#include "drydock/harden/run_line.hpp"
#include "drydock/parse/engine.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace drydock::cli {
namespace {

struct HardenComposeOptions {
  std::vector<std::string> files;
  std::string env_file;
  std::string output = "drydock.override.yaml";
  bool strict = false;
};

/// Loads the project, printing its diagnostics; an error when no service could be read.
core::Expected<model::ComposeProject> load_project(const std::vector<std::string>& files, const std::string& env_file) {
  collect::ComposeOptions options;
  options.files = files;
  options.env_file = env_file;
  options.environment = collect::process_environment();
  auto project = collect::load_compose(options);
  if (!project) return project;
  std::size_t fatal = 0;
  for (const auto& d : project->diagnostics) {
    const auto& l = d.location;
    std::string where = l.file;
    if (l.line > 0) where += fmt::format(":{}:{}", l.line, l.column);
    std::cerr << "drydock: " << where << ": " << (d.fatal ? "" : "warning: ") << d.message << "\n";
    if (d.fatal) ++fatal;
  }
  if (fatal > 0) return core::fail(core::ErrorKind::parse, "the Compose files could not all be read; nothing written");
  return project;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

int cmd_harden_compose(const Common& c, const HardenComposeOptions& o) {
  const std::vector<std::string> files = o.files.empty() ? std::vector<std::string>{"."} : o.files;
  auto project = load_project(files, o.env_file);
  if (!project) return report_error(project.error());
  if (project->services.empty()) {
    return report_error(core::Error{core::ErrorKind::parse, "the project has no service; nothing written"});
  }
  const audit::Selection all;
  const auto before = audit::run(*project, all);

  harden::OverrideOptions options;
  options.strict = o.strict;
  const auto override = harden::make_override(*project, before, options);

  // Written once to audit the project with it, then again with the edits that remain in its header.
  if (!write_text(o.output, harden::override_file(override, {}, project->files, o.output))) {
    return report_error(core::Error{core::ErrorKind::io, "cannot write the override", o.output});
  }
  std::vector<std::string> with_override = project->files;
  with_override.push_back(o.output);
  auto merged = load_project(with_override, o.env_file);
  if (!merged) return report_error(merged.error());
  for (const auto& d : merged->diagnostics) {
    if (d.location.file == o.output) {
      return report_error(core::Error{core::ErrorKind::parse, "drydock wrote an override it cannot read back: " + d.message,
                                      o.output});
    }
  }
  const auto after = audit::run(*merged, all);
  const auto edits = harden::remaining_edits(before, after, o.output);
  if (!write_text(o.output, harden::override_file(override, edits, project->files, o.output))) {
    return report_error(core::Error{core::ErrorKind::io, "cannot write the override", o.output});
  }

  for (const auto& e : edits)
    std::cout << "edit: " << harden::edit_line(e) << "\n";
  if (!c.quiet) {
    std::size_t services = 0;
    std::string last;
    for (const auto& ch : override.changes) {
      if (ch.service != last) ++services;
      last = ch.service;
    }
    std::cerr << fmt::format("drydock: wrote {}: {} setting{} in {} service{}\n", o.output, override.changes.size(),
                             override.changes.size() == 1 ? "" : "s", services, services == 1 ? "" : "s");
    std::cerr << "drydock: before: " << harden::findings_summary(before) << "\n";
    std::cerr << "drydock: with the override: " << harden::findings_summary(after) << "; " << edits.size() << " edit"
              << (edits.size() == 1 ? "" : "s") << " left (on stdout)\n";
  }
  return k_exit_ok;
}

struct HardenContainerOptions {
  std::string ref;
  std::string format = "text";
  bool strict = false;
  bool publish_all_interfaces = false;
};

/// "# " before every line of a possibly long text, cut at about 100 columns on spaces.
std::string comment_block(std::string_view text, std::string_view indent) {
  std::string out;
  std::string line;
  for (const auto& word : core::split(text, ' ')) {
    if (!line.empty() && line.size() + word.size() + 1 > 100) {
      out += "#" + std::string(indent) + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += "#" + std::string(indent) + line + "\n";
  return out;
}

int cmd_harden_container(const Common& c, const HardenContainerOptions& o) {
  const Progress progress(c);
  model::HostSnapshot snapshot;
  harden::RunLineOptions options;
  options.strict = o.strict;
  options.publish_all_interfaces = o.publish_all_interfaces;
  std::error_code ec;
  if (std::filesystem::is_regular_file(o.ref, ec)) {
    auto text = collect::read_input(o.ref);
    if (!text) return report_error(text.error());
    auto doc = parse::inspect_document(*text);
    if (!doc) return report_error(doc.error());
    if (doc->size() != 1) {
      return report_error(core::Error{core::ErrorKind::usage,
                                      fmt::format("the file holds {} containers; harden takes one", doc->size()), o.ref});
    }
    if (!doc->front()) return report_error(doc->front().error());
    auto spec = std::move(*doc->front());
    spec.origin = o.ref;
    snapshot.containers.push_back(std::move(spec));
  } else {
    auto client = connect_engine(c, progress);
    if (!client) return report_error(client.error());
    auto live = collect::collect_containers(**client, {o.ref}, progress.sink());
    if (!live) return report_error(live.error());
    if (live->containers.empty()) {
      const std::string why = live->unreadable.empty() ? std::string("not found") : live->unreadable.front().reason;
      return report_error(core::Error{core::ErrorKind::parse, "cannot read the container: " + why, o.ref});
    }
    snapshot = std::move(*live);
    const auto& spec = snapshot.containers.front();
    for (const auto& img : snapshot.images) {
      if (img.id == spec.image_id) {
        options.image_user = img.user;
        options.image_env = img.env;
        options.image_labels = img.labels;
      }
    }
    if (spec.running) {
      auto stats = (*client)->get("/containers/" + spec.id + "/stats?stream=false&one-shot=true");
      if (stats) {
        if (auto usage = parse::container_stats(*stats)) {
          options.usage = *usage;
        } else {
          progress.note("stats unreadable: " + usage.error().describe());
        }
      } else {
        progress.note("stats unavailable: " + stats.error().describe());
      }
    }
  }
  const auto& container = snapshot.containers.front();
  const audit::Selection all;
  const audit::RunOptions run_options{.daemon_checks = false, .image_checks = false};
  const auto before = audit::run(snapshot, all, run_options);
  const auto failing = harden::failing_checks(before, "container", container.name);
  const auto line = harden::make_run_line(container, failing, options);

  model::HostSnapshot after_snapshot = snapshot;
  after_snapshot.containers = {line.hardened};
  const auto after = audit::run(after_snapshot, all, run_options);
  const auto left = harden::failing_checks(after, "container", line.hardened.name);

  struct Left {
    std::string id, status, evidence, remediation;
  };
  std::vector<Left> remaining;
  for (const auto& r : after.results) {
    if (r.subject->kind != "container" || !left.contains(std::string(r.check->id))) continue;
    remaining.push_back(Left{std::string(r.check->id), std::string(core::to_string(r.finding.status)), r.finding.evidence.str(),
                             std::string(r.check->remediation)});
  }
  const std::string shell = harden::shell_command(line.argv);

  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["schema"] = "drydock.harden-container/v1";
    j["container"] = {{"id", container.id}, {"name", container.name}, {"image", container.image}};
    j["findings_before"] = failing.size();
    j["findings_after"] = left.size();
    j["changes"] = nlohmann::ordered_json::array();
    for (const auto& ch : line.changes)
      j["changes"].push_back({{"check", ch.check_id}, {"change", ch.change}, {"reason", ch.reason}});
    j["notes"] = line.notes;
    j["remaining"] = nlohmann::ordered_json::array();
    for (const auto& l : remaining)
      j["remaining"].push_back({{"check", l.id}, {"status", l.status}, {"evidence", l.evidence}, {"remediation", l.remediation}});
    j["argv"] = line.argv;
    j["command"] = shell;
    std::cout << j.dump(2) << "\n";
    return k_exit_ok;
  }

  std::string out = fmt::format("# drydock harden container {}: {} finding{} before, {} with this command\n", container.name,
                                failing.size(), failing.size() == 1 ? "" : "s", left.size());
  if (!line.changes.empty()) out += "# Changes:\n";
  for (const auto& ch : line.changes)
    out += comment_block(ch.check_id + ": " + ch.change + ": " + ch.reason, "   ");
  if (!line.notes.empty()) out += "# Not changed:\n";
  for (const auto& n : line.notes)
    out += comment_block(n, "   ");
  if (!remaining.empty()) out += "# Still found with this command:\n";
  for (const auto& l : remaining)
    out += comment_block(l.id + " (" + l.status + "): " + l.evidence, "   ");
  if (!container.name.empty())
    out += fmt::format("# Replace the container: docker stop {0} && docker rm {0}, then run:\n", harden::shell_quote(container.name));
  std::cout << out << shell;
  return k_exit_ok;
}

}  // namespace

Command add_harden(CLI::App& app, Common& common) {
  auto* harden = app.add_subcommand(
      "harden", "Fixes as artifacts: a Compose override file, the `docker run` line of a container without its findings");
  harden->require_subcommand(1);

  auto compose_options = std::make_shared<HardenComposeOptions>();
  auto* compose = harden->add_subcommand(
      "compose",
      "Write an override file (docker compose -f FILE -f OVERRIDE) that fixes what an override can; list the other "
      "edits at their file:line:column. Writes only the override file.");
  compose->add_option("files", compose_options->files,
                      "Compose files, merged in order like `docker compose -f a -f b` (default: the current folder)");
  compose->add_option("--file,-f", compose_options->files, "A Compose file (may be repeated)");
  compose->add_option("--env-file", compose_options->env_file, "Variables for interpolation instead of the project's .env");
  compose->add_option("--output,-o", compose_options->output, "The override file to write")->capture_default_str();
  compose->add_flag("--strict", compose_options->strict,
                    "Also what commonly breaks workloads: a non-root user (65534), cap_drop: [ALL]");
  compose->add_flag("--quiet,-q", common.quiet, "No summary on stderr");
  add_now_option(*compose, common);

  auto container_options = std::make_shared<HardenContainerOptions>();
  auto* container = harden->add_subcommand(
      "container",
      "Print the `docker run` command that recreates a container without its findings, each change explained in a "
      "comment block above it. Changes nothing.");
  container->add_option("container", container_options->ref, "A container name or id, or a file of `docker inspect` output")
      ->required();
  container->add_option("--format", container_options->format, "text (a shell command) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  container->add_flag("--strict", container_options->strict,
                      "Also what commonly breaks workloads: a non-root user, --cap-drop ALL, no host network, sensitive "
                      "mounts dropped");
  container->add_flag("--publish-all-interfaces", container_options->publish_all_interfaces,
                      "Keep published ports on every interface (default: 127.0.0.1)");
  container->add_option("--host,-H", common.host, "Engine endpoint (unix://, tcp://); default: like the docker CLI");
  container->add_option("--timeout", common.timeout_s, "Seconds for each request to the engine")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  container->add_flag("--verbose,-v", common.verbose, "Progress on stderr");
  add_now_option(*container, common);

  return Command{harden,
                 [&common, compose, compose_options, container, container_options] {
                   if (compose->parsed()) return cmd_harden_compose(common, *compose_options);
                   if (container->parsed()) return cmd_harden_container(common, *container_options);
                   return k_exit_usage;
                 },
                 false};
}

}  // namespace drydock::cli
