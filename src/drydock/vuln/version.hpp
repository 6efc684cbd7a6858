#pragma once
/// Version ordering of the three package managers whose databases drydock reads, each following
/// its tool's own rules exactly (dpkg, apk-tools, rpm), so that "installed < fixed" means what the
/// distribution means by it. Every function is total: any byte string compares, none throws.

#include <optional>
#include <string_view>

namespace drydock::vuln {

/// Which ordering a version string follows.
enum class Scheme { dpkg, apk, rpm };

/// dpkg's order (`dpkg --compare-versions`): `[epoch:]upstream[-revision]`, epochs numerically,
/// then upstream and revision by verrevcmp: non-digit runs character by character with `~`
/// before the end before letters before other characters, digit runs numerically.
/// Returns <0, 0 or >0.
int compare_dpkg(std::string_view a, std::string_view b);

/// apk-tools' order (the tokenizer of apk-tools 2.14 and 3): dot-separated numbers (a component
/// with a leading zero compares as text, i.e. as a fraction: 1.01 < 1.1), one optional lowercase
/// letter, suffixes `_alpha _beta _pre _rc` (before the bare version) and `_cvs _svn _git _hg _p`
/// (after it), each with an optional number, `~hash`, then `-rN`. Where one version goes on
/// after the other ends it is greater, unless it goes on with a pre-release suffix; an invalid
/// remainder sorts lowest. Returns <0, 0 or >0.
int compare_apk(std::string_view a, std::string_view b);

/// Whether apk-tools accepts `v` as a version (the secdb data has typos such as "1.18.-r2").
bool apk_version_valid(std::string_view v);

/// rpm's rpmvercmp on one field: alphanumeric segments, digits numerically and above letters,
/// `~` before everything (even the end), `^` after the end but before any further segment.
int rpmvercmp(std::string_view a, std::string_view b);

/// rpm's order of `[epoch:]version[-release]` as `rpm.vercmp` orders it: epochs (absent = 0),
/// then versions, then releases, where a missing release sorts before any present one.
int compare_rpm(std::string_view a, std::string_view b);

/// The comparison of `scheme`.
int compare(Scheme scheme, std::string_view a, std::string_view b);

/// The scheme of a package manager ("dpkg", "apk", "rpm"); nullopt for anything else.
std::optional<Scheme> scheme_of_manager(std::string_view manager);

}  // namespace drydock::vuln
