/// The image reader on crafted tarballs: whiteouts, both `docker save` layouts, compression,
/// digests, hostile archives (traversal, link tricks, bombs, limits).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "drydock/collect/image/analyze.hpp"
#include "drydock/collect/image/read.hpp"
#include "image_tar.hpp"

namespace drydock::collect::image {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace)
using ::testing::HasSubstr;
using json = nlohmann::json;

std::string fixture(const std::string& rel) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << rel;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

core::Expected<std::vector<model::ImageSpec>> read(const std::string& bytes, const ReadOptions& options = analyzing_options("")) {
  MemorySource source(bytes, 4096);  // small chunks: entries straddle reads
  return read_archive(source, "test.tar", options);
}

model::ImageSpec read_one(const std::string& bytes, const ReadOptions& options = analyzing_options("")) {
  auto images = read(bytes, options);
  if (!images) {
    ADD_FAILURE() << images.error().describe();
    return {};
  }
  EXPECT_EQ(images->size(), 1U);
  return images->empty() ? model::ImageSpec{} : images->front();
}

const model::ImageFile* find(const model::ImageSpec& img, std::string_view path) {
  for (const auto& f : img.content->files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

TEST(ImageReader, WhiteoutsGiveTheFinalViewAndKeepWhatLowerLayersHeld) {
  const std::string key = fixture("secrets/keys/id_ed25519");
  const auto l1 = tar({dir("etc/"), file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), dir("root/.ssh/", 0700),
                       file("root/.ssh/id_ed25519", key, 0600), dir("opq/"), file("opq/old", "x"), dir("gone/"),
                       file("gone/inside", "y"), file("bin/su", "elf", 04755)});
  const auto l2 = tar({file("root/.ssh/.wh.id_ed25519", ""), file("opq/.wh..wh..opq", ""), file("opq/new", "z"),
                       file(".wh.gone", ""), file("etc/passwd", "root:x:0:0::/root:/bin/ash\n")});
  const auto img = read_one(legacy_save({l1, l2}, config({l1, l2})));
  ASSERT_TRUE(img.content);
  const auto& c = *img.content;
  EXPECT_EQ(find(img, "/root/.ssh/id_ed25519"), nullptr);
  EXPECT_EQ(find(img, "/opq/old"), nullptr);
  EXPECT_NE(find(img, "/opq/new"), nullptr);
  EXPECT_NE(find(img, "/opq"), nullptr);
  EXPECT_EQ(find(img, "/gone"), nullptr);
  EXPECT_EQ(find(img, "/gone/inside"), nullptr);
  ASSERT_NE(find(img, "/etc/passwd"), nullptr);
  EXPECT_EQ(find(img, "/etc/passwd")->layer, 1U);
  ASSERT_NE(find(img, "/bin/su"), nullptr);
  EXPECT_EQ(find(img, "/bin/su")->mode, 04755U);
  // The key is gone from the final view, but layer 1 still ships it.
  ASSERT_EQ(c.secrets.size(), 1U);
  EXPECT_EQ(c.secrets[0].path, "/root/.ssh/id_ed25519");
  EXPECT_EQ(c.secrets[0].kind, "private-key");
  EXPECT_EQ(c.secrets[0].layer, 0U);
  EXPECT_TRUE(c.secrets[0].removed);
  EXPECT_TRUE(c.integrity_problems.empty()) << c.integrity_problems.front();
  EXPECT_EQ(c.layers.size(), 2U);
  EXPECT_EQ(c.layers[0].diff_id, sha256(l1));
  EXPECT_EQ(c.layers[0].compression, "none");
  EXPECT_EQ(img.repo_tags, std::vector<std::string>{"x:1"});
  ASSERT_TRUE(img.history);
  EXPECT_EQ(img.history->size(), 2U);
}

TEST(ImageReader, ASecretStillInTheFinalViewIsNotRemoved) {
  const auto l1 = tar({file("home/app/.aws/credentials", fixture("secrets/home/.aws/credentials"))});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  ASSERT_FALSE(img.content->secrets.empty());
  for (const auto& s : img.content->secrets) {
    EXPECT_FALSE(s.removed);
    EXPECT_EQ(s.kind, "aws-credentials");
    EXPECT_EQ(s.path, "/home/app/.aws/credentials");
  }
}

TEST(ImageReader, ManifestBeforeOrAfterTheLayersReadsTheSame) {
  const auto l1 = tar({file("a", "1")});
  const auto first = read_one(legacy_save({l1}, config({l1}), "x:1", true));
  const auto last = read_one(legacy_save({l1}, config({l1}), "x:1", false));
  EXPECT_EQ(first.id, last.id);
  EXPECT_EQ(first.content->files.size(), last.content->files.size());
}

TEST(ImageReader, PackagesAndOsReleaseComeFromTheFinalFilesystem) {
  const auto l1 = tar(
      {file("var/lib/dpkg/status", fixture("packages/dpkg-status")), file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")});
  const auto l2 = tar({file("lib/apk/db/installed", fixture("packages/apk-installed")),
                       file("var/lib/dpkg/status.d/libssl3", fixture("packages/status.d/libssl3"))});
  const auto l3 = tar({file("var/lib/rpm/rpmdb.sqlite", fixture("packages/rpm/rpmdb.sqlite"))});
  const auto img = read_one(legacy_save({l1, l2, l3}, config({l1, l2, l3})));
  const auto& p = img.content->packages;
  EXPECT_EQ(p.os.id, "debian");
  EXPECT_EQ(p.os.version_id, "12");
  std::set<std::string> managers;
  for (const auto& pkg : p.packages)
    managers.insert(pkg.manager);
  EXPECT_EQ(managers, (std::set<std::string>{"apk", "dpkg", "rpm"}));
  EXPECT_TRUE(std::any_of(p.packages.begin(), p.packages.end(),
                          [](const model::Package& k) { return k.db_path == "/var/lib/dpkg/status.d/libssl3"; }));
  EXPECT_TRUE(img.content->package_errors.empty());
}

TEST(ImageReaderSetuidOwners, DpkgAndApkFileListsNameTheOwningPackage) {
  // Merged /usr: dpkg lists /bin/su, the layers hold /usr/bin/su under the /bin -> usr/bin symlink.
  const auto l1 = tar({dir("usr/"), dir("usr/bin/"), symlink("bin", "usr/bin"), file("usr/bin/su", "elf", 04755),
                       file("usr/bin/passwd", "elf", 04755), file("usr/bin/wall", "elf", 02755),
                       file("usr/bin/busybox", "elf", 04755), file("usr/bin/ls", "elf", 0755),
                       file("var/lib/dpkg/status", fixture("packages/dpkg-status")),
                       file("var/lib/dpkg/info/login.list", "/.\n/bin\n/bin/su\n/usr/bin/newgrp\n"),
                       file("var/lib/dpkg/info/passwd:amd64.list", "/usr\n/usr/bin\n/usr/bin/passwd\n"),
                       file("var/lib/dpkg/status.d/bsdutils.md5sums", "0123456789abcdef0123456789abcdef  usr/bin/wall\n")});
  const auto l2 = tar({file("lib/apk/db/installed", "P:musl\nV:1\nF:lib\nR:ld-musl.so.1\n\nP:pinger\nV:2\nF:bin\nR:ping\nF:sbin\nR:ping6\n"),
                       file("bin/ping", "elf", 04755), file("sbin/ping6", "elf", 04755), file("sbin/ping", "elf", 04755)});
  const auto img = read_one(legacy_save({l1, l2}, config({l1, l2})));
  const auto owner = [&](std::string_view path) {
    const auto* f = find(img, path);
    return f == nullptr ? std::string("(absent)") : f->package;
  };
  EXPECT_EQ(owner("/usr/bin/su"), "login");
  EXPECT_EQ(owner("/usr/bin/passwd"), "passwd");
  EXPECT_EQ(owner("/usr/bin/wall"), "bsdutils");
  EXPECT_EQ(owner("/usr/bin/busybox"), "");
  EXPECT_EQ(owner("/usr/bin/ls"), "");  // not setuid: not asked
  EXPECT_EQ(owner("/bin/ping"), "pinger");
  EXPECT_EQ(owner("/sbin/ping6"), "pinger");
  EXPECT_EQ(owner("/sbin/ping"), "");  // the apk record lists bin/ping, not sbin/ping
  EXPECT_TRUE(img.content->unread_file_lists.empty());
  EXPECT_TRUE(img.content->package_errors.empty()) << img.content->package_errors.front();
}

TEST(ImageReaderSetuidOwners, RpmFileListsNameTheOwningPackage) {
  // The fixture's drydock-hello owns /usr/bin/drydock-hello-su (see tests/data/packages/README.md).
  const auto l1 = tar({file("var/lib/rpm/rpmdb.sqlite", fixture("packages/rpm/rpmdb.sqlite")),
                       file("usr/bin/drydock-hello-su", "elf", 04755), file("usr/bin/su", "elf", 04755)});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  const auto* owned = find(img, "/usr/bin/drydock-hello-su");
  const auto* stray = find(img, "/usr/bin/su");
  ASSERT_TRUE(owned != nullptr && stray != nullptr);
  EXPECT_EQ(owned->package, "drydock-hello");
  EXPECT_EQ(stray->package, "");  // no package of this database lists /usr/bin/su
  EXPECT_TRUE(img.content->unread_file_lists.empty());
}

TEST(ImageReaderSetuidOwners, AnRpmDatabaseThatDoesNotOpenLeavesTheOwnersUnknown) {
  const auto l1 = tar({file("var/lib/rpm/rpmdb.sqlite", "SQLite format 3 but no more"), file("usr/bin/su", "elf", 04755)});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  EXPECT_EQ(img.content->unread_file_lists, std::vector<std::string>{"/var/lib/rpm/rpmdb.sqlite"});
  EXPECT_EQ(img.content->package_errors.size(), 1U);
}

TEST(ImageReader, ABrokenPackageDatabaseIsNamedNotFatal) {
  const auto l1 = tar({file("lib/apk/db/installed", "this is not apk\n")});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  ASSERT_EQ(img.content->package_errors.size(), 1U);
  EXPECT_THAT(img.content->package_errors[0], HasSubstr("/lib/apk/db/installed"));
}

TEST(ImageReader, TamperedLayerIsReported) {
  const auto l1 = tar({file("etc/motd", "hello")});
  auto cfg = config({l1});
  const auto tampered = tar({file("etc/motd", "hellO")});
  const auto img = read_one(legacy_save({tampered}, cfg));
  ASSERT_EQ(img.content->integrity_problems.size(), 1U);
  EXPECT_THAT(img.content->integrity_problems[0], HasSubstr("rootfs.diff_ids says " + sha256(l1)));
}

TEST(ImageReader, TamperedConfigIsReported) {
  const auto l1 = tar({file("a", "1")});
  const std::string cfg_text = config({l1}).dump();
  const std::string name = hex(sha256(cfg_text)) + ".json";
  auto altered = config({l1}, {{"User", "app"}}).dump();
  const json manifest = json::array({{{"Config", name}, {"RepoTags", {"x:1"}}, {"Layers", {"l/layer.tar"}}}});
  const auto img = read_one(tar({file("l/layer.tar", l1), file(name, altered), file("manifest.json", manifest.dump())}));
  ASSERT_FALSE(img.content->integrity_problems.empty());
  EXPECT_THAT(img.content->integrity_problems[0], HasSubstr("its name promises"));
}

TEST(ImageReader, OciLayoutWithGzipAndZstdLayersVerifiesEveryDigest) {
  const auto u1 = tar({file("etc/hostname", "a")});
  const auto u2 = tar({file("etc/issue", "b")});
  Oci oci;
  auto desc = oci.manifest({tar({file("etc/hostname", "a")}, "gzip"), tar({file("etc/issue", "b")}, "zstd")}, config({u1, u2}));
  desc["annotations"] = {{"io.containerd.image.name", "docker.io/library/app:2"}, {"org.opencontainers.image.ref.name", "2"}};
  const auto img = read_one(oci.tarball(json::array({desc})));
  const auto& c = *img.content;
  EXPECT_TRUE(c.integrity_problems.empty()) << c.integrity_problems.front();
  ASSERT_EQ(c.layers.size(), 2U);
  EXPECT_EQ(c.layers[0].compression, "gzip");
  EXPECT_EQ(c.layers[1].compression, "zstd");
  EXPECT_EQ(c.layers[1].diff_id, sha256(u2));
  EXPECT_EQ(c.digests_verified, 2U + 2U + 2U);  // manifest, config, two blobs, two diff_ids
  EXPECT_EQ(img.repo_tags, std::vector<std::string>{"app:2"});
}

TEST(ImageReader, OciBlobThatDoesNotMatchItsNameIsReported) {
  const auto u1 = tar({file("a", "1")});
  Oci oci;
  const auto desc = oci.manifest({u1}, config({u1}));
  // Swap the layer blob's bytes for others under the same name.
  for (auto& b : oci.blobs) {
    if (b.content == u1) b.content = tar({file("a", "2")});
  }
  const auto img = read_one(oci.tarball(json::array({desc})));
  EXPECT_EQ(img.content->integrity_problems.size(), 2U);  // the blob's digest and the diff_id
}

TEST(ImageReader, PlatformIsChosenFromNestedIndexes) {
  const auto amd = tar({file("arch", "amd64")});
  const auto arm = tar({file("arch", "arm64")});
  Oci oci;
  auto m_amd = oci.manifest({amd}, config({amd}));
  m_amd["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
  auto m_arm = oci.manifest({arm}, config({arm}));
  m_arm["platform"] = {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}};
  auto attestation = oci.manifest({amd}, config({amd}));
  attestation["platform"] = {{"os", "unknown"}, {"architecture", "unknown"}};
  const auto inner = oci.descriptor("application/vnd.oci.image.index.v1+json", index_of({m_amd, m_arm, attestation}).dump());
  const auto outer = oci.descriptor("application/vnd.oci.image.index.v1+json", index_of({inner}).dump());
  const auto bytes = oci.tarball(json::array({outer}));

  auto options = analyzing_options("linux/arm64");
  auto img = read_one(bytes, options);
  EXPECT_EQ(img.content->layers.at(0).diff_id, sha256(arm));
  options.platform = "linux/amd64";
  img = read_one(bytes, options);
  EXPECT_EQ(img.content->layers.at(0).diff_id, sha256(amd));
  options.platform = "linux/s390x";
  const auto missing = read(bytes, options);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("linux/amd64, linux/arm64/v8"));

  options.limits.index_depth = 2;
  options.platform = "linux/amd64";
  const auto deep = read(bytes, options);
  ASSERT_FALSE(deep);
  EXPECT_THAT(deep.error().message, HasSubstr("nested deeper than the limit (2)"));
}

TEST(ImageReader, OciLayoutDirectoryIsReadInPlace) {
  const auto u1 = tar({file("etc/x", "1")});
  Oci oci;
  const auto desc = oci.manifest({tar({file("etc/x", "1")}, "gzip")}, config({u1}));
  const auto dir = std::filesystem::temp_directory_path() / ("drydock-oci-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "blobs/sha256");
  for (const auto& b : oci.blobs)
    std::ofstream(dir / b.name, std::ios::binary) << b.content;
  std::ofstream(dir / "index.json") << json({{"schemaVersion", 2}, {"manifests", json::array({desc})}}).dump();
  auto images = read_path(dir.string(), analyzing_options(""));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(images) << images.error().describe();
  ASSERT_EQ(images->size(), 1U);
  EXPECT_TRUE(images->front().content->integrity_problems.empty());
  EXPECT_EQ(images->front().content->layers[0].compression, "gzip");
}

TEST(ImageReader, NotationSignaturesAreAttachedToTheImageTheySign) {
  const auto u1 = tar({file("etc/x", "1")});
  Oci oci;
  const auto image = oci.manifest({u1}, config({u1}));
  // A referrer as Notation writes it (OCI 1.1 artifactType), one as older Notation wrote it
  // (config mediaType, a COSE envelope), and one whose subject is another image.
  int n = 0;  // each referrer's config differs, so that no blob is stored twice in the tarball
  const auto referrer = [&](const json& subject, const std::string& envelope, const std::string& media, bool artifact_type) {
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", oci.descriptor(artifact_type ? "application/vnd.oci.empty.v1+json" : "application/vnd.cncf.notary.signature",
                                        json{{"n", ++n}}.dump())},
              {"layers", json::array({oci.descriptor(media, envelope)})},
              {"subject", subject}};
    if (artifact_type) m["artifactType"] = "application/vnd.cncf.notary.signature";
    auto d = oci.descriptor("application/vnd.oci.image.manifest.v1+json", m.dump());
    if (artifact_type) d["artifactType"] = "application/vnd.cncf.notary.signature";
    return d;
  };
  json other = image;
  other["digest"] = "sha256:" + std::string(64, 'e');
  const auto top = json::array({image, referrer(image, R"({"jws":1})", "application/jose+json", true),
                                referrer(image, "cose", "application/cose", false),
                                referrer(other, R"({"jws":2})", "application/jose+json", true)});
  const auto img = read_one(oci.tarball(top));
  EXPECT_EQ(img.manifest_digest, image["digest"].get<std::string>());
  EXPECT_EQ(img.manifest_media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(img.manifest_size, image["size"].get<std::int64_t>());
  ASSERT_EQ(img.notation_signatures.size(), 2U);
  EXPECT_EQ(img.notation_signatures[0].envelope, R"({"jws":1})");
  EXPECT_EQ(img.notation_signatures[0].media_type, "application/jose+json");
  EXPECT_EQ(img.notation_signatures[0].envelope_digest, sha256(R"({"jws":1})"));
  EXPECT_THAT(img.notation_signatures[0].source, HasSubstr("envelope of Notation signature manifest"));
  EXPECT_EQ(img.notation_signatures[1].media_type, "application/cose");
  EXPECT_TRUE(img.signatures.empty());
}

// ---------------------------------------------------------------------------------------
// Hostile archives.

TEST(ImageReaderHostile, PathTraversalIsRefused) {
  for (const std::string name : {"../etc/passwd", "a/../../etc/passwd", "/etc/passwd"}) {
    const auto l1 = tar({file(name, "x")});
    const auto r = read(legacy_save({l1}, config({l1})));
    ASSERT_FALSE(r) << name;
    EXPECT_THAT(r.error().describe(), ::testing::AnyOf(HasSubstr("'..'"), HasSubstr("absolute path"))) << name;
  }
}

TEST(ImageReaderHostile, HardLinkOutOfTheImageIsRefused) {
  const auto l1 = tar({hardlink("etc/shadow2", "../../etc/shadow")});
  const auto r = read(legacy_save({l1}, config({l1})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("hard link /etc/shadow2 leaves the image"));
}

TEST(ImageReaderHostile, SymlinksAreRecordedNeverFollowed) {
  // os-release pointing at the host's, a key name pointing at the host's key: neither is read.
  const auto l1 =
      tar({symlink("etc/os-release", "../../../../../etc/os-release"), symlink("root/.ssh/id_rsa", "/root/.ssh/id_rsa")});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  EXPECT_EQ(img.content->packages.os.id, "");
  EXPECT_TRUE(img.content->secrets.empty());
  ASSERT_NE(find(img, "/etc/os-release"), nullptr);
  EXPECT_EQ(find(img, "/etc/os-release")->type, model::FileType::symlink);
  EXPECT_EQ(find(img, "/etc/os-release")->link, "../../../../../etc/os-release");
}

TEST(ImageReaderHostile, LayerLinkOutOfTheTarballIsNotFollowed) {
  const auto l1 = tar({file("a", "1")});
  const std::string cfg = config({l1}).dump();
  const std::string name = hex(sha256(cfg)) + ".json";
  const json manifest = json::array({{{"Config", name}, {"Layers", {"l/layer.tar"}}}});
  const auto r =
      read(tar({symlink("l/layer.tar", "../../../etc/passwd"), file(name, cfg), file("manifest.json", manifest.dump())}));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().describe(), HasSubstr("layer missing from the tarball"));
}

TEST(ImageReaderHostile, SharedLayerLinkInsideTheTarballIsFollowed) {
  // docker save writes a layer shared by two images once and links the other to it.
  const auto l1 = tar({file("a", "1")});
  const std::string cfg = config({l1}).dump();
  const std::string name = hex(sha256(cfg)) + ".json";
  const json manifest = json::array({{{"Config", name}, {"Layers", {"b/layer.tar"}}}});
  const auto img = read_one(tar({file("a/layer.tar", l1), symlink("b/layer.tar", "../a/layer.tar"), file(name, cfg),
                                 file("manifest.json", manifest.dump())}));
  EXPECT_NE(find(img, "/a"), nullptr);
}

TEST(ImageReaderHostile, DecompressionBombHitsTheSizeLimit) {
  const auto bomb = tar({file("zeros", std::string(std::size_t{8} << 20, '\0'))}, "gzip");
  EXPECT_LT(bomb.size(), std::size_t{64} << 10);
  Oci oci;
  const auto desc = oci.manifest({bomb}, config({tar({file("zeros", std::string(std::size_t{8} << 20, '\0'))})}));
  auto options = analyzing_options("");
  options.limits.total_bytes = std::uint64_t{1} << 20;
  const auto r = read(oci.tarball(json::array({desc})), options);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("limit on uncompressed size (1048576 bytes)"));
}

