#include "drydock/collect/engine/snapshot.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "drydock/audit/runner.hpp"
#include "drydock/model/policy.hpp"
#include "drydock/render/render.hpp"
#include "fake_engine.hpp"
#include "fake_proc.hpp"

namespace drydock::collect {
namespace {

using nlohmann::json;
using testing::FakeEngine;
using testing::FakeProc;
using testing::FakeResponse;
using testing::ping_response;

// Shapes follow what Engine 20.10 (API 1.41) returns, trimmed to the fields that matter.
struct FakeContainer {
  std::string id, name, state, image, image_id;
  std::vector<std::string> exec_ids;
  std::string listed_state;  // state in /containers/json when it differs (raced)
  int pid = 0;               // State.Pid
};

class FakeDocker {
 public:
  std::vector<FakeContainer> containers;
  std::map<std::string, std::string> images;      // id -> tag
  std::map<std::string, std::string> digests;     // id -> RepoDigest, for the images that have one
  std::map<std::string, FakeResponse> overrides;  // versioned path -> answer

  FakeEngine::Handler handler() {
    return [this](const std::string& path) { return answer(path); };
  }

  FakeResponse answer(const std::string& full) {
    if (full == "/_ping") return ping_response("1.41");
    if (auto it = overrides.find(full); it != overrides.end()) return it->second;
    const std::string p = full.substr(std::string("/v1.41").size());
    FakeResponse r;
    if (p == "/version") {
      r.body = R"({"Version":"20.10.24+dfsg1","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","KernelVersion":"6.1.0"})";
    } else if (p == "/info") {
      r.body = R"({"ID":"G7H6:NJ5K","Name":"vm","Containers":3,"Images":2,"OSType":"linux",)"
               R"("SecurityOptions":["name=seccomp,profile=default"],)"
               R"("Swarm":{"LocalNodeState":"inactive","ControlAvailable":false},"Warnings":null})";
    } else if (p == "/containers/json?all=1") {
      json list = json::array();
      for (const auto& c : containers) {
        list.push_back({{"Id", c.id},
                        {"Names", {"/" + c.name}},
                        {"Image", c.image},
                        {"ImageID", c.image_id},
                        {"State", c.listed_state.empty() ? c.state : c.listed_state}});
      }
      r.body = list.dump();
    } else if (p == "/images/json") {
      json list = json::array();
      for (const auto& [id, tag] : images)
        list.push_back({{"Id", id}, {"RepoTags", {tag}}});
      list.push_back({{"Id", "sha256:dangling"}, {"RepoTags", {"<none>:<none>"}}});
      r.body = list.dump();
    } else if (const FakeContainer* c = find(p, "/containers/", "/json")) {
      json execs = c->exec_ids.empty() ? json(nullptr) : json(c->exec_ids);
      r.body = json{{"Id", c->id},
                    {"Name", "/" + c->name},
                    {"Image", c->image_id},
                    {"ExecIDs", execs},
                    {"State", {{"Status", c->state}, {"Running", c->state == "running"}, {"Pid", c->pid}}},
                    {"Config", {{"Image", c->image}, {"User", ""}, {"Labels", json::object()}}},
                    {"HostConfig", {{"Privileged", c->name == "web"}, {"NetworkMode", "default"}}}}
                   .dump();
    } else if (const FakeContainer* t = find(p, "/containers/", "/top")) {
      if (t->state != "running") {
        r.status = 409;
        r.body = R"({"message":"Container )" + t->id + R"( is not running"})";
      } else {
        r.body = json{{"Titles", {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}},
                      {"Processes", {{"root", "4242", "4200", "0", "10:09", "?", "00:00:00", "/bin/sleep 300"}}}}
                     .dump();
      }
    } else if (p.starts_with("/exec/")) {
      const std::string id = p.substr(6, p.size() - 6 - 5);
      r.body = json{{"ID", id},
                    {"Running", true},
                    {"ProcessConfig", {{"entrypoint", "/bin/sh"}, {"arguments", {"-c", "id"}}, {"privileged", true}}}}
                   .dump();
    } else if (p.starts_with("/images/") && p.ends_with("/json")) {
      const std::string id = p.substr(8, p.size() - 8 - 5);
      auto it = images.find(id);
      if (it == images.end()) return not_found("No such image: " + id);
      json img{{"Id", id}, {"RepoTags", {it->second}}, {"Config", {{"User", "app"}}}, {"Size", 1982284}};
      if (auto d = digests.find(id); d != digests.end()) img["RepoDigests"] = {d->second};
      r.body = img.dump();
    } else {
      return not_found("page not found");
    }
    return r;
  }

 private:
  static FakeResponse not_found(const std::string& message) {
    FakeResponse r;
    r.status = 404;
    r.body = json{{"message", message}}.dump();
    return r;
  }

