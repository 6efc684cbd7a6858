#include "drydock/collect/files.hpp"

#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace drydock::collect {

namespace {

core::Expected<std::string> read_stream(std::istream& in, const std::string& path, std::size_t limit) {
  std::string out;
  std::array<char, 65536> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    out.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) {
      return core::fail(core::ErrorKind::io, "larger than the limit of " + std::to_string(limit >> 20U) + " MiB", path);
    }
  }
  if (in.bad()) return core::fail(core::ErrorKind::io, "read error", path);
  return out;
}

}  // namespace

core::Expected<std::string> read_input(const std::string& path, std::size_t limit) {
  if (path == "-") return read_stream(std::cin, "(stdin)", limit);
  // open + fstat + one read: the checks need the whole file, and an ifstream's buffers cost more
  // than the lint of a small Dockerfile (a system call costs ~6 us on a VM). O_NONBLOCK: a FIFO
  // named by mistake must not hang us.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return core::fail(core::ErrorKind::not_found, "no such file", path);
    return core::fail(core::ErrorKind::permission, "cannot open the file for reading", path);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return core::fail(core::ErrorKind::io, "cannot stat the file", path);
  if (!S_ISREG(st.st_mode)) return core::fail(core::ErrorKind::io, "not a regular file", path);
  std::string out;
  out.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), limit) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (out.size() > limit) break;
      out.resize(std::min(out.size() * 2, limit + 1));  // the file grew since fstat
    }
    const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail(core::ErrorKind::io, "read error", path);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    // A regular file's read comes up short only at its end: no second read to see the 0. (Not
    // for a size of 0, which /proc's files give.)
    if (st.st_size > 0 && used < out.size() && used >= static_cast<std::size_t>(st.st_size)) break;
  }
  if (used > limit) {
    return core::fail(core::ErrorKind::io, "larger than the limit of " + std::to_string(limit >> 20U) + " MiB", path);
  }
  out.resize(used);
  return out;
}

namespace {

/// An io_uring with a table of `k_batch` direct descriptors: each file of a batch is a chain
/// open (into its slot) -> read -> read -> close, hard-linked so that every step runs whatever
/// the one before gave and the slot is always freed. The second read (one byte) must give 0:
/// the first one ended at the end of the file.
class BatchReader {
 public:
  static constexpr unsigned k_batch = 32;
  static constexpr std::size_t k_buffer = 128U << 10U;  // per file; larger files are read again

  /// A reader, or nothing where io_uring cannot be set up.
  static std::unique_ptr<BatchReader> open(std::size_t limit) {
    auto r = std::unique_ptr<BatchReader>(new BatchReader(limit));
    if (io_uring_queue_init(k_batch * 4, &r->m_ring, 0) != 0) return nullptr;
    r->m_ready = true;
    if (io_uring_register_files_sparse(&r->m_ring, k_batch) != 0) return nullptr;
    return r;
  }
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;
  ~BatchReader() {
    if (m_ready) io_uring_queue_exit(&m_ring);
  }

  /// Reads `paths` (at most k_batch of them); text(j) is then paths[j]'s text, or nothing when
  /// read_input must read it. False when the ring itself failed (or the kernel does not know
  /// these operations): read the rest one by one.
  bool read(std::span<const std::string> paths) {
    const auto n = static_cast<unsigned>(paths.size());
    for (unsigned j = 0; j < n; ++j) {
      io_uring_sqe* sqe = io_uring_get_sqe(&m_ring);
      // No O_CLOEXEC: a direct descriptor is in no file table (the kernel refuses the flag).
      io_uring_prep_openat_direct(sqe, AT_FDCWD, paths[j].c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, j);
      sqe->flags |= IOSQE_IO_HARDLINK;
      sqe->user_data = tag(j, 0);
      sqe = io_uring_get_sqe(&m_ring);
      io_uring_prep_read(sqe, static_cast<int>(j), slot(j), static_cast<unsigned>(m_capacity), -1);  // -1: the file's offset
      sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
      sqe->user_data = tag(j, 1);
      sqe = io_uring_get_sqe(&m_ring);
      io_uring_prep_read(sqe, static_cast<int>(j), &m_probe, 1, -1);
      sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
      sqe->user_data = tag(j, 2);
      sqe = io_uring_get_sqe(&m_ring);
      io_uring_prep_close_direct(sqe, j);
      sqe->user_data = tag(j, 3);
    }
    const unsigned want = n * 4;
    const int submitted = io_uring_submit(&m_ring);
    if (submitted != static_cast<int>(want)) return settle(submitted > 0 ? static_cast<unsigned>(submitted) : 0);
    bool known = true;
    for (unsigned left = want; left > 0; --left) {
      io_uring_cqe* cqe = nullptr;
      if (!wait(cqe)) return abandon();
      const auto j = static_cast<unsigned>(cqe->user_data >> 2U);
      const auto step = static_cast<unsigned>(cqe->user_data & 3U);
      const int res = cqe->res;
      io_uring_cqe_seen(&m_ring, cqe);
      if (res == -EINVAL && step != 3) known = false;  // an operation this kernel does not have
      if (step == 0) m_opened[j] = res >= 0;
      if (step == 1) m_got[j] = res;
      if (step == 2) m_after[j] = res;
    }
    return known;
  }