TEST(ImageReaderHostile, EntryCountAndPathLengthAreLimited) {
  std::vector<Entry> many;
  for (int i = 0; i < 200; ++i)
    many.push_back(file("f" + std::to_string(i), ""));
  const auto l1 = tar(many);
  auto options = analyzing_options("");
  options.limits.entries = 100;
  auto r = read(legacy_save({l1}, config({l1})), options);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("limit on entries (100)"));

  const auto l2 = tar({file(std::string(300, 'a'), "")});
  options = analyzing_options("");
  options.limits.path_length = 255;
  r = read(legacy_save({l2}, config({l2})), options);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("limit on path length (255 bytes)"));
}

TEST(ImageReaderHostile, GarbageIsAClearError) {
  auto r = read(std::string(4096, 'x'));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().describe(), HasSubstr("test.tar"));
  r = read(tar({file("hello", "world")}));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("neither index.json nor manifest.json"));
  const json manifest = json::array({{{"Config", "c.json"}, {"Layers", {"l/layer.tar"}}}});
  r = read(tar(
      {file("l/layer.tar", "not a tar at all, not even close"), file("c.json", "{}"), file("manifest.json", manifest.dump())}));
  ASSERT_FALSE(r);
}

TEST(ImageReaderHostile, TooManyLayersAreRefused) {
  const auto l1 = tar({file("a", "1")});
  auto options = analyzing_options("");
  options.limits.layers = 2;
  const auto r = read(legacy_save({l1, l1, l1}, config({l1, l1, l1})), options);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("3 layers exceed the limit (2)"));
}

