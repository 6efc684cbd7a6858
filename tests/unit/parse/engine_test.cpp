#include "drydock/parse/engine.hpp"
#include "inspect_fixture.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drydock::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test_data::inspect_fixture;

/// The single container of a real `docker inspect` fixture.
model::ContainerSpec container(const std::string& name) {
  auto doc = inspect_document(inspect_fixture(name));
  EXPECT_TRUE(doc) << (doc ? "" : doc.error().describe());
  if (!doc || doc->size() != 1 || !doc->front()) {
    ADD_FAILURE() << name << " did not parse into one container";
    return {};
  }
  return *doc->front();
}

/// `docker image inspect` wraps the API object in an array; this returns the object alone.
std::string api_object(const std::string& cli_output) {
  const auto first = cli_output.find('{');
  return cli_output.substr(first, cli_output.rfind('}') - first + 1);
}

std::string error_of(const core::Expected<model::ContainerSpec>& r) {
  EXPECT_FALSE(r);
  return r ? std::string() : r.error().describe();
}

TEST(ContainerInspect, HardenedFixture) {
  const auto c = container("hardened.json");
  EXPECT_EQ(c.name, "dd-fx-hardened");
  EXPECT_EQ(c.id.size(), 64u);
  EXPECT_EQ(c.image, "drydock-test/busybox:1");
  EXPECT_TRUE(c.image_id.starts_with("sha256:"));
  EXPECT_EQ(c.state, "created");
  EXPECT_FALSE(c.running);
  EXPECT_EQ(c.user, "1000:1000");
  EXPECT_EQ(c.labels.at("drydock.fixture"), "1");
  EXPECT_TRUE(c.env.empty());  // Env: null
  ASSERT_TRUE(c.healthcheck);
  EXPECT_THAT(c.healthcheck->test, ElementsAre("CMD-SHELL", "true"));
  EXPECT_FALSE(c.privileged);
  EXPECT_TRUE(c.cap_add.empty());  // CapAdd: null
  EXPECT_THAT(c.cap_drop, ElementsAre("ALL"));
  EXPECT_THAT(c.security_opt, ElementsAre("no-new-privileges"));
  EXPECT_TRUE(c.readonly_rootfs);
  EXPECT_EQ(c.memory, 64 * 1024 * 1024);
  EXPECT_EQ(c.nano_cpus, 500000000);
  ASSERT_TRUE(c.pids_limit);
  EXPECT_EQ(*c.pids_limit, 50);
  EXPECT_EQ(c.restart_policy, "on-failure");
  EXPECT_EQ(c.restart_max_retries, 3);
  EXPECT_EQ(c.network_mode, "none");
  EXPECT_THAT(c.networks, ElementsAre("none"));
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0].container_port, "8080/tcp");
  EXPECT_EQ(c.ports[0].host_ip, "127.0.0.1");
  EXPECT_EQ(c.ports[0].host_port, "8080");
  EXPECT_TRUE(c.mounts.empty());
  EXPECT_TRUE(c.exec_ids.empty());  // ExecIDs: null
  EXPECT_FALSE(c.processes);
  EXPECT_FALSE(c.processes_unavailable.empty());
}

TEST(ContainerInspect, DefaultFixtureHasNullsAndDefaults) {
  const auto c = container("default.json");
  EXPECT_EQ(c.name, "dd-fx-default");
  EXPECT_EQ(c.user, "");
  EXPECT_FALSE(c.healthcheck);
  EXPECT_FALSE(c.pids_limit);  // PidsLimit: null
  EXPECT_TRUE(c.security_opt.empty());
  EXPECT_TRUE(c.ulimits.empty());
  EXPECT_EQ(c.network_mode, "default");
  EXPECT_THAT(c.networks, ElementsAre("bridge"));
  EXPECT_EQ(c.memory, 0);
}

