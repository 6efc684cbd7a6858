#pragma once
/// A drydock JSON report (`drydock.report/v1`) read back, as written: `drydock merge` turns
/// several into one report of several hosts.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "drydock/model/location.hpp"

namespace drydock::model {

struct ReportHost {
  std::string name, engine_id, engine_version, os;
};

struct ReportResult {
  std::string check_id;
  std::string severity;  ///< "critical" ... "info" as written (the finding's own, after overrides)
  std::string status;    ///< "pass", "fail", "warn", "info", "skip" or "error"
  std::string subject_kind, subject_id, subject_name;
  std::string evidence;
  std::optional<Location> location;
  bool accepted = false;
  std::string accepted_reason, accepted_expires;
  Location accepted_source;  ///< "file:line" of the policy, split
  std::string host;          ///< the host's name, "" when the result names none
};

struct ReportFile {
  std::string path;  ///< where it was read from, for messages
  std::string command, target, tool_version;
  std::vector<ReportHost> hosts;  ///< `hosts`, else the one `host`, else none
  std::vector<ReportResult> results;
  std::size_t baseline_hidden = 0;
};

}  // namespace drydock::model
