#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <set>
#include <iostream>
#include <memory>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/dockerfile.hpp"

namespace drydock::cli {
namespace {

int cmd_dockerfile(const Common& c, const std::vector<std::string>& paths) {
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());

  std::vector<std::string> files;
  std::set<std::string> named;  // given on the command line, not found in a directory
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
      named.insert(p == "-" ? "(stdin)" : p);
    }
  }
  if (files.empty()) return k_exit_unreachable;

  progress.note(fmt::format("linting {} Dockerfile{}", files.size(), files.size() == 1 ? "" : "s"));
  // Each file is linted as soon as it is parsed and its tree dropped: memory follows the
  // report, not the corpus. Files that could not be read or parsed are reported after the others.
  audit::DockerfileAudit audit(*selection);
  audit.reserve(files.size());
  std::vector<model::Unreadable> unreadable;
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
    parsed->trusted_sources = c.policy.sources;
    audit.add(*parsed);
  }
  for (const auto& u : unreadable) {
    std::cerr << "drydock: " << u.reason << "\n";
    audit.add(u);
  }

  auto report = std::move(audit).finish();
  report.command = "dockerfile";
  report.target = core::join(files, ", ");
  const int code = finish(report, c);
  // A file named on the command line that cannot be read fails the request (exit 3); one found
  // in a directory that is not a Dockerfile after all is an error result, counted as such.
  const bool named_unreadable =
      std::any_of(unreadable.begin(), unreadable.end(), [&](const model::Unreadable& u) { return named.contains(u.name); });
  return named_unreadable ? k_exit_unreachable : code;
}
}  // namespace

Command add_dockerfile(CLI::App& app, Common& common) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* dockerfile = app.add_subcommand("dockerfile", "Lint Dockerfiles: files, directories (recursively) or - for stdin");
  add_common(*dockerfile, common, false);
  dockerfile->add_option("paths", *paths, "Dockerfiles or directories holding them; - reads stdin")->required();
  return Command{dockerfile, [&common, paths] { return cmd_dockerfile(common, *paths); }};
}

}  // namespace drydock::cli
