#include "drydock/collect/engine/client.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <exception>
#include <new>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/collect/engine/libcurl.hpp"
#include "drydock/core/parallel.hpp"

namespace drydock::collect {
namespace {

using core::ErrorKind;

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

/// "1.41" -> {1, 41}; nullopt when it is not MAJOR.MINOR.
std::optional<std::pair<int, int>> parse_version(std::string_view v) {
  v = trim(v);
  const auto dot = v.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  int major = 0;
  int minor = 0;
  auto a = std::from_chars(v.data(), v.data() + dot, major);
  auto b = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
  if (a.ec != std::errc() || a.ptr != v.data() + dot || b.ec != std::errc() || b.ptr != v.data() + v.size() || dot == 0 ||
      dot + 1 == v.size()) {
    return std::nullopt;
  }
  return std::pair{major, minor};
}

bool is_tls_error(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

}  // namespace

// One libcurl easy handle and the state of its current transfer. A handle keeps its
// connection open between transfers (keep-alive); it is used by one thread at a time.
struct EngineClient::Handle {
  CURL* curl = nullptr;
  std::string body;
  std::string api_version;  // API-Version header of the last response
  std::size_t limit = 0;
  bool too_large = false;
  const std::function<bool(std::string_view)>* sink = nullptr;  // streaming a 2xx body
  bool stopped = false;                                         // the sink asked to stop
  char errbuf[CURL_ERROR_SIZE] = {};

  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (curl != nullptr) libcurl().easy_cleanup(curl);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& h = *static_cast<Handle*>(user);
    const std::size_t n = size * count;
    if (h.sink != nullptr) {
      long status = 0;
      libcurl().easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300) {
        if ((*h.sink)(std::string_view(data, n))) return n;
        h.stopped = true;
        return 0;
      }
    }
    if (h.body.size() + n > h.limit) {
      h.too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    h.body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& h = *static_cast<Handle*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
      h.api_version.clear();  // a new response (after an interim one)
    } else if (istarts_with(line, "api-version:")) {
      h.api_version = std::string(trim(line.substr(12)));
    } else if (istarts_with(line, "content-length:")) {
      std::size_t length = 0;
      const auto value = trim(line.substr(15));
      if (std::from_chars(value.data(), value.data() + value.size(), length).ec == std::errc()) {
        h.body.reserve(std::min(length, h.limit));
      }
    }
    return n;
  }
};

void RequestQueue::add(std::string path, Handler on_done) {
  {
    std::lock_guard lock(m_mutex);
    m_items.push_back(Item{std::move(path), std::move(on_done)});
  }
  m_changed.notify_one();
}

void RequestQueue::add(std::vector<std::pair<std::string, Handler>>&& requests) {
  if (requests.empty()) return;
  {
    std::lock_guard lock(m_mutex);
    for (auto& [path, on_done] : requests)
      m_items.push_back(Item{std::move(path), std::move(on_done)});
  }
  m_changed.notify_all();
}

EngineClient::EngineClient(Endpoint endpoint, ClientOptions options) : m_endpoint(std::move(endpoint)), m_options(options) {
  if (m_options.workers == 0) m_options.workers = 1;
  if (m_endpoint.is_unix()) {
    m_base_url = "http://localhost";
  } else {
    m_base_url = (m_endpoint.tls ? "https://" : "http://") + m_endpoint.host.substr(6);  // after "tcp://"
  }
}

EngineClient::~EngineClient() = default;

EngineClient::Handle& EngineClient::worker_handle(std::size_t worker) {
  auto& slot = m_handles[worker];
  if (!slot) slot = make_handle();
  return *slot;
}

