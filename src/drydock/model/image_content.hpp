#pragma once
/// What an image's layers hold, read in one streaming pass (`drydock image`): the layers, the
/// final filesystem after whiteouts, secrets found in any layer, the installed packages.
/// Paths are absolute image paths ("/etc/passwd"), whatever the tar entries spelled.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "drydock/model/package.hpp"

namespace drydock::model {

/// One layer, in the image's order (base first).
struct ImageLayer {
  std::string digest;       ///< the blob's digest as stored (compressed for OCI blobs), "sha256:..."
  std::string diff_id;      ///< sha256 of the uncompressed tar, as computed while reading
  std::string compression;  ///< "none", "gzip", "zstd", ...
  std::uint64_t size = 0;   ///< uncompressed bytes
  std::uint64_t entries = 0;
  std::string created_by;  ///< the history entry that made it, when the config says
};

enum class FileType { regular, directory, symlink, hardlink, other };

/// A file of the final filesystem (after every layer's whiteouts).
struct ImageFile {
  std::string path;
  FileType type = FileType::regular;
  std::uint32_t mode = 0;  ///< permission bits with setuid 04000, setgid 02000, sticky 01000
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t size = 0;
  std::string link;       ///< target of a symlink or hard link, as written
  std::size_t layer = 0;  ///< index into ImageContent::layers of the layer that wrote it
  /// The package whose file list (dpkg, apk, rpm) names this file, for setuid and setgid files only
  /// (the only ones a check asks about); "" when none does.
  std::string package;
};

/// A credential found in a file of some layer.
struct LayerSecret {
  std::string path;
  std::string kind;    ///< "private-key", "aws-credentials", ...
  std::string detail;  ///< "OpenSSH private key"
  int line = 0;
  std::size_t layer = 0;
  /// True when a later layer deleted or replaced the file: the final filesystem does not show
  /// it, yet anyone who pulls the image gets the layer that still holds it.
  bool removed = false;
};

/// A setting in a package manager's configuration that switches off signature (or TLS)
/// verification (CIS 4.11): `[trusted=yes]`, `gpgcheck=0`, `trusted-host`, ...
struct UnverifiedSource {
  std::string path;
  int line = 0;
  std::string detail;
};

struct ImageContent {
  std::vector<ImageLayer> layers;
  std::vector<ImageFile> files;  ///< the final filesystem, sorted by path
  std::vector<LayerSecret> secrets;
  PackageSet packages;
  /// Package databases found but not understood ("/var/lib/dpkg/status: line 7: ...").
  std::vector<std::string> package_errors;
  /// Package databases whose file lists could not be read (an rpm database that does not open):
  /// a file they may own shows no ImageFile::package.
  std::vector<std::string> unread_file_lists;
  /// Digests that do not match what the manifest or config promise; empty when all verified.
  std::vector<std::string> integrity_problems;
  std::size_t digests_verified = 0;  ///< blobs and layers whose digest was checked and matched
  /// Package-manager configuration files of the final filesystem that were read (apt sources
  /// and apt.conf, yum/dnf/zypper repositories, rpm macros, pip.conf), and what in them turns
  /// verification off.
  std::size_t package_configs = 0;
  std::vector<UnverifiedSource> unverified_sources;
};

}  // namespace drydock::model
