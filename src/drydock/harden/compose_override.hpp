#pragma once
/// `drydock harden compose`: from the Compose audit's findings, the override file that sets what
/// an override can set (docker-compose 1.29 too: no `!reset`), each line commented with the check
/// id and why; and the edits an override cannot make, at the file:line:column of their finding.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/model/compose.hpp"

namespace drydock::harden {

/// What the engine measured of a service's running container (nullopt: not measured).
struct Usage {
  std::optional<std::int64_t> memory;  ///< bytes in use, page cache excluded
  std::optional<std::int64_t> pids;    ///< processes and threads
  std::string source;                  ///< "container web-1 (stats)", for the comments
};

struct OverrideOptions {
  bool strict = false;                 ///< also the changes that commonly break workloads (user, cap_drop ALL)
  std::map<std::string, Usage> usage;  ///< by service name
};

/// One setting the override makes.
struct Change {
  std::string service;
  std::string check_id;
  std::string setting;  ///< "privileged: false"
};

/// A finding the override does not fix: what to change in the base files, and where.
struct Edit {
  std::string service;
  std::string check_id;
  core::Status status = core::Status::fail;
  model::Location location;
  std::string evidence;
  std::string remediation;
};

struct Override {
  std::string services_yaml;  ///< "services:\n  web:\n    privileged: false  # ...\n"
  std::vector<Change> changes;
};

/// The override for the findings (fail or warn) of `before`, the Compose audit of `project`.
Override make_override(const model::ComposeProject& project, const audit::Report& before, const OverrideOptions& options);

/// The findings of `before` still found in `after` (the audit of the project with the override at
/// `override_path`), with what `after` found, located in the base files, in report order.
std::vector<Edit> remaining_edits(const audit::Report& before, const audit::Report& after, const std::string& override_path);

/// "compose.yaml:12:7: web: runtime.docker-socket-mount: <remediation>" (the evidence is in `drydock compose`).
std::string edit_line(const Edit& edit);

/// The whole file: a header (what it is, how to apply it, the edits as comments), then the services.
std::string override_file(const Override& o, const std::vector<Edit>& edits, const std::vector<std::string>& base_files,
                          const std::string& override_path);

/// Counts of fail and warn results, "12 findings (10 fail, 2 warn)".
std::string findings_summary(const audit::Report& report);

}  // namespace drydock::harden
