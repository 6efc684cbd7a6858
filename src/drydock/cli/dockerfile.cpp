#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <set>
#include <iostream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/core/memory.hpp"
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
  // [first, last) of files: found by one directory walk (regular files, read in
  // batches); the others were named and are read one by one.
  std::vector<std::pair<std::size_t, std::size_t>> walked;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p != "-" && std::filesystem::is_directory(p, ec)) {
      auto found = collect::find_dockerfiles(p);
      if (found.empty()) {
        std::cerr << "drydock: no Dockerfile under " << p
                  << " (looked for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile)\n";
      }
      walked.emplace_back(files.size(), files.size() + found.size());
      files.insert(files.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    } else {
      files.push_back(p);
      named.insert(p == "-" ? "(stdin)" : p);
    }
  }
  if (files.empty()) return k_exit_unreachable;

  progress.note(fmt::format("linting {} Dockerfile{}", files.size(), files.size() == 1 ? "" : "s"));
  if (files.size() > 1) {
    core::prefer_merged_frees();  // a tree parsed and freed per file
    // ~31 results a file, their evidence on the heap: huge pages for it (~3 KB a file, and
    // room for the trees and the reading).
    core::grow_heap_in_huge_pages(std::size_t{16} * 1024 * 1024 + files.size() * 8 * 1024);
  }
  // Each file is linted as soon as it is parsed and its tree dropped: memory follows the
  // report, not the corpus. Files that could not be read or parsed are reported after the others.
  audit::DockerfileAudit audit(*selection);
  audit.reserve(files.size());
  std::vector<model::Unreadable> unreadable;
  const auto lint = [&](std::size_t i, const core::Expected<std::string_view>& text) {
    const std::string_view name = files[i] == "-" ? std::string_view("(stdin)") : std::string_view(files[i]);
    if (!text) {
      unreadable.push_back(model::Unreadable{"dockerfile", std::string(name), std::string(name), text.error().describe()});
      return;
    }
    auto parsed = parse::dockerfile(*text, name);
    if (!parsed) {
      unreadable.push_back(model::Unreadable{"dockerfile", std::string(name), std::string(name), parsed.error().describe()});
      return;
    }
    parsed->trusted_sources = c.policy.sources;
    audit.add(*parsed);
  };
  const auto lint_named = [&](std::size_t i) {
    const auto text = collect::read_input(files[i]);
    lint(i, text ? core::Expected<std::string_view>(*text) : tl::unexpected(text.error()));
  };
  std::size_t i = 0;
  for (const auto& range : walked) {
    for (; i < range.first; ++i)
      lint_named(i);
    const std::size_t first = range.first;
    collect::read_files(std::span(files).subspan(first, range.second - first), collect::k_max_input,
                        [&](std::size_t k, const core::Expected<std::string_view>& text) { lint(first + k, text); });
    i = range.second;
  }
  for (; i < files.size(); ++i)
    lint_named(i);
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
  // Not freed: a third of a million results freed one by one for 11,000 Dockerfiles were ~5% of the run.
  keep_until_exit(std::move(report));
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
