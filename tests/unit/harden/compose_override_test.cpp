// The Compose override: what it sets for each finding, that it reads back as a Compose file that
// fixes them, and the edits left at the base file's positions.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "drydock/audit/runner.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/harden/compose_override.hpp"
#include "drydock/harden/findings.hpp"
#include "drydock/harden/fixes.hpp"
#include "drydock/parse/compose.hpp"

namespace drydock {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

model::ComposeProject load(std::vector<parse::ComposeFile> files) {
  parse::ComposeInput in;
  in.files = std::move(files);
  in.working_dir = "/srv/app";
  return parse::compose_project(in);
}

const model::ComposeService& service(const model::ComposeProject& p, const std::string& name) {
  for (const auto& s : p.services)
    if (s.name == name) return s;
  throw std::runtime_error("no service " + name);
}

core::Status status_of(const audit::Report& r, const std::string& check, const std::string& svc) {
  for (const auto& x : r.results)
    if (x.check->id == check && x.subject->name == svc) return x.finding.status;
  return core::Status::error;
}

struct Hardened {
  model::ComposeProject base, merged;
  audit::Report before, after;
  harden::Override override;
  std::vector<harden::Edit> edits;
  std::string file;
};

Hardened harden_project(const harden::OverrideOptions& options = {}) {
  Hardened h;
  const parse::ComposeFile base{"compose.yaml", read_data("harden/compose.yaml")};
  h.base = load({base});
  EXPECT_TRUE(h.base.diagnostics.empty()) << h.base.diagnostics.front().message;
  h.before = audit::run(h.base, audit::Selection{});
  h.override = harden::make_override(h.base, h.before, options);
  h.file = harden::override_file(h.override, {}, {"compose.yaml"}, "drydock.override.yaml");
  h.merged = load({base, parse::ComposeFile{"drydock.override.yaml", h.file}});
  EXPECT_TRUE(h.merged.diagnostics.empty()) << h.merged.diagnostics.front().message << "\n" << h.file;
  h.after = audit::run(h.merged, audit::Selection{});
  h.edits = harden::remaining_edits(h.before, h.after, "drydock.override.yaml");
  return h;
}

TEST(HardenComposeOverride, FixesWhatAnOverrideCanSet) {
  const auto h = harden_project();
  for (const char* svc : {"web", "worker"}) {
    for (const char* id : {"runtime.readonly-rootfs", "runtime.no-new-privileges", "runtime.cpu-limit", "runtime.pids-limit"}) {
      EXPECT_EQ(status_of(h.before, id, svc), core::Status::fail) << id << " " << svc;
      EXPECT_EQ(status_of(h.after, id, svc), core::Status::pass) << id << " " << svc << "\n" << h.file;
    }
  }
  EXPECT_EQ(status_of(h.after, "runtime.privileged", "web"), core::Status::pass);
  EXPECT_EQ(status_of(h.after, "runtime.restart-policy", "web"), core::Status::pass);
  EXPECT_EQ(status_of(h.after, "runtime.restart-policy", "db"), core::Status::pass);
  EXPECT_TRUE(service(h.merged, "web").spec.readonly_rootfs);
  EXPECT_EQ(service(h.merged, "web").spec.restart_policy, "on-failure");
  EXPECT_EQ(service(h.merged, "web").spec.restart_max_retries, 5);
}

TEST(HardenComposeOverride, EveryLineNamesItsCheck) {
  const auto h = harden_project();
  std::istringstream in(h.override.services_yaml);
  for (std::string line; std::getline(in, line);) {
    if (line == "services:" || line.ends_with(":")) continue;  // keys that open a block
    EXPECT_NE(line.find("# runtime."), std::string::npos) << line;
  }
}

TEST(HardenComposeOverride, ReadOnlyRootGetsTmpfsExceptWhereAVolumeIs) {
  const auto h = harden_project();
  const auto& web = service(h.merged, "web").spec;
  int tmpfs = 0;
  for (const auto& m : web.mounts)
    if (m.type == "tmpfs" && (m.destination == "/tmp" || m.destination == "/run")) ++tmpfs;
  EXPECT_EQ(tmpfs, 2);
  // db mounts a volume at /tmp: only /run is added, or compose would refuse two mounts at /tmp.
  const auto& db = service(h.merged, "db").spec;
  int at_tmp = 0;
  for (const auto& m : db.mounts)
    if (m.destination == "/tmp") ++at_tmp;
  EXPECT_EQ(at_tmp, 1);
  EXPECT_TRUE(db.readonly_rootfs);
}

TEST(HardenComposeOverride, WhatAnOverrideCannotRemoveIsAnEditAtItsPosition) {
  const auto h = harden_project();
  auto edit_for = [&](const std::string& id, const std::string& svc) -> const harden::Edit* {
    for (const auto& e : h.edits)
      if (e.check_id == id && e.service == svc) return &e;
    return nullptr;
  };
  const auto* socket = edit_for("runtime.docker-socket-mount", "web");
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(socket->location.file, "compose.yaml");
  EXPECT_EQ(socket->location.line, 11);
  const auto* mount = edit_for("runtime.sensitive-host-mount", "web");
  ASSERT_NE(mount, nullptr);
  EXPECT_EQ(mount->location.line, 10);
  const auto* cap = edit_for("runtime.cap-sys-admin", "worker");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->location.line, 15);
  EXPECT_NE(edit_for("runtime.port-all-interfaces", "web"), nullptr);
  // Nothing fixed is listed, nothing listed is fixed.
  for (const auto& e : h.edits) {
    const auto st = status_of(h.after, e.check_id, e.service);
    EXPECT_TRUE(st == core::Status::fail || st == core::Status::warn) << e.check_id;
  }
  for (const auto& ch : h.override.changes) {
    if (ch.check_id == "runtime.capabilities-added") continue;  // --strict only
    EXPECT_EQ(edit_for(ch.check_id, ch.service), nullptr) << ch.check_id << " " << ch.service;
  }
}

