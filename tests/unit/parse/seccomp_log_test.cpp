#include "drydock/parse/seccomp_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace drydock::parse {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/seccomp/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> names_of(const SeccompLog& log) {
  std::set<std::string> out;
  for (const auto& r : log.records)
    if (!r.syscall_name.empty()) out.insert(r.syscall_name);
  return out;
}

TEST(SeccompLog, AuditdRecordsWithEnrichedPart) {
  const auto log = parse_audit_log(read_data("audit.log"));
  EXPECT_EQ(log.lines, 10);
  ASSERT_EQ(log.records.size(), 8U);  // SYSCALL and PROCTITLE are not SECCOMP records
  EXPECT_EQ(log.other_records, 2);
  EXPECT_FALSE(log.partial());
  const auto& first = log.records[0];
  EXPECT_EQ(first.source, SeccompSource::auditd);
  EXPECT_EQ(first.arch, 0xc000003eU);
  EXPECT_EQ(first.arch_name, "x86_64");
  EXPECT_EQ(first.syscall, 202);
  EXPECT_EQ(first.syscall_name, "");  // auditd wrote SYSCALL=unknown-syscall(-1)
  EXPECT_EQ(first.pid, 5654);
  EXPECT_EQ(first.comm, "runc:[2:INIT]");
  EXPECT_EQ(first.exe, "/");
  EXPECT_TRUE(first.has_code);
  EXPECT_EQ(first.code, 0x7ffc0000U);
  EXPECT_EQ(first.serial, 355U);
  EXPECT_DOUBLE_EQ(first.time, 1796232862.683);
  EXPECT_EQ(first.line, 1);
  // Hex-encoded values: a program named "x y".
  const auto hex = std::find_if(log.records.begin(), log.records.end(), [](const auto& r) { return r.pid == 16612; });
  ASSERT_NE(hex, log.records.end());
  EXPECT_EQ(hex->comm, "x y");
  EXPECT_EQ(hex->exe, "/bin/x y");
}

TEST(SeccompLog, KernelMessagesInEveryForm) {
  const auto log = parse_audit_log(read_data("kern.log"));
  ASSERT_EQ(log.records.size(), 4U);  // dmesg, syslog, journald and /dev/kmsg forms; type=1300 ignored
  EXPECT_EQ(log.other_records, 1);
  for (const auto& r : log.records) {
    EXPECT_EQ(r.source, SeccompSource::kernel);
    EXPECT_EQ(r.code, 0x7ffc0000U);
  }
  EXPECT_EQ(log.records[0].syscall, 42);
  EXPECT_EQ(log.records[0].serial, 3281U);
  EXPECT_EQ(log.records[1].syscall, 44);
  EXPECT_EQ(log.records[2].arch, 0x40000003U);  // a 32-bit x86 process
  EXPECT_EQ(log.records[2].syscall, 5);
  EXPECT_EQ(log.records[2].exe, "/bin/x y");
  EXPECT_EQ(log.records[3].syscall, 45);
  // "callbacks suppressed" and "audit_lost=": records were dropped.
  EXPECT_TRUE(log.partial());
  EXPECT_EQ(log.loss_notes, 2);
  ASSERT_EQ(log.loss_samples.size(), 2U);
  EXPECT_EQ(log.loss_samples[0], "line 3: [ 1523.403120] kauditd_printk_skb: 17 callbacks suppressed");
}

TEST(SeccompLog, OneFileMixesTheForms) {
  const auto log = parse_audit_log(read_data("audit.log") + read_data("kern.log"));
  EXPECT_EQ(log.records.size(), 12U);
  EXPECT_EQ(log.records.back().line, 16);
  EXPECT_EQ(log.records.back().source, SeccompSource::kernel);
  EXPECT_EQ(log.records.front().source, SeccompSource::auditd);
}

TEST(SeccompLog, InterpretedAusearchOutput) {
  const auto log = parse_audit_log(
      "type=SECCOMP msg=audit(12/03/2026 02:10:27.399:3290) : auid=unset uid=root gid=root ses=unset pid=19326 "
      "comm=wget exe=/bin/busybox sig=SIG0 arch=x86_64 syscall=connect compat=0 ip=0x4820f7 code=log\n");
  ASSERT_EQ(log.records.size(), 1U);
  EXPECT_EQ(log.records[0].serial, 3290U);
  EXPECT_EQ(log.records[0].arch, 0U);
  EXPECT_EQ(log.records[0].arch_name, "x86_64");
  EXPECT_EQ(log.records[0].syscall, -1);
  EXPECT_EQ(log.records[0].syscall_name, "connect");
  EXPECT_FALSE(log.records[0].has_code);
}