TEST(ContainerInspect, Mounts) {
  const auto c = container("mounts.json");
  ASSERT_EQ(c.mounts.size(), 4u);  // the engine lists them in no fixed order
  auto at = [&](std::string_view destination) -> model::Mount {
    for (const auto& m : c.mounts) {
      if (m.destination == destination) return m;
    }
    ADD_FAILURE() << "no mount at " << destination;
    return {};
  };
  const auto etc = at("/host/etc");
  EXPECT_EQ(etc.type, "bind");
  EXPECT_EQ(etc.source, "/etc");
  EXPECT_FALSE(etc.read_write);
  EXPECT_EQ(etc.propagation, "rprivate");
  const auto sock = at("/var/run/docker.sock");
  EXPECT_EQ(sock.source, "/var/run/docker.sock");
  EXPECT_TRUE(sock.read_write);
  EXPECT_EQ(at("/data").type, "volume");
  EXPECT_EQ(at("/x").propagation, "rshared");
}

TEST(ContainerInspect, PortsIncludingIpv6AndEphemeral) {
  const auto c = container("ports.json");
  ASSERT_EQ(c.ports.size(), 3u);
  EXPECT_EQ(c.ports[0].container_port, "80/tcp");
  EXPECT_EQ(c.ports[0].host_ip, "0.0.0.0");
  EXPECT_EQ(c.ports[1].host_ip, "::");
  EXPECT_EQ(c.ports[1].host_port, "8080");
  EXPECT_EQ(c.ports[2].container_port, "9000/tcp");
  EXPECT_EQ(c.ports[2].host_port, "");
}

TEST(ContainerInspect, DevicesUlimitsCgroups) {
  const auto c = container("devices.json");
  ASSERT_EQ(c.devices.size(), 1u);
  EXPECT_EQ(c.devices[0].host_path, "/dev/null");
  EXPECT_EQ(c.devices[0].container_path, "/dev/null");
  EXPECT_EQ(c.devices[0].permissions, "rwm");
  EXPECT_THAT(c.device_cgroup_rules, ElementsAre("c 1:3 mr"));
  ASSERT_EQ(c.ulimits.size(), 1u);
  EXPECT_EQ(c.ulimits[0].name, "nofile");
  EXPECT_EQ(c.ulimits[0].soft, 1024);
  EXPECT_EQ(c.ulimits[0].hard, 2048);
  EXPECT_EQ(c.cgroup_parent, "dd-fx-parent");
}

TEST(ContainerInspect, NamespacesAndSecurity) {
  const auto n = container("namespaces.json");
  EXPECT_EQ(n.pid_mode, "host");
  EXPECT_EQ(n.ipc_mode, "host");
  EXPECT_EQ(n.uts_mode, "host");
  EXPECT_EQ(n.userns_mode, "host");
  const auto u = container("unconfined.json");
  EXPECT_THAT(u.security_opt, ElementsAre("seccomp=unconfined", "apparmor=unconfined", "label=disable"));
  EXPECT_EQ(u.apparmor_profile, "unconfined");
  const auto p = container("privileged.json");
  EXPECT_TRUE(p.privileged);
  const auto caps = container("cap-add.json");
  EXPECT_THAT(caps.cap_add, ElementsAre("CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"));
}

TEST(ContainerInspect, RunningWithExecsAndHealth) {
  const auto r = container("running.json");
  EXPECT_TRUE(r.running);
  EXPECT_EQ(r.state, "running");
  EXPECT_EQ(r.exec_ids.size(), 3u);
  EXPECT_EQ(r.pid, 11804);
  EXPECT_EQ(container("cap-add.json").pid, 0);  // not running
  const auto h = container("healthy.json");
  EXPECT_EQ(h.health_status, "healthy");
  ASSERT_TRUE(h.healthcheck);
  EXPECT_THAT(h.healthcheck->test, ElementsAre("CMD-SHELL", "exit 0"));
}

TEST(ContainerInspect, EveryFixtureParses) {
  for (const char* name :
       {"cap-add-all.json", "cap-drop-all.json", "cap-module.json", "cpu-shares.json", "custom-lsm.json", "host-network.json",
        "mount-root-rw.json", "no-healthcheck.json", "publish-all.json", "restart-always.json", "restart-on-failure-0.json",
        "restart-on-failure-10.json", "restart-unless-stopped.json", "user-0-group.json", "user-root.json", "volume-only.json"}) {
    SCOPED_TRACE(name);
    const auto c = container(name);
    EXPECT_EQ(c.name, "dd-fx-" + std::string(name).substr(0, std::string(name).size() - 5));
  }
}

