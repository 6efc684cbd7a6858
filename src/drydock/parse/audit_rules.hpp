#pragma once
/// Linux audit rules -> model::AuditRule. Pure. Reads the files auditctl/augenrules load
/// (/etc/audit/audit.rules, /etc/audit/rules.d/*.rules) and the output of `auditctl -l`,
/// which uses the same syntax.
///
/// Understood: `-w PATH [-p PERMS] [-k KEY]` in any order; `-a always,exit ... -F path=PATH`
/// or `-F dir=PATH` with `-F perm=` and `-k KEY` / `-F key=`; `-W PATH` removes the watches
/// on PATH loaded before it. Whole-line `#` comments, blank lines and control lines
/// (`-D`, `-b`, `-e`, `-f`, `-r`, `--backlog_wait_time`, ...) add nothing, nor do `never`
/// rules and rules on other lists. Any input is accepted; what is not a rule is skipped.

#include <string_view>
#include <vector>

#include "drydock/model/host_facts.hpp"

namespace drydock::parse {

/// Appends the path rules of one rules text to `rules`, each located at `source`:line.
/// A `-W` line removes the earlier rules (from this text or earlier ones) on the same path.
void append_audit_rules(std::string_view text, std::string_view source, std::vector<model::AuditRule>& rules);

/// The path rules of one rules text.
std::vector<model::AuditRule> audit_rules(std::string_view text, std::string_view source);

}  // namespace drydock::parse