std::unique_ptr<EngineClient::Handle> EngineClient::make_handle() const {
  const Libcurl& lib = libcurl();
  auto h = std::make_unique<Handle>();
  h->curl = lib.easy_init();
  if (h->curl == nullptr) throw std::bad_alloc();
  h->limit = m_options.max_response_bytes;
  CURL* c = h->curl;
  const long timeout_ms = static_cast<long>(m_options.timeout.count());
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  lib.easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  lib.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  lib.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  lib.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(c, CURLOPT_BUFFERSIZE, 64L * 1024L);
  lib.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_options.max_response_bytes));
  lib.easy_setopt(c, CURLOPT_USERAGENT, "drydock/" DRYDOCK_VERSION);
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, &Handle::on_body);
  lib.easy_setopt(c, CURLOPT_WRITEDATA, h.get());
  lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, &Handle::on_header);
  lib.easy_setopt(c, CURLOPT_HEADERDATA, h.get());
  if (m_endpoint.is_unix()) {
    lib.easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.unix_path().c_str());
    lib.easy_setopt(c, CURLOPT_PROXY, "");  // never send a local socket's requests to a proxy
  } else if (m_endpoint.tls) {
    const long verify = m_endpoint.tls_verify ? 1L : 0L;
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify);
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, m_endpoint.tls_verify ? 2L : 0L);
    lib.easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!m_endpoint.ca_file.empty()) lib.easy_setopt(c, CURLOPT_CAINFO, m_endpoint.ca_file.c_str());
    if (!m_endpoint.cert_file.empty()) {
      lib.easy_setopt(c, CURLOPT_SSLCERT, m_endpoint.cert_file.c_str());
      lib.easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!m_endpoint.key_file.empty()) {
      lib.easy_setopt(c, CURLOPT_SSLKEY, m_endpoint.key_file.c_str());
      lib.easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
  }
  return h;
}

core::Expected<std::string> EngineClient::request(Handle& h, std::string_view path, bool versioned,
                                                  std::string* api_version_header, std::string_view method) {
  const Libcurl& lib = libcurl();
  const std::string target = versioned ? fmt::format("/v{}{}", m_api_version, path) : std::string(path);
  const std::string what = std::string(method) + " " + target;
  const std::string url = m_base_url + target;
  h.body.clear();
  h.api_version.clear();
  h.too_large = false;
  h.errbuf[0] = '\0';
  lib.easy_setopt(h.curl, CURLOPT_URL, url.c_str());
  const CURLcode rc = lib.easy_perform(h.curl);
  if (rc != CURLE_OK) {
    const std::string detail = h.errbuf[0] != '\0' ? std::string(h.errbuf) : std::string(lib.easy_strerror(rc));
    h.body = std::string();
    if (rc == CURLE_COULDNT_CONNECT) {
      long os_errno = 0;
      lib.easy_getinfo(h.curl, CURLINFO_OS_ERRNO, &os_errno);
      return tl::unexpected(connect_error(m_endpoint, static_cast<int>(os_errno), detail));
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return core::fail(ErrorKind::timeout, fmt::format("the Docker engine at {} did not answer {} within {} ms", m_endpoint.host,
                                                        what, m_options.timeout.count()));
    }
    if (is_tls_error(rc)) {
      return core::fail(ErrorKind::tls, fmt::format("TLS error with the Docker engine at {}: {}", m_endpoint.host, detail));
    }
    if ((rc == CURLE_WRITE_ERROR && h.too_large) || rc == CURLE_FILESIZE_EXCEEDED) {
      return core::fail(ErrorKind::daemon,
                        fmt::format("the engine's answer is larger than the {} MiB limit", m_options.max_response_bytes >> 20),
                        what);
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
      return core::fail(ErrorKind::unreachable,
                        fmt::format("cannot connect to the Docker engine at {}: {}", m_endpoint.host, detail));
    }
    return core::fail(ErrorKind::unreachable,
                      fmt::format("lost the connection to the Docker engine at {} during {}: {}", m_endpoint.host, what, detail));
  }
  long status = 0;
  lib.easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
  if (api_version_header != nullptr) *api_version_header = h.api_version;
  if (status >= 200 && status < 300) return std::exchange(h.body, std::string());
  const std::string message = daemon_error_message(h.body);
  h.body = std::string();
  return core::fail(
      status == 404 ? ErrorKind::not_found : ErrorKind::daemon,
      message.empty() ? fmt::format("the engine answered HTTP {}", status) : fmt::format("{} (HTTP {})", message, status), what);
}

