#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "drydock/collect/files.hpp"

namespace drydock::collect {
namespace {

namespace fs = std::filesystem;

TEST(DockerfileNames, WhatBuildKitUsersCallThem) {
  for (auto name : {"Dockerfile", "Dockerfile.prod", "api.Dockerfile", "api.dockerfile", "Containerfile", "Containerfile.dev"}) {
    EXPECT_TRUE(is_dockerfile_name(name)) << name;
  }
  for (auto name : {"dockerfile.md", "Dockerfile-notes", ".dockerfile", "README", "Dockerfiles", "compose.yaml"}) {
    EXPECT_FALSE(is_dockerfile_name(name)) << name;
  }
}

TEST(FindDockerfiles, RecursesSortedSkippingHiddenDirsAndLinks) {
  const fs::path root = fs::temp_directory_path() / ("drydock-find-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "svc/api");
  fs::create_directories(root / ".git/objects");
  fs::create_directories(root / "node_modules/x");
  for (const auto& f : {"Dockerfile", "svc/api/Dockerfile.prod", "svc/web.dockerfile", ".git/objects/Dockerfile",
                        "node_modules/x/Dockerfile", "svc/README.md"}) {
    std::ofstream(root / f) << "FROM scratch\n";
  }
  fs::create_symlink(root / "Dockerfile", root / "svc/Containerfile");
  const auto found = find_dockerfiles(root.string());
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], (root / "Dockerfile").string());
  EXPECT_EQ(found[1], (root / "svc/api/Dockerfile.prod").string());
  EXPECT_EQ(found[2], (root / "svc/web.dockerfile").string());
  fs::remove_all(root);
}

TEST(ReadInput, LimitsAndErrors) {
  const fs::path file = fs::temp_directory_path() / ("drydock-read-" + std::to_string(::getpid()));
  std::ofstream(file) << std::string(3000, 'x');
  EXPECT_EQ(read_input(file.string())->size(), 3000u);
  const auto big = read_input(file.string(), 1000);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("limit"), std::string::npos);
  EXPECT_EQ(read_input("/nonexistent/file").error().kind, core::ErrorKind::not_found);
  EXPECT_FALSE(read_input(fs::temp_directory_path().string()));  // a directory
  std::ofstream(file, std::ios::trunc) << std::string(1000, 'y');
  EXPECT_EQ(read_input(file.string(), 1000)->size(), 1000u);  // exactly at the limit
  std::ofstream(file, std::ios::trunc);
  EXPECT_EQ(read_input(file.string())->size(), 0u);
  fs::remove(file);
}

TEST(ReadInput, FifoIsRefusedWithoutBlocking) {
  const fs::path fifo = fs::temp_directory_path() / ("drydock-fifo-" + std::to_string(::getpid()));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto r = read_input(fifo.string());  // no writer: a blocking open would hang here
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "not a regular file");
  fs::remove(fifo);
}

}  // namespace
}  // namespace drydock::collect
