#pragma once
/// Installed operating-system packages of an image, as its package databases record them.
/// Produced by parse/ (dpkg, apk, rpm), carried in the JSON report, matched by vuln/.

#include <string>
#include <vector>

namespace drydock::model {

/// What /etc/os-release (or /usr/lib/os-release) says; every field "" when absent.
struct OsRelease {
  std::string id;                ///< ID: "debian", "alpine", "ubuntu", "rhel", "almalinux", "rocky"
  std::string id_like;           ///< ID_LIKE, as written
  std::string version_id;        ///< VERSION_ID: "12", "3.11.6", "9.3"
  std::string version_codename;  ///< VERSION_CODENAME: "bookworm"
  std::string pretty_name;       ///< PRETTY_NAME
};

/// One installed package.
struct Package {
  std::string name;
  /// The full version as the package manager orders it: dpkg `[epoch:]upstream[-revision]`,
  /// apk `1.2.3-r4`, rpm `[epoch:]version-release`.
  std::string version;
  /// The source package advisories are filed under: dpkg `Source:` (else the name), apk
  /// origin (`o:`), rpm the name of SOURCERPM. Never empty once parsed.
  std::string source_name;
  /// dpkg `Source: name (version)` when given, else the binary version; apk and rpm: version.
  std::string source_version;
  std::string arch;
  std::string manager;  ///< "dpkg", "apk", "rpm"
  std::string db_path;  ///< the database file in the image it was read from
};

/// What an image has installed, with the OS that tells which advisories apply.
struct PackageSet {
  OsRelease os;
  std::vector<Package> packages;
};

}  // namespace drydock::model
