#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/compose.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/collect/host/trust.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::cli {
namespace {

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

  project->trusted_sources = c.policy.sources;
  project->content_trust = collect::collect_project_content_trust(project->working_dir);
  auto report = audit::run(*project, *selection);
  report.command = "compose";
  report.target = core::join(project->files, ", ");
  const int code = finish(report, c);
  // Nothing could be read: no service, and files that failed to load.
  return project->services.empty() && fatal > 0 ? k_exit_unreachable : code;
}
}  // namespace

Command add_compose(CLI::App& app, Common& common) {
  auto options = std::make_shared<ComposeCliOptions>();
  auto* compose = app.add_subcommand(
      "compose", "Audit Compose projects: the runtime checks on every service, at the file, line and column of each key");
  add_common(*compose, common, false);
  compose->add_option("files", options->files,
                      "Compose files, merged in order like `docker compose -f a -f b` (a folder: its compose.yaml and "
                      "override; default: the current folder)");
  compose->add_option("--file,-f", options->files, "A Compose file (may be repeated; same as the FILE arguments)");
  compose->add_option("--env-file", options->env_file, "Variables for interpolation instead of the project folder's .env");
  return Command{compose, [&common, options] { return cmd_compose(common, *options); }};
}

}  // namespace drydock::cli
