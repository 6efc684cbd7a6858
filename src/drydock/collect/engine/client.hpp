#pragma once
/// The Docker Engine API client: HTTP/1.1 over a unix socket or TCP(+TLS), with libcurl,
/// keep-alive connections and a negotiated API version. The audits only GET; `post` and
/// `remove` exist for the one command that acts (`drydock fleet` creates and removes a service).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/core/error.hpp"

namespace drydock::collect {

/// The newest API version drydock speaks, and the oldest it accepts.
inline constexpr std::string_view k_max_api_version = "1.45";
inline constexpr std::string_view k_min_api_version = "1.24";

struct ClientOptions {
  std::chrono::milliseconds timeout{10000};                 ///< per request, connecting included
  std::size_t workers = 8;                                  ///< requests in flight in get_each / run
  std::size_t max_response_bytes = std::size_t{256} << 20;  ///< larger responses are an error
};

/// A set of GETs that may grow while it runs: a completion handler may add() more requests
/// (e.g. an inspect's handler adds the container's exec sessions). Used with EngineClient::run.
class RequestQueue {
 public:
  /// Receives the body (2xx) or the error, on a worker thread.
  using Handler = std::function<void(core::Expected<std::string>)>;
  /// Adds a GET of a versioned path; callable from handlers while the queue runs.
  void add(std::string path, Handler on_done);
  /// Adds several, in this order, at once (one lock, one wake-up of the workers): a host's
  /// thousands of inspects are queued without waking a worker per request.
  void add(std::vector<std::pair<std::string, Handler>>&& requests);

 private:
  friend class EngineClient;
  struct Item {
    std::string path;
    Handler on_done;
  };
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Item> m_items;
  std::size_t m_active = 0;
};

class EngineClient {
 public:
  /// Connects, pings (`/_ping`, whose API-Version header names the engine's newest version)
  /// and negotiates min(engine's version, k_max_api_version); an engine older than
  /// k_min_api_version is refused. A missing header means 1.24, as the docker CLI assumes.
  static core::Expected<std::unique_ptr<EngineClient>> connect(const Endpoint& endpoint, const ClientOptions& options);

  ~EngineClient();
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  /// GET of a versioned path ("/containers/json?all=1" -> "/v1.41/containers/json?all=1").
  /// 2xx -> the body, whatever it is. Otherwise ErrorKind::not_found (404) or daemon, with the
  /// engine's {"message": ...} text and the status; transport failures as in connect().
  core::Expected<std::string> get(std::string_view path);

  /// POST of a JSON body to a versioned path ("/services/create"), on a connection of its own.
  /// 2xx -> the response body; errors as in get().
  core::Expected<std::string> post(std::string_view path, std::string_view json_body);

  /// DELETE of a versioned path ("/services/ID"), on a connection of its own; errors as in get().
  core::Expected<std::string> remove(std::string_view path);

  /// GET of a versioned path whose 2xx body goes to `sink` chunk by chunk as it arrives, with
  /// no size limit and no overall timeout (a stall of `timeout` still ends it); `sink` returns
  /// false to stop. An error status or a failure as in get(); true when the body was complete.
  core::Expected<bool> get_stream(std::string_view path, const std::function<bool(std::string_view)>& sink);

  /// Follows a streaming GET (`/events?since=...`) on a connection of its own: `sink` gets the
  /// 2xx body chunk by chunk as the engine sends it, for as long as the engine keeps the stream
  /// open. No timeout once connected and no polling: the thread waits on the socket. Ends when
  /// the engine closes the stream (true; an error when the connection broke), when `sink` returns
  /// false or when `*stop` becomes true (checked about once a second; false). May run on one
  /// thread while others use get(), get_each() and run().
  core::Expected<bool> follow(std::string_view path, const std::function<bool(std::string_view)>& sink,
                              const std::atomic<bool>* stop = nullptr);

  /// GETs every path, `workers` at a time; each worker owns one keep-alive connection.
  /// fn(index, result) runs on the worker thread as each response arrives, so callers parse
  /// while other requests are in flight. fn must not call this client. Returns when all are done.
  void get_each(const std::vector<std::string>& paths, const std::function<void(std::size_t, core::Expected<std::string>)>& fn);

  /// Runs every request of `queue`, including those its handlers add while it runs,
  /// `workers` at a time, and returns when none is left. Handlers must not call this client
  /// (they add to the queue instead).
  void run(RequestQueue& queue);

  [[nodiscard]] const std::string& api_version() const { return m_api_version; }
  [[nodiscard]] const Endpoint& endpoint() const { return m_endpoint; }
  [[nodiscard]] const ClientOptions& options() const { return m_options; }

 private:
  struct Handle;
  EngineClient(Endpoint endpoint, ClientOptions options);
  Handle& worker_handle(std::size_t worker);
  [[nodiscard]] std::unique_ptr<Handle> make_handle() const;
  core::Expected<std::string> request(Handle& handle, std::string_view path, bool versioned,
                                      std::string* api_version_header = nullptr, std::string_view method = "GET");

  Endpoint m_endpoint;
  ClientOptions m_options;
  std::string m_base_url;  ///< "http://localhost" for unix sockets, else http(s)://host:port[/base]
  std::string m_api_version;
  std::mutex m_mutex;                              ///< one get / get_each / run at a time
  std::vector<std::unique_ptr<Handle>> m_handles;  ///< [0] pings and serves get(); others lazily
};

/// Picks the API version to speak with an engine whose newest version is `engine_version`.
core::Expected<std::string> negotiate_api_version(std::string_view engine_version);

/// The one-line error for a connection that failed with `os_errno` (ENOENT, EACCES,
/// ECONNREFUSED, ...); `detail` is the transport's own message, used for other errnos.
core::Error connect_error(const Endpoint& endpoint, int os_errno, std::string_view detail);

/// The message an engine error response carries: the "message" of a JSON body, else the
/// body's first line (bounded), else "".
std::string daemon_error_message(std::string_view body);

}  // namespace drydock::collect