  const FakeContainer* find(const std::string& p, const std::string& prefix, const std::string& suffix) const {
    if (!p.starts_with(prefix) || !p.ends_with(suffix)) return nullptr;
    const std::string ref = p.substr(prefix.size(), p.size() - prefix.size() - suffix.size());
    for (const auto& c : containers) {
      if (c.id == ref || c.name == ref || (ref.size() >= 4 && c.id.starts_with(ref))) return &c;
    }
    return nullptr;
  }
};

const std::string k_img_a = "sha256:aaaa000000000000000000000000000000000000000000000000000000000001";
const std::string k_img_b = "sha256:bbbb000000000000000000000000000000000000000000000000000000000002";

FakeDocker three_containers() {
  FakeDocker d;
  d.images = {{k_img_a, "app:1"}, {k_img_b, "db:15"}};
  d.containers = {
      {"1111aaaa", "web", "running", "app:1", k_img_a, {"e1", "e2"}, ""},
      {"2222bbbb", "db", "exited", "db:15", k_img_b, {}, ""},
      {"3333cccc", "cache", "running", "app:1", k_img_a, {}, ""},
  };
  return d;
}

/// Processes asked of the engine (`top`) only: what these tests check unless they say otherwise.
const SnapshotOptions k_engine_top{.proc_root = ""};

struct Notes {
  std::mutex m;
  std::vector<std::string> lines;
  Progress progress() {
    return Progress{[this](std::string_view s) {
      std::lock_guard lock(m);
      lines.emplace_back(s);
    }};
  }
};

std::unique_ptr<EngineClient> connect_to(const FakeEngine& server) {
  auto c = EngineClient::connect(server.endpoint(), ClientOptions{});
  EXPECT_TRUE(c) << c.error().describe();
  return c ? std::move(*c) : nullptr;
}

long count(const std::vector<std::string>& v, const std::string& x) { return std::count(v.begin(), v.end(), x); }

TEST(CollectHost, CollectsEverythingInListOrder) {
  auto docker = three_containers();
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  Notes notes;
  auto snap = collect_host(*client, notes.progress(), k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();

  ASSERT_TRUE(snap->engine);
  EXPECT_EQ(snap->engine->api_version, "1.41");
  EXPECT_EQ(snap->engine->server_version, "20.10.24+dfsg1");
  EXPECT_EQ(snap->engine->name, "vm");

  ASSERT_EQ(snap->containers.size(), 3u);
  EXPECT_EQ(snap->containers[0].name, "web");
  EXPECT_EQ(snap->containers[1].name, "db");
  EXPECT_EQ(snap->containers[2].name, "cache");
  EXPECT_TRUE(snap->containers[0].privileged);

  const auto& web = snap->containers[0];
  ASSERT_TRUE(web.processes);
  ASSERT_EQ(web.processes->size(), 1u);
  EXPECT_EQ((*web.processes)[0].pid, "4242");
  EXPECT_EQ((*web.processes)[0].command, "/bin/sleep 300");
  EXPECT_EQ(web.processes_unavailable, "");
  ASSERT_EQ(web.execs.size(), 2u);
  EXPECT_EQ(web.execs[0].id, "e1");
  EXPECT_EQ(web.execs[1].id, "e2");
  EXPECT_TRUE(web.execs[0].privileged);
  EXPECT_EQ(web.execs[0].command, "/bin/sh -c id");

  const auto& db = snap->containers[1];
  EXPECT_FALSE(db.processes);
  EXPECT_EQ(db.processes_unavailable, "container is not running (state exited)");

  ASSERT_EQ(snap->images.size(), 2u);  // in order of first use, each once
  EXPECT_EQ(snap->images[0].id, k_img_a);
  EXPECT_EQ(snap->images[1].id, k_img_b);
  EXPECT_EQ(snap->images[0].user, "app");

  EXPECT_EQ(snap->tags.size(), 2u);
  EXPECT_EQ(snap->tags.at("app:1"), k_img_a);
  EXPECT_TRUE(snap->unreadable.empty());

  const auto reqs = server->requests();
  EXPECT_EQ(count(reqs, "/v1.41/images/" + k_img_a + "/json"), 1);
  EXPECT_EQ(count(reqs, "/v1.41/containers/2222bbbb/top"), 0);  // not running: not asked
  EXPECT_EQ(count(reqs, "/v1.41/containers/1111aaaa/top"), 1);
  EXPECT_EQ(count(reqs, "/v1.41/exec/e2/json"), 1);
  EXPECT_EQ(reqs.size(),
            1u /*ping*/ + 5u /*version, info, lists, networks*/ + 3u /*inspects*/ + 2u /*tops*/ + 2u /*execs*/ + 2u /*images*/);
  EXPECT_EQ(notes.lines.front(), "3 containers (2 running)");
}

TEST(CollectHost, FailuresBecomeUnreadableOrNotes) {
  auto docker = three_containers();
  docker.containers.push_back({"4444dddd", "gone", "running", "app:1", k_img_a, {}, ""});
  docker.containers.push_back({"5555eeee", "junk", "running", "app:1", k_img_a, {}, ""});
  docker.containers.push_back({"6666ffff", "busted", "running", "app:1", k_img_a, {"e3", "e4"}, ""});
  docker.overrides["/v1.41/containers/4444dddd/json"] = {404, R"({"message":"No such container: 4444dddd"})", {}, {}, false};
  docker.overrides["/v1.41/containers/5555eeee/json"] = {200, R"({"Id": "5555eeee", "State": )", {}, {}, false};
  docker.overrides["/v1.41/containers/2222bbbb/json"] = {500, R"({"message":"storage driver exploded"})", {}, {}, false};
  docker.overrides["/v1.41/containers/6666ffff/top"] = {500, R"({"message":"ps failed"})", {}, {}, false};
  docker.overrides["/v1.41/exec/e3/json"] = {404, R"({"message":"No such exec instance"})", {}, {}, false};
  docker.overrides["/v1.41/exec/e4/json"] = {500, "oops", {}, {}, false};
  docker.overrides["/v1.41/images/" + k_img_a + "/json"] = {200, "[]", {}, {}, false};
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  Notes notes;
  auto snap = collect_host(*client, notes.progress(), k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();

  std::vector<std::string> names;
  for (const auto& c : snap->containers)
    names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"web", "cache", "busted"}));

