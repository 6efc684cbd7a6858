#include "drydock/cli/vulns.hpp"

#include <fmt/format.h>

#include "drydock/vuln/database.hpp"
#include "drydock/vuln/match.hpp"

namespace drydock::cli {

core::Expected<bool> require_vuln_db(const VulnCliOptions& o) {
  if (!o.enabled) return true;
  auto path = o.db.empty() ? vuln::default_db_path() : core::Expected<std::string>(o.db);
  if (!path) return core::fail(core::ErrorKind::usage, "--vulns needs a vulnerability database: " + path.error().describe());
  auto db = vuln::Database::open(*path, vuln::Database::Mode::read);
  if (!db) {
    const std::string db_flag = o.db.empty() ? "" : " --db " + o.db;
    return core::fail(core::ErrorKind::usage,
                      fmt::format("--vulns needs a vulnerability database and {} cannot be opened ({}); load one first with "
                                  "`drydock db import{} PATH...` (OSV JSON, osv.dev zips, Alpine secdb)",
                                  *path, db.error().message, db_flag));
  }
  return true;
}

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

}  // namespace drydock::cli
