#include "drydock/harden/seccomp_profile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace drydock::harden {
namespace {

using nlohmann::json;

std::set<std::string> all_names(const json& profile) {
  std::set<std::string> out;
  for (const auto& e : profile["syscalls"])
    for (const auto& n : e["names"])
      out.insert(n.get<std::string>());
  return out;
}

std::vector<json> entries_for(const json& profile, const std::string& name) {
  std::vector<json> out;
  for (const auto& e : profile["syscalls"])
    for (const auto& n : e["names"])
      if (n == name) out.push_back(e);
  return out;
}

TEST(SeccompProfile, DefaultProfileIsMobys) {
  const auto base = json::parse(docker_default_profile_json());
  EXPECT_EQ(base["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_TRUE(base.contains("archMap"));
  EXPECT_FALSE(base.contains("defaultErrnoRet"));
  EXPECT_GT(all_names(base).size(), 300U);
  EXPECT_NE(docker_default_profile_version().find("v20.10.24"), std::string_view::npos);
}

TEST(SeccompProfile, RestrictedToObservedCallsWithTheirFilters) {
  const std::set<std::string> observed{"clone", "personality", "wait4", "getdents64", "unshare", "mount", "no_such_call"};
  const auto p = restrict_default_profile(observed);
  ASSERT_TRUE(p) << p.error().describe();
  const auto& j = p->json;
  EXPECT_EQ(j["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_FALSE(j.contains("defaultErrnoRet"));
  EXPECT_FALSE(j.contains("archMap"));
  ASSERT_TRUE(j["architectures"].is_array());
  EXPECT_FALSE(j["architectures"].empty());

  const auto names = all_names(j);
  const auto base_names = all_names(json::parse(docker_default_profile_json()));
  for (const auto& n : names)
    EXPECT_EQ(base_names.count(n), 1U) << n << " is not in the default profile";
  EXPECT_LT(names.size(), base_names.size());
  EXPECT_EQ(names.count("wait4"), 1U);
  EXPECT_EQ(names.count("getdents64"), 1U);
  EXPECT_EQ(names.count("socket"), 0U);  // not observed
  for (const auto& c : runtime_syscalls())
    if (base_names.count(c) != 0) {
      EXPECT_EQ(names.count(c), 1U) << c;
    }

  // clone keeps its namespace-flag mask without CAP_SYS_ADMIN, and stays unconditional only with it.
  bool masked = false;
  bool with_sys_admin = false;
  for (const auto& e : entries_for(j, "clone")) {
    if (!e["args"].is_null() && !e["args"].empty()) {
      masked = masked || (e["args"][0]["op"] == "SCMP_CMP_MASKED_EQ" && e["args"][0]["value"] == 2114060288);
    } else {
      with_sys_admin = e["includes"]["caps"] == json::array({"CAP_SYS_ADMIN"});
    }
  }
  EXPECT_TRUE(masked);
  EXPECT_TRUE(with_sys_admin);
  // unshare and mount exist only behind CAP_SYS_ADMIN: kept with that condition, never unconditional.
  for (const auto& e : entries_for(j, "unshare"))
    EXPECT_EQ(e["includes"]["caps"], json::array({"CAP_SYS_ADMIN"}));
  // personality: only the five values of the default profile.
  const auto pers = entries_for(j, "personality");
  EXPECT_EQ(pers.size(), 5U);
  for (const auto& e : pers)
    EXPECT_EQ(e["args"][0]["op"], "SCMP_CMP_EQ");
  // clone3's ENOSYS answer is kept: it allows nothing.
  bool enosys = false;
  for (const auto& e : entries_for(j, "clone3"))
    enosys = enosys || (e["action"] == "SCMP_ACT_ERRNO" && e["errnoRet"] == 38);
  EXPECT_TRUE(enosys);

  EXPECT_EQ(p->not_allowed, std::vector<std::string>{"no_such_call"});
  EXPECT_TRUE(std::is_sorted(p->allowed.begin(), p->allowed.end()));
  const auto compiled = compile_profile(j);
  EXPECT_TRUE(compiled) << compiled.error().describe();
}

TEST(SeccompProfile, Clone3BringsClone) {
  const auto p = restrict_default_profile({"clone3", "read"});
  ASSERT_TRUE(p);
  EXPECT_EQ(all_names(p->json).count("clone"), 1U);
  EXPECT_NE(std::find(p->added.begin(), p->added.end(), "clone"), p->added.end());
}

TEST(SeccompProfile, ComplainProfileLogsEverything) {
  const auto j = complain_profile();
  EXPECT_EQ(j["defaultAction"], "SCMP_ACT_LOG");
  EXPECT_TRUE(j["syscalls"].empty());
  EXPECT_FALSE(j["architectures"].empty());
  EXPECT_TRUE(compile_profile(j));
}

TEST(SeccompProfile, TheWholeDefaultProfileCompiles) {
  auto base = json::parse(docker_default_profile_json());
  EXPECT_FALSE(compile_profile(base)) << "archMap is not architectures: refused";
  base["architectures"] = complain_profile()["architectures"];
  base.erase("archMap");
  const auto r = compile_profile(base);
  EXPECT_TRUE(r) << r.error().describe();
}

TEST(SeccompProfile, BrokenProfilesAreRefused) {
  auto p = complain_profile();
  p["defaultErrnoRet"] = 1;
  EXPECT_FALSE(compile_profile(p));
  p = complain_profile();
  p["syscalls"] = json::array({json{{"names", {"read"}}, {"action", "SCMP_ACT_BOGUS"}}});
  const auto bad_action = compile_profile(p);
  ASSERT_FALSE(bad_action);
  EXPECT_NE(bad_action.error().message.find("SCMP_ACT_BOGUS"), std::string::npos);
  p["syscalls"] = json::array({json{{"names", {"read"}}, {"action", "SCMP_ACT_ALLOW"},
                                    {"args", json::array({json{{"index", 9}, {"value", 1}, {"op", "SCMP_CMP_EQ"}}})}}});
  EXPECT_FALSE(compile_profile(p));
  p["architectures"] = json::array({"SCMP_ARCH_NOPE"});
  EXPECT_FALSE(compile_profile(p));
  EXPECT_FALSE(compile_profile(json::array()));
}

TEST(SeccompProfile, NumbersResolvePerArchitecture) {
  const auto r = resolve_calls({SyscallRef{0xc000003e, "", 5, ""},     // x86_64 fstat
                                SyscallRef{0x40000003, "", 5, ""},     // i386 open
                                SyscallRef{0, "x86_64", 257, ""},      // by the architecture's name
                                SyscallRef{0, "", -1, "getdents64"},   // a name (strace)
                                SyscallRef{0, "", -1, "not_a_call"},
                                SyscallRef{0xc000003e, "", 4000, ""}});
  EXPECT_EQ(r.names, (std::set<std::string>{"fstat", "open", "openat", "getdents64"}));
  EXPECT_EQ(r.unknown, (std::vector<std::string>{"arch c000003e number 4000", "not_a_call"}));
}

}  // namespace
}  // namespace drydock::harden