  const auto& busted = snap->containers[2];
  EXPECT_FALSE(busted.processes);
  EXPECT_NE(busted.processes_unavailable.find("ps failed"), std::string::npos) << busted.processes_unavailable;
  EXPECT_TRUE(busted.execs.empty());

  ASSERT_EQ(snap->unreadable.size(), 5u);
  EXPECT_EQ(snap->unreadable[0].kind, "container");
  EXPECT_EQ(snap->unreadable[0].name, "db");
  EXPECT_EQ(snap->unreadable[0].id, "2222bbbb");
  EXPECT_NE(snap->unreadable[0].reason.find("storage driver exploded"), std::string::npos);
  EXPECT_EQ(snap->unreadable[1].kind, "container");
  EXPECT_EQ(snap->unreadable[1].name, "junk");
  EXPECT_EQ(snap->unreadable[2].kind, "image");
  EXPECT_EQ(snap->unreadable[2].id, k_img_a);
  EXPECT_EQ(snap->unreadable[2].name, "app:1");
  // The images of db and junk were never learned: not audited, and said so.
  EXPECT_EQ(snap->unreadable[3].kind, "image");
  EXPECT_EQ(snap->unreadable[3].id, "");
  EXPECT_EQ(snap->unreadable[3].name, "images of unreadable containers");
  EXPECT_NE(snap->unreadable[3].reason.find("the images of containers db, junk are unknown"), std::string::npos)
      << snap->unreadable[3].reason;
  EXPECT_EQ(snap->unreadable[4].kind, "exec");
  EXPECT_EQ(snap->unreadable[4].id, "e4");
  EXPECT_EQ(snap->unreadable[4].name, "busted");
  EXPECT_TRUE(snap->images.empty());  // a: malformed; b: only used by the unreadable db

  bool noted = false;
  for (const auto& n : notes.lines)
    noted = noted || n.find("gone") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(CollectHost, ContainerStartedAfterListingGetsItsProcesses) {
  auto docker = three_containers();
  docker.containers[1].state = "running";
  docker.containers[1].listed_state = "exited";
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_TRUE(snap->containers[1].processes);
  EXPECT_EQ(snap->containers[1].processes->size(), 1u);
}

TEST(CollectHost, EngineInfoFailureFailsTheCollection) {
  auto docker = three_containers();
  docker.overrides["/v1.41/info"] = {500, R"({"message":"info broke"})", {}, {}, false};
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().kind, core::ErrorKind::daemon);
  EXPECT_NE(snap.error().message.find("info broke"), std::string::npos);

  docker.overrides.clear();
  docker.overrides["/v1.41/version"] = {200, "not json", {}, {}, false};
  auto snap2 = collect_host(*client, {}, k_engine_top);
  ASSERT_FALSE(snap2);
  EXPECT_EQ(snap2.error().kind, core::ErrorKind::parse);
}

TEST(CollectHost, ListFailuresAreUnreadableNotEmpty) {
  auto docker = three_containers();
  docker.overrides["/v1.41/containers/json?all=1"] = {500, R"({"message":"list broke"})", {}, {}, false};
  docker.overrides["/v1.41/images/json"] = {200, "{}", {}, {}, false};
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  EXPECT_TRUE(snap->containers.empty());
  ASSERT_EQ(snap->unreadable.size(), 3u);
  EXPECT_EQ(snap->unreadable[0].kind, "container");
  EXPECT_NE(snap->unreadable[0].reason.find("list broke"), std::string::npos);
  // The images in use are known only through the containers.
  EXPECT_EQ(snap->unreadable[1].kind, "image");
  EXPECT_NE(snap->unreadable[1].reason.find("the images in use are unknown: could not list containers"), std::string::npos);
  EXPECT_EQ(snap->unreadable[2].kind, "image");
  EXPECT_NE(snap->unreadable[2].reason.find("could not list images"), std::string::npos);
}

TEST(CollectHost, AnInspectWithoutAnIdOrOfAnotherContainerIsUnreadable) {
  // `{}` would be a container with every field at its default; another container's inspect
  // would hide this one behind it (two refs, one id).
  auto docker = three_containers();
  const std::string web = docker.answer("/v1.41/containers/1111aaaa/json").body;
  docker.overrides["/v1.41/containers/2222bbbb/json"] = {200, "{}", {}, {}, false};
  docker.overrides["/v1.41/containers/3333cccc/json"] = {200, web, {}, {}, false};
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 1u);
  EXPECT_EQ(snap->containers[0].name, "web");
  ASSERT_EQ(snap->unreadable.size(), 3u);
  EXPECT_EQ(snap->unreadable[0].name, "db");
  EXPECT_EQ(snap->unreadable[0].reason, "the engine answered the inspect of 2222bbbb without an Id");
  EXPECT_EQ(snap->unreadable[1].name, "cache");
  EXPECT_EQ(snap->unreadable[1].reason, "the engine answered the inspect of 3333cccc with the inspect of container 1111aaaa");
  EXPECT_EQ(snap->unreadable[2].kind, "image");
  EXPECT_EQ(snap->unreadable[2].name, "images of unreadable containers");
}