core::Expected<std::unique_ptr<EngineClient>> EngineClient::connect(const Endpoint& endpoint, const ClientOptions& options) {
  if (auto lib = load_libcurl(); !lib) return tl::unexpected(lib.error());
  std::unique_ptr<EngineClient> client(new EngineClient(endpoint, options));
  client->m_handles.resize(1);
  std::string header;
  auto ping = client->request(client->worker_handle(0), "/_ping", false, &header);
  if (!ping) {
    auto e = ping.error();
    if (e.kind == ErrorKind::daemon || e.kind == ErrorKind::not_found) {
      e.kind = ErrorKind::daemon;
      e.message = fmt::format("the Docker engine at {} failed its health check: {}", endpoint.host, e.message);
    }
    return tl::unexpected(std::move(e));
  }
  auto version = negotiate_api_version(header.empty() ? std::string_view("1.24") : std::string_view(header));
  if (!version) {
    auto e = version.error();
    e.where = endpoint.host;
    return tl::unexpected(std::move(e));
  }
  client->m_api_version = *version;
  return client;
}

core::Expected<bool> EngineClient::get_stream(std::string_view path, const std::function<bool(std::string_view)>& sink) {
  const Libcurl& lib = libcurl();
  std::lock_guard lock(m_mutex);
  Handle& h = worker_handle(0);
  const long stall_s = std::max(1L, static_cast<long>(m_options.timeout.count() / 1000));
  lib.easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, 0L);
  lib.easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, stall_s);
  h.sink = &sink;
  h.stopped = false;
  auto body = request(h, path, true);
  h.sink = nullptr;
  lib.easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
  lib.easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, 0L);
  lib.easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, 0L);
  if (h.stopped) return false;
  if (!body) return tl::unexpected(body.error());
  return true;
}

core::Expected<bool> EngineClient::follow(std::string_view path, const std::function<bool(std::string_view)>& sink,
                                          const std::atomic<bool>* stop) {
  // A connection of its own, outside m_mutex: get(), get_each() and run() stay usable while it
  // streams. No timeout once connected (an engine may say nothing for hours); libcurl waits in
  // poll() on the socket.
  const Libcurl& lib = libcurl();
  auto h = make_handle();
  lib.easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, 0L);
  if (!m_endpoint.is_unix()) {
    lib.easy_setopt(h->curl, CURLOPT_TCP_KEEPALIVE, 1L);
    lib.easy_setopt(h->curl, CURLOPT_TCP_KEEPIDLE, 30L);
    lib.easy_setopt(h->curl, CURLOPT_TCP_KEEPINTVL, 15L);
  }
  if (stop != nullptr) {
    // Called by libcurl about once a second while the stream is idle: the way to end it from
    // another thread.
    curl_xferinfo_callback on_progress = [](void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
      return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
    };
    lib.easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    lib.easy_setopt(h->curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(stop));
    lib.easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
  }
  h->sink = &sink;
  auto body = request(*h, path, true);
  if (h->stopped || (stop != nullptr && stop->load())) return false;
  if (!body) return tl::unexpected(body.error());
  return true;
}

core::Expected<std::string> EngineClient::post(std::string_view path, std::string_view json_body) {
  const Libcurl& lib = libcurl();
  auto h = make_handle();
  curl_slist* headers = lib.slist_append(nullptr, "Content-Type: application/json");
  lib.easy_setopt(h->curl, CURLOPT_POST, 1L);
  lib.easy_setopt(h->curl, CURLOPT_POSTFIELDS, json_body.data());
  lib.easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  lib.easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
  auto out = request(*h, path, true, nullptr, "POST");
  lib.easy_setopt(h->curl, CURLOPT_HTTPHEADER, nullptr);
  lib.slist_free_all(headers);
  return out;
}

core::Expected<std::string> EngineClient::remove(std::string_view path) {
  auto h = make_handle();
  libcurl().easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  return request(*h, path, true, nullptr, "DELETE");
}

core::Expected<std::string> EngineClient::get(std::string_view path) {
  std::lock_guard lock(m_mutex);
  return request(worker_handle(0), path, true);
}

