#include "drydock/collect/engine/client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "fake_engine.hpp"

namespace drydock::collect {
namespace {

using testing::FakeEngine;
using testing::FakeResponse;
using testing::ping_response;

ClientOptions fast() {
  ClientOptions o;
  o.timeout = std::chrono::milliseconds(3000);
  return o;
}

/// A server speaking `api` whose every other answer echoes the path.
FakeEngine::Handler echo(const std::string& api) {
  return [api](const std::string& path) {
    if (path == "/_ping") return ping_response(api);
    FakeResponse r;
    r.body = "{\"path\":\"" + path + "\"}";
    return r;
  };
}

TEST(Negotiate, Versions) {
  EXPECT_EQ(*negotiate_api_version("1.41"), "1.41");
  EXPECT_EQ(*negotiate_api_version("1.45"), "1.45");
  EXPECT_EQ(*negotiate_api_version("1.50"), "1.45");
  EXPECT_EQ(*negotiate_api_version("2.0"), "1.45");
  EXPECT_EQ(*negotiate_api_version("1.24"), "1.24");
}

TEST(Negotiate, Refusals) {
  auto old = negotiate_api_version("1.12");
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message.find("1.12"), std::string::npos);
  EXPECT_NE(old.error().message.find("1.24"), std::string::npos);
  EXPECT_FALSE(negotiate_api_version("abc"));
  EXPECT_FALSE(negotiate_api_version("1."));
  EXPECT_FALSE(negotiate_api_version("1.4x"));
}

TEST(EngineClient, NegotiatesTheEnginesVersion) {
  auto server = FakeEngine::on_unix_socket(echo("1.41"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  EXPECT_EQ((*client)->api_version(), "1.41");
  auto body = (*client)->get("/containers/json?all=1");
  ASSERT_TRUE(body) << body.error().describe();
  EXPECT_EQ(*body, R"({"path":"/v1.41/containers/json?all=1"})");
}

TEST(EngineClient, CapsAtOurNewestVersion) {
  auto server = FakeEngine::on_unix_socket(echo("1.50"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  EXPECT_EQ((*client)->api_version(), "1.45");
  EXPECT_EQ(*(*client)->get("/info"), R"({"path":"/v1.45/info"})");
}

TEST(EngineClient, MissingVersionHeaderMeans124) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    FakeResponse r;
    r.body = path == "/_ping" ? "OK" : "{}";
    return r;
  });
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  EXPECT_EQ((*client)->api_version(), "1.24");
}

TEST(EngineClient, RefusesTooOldEngines) {
  auto server = FakeEngine::on_unix_socket(echo("1.12"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::daemon);
  EXPECT_NE(client.error().message.find("older than the oldest drydock supports"), std::string::npos);
}

TEST(EngineClient, DaemonErrors) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    if (path == "/_ping") return ping_response("1.41");
    FakeResponse r;
    if (path.ends_with("/gone/json")) {
      r.status = 404;
      r.body = R"({"message":"No such container: gone"})";
    } else if (path.ends_with("/broken/json")) {
      r.status = 500;
      r.body = "{\"message\":\"runtime exploded\"}\n";
    } else if (path.ends_with("/text/json")) {
      r.status = 500;
      r.body = "internal failure\nsecond line";
    } else if (path.ends_with("/empty/json")) {
      r.status = 409;
    } else {
      r.body = "{this is not json";  // returned as-is: parsing is the caller's business
    }
    return r;
  });
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  auto& c = **client;

  auto gone = c.get("/containers/gone/json");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(gone.error().message, "No such container: gone (HTTP 404)");
  EXPECT_EQ(gone.error().where, "GET /v1.41/containers/gone/json");

  auto broken = c.get("/containers/broken/json");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, core::ErrorKind::daemon);
  EXPECT_EQ(broken.error().message, "runtime exploded (HTTP 500)");

  auto text = c.get("/containers/text/json");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "internal failure (HTTP 500)");

  auto empty = c.get("/containers/empty/json");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "the engine answered HTTP 409");

  auto malformed = c.get("/containers/ok/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(*malformed, "{this is not json");

  // Every request above reused the one keep-alive connection.
  EXPECT_EQ(server->connections(), 1);
}

TEST(EngineClient, PingFailure) {
  auto server = FakeEngine::on_unix_socket([](const std::string&) {
    FakeResponse r;
    r.status = 404;
    r.body = "404 page not found";
    return r;
  });
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::daemon);
  EXPECT_NE(client.error().message.find("health check"), std::string::npos) << client.error().message;
}

