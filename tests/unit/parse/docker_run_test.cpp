#include "drydock/parse/docker_run.hpp"

#include <gtest/gtest.h>

namespace drydock::parse {
namespace {

TEST(SeccompDockerRun, FindsRunTheImageAndTheFlags) {
  const auto r = parse_docker_run({"docker", "-H", "unix:///tmp/d.sock", "--tlsverify", "run", "-dit", "--rm", "--name", "web",
                                   "-p80:80", "--env=A=1", "-v", "/a:/b", "--security-opt", "no-new-privileges",
                                   "--cidfile", "/tmp/cid", "nginx:1.25", "nginx", "-g", "daemon off;"});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->run_index, 4U);
  EXPECT_EQ(r->image, "nginx:1.25");
  EXPECT_EQ(r->image_index, 17U);
  EXPECT_TRUE(r->detach);
  EXPECT_FALSE(r->privileged);
  EXPECT_EQ(r->name, "web");
  EXPECT_EQ(r->cidfile, "/tmp/cid");
  EXPECT_EQ(r->security_opts, std::vector<std::string>{"no-new-privileges"});
  EXPECT_FALSE(r->seccomp());
}

TEST(SeccompDockerRun, ContainerRunAndSeccompAndPrivileged) {
  const auto r = parse_docker_run({"/usr/bin/docker", "container", "run", "--privileged", "--security-opt=seccomp=unconfined",
                                   "--detach=false", "--", "busybox"});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->run_index, 2U);
  EXPECT_EQ(r->image, "busybox");
  EXPECT_TRUE(r->privileged);
  EXPECT_FALSE(r->detach);
  EXPECT_EQ(r->seccomp(), "unconfined");
}

TEST(SeccompDockerRun, NotARunLine) {
  EXPECT_FALSE(parse_docker_run({}));
  EXPECT_FALSE(parse_docker_run({"docker", "ps"}));
  EXPECT_FALSE(parse_docker_run({"docker", "run"}));             // no image
  EXPECT_FALSE(parse_docker_run({"docker", "run", "--name"}));   // a value is missing
  EXPECT_FALSE(parse_docker_run({"docker", "run", "-e", "A=1"}));  // the value is not the image
  EXPECT_EQ(parse_docker_run({"docker", "run", "-e", "A=1", "img"})->image, "img");
}

}  // namespace
}  // namespace drydock::parse
