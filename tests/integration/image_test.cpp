// `drydock image` against real images: built with `docker build` FROM scratch (a busybox
// rootfs, a setuid file, a private key added in one layer and removed in the next, dpkg and apk
// databases, ...), read from the engine and from `docker save`; the same findings from both.
// A clean image passes every check. Images are labelled drydock.test=it-image-<pid> and removed.

#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "support.hpp"

namespace drydock_it {
namespace {

const std::vector<std::string> k_image_checks = {
    "image.user-root",         "image.healthcheck",    "image.update-alone",    "image.setuid-files", "image.add-instruction",
    "image.secrets-in-config", "image.secret-files",   "image.deleted-secrets", "image.exposes-ssh",  "image.latest-or-untagged",
    "image.layer-integrity",   "image.world-writable", "image.git-directory",   "image.sshd",         "image.package-cache"};

std::string data_file(const std::string& rel) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/" + rel, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string fmt_layer(std::size_t number, const std::string& digest) { return "layer " + std::to_string(number) + " " + digest; }

struct Outcome {
  std::string status;
  std::string evidence;
};

/// check id -> outcome for one image subject of a JSON report.
std::map<std::string, Outcome> outcomes(const json& report) {
  std::map<std::string, Outcome> out;
  for (const auto& r : report["results"])
    out[r["id"].get<std::string>()] = {r["status"].get<std::string>(), r["evidence"].get<std::string>()};
  return out;
}

class ImageCommand : public ::testing::Test {
 protected:
  struct Images {
    std::string label, tmp, dirty, clean, setuid_shipped, setuid_shell;
    std::string dirty_tar, clean_tar, tampered_tar;
    bool ready = false;
  };
  static Images& images() {
    static Images i;
    return i;
  }

  static Proc drydock(std::vector<std::string> args) {
    args.insert(args.begin(), DRYDOCK_BIN);
    return run(args, std::chrono::seconds(300));
  }

  static json report(const std::string& target) {
    const auto p = drydock({"image", target, "--format", "json", "--fail-on", "none", "--quiet"});
    EXPECT_EQ(p.code, 0) << describe({"drydock", "image", target}, p);
    auto j = parse_json(p.out);
    EXPECT_TRUE(j.has_value()) << p.out.substr(0, 400) << p.err;
    return j.value_or(json::object());
  }

  static void build(const fs::path& ctx, const std::string& tag) {
    const auto p = run({"docker", "build", "-q", "--label", images().label, "-t", tag, ctx.string()}, std::chrono::seconds(300));
    ASSERT_EQ(p.code, 0) << describe({"docker", "build", tag}, p);
  }

  static void rootfs(const fs::path& root) {
    fs::create_directories(root / "bin");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    fs::create_symlink("busybox", root / "bin/sh");
  }

  static void SetUpTestSuite() {
    auto& w = images();
    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0 || !fs::exists("/bin/busybox")) {
      if (in_ci()) FAIL() << "CI=true but no engine or no /bin/busybox";
      GTEST_SKIP() << "no Docker Engine or no busybox-static";
    }
    const std::string id = "it-image-" + std::to_string(getpid());
    w.label = "drydock.test=" + id;
    char tmpl[] = "/tmp/drydock-it-image-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    w.tmp = tmpl;
    const fs::path tmp = w.tmp;