TEST(CollectHost, AnImageInUseAnswering404IsUnreadable) {
  // The engine keeps an image while a container uses it: "no such image" is not a removal.
  auto docker = three_containers();
  docker.images.erase(k_img_b);
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  EXPECT_EQ(snap->containers.size(), 3u);
  ASSERT_EQ(snap->images.size(), 1u);
  EXPECT_EQ(snap->images[0].id, k_img_a);
  ASSERT_EQ(snap->unreadable.size(), 1u);
  EXPECT_EQ(snap->unreadable[0].kind, "image");
  EXPECT_EQ(snap->unreadable[0].id, k_img_b);
  EXPECT_EQ(snap->unreadable[0].name, "db:15");
  EXPECT_NE(snap->unreadable[0].reason.find("No such image: " + k_img_b + " (HTTP 404)"), std::string::npos)
      << snap->unreadable[0].reason;
}

TEST(CollectHost, EmptyHost) {
  FakeDocker docker;
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  EXPECT_TRUE(snap->containers.empty());
  EXPECT_TRUE(snap->images.empty());
  EXPECT_TRUE(snap->unreadable.empty());
}

TEST(CollectHost, ManyContainersKeepOrderAndOverlap) {
  FakeDocker docker;
  docker.images = {{k_img_a, "app:1"}};
  for (int i = 0; i < 60; ++i) {
    const std::string id = fmt::format("{:08x}", 0x10000000 + i);
    docker.containers.push_back({id, "c" + std::to_string(i), i % 3 == 0 ? "exited" : "running", "app:1", k_img_a,
                                 i % 10 == 0 ? std::vector<std::string>{"x" + std::to_string(i)} : std::vector<std::string>{},
                                 ""});
  }
  auto server = FakeEngine::on_unix_socket([&docker](const std::string& path) {
    auto r = docker.answer(path);
    if (path != "/_ping") r.delay = std::chrono::milliseconds(2);
    return r;
  });
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 60u);
  for (int i = 0; i < 60; ++i) {
    const auto& c = snap->containers[static_cast<std::size_t>(i)];
    EXPECT_EQ(c.name, "c" + std::to_string(i));
    EXPECT_EQ(c.processes.has_value(), i % 3 != 0);
    EXPECT_EQ(c.execs.size(), i % 10 == 0 ? 1u : 0u);
  }
  EXPECT_EQ(snap->images.size(), 1u);
  EXPECT_GT(server->max_in_flight(), 1);
  EXPECT_LE(server->max_in_flight(), 8);
  EXPECT_LE(server->connections(), 8);
}

TEST(CollectContainers, NamedContainersOnly) {
  auto docker = three_containers();
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_containers(*client, {"cache", "1111aaaa", "/web", "cache"}, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 2u);  // web named twice (id and name), cache twice
  EXPECT_EQ(snap->containers[0].name, "cache");
  EXPECT_EQ(snap->containers[1].name, "web");
  ASSERT_TRUE(snap->containers[0].processes);
  EXPECT_EQ(snap->containers[1].execs.size(), 2u);
  ASSERT_EQ(snap->images.size(), 1u);
  ASSERT_TRUE(snap->engine);
  for (const auto& r : server->requests())
    EXPECT_NE(r, "/v1.41/containers/json?all=1");
}

TEST(CollectContainers, TheInspectOfAnotherContainerIsUnreadable) {
  auto docker = three_containers();
  docker.overrides["/v1.41/containers/cache/json"] = {200, docker.answer("/v1.41/containers/1111aaaa/json").body, {}, {}, false};
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_containers(*client, {"cache", "2222"}, {}, k_engine_top);
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 1u);  // db, by an id prefix
  EXPECT_EQ(snap->containers[0].name, "db");
  ASSERT_EQ(snap->unreadable.size(), 2u);
  EXPECT_EQ(snap->unreadable[0].name, "cache");
  EXPECT_EQ(snap->unreadable[0].reason, "the engine answered the inspect of cache with the inspect of container 1111aaaa");
  EXPECT_EQ(snap->unreadable[1].name, "images of unreadable containers");
}