TEST(HardenComposeOverride, UserAndCapDropOnlyWithStrict) {
  const auto plain = harden_project();
  EXPECT_EQ(plain.override.services_yaml.find("\n    user:"), std::string::npos);
  EXPECT_EQ(plain.override.services_yaml.find("\n    cap_drop:"), std::string::npos);
  EXPECT_NE(plain.override.services_yaml.find("# runtime.user-root: user is not set"), std::string::npos);
  harden::OverrideOptions strict;
  strict.strict = true;
  const auto h = harden_project(strict);
  EXPECT_EQ(service(h.merged, "web").spec.user, "65534:65534");
  EXPECT_EQ(service(h.merged, "db").spec.user, "999:999");  // not root: left alone
  EXPECT_EQ(status_of(h.after, "runtime.user-root", "web"), core::Status::pass);
  const auto& worker = service(h.merged, "worker").spec;
  EXPECT_NE(std::find(worker.cap_drop.begin(), worker.cap_drop.end(), "ALL"), worker.cap_drop.end());
}

TEST(HardenComposeOverride, MemoryLimitOnlyFromAMeasurement) {
  const auto unmeasured = harden_project();
  EXPECT_EQ(status_of(unmeasured.after, "runtime.memory-limit", "web"), core::Status::fail);
  EXPECT_NE(unmeasured.override.services_yaml.find("mem_limit is not set"), std::string::npos);
  harden::OverrideOptions measured;
  measured.usage["web"] = harden::Usage{100 * 1024 * 1024 + 1, 7, "container app-web-1"};
  const auto h = harden_project(measured);
  EXPECT_EQ(service(h.merged, "web").spec.memory, 201 * 1024 * 1024);
  EXPECT_EQ(service(h.merged, "web").spec.pids_limit, 64);
  EXPECT_EQ(status_of(h.after, "runtime.memory-limit", "web"), core::Status::pass);
  EXPECT_EQ(status_of(h.after, "runtime.memory-limit", "worker"), core::Status::fail);
}

TEST(HardenComposeOverride, NothingToFixIsAnEmptyServicesMap) {
  const parse::ComposeFile base{"compose.yaml",
                                "services:\n  ok:\n    image: x:1\n    read_only: true\n    mem_limit: 64m\n    cpus: 0.5\n"
                                "    pids_limit: 50\n    security_opt: [\"no-new-privileges:true\"]\n    user: \"1000\"\n"};
  const auto p = load({base});
  const auto before = audit::run(p, audit::Selection{});
  const auto o = harden::make_override(p, before, {});
  EXPECT_EQ(o.services_yaml, "services: {}\n");
  EXPECT_TRUE(o.changes.empty());
}

TEST(HardenComposeOverride, HeaderListsTheEdits) {
  const auto h = harden_project();
  const auto file = harden::override_file(h.override, h.edits, {"compose.yaml"}, "drydock.override.yaml");
  EXPECT_NE(file.find("#   compose.yaml:11:"), std::string::npos) << file;
  EXPECT_NE(file.find("# Apply with: docker compose -f compose.yaml -f drydock.override.yaml up -d"), std::string::npos);
  // The header is comments only: the same services as without it.
  const auto again = load({parse::ComposeFile{"compose.yaml", read_data("harden/compose.yaml")},
                           parse::ComposeFile{"drydock.override.yaml", file}});
  EXPECT_TRUE(again.diagnostics.empty());
}

TEST(HardenFixes, TableNamesRealChecksOnce) {
  std::set<std::string_view> seen;
  for (const auto& f : harden::fixes()) {
    EXPECT_TRUE(seen.insert(f.check_id).second) << f.check_id;
    EXPECT_FALSE(f.how.empty()) << f.check_id;
    EXPECT_NE(checks::find_check(f.check_id), nullptr) << f.check_id;
  }
  EXPECT_EQ(harden::catalogue_cell("runtime.privileged"), "fixes");
  EXPECT_EQ(harden::catalogue_cell("runtime.cap-sys-admin"), "compose: edit; run line: fixes");
  EXPECT_EQ(harden::catalogue_cell("daemon.icc"), "—");
}

TEST(HardenFixes, Limits) {
  EXPECT_EQ(harden::memory_limit_for(10), 64 * 1024 * 1024);
  EXPECT_EQ(harden::memory_limit_for(100 * 1024 * 1024), 200 * 1024 * 1024);
  EXPECT_EQ(harden::pids_limit_for(std::nullopt, "").first, 1024);
  EXPECT_EQ(harden::pids_limit_for(100, "x").first, 400);
}

}  // namespace
}  // namespace drydock
