#include "drydock/collect/image/read.hpp"

#include "drydock/collect/image/libarchive.hpp"

#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "drydock/core/strings.hpp"

namespace drydock::collect::image {
namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

/// The data of the current entry of the tarball, after the bytes already peeked at.
class EntrySource final : public ByteSource {
 public:
  EntrySource(struct archive* outer, std::string_view what) : m_outer(outer), m_what(what) {}

  /// Reads until at least `n` bytes are peeked (or the entry ends); they are given first.
  core::Expected<std::string_view> peek(std::size_t n) {
    while (m_peeked.size() < n) {
      DRYDOCK_TRY(block, pull());
      if (block.empty()) break;
      m_peeked.append(block);
    }
    return std::string_view(m_peeked);
  }

  core::Expected<std::string_view> next() override {
    if (!m_peek_given) {
      m_peek_given = true;
      if (!m_peeked.empty()) return std::string_view(m_peeked);
    }
    return pull();
  }

 private:
  core::Expected<std::string_view> pull() {
    const void* data = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    const int r = libarchive().read_data_block(m_outer, &data, &size, &offset);
    if (r == ARCHIVE_EOF) return std::string_view();
    if (r < ARCHIVE_WARN)
      return core::fail(core::ErrorKind::parse, fmt::format("cannot read: {}", archive_message(m_outer)), m_what);
    return std::string_view(static_cast<const char*>(data), size);
  }

  struct archive* m_outer;
  std::string m_what;
  std::string m_peeked;
  bool m_peek_given = false;
};

/// Reads all of `source`, refusing more than `limit` bytes.
core::Expected<std::string> slurp(ByteSource& source, std::size_t limit, std::string_view what) {
  std::string out;
  for (;;) {
    DRYDOCK_TRY(chunk, source.next());
    if (chunk.empty()) return out;
    if (out.size() + chunk.size() > limit)
      return tl::unexpected(limit_error(what, fmt::format("metadata size ({} bytes)", limit)));
    out.append(chunk);
  }
}

bool is_metadata_name(std::string_view name) {
  return name == "manifest.json" || name == "index.json" || name == "oci-layout" || name == "repositories" ||
         name.ends_with(".json") || name.ends_with("/json") || name.ends_with("/VERSION");
}

bool looks_like_json(std::string_view head) {
  for (const char c : head) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{' || c == '[';
  }
  return false;
}

/// Layers are read while the tarball streams by; metadata is kept; links are names.
class TarStore final : public Store {
 public:
  explicit TarStore(std::string origin) : m_origin(std::move(origin)) {}

  bool has(std::string_view name) override { return resolve(name) != nullptr; }

  core::Expected<std::string> metadata(std::string_view name) override {
    const auto* key = resolve(name);
    if (key == nullptr) return core::fail(core::ErrorKind::parse, "missing from the tarball", where(name));
    const auto it = m_metadata.find(*key);
    if (it == m_metadata.end())
      return core::fail(core::ErrorKind::parse, "expected JSON metadata, found a layer", where(name));
    return it->second;
  }

  core::Expected<std::shared_ptr<const LayerScan>> layer(std::string_view name) override {
    const auto* key = resolve(name);
    if (key == nullptr) return core::fail(core::ErrorKind::parse, "layer missing from the tarball", where(name));
    const auto it = m_layers.find(*key);
    if (it == m_layers.end()) return core::fail(core::ErrorKind::parse, "not a layer", where(name));
    return it->second;
  }

  std::map<std::string, std::string, std::less<>> m_metadata;
  std::map<std::string, core::Expected<std::shared_ptr<const LayerScan>>, std::less<>> m_layers;
  std::map<std::string, std::string, std::less<>> m_links;  ///< entry -> the entry it links to

 private:
  /// "file.tar: blobs/sha256/..." for errors.
  [[nodiscard]] std::string where(std::string_view name) const { return m_origin + ": " + std::string(name); }

  std::string m_origin;

  /// The stored name `name` stands for, following the tarball's own links (a few hops).
  const std::string* resolve(std::string_view name) {
    std::string current(name);
    for (int hop = 0; hop < 8; ++hop) {
      if (const auto it = m_metadata.find(current); it != m_metadata.end()) return &it->first;
      if (const auto it = m_layers.find(current); it != m_layers.end()) return &it->first;
      const auto link = m_links.find(current);
      if (link == m_links.end()) return nullptr;
      current = link->second;
    }
    return nullptr;
  }
};

/// "a/b/../c" style link targets inside the tarball, relative to the link's directory.
std::optional<std::string> link_target(std::string_view entry, std::string_view target, bool hard) {
  if (target.starts_with('/')) return std::nullopt;
  std::string joined;
  if (hard) {
    joined = std::string(target);
  } else {
    const auto slash = entry.rfind('/');
    joined = (slash == std::string_view::npos ? std::string() : std::string(entry.substr(0, slash + 1))) + std::string(target);
  }
  std::vector<std::string> parts;
  for (const auto& p : core::split(joined, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (parts.empty()) return std::nullopt;  // leaves the tarball
      parts.pop_back();
    } else {
      parts.push_back(p);
    }
  }
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : "/") + p;
  return out;
}

}  // namespace

