/// Image checks over real `docker image inspect` fixtures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/parse/run_scripts.hpp"
#include "support.hpp"

namespace drydock::checks {
namespace {

using core::Status;
using test::image;
using test::run;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ImageUserRoot, DefaultUserFails) {
  const auto f = run("image.user-root", image("image-busybox.json"));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("Config.User=\"\" (defaults to root)"));
  model::ImageSpec img;
  img.user = "0:0";
  EXPECT_EQ(run("image.user-root", img).status, Status::fail);
  img.user = "root";
  EXPECT_EQ(run("image.user-root", img).status, Status::fail);
}

TEST(ImageUserRoot, UnprivilegedUserPasses) {
  const auto f = run("image.user-root", image("image-hardened.json"));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("Config.User=1000:1000"));
  model::ImageSpec img;
  img.user = "nginx";
  EXPECT_EQ(run("image.user-root", img).status, Status::pass);
}

TEST(ImageHealthcheck, Present) {
  const auto f = run("image.healthcheck", image("image-hardened.json"));
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr(R"(Config.Healthcheck.Test=["CMD","/bin/sh","-c","exit 0"])"));
}

TEST(ImageHealthcheck, AbsentOrDisabled) {
  EXPECT_EQ(run("image.healthcheck", image("image-busybox.json")).status, Status::fail);
  model::ImageSpec img;
  img.healthcheck = model::Healthcheck{{"NONE"}};
  const auto f = run("image.healthcheck", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("HEALTHCHECK NONE"));
  img.healthcheck = model::Healthcheck{};
  EXPECT_EQ(run("image.healthcheck", img).status, Status::fail);
}

model::ImageSpec with_files(std::vector<model::ImageFile> files) {
  model::ImageSpec img;
  auto content = std::make_shared<model::ImageContent>();
  content->layers.push_back(model::ImageLayer{"sha256:aaaa1111bbbb2222cccc", "sha256:d1", "gzip", 10, 1, ""});
  content->layers.push_back(model::ImageLayer{"sha256:eeee3333ffff4444aaaa", "sha256:d2", "gzip", 10, 1, ""});
  content->files = std::move(files);
  img.content = std::move(content);
  return img;
}

model::ImageFile file(std::string path, std::uint32_t mode, model::FileType type = model::FileType::regular) {
  return model::ImageFile{std::move(path), type, mode, 0, 0, 100, "", 0, ""};
}

TEST(ImageContentChecks, SkipWhenLayersWereNotRead) {
  for (const char* id : {"image.layer-integrity", "image.setuid-files", "image.world-writable", "image.secret-files",
                         "image.deleted-secrets", "image.git-directory", "image.sshd", "image.package-cache"}) {
    const auto f = run(id, image("image-busybox.json"));
    EXPECT_EQ(f.status, Status::skip) << id;
    EXPECT_THAT(f.evidence, HasSubstr("layers were not read")) << id;
  }
  for (const char* id : {"image.update-alone", "image.add-instruction"}) {
    EXPECT_EQ(run(id, image("image-busybox.json")).status, Status::skip) << id;
  }
}

model::ImageFile owned(std::string path, std::uint32_t mode, std::string package) {
  auto f = file(std::move(path), mode);
  f.package = std::move(package);
  return f;
}