TEST(CollectContainers, UnknownNamesAreNotFound) {
  auto docker = three_containers();
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_containers(*client, {"web", "nope", "a b/c"}, {}, k_engine_top);
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(snap.error().message, "no such container: nope, a b/c");
  const auto reqs = server->requests();
  EXPECT_EQ(count(reqs, "/v1.41/containers/a%20b%2Fc/json"), 1);
}

// ------------------------------------------------------------------------------------------
// Processes from /proc when the engine is local.

/// web (pid 100, with a child 101) and cache (pid 300) in a fake proc tree, beside host processes.
void add_three_containers_processes(const FakeProc& proc) {
  using testing::cmdline;
  proc.add({1, "0::/init.scope\n", cmdline({"/sbin/init"}), "systemd", 0, true});
  proc.add({100, "0::/docker/1111aaaa\n", cmdline({"/usr/sbin/nginx", "-g", "daemon off;"}), "nginx", 0, true});
  proc.add({101, "0::/docker/1111aaaa\n", cmdline({"nginx: worker process"}), "nginx", 101, true});
  proc.add({300, "0::/system.slice/docker-3333cccc.scope\n", cmdline({"/usr/sbin/sshd", "-D"}), "sshd", 0, true});
}

long tops(const std::vector<std::string>& reqs) {
  return std::count_if(reqs.begin(), reqs.end(), [](const std::string& r) { return r.ends_with("/top"); });
}

TEST(CollectHostProc, RunningContainersProcessesComeFromProcWithoutTop) {
  auto docker = three_containers();
  docker.containers[0].pid = 100;
  docker.containers[2].pid = 300;
  FakeProc proc;
  add_three_containers_processes(proc);
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  Notes notes;
  auto snap = collect_host(*client, notes.progress(), SnapshotOptions{.proc_root = proc.dir()});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 3u);

  const auto& web = snap->containers[0];
  ASSERT_TRUE(web.processes) << web.processes_unavailable;
  EXPECT_EQ(web.processes_unavailable, "");
  ASSERT_EQ(web.processes->size(), 2u);
  EXPECT_EQ((*web.processes)[0].pid, "100");
  EXPECT_EQ((*web.processes)[0].user, "0");
  EXPECT_EQ((*web.processes)[0].command, "/usr/sbin/nginx -g daemon off;");
  EXPECT_EQ((*web.processes)[1].pid, "101");
  EXPECT_EQ((*web.processes)[1].user, "101");
  EXPECT_EQ((*web.processes)[1].command, "nginx: worker process");
  EXPECT_EQ(web.execs.size(), 2u);

  const auto& db = snap->containers[1];
  EXPECT_FALSE(db.processes);
  EXPECT_EQ(db.processes_unavailable, "container is not running (state exited)");

  const auto& cache = snap->containers[2];
  ASSERT_TRUE(cache.processes);
  ASSERT_EQ(cache.processes->size(), 1u);
  EXPECT_EQ((*cache.processes)[0].command, "/usr/sbin/sshd -D");
  EXPECT_TRUE(snap->unreadable.empty());

  const auto reqs = server->requests();
  EXPECT_EQ(tops(reqs), 0);
  EXPECT_EQ(reqs.size(), 1u /*ping*/ + 5u /*version, info, lists, networks*/ + 3u /*inspects*/ + 2u /*execs*/ + 2u /*images*/);
  EXPECT_EQ(notes.lines.front(), "3 containers (2 running)");

  // The same through collect_containers.
  auto named = collect_containers(*client, {"cache"}, {}, SnapshotOptions{.proc_root = proc.dir()});
  ASSERT_TRUE(named) << named.error().describe();
  ASSERT_EQ(named->containers.size(), 1u);
  ASSERT_TRUE(named->containers[0].processes);
  EXPECT_EQ((*named->containers[0].processes)[0].pid, "300");
  EXPECT_EQ(tops(server->requests()), 0);
}

TEST(CollectHostProc, ContainerProcCannotVouchForAsksTheEngine) {
  auto docker = three_containers();
  docker.containers[0].pid = 100;  // in /proc, in its cgroup
  docker.containers[2].pid = 1;    // /proc's pid 1 is not this container (another PID namespace)
  docker.containers.push_back({"4444dddd", "fresh", "running", "app:1", k_img_a, {}, "", 400});  // started after the scan
  docker.containers.push_back({"5555eeee", "nopid", "running", "app:1", k_img_a, {}, "", 0});
  docker.overrides["/v1.41/containers/5555eeee/top"] = {500, R"({"message":"ps failed"})", {}, {}, false};
  FakeProc proc;
  add_three_containers_processes(proc);
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, SnapshotOptions{.proc_root = proc.dir()});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 5u);
  ASSERT_TRUE(snap->containers[0].processes);
  EXPECT_EQ(snap->containers[0].processes->size(), 2u);
  for (std::size_t i : {2u, 3u}) {
    const auto& c = snap->containers[i];
    ASSERT_TRUE(c.processes) << c.name;
    ASSERT_EQ(c.processes->size(), 1u) << c.name;
    EXPECT_EQ((*c.processes)[0].pid, "4242") << c.name;  // the engine's answer
  }
  const auto& nopid = snap->containers[4];
  EXPECT_FALSE(nopid.processes);
  EXPECT_NE(nopid.processes_unavailable.find("ps failed"), std::string::npos) << nopid.processes_unavailable;

  const auto reqs = server->requests();
  EXPECT_EQ(tops(reqs), 3);
  EXPECT_EQ(count(reqs, "/v1.41/containers/1111aaaa/top"), 0);
  EXPECT_EQ(count(reqs, "/v1.41/containers/3333cccc/top"), 1);
  EXPECT_EQ(count(reqs, "/v1.41/containers/4444dddd/top"), 1);
  EXPECT_EQ(count(reqs, "/v1.41/containers/5555eeee/top"), 1);
}