    // Dirty: every check has something to find.
    const fs::path d = tmp / "dirty";
    rootfs(d / "rootfs");
    fs::create_directories(d / "rootfs/var/lib/dpkg");
    fs::create_directories(d / "rootfs/lib/apk/db");
    fs::create_directories(d / "rootfs/etc");
    fs::create_directories(d / "rootfs/app/.git");
    fs::create_directories(d / "rootfs/usr/sbin");
    fs::create_directories(d / "rootfs/var/cache/apt/archives");
    fs::create_directories(d / "rootfs/home/app/.aws");
    write_file(d / "rootfs/var/lib/dpkg/status", data_file("packages/dpkg-status"));
    write_file(d / "rootfs/lib/apk/db/installed", data_file("packages/apk-installed"));
    write_file(d / "rootfs/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
    write_file(d / "rootfs/app/.git/HEAD", "ref: refs/heads/main\n");
    write_file(d / "rootfs/app/marker", "TAMPER-ME-ORIGINAL\n");
    write_file(d / "rootfs/var/cache/apt/archives/curl_7.88_amd64.deb", std::string(4096, 'd'));
    write_file(d / "rootfs/home/app/.aws/credentials", data_file("secrets/home/.aws/credentials"));
    fs::copy_file("/bin/busybox", d / "rootfs/usr/sbin/sshd");
    write_file(d / "id_ed25519", data_file("secrets/keys/id_ed25519"));
    write_file(d / "notes.txt", "added with ADD\n");
    write_file(d / "Dockerfile",
               "FROM scratch\n"
               "COPY rootfs/ /\n"
               "ENV DB_PASSWORD=s3cr3t-hunter2-value\n"
               "EXPOSE 22/tcp\n"
               "ADD notes.txt /notes.txt\n"
               "RUN apt-get update || true\n"
               "RUN /bin/busybox cp /bin/busybox /bin/su && /bin/busybox chmod 4755 /bin/su && "
               "/bin/busybox mkdir -p /srv/drop && /bin/busybox chmod 0777 /srv/drop\n"
               "COPY id_ed25519 /root/.ssh/id_ed25519\n"
               "RUN /bin/busybox rm /root/.ssh/id_ed25519\n"
               "CMD [\"/bin/sh\"]\n");
    w.dirty = "drydock-it/image-dirty:" + id;
    ASSERT_NO_FATAL_FAILURE(build(d, w.dirty));

    // Clean: nothing to find.
    const fs::path c = tmp / "clean";
    rootfs(c / "rootfs");
    // Its root filesystem is unpacked from a tarball with ADD, as base images are made: the one
    // thing COPY cannot do, so CIS 4.9 passes (its layer holds more than one file).
    ASSERT_EQ(run({"tar", "-C", (c / "rootfs").string(), "-cf", (c / "rootfs.tar").string(), "."}).code, 0);
    write_file(c / "Dockerfile",
               "FROM scratch\n"
               "ADD rootfs.tar /\n"
               "USER 10001\n"
               "HEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\n"
               "CMD [\"/bin/sh\"]\n");
    w.clean = "drydock-it/image-clean:" + id;
    ASSERT_NO_FATAL_FAILURE(build(c, w.clean));

    // Setuid: a setuid file a package's dpkg file list names (info, naming the package); then
    // the same with busybox itself made setuid, which no package owns (warn: a root shell).
    const fs::path su = tmp / "setuid";
    rootfs(su / "rootfs");
    fs::create_directories(su / "rootfs/usr/bin");
    fs::create_directories(su / "rootfs/var/lib/dpkg/info");
    fs::copy_file("/bin/busybox", su / "rootfs/usr/bin/passwd");
    write_file(su / "rootfs/var/lib/dpkg/status",
               "Package: passwd\nStatus: install ok installed\nVersion: 1:4.13+dfsg1-1\nArchitecture: amd64\n");
    write_file(su / "rootfs/var/lib/dpkg/info/passwd.list", "/.\n/usr\n/usr/bin\n/usr/bin/passwd\n");
    write_file(su / "Dockerfile",
               "FROM scratch\n"
               "COPY rootfs/ /\n"
               "RUN /bin/busybox chmod 4755 /usr/bin/passwd\n");
    w.setuid_shipped = "drydock-it/image-setuid-shipped:" + id;
    ASSERT_NO_FATAL_FAILURE(build(su, w.setuid_shipped));
    write_file(su / "Dockerfile",
               "FROM " + w.setuid_shipped + "\n"
               "RUN /bin/busybox chmod 4755 /bin/busybox\n");
    w.setuid_shell = "drydock-it/image-setuid-shell:" + id;
    ASSERT_NO_FATAL_FAILURE(build(su, w.setuid_shell));

    w.dirty_tar = (tmp / "dirty.tar").string();
    w.clean_tar = (tmp / "clean.tar").string();
    ASSERT_EQ(run({"docker", "save", "-o", w.dirty_tar, w.dirty}).code, 0);
    ASSERT_EQ(run({"docker", "save", "-o", w.clean_tar, w.clean}).code, 0);

    // The same tarball with one file's bytes changed inside its layer: tar headers still
    // check out, the layer's digest does not.
    std::ifstream in(w.dirty_tar, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = bytes.find("TAMPER-ME-ORIGINAL");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, 18, "TAMPER-ME-MODIFIED");
    w.tampered_tar = (tmp / "tampered.tar").string();
    std::ofstream(w.tampered_tar, std::ios::binary) << bytes;
    w.ready = true;
  }

