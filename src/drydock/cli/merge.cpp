// `drydock merge A.json B.json ...`: reports written on several hosts made one report, grouped by
// host, in any format.
#include <memory>

#include "drydock/audit/merge.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/parse/policy.hpp"

namespace drydock::cli {
namespace {

int cmd_merge(const Common& c, const std::vector<std::string>& paths) {
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  std::vector<model::ReportFile> files;
  for (const auto& path : paths) {
    auto text = collect::read_input(path, std::size_t{1} << 30);
    if (!text) return report_error(core::Error{core::ErrorKind::usage, "cannot read the report: " + text.error().message, path});
    auto file = parse::report_file(*text, path);
    if (!file) return report_error(file.error());
    files.push_back(std::move(*file));
  }
  auto report = audit::merge(files);
  if (!report) return report_error(report.error());
  std::erase_if(report->results, [&](const audit::Result& r) { return !selection->selected(*r.check); });
  return finish(*report, c);
}

}  // namespace

Command add_merge(CLI::App& app, Common& common) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "merge", "Merge JSON reports of several hosts (drydock host --format json on each) into one report grouped by host");
  add_common(*cmd, common, false);
  cmd->add_option("reports", *paths, "JSON reports (--format json), '-' for stdin")->required();
  return Command{cmd, [&common, paths] { return cmd_merge(common, *paths); }};
}

}  // namespace drydock::cli
