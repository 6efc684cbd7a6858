#include "drydock/collect/host/root.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string_view>
#include <thread>

#include "host_tree.hpp"

namespace drydock::collect {
namespace {

using test::HostTree;

/// Paths under a root resolve the same whoever resolves them.
constexpr RootResolver k_resolvers[] = {RootResolver::kernel_if_available, RootResolver::walk};

const char* resolver_name(RootResolver how) { return how == RootResolver::walk ? "walk" : "openat2"; }

TEST(HostRoot, LiveRootIsEmptyDir) {
  EXPECT_TRUE(HostRoot("").live());
  EXPECT_TRUE(HostRoot("/").live());
  EXPECT_TRUE(HostRoot("//").live());
  HostRoot r("/tmp/x/");
  EXPECT_FALSE(r.live());
  EXPECT_EQ(r.dir(), "/tmp/x");
}

TEST(HostRoot, ReadsAndListsInsideTheRoot) {
  HostTree t;
  t.file("/etc/docker/daemon.json", "{}", 0600);
  t.file("/etc/docker/key.json", "k", 0600);
  HostRoot r(t.root());
  EXPECT_EQ(r.read("/etc/docker/daemon.json").value(), "{}");
  EXPECT_EQ(r.read("etc/docker/daemon.json").value(), "{}");
  EXPECT_EQ(r.list("/etc/docker").value(), (std::vector<std::string>{"daemon.json", "key.json"}));
  EXPECT_TRUE(r.exists("/etc/docker"));
  EXPECT_FALSE(r.exists("/etc/nothing"));
}

TEST(HostRoot, MissingFiles) {
  HostTree t;
  t.file("/etc/hosts", "x");
  HostRoot r(t.root());
  auto missing = r.read("/etc/docker/daemon.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(missing.error().where, "/etc/docker/daemon.json");
  EXPECT_EQ(r.list("/etc/docker").error().kind, core::ErrorKind::not_found);
  // A regular file used as a directory is "not found" too.
  EXPECT_EQ(r.read("/etc/hosts/x").error().kind, core::ErrorKind::not_found);
  const auto f = r.stat("/etc/docker/daemon.json", "daemon.json");
  EXPECT_FALSE(f.exists);
  EXPECT_EQ(f.error, "");
  EXPECT_EQ(f.role, "daemon.json");
  EXPECT_EQ(f.path, "/etc/docker/daemon.json");
}

TEST(HostRoot, AbsoluteSymlinksAreReRootedNotEscaped) {
  HostTree t;
  // Outside the tree a file the link would reach if followed on this machine.
  t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  t.file("/etc/shadow-in-tree", "in tree");
  t.link("/etc/docker", "/etc/realdocker");  // absolute: must mean <root>/etc/realdocker
  t.file("/etc/realdocker/daemon.json", "{\"in\":\"tree\"}");
  t.link("/etc/escape", "/etc/shadow-in-tree");
  t.link("/etc/hostfile", "/proc/self/status");  // on this machine exists; in the tree not
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(t.root(), how);
    EXPECT_EQ(r.read("/etc/docker/daemon.json").value(), "{\"in\":\"tree\"}");
    EXPECT_EQ(r.read("/etc/escape").value(), "in tree");
    EXPECT_EQ(r.read("/etc/hostfile").error().kind, core::ErrorKind::not_found);
    EXPECT_FALSE(r.exists("/etc/hostfile"));
  }
}

TEST(HostRoot, DotDotNeverClimbsAboveTheRoot) {
  HostTree t;
  t.file("/etc/docker/daemon.json", "tree");
  t.link("/etc/docker/up", "../../../../../../../../etc/docker/daemon.json");
  t.link("/a/b/c", "../../../../../../../..");
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(t.root(), how);
    EXPECT_EQ(r.read("/etc/docker/up").value(), "tree");
    EXPECT_EQ(r.read("/../../../../etc/docker/daemon.json").value(), "tree");
    EXPECT_EQ(r.read("/a/b/c/etc/docker/daemon.json").value(), "tree");
    // Something that exists on this machine but not in the tree stays missing.
    EXPECT_FALSE(r.exists("/../../proc/self/status"));
    EXPECT_FALSE(r.exists("/a/b/c/proc/self/status"));
  }
}

TEST(HostRoot, LinkLoopsAreErrors) {
  HostTree t;
  t.link("/etc/a", "/etc/b");
  t.link("/etc/b", "a");
  t.link("/etc/self", "self");
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(t.root(), how);
    auto e = r.read("/etc/a");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().kind, core::ErrorKind::io);
    EXPECT_NE(e.error().message.find("symbolic links"), std::string::npos);
    EXPECT_EQ(r.read("/etc/self/x").error().kind, core::ErrorKind::io);
    // stat of the link itself works (the last component is not followed) ...
    const auto f = r.stat("/etc/a", "x");
    EXPECT_TRUE(f.exists);
    EXPECT_EQ(f.type, "symlink");
    // ... a path through the loop fills `error`.
    const auto g = r.stat("/etc/self/daemon.json", "x");
    EXPECT_FALSE(g.exists);
    EXPECT_NE(g.error.find("symbolic links"), std::string::npos);
  }
}