TEST(ContainerInspect, SingleObject) {
  auto r = container_inspect(R"({"Id":"abc","Name":"/web","HostConfig":{"Privileged":true}})");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->name, "web");
  EXPECT_TRUE(r->privileged);
}

TEST(ContainerInspect, EmptyObjectGivesDefaults) {
  auto r = container_inspect("{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "");
  EXPECT_FALSE(r->healthcheck);
}

TEST(ContainerInspect, Pid) {
  for (const char* text : {R"({"State":{"Pid":null}})", R"({"State":{}})", "{}"}) {
    auto r = container_inspect(text);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(r->pid, 0) << text;
  }
  auto r = container_inspect(R"({"State":{"Running":true,"Pid":4242}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pid, 4242);
  EXPECT_FALSE(container_inspect(R"({"State":{"Pid":"4242"}})"));
}

TEST(ContainerInspect, NullsAreTolerated) {
  auto r = container_inspect(R"({
    "Id": null, "Name": "/n", "ExecIDs": null, "State": {"Health": null, "Status": "exited"},
    "Config": {"Labels": null, "Env": null, "Healthcheck": null, "User": null},
    "HostConfig": {"CapAdd": null, "CapDrop": null, "SecurityOpt": null, "PidsLimit": null, "Ulimits": null,
                   "Devices": null, "DeviceCgroupRules": null, "PortBindings": {"80/tcp": null},
                   "RestartPolicy": null, "Memory": null},
    "Mounts": null, "NetworkSettings": {"Networks": null}})");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->state, "exited");
  EXPECT_TRUE(r->ports.empty());
  EXPECT_FALSE(r->pids_limit);
  EXPECT_FALSE(r->healthcheck);
}

TEST(ContainerInspect, WrongTypeNamesTheField) {
  const auto msg = error_of(container_inspect(R"({"Name":"/x","HostConfig":{"Memory":"64m"}})"));
  EXPECT_THAT(msg, HasSubstr("HostConfig.Memory: expected a number, got string"));
  EXPECT_THAT(msg, HasSubstr("x"));
}

TEST(ContainerInspect, CollectsEveryWrongField) {
  const auto msg = error_of(container_inspect(R"({
    "Name": 5, "Config": {"User": [], "Labels": {"a": 1}, "Healthcheck": {"Test": "CMD true"}},
    "HostConfig": {"Privileged": "yes", "CapAdd": ["SYS_ADMIN", 7], "PortBindings": {"80/tcp": [{"HostPort": 80}]},
                   "RestartPolicy": {"MaximumRetryCount": 1e20}, "Ulimits": [{"Soft": "x"}], "Devices": [3]},
    "Mounts": [{"RW": "true"}, "oops"], "State": "running"})"));
  for (const char* field :
       {"Name: expected a string", "Config.User: expected a string", "Config.Labels.a",
        "Config.Healthcheck.Test: expected an array", "HostConfig.Privileged: expected a boolean", "HostConfig.CapAdd[1]",
        "HostConfig.PortBindings.80/tcp[0].HostPort", "HostConfig.RestartPolicy.MaximumRetryCount", "HostConfig.Ulimits[0].Soft",
        "HostConfig.Devices[0]", "Mounts[0].RW", "Mounts[1]: expected an object", "State: expected an object"}) {
    EXPECT_THAT(msg, HasSubstr(field));
  }
}

TEST(ContainerInspect, ProblemsInFieldOrderWhateverTheOrderOfTheText) {
  // Read as the text goes, listed in the reader's order of fields: the message does not
  // depend on how the engine ordered its keys.
  const auto a = error_of(container_inspect(R"({"HostConfig":{"Memory":"x","Privileged":1},"Mounts":[{"RW":1}],"Name":5})"));
  const auto b = error_of(container_inspect(R"({"Name":5,"Mounts":[{"RW":1}],"HostConfig":{"Privileged":1,"Memory":"x"}})"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, "Name: expected a string, got number; HostConfig.Privileged: expected a boolean, got number; "
               "HostConfig.Memory: expected a number, got string; Mounts[0].RW: expected a boolean, got number");
}

TEST(ContainerInspect, MountNameCountsForVolumesOnly) {
  // Name before or after Type: a bind's Name is ignored, a volume's is read.
  auto bind = container_inspect(R"({"Mounts":[{"Name":5,"Type":"bind"},{"Type":"bind","Name":"x"}]})");
  ASSERT_TRUE(bind) << bind.error().describe();
  ASSERT_EQ(bind->mounts.size(), 2u);
  EXPECT_EQ(bind->mounts[1].name, "");
  auto volume = container_inspect(R"({"Mounts":[{"Name":"data","Type":"volume"}]})");
  ASSERT_TRUE(volume);
  EXPECT_EQ(volume->mounts[0].name, "data");
  EXPECT_THAT(error_of(container_inspect(R"({"Mounts":[{"Name":5,"Type":"volume"}]})")),
              HasSubstr("Mounts[0].Name: expected a string, got number"));
}

TEST(ContainerInspect, UnknownFieldsOfAnyShapeAreSkipped) {
  auto r = container_inspect(R"({"GraphDriver":{"Data":{"a":[[{"b":[1,{"c":null}]}]]}},"Name":"/x","Args":[[],{}],
                                "HostConfig":{"LogConfig":{"Type":"json-file","Config":{}},"Privileged":true}})");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->name, "x");
  EXPECT_TRUE(r->privileged);
}

TEST(ContainerInspect, Numbers) {
  auto ok = container_inspect(R"({"HostConfig":{"Memory":1e3,"PidsLimit":-1,"CpuShares":18446744073709551615}})");
  EXPECT_FALSE(ok);
  EXPECT_THAT(ok.error().message, HasSubstr("HostConfig.CpuShares: number out of range"));
  auto f = container_inspect(R"({"HostConfig":{"Memory":1.5}})");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().message, HasSubstr("HostConfig.Memory: expected an integer"));
  auto g = container_inspect(R"({"HostConfig":{"Memory":1e3,"PidsLimit":-1}})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->memory, 1000);
  EXPECT_EQ(*g->pids_limit, -1);
}

TEST(ContainerInspect, HostileText) {
  for (const char* text : {"", "not json", "{", "[1,", "\"just a string\"", "42", "null", "{\"Name\":\"\\uZZZZ\"}"}) {
    SCOPED_TRACE(text);
    auto r = container_inspect(text);
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().kind, core::ErrorKind::parse);
    }
  }
}

