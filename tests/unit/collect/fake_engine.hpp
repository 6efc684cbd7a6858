#pragma once
// A tiny HTTP/1.1 server on a unix socket (or 127.0.0.1) answering canned responses with
// keep-alive and Content-Length: a stand-in for dockerd in client and snapshot tests.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "drydock/collect/engine/endpoint.hpp"

namespace drydock::testing {

struct FakeResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
  bool hang = false;  ///< never answer (until the server stops)
};

/// The default dockerd-like answer for "/_ping" with the given API version header.
FakeResponse ping_response(const std::string& api_version);

class FakeEngine {
 public:
  /// Gets the request path ("/v1.41/version") and returns the answer; called concurrently.
  using Handler = std::function<FakeResponse(const std::string& path)>;

  /// Listens on a fresh unix socket in a temporary directory.
  static std::unique_ptr<FakeEngine> on_unix_socket(Handler handler);
  /// Listens on 127.0.0.1 on an ephemeral port.
  static std::unique_ptr<FakeEngine> on_tcp(Handler handler);

  ~FakeEngine();
  FakeEngine(const FakeEngine&) = delete;
  FakeEngine& operator=(const FakeEngine&) = delete;

  [[nodiscard]] collect::Endpoint endpoint() const;
  [[nodiscard]] const std::string& socket_path() const { return m_socket_path; }
  [[nodiscard]] const std::string& dir() const { return m_dir; }
  [[nodiscard]] std::vector<std::string> requests() const;
  [[nodiscard]] int connections() const { return m_connections; }
  [[nodiscard]] int max_in_flight() const { return m_max_in_flight; }

 private:
  explicit FakeEngine(Handler handler) : m_handler(std::move(handler)) {}
  void start();
  void serve(int fd);

  Handler m_handler;
  std::string m_dir, m_socket_path;
  int m_port = 0;
  int m_listen_fd = -1;
  std::thread m_acceptor;
  mutable std::mutex m_mutex;
  std::condition_variable m_stopped_cv;
  bool m_stopping = false;
  std::vector<int> m_conn_fds;
  std::vector<std::thread> m_conn_threads;
  std::vector<std::string> m_requests;
  std::atomic<int> m_connections{0};
  std::atomic<int> m_in_flight{0};
  std::atomic<int> m_max_in_flight{0};
};

}  // namespace drydock::testing
