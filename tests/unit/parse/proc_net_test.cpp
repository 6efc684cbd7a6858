#include <gtest/gtest.h>

#include "drydock/parse/proc_net.hpp"

namespace drydock::parse {
namespace {

// Lines in the kernel's own format (x86-64, little-endian words).
constexpr std::string_view k_tcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
    "   1: 00000000:1F0A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0\n"
    "   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n"
    "   3: 0100007F:0949 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0\n"
    "garbage line\n"
    "   4: ZZZZ:0949 00000000:0000 0A\n";

constexpr std::string_view k_tcp6 =
    "  sl  local_address                         remote_address                        st\n"
    "   0: 00000000000000000000000000000000:1F0A 00000000000000000000000000000000:0000 0A 0 0 0 0 0 0 0 0\n"
    "   1: 00000000000000000000000001000000:0949 00000000000000000000000000000000:0000 0A 0 0 0 0 0 0 0 0\n";

TEST(ProcNet, ListeningSocketsOnTheGivenPorts) {
  const auto v4 = listening_sockets(k_tcp, false, {2377, 7946});
  ASSERT_EQ(v4.size(), 2u);  // ssh (22) and the established connection are left out
  EXPECT_EQ(v4[0].address, "127.0.0.1");
  EXPECT_EQ(v4[0].port, 2377);
  EXPECT_EQ(v4[1].address, "0.0.0.0");
  EXPECT_EQ(v4[1].port, 7946);
}

TEST(ProcNet, Ipv6) {
  const auto v6 = listening_sockets(k_tcp6, true, {2377, 7946});
  ASSERT_EQ(v6.size(), 2u);
  EXPECT_EQ(v6[0].address, "::");
  EXPECT_EQ(v6[1].address, "::1");
  EXPECT_EQ(v6[1].port, 2377);
}

TEST(ProcNet, HostileTextIsSkipped) {
  EXPECT_TRUE(listening_sockets("", false, {2377}).empty());
  EXPECT_TRUE(listening_sockets(std::string(1000, ':'), true, {2377}).empty());
  EXPECT_TRUE(listening_sockets("0: :0949 0 0A\n0: 0100007F: 0 0A\n", false, {2377}).empty());
}

}  // namespace
}  // namespace drydock::parse

namespace drydock::parse {
namespace {

TEST(ProcNet, ListeningUnixSocketsByPath) {
  constexpr std::string_view k_unix =
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "0000000067cd8db5: 00000002 00000000 00010000 0001 01  6169 /var/run/docker.sock\n"
      "00000000a95572fa: 00000003 00000000 00000000 0001 03  5949 /var/run/docker.sock\n"  // a connection, not the listener
      "00000000a95572fb: 00000003 00000000 00010000 0001 01  5950 /run/containerd/containerd.sock\n"
      "00000000a95572fc: 00000003 00000000 00010000 0001 01  5951\n"  // unbound
      "garbage\n";
  const auto inodes = listening_unix_inodes(k_unix, [](std::string_view p) { return p == "/var/run/docker.sock"; });
  ASSERT_EQ(inodes.size(), 1u);
  EXPECT_EQ(inodes[0], 6169u);
}

}  // namespace
}  // namespace drydock::parse