TEST(CollectHostProc, StateRacesKeepTheirMeaning) {
  auto docker = three_containers();
  docker.containers[0].pid = 100;
  docker.containers[0].state = "exited";  // listed running, stopped before its inspect
  docker.containers[0].listed_state = "running";
  docker.containers[1].state = "running";  // listed exited, started before its inspect
  docker.containers[1].listed_state = "exited";
  docker.containers[1].pid = 200;
  FakeProc proc;
  add_three_containers_processes(proc);
  proc.add({200, "0::/docker/2222bbbb\n", testing::cmdline({"postgres"}), "postgres", 999, true});
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, SnapshotOptions{.proc_root = proc.dir()});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_EQ(snap->containers.size(), 3u);
  EXPECT_FALSE(snap->containers[0].processes);
  EXPECT_EQ(snap->containers[0].processes_unavailable, "container is not running (state exited)");
  ASSERT_TRUE(snap->containers[1].processes);
  ASSERT_EQ(snap->containers[1].processes->size(), 1u);
  EXPECT_EQ((*snap->containers[1].processes)[0].command, "postgres");
  EXPECT_EQ(tops(server->requests()), 1);  // cache: pid 0 in the fake engine
}

TEST(CollectHostProc, RemoteEngineIsAlwaysAsked) {
  auto docker = three_containers();
  docker.containers[0].pid = 100;
  docker.containers[2].pid = 300;
  FakeProc proc;
  add_three_containers_processes(proc);
  auto server = FakeEngine::on_tcp(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, SnapshotOptions{.proc_root = proc.dir()});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_TRUE(snap->containers[0].processes);
  EXPECT_EQ((*snap->containers[0].processes)[0].pid, "4242");
  EXPECT_EQ(tops(server->requests()), 2);
}

TEST(CollectHostProc, UnreadableProcRootAsksTheEngineAtListTime) {
  auto docker = three_containers();
  docker.containers[0].pid = 100;
  auto server = FakeEngine::on_unix_socket(docker.handler());
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  auto snap = collect_host(*client, {}, SnapshotOptions{.proc_root = "/nonexistent/drydock-proc"});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_TRUE(snap->containers[0].processes);
  EXPECT_EQ((*snap->containers[0].processes)[0].pid, "4242");
  EXPECT_EQ(tops(server->requests()), 2);
}

// The real engine of this machine (always running in CI).
TEST(RealEngine, CollectHost) {
  Endpoint ep;
  ep.host = std::string(k_default_host);
  auto client = EngineClient::connect(ep, ClientOptions{});
  if (!client) {
    if (std::getenv("CI") != nullptr) FAIL() << client.error().describe();
    GTEST_SKIP() << client.error().describe();
  }
  auto snap = collect_host(**client, {});
  ASSERT_TRUE(snap) << snap.error().describe();
  ASSERT_TRUE(snap->engine);
  EXPECT_EQ(snap->engine->api_version, (*client)->api_version());
  EXPECT_FALSE(snap->engine->server_version.empty());
  for (const auto& c : snap->containers) {
    EXPECT_FALSE(c.id.empty());
    EXPECT_TRUE(c.processes.has_value() || !c.processes_unavailable.empty()) << c.name;
  }
  for (const auto& u : snap->unreadable)
    ADD_FAILURE() << u.kind << " " << u.name << ": " << u.reason;
}

}  // namespace
}  // namespace drydock::collect

