// The Compose checks, each firing and staying quiet, and the table that maps runtime checks to
// Compose keys (every runtime container check is either mapped or needs a running container).

#include <gtest/gtest.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/compose.hpp"
#include "drydock/parse/compose.hpp"

namespace drydock::checks {
namespace {

model::ComposeService service(const std::string& body, parse::ComposeEnvironment env = {}) {
  parse::ComposeInput in;
  in.files = {parse::ComposeFile{"c.yaml", "services:\n  s:\n" + body}};
  in.environment = std::move(env);
  auto p = parse::compose_project(in);
  EXPECT_EQ(p.services.size(), 1U);
  return p.services.empty() ? model::ComposeService{} : p.services.front();
}

Finding run(std::string_view id, const model::ComposeService& s) {
  const Check* c = find_check(id);
  EXPECT_NE(c, nullptr) << id;
  Results out;
  std::get<ComposeEval>(c->evaluate)(s, out);
  EXPECT_TRUE(out.finding());
  return out.finding().value_or(Finding{});
}

TEST(ComposeChecks, EnvironmentSecret) {
  auto f = run("compose.environment-secret", service("    image: a:1\n    environment:\n      A: b\n      DB_PASSWORD: hunter22\n"));
  EXPECT_EQ(f.status, Status::fail);
  ASSERT_TRUE(f.location);
  EXPECT_EQ(f.location->line, 6);
  EXPECT_EQ(f.evidence.find("hunter22"), std::string::npos) << f.evidence;
  // List form, and a known key format under an innocent name.
  f = run("compose.environment-secret",
          service("    image: a:1\n    environment:\n      - NOTE=AKIAIOSFODNN7EXAMPLE\n      - API_TOKEN=abcdef123456\n"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.location->line, 5);
  EXPECT_NE(f.evidence.find("line 6"), std::string::npos) << f.evidence;
  // Interpolated, empty, *_FILE, paths, bare names: quiet.
  f = run("compose.environment-secret",
          service("    image: a:1\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n      TOKEN: \"\"\n"
                  "      DB_PASSWORD_FILE: /run/secrets/db\n      SECRET_PATH: /etc/secret\n      API_KEY:\n",
                  {{"DB_PASSWORD", "from-the-shell"}}));
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_EQ(run("compose.environment-secret", service("    image: a:1\n")).status, Status::pass);
}

TEST(ComposeChecks, PasswordInsideAUrl) {
  auto f = run("compose.environment-secret",
               service("    image: a:1\n    environment:\n      DATABASE_URL: mysql://app:s3cr3t-pw@db:3306/shop\n"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.evidence.find("s3cr3t"), std::string::npos) << f.evidence;
  // No password, an interpolated one, a user alone: quiet.
  f = run("compose.environment-secret",
          service("    image: a:1\n    environment:\n      A_URL: https://db:5432/x\n      B_URL: postgres://app:${PW}@db/x\n"
                  "      C_URL: ssh://git@example.org/repo.git\n",
                  {{"PW", "from-the-shell"}}));
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
}

TEST(ComposeChecks, ImageTag) {
  auto status = [](const std::string& image) { return run("compose.image-latest", service("    image: " + image + "\n")).status; };
  EXPECT_EQ(status("nginx"), Status::fail);
  EXPECT_EQ(status("nginx:latest"), Status::fail);
  EXPECT_EQ(status("localhost:5000/app"), Status::fail);
  EXPECT_EQ(status("ghcr.io/org/app:latest"), Status::fail);
  EXPECT_EQ(status("nginx:1.25"), Status::pass);
  EXPECT_EQ(status("localhost:5000/app:2"), Status::pass);
  EXPECT_EQ(status("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), Status::pass);
  const auto f = run("compose.image-latest", service("    build: .\n"));
  EXPECT_EQ(f.status, Status::skip);
  EXPECT_EQ(run("compose.image-latest", service("    image: nginx\n")).location->line, 3);
}

TEST(ComposeChecks, PortWithoutHostIp) {
  auto f = run("compose.port-without-host-ip",
               service("    image: a:1\n    ports:\n      - \"127.0.0.1:80:80\"\n      - \"8080:80\"\n      - target: 9000\n"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.location->line, 6);
  EXPECT_NE(f.evidence.find("line 7"), std::string::npos) << f.evidence;
  f = run("compose.port-without-host-ip", service("    image: a:1\n    ports:\n      - \"3000-3002:3000-3002\"\n"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.evidence.find("line"), std::string::npos) << "one entry, said once: " << f.evidence;
  EXPECT_EQ(run("compose.port-without-host-ip", service("    image: a:1\n    ports: [\"127.0.0.1:80:80\", \"[::1]:81:81\"]\n")).status,
            Status::pass);
  EXPECT_EQ(run("compose.port-without-host-ip", service("    image: a:1\n    expose: [\"80\"]\n")).status, Status::pass);
}

TEST(ComposeChecks, EveryRuntimeContainerCheckIsMappedOrNeedsARunningContainer) {
  for (const auto& c : runtime_checks()) {
    if (c.scope() != Scope::container) continue;
    const bool mapped = !compose::runtime_fields(c.id).empty();
    EXPECT_NE(mapped, compose::needs_running_container(c.id)) << c.id;
  }
  for (const auto& c : compose_checks()) {
    EXPECT_EQ(c.scope(), Scope::compose) << c.id;
    EXPECT_TRUE(c.id.starts_with("compose.")) << c.id;
  }
}

}  // namespace
}  // namespace drydock::checks