/// An OCI layout whose blob `hex` (named, not hashed: a hostile tarball names blobs as it
/// likes) holds `content`.
std::string with_blob(Oci& oci, const std::string& hex_name, const std::string& content, const json& top) {
  oci.blobs.push_back(file("blobs/sha256/" + hex_name, content));
  return oci.tarball(top);
}

json index_descriptor(const std::string& hex_name) {
  return {{"mediaType", "application/vnd.oci.image.index.v1+json"}, {"digest", "sha256:" + hex_name}, {"size", 1}};
}

TEST(ImageReaderHostile, AnIndexThatContainsItselfIsACycleNotAHang) {
  // A names itself a thousand times: walked blindly to the depth limit that is 1000^4 visits.
  const std::string a(64, 'a');
  const std::string b(64, 'b');
  std::vector<json> self(1000, index_descriptor(a));
  Oci oci;
  const auto start = std::chrono::steady_clock::now();
  auto r = read(with_blob(oci, a, index_of(self).dump(), json::array({index_descriptor(a)})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("an index that contains itself (index.json -> blobs/sha256/" + a +
                                           " -> blobs/sha256/" + a + ")"));
  // A -> B -> A.
  Oci two;
  two.blobs.push_back(file("blobs/sha256/" + b, index_of({index_descriptor(a)}).dump()));
  r = read(with_blob(two, a, index_of({index_descriptor(b)}).dump(), json::array({index_descriptor(a)})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("contains itself"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ImageReaderHostile, AWideTreeOfIndexesHitsTheEntryLimit) {
  // No cycle, but 200 * 200 * 200 paths to one manifest: the walk stops at the limit.
  const auto l1 = tar({file("a", "1")});
  Oci oci;
  const auto manifest = oci.manifest({l1}, config({l1}));
  json level = manifest;
  for (int i = 0; i < 3; ++i)
    level = oci.descriptor("application/vnd.oci.image.index.v1+json", index_of(std::vector<json>(200, level)).dump());
  const auto start = std::chrono::steady_clock::now();
  const auto r = read(oci.tarball(json::array({level})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("more index entries than the limit (10000)"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ImageReaderHostile, AManifestNamingAMissingBlobIsAClearError) {
  const auto l1 = tar({file("a", "1")});
  Oci oci;
  const auto desc = oci.manifest({l1}, config({l1}));
  const std::string layer_blob = "blobs/sha256/" + hex(sha256(l1));
  auto& blobs = oci.blobs;
  blobs.erase(std::remove_if(blobs.begin(), blobs.end(), [&](const Entry& e) { return e.name == layer_blob; }), blobs.end());
  auto r = read(oci.tarball(json::array({desc})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().describe(), HasSubstr(layer_blob));
  EXPECT_THAT(r.error().describe(), HasSubstr("missing"));

  Oci none;
  const std::string ghost(64, 'c');
  r = read(none.tarball(json::array({{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                       {"digest", "sha256:" + ghost},
                                       {"size", 10}}})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().describe(), HasSubstr("blobs/sha256/" + ghost));
}

TEST(ImageReaderHostile, HugeOrDeepJsonIsRefusedWithinTheLimit) {
  const auto l1 = tar({file("a", "1")});
  // A manifest.json of 17 MiB: over the metadata limit, read no further than it.
  std::string huge = R"([{"Config":"c.json","Layers":["l/layer.tar"],"RepoTags":[")";
  huge += std::string(std::size_t{17} << 20, 'x');
  huge += R"("]}])";
  auto r = read(tar({file("l/layer.tar", l1), file("c.json", config({l1}).dump()), file("manifest.json", huge)}));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("limit on metadata size (16777216 bytes)"));
  // Nested a million deep, or five million empty objects: within the size limit, gigabytes
  // as parsed trees. Refused before parsing.
  const auto start = std::chrono::steady_clock::now();
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  r = read(tar({file("l/layer.tar", l1), file("c.json", config({l1}).dump()), file("manifest.json", deep)}));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().describe(), HasSubstr("manifest.json: JSON nested deeper than the limit (64)"));
  Oci oci;
  r = read(with_blob(oci, std::string(64, 'd'), deep, json::array({index_descriptor(std::string(64, 'd'))})));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("JSON nested deeper than the limit (64)"));
  std::string wide = "[";
  for (int i = 0; i < 5'000'000; ++i)
    wide += "{},";
  wide += "{}]";
  r = read(tar({file("l/layer.tar", l1), file("c.json", config({l1}).dump()), file("manifest.json", wide)}));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("more JSON values in manifests, indexes and configs than the limit (2000000)"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // Many JSON files, each under the limit: their sum is limited.
  std::vector<Entry> many;
  for (int i = 0; i < 6; ++i)
    many.push_back(file("x" + std::to_string(i) + ".json", "\"" + std::string(std::size_t{15} << 20, 'x') + "\""));
  r = read(tar(many));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("limit on metadata size over the whole tarball (67108864 bytes)"));
}

TEST(ImageReaderHostile, AHardLinkToAnAbsentEntryIsRecordedNotResolved) {
  // The link names an entry no layer has (and /etc/shadow of this machine): nothing is read
  // through it, the image reads, and its content is only what the tarball holds.
  const auto l1 = tar({hardlink("etc/os-release", "etc/not-here"), hardlink("etc/shadow-copy", "etc/shadow")});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  ASSERT_NE(img.content, nullptr);
  const auto* f = find(img, "/etc/os-release");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, model::FileType::hardlink);
  EXPECT_EQ(f->link, "/etc/not-here");
  EXPECT_EQ(img.content->packages.os.id, "");
}