  [[nodiscard]] std::optional<std::string_view> text(unsigned j) const {
    // Read whole in one read: opened, something read, less than the buffer, then the end.
    if (!m_opened[j] || m_got[j] <= 0 || static_cast<std::size_t>(m_got[j]) >= m_capacity || m_after[j] != 0) return std::nullopt;
    return std::string_view(slot(j), static_cast<std::size_t>(m_got[j]));
  }

 private:
  explicit BatchReader(std::size_t limit)
      : m_capacity(std::min(k_buffer, limit + 1)), m_buffers(new char[k_batch * m_capacity]) {}
  static std::uint64_t tag(unsigned j, unsigned step) { return (std::uint64_t{j} << 2U) | step; }
  [[nodiscard]] char* slot(unsigned j) const { return m_buffers.get() + std::size_t{j} * m_capacity; }
  bool wait(io_uring_cqe*& cqe) {
    int r = 0;
    do {
      r = io_uring_wait_cqe(&m_ring, &cqe);
    } while (r == -EINTR);
    return r == 0;
  }
  /// After a submission that did not take the whole batch: waits for what was taken, so that
  /// no buffer is written after this returns.
  bool settle(unsigned submitted) {
    for (; submitted > 0; --submitted) {
      io_uring_cqe* cqe = nullptr;
      if (!wait(cqe)) return abandon();
      io_uring_cqe_seen(&m_ring, cqe);
    }
    return false;
  }
  /// The ring no longer answers while reads may be in flight: the buffers are left to them
  /// (never freed) rather than freed under them.
  bool abandon() {
    (void)m_buffers.release();
    return false;
  }

  io_uring m_ring{};
  bool m_ready = false;
  std::size_t m_capacity;
  std::unique_ptr<char[]> m_buffers;  // k_batch buffers of m_capacity bytes, not zeroed
  char m_probe = 0;
  std::array<bool, k_batch> m_opened{};
  std::array<int, k_batch> m_got{};
  std::array<int, k_batch> m_after{};
};

}  // namespace

void read_files(std::span<const std::string> paths, std::size_t limit,
                const std::function<void(std::size_t, core::Expected<std::string_view>)>& each, ReadMode mode) {
  std::unique_ptr<BatchReader> reader;
  if (mode == ReadMode::batched && paths.size() > 1) reader = BatchReader::open(limit);
  const auto one = [&](std::size_t i) {
    auto text = read_input(paths[i], limit);
    if (text)
      each(i, std::string_view(*text));
    else
      each(i, tl::unexpected(std::move(text).error()));
  };
  for (std::size_t first = 0; first < paths.size(); first += BatchReader::k_batch) {
    const std::size_t n = std::min<std::size_t>(BatchReader::k_batch, paths.size() - first);
    if (reader && !reader->read(paths.subspan(first, n))) reader.reset();
    for (std::size_t j = 0; j < n; ++j) {
      const auto text = reader ? reader->text(static_cast<unsigned>(j)) : std::nullopt;
      if (text)
        each(first + j, *text);
      else
        one(first + j);
    }
  }
}

bool is_dockerfile_name(std::string_view name) {
  const auto lower_ends = [&](std::string_view suffix) {
    if (name.size() <= suffix.size()) return false;
    const auto tail = name.substr(name.size() - suffix.size());
    return std::equal(tail.begin(), tail.end(), suffix.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return name == "Dockerfile" || name == "Containerfile" || name.starts_with("Dockerfile.") ||
         name.starts_with("Containerfile.") || lower_ends(".dockerfile");
}

std::vector<std::string> find_dockerfiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    std::error_code type_ec;
    if (it->is_symlink(type_ec)) continue;
    if (it->is_directory(type_ec)) {
      if (name.starts_with('.') || name == "node_modules") it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(type_ec) && is_dockerfile_name(name)) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace drydock::collect
