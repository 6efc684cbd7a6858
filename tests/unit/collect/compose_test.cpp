// Reading a Compose project from disk: default files of a folder, .env and --env-file, the
// environment over both, env_file and extends.file read through the loader, unreadable files.

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "drydock/collect/compose.hpp"

namespace drydock::collect {
namespace {

namespace fs = std::filesystem;

class ComposeFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    m_root = fs::temp_directory_path() / ("drydock-compose-" + std::to_string(::getpid()));
    fs::remove_all(m_root);
    fs::create_directories(m_root / "base");
  }
  void TearDown() override { fs::remove_all(m_root); }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream out(m_root / rel, std::ios::binary);
    out << text;
  }
  [[nodiscard]] std::string path(const std::string& rel) const { return (m_root / rel).string(); }
  fs::path m_root;
};

TEST_F(ComposeFiles, DefaultFilesOfAFolder) {
  EXPECT_TRUE(default_compose_files(m_root.string()).empty());
  write("docker-compose.yml", "services: {}\n");
  write("docker-compose.override.yml", "services: {}\n");
  EXPECT_EQ(default_compose_files(m_root.string()),
            (std::vector<std::string>{path("docker-compose.yml"), path("docker-compose.override.yml")}));
  write("compose.yaml", "services: {}\n");  // the first name of the list wins
  EXPECT_EQ(default_compose_files(m_root.string()), (std::vector<std::string>{path("compose.yaml")}));
}

TEST_F(ComposeFiles, DotEnvEnvFileAndTheEnvironment) {
  write("compose.yaml",
        "services:\n"
        "  a:\n"
        "    image: ${IMAGE}\n"
        "    user: ${WHO}\n"
        "    env_file: app.env\n"
        "    extends: {file: base/base.yaml, service: b}\n");
  write(".env", "IMAGE=from-dotenv:1\nWHO=dotenv\n");
  write("other.env", "IMAGE=from-other:1\n");
  write("app.env", "FROM_APP_ENV=1\n");
  write("base/base.yaml", "services:\n  b:\n    privileged: true\n    volumes: [./x:/x]\n");

  ComposeOptions o;
  o.files = {m_root.string()};
  o.environment = {{"WHO", "shell"}};
  auto p = load_compose(o);
  ASSERT_TRUE(p) << p.error().describe();
  ASSERT_EQ(p->services.size(), 1U);
  const auto& s = p->services[0].spec;
  EXPECT_EQ(s.image, "from-dotenv:1");
  EXPECT_EQ(s.user, "shell");  // the environment wins over .env
  EXPECT_EQ(s.env, (std::vector<std::string>{"FROM_APP_ENV=1"}));
  EXPECT_TRUE(s.privileged);
  ASSERT_EQ(s.mounts.size(), 1U);
  EXPECT_EQ(s.mounts[0].source, path("base/x"));
  EXPECT_EQ(p->services[0].field_at.at("privileged").file, path("base/base.yaml"));

  o.env_file = path("other.env");
  p = load_compose(o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->services[0].spec.image, "from-other:1");
  o.env_file = path("missing.env");
  EXPECT_FALSE(load_compose(o));
}

TEST_F(ComposeFiles, UnreadableFilesAreFatalDiagnostics) {
  write("compose.yaml", "services: {a: {image: a:1}}\n");
  ComposeOptions o;
  o.files = {path("compose.yaml"), path("missing.yaml")};
  const auto p = load_compose(o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->services.size(), 1U);
  ASSERT_EQ(p->diagnostics.size(), 1U);
  EXPECT_TRUE(p->diagnostics[0].fatal);
  EXPECT_EQ(p->diagnostics[0].location.file, path("missing.yaml"));
  EXPECT_EQ(p->files.size(), 2U);
  o.files = {path("empty-dir-that-does-not-exist/")};
  EXPECT_TRUE(load_compose(o));  // a path that is no folder: a file that cannot be read
  o.files = {m_root.string() + "/base"};
  EXPECT_FALSE(load_compose(o));  // a folder without a Compose file
}

}  // namespace
}  // namespace drydock::collect