TEST(ImageReaderHostile, AFileWrittenThroughASymlinkStaysInTheImage) {
  // "etc" links to this machine's /etc, then "etc/os-release" is written through it: the
  // reader never resolves the link on this machine; the file is the tarball's bytes.
  const auto l1 = tar({symlink("etc", "/etc"), file("etc/os-release", "ID=fromthetarball\n"),
                       symlink("usr", "../../../../../usr"), file("usr/lib/os-release", "ID=other\n")});
  const auto img = read_one(legacy_save({l1}, config({l1})));
  ASSERT_NE(img.content, nullptr);
  EXPECT_EQ(img.content->packages.os.id, "fromthetarball");
  ASSERT_NE(find(img, "/etc"), nullptr);
  EXPECT_EQ(find(img, "/etc")->type, model::FileType::symlink);
  EXPECT_EQ(find(img, "/etc")->link, "/etc");
}

TEST(ImageLayerPath, NormalizesAndRefuses) {
  EXPECT_EQ(*entry_path("./etc//passwd"), "/etc/passwd");
  EXPECT_EQ(*entry_path("etc/"), "/etc");
  EXPECT_EQ(*entry_path("./"), "/");
  EXPECT_FALSE(entry_path("/etc/passwd"));
  EXPECT_FALSE(entry_path("etc/../../x"));
}

}  // namespace
}  // namespace drydock::collect::image

