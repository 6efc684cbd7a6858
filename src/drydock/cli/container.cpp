#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <memory>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/engine.hpp"

namespace drydock::cli {
namespace {

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
  // Containers named (or elements of a file) that could not be read: exit 3, after the report.
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
    unread += snapshot->unreadable.size();
    std::move(snapshot->containers.begin(), snapshot->containers.end(), std::back_inserter(from_files.containers));
    std::move(snapshot->unreadable.begin(), snapshot->unreadable.end(), std::back_inserter(from_files.unreadable));
    targets.push_back(ref);
  }
  from_files.trusted_sources = c.policy.sources;
  if (!targets.empty()) report = audit::run(from_files, *selection, options);
  if (!names.empty()) {
    auto client = connect_engine(c, progress);
    if (!client) return report_error(client.error());
    auto snapshot = collect::collect_containers(**client, names, progress.sink());
    if (!snapshot) return report_error(snapshot.error());
    for (const auto& u : snapshot->unreadable)
      unread += u.kind == "container" ? 1 : 0;
    snapshot->trusted_sources = c.policy.sources;
    auto live = audit::run(*snapshot, *selection, options);
    report.results.insert(report.results.end(), live.results.begin(), live.results.end());
    report.facts.insert(report.facts.end(), live.facts.begin(), live.facts.end());
    // Keep one group per check, in catalogue order (the table is contiguous).
    std::stable_sort(report.results.begin(), report.results.end(),
                     [](const audit::Result& a, const audit::Result& b) { return a.check < b.check; });
    targets.push_back((*client)->endpoint().host);
  }
  report.command = "container";
  report.target = core::join(targets, ", ");
  const int code = finish(report, c);
  return unread > 0 ? k_exit_unreachable : code;
}
}  // namespace

Command add_container(CLI::App& app, Common& common) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto* container = app.add_subcommand("container", "Audit given containers: names, ids, or files of `docker inspect` output");
  add_common(*container, common, true);
  container->add_option("containers", *refs, "Container names or ids, or inspect JSON files")->required();
  return Command{container, [&common, refs] { return cmd_container(common, *refs); }};
}

}  // namespace drydock::cli