TEST(EngineClient, ResponseSizeIsBounded) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    if (path == "/_ping") return ping_response("1.41");
    FakeResponse r;
    r.body = std::string(4096, 'x');
    return r;
  });
  auto opts = fast();
  opts.max_response_bytes = 1024;
  auto client = EngineClient::connect(server->endpoint(), opts);
  ASSERT_TRUE(client) << client.error().describe();
  auto big = (*client)->get("/big");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("limit"), std::string::npos) << big.error().message;
  // The client is still usable afterwards.
  opts.max_response_bytes = 8192;
  auto client2 = EngineClient::connect(server->endpoint(), opts);
  ASSERT_TRUE(client2);
  EXPECT_TRUE((*client2)->get("/big"));
}

TEST(EngineClient, SocketMissing) {
  Endpoint ep;
  ep.host = "unix:///tmp/drydock-no-such-dir/docker.sock";
  auto client = EngineClient::connect(ep, fast());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::unreachable);
  EXPECT_EQ(client.error().message,
            "cannot connect to the Docker engine at unix:///tmp/drydock-no-such-dir/docker.sock: no such socket (is "
            "Docker running? start it with `systemctl start docker`, or point --host/DOCKER_HOST at it)");
}

TEST(EngineClient, ConnectionRefused) {
  // A socket file nobody listens on.
  char templ[] = "/tmp/drydock-refused-XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  const std::string path = std::string(templ) + "/docker.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  Endpoint ep;
  ep.host = "unix://" + path;
  auto client = EngineClient::connect(ep, fast());
  ::unlink(path.c_str());
  ::rmdir(templ);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::unreachable);
  EXPECT_NE(client.error().message.find("connection refused"), std::string::npos) << client.error().message;
}

TEST(EngineClient, PermissionDenied) {
  auto server = FakeEngine::on_unix_socket(echo("1.41"));
  ASSERT_EQ(::chmod(server->socket_path().c_str(), 0), 0);
  auto client = EngineClient::connect(server->endpoint(), fast());
  if (::geteuid() != 0) {  // root may connect regardless of the mode
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().kind, core::ErrorKind::permission);
  }
  Endpoint ep;
  ep.host = "unix:///var/run/docker.sock";
  const auto e = connect_error(ep, EACCES, "Permission denied");
  EXPECT_EQ(e.kind, core::ErrorKind::permission);
  EXPECT_EQ(e.message, "permission denied on /var/run/docker.sock: run as root or join the docker group");
  EXPECT_EQ(connect_error(ep, ENOENT, "").kind, core::ErrorKind::unreachable);
  EXPECT_EQ(connect_error(ep, ECONNREFUSED, "").kind, core::ErrorKind::unreachable);
  ep.host = "tcp://10.0.0.1:2376";
  EXPECT_NE(connect_error(ep, EHOSTUNREACH, "").message.find("10.0.0.1:2376"), std::string::npos);
  EXPECT_NE(connect_error(ep, 0, "Failed to connect").message.find("Failed to connect"), std::string::npos);
}

TEST(EngineClient, Timeout) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    if (path == "/_ping") return ping_response("1.41");
    FakeResponse r;
    r.hang = true;
    return r;
  });
  ClientOptions opts;
  opts.timeout = std::chrono::milliseconds(200);
  auto client = EngineClient::connect(server->endpoint(), opts);
  ASSERT_TRUE(client) << client.error().describe();
  const auto start = std::chrono::steady_clock::now();
  auto r = (*client)->get("/info");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::timeout);
  EXPECT_NE(r.error().message.find("200 ms"), std::string::npos) << r.error().message;
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(EngineClient, PingTimeout) {
  auto server = FakeEngine::on_unix_socket([](const std::string&) {
    FakeResponse r;
    r.hang = true;
    return r;
  });
  ClientOptions opts;
  opts.timeout = std::chrono::milliseconds(200);
  auto client = EngineClient::connect(server->endpoint(), opts);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::timeout);
}