namespace drydock::collect::image {
namespace {

// The fuzz seeds and the inputs that once crashed it: each reads to an image or a clear error.
TEST(ImageReaderFuzzCorpus, EveryInputEndsWithAnImageOrAnError) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(DRYDOCK_TEST_DATA) + "/image-fuzz")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto r = read(bytes);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty()) << entry.path();
    }
    MemorySource source(bytes);
    Limits limits;
    Budget budget{&limits};
    const auto layer = walk_layer(source, analyzing_options("").policy, budget, entry.path().string());
    if (!layer) {
      EXPECT_FALSE(layer.error().message.empty()) << entry.path();
    }
  }
}

}  // namespace
}  // namespace drydock::collect::image

namespace drydock::collect::image {
namespace {

TEST(ImageReader, ATarballOfTwoImagesGivesBothSharingTheirBaseLayer) {
  const auto base = test::tar({test::file("etc/os-release", "ID=alpine\n")});
  const auto app = test::tar({test::file("app/run", "x", 0755)});
  const std::string cfg_a = test::config({base}).dump();
  const std::string cfg_b = test::config({base, app}).dump();
  const std::string name_a = test::hex(sha256(cfg_a)) + ".json";
  const std::string name_b = test::hex(sha256(cfg_b)) + ".json";
  const nlohmann::json manifest =
      nlohmann::json::array({{{"Config", name_a}, {"RepoTags", {"base:1"}}, {"Layers", {"b/layer.tar"}}},
                             {{"Config", name_b}, {"RepoTags", {"app:1"}}, {"Layers", {"b/layer.tar", "a/layer.tar"}}}});
  const auto images = read(test::tar({test::file("b/layer.tar", base), test::file("a/layer.tar", app), test::file(name_a, cfg_a),
                                      test::file(name_b, cfg_b), test::file("manifest.json", manifest.dump())}));
  ASSERT_TRUE(images) << images.error().describe();
  ASSERT_EQ(images->size(), 2U);
  EXPECT_EQ((*images)[0].repo_tags.front(), "base:1");
  EXPECT_EQ((*images)[0].content->layers.size(), 1U);
  EXPECT_EQ((*images)[1].content->layers.size(), 2U);
  EXPECT_EQ((*images)[1].content->packages.os.id, "alpine");
  EXPECT_TRUE((*images)[1].content->integrity_problems.empty());
}

}  // namespace
}  // namespace drydock::collect::image
