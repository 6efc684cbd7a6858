#pragma once
// Headless Chromium driven through the DevTools protocol over a pipe (--remote-debugging-pipe:
// the browser reads commands on fd 3 and writes answers and events on fd 4, each message JSON
// ended by a NUL byte). Enough to open a page, run expressions in it as a person's clicks would,
// and collect what its console said and the exceptions it threw.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "support.hpp"

namespace drydock_it {

class Browser {
 public:
  /// Starts chromium with a window of `width` x `height`; ok() says whether it answered.
  Browser(const std::string& profile_dir, int width, int height) {
    int to_browser[2];
    int from_browser[2];
    if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, to_browser[0], 3);
    posix_spawn_file_actions_adddup2(&fa, from_browser[1], 4);
    const std::vector<std::string> argv{"chromium",
                                        "--headless",
                                        "--no-sandbox",
                                        "--disable-gpu",
                                        "--remote-debugging-pipe",
                                        "--user-data-dir=" + profile_dir,
                                        "--window-size=" + std::to_string(width) + "," + std::to_string(height),
                                        "about:blank"};
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawnp(&m_pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(to_browser[0]);
    ::close(from_browser[1]);
    m_out = to_browser[1];
    m_in = from_browser[0];
    if (rc != 0) {
      m_pid = 0;
      return;
    }
    // A page target of our own, attached in flat mode: commands carry its sessionId.
    const auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
    if (!target.contains("targetId")) return;
    const auto attached = call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, false);
    if (!attached.contains("sessionId")) return;
    m_session = attached["sessionId"];
    call("Emulation.setDeviceMetricsOverride",
         {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
    call("Runtime.enable", json::object());
    call("Page.enable", json::object());
    m_ok = true;
  }
  ~Browser() {
    if (m_out >= 0) ::close(m_out);
    if (m_in >= 0) ::close(m_in);
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  [[nodiscard]] bool ok() const { return m_ok; }

  /// Opens `url` and waits for its load event; the seconds it took.
  double open(const std::string& url) {
    const auto start = std::chrono::steady_clock::now();
    call("Page.navigate", {{"url", url}});
    wait_event("Page.loadEventFired");
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  /// The value of a JavaScript expression in the page (by value: strings, numbers, booleans,
  /// plain objects); an exception it throws is recorded in errors().
  json eval(const std::string& expression) {
    const auto r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
    if (r.contains("exceptionDetails")) m_errors.push_back("evaluate: " + r["exceptionDetails"].dump());
    return r.contains("result") && r["result"].contains("value") ? r["result"]["value"] : json();
  }

  /// Console errors and warnings, and uncaught exceptions, seen so far.
  [[nodiscard]] const std::vector<std::string>& errors() const { return m_errors; }

 private:
  json call(const std::string& method, const json& params, bool in_session = true) {
    json msg = {{"id", ++m_id}, {"method", method}, {"params", params}};
    if (in_session && !m_session.empty()) msg["sessionId"] = m_session;
    std::string text = msg.dump();
    text.push_back('\0');
    for (std::size_t done = 0; done < text.size();) {
      const auto n = ::write(m_out, text.data() + done, text.size() - done);
      if (n <= 0) return json::object();
      done += static_cast<std::size_t>(n);
    }
    const int want = m_id;
    for (;;) {
      auto m = next();
      if (m.is_null()) return json::object();
      if (m.contains("id") && m["id"] == want) return m.contains("result") ? m["result"] : m;
    }
  }

  void wait_event(const std::string& name) {
    for (;;) {
      auto m = next();
      if (m.is_null() || (m.contains("method") && m["method"] == name)) return;
    }
  }

  /// The next message (events are noted on the way); null after 60 s of silence or at EOF.
  json next() {
    for (;;) {
      const auto nul = m_buffer.find('\0');
      if (nul != std::string::npos) {
        auto m = json::parse(m_buffer.substr(0, nul), nullptr, false);
        m_buffer.erase(0, nul + 1);
        if (m.is_discarded()) continue;
        note(m);
        return m;
      }
      pollfd p{m_in, POLLIN, 0};
      if (::poll(&p, 1, 60000) <= 0) return json();
      char buf[65536];
      const auto n = ::read(m_in, buf, sizeof buf);
      if (n <= 0) return json();
      m_buffer.append(buf, static_cast<std::size_t>(n));
    }
  }

  void note(const json& m) {
    if (!m.contains("method")) return;
    if (m["method"] == "Runtime.exceptionThrown") m_errors.push_back("exception: " + m["params"].dump());
    if (m["method"] == "Runtime.consoleAPICalled") {
      const auto type = m["params"].value("type", "");
      if (type == "error" || type == "warning" || type == "assert") m_errors.push_back("console." + type + ": " + m["params"].dump());
    }
  }

  pid_t m_pid = 0;
  int m_out = -1;
  int m_in = -1;
  int m_id = 0;
  std::string m_session;
  std::string m_buffer;
  std::vector<std::string> m_errors;
  bool m_ok = false;
};

}  // namespace drydock_it