TEST(ContainerInspect, DeepNestingDoesNotCrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = inspect_document(deep);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("nested deeper"));
  const std::string deep_field = R"({"Name":"/x","Config":{"Labels":)" + std::string(5000, '[') + std::string(5000, ']') + "}}";
  EXPECT_FALSE(container_inspect(deep_field));
  // Brackets inside strings do not count.
  const std::string in_string = R"({"Name":")" + std::string(1000, '[') + R"("})";
  EXPECT_TRUE(container_inspect(in_string));
  // An escaped quote does not end a string; an escaped backslash before the quote does.
  const std::string escaped_quote = R"({"Name":"a\")" + std::string(1000, '[') + R"("})";
  EXPECT_TRUE(container_inspect(escaped_quote));
  const std::string escaped_backslash = R"({"Name":"a\\","Labels":)" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto e = container_inspect(escaped_backslash);
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("nested deeper"));
  // Within the limit, a wrong type is a field error, not a crash.
  const std::string moderate = R"({"Config":{"Labels":)" + std::string(100, '[') + std::string(100, ']') + "}}";
  auto m = container_inspect(moderate);
  ASSERT_FALSE(m);
  EXPECT_THAT(m.error().message, HasSubstr("Config.Labels: expected an object, got array"));
}

TEST(InspectDocument, ArrayObjectAndEmpty) {
  auto empty = inspect_document("[]");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto one = inspect_document(R"({"Name":"/a"})");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0]->name, "a");
  auto bad = inspect_document("42");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("expected an array or an object, got number"));
}

