#pragma once
// A fault-injecting HTTP proxy for the integration tests: it listens on a unix socket in a
// temporary directory and forwards each request to the real engine's socket, unless a rule
// whose method and path pattern match the request says otherwise (stall, cut the body,
// rewrite the body, answer an error, stream forever, run a hook before answering).
//
// Client side: HTTP/1.1 with keep-alive, several requests per connection, as libcurl sends
// them. Engine side: one connection per request with `Connection: close`; the answer is read
// whole (Content-Length, chunked or until EOF) and re-sent with a Content-Length.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace drydock_it {

/// What a rule does to a matching request.
enum class Fault {
  pass,            ///< forward unchanged (with `hook` and `delay`, if any)
  stall,           ///< wait `delay`, then close the connection without answering
  status,          ///< answer `status` with `body` (JSON) without asking the engine
  rewrite,         ///< forward, then replace the engine's body with `rewrite(body)`
  cut_mid_body,    ///< forward the engine's head and half its body, then close
  endless_chunks,  ///< a 200 chunked JSON body that never ends: a small chunk every 50 ms
  flood,           ///< a 200 chunked body of 64 KiB chunks sent as fast as the client reads
  huge_length,     ///< a 200 announcing a 1 TiB Content-Length, then a flood of bytes
  close,           ///< close the connection as soon as the request head is read
};

struct FaultRule {
  std::string method = "GET";
  std::string path_regex;  ///< ECMAScript, searched in the request target (path and query)
  Fault fault = Fault::pass;
  std::chrono::milliseconds delay{0};  ///< before answering (pass, rewrite) or before closing (stall)
  int status = 500;
  std::string body;                                 ///< for Fault::status
  std::function<std::string(std::string)> rewrite;  ///< for Fault::rewrite
  std::function<void()> hook;                       ///< runs once per match, before the engine is asked
};

class FaultProxy {
 public:
  /// Listens on <tmpdir>/proxy.sock and forwards to `upstream` (the engine's socket).
  explicit FaultProxy(std::string upstream);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// False when the socket could not be set up (the reason is in error()).
  [[nodiscard]] bool ok() const { return m_listen_fd >= 0; }
  [[nodiscard]] const std::string& error() const { return m_error; }
  /// "unix:///tmp/.../proxy.sock", for --host.
  [[nodiscard]] std::string url() const { return "unix://" + m_socket; }

  /// Adds a rule; the first matching rule applies. Returns its index for hits().
  std::size_t add(FaultRule rule);
  /// How many requests rule `index` matched.
  [[nodiscard]] std::size_t hits(std::size_t index) const;
  /// Every request target seen ("GET /v1.45/containers/json?all=1"), in arrival order.
  [[nodiscard]] std::vector<std::string> requests() const;
  /// How many client connections were accepted, and the most requests one of them carried.
  [[nodiscard]] std::size_t connections() const { return m_connections; }
  [[nodiscard]] std::size_t max_requests_per_connection() const { return m_max_per_connection; }

  /// Lists only containers carrying this label (`key=value`): the engine is shared with
  /// other suites, whose containers come and go. Adds a `filters` query to /containers/json.
  void scope_containers(std::string label) { m_scope_label = std::move(label); }

 private:
  struct Upstream {
    bool ok = false;
    std::string status_line;           ///< "HTTP/1.1 200 OK"
    std::vector<std::string> headers;  ///< without Content-Length, Transfer-Encoding, Connection
    std::string body;
  };
  void accept_loop();
  void serve(int fd);
  Upstream forward(const std::string& method, const std::string& target, const std::vector<std::string>& headers);
  bool wait_readable(int fd, std::chrono::milliseconds timeout) const;
  std::string scoped(const std::string& target) const;

  std::string m_upstream;
  std::string m_dir;
  std::string m_socket;
  std::string m_error;
  std::string m_scope_label;
  int m_listen_fd = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_acceptor;
  mutable std::mutex m_mutex;
  std::vector<std::thread> m_workers;
  std::vector<int> m_client_fds;
  std::vector<FaultRule> m_rules;
  std::vector<std::size_t> m_hits;
  std::vector<std::string> m_requests;
  std::atomic<std::size_t> m_connections{0};
  std::atomic<std::size_t> m_max_per_connection{0};
};

}  // namespace drydock_it
