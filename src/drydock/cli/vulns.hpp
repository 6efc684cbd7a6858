#pragma once
/// `--vulns` and its companions, for `drydock image` and `drydock host`.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "drydock/cli/common.hpp"
#include "drydock/model/image.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::cli {

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

/// With --vulns, opens the vulnerability database before any work: a usage error (exit 2) naming
/// the `drydock db import` command to run when there is none, so a CI gate never passes without
/// the scan it asked for. Without --vulns, nothing.
core::Expected<bool> require_vuln_db(const VulnCliOptions& o);

/// Matches each image's packages against the vulnerability database (CIS 4.4), filling
/// `img.vulns`; returns every vulnerability found, for the report. A database that cannot be
/// opened makes CIS 4.4 an `error` for every image, with the reason.
std::vector<model::Vulnerability> scan_vulnerabilities(std::vector<model::ImageSpec>& images, const VulnCliOptions& o,
                                                       const Progress& progress);

}  // namespace drydock::cli