core::Expected<std::vector<model::ImageSpec>> read_archive(ByteSource& source, std::string_view origin,
                                                           const ReadOptions& options) {
  DRYDOCK_TRY(lib, load_libarchive());
  const std::string where(origin);
  SourceReader stage;
  stage.source = &source;
  ArchivePtr outer(lib->read_new(), lib->read_free);
  lib->read_support_filter_all(outer.get());
  lib->read_support_format_tar(outer.get());
  auto failure = [&](std::string_view doing) -> core::Error {
    if (stage.error) return *stage.error;
    return core::Error{core::ErrorKind::parse, fmt::format("{}: {}", doing, archive_message(outer.get())), where};
  };
  if (lib->read_open(outer.get(), &stage, nullptr, &SourceReader::read, nullptr) != ARCHIVE_OK) {
    return tl::unexpected(failure("not a tar archive"));
  }
  Budget budget{&options.limits};
  TarStore store(where);
  std::size_t metadata_total = 0;
  for (;;) {
    struct archive_entry* e = nullptr;
    const int r = lib->read_next_header(outer.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return tl::unexpected(failure("not a valid image tarball"));
    auto path = checked_entry(lib->entry_pathname(e), budget, where);
    if (!path) return tl::unexpected(path.error());
    if (path->size() <= 1) continue;  // the root
    const std::string name = path->substr(1);
    const std::string what = where + ": " + name;
    if (const char* hard = lib->entry_hardlink(e); hard != nullptr) {
      if (auto target = link_target(name, hard, true)) store.m_links[name] = *target;
      continue;
    }
    if (lib->entry_filetype(e) == AE_IFLNK) {
      const char* target = lib->entry_symlink(e);
      if (target != nullptr) {
        if (auto resolved = link_target(name, target, false)) store.m_links[name] = *resolved;
      }
      continue;
    }
    if (lib->entry_filetype(e) != AE_IFREG) continue;
    EntrySource data(outer.get(), what);
    DRYDOCK_TRY(head, data.peek(512));
    const bool blob = name.starts_with("blobs/");
    if (is_metadata_name(name) || (blob && looks_like_json(head))) {
      DRYDOCK_TRY(bytes, slurp(data, options.limits.metadata_bytes, what));
      // Kept until the end: a tarball of many large JSON files would otherwise fill memory.
      metadata_total += bytes.size();
      if (metadata_total > options.limits.metadata_total_bytes) {
        return tl::unexpected(
            limit_error(what, fmt::format("metadata size over the whole tarball ({} bytes)", options.limits.metadata_total_bytes)));
      }
      store.m_metadata[name] = std::move(bytes);
    } else if (blob || name.ends_with("layer.tar")) {
      auto scan = walk_layer(data, options.policy, budget, what);
      if (!scan) {
        if (stage.error) return tl::unexpected(*stage.error);
        // Over a limit, the rest is not read; a blob that is not a layer is an error only if used as one.
        if (budget.bytes > options.limits.total_bytes || budget.entries > options.limits.entries || !blob) {
          return tl::unexpected(scan.error());
        }
        store.m_layers.emplace(name, tl::unexpected(scan.error()));
      } else {
        store.m_layers.emplace(name, std::make_shared<const LayerScan>(std::move(*scan)));
      }
    }
  }
  return assemble(store, options, origin);
}

namespace {

/// An OCI layout directory: files read when the manifests name them.
class DirStore final : public Store {
 public:
  DirStore(std::filesystem::path root, const ReadOptions& options) : m_root(std::move(root)), m_options(options) {}

  bool has(std::string_view name) override {
    std::error_code ec;
    return std::filesystem::is_regular_file(m_root / name, ec);
  }

  core::Expected<std::string> metadata(std::string_view name) override {
    DRYDOCK_TRY(source, FileSource::open((m_root / name).string()));
    return slurp(source, m_options.limits.metadata_bytes, (m_root / name).string());
  }

  core::Expected<std::shared_ptr<const LayerScan>> layer(std::string_view name) override {
    if (const auto it = m_cache.find(name); it != m_cache.end()) return it->second;
    const std::string path = (m_root / name).string();
    DRYDOCK_TRY(source, FileSource::open(path));
    DRYDOCK_TRY(scan, walk_layer(source, m_options.policy, m_budget, path));
    auto shared = std::make_shared<const LayerScan>(std::move(scan));
    m_cache.emplace(std::string(name), shared);
    return shared;
  }

 private:
  std::filesystem::path m_root;
  const ReadOptions& m_options;
  Budget m_budget{&m_options.limits};
  std::map<std::string, std::shared_ptr<const LayerScan>, std::less<>> m_cache;
};

}  // namespace

core::Expected<std::vector<model::ImageSpec>> read_path(const std::string& path, const ReadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(path) / "index.json", ec)) {
      return core::fail(core::ErrorKind::io, "a directory without index.json is not an OCI image layout", path);
    }
    DirStore store(path, options);
    return assemble(store, options, path);
  }
  DRYDOCK_TRY(source, FileSource::open(path));
  return read_archive(source, path, options);
}

}  // namespace drydock::collect::image
