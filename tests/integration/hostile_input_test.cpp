// `drydock image FILE.tar` on hostile tarballs built here at run time (nothing big is
// committed): path traversal, absolute paths, hard links out of the image, a decompression
// bomb, over a million tiny entries, an index that contains itself, a manifest naming a missing
// blob, a manifest over the metadata limit. Each run is measured with /usr/bin/time: it ends
// with a clear error naming the limit (or, within the limits, a report), its peak resident
// memory stays under 200 MiB, it ends in bounded time, and it leaves nothing behind in its
// TMPDIR or next to its input.

#include <archive.h>
#include <archive_entry.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <regex>

#include "../unit/collect/host_tree.hpp"
#include "../unit/collect/image_tar.hpp"
#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support
namespace img = drydock::collect::image::test;

constexpr long k_max_rss_kib = 200L * 1024L;

/// The names under `dir`, recursively, relative to it.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A directory of its own for one test (removed at the end), with a "tmp" inside for TMPDIR.
using Scratch = drydock::test::HostTree;

struct Measured {
  Proc proc;
  long rss_kib = -1;
  double seconds = -1;
};

/// `drydock image <path> --format json` under /usr/bin/time, TMPDIR in the scratch directory.
Measured audit(const Scratch& s, const fs::path& input) {
  Measured m;
  m.proc = run({"env", "TMPDIR=" + s.at("/tmp"), "/usr/bin/time", "-f", "drydock-peak-rss-kib=%M drydock-seconds=%e", DRYDOCK_BIN,
                "image", input.string(), "--format", "json"},
               std::chrono::seconds(300));
  std::smatch got;
  static const std::regex k_time(R"(drydock-peak-rss-kib=(\d+) drydock-seconds=([0-9.]+))");
  if (std::regex_search(m.proc.err, got, k_time)) {
    m.rss_kib = std::stol(got[1]);
    m.seconds = std::stod(got[2]);
  }
  std::cout << "[ measured ] " << input.filename().string() << ": peak RSS " << m.rss_kib / 1024 << " MiB, " << m.seconds
            << " s, exit " << m.proc.code << "\n";
  return m;
}

/// Writes `bytes` as the test's input and checks, after the audit, that drydock added nothing.
struct Case {
  std::string name;
  std::string bytes;
  std::string error;  ///< what stderr must say
  double max_seconds = 20;
};

void expect_refused(const Case& c) {
  SCOPED_TRACE(c.name);
  Scratch s;
  const fs::path input = s.at("/" + c.name + ".tar");
  ASSERT_TRUE(write_file(input, c.bytes));
  fs::create_directories(s.at("/tmp"));
  const auto before = listing(s.root());
  const auto m = audit(s, input);
  EXPECT_FALSE(m.proc.timed_out);
  EXPECT_EQ(m.proc.code, 3) << m.proc.err;
  EXPECT_NE(m.proc.err.find(c.error), std::string::npos) << m.proc.err;
  EXPECT_NE(m.proc.err.find(input.string()), std::string::npos) << "the error names the input: " << m.proc.err;
  ASSERT_GT(m.rss_kib, 0) << m.proc.err;
  EXPECT_LT(m.rss_kib, k_max_rss_kib);
  EXPECT_LT(m.seconds, c.max_seconds);
  EXPECT_EQ(listing(s.root()), before) << "drydock left files behind";
}

std::string one_layer_image(const std::vector<img::Entry>& layer) {
  const auto l = img::tar(layer);
  return img::legacy_save({l}, img::config({l}));
}

TEST(HostileInput, PathsOutOfTheImageAreRefused) {
  expect_refused({"dotdot", one_layer_image({img::file("../../etc/cron.d/x", "* * * * * root id\n")}), "'..'"});
  expect_refused({"absolute", one_layer_image({img::file("/etc/cron.d/x", "* * * * * root id\n")}), "absolute path"});
  expect_refused({"hardlink-out", one_layer_image({img::hardlink("etc/shadow2", "../../../etc/shadow")}),
                  "hard link /etc/shadow2 leaves the image"});
}

