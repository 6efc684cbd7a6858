// CIS 4.11 end to end: images built FROM scratch (busybox-static and stub package managers, so
// that the RUN steps really run) whose build history and files switch package signature checks
// off, and twins that do not; `drydock image` reads both from the engine, `drydock dockerfile`
// reads the Dockerfiles that built them.

#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "support.hpp"

namespace drydock_it {
namespace {

class TrustPackages : public ::testing::Test {
 protected:
  struct World {
    std::string label, tmp, unsigned_image, signed_image;
  };
  static World& world() {
    static World w;
    return w;
  }

  static Proc drydock(std::vector<std::string> args) {
    args.insert(args.begin(), DRYDOCK_BIN);
    return run(args, std::chrono::seconds(300));
  }

  /// A FROM scratch image: busybox-static, `apk`, `apt-get`, `rpm` and `pip` that only exit 0,
  /// the files given, then the RUN steps given. busybox's shell runs its own applets first, so
  /// the stub of `rpm` (an applet too) is called by its path.
  static void build(const fs::path& dir, const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files,
                    const std::vector<std::string>& runs) {
    const fs::path root = dir / "rootfs";
    fs::create_directories(root / "bin");
    fs::copy_file("/bin/busybox", root / "bin/busybox", fs::copy_options::overwrite_existing);
    for (const char* applet : {"sh", "true", "echo", "cat"})
      fs::create_symlink("busybox", root / "bin" / applet);
    for (const char* stub : {"apk", "apt-get", "rpm", "pip", "dnf"}) {
      write_file(root / "bin" / stub, "#!/bin/sh\nexit 0\n");
      fs::permissions(root / "bin" / stub, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                               fs::perms::others_read | fs::perms::others_exec);
    }
    for (const auto& [path, text] : files) {
      fs::create_directories((root / path).parent_path());
      write_file(root / path, text);
    }
    std::string dockerfile = "FROM scratch\nCOPY rootfs/ /\n";
    for (const auto& r : runs)
      dockerfile += "RUN " + r + "\n";
    write_file(dir / "Dockerfile", dockerfile);
    const auto p = run({"docker", "build", "-q", "--label", world().label, "-t", tag, dir.string()}, std::chrono::seconds(300));
    ASSERT_EQ(p.code, 0) << describe({"docker", "build", tag}, p);
  }

  static void SetUpTestSuite() {
    auto& w = world();
    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0) {
      if (in_ci()) FAIL() << "CI=true but no Docker Engine";
      GTEST_SKIP() << "no Docker Engine";
    }
    ASSERT_TRUE(fs::exists("/bin/busybox")) << "busybox-static is missing";
    const std::string id = std::to_string(getpid());
    w.label = "drydock.test=dd-trust-" + id;
    char tmpl[] = "/tmp/dd-trust-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    w.tmp = tmpl;
    w.unsigned_image = "dd-trust-unsigned:" + id;
    w.signed_image = "dd-trust-signed:" + id;
    build(fs::path(w.tmp) / "unsigned", w.unsigned_image,
          {{"etc/apt/sources.list", "deb [trusted=yes] http://repo.example/debian bookworm main\n"},
           {"etc/apt/apt.conf.d/99insecure", "APT::Get::AllowUnauthenticated \"true\";\n"},
           {"etc/yum.repos.d/local.repo", "[local]\nname=local\nbaseurl=http://repo.example/el9\ngpgcheck=0\n"},
           {"etc/pip.conf", "[global]\ntrusted-host = pypi.example\n"}},
          {"apk add --allow-untrusted /tmp/local.apk", "apt-get install -y --allow-unauthenticated curl",
           "/bin/rpm -ivh --nosignature /tmp/local.rpm", "pip install --trusted-host pypi.example flask==3.0.0"});
    build(fs::path(w.tmp) / "signed", w.signed_image,
          {{"etc/apt/sources.list", "deb [signed-by=/usr/share/keyrings/debian.gpg] http://deb.debian.org/debian bookworm main\n"},
           {"etc/apt/apt.conf.d/99retries", "Acquire::Retries \"3\";\n"},
           {"etc/yum.repos.d/local.repo", "[local]\nname=local\nbaseurl=http://repo.example/el9\ngpgcheck=1\n"},
           {"etc/pip.conf", "[global]\ntimeout = 60\n"}},
          {"apk add --no-cache curl=8.5.0-r0", "apt-get install -y curl=7.88.1-10", "/bin/rpm -ivh /tmp/local.rpm",
           "pip install --no-cache-dir flask==3.0.0"});
  }

  static void TearDownTestSuite() {
    auto& w = world();
    remove_labelled_images(w.label);
    std::error_code ec;
    if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
  }

  void SetUp() override {
    if (world().signed_image.empty()) GTEST_SKIP() << "set-up did not complete";
  }

  /// The one result of `id` for `args` (a JSON report), as {status, evidence}.
  static std::pair<std::string, std::string> result(std::vector<std::string> args, const std::string& id) {
    args.insert(args.end(), {"--format", "json", "--fail-on", "none", "--only", id});
    const auto p = drydock(args);
    EXPECT_EQ(p.code, 0) << describe(args, p);
    const auto report = parse_json(p.out).value_or(json::object());
    for (const auto& r : report.value("results", json::array())) {
      if (r.value("id", "") == id) return {r.value("status", ""), r.value("evidence", "")};
    }
    ADD_FAILURE() << "no result for " << id << ": " << p.out.substr(0, 2000);
    return {};
  }
};

TEST_F(TrustPackages, ImageHistoryAndFilesThatSkipSignaturesFail) {
  const auto [status, evidence] = result({"image", world().unsigned_image}, "image.unverified-packages");
  EXPECT_EQ(status, "fail") << evidence;
  for (const char* expected :
       {"apk --allow-untrusted", "apt-get --allow-unauthenticated", "rpm --nosignature", "pip --trusted-host",
        "/etc/apt/sources.list:1: [trusted=yes]", "/etc/apt/apt.conf.d/99insecure:1: APT::Get::AllowUnauthenticated \"true\"",
        "/etc/yum.repos.d/local.repo:4: gpgcheck=0 in [local]", "/etc/pip.conf:2: trusted-host = pypi.example in [global]"})
    EXPECT_NE(evidence.find(expected), std::string::npos) << expected << " not in: " << evidence;
}

TEST_F(TrustPackages, ImageWithSignedSourcesPasses) {
  const auto [status, evidence] = result({"image", world().signed_image}, "image.unverified-packages");
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("4 package-manager configuration files"), std::string::npos) << evidence;
}

TEST_F(TrustPackages, DockerfilesThatBuiltThemAreLinted) {
  const fs::path tmp = world().tmp;
  auto [status, evidence] = result({"dockerfile", (tmp / "unsigned" / "Dockerfile").string()}, "dockerfile.unverified-packages");
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("line 3: apk --allow-untrusted"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("line 6: pip --trusted-host"), std::string::npos) << evidence;
  std::tie(status, evidence) =
      result({"dockerfile", (tmp / "signed" / "Dockerfile").string()}, "dockerfile.unverified-packages");
  EXPECT_EQ(status, "pass") << evidence;
}

}  // namespace
}  // namespace drydock_it