TEST(InspectDocument, OneBadElementDoesNotHideTheOthers) {
  auto doc = inspect_document(R"([{"Name":"/good"}, {"Name":"/bad","HostConfig":{"Memory":"x"}}, 7, {"Name":"/also"}])");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->size(), 4u);
  ASSERT_TRUE((*doc)[0]);
  EXPECT_EQ((*doc)[0]->name, "good");
  ASSERT_FALSE((*doc)[1]);
  EXPECT_EQ((*doc)[1].error().where, "[1] bad");
  EXPECT_THAT((*doc)[1].error().message, HasSubstr("HostConfig.Memory"));
  ASSERT_FALSE((*doc)[2]);
  EXPECT_EQ((*doc)[2].error().where, "[2]");
  ASSERT_TRUE((*doc)[3]);
}

TEST(ImageInspect, Fixtures) {
  auto img = image_inspect(api_object(inspect_fixture("image-hardened.json")));
  ASSERT_TRUE(img) << img.error().describe();
  EXPECT_TRUE(img->id.starts_with("sha256:"));
  EXPECT_THAT(img->repo_tags, ElementsAre("dd-fx/hardened:1"));
  EXPECT_EQ(img->user, "1000:1000");
  ASSERT_TRUE(img->healthcheck);
  EXPECT_THAT(img->healthcheck->test, ElementsAre("CMD", "/bin/sh", "-c", "exit 0"));
  EXPECT_EQ(img->labels.at("drydock.fixture"), "1");
  EXPECT_GT(img->size, 0);

  auto bb = image_inspect(api_object(inspect_fixture("image-busybox.json")));
  ASSERT_TRUE(bb) << bb.error().describe();
  EXPECT_EQ(bb->user, "");
  EXPECT_FALSE(bb->healthcheck);
  EXPECT_EQ(bb->display_name(), "drydock-test/busybox:1");
}

TEST(ImageInspect, HostileInput) {
  EXPECT_FALSE(image_inspect("[]"));
  auto r = image_inspect(R"({"Id":"sha256:x","Config":{"ExposedPorts":["80/tcp"],"User":1}})");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("Config.ExposedPorts: expected an object"));
  EXPECT_THAT(r.error().message, HasSubstr("Config.User: expected a string"));
  auto n = image_inspect(R"({"Id":"sha256:x","Config":null,"RepoTags":null})");
  ASSERT_TRUE(n);
  auto p = image_inspect(R"({"Config":{"ExposedPorts":{"22/tcp":{}}}})");
  ASSERT_TRUE(p);
  EXPECT_THAT(p->exposed_ports, ElementsAre("22/tcp"));
}

