#include "drydock/collect/image/source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace drydock::collect::image {

namespace {
constexpr std::size_t k_file_chunk = std::size_t{1} << 20;
}

core::Expected<FileSource> FileSource::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return core::fail(err == EACCES ? core::ErrorKind::permission : core::ErrorKind::io,
                      fmt::format("cannot open: {}", std::strerror(err)), path);
  }
  return FileSource(fd, path);
}

FileSource::FileSource(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}

FileSource::FileSource(FileSource&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)), m_buffer(std::move(other.m_buffer)) {}

FileSource::~FileSource() {
  if (m_fd >= 0) ::close(m_fd);
}

core::Expected<std::string_view> FileSource::next() {
  if (m_buffer.empty()) m_buffer.resize(k_file_chunk);
  for (;;) {
    const ssize_t n = ::read(m_fd, m_buffer.data(), m_buffer.size());
    if (n >= 0) return std::string_view(m_buffer.data(), static_cast<std::size_t>(n));
    if (errno != EINTR) return core::fail(core::ErrorKind::io, fmt::format("read failed: {}", std::strerror(errno)), m_path);
  }
}

core::Expected<std::string_view> MemorySource::next() {
  const auto n = std::min(m_chunk, m_bytes.size());
  const auto chunk = m_bytes.substr(0, n);
  m_bytes.remove_prefix(n);
  return chunk;
}

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) { EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr); }

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx)); }

void Sha256::update(std::string_view bytes) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), bytes.data(), bytes.size()); }

std::string Sha256::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), md, &len);
  std::string out = "sha256:";
  out.reserve(7 + 2 * len);
  for (unsigned int i = 0; i < len; ++i)
    out += fmt::format("{:02x}", md[i]);
  return out;
}

struct AsyncSha256::State {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::string> queue;
  std::vector<std::string> spare;  ///< buffers handed back, so the copies do not allocate
  bool done = false;
  Sha256 hash;
  std::thread worker;
};

AsyncSha256::AsyncSha256() : m_state(std::make_unique<State>()) {
  m_state->worker = std::thread([s = m_state.get()] {
    for (;;) {
      std::string chunk;
      {
        std::unique_lock lock(s->mutex);
        s->changed.wait(lock, [&] { return !s->queue.empty() || s->done; });
        if (s->queue.empty()) return;
        chunk = std::move(s->queue.front());
        s->queue.pop_front();
      }
      s->changed.notify_all();
      s->hash.update(chunk);
      chunk.clear();
      std::lock_guard lock(s->mutex);
      s->spare.push_back(std::move(chunk));
    }
  });
  m_current.reserve(k_chunk);
}

AsyncSha256::~AsyncSha256() {
  if (m_state->worker.joinable()) {
    {
      std::lock_guard lock(m_state->mutex);
      m_state->done = true;
    }
    m_state->changed.notify_all();
    m_state->worker.join();
  }
}

void AsyncSha256::flush() {
  if (m_current.empty()) return;
  std::unique_lock lock(m_state->mutex);
  m_state->changed.wait(lock, [&] { return m_state->queue.size() < k_depth; });
  m_state->queue.push_back(std::move(m_current));
  if (!m_state->spare.empty()) {
    m_current = std::move(m_state->spare.back());
    m_state->spare.pop_back();
  } else {
    m_current = std::string();
    m_current.reserve(k_chunk);
  }
  lock.unlock();
  m_state->changed.notify_all();
}

void AsyncSha256::update(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), k_chunk - m_current.size());
    m_current.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    if (m_current.size() == k_chunk) flush();
  }
}

std::string AsyncSha256::finish() {
  flush();
  {
    std::lock_guard lock(m_state->mutex);
    m_state->done = true;
  }
  m_state->changed.notify_all();
  m_state->worker.join();
  return m_state->hash.finish();
}

std::string sha256(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

}  // namespace drydock::collect::image
