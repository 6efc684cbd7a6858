#pragma once
/// The package databases of an image (dpkg, apk, rpm) and its /etc/os-release. Pure: the
/// bytes of one file in, packages out; the caller (the image layer walk) finds the files.
/// Every error is ErrorKind::parse with `where` = "db_path:line" (dpkg, apk) or "db_path" (rpm).

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/package.hpp"

namespace drydock::parse {

/// Larger text databases are refused. A full Debian desktop's status file is about 10 MiB; a
/// container image's is well under 1 MiB.
inline constexpr std::size_t k_text_package_db_limit = std::size_t{64} << 20U;
/// Larger rpm databases are refused (a full Fedora workstation's rpmdb.sqlite is about 150 MiB;
/// a UBI image's about 10 MiB). The bytes are copied once, into memory SQLite owns.
inline constexpr std::size_t k_rpm_db_limit = std::size_t{256} << 20U;
/// At most this many packages in one database.
inline constexpr std::size_t k_package_count_limit = 100000;
/// Longest name, version, architecture or source accepted (real ones are under 200 bytes).
inline constexpr std::size_t k_package_field_limit = 4096;

/// Which parser of this file a file of an image is for, by its path.
enum class PackageFile {
  none,
  dpkg_status,    ///< var/lib/dpkg/status, and each var/lib/dpkg/status.d/NAME (not NAME.md5sums)
  apk_installed,  ///< lib/apk/db/installed
  rpm_sqlite,     ///< var/lib/rpm/rpmdb.sqlite, usr/lib/sysimage/rpm/rpmdb.sqlite
  os_release,     ///< etc/os-release, usr/lib/os-release
  dpkg_file_list, ///< var/lib/dpkg/info/NAME.list, var/lib/dpkg/status.d/NAME.md5sums: one package's files
};

/// The kind of `path` (with or without a leading '/' or "./"). Cheap: a layer walk may ask it
/// for every file.
PackageFile package_file_kind(std::string_view path);

/// The package whose files a dpkg file list holds, by the list's path:
/// "/var/lib/dpkg/info/login.list" -> "login", ".../libc6:amd64.list" -> "libc6",
/// "/var/lib/dpkg/status.d/base-files.md5sums" -> "base-files"; "" for any other path.
std::string_view dpkg_list_package(std::string_view path);

/// The paths of a dpkg file list, absolute ("/usr/bin/su"), each given to `fn`: a NAME.list holds
/// one absolute path a line; a NAME.md5sums holds `<md5>  <relative path>` lines. `is_md5sums`
/// says which. Lines of neither shape are skipped (the list is evidence, not a database to refuse).
void for_each_dpkg_listed(std::string_view text, bool is_md5sums, const std::function<void(std::string_view)>& fn);

/// The files an apk database (/lib/apk/db/installed) records: `fn(package, path)` for each R:
/// line, the path being "/" + the record's last F: directory + "/" + R. Malformed lines skipped.
void for_each_apk_file(std::string_view text, const std::function<void(std::string_view, std::string_view)>& fn);

/// The packages of a dpkg status file (/var/lib/dpkg/status) or of one distroless stanza file
/// (/var/lib/dpkg/status.d/NAME). A package is listed when its files are on disk: its Status's
/// third word is `installed`, `triggers-pending`, `triggers-awaited`, `half-configured` or
/// `unpacked`, whatever was selected (`install`, `hold`, `deinstall`, `purge`); `config-files`,
/// `half-installed` and `not-installed` are skipped. A stanza without Status (distroless writes
/// none) counts as installed. `Source: name (version)` gives the source; the same name under two
/// architectures (multi-arch) gives two packages. Errors: a line that is neither `Field: value`
/// nor a continuation, a listed package without Package or Version, limits exceeded.
core::Expected<std::vector<model::Package>> parse_dpkg_status(std::string_view text, std::string_view db_path);

/// The packages of an apk database (/lib/apk/db/installed): records of `X:value` lines separated
/// by blank lines; P: name, V: version, A: arch, o: origin (the source). Errors: a line that is
/// not `X:value`, a record without P: or V:, limits exceeded.
core::Expected<std::vector<model::Package>> parse_apk_installed(std::string_view text, std::string_view db_path);

/// The packages of an rpm sqlite database (/var/lib/rpm/rpmdb.sqlite, or /usr/lib/sysimage/rpm/),
/// given as its bytes: opened in memory, never written to disk. Each header blob of the Packages
/// table gives NAME, EPOCH, VERSION, RELEASE, ARCH and SOURCERPM; version is
/// `[epoch:]version-release` (epoch 0 and no epoch are the same to rpm and are left out); the
/// source is the name of SOURCERPM (`name-version-release.src.rpm`). The `gpg-pubkey` entries
/// that `rpm --import` adds are keys, not packages, and are skipped. Errors: not an SQLite
/// database, no Packages table, a header blob that is truncated or inconsistent, limits exceeded.
/// Only the main file is read: rpm checkpoints its write-ahead log when it closes, but packages
/// still in a non-empty rpmdb.sqlite-wal beside it would be missed. The older BerkeleyDB
/// (`Packages`) and NDB (`Packages.db`) formats are not read.
core::Expected<std::vector<model::Package>> parse_rpm_sqlite(std::string_view db_bytes, std::string_view db_path);

/// The files an rpm sqlite database records: `fn(package, path)` for each file of each package
/// (NAME; the path from DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or OLDFILENAMES in headers older
/// than rpm 4.0). Errors as parse_rpm_sqlite's, and a file list whose arrays disagree.
core::Expected<void> for_each_rpm_file(std::string_view db_bytes, std::string_view db_path,
                                       const std::function<void(std::string_view, std::string_view)>& fn);

/// The fields of /etc/os-release (or /usr/lib/os-release): `KEY=value` lines, values bare or
/// quoted (shell-style `"..."` with `\` escapes, or `'...'`); comments and other lines ignored.
model::OsRelease parse_os_release(std::string_view text);

}  // namespace drydock::parse
