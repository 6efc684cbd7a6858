#include "drydock/collect/image/layer.hpp"

#include "drydock/collect/image/libarchive.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>

#include <fmt/format.h>

namespace drydock::collect::image {
namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

std::string_view compression_of(std::string_view head) {
  if (head.starts_with("\x1f\x8b")) return "gzip";
  if (head.starts_with("\x28\xb5\x2f\xfd")) return "zstd";
  if (head.starts_with("BZh")) return "bzip2";
  if (head.starts_with("\xfd"
                       "7zXZ"))
    return "xz";
  return "none";
}

/// The stored bytes, hashed as they pass on their way to the decompressor.
struct RawStage {
  AsyncSha256 hash;
  std::uint64_t bytes = 0;
  std::string compression;
};

/// The uncompressed tar, hashed (diff_id) and counted against the budget.
struct TarStage {
  struct archive* raw = nullptr;
  const RawStage* stored = nullptr;  ///< when it is not compressed, its digest is the diff_id: hashed once
  Budget* budget = nullptr;
  std::string what;
  AsyncSha256 hash;
  std::uint64_t bytes = 0;
  bool done = false;
  std::optional<core::Error> error;

  /// The next uncompressed block; empty at the end. False on error.
  bool pull(std::string_view& block) {
    block = {};
    if (done) return true;
    for (;;) {
      const void* data = nullptr;
      std::size_t size = 0;
      la_int64_t offset = 0;
      const int r = libarchive().read_data_block(raw, &data, &size, &offset);
      if (r == ARCHIVE_EOF) {
        done = true;
        return true;
      }
      if (r < ARCHIVE_WARN) {
        if (!error) error = core::Error{core::ErrorKind::parse, fmt::format("cannot decompress: {}", archive_message(raw)), what};
        return false;
      }
      if (size == 0) continue;
      if (stored->compression != "none") hash.update(std::string_view(static_cast<const char*>(data), size));
      bytes += size;
      budget->bytes += size;
      if (budget->bytes > budget->limits->total_bytes) {
        error = limit_error(what, fmt::format("uncompressed size ({} bytes)", budget->limits->total_bytes));
        return false;
      }
      block = std::string_view(static_cast<const char*>(data), size);
      return true;
    }
  }