TEST(HostRoot, ChainsOfUpToFortyLinksResolve) {
  HostTree t;
  t.file("/f0", "end");
  for (int i = 1; i <= 40; ++i)
    t.link("/f" + std::to_string(i), "/f" + std::to_string(i - 1));
  t.link("/f41", "/f40");
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(t.root(), how);
    EXPECT_EQ(r.read("/f40").value(), "end");
    EXPECT_FALSE(r.read("/f41"));
  }
}

TEST(HostRoot, StatIsLstatWithNamesFromTheRootsAccounts) {
  HostTree t;
  test::write_accounts(t);
  t.file("/etc/docker/daemon.json", "{}", 0606);
  t.dir("/etc/docker", 0755);
  t.socket("/run/docker.sock", 0666);
  t.link("/var/run", "/run");
  t.link("/etc/docker/link.json", "daemon.json");
  HostRoot r(t.root());

  auto f = r.stat("/etc/docker/daemon.json", "daemon.json");
  EXPECT_TRUE(f.exists);
  EXPECT_EQ(f.type, "file");
  EXPECT_EQ(f.mode, 0606U);

  f = r.stat("/etc/docker/", "/etc/docker");
  EXPECT_EQ(f.type, "directory");
  EXPECT_EQ(f.mode, 0755U);
  EXPECT_EQ(f.path, "/etc/docker");

  // Parents are followed inside the root (/var/run -> /run), the last component is not.
  f = r.stat("/var/run/docker.sock", "docker.sock");
  EXPECT_TRUE(f.exists);
  EXPECT_EQ(f.type, "socket");
  EXPECT_EQ(f.mode, 0666U);
  EXPECT_EQ(f.path, "/var/run/docker.sock");
  EXPECT_EQ(r.stat("/etc/docker/link.json", "x").type, "symlink");

  if (::geteuid() == 0) {
    ASSERT_TRUE(t.chown("/run/docker.sock", 0, 998));
    ASSERT_TRUE(t.chown("/etc/docker/daemon.json", 1000, 4242));
    HostRoot fresh(t.root());
    f = fresh.stat("/var/run/docker.sock", "docker.sock");
    EXPECT_EQ(f.owner, "root");
    EXPECT_EQ(f.group, "docker");  // the tree's gid 998, whatever this machine calls it
    EXPECT_EQ(f.gid, 998U);
    f = fresh.stat("/etc/docker/daemon.json", "daemon.json");
    EXPECT_EQ(f.owner, "alice");
    EXPECT_EQ(f.group, "4242");  // no such group in the tree: the number
  }
}

TEST(HostRoot, ReadRefusesWhatIsNotARegularFileAndLargeFiles) {
  HostTree t;
  t.socket("/run/docker.sock", 0660);
  t.file("/big", std::string(1000, 'x'));
  HostRoot r(t.root());
  EXPECT_EQ(r.read("/run/docker.sock").error().kind, core::ErrorKind::io);
  EXPECT_EQ(r.read("/run").error().kind, core::ErrorKind::io);
  EXPECT_EQ(r.read("/big", 999).error().kind, core::ErrorKind::io);
  EXPECT_EQ(r.read("/big", 1000).value().size(), 1000U);
}

TEST(HostRoot, LiveHostReadsPathsDirectly) {
  HostRoot r;
  EXPECT_TRUE(r.exists("/proc/self/status"));
  EXPECT_TRUE(r.read("/proc/self/status").has_value());
  const auto f = r.stat("/", "root");
  EXPECT_TRUE(f.exists);
  EXPECT_EQ(f.type, "directory");
  EXPECT_EQ(f.owner, "root");
}

