#include "fake_engine.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace drydock::testing {
namespace {

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

bool send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FakeResponse ping_response(const std::string& api_version) {
  FakeResponse r;
  r.body = "OK";
  r.headers = {{"Api-Version", api_version}, {"Content-Type", "text/plain; charset=utf-8"}};
  return r;
}

std::unique_ptr<FakeEngine> FakeEngine::on_unix_socket(Handler handler) {
  std::unique_ptr<FakeEngine> e(new FakeEngine(std::move(handler)));
  char templ[] = "/tmp/drydock-fake-XXXXXX";
  if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp");
  e->m_dir = templ;
  e->m_socket_path = e->m_dir + "/docker.sock";
  e->m_listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", e->m_socket_path.c_str());
  if (::bind(e->m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
  e->start();
  return e;
}

std::unique_ptr<FakeEngine> FakeEngine::on_tcp(Handler handler) {
  std::unique_ptr<FakeEngine> e(new FakeEngine(std::move(handler)));
  e->m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(e->m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
  socklen_t len = sizeof addr;
  ::getsockname(e->m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  e->m_port = ntohs(addr.sin_port);
  e->start();
  return e;
}

void FakeEngine::start() {
  if (::listen(m_listen_fd, 64) != 0) throw std::runtime_error("listen");
  m_acceptor = std::thread([this] {
    for (;;) {
      {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return;
      }
      pollfd p{m_listen_fd, POLLIN, 0};
      if (::poll(&p, 1, 5) <= 0) continue;
      const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(m_mutex);
      if (m_stopping) {
        ::close(fd);
        return;
      }
      ++m_connections;
      m_conn_fds.push_back(fd);
      m_conn_threads.emplace_back([this, fd] { serve(fd); });
    }
  });
}

void FakeEngine::serve(int fd) {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    auto end = buffer.find("\r\n\r\n");
    while (end == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
      if (buffer.front() == '\x16') {  // a TLS ClientHello: answer like Go's plain-HTTP server does
        send_all(fd, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      end = buffer.find("\r\n\r\n");
    }
    const std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(path);
    }
    const int now = ++m_in_flight;
    for (int seen = m_max_in_flight; now > seen && !m_max_in_flight.compare_exchange_weak(seen, now);) {
    }
    FakeResponse r = m_handler(path);
    if (r.hang) {
      std::unique_lock lock(m_mutex);
      m_stopped_cv.wait(lock, [this] { return m_stopping; });
      --m_in_flight;
      return;
    }
    if (r.delay.count() > 0) std::this_thread::sleep_for(r.delay);
    std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", r.status, reason(r.status), r.body.size());
    bool has_type = false;
    for (const auto& [k, v] : r.headers) {
      out.append(k).append(": ").append(v).append("\r\n");
      has_type = has_type || k == "Content-Type";
    }
    if (!has_type) out += "Content-Type: application/json\r\n";
    out += "\r\n" + r.body;
    --m_in_flight;
    if (!send_all(fd, out)) return;
  }
}

FakeEngine::~FakeEngine() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (int fd : m_conn_fds)
      ::shutdown(fd, SHUT_RDWR);
  }
  m_stopped_cv.notify_all();
  if (m_acceptor.joinable()) m_acceptor.join();
  for (auto& t : m_conn_threads)
    t.join();
  for (int fd : m_conn_fds)
    ::close(fd);
  ::close(m_listen_fd);
  if (!m_socket_path.empty()) ::unlink(m_socket_path.c_str());
  if (!m_dir.empty()) ::rmdir(m_dir.c_str());
}

collect::Endpoint FakeEngine::endpoint() const {
  collect::Endpoint ep;
  ep.host = m_socket_path.empty() ? fmt::format("tcp://127.0.0.1:{}", m_port) : "unix://" + m_socket_path;
  ep.source = "test";
  return ep;
}

std::vector<std::string> FakeEngine::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

}  // namespace drydock::testing
