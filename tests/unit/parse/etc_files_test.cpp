#include "drydock/parse/etc_files.hpp"

#include <gtest/gtest.h>

namespace drydock::parse {
namespace {

TEST(EtcFiles, Passwd) {
  const auto e = passwd_entries(
      "root:x:0:0:root:/root:/bin/bash\n"
      "# comment\n"
      "\n"
      "+nisuser::::::\n"
      "broken:x:abc:0::/:/bin/sh\n"
      "short:x\n"
      "bob:x:1001:998:Bob,,,:/home/bob:/bin/bash\r\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin");
  ASSERT_EQ(e.size(), 3U);
  EXPECT_EQ(e[0].name, "root");
  EXPECT_EQ(e[0].uid, 0U);
  EXPECT_EQ(e[1].name, "bob");
  EXPECT_EQ(e[1].uid, 1001U);
  EXPECT_EQ(e[1].gid, 998U);
  EXPECT_EQ(e[1].home, "/home/bob");
  EXPECT_EQ(e[1].shell, "/bin/bash");
  EXPECT_EQ(e[2].uid, 65534U);
}

TEST(EtcFiles, Group) {
  const auto g = group_entries(
      "root:x:0:\n"
      "docker:x:998:alice, carol ,,dave\n"
      "empty:x:999\n"
      "bad:x:-1:x\n"
      "huge:x:99999999999:x\n");
  ASSERT_EQ(g.size(), 3U);
  EXPECT_TRUE(g[0].members.empty());
  EXPECT_EQ(g[1].name, "docker");
  EXPECT_EQ(g[1].gid, 998U);
  EXPECT_EQ(g[1].members, (std::vector<std::string>{"alice", "carol", "dave"}));
  EXPECT_EQ(g[2].name, "empty");
  EXPECT_TRUE(g[2].members.empty());
}

TEST(EtcFiles, ParseId) {
  EXPECT_EQ(parse_id("0"), 0U);
  EXPECT_EQ(parse_id("4294967295"), 4294967295U);
  EXPECT_FALSE(parse_id("4294967296"));
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("1a"));
  EXPECT_FALSE(parse_id("-1"));
}

TEST(EtcFiles, ProcMounts) {
  const auto m = mount_entries(
      "/dev/sda1 / ext4 rw,relatime 0 0\n"
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
      "/dev/sdb1 /var/lib/docker xfs rw 0 0\n"
      "/dev/sdc1 /mnt/my\\040disk ext4 rw 0 0\n");
  ASSERT_EQ(m.size(), 4U);
  EXPECT_EQ(m[0].device, "/dev/sda1");
  EXPECT_EQ(m[0].mount_point, "/");
  EXPECT_EQ(m[0].fstype, "ext4");
  EXPECT_EQ(m[0].options, "rw,relatime");
  EXPECT_EQ(m[2].mount_point, "/var/lib/docker");
  EXPECT_EQ(m[3].mount_point, "/mnt/my disk");
}

TEST(EtcFiles, Fstab) {
  const auto m = mount_entries(
      "# /etc/fstab: static file system information.\n"
      "#\n"
      "UUID=0a1b / ext4 errors=remount-ro 0 1\n"
      "\tUUID=2c3d\t/var/lib/docker\text4\tdefaults\t0\t2\n"
      "/swapfile none swap sw 0 0\n"
      "incomplete /x\n");
  ASSERT_EQ(m.size(), 3U);
  EXPECT_EQ(m[0].device, "UUID=0a1b");
  EXPECT_EQ(m[1].mount_point, "/var/lib/docker");
  EXPECT_EQ(m[2].mount_point, "none");
}

TEST(EtcFiles, OctalEscapes) {
  EXPECT_EQ(unescape_octal("a\\040b\\011c\\134d"), "a b\tc\\d");
  EXPECT_EQ(unescape_octal("\\04"), "\\04");
  EXPECT_EQ(unescape_octal("\\"), "\\");
  EXPECT_EQ(unescape_octal("\\999"), "\\999");
  EXPECT_EQ(unescape_octal("\\777"), "\\777");  // > 0xFF: kept as written
}

}  // namespace
}  // namespace drydock::parse
