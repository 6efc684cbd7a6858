#pragma once
/// Matches an image's installed packages against the vulnerability database.
///
/// How the image command uses it (wired by `drydock image --vulns`):
///
///     auto db = vuln::Database::open(db_path, vuln::Database::Mode::read);   // once per run
///     auto outcome = vuln::match(package_set, *db, image_reference);         // per image
///     report.vulnerabilities += outcome->vulnerabilities;   // after --ignore-unfixed: drop_unfixed()
///     auto cis = vuln::cis_4_4_evidence(*outcome, ignore_unfixed);           // image.vulnerabilities
///
/// A database that cannot be opened is an `error` result for CIS 4.4 (with the message), an OS
/// the database does not cover is `skip` with outcome.reason: never "no vulnerabilities".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/core/severity.hpp"
#include "drydock/model/package.hpp"
#include "drydock/model/vulnerability.hpp"
#include "drydock/vuln/database.hpp"
#include "drydock/vuln/version.hpp"

namespace drydock::vuln {

/// Which advisories apply to an OS, and how its versions are ordered.
struct OsTarget {
  Scheme scheme = Scheme::dpkg;
  std::string family;  ///< "Alpine", "Debian", "Ubuntu", "Red Hat", "AlmaLinux", "Rocky Linux"
  /// The ecosystem names (exact), or prefixes ending in ':' of the ecosystems, that apply.
  std::vector<std::string> ecosystems;
  bool by_binary_name = false;  ///< rpm advisories name binary packages: look both names up
};

/// The target of an OS: alpine 3.11.6 -> Alpine:v3.11 (apk), debian 12 -> Debian:12 (dpkg),
/// ubuntu 22.04 -> Ubuntu:22.04 and Ubuntu:22.04:* (dpkg), rhel 9.3 -> Red Hat:enterprise_linux:9*,
/// almalinux 9.3 -> AlmaLinux:9, rocky 8.9 -> Rocky Linux:8 (rpm). nullopt for any other OS or a
/// missing VERSION_ID, with the reason in `why`.
std::optional<OsTarget> os_target(const model::OsRelease& os, std::string& why);

/// What matching one image gave.
struct MatchOutcome {
  bool covered = false;
  std::string os;                                     ///< "alpine 3.11.6", for messages
  std::vector<std::string> ecosystems;                ///< the database ecosystems that were searched
  std::string reason;                                 ///< why the image is not covered, when it is not
  std::size_t packages = 0;                           ///< packages looked up
  std::int64_t database_updated_at = 0;               ///< when the database was last imported (unix seconds)
  std::vector<model::Vulnerability> vulnerabilities;  ///< sorted by package, then id
};

/// Whether `version` lies in one OSV range (per the schema's evaluation: events sorted by
/// version, `introduced` opens, `fixed` and `last_affected` close, `limit` bounds from above).
/// When it does and a later `fixed` event exists, `fixed` receives the first one above it.
bool in_range(Scheme scheme, std::string_view version, const model::AffectedRange& range, std::string* fixed = nullptr);

/// The vulnerabilities of every package of `set` in the ecosystems of its OS. An OS the database
/// has no advisories for gives covered = false and a reason (not an error). Errors are database
/// read errors only.
core::Expected<MatchOutcome> match(const model::PackageSet& set, const Database& db, std::string_view image = {});

/// Removes the vulnerabilities that have no fixed version (`--ignore-unfixed`).
void drop_unfixed(std::vector<model::Vulnerability>& vulnerabilities);

/// The result of CIS 4.4 ("Ensure images are scanned and rebuilt to include security patches")
/// for one image: `fail` when a fixed version exists for some vulnerability (a rebuild would
/// pick it up), `warn` when there are vulnerabilities without a fix (unless `ignore_unfixed`,
/// then `pass`), `pass` when there are none, `skip` when the OS is not covered. The severity is
/// the highest among the counted vulnerabilities (high when none is known). The evidence says
/// how old the advisories are, so that a pass on stale data is seen as such.
struct Cis44Evidence {
  core::Status status = core::Status::skip;
  std::optional<core::Severity> severity;
  std::string evidence;
};
Cis44Evidence cis_4_4_evidence(const MatchOutcome& outcome, bool ignore_unfixed = false);

}  // namespace drydock::vuln
