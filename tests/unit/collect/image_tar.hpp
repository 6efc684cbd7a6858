#pragma once
/// Crafted tarballs for the image reader's tests: layers, `docker save` archives (legacy and
/// OCI layout), built in memory with libarchive's writer.

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drydock/collect/image/source.hpp"

namespace drydock::collect::image::test {

struct Entry {
  std::string name;
  std::string content;
  char type = 'f';  ///< f file, d directory, l symlink, h hard link
  unsigned mode = 0644;
  std::string link;
};

inline Entry file(std::string name, std::string content, unsigned mode = 0644) {
  return Entry{std::move(name), std::move(content), 'f', mode, {}};
}
inline Entry dir(std::string name, unsigned mode = 0755) { return Entry{std::move(name), {}, 'd', mode, {}}; }
inline Entry symlink(std::string name, std::string target) { return Entry{std::move(name), {}, 'l', 0777, std::move(target)}; }
inline Entry hardlink(std::string name, std::string target) { return Entry{std::move(name), {}, 'h', 0644, std::move(target)}; }

/// Opens libarchive's writer `a` (format and filters set) on the string `out`.
inline void write_to_string(struct archive* a, std::string& out) {
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* user, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
}

/// A tar of `entries`, compressed with "none", "gzip" or "zstd".
inline std::string tar(const std::vector<Entry>& entries, const std::string& compression = "none") {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (compression == "gzip") archive_write_add_filter_gzip(a);
  if (compression == "zstd") archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  write_to_string(a, out);
  for (const auto& e : entries) {
    struct archive_entry* ae = archive_entry_new();
    archive_entry_set_pathname(ae, e.name.c_str());
    archive_entry_set_perm(ae, e.mode);
    switch (e.type) {
      case 'd':
        archive_entry_set_filetype(ae, AE_IFDIR);
        break;
      case 'l':
        archive_entry_set_filetype(ae, AE_IFLNK);
        archive_entry_set_symlink(ae, e.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_hardlink(ae, e.link.c_str());
        break;
      default:
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_size(ae, static_cast<la_int64_t>(e.content.size()));
    }
    EXPECT_EQ(archive_write_header(a, ae), ARCHIVE_OK) << archive_error_string(a);
    if (e.type == 'f' && !e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

/// An image config for layers whose uncompressed tars are `layers`.
inline nlohmann::json config(const std::vector<std::string>& uncompressed_layers, nlohmann::json cfg = nlohmann::json::object()) {
  nlohmann::json diff_ids = nlohmann::json::array();
  nlohmann::json history = nlohmann::json::array();
  for (std::size_t i = 0; i < uncompressed_layers.size(); ++i) {
    diff_ids.push_back(sha256(uncompressed_layers[i]));
    history.push_back({{"created_by", "/bin/sh -c #(nop) COPY file:" + std::to_string(i) + " in / "}});
  }
  return {{"architecture", "amd64"},
          {"os", "linux"},
          {"config", cfg},
          {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
          {"history", history}};
}

inline std::string hex(const std::string& digest) { return digest.substr(7); }

/// A legacy `docker save` tarball: <n>/layer.tar, <config digest>.json, manifest.json (written
/// last, as docker does, unless `manifest_first`).
inline std::string legacy_save(const std::vector<std::string>& layers, const nlohmann::json& cfg, const std::string& tag = "x:1",
                               bool manifest_first = false) {
  const std::string cfg_text = cfg.dump();
  const std::string cfg_name = hex(sha256(cfg_text)) + ".json";
  nlohmann::json layer_names = nlohmann::json::array();
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < layers.size(); ++i)
    layer_names.push_back("l" + std::to_string(i) + "/layer.tar");
  const nlohmann::json manifest = nlohmann::json::array({{{"Config", cfg_name}, {"RepoTags", {tag}}, {"Layers", layer_names}}});
  if (manifest_first) entries.push_back(file("manifest.json", manifest.dump()));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    entries.push_back(dir("l" + std::to_string(i) + "/"));
    entries.push_back(file("l" + std::to_string(i) + "/layer.tar", layers[i]));
  }
  entries.push_back(file(cfg_name, cfg_text));
  if (!manifest_first) entries.push_back(file("manifest.json", manifest.dump()));
  return tar(entries);
}

/// Blobs of an OCI layout, by digest.
struct Oci {
  std::vector<Entry> blobs;

  std::string add(const std::string& bytes) {
    const std::string d = sha256(bytes);
    blobs.push_back(file("blobs/sha256/" + hex(d), bytes));
    return d;
  }
  nlohmann::json descriptor(const std::string& media, const std::string& bytes) {
    return {{"mediaType", media}, {"digest", add(bytes)}, {"size", bytes.size()}};
  }
  /// A manifest over stored (possibly compressed) layers and its config.
  nlohmann::json manifest(const std::vector<std::string>& stored_layers, const nlohmann::json& cfg) {
    nlohmann::json layer_descs = nlohmann::json::array();
    for (const auto& l : stored_layers)
      layer_descs.push_back(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", l));
    const nlohmann::json m = {{"schemaVersion", 2},
                              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                              {"config", descriptor("application/vnd.oci.image.config.v1+json", cfg.dump())},
                              {"layers", layer_descs}};
    return descriptor("application/vnd.oci.image.manifest.v1+json", m.dump());
  }
  /// The whole layout as a tarball, index.json naming `top` descriptors.
  std::string tarball(const nlohmann::json& top) {
    std::vector<Entry> entries = blobs;
    entries.push_back(file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
    entries.push_back(file("index.json", nlohmann::json({{"schemaVersion", 2}, {"manifests", top}}).dump()));
    return tar(entries);
  }
};

inline nlohmann::json index_of(const std::vector<nlohmann::json>& manifests) {
  return {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", manifests}};
}

}  // namespace drydock::collect::image::test
