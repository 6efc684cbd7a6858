#include "drydock/parse/audit_rules.hpp"

#include <gtest/gtest.h>

#include <random>

namespace drydock::parse {
namespace {

TEST(AuditRules, WatchRulesInAnyOrderWithLocations) {
  const auto rules = audit_rules(
      "## Docker\n"
      "\n"
      "-w /usr/bin/dockerd -p rwxa -k docker\n"
      "-k docker -p wa -w /etc/docker\n"
      "  -w /var/lib/docker   -k docker\r\n"
      "-w /etc/default/docker -p rwxa -F key=dflt\n",
      "/etc/audit/rules.d/docker.rules");
  ASSERT_EQ(rules.size(), 4U);
  EXPECT_EQ(rules[0].path, "/usr/bin/dockerd");
  EXPECT_EQ(rules[0].permissions, "rwxa");
  EXPECT_EQ(rules[0].key, "docker");
  EXPECT_EQ(rules[0].location.file, "/etc/audit/rules.d/docker.rules");
  EXPECT_EQ(rules[0].location.line, 3);
  EXPECT_EQ(rules[1].path, "/etc/docker");
  EXPECT_EQ(rules[1].permissions, "wa");
  EXPECT_EQ(rules[1].location.line, 4);
  EXPECT_EQ(rules[2].path, "/var/lib/docker");
  EXPECT_EQ(rules[2].permissions, "");
  EXPECT_EQ(rules[2].location.line, 5);
  EXPECT_EQ(rules[3].key, "dflt");
}

TEST(AuditRules, CommentedOutRulesDoNotCount) {
  const auto rules = audit_rules(
      "# -w /var/lib/docker -k docker\n"
      "   #-w /etc/docker -k docker\n"
      "-w /usr/sbin/dockerd -k docker\n",
      "f");
  ASSERT_EQ(rules.size(), 1U);
  EXPECT_EQ(rules[0].path, "/usr/sbin/dockerd");
  EXPECT_EQ(rules[0].location.line, 3);
}

TEST(AuditRules, ControlLinesAreIgnored) {
  const auto rules = audit_rules("-D\n-b 8192\n-f 1\n-r 100\n--backlog_wait_time 60000\n-e 2\n-i\n", "audit.rules");
  EXPECT_TRUE(rules.empty());
}

TEST(AuditRules, SyscallRulesWithPathAndDir) {
  const auto rules = audit_rules(
      "-a always,exit -F path=/usr/bin/containerd -F perm=rwxa -k containerd\n"
      "-a exit,always -F arch=b64 -F dir=/etc/docker -F perm=wa -F key=docker-dir\n"
      "-a never,exit -F path=/usr/bin/runc\n"
      "-a always,exclude -F msgtype=CWD\n"
      "-a always,exit -F path!=/usr/bin/ctr -k x\n"
      "-a always,exit -S openat -k nothing\n",
      "f");
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0].path, "/usr/bin/containerd");
  EXPECT_EQ(rules[0].permissions, "rwxa");
  EXPECT_EQ(rules[0].key, "containerd");
  EXPECT_EQ(rules[1].path, "/etc/docker");
  EXPECT_EQ(rules[1].permissions, "wa");
  EXPECT_EQ(rules[1].key, "docker-dir");
}

TEST(AuditRules, RemovalRemovesEarlierRulesOnThePath) {
  std::vector<model::AuditRule> rules;
  append_audit_rules("-w /etc/docker -k docker\n-w /usr/bin/runc -k docker\n", "a.rules", rules);
  append_audit_rules("-W /etc/docker/ -k docker\n-w /usr/bin/dockerd -k d\n", "b.rules", rules);
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0].path, "/usr/bin/runc");
  EXPECT_EQ(rules[1].path, "/usr/bin/dockerd");
  EXPECT_EQ(rules[1].location.file, "b.rules");
  EXPECT_EQ(rules[1].location.line, 2);
}

TEST(AuditRules, AuditctlListOutput) {
  // `auditctl -l` as printed by auditd 3.0 on Debian 12.
  const auto rules = audit_rules(
      "-w /usr/bin/dockerd -p rwxa -k docker\n"
      "-w /run/containerd -p rwxa -k docker\n"
      "-a always,exit -S all -F path=/usr/bin/runc -F perm=rwxa -F key=docker\n",
      "auditctl -l");
  ASSERT_EQ(rules.size(), 3U);
  EXPECT_EQ(rules[1].path, "/run/containerd");
  EXPECT_EQ(rules[2].path, "/usr/bin/runc");
  EXPECT_EQ(rules[2].key, "docker");
  EXPECT_EQ(rules[2].location.file, "auditctl -l");
  EXPECT_EQ(rules[2].location.line, 3);
}

TEST(AuditRules, NoRulesSaysSo) {
  // `auditctl -l` prints this when the kernel has no rules.
  EXPECT_TRUE(audit_rules("No rules\n", "auditctl -l").empty());
  EXPECT_TRUE(audit_rules("", "f").empty());
}

TEST(AuditRules, HostileInputDoesNotCrash) {
  for (const char* text : {"-w", "-w\n-p", "-F", "-F =", "-F path", "-a", "-a always,exit -F", "-k -w", "-W", "\0\0\n\n\r",
                           "-w \"\" -k \"", "-F path= -a always,exit"}) {
    (void)audit_rules(text, "f");
  }
  std::mt19937 rng(7);
  const std::string alphabet = "-wWpakF=/ \t\n#\"rx,always,exit,path";
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    const int len = static_cast<int>(rng() % 80);
    for (int i = 0; i < len; ++i)
      s += alphabet[rng() % alphabet.size()];
    for (const auto& r : audit_rules(s, "fuzz"))
      EXPECT_FALSE(r.path.empty());
  }
}

}  // namespace
}  // namespace drydock::parse
