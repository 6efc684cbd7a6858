#include "fault_proxy.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

namespace drydock_it {
namespace {

constexpr std::size_t k_max_head = 64 * 1024;
constexpr auto k_slice = std::chrono::milliseconds(20);

bool iequals_prefix(const std::string& line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

std::string header_value(const std::string& line) {
  const auto colon = line.find(':');
  if (colon == std::string::npos) return {};
  std::string v = line.substr(colon + 1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())) != 0)
    v.erase(0, 1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())) != 0)
    v.pop_back();
  return v;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

/// Splits a response or request head into its first line and header lines.
std::vector<std::string> head_lines(const std::string& head) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    lines.push_back(head.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

/// Decodes a chunked body; false when it is cut short.
bool dechunk(const std::string& raw, std::string& out) {
  std::size_t pos = 0;
  for (;;) {
    const auto eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    const std::size_t size = std::strtoull(raw.substr(pos, eol - pos).c_str(), nullptr, 16);
    pos = eol + 2;
    if (size == 0) return true;
    if (pos + size > raw.size()) return false;
    out.append(raw, pos, size);
    pos += size + 2;
  }
}

}  // namespace

FaultProxy::FaultProxy(std::string upstream) : m_upstream(std::move(upstream)) {
  char templ[] = "/tmp/drydock-it-proxy-XXXXXX";
  if (::mkdtemp(templ) == nullptr) {
    m_error = std::string("mkdtemp: ") + std::strerror(errno);
    return;
  }
  m_dir = templ;
  m_socket = m_dir + "/proxy.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, m_socket.c_str(), m_socket.size());
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    m_error = std::string("cannot listen on ") + m_socket + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return;
  }
  m_listen_fd = fd;
  m_acceptor = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  m_stop = true;
  if (m_acceptor.joinable()) m_acceptor.join();
  {
    std::lock_guard lock(m_mutex);
    for (int fd : m_client_fds)
      ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : m_workers)
    t.join();
  for (int fd : m_client_fds)
    ::close(fd);
  if (m_listen_fd >= 0) ::close(m_listen_fd);
  if (!m_socket.empty()) ::unlink(m_socket.c_str());
  if (!m_dir.empty()) ::rmdir(m_dir.c_str());
}

std::size_t FaultProxy::add(FaultRule rule) {
  std::lock_guard lock(m_mutex);
  m_rules.push_back(std::move(rule));
  m_hits.push_back(0);
  return m_rules.size() - 1;
}

std::size_t FaultProxy::hits(std::size_t index) const {
  std::lock_guard lock(m_mutex);
  return index < m_hits.size() ? m_hits[index] : 0;
}

std::vector<std::string> FaultProxy::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