  static void TearDownTestSuite() {
    auto& w = images();
    if (w.label.empty()) return;
    remove_labelled_images(w.label);
    std::error_code ec;
    if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
  }

  void SetUp() override {
    if (!images().ready) GTEST_SKIP() << "images not built";
  }
};

TEST_F(ImageCommand, DirtyImageFailsEveryCheckFromBothSources) {
  const auto& w = images();
  for (const auto& target : {w.dirty, w.dirty_tar}) {
    SCOPED_TRACE(target);
    const auto r = report(target);
    const auto o = outcomes(r);
    for (const auto& id : k_image_checks) {
      if (id == "image.layer-integrity" || id == "image.latest-or-untagged") continue;
      ASSERT_TRUE(o.contains(id)) << id;
      // 4.8 is a Manual control: a setuid file no package owns (the busybox copied to /bin/su) warns.
      EXPECT_EQ(o.at(id).status, id == "image.setuid-files" ? "warn" : "fail") << id << ": " << o.at(id).evidence;
    }
    EXPECT_EQ(o.at("image.layer-integrity").status, "pass") << o.at("image.layer-integrity").evidence;
    EXPECT_NE(o.at("image.setuid-files").evidence.find("/bin/su (setuid 4755 uid 0 gid 0, no package owns it)"),
              std::string::npos)
        << o.at("image.setuid-files").evidence;
    EXPECT_NE(o.at("image.world-writable").evidence.find("/srv/drop (directory 0777)"), std::string::npos);
    EXPECT_NE(o.at("image.secret-files").evidence.find("/home/app/.aws/credentials"), std::string::npos);
    EXPECT_NE(o.at("image.deleted-secrets").evidence.find("/root/.ssh/id_ed25519: OpenSSH private key"), std::string::npos);
    // The layer named is the one the COPY made: the last but one (the last is the rm).
    const auto layers = parse_json(run({"docker", "image", "inspect", "--format", "{{json .RootFS.Layers}}", w.dirty}).out);
    ASSERT_TRUE(layers && layers->size() >= 2);
    const std::string key_layer = fmt_layer(layers->size() - 1, (*layers)[layers->size() - 2].get<std::string>());
    EXPECT_NE(o.at("image.deleted-secrets").evidence.find("still in " + key_layer), std::string::npos)
        << o.at("image.deleted-secrets").evidence << " / expected " << key_layer;
    EXPECT_NE(o.at("image.update-alone").evidence.find("`apt-get update` without an install"), std::string::npos);
    EXPECT_NE(o.at("image.add-instruction").evidence.find("ADD file:"), std::string::npos);
    EXPECT_NE(o.at("image.git-directory").evidence.find("/app/.git"), std::string::npos);
    EXPECT_NE(o.at("image.sshd").evidence.find("/usr/sbin/sshd"), std::string::npos);
    EXPECT_NE(o.at("image.package-cache").evidence.find("apt: 1 files"), std::string::npos);
    EXPECT_NE(o.at("image.secrets-in-config").evidence.find("DB_PASSWORD="), std::string::npos);

    ASSERT_EQ(r["packages"].size(), 1U);
    const auto& p = r["packages"][0];
    EXPECT_EQ(p["os"]["id"], "debian");
    EXPECT_EQ(p["os"]["version_codename"], "bookworm");
    std::set<std::string> managers;
    for (const auto& pkg : p["packages"])
      managers.insert(pkg["manager"].get<std::string>());
    EXPECT_EQ(managers, (std::set<std::string>{"apk", "dpkg"}));
  }
}

TEST_F(ImageCommand, SetuidFilesAPackageShipsAreInfoAShellIsAWarning) {
  const auto shipped = outcomes(report(images().setuid_shipped)).at("image.setuid-files");
  EXPECT_EQ(shipped.status, "info") << shipped.evidence;
  EXPECT_EQ(shipped.evidence, "1 file: /usr/bin/passwd (setuid 4755 uid 0 gid 0, package passwd)");
  const auto shell = outcomes(report(images().setuid_shell)).at("image.setuid-files");
  EXPECT_EQ(shell.status, "warn") << shell.evidence;
  EXPECT_EQ(shell.evidence,
            "1 of 2 setuid/setgid files: /bin/busybox (setuid 4755 uid 0 gid 0; a multi-call binary: a root shell for "
            "anyone); shipped by packages: /usr/bin/passwd (setuid 4755 uid 0 gid 0, package passwd)");
}

TEST_F(ImageCommand, EngineAndTarballAgree) {
  const auto& w = images();
  const auto from_engine = report(w.dirty);
  const auto from_tar = report(w.dirty_tar);
  const auto a = outcomes(from_engine);
  const auto b = outcomes(from_tar);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [id, o] : a) {
    EXPECT_EQ(o.status, b.at(id).status) << id;
    // History steps are numbered the same, layers named by the same digests.
    EXPECT_EQ(o.evidence, b.at(id).evidence) << id;
  }
  EXPECT_EQ(from_engine["packages"][0]["packages"], from_tar["packages"][0]["packages"]);
  EXPECT_EQ(from_engine["results"][0]["subject"]["id"], from_tar["results"][0]["subject"]["id"]);
}

TEST_F(ImageCommand, CleanImagePassesFromBothSources) {
  const auto& w = images();
  for (const auto& target : {w.clean, w.clean_tar}) {
    SCOPED_TRACE(target);
    const auto o = outcomes(report(target));
    for (const auto& id : k_image_checks) {
      ASSERT_TRUE(o.contains(id)) << id;
      EXPECT_EQ(o.at(id).status, "pass") << id << ": " << o.at(id).evidence;
    }
    EXPECT_NE(o.at("image.add-instruction").evidence.find("history step 1: ADD "), std::string::npos)
        << o.at("image.add-instruction").evidence;
    EXPECT_NE(o.at("image.add-instruction").evidence.find("archive"), std::string::npos)
        << o.at("image.add-instruction").evidence;
  }
}

TEST_F(ImageCommand, TamperedTarballIsReported) {
  const auto o = outcomes(report(images().tampered_tar));
  EXPECT_EQ(o.at("image.layer-integrity").status, "fail");
  EXPECT_NE(o.at("image.layer-integrity").evidence.find("rootfs.diff_ids says"), std::string::npos)
      << o.at("image.layer-integrity").evidence;
}

TEST_F(ImageCommand, UnreadableTargetsAreErrorsWithExitThree) {
  const auto missing = drydock({"image", "drydock-it/no-such-image:0", "--format", "json", "--quiet"});
  EXPECT_EQ(missing.code, 3) << missing.err;
  EXPECT_NE(missing.err.find("no-such-image"), std::string::npos) << missing.err;
  const auto garbage = fs::path(images().tmp) / "garbage.tar";
  write_file(garbage, std::string(10000, 'x'));
  const auto bad = drydock({"image", garbage.string(), "--quiet"});
  EXPECT_EQ(bad.code, 3);
  // One good and one bad target: the good one is audited, the bad one is an error result, and
  // the exit code says a named image could not be read, whatever --fail-on.
  const auto mixed = drydock({"image", images().clean_tar, garbage.string(), "--format", "json", "--fail-on", "none", "--quiet"});
  EXPECT_EQ(mixed.code, 3) << mixed.err;
  auto j = parse_json(mixed.out);
  ASSERT_TRUE(j.has_value());
  EXPECT_GT((*j)["summary"]["error"].get<int>(), 0);
}

}  // namespace
}  // namespace drydock_it
