#pragma once
/// `drydock merge`: reports written anywhere (cron on each host, CI, each node of `drydock
/// fleet`) made one report of several hosts.

#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/report_file.hpp"

namespace drydock::audit {

/// The results of every report, each with its host, in catalogue order (one group per check,
/// reports in the order given within a group). A host is known by its name and engine id: the
/// same host in two reports is listed once; two hosts of one name and different engines keep
/// both, the second renamed "NAME (2)". A report that names no host (files audited) counts as
/// the host named after its path. The command is the reports' own when they share one, else
/// "merge"; the target lists the reports. A check this drydock does not know is an error (merge
/// with the drydock that wrote the report).
core::Expected<Report> merge(const std::vector<model::ReportFile>& files);

}  // namespace drydock::audit