  static la_ssize_t read(struct archive* a, void* user, const void** buffer) {
    auto& s = *static_cast<TarStage*>(user);
    std::string_view block;
    if (!s.pull(block)) {
      libarchive().set_error(a, EIO, "%s", s.error->message.c_str());
      return -1;
    }
    *buffer = block.data();
    return static_cast<la_ssize_t>(block.size());
  }
};

model::FileType file_type(struct archive_entry* e) {
  if (libarchive().entry_hardlink(e) != nullptr) return model::FileType::hardlink;
  switch (libarchive().entry_filetype(e)) {
    case AE_IFREG:
      return model::FileType::regular;
    case AE_IFDIR:
      return model::FileType::directory;
    case AE_IFLNK:
      return model::FileType::symlink;
    default:
      return model::FileType::other;
  }
}

core::Expected<std::string> read_content(struct archive* tar, std::uint64_t size, const TarStage& stage, std::string_view path) {
  std::string data;
  data.resize(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (got < data.size()) {
    const la_ssize_t n = libarchive().read_data(tar, data.data() + got, data.size() - got);
    if (n < 0) {
      if (stage.error) return tl::unexpected(*stage.error);
      return core::fail(core::ErrorKind::parse, fmt::format("cannot read {}: {}", path, archive_message(tar)), stage.what);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  return data;
}

}  // namespace

std::string archive_message(struct archive* a) {
  const char* m = libarchive().error_string(a);
  return m != nullptr ? m : "unreadable data";
}

core::Error limit_error(std::string_view what, std::string_view limit) {
  return core::Error{core::ErrorKind::parse, fmt::format("exceeds the limit on {}; refusing a hostile or oversized image", limit),
                     std::string(what)};
}

long SourceReader::read(struct archive* a, void* user, const void** buffer) {
  auto& s = *static_cast<SourceReader*>(user);
  auto chunk = s.source->next();
  if (!chunk) {
    s.error = chunk.error();
    libarchive().set_error(a, EIO, "%s", s.error->message.c_str());
    return -1;
  }
  if (s.on_chunk) s.on_chunk(*chunk);
  *buffer = chunk->data();
  return static_cast<long>(chunk->size());
}

core::Expected<std::string> checked_entry(const char* raw_name, Budget& budget, std::string_view what) {
  if (raw_name == nullptr) return core::fail(core::ErrorKind::parse, "an entry without a readable name", std::string(what));
  const std::string_view name(raw_name);
  const Limits& limits = *budget.limits;
  if (name.size() > limits.path_length)
    return tl::unexpected(limit_error(what, fmt::format("path length ({} bytes)", limits.path_length)));
  if (++budget.entries > limits.entries) return tl::unexpected(limit_error(what, fmt::format("entries ({})", limits.entries)));
  auto path = entry_path(name);
  if (!path) return core::fail(core::ErrorKind::parse, fmt::format("{}: {}", name, path.error().message), std::string(what));
  return path;
}

core::Expected<std::string> entry_path(std::string_view name) {
  if (name.starts_with('/')) return core::fail(core::ErrorKind::parse, fmt::format("absolute path in a layer: {}", name));
  std::string out;
  out.reserve(name.size() + 1);
  while (!name.empty()) {
    const auto slash = name.find('/');
    const auto part = name.substr(0, slash);
    name = slash == std::string_view::npos ? std::string_view() : name.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") return core::fail(core::ErrorKind::parse, "path with '..' in a layer");
    out += '/';
    out += part;
  }
  if (out.empty()) out = "/";
  return out;
}

core::Expected<LayerScan> walk_layer(ByteSource& source, const ContentPolicy& policy, Budget& budget, std::string_view what) {
  LayerScan scan;
  DRYDOCK_TRY(lib, load_libarchive());
  RawStage raw_stage;
  SourceReader reader;
  reader.source = &source;
  // The first chunk of a layer is whole enough to tell its compression: tarball entries come
  // peeked (512 bytes at least), files in 1 MiB reads.
  reader.on_chunk = [&raw_stage](std::string_view chunk) {
    if (raw_stage.compression.empty() && !chunk.empty()) raw_stage.compression = compression_of(chunk);
    raw_stage.hash.update(chunk);
    raw_stage.bytes += chunk.size();
  };
  ArchivePtr raw(lib->read_new(), lib->read_free);
  lib->read_support_filter_all(raw.get());
  lib->read_support_format_raw(raw.get());
  if (lib->read_open(raw.get(), &reader, nullptr, &SourceReader::read, nullptr) != ARCHIVE_OK) {
    if (reader.error) return tl::unexpected(*reader.error);
    return core::fail(core::ErrorKind::parse, fmt::format("cannot read the layer: {}", archive_message(raw.get())),
                      std::string(what));
  }
  struct archive_entry* raw_entry = nullptr;
  const int hr = lib->read_next_header(raw.get(), &raw_entry);
  if (hr != ARCHIVE_OK && hr != ARCHIVE_WARN) {
    if (reader.error) return tl::unexpected(*reader.error);
    return core::fail(core::ErrorKind::parse, "empty or unreadable layer", std::string(what));
  }

  TarStage tar_stage;
  tar_stage.raw = raw.get();
  tar_stage.stored = &raw_stage;
  tar_stage.budget = &budget;
  tar_stage.what = std::string(what);
  ArchivePtr tar(lib->read_new(), lib->read_free);
  lib->read_support_format_tar(tar.get());
  auto tar_failure = [&](std::string_view doing) -> core::Error {
    if (reader.error) return *reader.error;
    if (tar_stage.error) return *tar_stage.error;
    return core::Error{core::ErrorKind::parse, fmt::format("{}: {}", doing, archive_message(tar.get())), std::string(what)};
  };
  if (lib->read_open(tar.get(), &tar_stage, nullptr, &TarStage::read, nullptr) != ARCHIVE_OK) {
    return tl::unexpected(tar_failure("not a tar archive"));
  }
  const Limits& limits = *budget.limits;
  for (;;) {
    struct archive_entry* e = nullptr;
    const int r = lib->read_next_header(tar.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return tl::unexpected(tar_failure("not a valid tar archive"));
    DRYDOCK_TRY(path, checked_entry(lib->entry_pathname(e), budget, what));
    if (path == "/") continue;

    LayerRecord rec;
    const auto slash = path.rfind('/');
    const std::string_view base = std::string_view(path).substr(slash + 1);
    const std::string parent = slash == 0 ? std::string() : path.substr(0, slash);
    if (base.starts_with(".wh.")) {
      if (base == ".wh..wh..opq") {
        rec.kind = LayerRecord::Kind::opaque;
        rec.path = parent.empty() ? "/" : parent;
      } else if (base.starts_with(".wh..wh.")) {
        continue;  // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs), not a deletion
      } else {
        rec.kind = LayerRecord::Kind::whiteout;
        rec.path = parent + "/" + std::string(base.substr(4));
      }
      scan.records.push_back(std::move(rec));
      continue;
    }
    rec.path = std::move(path);
    rec.type = file_type(e);
    rec.mode = static_cast<std::uint32_t>(lib->entry_perm(e)) & 07777U;
    rec.uid = static_cast<std::uint32_t>(lib->entry_uid(e));
    rec.gid = static_cast<std::uint32_t>(lib->entry_gid(e));
    rec.size = lib->entry_size(e) > 0 ? static_cast<std::uint64_t>(lib->entry_size(e)) : 0;
    if (rec.type == model::FileType::hardlink) {
      // A hard link names another entry of the image; it must stay inside it like any path.
      auto target = entry_path(lib->entry_hardlink(e));
      if (!target) {
        return core::fail(core::ErrorKind::parse,
                          fmt::format("hard link {} leaves the image: {}", rec.path, target.error().message), std::string(what));
      }
      rec.link = std::move(*target);
    } else if (rec.type == model::FileType::symlink) {
      const char* target = lib->entry_symlink(e);
      rec.link = target != nullptr ? target : "";
    }
    // A file declared larger than what is left of the budget would exceed it when read: a
    // bomb (one huge file of zeros) is refused at its header instead of after inflating it.
    if (rec.size > limits.total_bytes - std::min(budget.bytes, limits.total_bytes)) {
      return tl::unexpected(limit_error(
          what, fmt::format("uncompressed size ({} bytes): {} declares {} bytes", limits.total_bytes, rec.path, rec.size)));
    }
    if (rec.type == model::FileType::regular && rec.size > 0) {
      const bool capture = policy.capture && policy.capture(rec.path, rec.size);
      const bool wants_scan = policy.scan && policy.wants_scan && policy.wants_scan(rec.path, rec.size);
      if (capture && rec.size > limits.captured_bytes) {
        return tl::unexpected(limit_error(what, fmt::format("the size of {} ({} bytes)", rec.path, limits.captured_bytes)));
      }
      if (capture || (wants_scan && rec.size <= limits.captured_bytes)) {
        DRYDOCK_TRY(content, read_content(tar.get(), rec.size, tar_stage, rec.path));
        if (wants_scan) {
          for (auto& s : policy.scan(rec.path, content)) {
            s.path = rec.path;
            scan.secrets.push_back(std::move(s));
          }
        }
        if (capture) scan.captured[rec.path] = std::move(content);
      }
    }
    scan.records.push_back(std::move(rec));
  }
  // The tar ends at its end-of-archive blocks; the rest (padding, trailing bytes) still
  // belongs to the digests.
  std::string_view block;
  do {
    if (!tar_stage.pull(block)) return tl::unexpected(tar_failure("cannot read the layer's end"));
  } while (!block.empty());
  for (;;) {
    auto chunk = source.next();
    if (!chunk) return tl::unexpected(chunk.error());
    if (chunk->empty()) break;
    reader.on_chunk(*chunk);
  }
  scan.digest = raw_stage.hash.finish();
  scan.diff_id = raw_stage.compression == "none" ? scan.digest : tar_stage.hash.finish();
  scan.compression = raw_stage.compression.empty() ? "none" : raw_stage.compression;
  scan.stored_size = raw_stage.bytes;
  scan.size = tar_stage.bytes;
  return scan;
}

}  // namespace drydock::collect::image
