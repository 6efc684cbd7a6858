#pragma once
/// One layer read as a stream: decompressed by magic (plain, gzip, zstd, ...), hashed, walked
/// entry by entry through libarchive, never written to disk.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/collect/image/source.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image_content.hpp"

struct archive;  // libarchive's reader, for SourceReader::read

namespace drydock::collect::image {

/// Limits against hostile archives; exceeding one is an error naming it.
struct Limits {
  std::uint64_t total_bytes = std::uint64_t{64} << 30;  ///< uncompressed bytes over all layers
  /// Tar entries over all layers: each costs about 300 bytes until the report is made, so a
  /// million stays near 300 MiB.
  std::uint64_t entries = 1'000'000;
  std::size_t path_length = 4096;                       ///< bytes in one entry's name
  int index_depth = 4;                                  ///< nesting of OCI image indexes
  std::uint64_t index_entries = 10'000;                 ///< descriptors walked in index.json and the indexes it names
  std::size_t metadata_bytes = std::size_t{16} << 20;   ///< one manifest, index or config
  std::size_t metadata_total_bytes = std::size_t{64} << 20;  ///< every manifest, index and config kept from a tarball
  std::size_t json_depth = 64;                               ///< nesting of one JSON document
  std::uint64_t json_values = 2'000'000;                     ///< values of every JSON document of one read
  std::size_t captured_bytes = std::size_t{256} << 20;  ///< one package database kept for parsing
  std::size_t layers = 512;                             ///< layers of one image
};

/// What the walk reads besides metadata. Paths given to the predicates are absolute image
/// paths ("/etc/os-release").
struct ContentPolicy {
  /// Keep this regular file's bytes for after the walk (package databases, os-release).
  std::function<bool(std::string_view path, std::uint64_t size)> capture;
  /// Read this regular file and hand it to `scan`.
  std::function<bool(std::string_view path, std::uint64_t size)> wants_scan;
  /// Credentials found in a file's content (layer index left 0, removed false).
  std::function<std::vector<model::LayerSecret>(std::string_view path, std::string_view content)> scan;
};

/// Counters shared by every layer of one read, checked against Limits.
struct Budget {
  const Limits* limits = nullptr;
  std::uint64_t bytes = 0;
  std::uint64_t entries = 0;
};

/// One entry of a layer as the tar gave it, path normalized.
struct LayerRecord {
  enum class Kind { file, whiteout, opaque };
  Kind kind = Kind::file;
  std::string path;  ///< "/etc/passwd"; for whiteouts the path removed, for opaque the directory
  model::FileType type = model::FileType::regular;
  std::uint32_t mode = 0;
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t size = 0;
  std::string link;
};

/// Everything one pass over a layer gave.
struct LayerScan {
  std::string digest;   ///< sha256 of the bytes as stored
  std::string diff_id;  ///< sha256 of the uncompressed tar
  std::string compression;
  std::uint64_t stored_size = 0;
  std::uint64_t size = 0;
  std::vector<LayerRecord> records;
  std::map<std::string, std::string> captured;  ///< path -> bytes
  std::vector<model::LayerSecret> secrets;
};

/// libarchive's message for the last error on `a`; never null.
std::string archive_message(struct archive* a);

/// The error for an exceeded limit, naming it.
core::Error limit_error(std::string_view what, std::string_view limit);

/// The normalized path of a tar entry's raw name, counted against the budget: a missing name,
/// a name over Limits::path_length, one entry too many, an absolute path or ".." are errors.
core::Expected<std::string> checked_entry(const char* raw_name, Budget& budget, std::string_view what);

/// libarchive's read callback over a ByteSource: `user` is a SourceReader.
struct SourceReader {
  ByteSource* source = nullptr;
  std::optional<core::Error> error;
  /// Called with each chunk before libarchive gets it.
  std::function<void(std::string_view)> on_chunk;
  static long read(struct archive* a, void* user, const void** buffer);
};

/// Normalizes a tar entry name to "/a/b": "./" and "." dropped, repeated slashes collapsed.
/// Absolute names and ".." components are refused (a layer never needs them).
core::Expected<std::string> entry_path(std::string_view name);

/// Reads one layer from `source` to its end. `what` names it in errors.
core::Expected<LayerScan> walk_layer(ByteSource& source, const ContentPolicy& policy, Budget& budget, std::string_view what);

}  // namespace drydock::collect::image