TEST(ContainerList, Fixture) {
  auto list = container_list(inspect_fixture("containers.json"));
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_FALSE(list->empty());
  bool found = false;
  for (const auto& s : *list) {
    EXPECT_FALSE(s.name.starts_with('/'));
    EXPECT_EQ(s.id.size(), 64u);
    if (s.name == "dd-fx-running") {
      found = true;
      EXPECT_EQ(s.state, "running");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(container_list("{}"));
  auto bad = container_list(R"([{"Id":"a","Names":"/x"}])");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("[0].Names: expected an array"));
}

/// "id name state" of each element, or the error.
std::string listed(std::string_view text) {
  const auto list = container_list(text);
  if (!list) return "error: " + list.error().message;
  std::string out;
  for (const auto& c : *list)
    out += c.id + " " + c.name + " " + c.state + ";";
  return out;
}

TEST(ContainerList, EveryShapeOfElementReadsAsTheDocumentReaderReadsIt) {
  // What the engine writes: other fields of every type around the three that are read.
  EXPECT_EQ(listed(R"([{"Id":"a1","Names":["/web","/other"],"Image":"x","Command":"sh","Created":1,"Ports":[{"PrivatePort":80,)"
                   R"("Type":"tcp"}],"Labels":{"k":"v","n":{"deep":[1,[2,{"x":null}]]}},"State":"running","SizeRw":null,)"
                   R"("HostConfig":{"NetworkMode":"bridge"},"Mounts":[],"Up":true},{"Id":"b2","Names":[],"State":"created"}])"),
            "a1 web running;b2  created;");
  EXPECT_EQ(listed("[]"), "");
  EXPECT_EQ(listed("[{}]"), "  ;");
  EXPECT_EQ(listed(R"([{"Names":["no-slash"]}])"), " no-slash ;");
  // What only the document reader settles: null (absent), a key twice (the last wins).
  EXPECT_EQ(listed(R"([{"Id":null,"Names":null,"State":null}])"), "  ;");
  EXPECT_EQ(listed(R"([{"Id":"first","State":"s","Id":"last"}])"), "last  s;");
  // Problems, named by the document reader, wherever they are.
  EXPECT_THAT(listed(R"([{"Id":"a","Names":["/x"]},{"Id":"b","Names":["/y",7]}])"), HasSubstr("[1].Names"));
  EXPECT_THAT(listed(R"([{"Id":"a"},[1]])"), HasSubstr("[1]: expected an object"));
  EXPECT_THAT(listed(R"([{"Id":{"x":1}}])"), HasSubstr("[0].Id: expected a string"));
  EXPECT_THAT(listed(R"([{"State":["running"]}])"), HasSubstr("[0].State: expected a string"));
  EXPECT_THAT(listed(R"([{"Names":[["/x"]]}])"), HasSubstr("[0].Names"));
  EXPECT_THAT(listed(R"({"Id":"a"})"), HasSubstr("expected an array"));
  EXPECT_THAT(listed(R"("text")"), HasSubstr("expected an array"));
  EXPECT_THAT(listed(R"([{"Id":"a"})"), HasSubstr("not valid JSON"));
  EXPECT_THAT(listed(R"([{"Id":"a"}] [])"), HasSubstr("not valid JSON"));
}

TEST(ImageTags, Fixture) {
  auto tags = image_tags(inspect_fixture("images.json"));
  ASSERT_TRUE(tags) << tags.error().describe();
  bool found = false;
  for (const auto& [tag, id] : *tags) {
    EXPECT_NE(tag, "<none>:<none>");
    if (tag == "drydock-test/busybox:1") {
      found = true;
      EXPECT_TRUE(id.starts_with("sha256:"));
    }
  }
  EXPECT_TRUE(found);
}

TEST(ImageTags, UntaggedAndNull) {
  auto tags = image_tags(R"([{"Id":"sha256:1","RepoTags":["<none>:<none>"]},{"Id":"sha256:2","RepoTags":null},
                             {"Id":"sha256:3","RepoTags":["a:1","b:2"]}])");
  ASSERT_TRUE(tags);
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0], (std::pair<std::string, std::string>{"a:1", "sha256:3"}));
  EXPECT_FALSE(image_tags(R"([{"Id":1}])"));
  EXPECT_FALSE(image_tags("nope"));
}

TEST(EngineInfo, Fixture) {
  auto e = engine_info(inspect_fixture("version.json"), inspect_fixture("info.json"));
  ASSERT_TRUE(e) << e.error().describe();
  EXPECT_FALSE(e->server_version.empty());
  EXPECT_FALSE(e->api_version.empty());
  EXPECT_EQ(e->os, "linux");
  EXPECT_FALSE(e->kernel_version.empty());
  EXPECT_FALSE(e->id.empty());
  EXPECT_TRUE(e->has_security_option("seccomp"));
  EXPECT_FALSE(e->has_security_option("apparmor"));
  EXPECT_EQ(e->swarm_state, "inactive");
  EXPECT_FALSE(e->swarm_control_available);
  EXPECT_GT(e->containers, 0);
  EXPECT_TRUE(e->warnings.empty());  // Warnings: null
}