TEST(SeccompLog, EnrichedNameWhenAuditdKnowsIt) {
  const auto log = parse_audit_log(
      "type=SECCOMP msg=audit(1.5:7): pid=3 comm=\"a b\" arch=c000003e syscall=257 code=0x7ffc0000\x1d"
      "ARCH=x86_64 SYSCALL=openat AUID=\"unset\"\n");
  ASSERT_EQ(log.records.size(), 1U);
  EXPECT_EQ(log.records[0].syscall, 257);
  EXPECT_EQ(log.records[0].syscall_name, "openat");
  EXPECT_EQ(log.records[0].comm, "a b");
}

TEST(SeccompLog, BrokenRecordsAreSkipped) {
  const auto log = parse_audit_log(
      "type=SECCOMP msg=audit(1.5:7\n"                           // no "):"
      "type=SECCOMP msg=audit(1.5:8): pid=3 arch=c000003e\n"     // no syscall
      "type=SECCOMP msg=audit(1.5:9): syscall=-4 arch=zz\n"      // not a number
      "net_ratelimit: 3 callbacks suppressed\n"                  // not audit's
      "type=SECCOMP msg=audit(1.5:10): syscall=99999999999999999999999 comm=4\n");
  EXPECT_TRUE(log.records.empty());
  EXPECT_FALSE(log.partial());
}

TEST(SeccompLog, StraceFollowForksToAFile) {
  const auto log = parse_strace(read_data("strace-f.txt"));
  const auto names = names_of(log);
  for (const char* n : {"execve", "openat", "getdents64", "write", "sendfile", "wait4", "exit_group", "clone"})
    EXPECT_EQ(names.count(n), 1U) << n;
  EXPECT_EQ(names.count("exited"), 0U);
  EXPECT_GT(log.records.front().pid, 0);
  for (const auto& r : log.records)
    EXPECT_EQ(r.source, SeccompSource::strace);
}

TEST(SeccompLog, StraceOnATerminalWithTimestamps) {
  const auto log = parse_strace(read_data("strace-tty.txt"));
  const auto names = names_of(log);
  EXPECT_EQ(names.count("set_robust_list"), 1U);  // only as "<unfinished ...>" / "<... resumed>"
  EXPECT_EQ(names.count("wait4"), 1U);
  EXPECT_EQ(names.count("execve"), 1U);
  EXPECT_EQ(names.count("SIGCHLD"), 0U);
  const auto direct = parse_strace(
      "12:00:01.123456 openat(AT_FDCWD, \"/\", O_RDONLY) = 3\n"
      "1700000000.5 read(3, \"\", 1) = 0\n"
      "[pid 42] 12:00:01 <... futex resumed>) = 0\n"
      "99 syscall_0x1b6(0) = -1 ENOSYS\n"
      "strace: Process 42 attached\n"
      "[ Process PID=42 runs in 32 bit mode. ]\n"
      "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---\n"
      "+++ exited with 0 +++\n");
  ASSERT_EQ(direct.records.size(), 4U);
  EXPECT_EQ(direct.records[0].syscall_name, "openat");
  EXPECT_EQ(direct.records[0].pid, -1);
  EXPECT_EQ(direct.records[1].syscall_name, "read");
  EXPECT_EQ(direct.records[2].syscall_name, "futex");
  EXPECT_EQ(direct.records[2].pid, 42);
  EXPECT_EQ(direct.records[3].syscall, 0x1b6);
  EXPECT_EQ(direct.records[3].pid, 99);
}

TEST(SeccompLog, HexDecoding) {
  EXPECT_EQ(decode_audit_hex("2F62696E"), "/bin");
  EXPECT_EQ(decode_audit_hex("2F6"), "2F6");
  EXPECT_EQ(decode_audit_hex("zz"), "zz");
  EXPECT_EQ(decode_audit_hex(""), "");
}

TEST(SeccompLog, RandomBytesNeverCrash) {
  std::mt19937 rng(14);
  const std::string seed = read_data("audit.log") + read_data("kern.log") + read_data("strace-tty.txt");
  for (int i = 0; i < 300; ++i) {
    std::string s = seed.substr(rng() % seed.size(), 400);
    for (int k = 0; k < 8 && !s.empty(); ++k)
      s[rng() % s.size()] = static_cast<char>(rng() % 256);
    const auto a = parse_audit_log(s);
    const auto b = parse_strace(s);
    for (const auto& r : a.records)
      EXPECT_TRUE(r.syscall >= 0 || !r.syscall_name.empty());
    for (const auto& r : b.records)
      EXPECT_TRUE(r.syscall >= 0 || !r.syscall_name.empty());
  }
}

}  // namespace
}  // namespace drydock::parse