bool FaultProxy::wait_readable(int fd, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!m_stop) {
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(k_slice.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
  return false;
}

void FaultProxy::accept_loop() {
  while (!m_stop) {
    if (!wait_readable(m_listen_fd, std::chrono::hours(24))) continue;
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++m_connections;
    std::lock_guard lock(m_mutex);
    m_client_fds.push_back(fd);
    m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

std::string FaultProxy::scoped(const std::string& target) const {
  if (m_scope_label.empty()) return target;
  const std::string path = target.substr(0, target.find('?'));
  if (!path.ends_with("/containers/json")) return target;
  // filters={"label":["<label>"]}, percent-encoded; a label is letters, digits, ".-_" and one "=".
  std::string label = m_scope_label;
  if (const auto eq = label.find('='); eq != std::string::npos) label.replace(eq, 1, "%3D");
  const std::string filter = "%7B%22label%22%3A%5B%22" + label + "%22%5D%7D";
  return target + (target.find('?') == std::string::npos ? "?" : "&") + "filters=" + filter;
}

void FaultProxy::serve(int fd) {
  std::string pending;
  std::size_t served = 0;
  auto sleep_for = [&](std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (!m_stop && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(k_slice);
  };
  for (;;) {
    // The request head; libcurl sends the next request on the same connection.
    std::size_t head_end = std::string::npos;
    while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
      if (pending.size() > k_max_head || !wait_readable(fd, std::chrono::minutes(2))) {
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      char buf[8192];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      pending.append(buf, static_cast<std::size_t>(n));
    }
    const auto lines = head_lines(pending.substr(0, head_end));
    pending.erase(0, head_end + 4);
    if (lines.empty()) return;
    const auto sp1 = lines[0].find(' ');
    const auto sp2 = lines[0].rfind(' ');
    if (sp1 == std::string::npos || sp2 <= sp1) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    const std::string method = lines[0].substr(0, sp1);
    const std::string target = lines[0].substr(sp1 + 1, sp2 - sp1 - 1);
    std::vector<std::string> headers;
    bool client_closes = false;
    std::size_t request_body = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      if (iequals_prefix(lines[i], "connection:")) {
        client_closes = header_value(lines[i]) == "close";
        continue;
      }
      if (iequals_prefix(lines[i], "content-length:")) request_body = std::strtoull(header_value(lines[i]).c_str(), nullptr, 10);
      headers.push_back(lines[i]);
    }
    while (pending.size() < request_body) {
      char buf[8192];
      if (!wait_readable(fd, std::chrono::seconds(30))) return;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      pending.append(buf, static_cast<std::size_t>(n));
    }
    pending.erase(0, request_body);  // GETs carry none; a body is not forwarded
    ++served;
    m_max_per_connection = std::max(m_max_per_connection.load(), served);

    FaultRule rule;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(method + " " + target);
      for (std::size_t i = 0; i < m_rules.size(); ++i) {
        if (m_rules[i].method == method && std::regex_search(target, std::regex(m_rules[i].path_regex))) {
          rule = m_rules[i];
          ++m_hits[i];
          break;
        }
      }
    }

    switch (rule.fault) {
      case Fault::close:
        ::shutdown(fd, SHUT_RDWR);
        return;
      case Fault::stall:
        sleep_for(rule.delay);
        ::shutdown(fd, SHUT_RDWR);
        return;
      case Fault::status: {
        if (rule.hook) rule.hook();
        const std::string reply =
            "HTTP/1.1 " + std::to_string(rule.status) +
            " Injected\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(rule.body.size()) + "\r\n\r\n" +
            rule.body;
        if (!send_all(fd, reply)) return;
        break;
      }
      case Fault::endless_chunks: {
        if (!send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("[")))
          return;
        while (!m_stop && send_all(fd, chunk(R"({"Id":"0123456789ab","Names":["/endless"]},)")))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      case Fault::flood:
      case Fault::huge_length: {
        // JSON whitespace after "[": the body is valid so far, whatever its length.
        const std::string block(64 * 1024, ' ');
        const bool chunked = rule.fault == Fault::flood;
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
        head += chunked ? "Transfer-Encoding: chunked\r\n\r\n" + chunk("[") : "Content-Length: 1099511627776\r\n\r\n[";
        if (!send_all(fd, head)) return;
        const std::string piece = chunked ? chunk(block) : block;
        while (!m_stop && send_all(fd, piece)) {
        }
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      case Fault::pass:
      case Fault::rewrite:
      case Fault::cut_mid_body: {
        sleep_for(rule.delay);
        Upstream up = forward(method, scoped(target), headers);
        if (rule.hook) rule.hook();
        if (!up.ok) {
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        if (rule.fault == Fault::rewrite) up.body = rule.rewrite(up.body);
        std::string head = up.status_line + "\r\n";
        for (const auto& h : up.headers)
          head += h + "\r\n";
        head += "Content-Length: " + std::to_string(up.body.size()) + "\r\n\r\n";
        if (rule.fault == Fault::cut_mid_body) {
          send_all(fd, head + up.body.substr(0, up.body.size() / 2));
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        if (!send_all(fd, head + up.body)) return;
        break;
      }
    }
    if (client_closes) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

FaultProxy::Upstream FaultProxy::forward(const std::string& method, const std::string& target,
                                         const std::vector<std::string>& headers) {
  Upstream up;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return up;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, m_upstream.c_str(), std::min(m_upstream.size(), sizeof addr.sun_path - 1));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return up;
  }
  std::string request = method + " " + target + " HTTP/1.1\r\n";
  for (const auto& h : headers) {
    if (!iequals_prefix(h, "keep-alive:")) request += h + "\r\n";
  }
  request += "Connection: close\r\n\r\n";
  std::string raw;
  if (send_all(fd, request)) {
    char buf[65536];
    while (wait_readable(fd, std::chrono::seconds(60))) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      raw.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return up;
  auto lines = head_lines(raw.substr(0, head_end));
  std::string body = raw.substr(head_end + 4);
  bool chunked = false;
  std::optional<std::size_t> length;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto& h = lines[i];
    if (iequals_prefix(h, "transfer-encoding:")) {
      chunked = header_value(h).find("chunked") != std::string::npos;
    } else if (iequals_prefix(h, "content-length:")) {
      length = std::strtoull(header_value(h).c_str(), nullptr, 10);
    } else if (!iequals_prefix(h, "connection:")) {
      up.headers.push_back(h);
    }
  }
  up.status_line = lines[0];
  if (chunked) {
    if (!dechunk(body, up.body)) return up;
  } else if (length) {
    if (body.size() < *length) return up;
    up.body = body.substr(0, *length);
  } else {
    up.body = std::move(body);
  }
  up.ok = true;
  return up;
}

}  // namespace drydock_it
