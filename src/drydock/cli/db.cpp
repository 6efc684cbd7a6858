#include <cstdint>
#include <iostream>
#include <memory>

#include "drydock/cli/common.hpp"
#include "drydock/vuln/database.hpp"

namespace drydock::cli {
namespace {

/// `drydock db import PATH...` and `drydock db info`.
int cmd_db(bool import, const std::string& db_option, const std::vector<std::string>& paths, std::int64_t now) {
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
  std::cout << vuln::describe(*info, now);
  return k_exit_ok;
}

struct DbOptions {
  std::string file;
  std::vector<std::string> paths;
  CLI::App* import = nullptr;
};

}  // namespace

Command add_db(CLI::App& app, Common& common) {
  auto options = std::make_shared<DbOptions>();
  auto* db_cmd = app.add_subcommand("db", "Offline vulnerability database: import OSV and Alpine secdb data, show it");
  db_cmd->require_subcommand(1);
  options->import = db_cmd->add_subcommand("import", "Load OSV JSON files, directories, osv.dev zips, Alpine secdb files");
  options->import->add_option("paths", options->paths, "Files or directories")->required();
  auto* db_info = db_cmd->add_subcommand("info", "What is loaded, from where, advisories per ecosystem, age");
  for (auto* sub : {options->import, db_info}) {
    sub->add_option("--db", options->file,
                    "Database file (default $XDG_CACHE_HOME/drydock/vuln.db, else ~/.cache/drydock/vuln.db)");
    add_now_option(*sub, common);
  }
  return Command{
      db_cmd, [options, &common] { return cmd_db(options->import->parsed(), options->file, options->paths, common.now); }, false};
}

}  // namespace drydock::cli
