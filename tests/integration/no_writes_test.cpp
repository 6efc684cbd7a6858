// drydock opens nothing for writing except its --output file and the database it was told
// to use. Every subcommand runs under `strace -f`, which records each open and each system
// call that changes the file system; an open for writing (O_WRONLY, O_RDWR, O_CREAT,
// O_TRUNC, O_APPEND, O_TMPFILE) or a mutation (rename, unlink, mkdir, link, chmod, ...) of
// any other path is a failure. The database may bring its -journal, -wal and -shm siblings,
// and its missing parent directories may be created; /dev/null-like devices are harmless.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "../unit/collect/host_tree.hpp"
#include "../unit/collect/image_tar.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
namespace img = drydock::collect::image::test;

const std::string k_syscalls =
    "open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,link,linkat,symlink,"
    "symlinkat,truncate,ftruncate,chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,mknod,mknodat,utimensat,utimes,"
    "futimesat,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr";

const std::set<std::string> k_opens = {"open", "openat", "openat2", "creat"};
const std::set<std::string> k_harmless_devices = {"/dev/null", "/dev/tty", "/dev/stdout", "/dev/stderr"};

/// What may be written in one run: exact paths (--output, --db and its siblings); the
/// directories above them may be made (mkdir), nothing else.
struct Allowed {
  std::vector<std::string> files;
};

/// One system call of the trace that writes, or an open for writing.
struct Write {
  std::string line;
  std::string call;
  std::vector<std::string> paths;
};

std::string absolute(const std::string& base, const std::string& path) {
  if (path.starts_with('/')) return fs::path(path).lexically_normal().string();
  return (fs::path(base) / path).lexically_normal().string();
}

