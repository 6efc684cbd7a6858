#pragma once
/// The host's account and mount tables: /etc/passwd, /etc/group, /proc/mounts, /etc/fstab.
/// Pure: text in, entries out; malformed lines are skipped, never fatal.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drydock::parse {

/// One line of /etc/passwd: `name:password:uid:gid:gecos:home:shell`.
struct PasswdEntry {
  std::string name;
  unsigned uid = 0;
  unsigned gid = 0;
  std::string home;
  std::string shell;
};

/// One line of /etc/group: `name:password:gid:member,member`.
struct GroupEntry {
  std::string name;
  unsigned gid = 0;
  std::vector<std::string> members;  ///< the supplementary members listed on the line, in order
};

/// One line of /proc/mounts or /etc/fstab: `device mountpoint fstype options [dump pass]`,
/// octal escapes (`\040` for a space) decoded.
struct MountEntry {
  std::string device;
  std::string mount_point;
  std::string fstype;
  std::string options;
};

/// Entries of /etc/passwd; lines without a name or a numeric uid/gid are skipped, as are
/// `#` comments and NIS `+`/`-` lines.
std::vector<PasswdEntry> passwd_entries(std::string_view text);

/// Entries of /etc/group; lines without a name or a numeric gid are skipped.
std::vector<GroupEntry> group_entries(std::string_view text);

/// Entries of /proc/mounts, /proc/self/mounts or /etc/fstab; comments and short lines skipped.
std::vector<MountEntry> mount_entries(std::string_view text);

/// A decimal id ("0", "998") as an unsigned; nullopt when it is not one or does not fit 32 bits.
std::optional<unsigned> parse_id(std::string_view text);

/// Decodes the octal escapes of mount tables: `\040` -> ' ', `\011` -> tab, `\134` -> '\'.
std::string unescape_octal(std::string_view text);

}  // namespace drydock::parse