TEST(EngineClient, OverTcp) {
  auto server = FakeEngine::on_tcp(echo("1.43"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  EXPECT_EQ(*(*client)->get("/version"), R"({"path":"/v1.43/version"})");
}

TEST(EngineClient, TlsHandshakeFailureIsATlsError) {
  auto server = FakeEngine::on_tcp(echo("1.41"));  // speaks plain HTTP
  Endpoint ep = server->endpoint();
  ep.tls = true;
  ep.tls_verify = false;
  auto client = EngineClient::connect(ep, fast());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, core::ErrorKind::tls) << client.error().describe();
}

TEST(EngineClient, GetEachRunsConcurrentlyAndCoversEveryIndex) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    if (path == "/_ping") return ping_response("1.41");
    FakeResponse r;
    r.delay = std::chrono::milliseconds(20);
    r.body = path;
    return r;
  });
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client) << client.error().describe();
  std::vector<std::string> paths;
  paths.reserve(40);
  for (int i = 0; i < 40; ++i)
    paths.push_back("/containers/c" + std::to_string(i) + "/json");
  std::vector<std::string> results(paths.size());
  std::mutex m;
  std::set<std::thread::id> threads;
  (*client)->get_each(paths, [&](std::size_t i, core::Expected<std::string> r) {
    ASSERT_TRUE(r) << r.error().describe();
    results[i] = *r;
    std::lock_guard lock(m);
    threads.insert(std::this_thread::get_id());
  });
  for (std::size_t i = 0; i < paths.size(); ++i)
    EXPECT_EQ(results[i], "/v1.41" + paths[i]);
  EXPECT_GT(server->max_in_flight(), 1);
  EXPECT_LE(server->max_in_flight(), 8);
  EXPECT_GT(threads.size(), 1u);
  EXPECT_LE(server->connections(), 8);  // one keep-alive connection per worker

  // A second batch reuses the same connections.
  const int before = server->connections();
  (*client)->get_each(paths, [](std::size_t, const core::Expected<std::string>& r) { EXPECT_TRUE(r); });
  EXPECT_EQ(server->connections(), before);
}

TEST(EngineClient, GetEachRespectsWorkerCount) {
  auto server = FakeEngine::on_unix_socket([](const std::string& path) {
    if (path == "/_ping") return ping_response("1.41");
    FakeResponse r;
    r.delay = std::chrono::milliseconds(10);
    return r;
  });
  auto opts = fast();
  opts.workers = 2;
  auto client = EngineClient::connect(server->endpoint(), opts);
  ASSERT_TRUE(client);
  std::vector<std::string> paths(10, "/x");
  std::atomic<int> done{0};
  (*client)->get_each(paths, [&](std::size_t, const core::Expected<std::string>&) { ++done; });
  EXPECT_EQ(done, 10);
  EXPECT_LE(server->max_in_flight(), 2);
}

TEST(EngineClient, GetEachPropagatesCallbackExceptions) {
  auto server = FakeEngine::on_unix_socket(echo("1.41"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client);
  std::vector<std::string> paths(5, "/x");
  EXPECT_THROW((*client)->get_each(paths,
                                   [](std::size_t i, const core::Expected<std::string>&) {
                                     if (i == 3) throw std::runtime_error("boom");
                                   }),
               std::runtime_error);
}

TEST(EngineClient, RunFollowsRequestsAddedByHandlers) {
  auto server = FakeEngine::on_unix_socket(echo("1.41"));
  auto client = EngineClient::connect(server->endpoint(), fast());
  ASSERT_TRUE(client);
  RequestQueue q;
  std::mutex m;
  std::vector<std::string> seen;
  std::function<void(int, core::Expected<std::string>)> on_done = [&](int depth, core::Expected<std::string> r) {
    ASSERT_TRUE(r);
    {
      std::lock_guard lock(m);
      seen.push_back(*r);
    }
    if (depth < 3) {
      for (int k = 0; k < 2; ++k) {
        q.add("/d" + std::to_string(depth + 1),
              [&, depth](core::Expected<std::string> r2) { on_done(depth + 1, std::move(r2)); });
      }
    }
  };
  q.add("/d0", [&](core::Expected<std::string> r) { on_done(0, std::move(r)); });
  (*client)->run(q);
  EXPECT_EQ(seen.size(), 1u + 2u + 4u + 8u);
  // And an empty queue returns at once.
  RequestQueue empty;
  (*client)->run(empty);
}

TEST(DaemonErrorMessage, Forms) {
  EXPECT_EQ(daemon_error_message(R"({"message":"boom"})"), "boom");
  EXPECT_EQ(daemon_error_message(R"({"other":1})"), "{\"other\":1}");
  EXPECT_EQ(daemon_error_message("  plain text\nmore"), "plain text");
  EXPECT_EQ(daemon_error_message(""), "");
  EXPECT_EQ(daemon_error_message(std::string(1000, 'a')).size(), 303u);
}

// The real engine of this machine (always running in CI).
TEST(RealEngine, PingAndVersion) {
  Endpoint ep;
  ep.host = std::string(k_default_host);
  auto client = EngineClient::connect(ep, ClientOptions{});
  if (!client) {
    if (std::getenv("CI") != nullptr) FAIL() << client.error().describe();
    GTEST_SKIP() << client.error().describe();
  }
  EXPECT_FALSE((*client)->api_version().empty());
  auto version = (*client)->get("/version");
  ASSERT_TRUE(version) << version.error().describe();
  EXPECT_NE(version->find("\"ApiVersion\""), std::string::npos);
  auto missing = (*client)->get("/containers/drydock-no-such-container-xyz/json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
  EXPECT_NE(missing.error().message.find("No such container"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace drydock::collect
