#pragma once
/// Package-manager configuration in an image's files that switches off signature (or TLS)
/// verification, CIS 4.11: apt sources (one-line `[trusted=yes]` and deb822 `Trusted: yes`),
/// apt.conf (`APT::Get::AllowUnauthenticated`, insecure repositories, `Verify-Peer false`),
/// yum/dnf/zypper repositories and configuration (`gpgcheck=0`, `sslverify=0`), rpm macros
/// (`%_pkgverify_level none`), pip.conf (`trusted-host`). Pure: a path and bytes in, lines out.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drydock::parse {

/// Files larger than this are not package-manager configuration worth reading.
inline constexpr std::uint64_t k_package_config_limit = std::uint64_t{1} << 20U;

/// Whether a layer walk should keep this file for scan_package_config: cheap, by name and size.
/// `/etc/apt/sources.list`, `/etc/apt/sources.list.d/*.list|*.sources`, `/etc/apt/apt.conf`,
/// `/etc/apt/apt.conf.d/*`, `/etc/yum.conf`, `/etc/dnf/dnf.conf`, `*.repo` under
/// `/etc/yum.repos.d`, `/etc/distro.repos.d` or `/etc/zypp/repos.d`, `/etc/rpm/macros*`, and any
/// `pip.conf` or `pip.ini`.
bool package_config_file(std::string_view path, std::uint64_t size);

/// One setting that turns verification off.
struct UnverifiedSetting {
  int line = 0;        ///< 1-based
  std::string detail;  ///< "[trusted=yes] on deb http://repo/ stable main", "gpgcheck=0 in [epel]"
};

/// The settings of a package_config_file that switch verification off; none for other paths or
/// malformed content.
std::vector<UnverifiedSetting> scan_package_config(std::string_view path, std::string_view content);

}  // namespace drydock::parse