TEST(ImageSetuidFiles, WhatPackagesShipIsInfoNamingThePackage) {
  // CIS 4.8 is a Manual control: what the distribution ships is evidence for a person (info).
  auto f = run("image.setuid-files", with_files({owned("/bin/su", 04755, "login"), owned("/usr/bin/wall", 02755, "bsdutils"),
                                                 file("/bin/ls", 0755)}));
  EXPECT_EQ(f.status, Status::info);
  EXPECT_THAT(f.evidence, HasSubstr("2 files: "));
  EXPECT_THAT(f.evidence, HasSubstr("/bin/su (setuid 4755 uid 0 gid 0, package login)"));
  EXPECT_THAT(f.evidence, HasSubstr("/usr/bin/wall (setgid 2755 uid 0 gid 0, package bsdutils)"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/bin/ls")));
  EXPECT_EQ(
      run("image.setuid-files", with_files({file("/bin/ls", 0755), file("/tmp", 01777, model::FileType::directory)})).status,
      Status::pass);
}

TEST(ImageSetuidFiles, AFileNoPackageOwnsWarns) {
  auto f = run("image.setuid-files", with_files({owned("/bin/su", 04755, "login"), file("/usr/local/bin/helper", 04755)}));
  EXPECT_EQ(f.status, Status::warn);
  EXPECT_THAT(f.evidence, HasSubstr("1 of 2 setuid/setgid files: /usr/local/bin/helper (setuid 4755 uid 0 gid 0, no package owns it)"));
  EXPECT_THAT(f.evidence, HasSubstr("shipped by packages: /bin/su (setuid 4755 uid 0 gid 0, package login)"));
  // setgid alone counts too.
  EXPECT_EQ(run("image.setuid-files", with_files({file("/opt/tool", 02755)})).status, Status::warn);
}

TEST(ImageSetuidFiles, AShellInterpreterOrMultiCallBinaryWarnsEvenWhenAPackageShipsIt) {
  for (const char* path : {"/bin/busybox", "/bin/bash", "/bin/sh", "/usr/bin/python3.11", "/usr/bin/perl", "/usr/bin/find",
                           "/usr/bin/vim", "/usr/bin/env", "/usr/bin/less", "/usr/bin/node"}) {
    auto f = run("image.setuid-files", with_files({owned(path, 04755, "somepkg")}));
    EXPECT_EQ(f.status, Status::warn) << path;
    EXPECT_THAT(f.evidence, HasSubstr(std::string(path) + " (setuid 4755 uid 0 gid 0, package somepkg; a")) << path;
    EXPECT_THAT(f.evidence, HasSubstr("a root shell for anyone")) << path;
  }
  EXPECT_THAT(run("image.setuid-files", with_files({file("/bin/busybox", 04755)})).evidence,
              HasSubstr("/bin/busybox (setuid 4755 uid 0 gid 0; a multi-call binary: a root shell for anyone)"));
  // Names that only start like one are not one.
  EXPECT_EQ(run("image.setuid-files", with_files({owned("/usr/bin/perlbug", 04755, "perl"), owned("/usr/bin/shadow", 04755, "x")}))
                .status,
            Status::info);
}

TEST(ImageSetuidFiles, UnknownOwnersInAnRpmImageStayInfo) {
  auto img = with_files({file("/usr/bin/passwd", 04755)});
  std::const_pointer_cast<model::ImageContent>(img.content)->unread_file_lists = {"/var/lib/rpm/rpmdb.sqlite"};
  auto f = run("image.setuid-files", img);
  EXPECT_EQ(f.status, Status::info);
  EXPECT_THAT(f.evidence, HasSubstr("owner not known: /var/lib/rpm/rpmdb.sqlite not read"));
}

TEST(ImageWorldWritable, FilesAndUnstickyDirectoriesFail) {
  auto f = run("image.world-writable",
               with_files({file("/etc/app.conf", 0666), file("/srv/drop", 0777, model::FileType::directory),
                           file("/tmp", 01777, model::FileType::directory), file("/bin/sh", 0777, model::FileType::symlink)}));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/etc/app.conf (0666)"));
  EXPECT_THAT(f.evidence, HasSubstr("/srv/drop (directory 0777)"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/tmp")));
  EXPECT_THAT(f.evidence, Not(HasSubstr("/bin/sh")));
  EXPECT_EQ(run("image.world-writable", with_files({file("/tmp", 01777, model::FileType::directory)})).status, Status::pass);
}

TEST(ImageSecretFiles, PresentAndDeletedSecretsAreTold) {
  auto img = with_files({file("/root/.aws/credentials", 0600)});
  auto content = std::make_shared<model::ImageContent>(*img.content);
  content->secrets.push_back(model::LayerSecret{"/root/.ssh/id_rsa", "private-key", "RSA private key (PEM)", 1, 0, true});
  content->secrets.push_back(
      model::LayerSecret{"/root/.aws/credentials", "aws-credentials", "aws_secret_access_key in [default]", 3, 1, false});
  img.content = content;
  auto present = run("image.secret-files", img);
  EXPECT_EQ(present.status, Status::fail);
  EXPECT_THAT(
      present.evidence,
      HasSubstr("/root/.aws/credentials:3: aws_secret_access_key in [default] (aws-credentials, layer 2 sha256:eeee3333ffff"));
  EXPECT_THAT(present.evidence, Not(HasSubstr("id_rsa")));
  auto deleted = run("image.deleted-secrets", img);
  EXPECT_EQ(deleted.status, Status::fail);
  EXPECT_THAT(deleted.evidence,
              HasSubstr("/root/.ssh/id_rsa: RSA private key (PEM) (private-key) still in layer 1 sha256:aaaa1111bbbb2222cccc"));
  EXPECT_THAT(deleted.evidence, Not(HasSubstr("credentials")));

  const auto clean = with_files({file("/etc/passwd", 0644)});
  EXPECT_EQ(run("image.secret-files", clean).status, Status::pass);
  EXPECT_EQ(run("image.deleted-secrets", clean).status, Status::pass);
}

TEST(ImageLayerIntegrity, MismatchFails) {
  auto img = with_files({});
  auto content = std::make_shared<model::ImageContent>(*img.content);
  content->digests_verified = 4;
  img.content = content;
  auto f = run("image.layer-integrity", img);
  EXPECT_EQ(f.status, Status::pass);
  EXPECT_THAT(f.evidence, HasSubstr("4 digests verified over 2 layers"));
  content->integrity_problems.push_back("layer 1 (l/layer.tar): uncompressed content is sha256:1, rootfs.diff_ids says sha256:2");
  f = run("image.layer-integrity", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("rootfs.diff_ids says sha256:2"));
}

TEST(ImageGitSshdCaches, FireOnTheirFilesOnly) {
  const auto dirty = with_files({file("/app/.git", 0755, model::FileType::directory), file("/usr/sbin/sshd", 0755),
                                 file("/var/cache/apt/archives/curl.deb", 0644), file("/var/lib/apt/lists/lock", 0640),
                                 file("/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", 0644),
                                 file("/var/cache/apk/APKINDEX.tar.gz", 0644)});
  auto f = run("image.git-directory", dirty);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/app/.git"));
  f = run("image.sshd", dirty);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("/usr/sbin/sshd"));
  f = run("image.package-cache", dirty);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("apt: 1 files, 100 bytes"));
  EXPECT_THAT(f.evidence, HasSubstr("apt lists: 1 files"));
  EXPECT_THAT(f.evidence, HasSubstr("apk: 1 files"));

  const auto clean = with_files({file("/app/git", 0755, model::FileType::directory), file("/usr/share/doc/sshd", 0644),
                                 file("/var/lib/apt/lists/lock", 0640),
                                 file("/var/cache/apt/archives/partial", 0700, model::FileType::directory)});
  EXPECT_EQ(run("image.git-directory", clean).status, Status::pass);
  EXPECT_EQ(run("image.sshd", clean).status, Status::pass);
  EXPECT_EQ(run("image.package-cache", clean).status, Status::pass);
}

TEST(ImageExposesSsh, Port22Fails) {
  model::ImageSpec img;
  img.exposed_ports = {"80/tcp", "22/tcp"};
  EXPECT_EQ(run("image.exposes-ssh", img).status, Status::fail);
  img.exposed_ports = {"80/tcp", "2222/tcp"};
  EXPECT_EQ(run("image.exposes-ssh", img).status, Status::pass);
}

TEST(ImageSecretsInConfig, EnvAndLabels) {
  model::ImageSpec img;
  img.env = {"PATH=/usr/bin", "DB_PASSWORD=hunter2hunter2"};
  auto f = run("image.secrets-in-config", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("Config.Env DB_PASSWORD="));
  EXPECT_THAT(f.evidence, Not(HasSubstr("hunter2hunter2")));
  img.env = {"PATH=/usr/bin", "PASSWORD_FILE=/run/secrets/db"};
  img.labels = {{"aws", "AKIAIOSFODNN7EXAMPLE"}};
  f = run("image.secrets-in-config", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("Config.Labels aws holds"));
  img.labels = {{"maintainer", "ops@example.com"}};
  EXPECT_EQ(run("image.secrets-in-config", img).status, Status::pass);
}

TEST(ImageHistory, UpdateAloneAndAdd) {
  auto img = test::with_history({"/bin/sh -c #(nop) ADD file:0123abcd in / ", "/bin/sh -c apt-get update",
                           "RUN |1 V=1 /bin/sh -c apk update # buildkit", "/bin/sh -c #(nop)  CMD [\"sh\"]"});
  auto f = run("image.update-alone", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("history step 2: `apt-get update` without an install"));
  EXPECT_THAT(f.evidence, HasSubstr("history step 3: `apk update` without an install"));
  f = run("image.add-instruction", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("history step 1: ADD file:0123abcd in /"));

  img = test::with_history({"COPY rootfs/ / # buildkit", "/bin/sh -c apt-get update && apt-get install -y curl",
                      "RUN /bin/sh -c echo apt-get update # buildkit"});
  EXPECT_EQ(run("image.update-alone", img).status, Status::pass);
  EXPECT_EQ(run("image.add-instruction", img).status, Status::pass);
}

TEST(ImageHistory, AddOfAnArchiveIsWhatOnlyAddDoes) {
  // The classic builder records a source by its content hash: the layer it made tells whether
  // ADD unpacked an archive (a base image's root filesystem) or copied one file.
  const std::string rootfs = "/bin/sh -c #(nop) ADD file:5d0e1a in / ";
  const std::string one_file = "/bin/sh -c #(nop) ADD file:9b2c44 in /usr/local/bin/ ";
  auto img = test::with_history({rootfs, "/bin/sh -c #(nop)  CMD [\"bash\"]", one_file});
  img.history->at(1).empty_layer = true;
  auto content = std::make_shared<model::ImageContent>();
  content->layers.resize(2);
  content->layers[0].created_by = rootfs;
  content->layers[0].entries = 3120;
  content->layers[1].created_by = one_file;
  content->layers[1].entries = 4;  // usr/, usr/local/, usr/local/bin/ and the file
  img.content = content;
  auto f = run("image.add-instruction", img);
  EXPECT_EQ(f.status, Status::fail) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("history step 3: ADD file:9b2c44 in /usr/local/bin/ (one file, not an archive (4 entries"));
  EXPECT_THAT(f.evidence, Not(HasSubstr("history step 1")));

  // Five entries under /usr/local/bin/ are more than one file makes: an archive unpacked there.
  content->layers[1].entries = 5;
  f = run("image.add-instruction", img);
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("history step 1: ADD file:5d0e1a in / (unpacked an archive: 3120 entries in its layer)"));

  // A layer that is not the step's (history and layers disagree): not known, so not accepted.
  content->layers[0].created_by = "something else";
  f = run("image.add-instruction", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("history step 1: ADD file:5d0e1a in / (whether it unpacked an archive is not known"));

  // `dir:` is a directory, which COPY copies as well.
  f = run("image.add-instruction", test::with_history({"/bin/sh -c #(nop) ADD dir:77aa in /srv "}));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("a directory: use COPY"));
}

