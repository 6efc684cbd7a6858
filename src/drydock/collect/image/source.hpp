#pragma once
/// Byte streams the image reader pulls from: a file, a tar entry, an engine response.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"

namespace drydock::collect::image {

/// A stream of bytes read in chunks. next() returns the next chunk, valid until the next
/// call; an empty chunk means the end.
class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  virtual ~ByteSource() = default;
  virtual core::Expected<std::string_view> next() = 0;
};

/// A file read with read(2) in large chunks; never mapped, never seeked.
class FileSource final : public ByteSource {
 public:
  /// Opens `path` read-only.
  static core::Expected<FileSource> open(const std::string& path);
  FileSource(FileSource&& other) noexcept;
  FileSource& operator=(FileSource&&) = delete;
  ~FileSource() override;
  core::Expected<std::string_view> next() override;

 private:
  FileSource(int fd, std::string path);
  int m_fd = -1;
  std::string m_path;
  std::vector<char> m_buffer;
};

/// Bytes already in memory (tests, small blobs).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes, std::size_t chunk = std::size_t{1} << 16) : m_bytes(bytes), m_chunk(chunk) {}
  core::Expected<std::string_view> next() override;

 private:
  std::string_view m_bytes;
  std::size_t m_chunk;
};

/// Incremental SHA-256 ("sha256:<hex>").
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  /// The digest of everything given so far, "sha256:" and 64 lowercase hex digits.
  std::string finish();

 private:
  void* m_ctx;
};

/// SHA-256 computed on a thread of its own, so that hashing a layer overlaps with reading and
/// walking it. update() copies the bytes into a bounded queue (at most k_depth chunks of
/// k_chunk bytes in flight) and blocks only when the hashing thread falls that far behind.
class AsyncSha256 {
 public:
  static constexpr std::size_t k_chunk = std::size_t{1} << 20;
  static constexpr std::size_t k_depth = 8;
  AsyncSha256();
  ~AsyncSha256();
  AsyncSha256(const AsyncSha256&) = delete;
  AsyncSha256& operator=(const AsyncSha256&) = delete;
  void update(std::string_view bytes);
  /// Waits for the thread and returns the digest, "sha256:<hex>". Call once.
  std::string finish();

 private:
  struct State;
  void flush();
  std::unique_ptr<State> m_state;
  std::string m_current;
};

/// The digest of `bytes`, "sha256:<hex>".
std::string sha256(std::string_view bytes);

}  // namespace drydock::collect::image