/// gzip of a tar whose one entry declares 100 GiB of zeros; the stream carries 64 MiB of them
/// (a 64 KiB download), enough to show it is refused at the header, not after inflating.
std::string gzip_bomb() {
  std::string tar_head;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_per_block(a, 0);  // unbuffered: the header is out when written
  img::write_to_string(a, tar_head);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "zeros");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, std::int64_t{100} << 30);
  EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
  archive_entry_free(e);
  archive_write_fail(a);  // no padding to 100 GiB on close
  archive_write_free(a);

  std::string gz;
  struct archive* w = archive_write_new();
  archive_write_set_format_raw(w);
  archive_write_add_filter_gzip(w);
  archive_write_set_bytes_in_last_block(w, 1);
  img::write_to_string(w, gz);
  struct archive_entry* raw = archive_entry_new();
  archive_entry_set_pathname(raw, "layer");
  archive_entry_set_filetype(raw, AE_IFREG);
  EXPECT_EQ(archive_write_header(w, raw), ARCHIVE_OK) << archive_error_string(w);
  archive_entry_free(raw);
  archive_write_data(w, tar_head.data(), tar_head.size());
  const std::string zeros(std::size_t{1} << 20, '\0');
  for (int i = 0; i < 64; ++i)
    archive_write_data(w, zeros.data(), zeros.size());
  archive_write_close(w);
  archive_write_free(w);
  return gz;
}

TEST(HostileInput, ADecompressionBombIsRefusedAtItsHeader) {
  const std::string bomb = gzip_bomb();
  EXPECT_LT(bomb.size(), std::size_t{1} << 20);
  img::Oci oci;
  const auto desc = oci.manifest({bomb}, img::config({std::string()}));
  expect_refused({"gzip-bomb", oci.tarball(json::array({desc})),
                  "exceeds the limit on uncompressed size (68719476736 bytes): /zeros declares 107374182400 bytes"});
}

TEST(HostileInput, AnIndexThatContainsItselfIsACycle) {
  const std::string a(64, 'a');
  const json self = {{"mediaType", "application/vnd.oci.image.index.v1+json"}, {"digest", "sha256:" + a}, {"size", 1}};
  img::Oci oci;
  oci.blobs.push_back(img::file("blobs/sha256/" + a, img::index_of(std::vector<json>(1000, self)).dump()));
  expect_refused({"index-loop", oci.tarball(json::array({self})), "an index that contains itself"});
}

TEST(HostileInput, AMissingBlobAndHugeMetadataAreNamed) {
  const auto l = img::tar({img::file("a", "1")});
  img::Oci oci;
  const auto desc = oci.manifest({l}, img::config({l}));
  const std::string layer_blob = "blobs/sha256/" + img::hex(drydock::collect::image::sha256(l));
  std::erase_if(oci.blobs, [&](const img::Entry& e) { return e.name == layer_blob; });
  expect_refused({"missing-blob", oci.tarball(json::array({desc})), layer_blob});

  std::string huge = R"([{"Config":"c.json","Layers":["l/layer.tar"],"RepoTags":[")";
  huge += std::string(std::size_t{40} << 20, 'x');
  huge += R"("]}])";
  expect_refused(
      {"huge-manifest",
       img::tar({img::file("l/layer.tar", l), img::file("c.json", img::config({l}).dump()), img::file("manifest.json", huge)}),
       "exceeds the limit on metadata size (16777216 bytes)"});
}

/// A layer of `n` empty files (gzip), built entry by entry.
std::string many_entries_layer(int n) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_set_filter_option(a, "gzip", "compression-level", "1");
  img::write_to_string(a, out);
  struct archive_entry* e = archive_entry_new();
  for (int i = 0; i < n; ++i) {
    archive_entry_clear(e);
    const std::string name = "d" + std::to_string(i / 1000) + "/f" + std::to_string(i % 1000);
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 0);
    archive_write_header(a, e);
  }
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

TEST(HostileInput, OverAMillionTinyEntriesHitTheEntryLimit) {
  // 1.2 million empty files: the walk stops at the millionth entry, before the image is built.
  const std::string layer = many_entries_layer(1'200'000);
  img::Oci oci;
  // The config's diff_id is left wrong on purpose: the walk never gets that far.
  const auto desc = oci.manifest({layer}, img::config({std::string()}));
  expect_refused({"million", oci.tarball(json::array({desc})), "exceeds the limit on entries (1000000)", 60});
}

}  // namespace