namespace drydock::collect {
namespace {

/// The report of a host audit over `docker`'s engine: checks run after the collection, or
/// container by container as it goes (SnapshotOptions::on_container, as `drydock host` does).
std::string host_report(FakeDocker& docker, bool streaming, std::atomic<bool>* slow_answered = nullptr,
                        std::atomic<int>* evaluated_before = nullptr,
                        const std::shared_ptr<const model::SourcePolicy>& trusted = nullptr) {
  auto server = FakeEngine::on_unix_socket([&docker, slow_answered](const std::string& path) {
    auto r = docker.answer(path);
    if (slow_answered != nullptr && path == "/v1.41/containers/" + docker.containers.back().id + "/json") {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      *slow_answered = true;
    }
    return r;
  });
  auto client = connect_to(*server);
  EXPECT_TRUE(client);
  if (!client) return "";
  auto selection = audit::Selection::make({}, {});
  EXPECT_TRUE(selection);
  audit::ContainerAudit containers(*selection);
  SnapshotOptions options{.proc_root = ""};
  if (streaming) {
    options.on_list = [&containers](std::size_t n) { containers.resize(n); };
    options.on_engine = [&trusted](model::HostSnapshot& context) {
      EXPECT_TRUE(context.engine);
      context.trusted_sources = trusted;
    };
    options.on_container = [&](std::size_t slot, model::ContainerSpec& spec, const model::HostSnapshot& context) {
      if (evaluated_before != nullptr && slow_answered != nullptr && !*slow_answered) ++*evaluated_before;
      containers.add(slot, spec, context);
      audit::ContainerAudit::reduce(spec);
    };
  }
  auto snap = collect_host(*client, {}, options);
  EXPECT_TRUE(snap) << snap.error().describe();
  if (!snap) return "";
  snap->trusted_sources = trusted;
  if (streaming) {
    for (const auto& c : snap->containers) {
      EXPECT_TRUE(c.exec_ids.empty() && c.execs.empty() && c.labels.empty()) << c.name << ": reduced once evaluated";
    }
  }
  return render::json(audit::run(*snap, *selection, audit::RunOptions{}, streaming ? &containers : nullptr));
}

TEST(CollectHostStreaming, SameReportAsCheckingAfterTheCollection) {
  FakeDocker docker;
  docker.images = {{k_img_a, "app:1"}, {k_img_b, "db:15"}};
  for (int i = 0; i < 120; ++i) {
    const std::string id = fmt::format("{:08x}", 0x20000000 + i);
    docker.containers.push_back({id, "s" + std::to_string(i), i % 3 == 0 ? "exited" : "running", i % 2 ? "app:1" : "db:15",
                                 i % 2 ? k_img_a : k_img_b,
                                 i % 10 == 0 ? std::vector<std::string>{"x" + std::to_string(i)} : std::vector<std::string>{},
                                 ""});
  }
  // Failures of every kind keep their place: an unreadable inspect, a gone container, an exec
  // session and a process list that could not be read.
  docker.overrides["/v1.41/containers/20000005/json"] = {200, R"({"Id": "20000005", "State": )", {}, {}, false};
  docker.overrides["/v1.41/containers/20000007/json"] = {404, R"({"message":"No such container"})", {}, {}, false};
  docker.overrides["/v1.41/exec/x20/json"] = {500, "oops", {}, {}, false};
  docker.overrides["/v1.41/containers/20000008/top"] = {500, R"({"message":"ps failed"})", {}, {}, false};
  const std::string after = host_report(docker, false);
  std::atomic<bool> slow_answered{false};
  std::atomic<int> evaluated_before{0};
  const std::string streamed = host_report(docker, true, &slow_answered, &evaluated_before);
  EXPECT_FALSE(after.empty());
  EXPECT_EQ(streamed, after);
  // The last inspect answers late: the others were evaluated while it was in flight.
  EXPECT_GT(evaluated_before.load(), 0);
}

// CIS 4.2 on a container reads the engine's RepoDigests of its image (the image's inspect,
// which may come after the container's): the same verdict and evidence either way.
TEST(CollectHostStreaming, TrustedImagesSeeTheImagesDigests) {
  FakeDocker docker;
  const std::string digest = "sha256:" + std::string(64, 'd');
  docker.images = {{k_img_a, "registry.corp.example/app:1"}, {k_img_b, "db:15"}};
  docker.digests = {{k_img_a, "registry.corp.example/app@" + digest}};
  for (int i = 0; i < 40; ++i) {
    const std::string id = fmt::format("{:08x}", 0x30000000 + i);
    docker.containers.push_back({id, "t" + std::to_string(i), "exited", i % 2 ? "registry.corp.example/app:1" : "db:15",
                                 i % 2 ? k_img_a : k_img_b, {}, ""});
  }
  auto trusted = std::make_shared<model::SourcePolicy>();
  trusted->images.push_back(model::TrustedImage{"registry.corp.example/app", digest, {}});
  for (const auto& policy : {std::shared_ptr<const model::SourcePolicy>(), std::shared_ptr<const model::SourcePolicy>(trusted)}) {
    const std::string after = host_report(docker, false, nullptr, nullptr, policy);
    ASSERT_NE(after.find("@" + digest), std::string::npos) << "the configured tag pinned by the image's RepoDigests";
    EXPECT_EQ(host_report(docker, true, nullptr, nullptr, policy), after);
  }
}

// drydock host asks /version and /info with the container list, not before it, and decides
// from their bodies (Podman) whether containers are evaluated as they come: when it says no,
// nothing is, and the snapshot is the whole collection, as without the callbacks. The list is
// asked while /version is still unanswered.
TEST(CollectHostStreaming, AnswersDecideWhetherContainersAreEvaluatedAsTheyCome) {
  FakeDocker docker;
  docker.images = {{k_img_a, "app:1"}};
  for (int i = 0; i < 20; ++i) {
    docker.containers.push_back(
        {fmt::format("{:08x}", 0x40000000 + i), "u" + std::to_string(i), "exited", "app:1", k_img_a, {"x" + std::to_string(i)}, ""});
  }
  const std::string after = host_report(docker, false);
  for (const bool go_on : {false, true}) {
    std::atomic<bool> version_answered{false};
    std::atomic<bool> list_before_version{false};
    auto server = FakeEngine::on_unix_socket([&](const std::string& path) {
      if (path == "/v1.41/version") {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        version_answered = true;
      } else if (path.starts_with("/v1.41/containers/json") && !version_answered) {
        list_before_version = true;
      }
      return docker.answer(path);
    });
    auto client = connect_to(*server);
    ASSERT_TRUE(client);
    auto selection = audit::Selection::make({}, {});
    ASSERT_TRUE(selection);
    audit::ContainerAudit containers(*selection);
    std::string version;
    std::string info;
    std::atomic<int> engines{0};
    std::atomic<int> evaluated{0};
    SnapshotOptions options{.proc_root = ""};
    options.on_answers = [&](const std::string& v, const std::string& i) {
      version = v;
      info = i;
      return go_on;
    };
    options.on_list = [&containers](std::size_t n) { containers.resize(n); };
    options.on_engine = [&engines](model::HostSnapshot&) { ++engines; };
    options.on_container = [&](std::size_t slot, model::ContainerSpec& spec, const model::HostSnapshot& context) {
      ++evaluated;
      containers.add(slot, spec, context);
      audit::ContainerAudit::reduce(spec);
    };
    auto snap = collect_host(*client, {}, options);
    ASSERT_TRUE(snap) << snap.error().describe();
    EXPECT_TRUE(list_before_version.load());
    EXPECT_NE(version.find("20.10.24+dfsg1"), std::string::npos);
    EXPECT_FALSE(info.empty());
    EXPECT_EQ(engines.load(), go_on ? 1 : 0);
    EXPECT_EQ(evaluated.load(), go_on ? 20 : 0);
    ASSERT_EQ(snap->containers.size(), 20U);
    EXPECT_EQ(snap->containers.front().exec_ids.empty(), go_on) << "reduced only when evaluated as it came";
    EXPECT_EQ(render::json(audit::run(*snap, *selection, audit::RunOptions{}, &containers)), after);
  }
}

// The daemon's configuration is read (on_engine) as soon as /version, /info and /images/json
// are in, while the container list, the longest answer on a large host, is still on its way;
// no container is evaluated before both on_engine and on_list are done, and the report is the
// same as checking after the collection.
TEST(CollectHostStreaming, TheEnginesFactsAreReadWhileTheListIsOnItsWay) {
  FakeDocker docker;
  docker.images = {{k_img_a, "app:1"}};
  for (int i = 0; i < 30; ++i) {
    docker.containers.push_back(
        {fmt::format("{:08x}", 0x50000000 + i), "v" + std::to_string(i), "exited", "app:1", k_img_a, {}, ""});
  }
  const std::string after = host_report(docker, false);
  const auto selection = audit::Selection::make({}, {});
  ASSERT_TRUE(selection);
  audit::ContainerAudit containers(*selection);
  std::atomic<bool> list_answered{false};
  auto server = FakeEngine::on_unix_socket([&](const std::string& path) {
    if (path.starts_with("/v1.41/containers/json")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      list_answered = true;
    }
    return docker.answer(path);
  });
  auto client = connect_to(*server);
  ASSERT_TRUE(client);
  std::atomic<bool> engine_before_list{false};
  std::atomic<bool> engine_done{false};
  std::atomic<bool> list_done{false};
  std::atomic<int> evaluated_early{0};
  std::atomic<int> evaluated{0};
  SnapshotOptions options{.proc_root = ""};
  options.on_answers = [](const std::string&, const std::string&) { return true; };
  options.on_list = [&](std::size_t n) {
    containers.resize(n);
    list_done = true;
  };
  options.on_engine = [&](model::HostSnapshot& context) {
    EXPECT_TRUE(context.engine);
    engine_before_list = !list_answered.load();
    engine_done = true;
  };
  options.on_container = [&](std::size_t slot, model::ContainerSpec& spec, const model::HostSnapshot& context) {
    if (!engine_done || !list_done) ++evaluated_early;
    ++evaluated;
    containers.add(slot, spec, context);
    audit::ContainerAudit::reduce(spec);
  };
  auto snap = collect_host(*client, {}, options);
  ASSERT_TRUE(snap) << snap.error().describe();
  EXPECT_TRUE(engine_before_list.load()) << "on_engine waited for the container list";
  EXPECT_EQ(evaluated_early.load(), 0);
  EXPECT_EQ(evaluated.load(), 30);
  EXPECT_EQ(render::json(audit::run(*snap, *selection, audit::RunOptions{}, &containers)), after);
}

}  // namespace
}  // namespace drydock::collect