/// The writes of a trace made with `strace -f -y`: the paths of their arguments, made
/// absolute against the directory strace printed with their descriptor (AT_FDCWD<cwd>).
std::vector<Write> writes_in(const std::string& trace, std::size_t& calls) {
  static const std::regex k_call(R"(^\d+\s+(\w+)\((.*))");
  static const std::regex k_path(R"((?:(?:AT_FDCWD|\d+)<([^>]*)>,\s*)?"((?:[^"\\]|\\.)*)\")");
  static const std::regex k_fd_only(R"(^\d+<([^>]*)>)");
  std::vector<Write> out;
  calls = 0;
  for (const auto& line : lines(trace)) {
    std::smatch m;
    if (!std::regex_search(line, m, k_call)) continue;  // signals, "resumed" halves
    ++calls;
    const std::string name = m[1];
    const std::string args = m[2];
    if (k_opens.count(name) != 0) {
      const bool writing = name == "creat" || args.find("O_WRONLY") != std::string::npos ||
                           args.find("O_RDWR") != std::string::npos || args.find("O_CREAT") != std::string::npos ||
                           args.find("O_TRUNC") != std::string::npos || args.find("O_APPEND") != std::string::npos ||
                           args.find("O_TMPFILE") != std::string::npos;
      if (!writing) continue;
    }
    Write w{line, name, {}};
    for (auto it = std::sregex_iterator(args.begin(), args.end(), k_path); it != std::sregex_iterator(); ++it) {
      w.paths.push_back(absolute((*it)[1].matched ? (*it)[1].str() : "/", (*it)[2]));
    }
    if (w.paths.empty()) {  // ftruncate, fchmod, fchown, fsetxattr: the descriptor's path
      std::smatch fd;
      if (std::regex_search(args, fd, k_fd_only)) w.paths.push_back(fd[1]);
    }
    out.push_back(std::move(w));
  }
  return out;
}

bool allowed(const Write& w, const std::string& path, const Allowed& a) {
  if (k_harmless_devices.count(path) != 0) return true;
  if (std::find(a.files.begin(), a.files.end(), path) != a.files.end()) return true;
  if (w.call != "mkdir" && w.call != "mkdirat") return false;
  return std::any_of(a.files.begin(), a.files.end(), [&](const std::string& f) { return f.starts_with(path + "/"); });
}

struct Traced {
  Proc proc;
  std::vector<Write> writes;
  std::size_t calls = 0;
  std::string trace_text;
};

/// `argv` under strace; the trace lands in its own directory, which nothing else uses.
Traced traced(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}) {
  char templ[] = "/tmp/drydock-strace-XXXXXX";
  const char* made = ::mkdtemp(templ);
  Traced t;
  if (made == nullptr) return t;
  const std::string trace = std::string(made) + "/trace";
  std::vector<std::string> cmd{"strace", "-f", "-qq", "-y", "-s", "4096", "-o", trace, "-e", "trace=" + k_syscalls};
  for (const auto& e : env) {
    cmd.push_back("-E");
    cmd.push_back(e);
  }
  cmd.emplace_back("--");
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  t.proc = run(cmd, std::chrono::seconds(300));
  std::ifstream in(trace);
  t.trace_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  t.writes = writes_in(t.trace_text, t.calls);
  std::error_code ec;
  fs::remove_all(made, ec);
  return t;
}

/// Runs drydock with `args` under strace and fails on any write outside `a`.
Traced expect_no_stray_writes(const std::vector<std::string>& args, const Allowed& a, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{DRYDOCK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string what;
  for (const auto& x : args)
    what += x + " ";
  SCOPED_TRACE("drydock " + what);
  auto t = traced(argv, env);
  EXPECT_FALSE(t.proc.timed_out);
  EXPECT_GE(t.proc.code, 0) << t.proc.err;
  EXPECT_LE(t.proc.code, 1) << describe(argv, t.proc);
  // The trace saw the run: at least the loader's and drydock's own opens.
  EXPECT_GT(t.calls, 10U) << t.trace_text.substr(0, 2000);
  for (const auto& w : t.writes) {
    for (const auto& p : w.paths)
      EXPECT_TRUE(allowed(w, p, a)) << "writes " << p << ":\n" << w.line;
  }
  return t;
}

/// A directory of its own, removed at the end; at("/name") is a path in it.
using Scratch = drydock::test::HostTree;

const std::string k_label = "drydock-it-nowrites";

/// An engine image (`docker import` of one static file), a container created from it and the
/// `docker save` tarball of the image, made once for the suite.
struct Engine {
  Scratch scratch;
  std::string image;
  std::string container;
  std::string tarball;
  std::string problem;
};

Engine& engine() {
  static Engine* e = [] {
    auto* x = new Engine;
    const std::string suffix = std::to_string(::getpid());
    x->image = k_label + ":" + suffix;
    x->container = k_label + "-" + suffix;
    const std::string rootfs = x->scratch.at("/rootfs.tar");
    write_file(rootfs, img::tar({img::dir("etc/"), img::file("etc/os-release", "ID=nowrites\n"), img::file("hello", "hi")}));
    auto p = run({"docker", "import", "--change", "LABEL " + k_label + "=1", "--change", "CMD [\"/hello\"]", rootfs, x->image});
    if (p.code != 0) {
      x->problem = "docker import: " + p.err;
      return x;
    }
    p = run({"docker", "create", "--label", k_label + "=1", "--name", x->container, x->image});
    if (p.code != 0) x->problem = "docker create: " + p.err;
    x->tarball = x->scratch.at("/image.tar");
    p = run({"docker", "save", "-o", x->tarball, x->image});
    if (p.code != 0) x->problem = "docker save: " + p.err;
    return x;
  }();
  return *e;
}

class NoWrites : public ::testing::Test {
 public:
  static void TearDownTestSuite() {
    run({"docker", "rm", "-f", engine().container});
    remove_labelled_images(k_label);
  }
};

TEST_F(NoWrites, TheDetectorSeesAWrite) {
  // The same trace over a command that does write: the write is found, with its path.
  Scratch s;
  const std::string target = s.at("/written");
  const auto t = traced({"sh", "-c", "echo x > " + target + " && mv " + target + " " + target + ".2"});
  ASSERT_EQ(t.proc.code, 0) << t.proc.err;
  std::set<std::string> seen;
  for (const auto& w : t.writes)
    seen.insert(w.paths.begin(), w.paths.end());
  EXPECT_EQ(seen.count(target), 1U);
  EXPECT_EQ(seen.count(target + ".2"), 1U);
  int refused = 0;
  for (const auto& w : t.writes) {
    for (const auto& p : w.paths) {
      if (p.starts_with(target)) {
        EXPECT_FALSE(allowed(w, p, Allowed{{s.at("/other")}})) << w.line;
        ++refused;
      }
    }
  }
  EXPECT_GE(refused, 2);
}

TEST_F(NoWrites, HostAgainstTheEngine) {
  Scratch s;
  const std::string out = s.at("/report.json");
  expect_no_stray_writes({"host", "--format", "json", "--output", out}, {{out}});
  EXPECT_TRUE(fs::exists(out));
}

TEST_F(NoWrites, HostUnderARoot) {
  drydock::test::HostTree tree;
  drydock::test::build_acceptance_host(tree);
  Scratch s;
  const std::string out = s.at("/report.sarif");
  expect_no_stray_writes({"host", "--root", tree.root(), "--no-engine", "--format", "sarif", "--output", out}, {{out}},
                         {"DOCKER_HOST=unix:///nonexistent/docker.sock"});
  EXPECT_TRUE(fs::exists(out));
}

TEST_F(NoWrites, ContainerAndEngineImage) {
  ASSERT_EQ(engine().problem, "");
  Scratch s;
  const std::string out = s.at("/report.html");
  expect_no_stray_writes({"container", engine().container, "--format", "html", "--output", out}, {{out}});
  EXPECT_TRUE(fs::exists(out));
  const std::string img_out = s.at("/image.json");
  expect_no_stray_writes({"image", engine().image, "--format", "json", "--output", img_out}, {{img_out}});
  EXPECT_TRUE(fs::exists(img_out));
}

TEST_F(NoWrites, ImageTarballToStdout) {
  ASSERT_EQ(engine().problem, "");
  const auto t = expect_no_stray_writes({"image", engine().tarball, "--format", "json"}, {{}});
  EXPECT_NE(t.proc.out.find("\"schema\""), std::string::npos) << t.proc.err;
}

TEST_F(NoWrites, DockerfileAndCompose) {
  Scratch s;
  const std::string sarif = s.at("/dockerfile.sarif");
  expect_no_stray_writes(
      {"dockerfile", std::string(DRYDOCK_TEST_DATA) + "/dockerfiles/cli", "--format", "sarif", "--output", sarif}, {{sarif}});
  EXPECT_TRUE(fs::exists(sarif));
  const std::string html = s.at("/compose.html");
  expect_no_stray_writes({"compose", std::string(DRYDOCK_TEST_DATA) + "/compose/project", "--format", "html", "--output", html},
                         {{html}});
  EXPECT_TRUE(fs::exists(html));
}

TEST_F(NoWrites, HardenWritesOnlyItsOverrideFile) {
  Scratch s;
  const std::string base = s.at("/compose.yaml");
  fs::copy_file(std::string(DRYDOCK_TEST_DATA) + "/harden/compose.yaml", base);
  const std::string override = s.at("/drydock.override.yaml");
  expect_no_stray_writes({"harden", "compose", base, "-o", override}, {{override}});
  EXPECT_TRUE(fs::exists(override));
  ASSERT_EQ(engine().problem, "");
  const auto t = expect_no_stray_writes({"harden", "container", engine().container}, {{}});
  EXPECT_NE(t.proc.out.find("docker run"), std::string::npos) << t.proc.err;
}

TEST_F(NoWrites, DatabaseImportWritesOnlyTheDatabaseAndInfoOnlyReadsIt) {
  ASSERT_EQ(engine().problem, "");
  Scratch s;
  const std::string parent = s.at("/made/by/drydock");
  const std::string db = parent + "/vuln.db";
  const Allowed db_files{{db, db + "-journal", db + "-wal", db + "-shm"}};
  // XDG_CACHE_HOME points at a directory that must stay untouched: --db wins.
  const std::string cache = s.at("/cache");
  const std::vector<std::string> env{"XDG_CACHE_HOME=" + cache};
  auto t = expect_no_stray_writes({"db", "import", std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb", "--db", db}, db_files, env);
  EXPECT_TRUE(fs::exists(db)) << t.proc.err;
  EXPECT_FALSE(fs::exists(cache));

  t = expect_no_stray_writes({"db", "info", "--db", db}, {{}}, env);
  EXPECT_NE(t.proc.out.find("advisories:"), std::string::npos) << t.proc.out << t.proc.err;
  EXPECT_TRUE(t.writes.empty()) << t.writes.front().line;

  const std::string out = s.at("/vulns.json");
  t = expect_no_stray_writes({"image", engine().tarball, "--vulns", "--db", db, "--format", "json", "--output", out},
                             {{out, db, db + "-journal", db + "-wal", db + "-shm"}}, env);
  EXPECT_TRUE(fs::exists(out));
}

}  // namespace