/// Unreadable files map to `permission`. Root bypasses modes, so when running as root the
/// check runs in a child that drops to nobody.
TEST(HostRoot, PermissionDeniedIsAPermissionError) {
  HostTree t;
  t.file("/etc/docker/daemon.json", "{}", 0600);
  t.dir("/etc/private", 0700);
  t.file("/etc/private/x", "x", 0644);
  ::chmod(t.root().c_str(), 0755);
  auto probe = [&] {
    HostRoot r(t.root());
    const auto e = r.read("/etc/docker/daemon.json");
    const auto f = r.stat("/etc/private/x", "x");
    return !e && e.error().kind == core::ErrorKind::permission && !f.exists && !f.error.empty() &&
           f.error.find("/etc/private/x") != std::string::npos;
  };
  if (::geteuid() != 0) {
    EXPECT_TRUE(probe());
    return;
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    ::_exit(probe() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2 = could not drop privileges, 1 = wrong error mapping";
}

// ---------------------------------------------------------------------------------------
// A hostile root: links planted to reach this machine's files.

constexpr std::string_view k_canary = "CANARY-outside-the-root";

/// A tree whose links all aim at `outside` (a directory of this machine holding `canary`,
/// 0640, and `dir/canary`), by absolute and relative paths, and at each other in a loop.
void plant_escapes(const HostTree& t, const HostTree& outside) {
  const std::string out = outside.root();
  std::string up;  // enough "../" to climb from the tree's deepest link to this machine's "/"
  for (int i = 0; i < 16; ++i)
    up += "../";
  t.file("/etc/docker/daemon.json", "{\"in\":\"tree\"}", 0600);
  t.link("/etc/docker/abs.json", out + "/canary");
  t.link("/etc/docker/rel.json", up + out.substr(1) + "/canary");
  t.link("/etc/docker/dir", out + "/dir");
  t.link("/etc/docker/reldir", up + out.substr(1) + "/dir");
  t.link("/etc/shadow", out + "/canary");
  t.link("/etc/loop1", "loop2");
  t.link("/etc/loop2", "/etc/loop1");
  t.link("/etc/docker/through-loop", "/etc/loop1/canary");
}

TEST(HostRootHostile, LinksOutOfTheRootNeverReachThisMachine) {
  HostTree outside;
  outside.file("/canary", std::string(k_canary), 0640);
  outside.file("/dir/canary", std::string(k_canary), 0640);
  HostTree t;
  plant_escapes(t, outside);
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(t.root(), how);
    for (const std::string& path : std::vector<std::string>{"/etc/docker/abs.json", "/etc/docker/rel.json", "/etc/docker/dir/canary",
                                   "/etc/docker/reldir/canary", "/etc/shadow", "/etc/docker/through-loop",
                                   "/../../../../" + outside.root().substr(1) + "/canary"}) {
      SCOPED_TRACE(path);
      const auto got = r.read(path);
      ASSERT_FALSE(got) << *got;
      EXPECT_TRUE(got.error().kind == core::ErrorKind::not_found || got.error().kind == core::ErrorKind::io)
          << got.error().describe();
      EXPECT_FALSE(r.exists(path));
      // stat of the link names the link; through it, nothing.
      const auto f = r.stat(path + "/x", "x");
      EXPECT_FALSE(f.exists);
    }
    EXPECT_EQ(r.stat("/etc/shadow", "shadow").type, "symlink");
    EXPECT_FALSE(r.list("/etc/docker/dir"));
    EXPECT_EQ(r.read("/etc/docker/daemon.json").value(), "{\"in\":\"tree\"}");
    EXPECT_EQ(r.stat("/etc/docker/daemon.json", "daemon.json").mode, 0600U);
  }
}

/// A /proc in the root (a host tree mounted with its procfs, or a root that is a process's
/// /proc/PID directory) holds magic links: their targets are not text to resolve but
/// objects of this machine. The kernel resolver refuses them; the walk reads their text,
/// which names a path inside the root.
TEST(HostRootHostile, ProcMagicLinksInTheRootAreNotFollowed) {
  HostTree outside;
  outside.file("/canary", std::string(k_canary), 0644);
  const int held = ::open((outside.root() + "/canary").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  const std::string proc_dir = "/proc/" + std::to_string(::getpid());
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostRoot r(proc_dir, how);
    ASSERT_TRUE(r.read("/status"));  // an ordinary file of that root is read
    for (const std::string& path : std::vector<std::string>{"/fd/" + std::to_string(held), "/root" + outside.root() + "/canary",
                                   "/cwd/../../../../" + outside.root().substr(1) + "/canary", "/root/etc/hostname"}) {
      SCOPED_TRACE(path);
      const auto got = r.read(path);
      EXPECT_FALSE(got) << got.value_or("");
      EXPECT_FALSE(r.exists(path));
    }
    EXPECT_EQ(r.stat("/root", "root").type, "symlink");  // the link itself, not the machine's "/"
  }
  ::close(held);
}

/// While one thread reads a file of the root over and over, another swaps, atomically, a
/// directory on its path with a link to a directory outside holding a canary of the same
/// name. Whatever the interleaving, a read gives the file inside or fails; never the canary.
TEST(HostRootHostile, ALinkSwappedInDuringResolutionNeverLeadsOut) {
  HostTree outside;
  outside.file("/docker/daemon.json", std::string(k_canary));
  for (const auto how : k_resolvers) {
    SCOPED_TRACE(resolver_name(how));
    HostTree t;
    t.file("/etc/docker/daemon.json", "inside");
    t.link("/etc/swap", outside.root() + "/docker");
    HostRoot r(t.root(), how);
    std::atomic<bool> stop{false};
    std::thread swapper([&] {
      const std::string a = t.at("/etc/docker");
      const std::string b = t.at("/etc/swap");
      while (!stop.load()) {
        ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE);
      }
    });
    int inside = 0;
    int canary = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (std::chrono::steady_clock::now() < until) {
      for (int i = 0; i < 200; ++i) {
        const auto got = r.read("/etc/docker/daemon.json");
        if (got && *got == "inside") ++inside;
        if (got && got->find(k_canary) != std::string::npos) ++canary;
        const auto f = r.stat("/etc/docker/daemon.json", "daemon.json");
        if (f.exists && f.type != "file") ++canary;
      }
    }
    stop = true;
    swapper.join();
    EXPECT_EQ(canary, 0);
    EXPECT_GT(inside, 0);
  }
}

}  // namespace
}  // namespace drydock::collect