TEST(ImageHistory, AddAsBuildKitRecordsIt) {
  // BuildKit keeps the instruction as written: judged as the Dockerfile rule judges it.
  auto f = run("image.add-instruction", test::with_history({"ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit",
                                                      "ADD --chown=1:1 [\"vendor.tgz\", \"/opt/\"] # buildkit"}));
  EXPECT_EQ(f.status, Status::pass) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("history step 1: ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / (an archive)"));
  EXPECT_THAT(f.evidence, HasSubstr("history step 2:"));

  f = run("image.add-instruction", test::with_history({"ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
                                                 "https://example.com/tool.tgz /opt/ # buildkit"}));
  EXPECT_EQ(f.status, Status::warn) << f.evidence;
  EXPECT_THAT(f.evidence, HasSubstr("a download verified by --checksum: https://example.com/tool.tgz"));

  f = run("image.add-instruction", test::with_history({"ADD https://example.com/tool.tgz /opt/ # buildkit",
                                                 "ADD app.py config.yaml /app/ # buildkit"}));
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_THAT(f.evidence, HasSubstr("history step 1: ADD https://example.com/tool.tgz /opt/ (a download without --checksum"));
  EXPECT_THAT(f.evidence, HasSubstr("history step 2: ADD app.py config.yaml /app/ (local files that are not archives: app.py, config.yaml: use COPY)"));
}

