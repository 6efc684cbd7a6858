#include <liburing.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

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

/// Each path's text or error, as read_files hands them over (in order, once each).
std::vector<std::string> read_all(const std::vector<std::string>& paths, std::size_t limit, ReadMode mode) {
  std::vector<std::string> out;
  read_files(paths, limit, [&](std::size_t i, const core::Expected<std::string_view>& text) {
    EXPECT_EQ(i, out.size());
    out.push_back(text ? "text:" + std::string(*text) : "error:" + text.error().describe());
  }, mode);
  return out;
}

/// The read() system calls of this process so far (/proc/self/io's syscr).
std::optional<long> read_calls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value) {
    if (key == "syscr:") return value;
  }
  return std::nullopt;
}

TEST(ReadFiles, BatchedGivesWhatOneByOneGivesFileForFile) {
  const fs::path root = fs::temp_directory_path() / ("drydock-readfiles-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "dir");
  std::vector<std::string> paths;
  const auto add = [&](const std::string& name, const std::string& content) {
    std::ofstream(root / name, std::ios::binary) << content;
    paths.push_back((root / name).string());
  };
  // More than two batches of small files, each of its own content.
  for (int i = 0; i < 70; ++i)
    add("f" + std::to_string(i), "FROM scratch\nLABEL n=" + std::to_string(i) + "\n" + std::string(static_cast<std::size_t>(i) * 37, 'x'));
  add("empty", "");
  const std::size_t buffer = 128U << 10U;  // the batch's buffer per file: around it, read again or not
  add("below", std::string(buffer - 1, 'b'));
  add("exactly", std::string(buffer, 'e'));
  add("above", std::string(buffer + 1, 'a'));
  add("at-limit", std::string(200000, 'l'));
  add("over-limit", std::string(200001, 'o'));
  add("nul", std::string("FROM\0scratch", 12));
  paths.push_back((root / "gone").string());  // listed by a walk, removed since
  paths.push_back((root / "dir").string());   // replaced by a directory since
  ASSERT_EQ(::mkfifo((root / "fifo").c_str(), 0600), 0);  // replaced by a FIFO since (no writer)
  paths.push_back((root / "fifo").string());
  add("last", "FROM alpine\n");

  const auto one = read_all(paths, 200000, ReadMode::one_by_one);
  const auto batched = read_all(paths, 200000, ReadMode::batched);
  ASSERT_EQ(one.size(), paths.size());
  EXPECT_EQ(batched, one);
  EXPECT_EQ(one[0], "text:FROM scratch\nLABEL n=0\n");
  EXPECT_EQ(one[70], "text:");
  EXPECT_EQ(one[73].size(), 5 + buffer + 1);
  EXPECT_EQ(one[74].size(), 5 + 200000);
  EXPECT_EQ(one[75].rfind("error:", 0), 0u);
  EXPECT_NE(one[75].find("limit"), std::string::npos);
  EXPECT_EQ(one[76], std::string("text:FROM\0scratch", 17));
  EXPECT_EQ(one[77].rfind("error:", 0), 0u);
  EXPECT_EQ(one[78].rfind("error:", 0), 0u);
  EXPECT_NE(one[79].find("not a regular file"), std::string::npos);
  EXPECT_EQ(one.back(), "text:FROM alpine\n");
  // One file alone, and none.
  EXPECT_EQ(read_all({paths[5]}, 200000, ReadMode::batched), std::vector<std::string>{one[5]});
  EXPECT_TRUE(read_all({}, 200000, ReadMode::batched).empty());
  fs::remove_all(root);
}

TEST(ReadFiles, BatchedReadsWithoutAReadCallPerFileWhereIoUringIsAllowed) {
  // Whether this process may use io_uring (seccomp in a container may forbid it; read_files then
  // reads one by one, and only the first half of this test applies).
  io_uring ring{};
  const bool allowed = io_uring_queue_init(4, &ring, 0) == 0;
  if (allowed) io_uring_queue_exit(&ring);

  const fs::path root = fs::temp_directory_path() / ("drydock-readcalls-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::vector<std::string> paths;
  for (int i = 0; i < 200; ++i) {
    paths.push_back((root / ("Dockerfile." + std::to_string(i))).string());
    std::ofstream(paths.back()) << "FROM scratch\n";
  }
  const auto before_one = read_calls();
  ASSERT_TRUE(before_one) << "no syscr in /proc/self/io";
  const auto one = read_all(paths, k_max_input, ReadMode::one_by_one);
  const long one_calls = *read_calls() - *before_one;
  EXPECT_GE(one_calls, 200);  // at least one read per file
  const auto before_batched = *read_calls();
  const auto batched = read_all(paths, k_max_input, ReadMode::batched);
  const long batched_calls = *read_calls() - before_batched;
  EXPECT_EQ(batched, one);
  if (allowed) {
    EXPECT_LT(batched_calls, 20) << "io_uring is allowed here, yet the files were read one by one";
  } else {
    EXPECT_GE(batched_calls, 200);
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace drydock::collect