void EngineClient::get_each(const std::vector<std::string>& paths,
                            const std::function<void(std::size_t, core::Expected<std::string>)>& fn) {
  if (paths.empty()) return;
  std::lock_guard lock(m_mutex);
  const std::size_t workers = std::min(m_options.workers, paths.size());
  if (m_handles.size() < workers) m_handles.resize(workers);
  std::mutex error_mutex;
  std::exception_ptr error;
  core::parallel_for(paths.size(), workers, [&](std::size_t worker, std::size_t i) {
    try {
      fn(i, request(worker_handle(worker), paths[i], true));
    } catch (...) {
      std::lock_guard guard(error_mutex);
      if (!error) error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

void EngineClient::run(RequestQueue& queue) {
  std::lock_guard lock(m_mutex);
  const std::size_t workers = m_options.workers;
  if (m_handles.size() < workers) m_handles.resize(workers);
  std::mutex error_mutex;
  std::exception_ptr error;
  core::parallel_for(workers, workers, [&](std::size_t worker, std::size_t) {
    for (;;) {
      RequestQueue::Item item;
      {
        std::unique_lock guard(queue.m_mutex);
        queue.m_changed.wait(guard, [&] { return !queue.m_items.empty() || queue.m_active == 0; });
        if (queue.m_items.empty()) return;
        item = std::move(queue.m_items.front());
        queue.m_items.pop_front();
        ++queue.m_active;
      }
      try {
        item.on_done(request(worker_handle(worker), item.path, true));
      } catch (...) {
        std::lock_guard guard(error_mutex);
        if (!error) error = std::current_exception();
      }
      bool finished = false;
      {
        std::lock_guard guard(queue.m_mutex);
        --queue.m_active;
        finished = queue.m_active == 0 && queue.m_items.empty();
      }
      if (finished) queue.m_changed.notify_all();
    }
  });
  if (error) std::rethrow_exception(error);
}

core::Expected<std::string> negotiate_api_version(std::string_view engine_version) {
  const auto engine = parse_version(engine_version);
  if (!engine) {
    return core::fail(ErrorKind::daemon, fmt::format("the engine reported an invalid API version \"{}\"", trim(engine_version)));
  }
  const auto ours = *parse_version(k_max_api_version);
  const auto oldest = *parse_version(k_min_api_version);
  if (*engine < oldest) {
    return core::fail(ErrorKind::daemon,
                      fmt::format("the Docker engine speaks API {}.{}, older than the oldest drydock supports ({}); "
                                  "upgrade Docker",
                                  engine->first, engine->second, k_min_api_version));
  }
  const auto chosen = std::min(*engine, ours);
  return fmt::format("{}.{}", chosen.first, chosen.second);
}

core::Error connect_error(const Endpoint& endpoint, int os_errno, std::string_view detail) {
  const std::string& host = endpoint.host;
  const bool unix_socket = endpoint.is_unix();
  switch (os_errno) {
    case ENOENT:
      return {ErrorKind::unreachable,
              fmt::format("cannot connect to the Docker engine at {}: no such socket (is Docker running? start it "
                          "with `systemctl start docker`, or point --host/DOCKER_HOST at it)",
                          host),
              {}};
    case EACCES:
    case EPERM:
      if (unix_socket) {
        return {ErrorKind::permission,
                fmt::format("permission denied on {}: run as root or join the docker group", endpoint.unix_path()),
                {}};
      }
      return {ErrorKind::permission, fmt::format("permission denied connecting to the Docker engine at {}", host), {}};
    case ECONNREFUSED:
      if (unix_socket) {
        return {ErrorKind::unreachable,
                fmt::format("cannot connect to the Docker engine at {}: connection refused (the socket exists but "
                            "nothing accepts on it; is Docker running? start it with `systemctl start docker`)",
                            host),
                {}};
      }
      return {ErrorKind::unreachable,
              fmt::format("cannot connect to the Docker engine at {}: connection refused (is the engine listening "
                          "there? check the host and port)",
                          host),
              {}};
    case ENOTSOCK:
    case ENOTDIR:
      if (!unix_socket) break;
      return {ErrorKind::unreachable,
              fmt::format("cannot connect to the Docker engine at {}: {} is not a socket", host, endpoint.unix_path()),
              {}};
    default:
      break;
  }
  std::string why = os_errno != 0 ? std::error_code(os_errno, std::generic_category()).message() : std::string(detail);
  if (why.empty()) why = "connection failed";
  return {ErrorKind::unreachable, fmt::format("cannot connect to the Docker engine at {}: {}", host, why), {}};
}

std::string daemon_error_message(std::string_view body) {
  auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (auto m = j.find("message"); m != j.end() && m->is_string()) return std::string(trim(m->get<std::string>()));
  }
  std::string_view text = trim(body);
  text = trim(text.substr(0, text.find('\n')));
  constexpr std::size_t k_limit = 300;
  if (text.size() > k_limit) return std::string(text.substr(0, k_limit)) + "...";
  return std::string(text);
}

}  // namespace drydock::collect
