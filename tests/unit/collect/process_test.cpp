#include "drydock/collect/process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drydock::collect {
namespace {

namespace fs = std::filesystem;

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string t = (fs::temp_directory_path() / "dd-seccomp-unit-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& text, bool append = false) {
  std::ofstream out(p, append ? std::ios::app : std::ios::trunc);
  out << text;
}

TEST(SeccompProcess, LogTailReadsWhatWasAppended) {
  ScratchDir d;
  const auto log = d.path / "audit.log";
  write(log, "old line\n");
  auto tail = LogTail::open(log.string());
  ASSERT_TRUE(tail) << tail.error().describe();
  write(log, "new 1\n", true);
  write(log, "new 2\n", true);
  EXPECT_EQ(*tail->read_new(), "new 1\nnew 2\n");
  EXPECT_EQ(*tail->read_new(), "");
  EXPECT_FALSE(tail->rotated());
  // Rotated: a new, shorter file at the same path is read from its start.
  fs::rename(log, d.path / "audit.log.1");
  write(log, "after\n");
  EXPECT_EQ(*tail->read_new(), "after\n");
  EXPECT_TRUE(tail->rotated());
  EXPECT_FALSE(LogTail::open((d.path / "missing").string()));
}

TEST(SeccompProcess, KernelRateLimitBurst) {
  std::vector<std::uint64_t> times;
  for (std::uint64_t i = 0; i < 9; ++i)
    times.push_back(1000000 + i * 100);
  EXPECT_FALSE(reaches_burst(times, 10, 5000000));
  times.push_back(6000099);  // the 10th, just outside 5 s of the first
  EXPECT_FALSE(reaches_burst(times, 10, 5000000));
  times.push_back(1000050);  // a 10th within 5 s
  EXPECT_TRUE(reaches_burst(times, 10, 5000000));
  EXPECT_FALSE(reaches_burst({}, 10, 5000000));
}

TEST(SeccompProcess, AuditdLogPathFromItsConfiguration) {
  ScratchDir d;
  write(d.path / "auditd.conf", "# comment\nlocal_events = yes\nlog_file = /srv/audit/a.log\nlog_format = ENRICHED\n");
  EXPECT_EQ(auditd_log_path((d.path / "auditd.conf").string()), "/srv/audit/a.log");
  EXPECT_EQ(auditd_log_path((d.path / "none.conf").string()), "/var/log/audit/audit.log");
}

TEST(SeccompProcess, ContainerPidsByCgroup) {
  ScratchDir d;
  const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  fs::create_directories(d.path / "10");
  fs::create_directories(d.path / "11");
  fs::create_directories(d.path / "12");
  fs::create_directories(d.path / "self");
  write(d.path / "10" / "cgroup", "0::/system.slice/docker-" + id + ".scope\n");
  write(d.path / "11" / "cgroup", "0::/user.slice\n");
  write(d.path / "12" / "cgroup", "12:pids:/docker/" + id + "\n");
  const auto scan = scan_container_pids(id, d.path.string());
  EXPECT_EQ(scan.inside, (std::set<int>{10, 12}));
  EXPECT_EQ(scan.outside, (std::set<int>{11}));
}

TEST(SeccompProcess, ChildrenAndTheirExitCodes) {
  const auto r = run_capture({"sh", "-c", "echo out; echo err >&2; exit 3"}, std::chrono::seconds(10));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_FALSE(run_capture({"sleep", "5"}, std::chrono::seconds(1)));  // killed at its deadline
  auto child = Child::spawn({"sh", "-c", "exit 7"});
  ASSERT_TRUE(child);
  EXPECT_EQ(child->wait_for(std::chrono::seconds(10)), 7);
  auto slow = Child::spawn({"sleep", "0.3"});
  ASSERT_TRUE(slow);
  EXPECT_FALSE(slow->wait_for(std::chrono::milliseconds(0)));
  EXPECT_EQ(slow->wait_for(std::chrono::seconds(10)), 0);
  EXPECT_FALSE(Child::spawn({"/nonexistent/program"}));
}

}  // namespace
}  // namespace drydock::collect