TEST(EngineInfo, SecurityOptionsAndSwarm) {
  auto e = engine_info(R"({"Version":"24.0.5","ApiVersion":"1.43"})",
                       R"({"SecurityOptions":["name=apparmor","name=seccomp,profile=builtin","name=userns","name=rootless",
                                              "name=selinux","name=cgroupns","seccomp"],
                           "Swarm":{"LocalNodeState":"active","ControlAvailable":true},"Warnings":["WARNING: x"]})");
  ASSERT_TRUE(e) << e.error().describe();
  EXPECT_THAT(e->security_options, ElementsAre("apparmor", "seccomp", "userns", "rootless", "selinux", "cgroupns", "seccomp"));
  EXPECT_EQ(e->swarm_state, "active");
  EXPECT_TRUE(e->swarm_control_available);
  EXPECT_THAT(e->warnings, ElementsAre("WARNING: x"));
}

TEST(EngineInfo, Errors) {
  EXPECT_FALSE(engine_info("not json", "{}"));
  EXPECT_FALSE(engine_info("{}", "[]"));
  auto r = engine_info("{}", R"({"Swarm":{"ControlAvailable":"yes"},"Containers":"3"})");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("Info.Swarm.ControlAvailable: expected a boolean"));
  EXPECT_THAT(r.error().message, HasSubstr("Info.Containers: expected a number"));
}

TEST(Top, Fixtures) {
  auto ps = top(inspect_fixture("top.json"));
  ASSERT_TRUE(ps) << ps.error().describe();
  ASSERT_EQ(ps->size(), 4u);
  EXPECT_EQ((*ps)[0].command, "/bin/sleep 3600");
  EXPECT_EQ((*ps)[0].user, "root");
  EXPECT_FALSE((*ps)[0].pid.empty());
  auto aux = top(inspect_fixture("top-aux.json"));
  ASSERT_TRUE(aux) << aux.error().describe();
  ASSERT_EQ(aux->size(), 4u);
  EXPECT_EQ((*aux)[0].command, "/bin/sleep 3600");
  EXPECT_EQ((*aux)[0].user, "root");
  EXPECT_EQ((*aux)[3].command, "sleep 602");
}

TEST(Top, Hostile) {
  auto no_pid = top(R"({"Titles":["USER","CMD"],"Processes":[]})");
  ASSERT_FALSE(no_pid);
  EXPECT_THAT(no_pid.error().message, HasSubstr("PID"));
  auto short_row = top(R"({"Titles":["PID","CMD"],"Processes":[["1"]]})");
  ASSERT_FALSE(short_row);
  EXPECT_THAT(short_row.error().message, HasSubstr("Processes[0]"));
  auto bad_cell = top(R"({"Titles":["PID","CMD"],"Processes":[[1,"x"]]})");
  ASSERT_FALSE(bad_cell);
  EXPECT_THAT(bad_cell.error().message, HasSubstr("Processes[0][0]: expected a string"));
  auto empty = top(R"({"Titles":["PID","COMMAND"],"Processes":null})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(top(R"({"Titles":"PID"})"));
  EXPECT_FALSE(top("[]"));
}

TEST(ExecInspect, Fixtures) {
  int as_root = 0;
  for (const char* name : {"exec-0.json", "exec-1.json", "exec-2.json"}) {
    auto e = exec_inspect(inspect_fixture(name));
    ASSERT_TRUE(e) << e.error().describe();
    EXPECT_EQ(e->id.size(), 64u);
    EXPECT_TRUE(e->running);
    EXPECT_FALSE(e->privileged);
    EXPECT_TRUE(e->command.starts_with("sleep 60"));
    if (e->user == "0") ++as_root;
  }
  EXPECT_EQ(as_root, 1);
}

TEST(ExecInspect, Shapes) {
  auto e = exec_inspect(R"({"ID":"e1","Running":false,"ProcessConfig":{"entrypoint":"sh","arguments":["-c","id"],
                            "privileged":true,"user":"root"}})");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->privileged);
  EXPECT_EQ(e->user, "root");
  EXPECT_EQ(e->command, "sh -c id");
  auto bad = exec_inspect(R"({"ID":"e1","ProcessConfig":{"privileged":"true"}})");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("ProcessConfig.privileged: expected a boolean"));
  EXPECT_FALSE(exec_inspect("null"));
}

}  // namespace
}  // namespace drydock::parse