TEST(ImageLatestOrUntagged, OnlyLatestOrNothingFails) {
  model::ImageSpec img;
  EXPECT_EQ(run("image.latest-or-untagged", img).status, Status::fail);
  img.repo_tags = {"<none>:<none>"};
  EXPECT_EQ(run("image.latest-or-untagged", img).status, Status::fail);
  img.repo_tags = {"app:latest", "localhost:5000/app"};
  EXPECT_EQ(run("image.latest-or-untagged", img).status, Status::fail);
  img.repo_tags = {"app:latest", "app:1.4.2"};
  EXPECT_EQ(run("image.latest-or-untagged", img).status, Status::pass);
}

TEST(ImageChecks, AllAreImageScoped) {
  for (const auto& c : image_checks())
    EXPECT_EQ(c.scope(), Scope::image) << c.id;
}

}  // namespace
}  // namespace drydock::checks

namespace drydock::checks {
namespace {

TEST(ImageVulnerabilities, TheScanVerdictIsReportedWithItsSeverity) {
  model::ImageSpec img;
  img.id = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  img.repo_tags = {"alpine:3.11"};
  EXPECT_EQ(run("image.vulnerabilities", img).status, Status::skip);  // not scanned: says how
  EXPECT_NE(run("image.vulnerabilities", img).evidence.find("--vulns"), std::string::npos);

  img.vulns = model::VulnScan{{}, Status::fail, core::Severity::critical, "2 vulnerabilities with a fixed version"};
  auto f = run("image.vulnerabilities", img);
  EXPECT_EQ(f.status, Status::fail);
  EXPECT_EQ(f.severity, core::Severity::critical);
  EXPECT_EQ(f.evidence, "2 vulnerabilities with a fixed version");

  img.vulns = model::VulnScan{{}, Status::pass, std::nullopt, "no known vulnerabilities"};
  EXPECT_EQ(run("image.vulnerabilities", img).status, Status::pass);
  img.vulns = model::VulnScan{{}, Status::skip, std::nullopt, "alpine 3.12 is not covered"};
  EXPECT_EQ(run("image.vulnerabilities", img).status, Status::skip);
  img.vulns = model::VulnScan{};  // the database could not be opened
  EXPECT_EQ(run("image.vulnerabilities", img).status, Status::error);
}

}  // namespace
}  // namespace drydock::checks
