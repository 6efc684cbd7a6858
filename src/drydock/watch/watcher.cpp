#include "drydock/watch/watcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/audit/policy.hpp"
#include "drydock/audit/runner.hpp"
#include "drydock/collect/engine/snapshot.hpp"
#include "drydock/collect/host/host_side.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/events.hpp"
#include "drydock/watch/state.hpp"

namespace drydock::watch {
namespace {

using Clock = std::chrono::steady_clock;

/// What the other threads tell the auditing thread.
struct Item {
  enum class Kind { event, disconnected, reconnected, files_changed, stop } kind = Kind::event;
  model::EngineEvent event;
  std::string text;
};

class Queue {
 public:
  void push(Item item) {
    {
      std::lock_guard lock(m_mutex);
      m_items.push_back(std::move(item));
    }
    m_changed.notify_one();
  }

  /// Waits (without a timeout, or until `deadline` when set) for a first item, then gathers
  /// what follows until `settle` passes with nothing new or `max_batch` after the first.
  std::vector<Item> batch(std::chrono::milliseconds settle, std::chrono::milliseconds max_batch,
                          std::optional<Clock::time_point> deadline) {
    std::unique_lock lock(m_mutex);
    if (deadline) {
      m_changed.wait_until(lock, *deadline, [&] { return !m_items.empty(); });
    } else {
      m_changed.wait(lock, [&] { return !m_items.empty(); });
    }
    std::vector<Item> out;
    if (m_items.empty()) return out;
    const auto end = Clock::now() + max_batch;
    for (;;) {
      while (!m_items.empty()) {
        out.push_back(std::move(m_items.front()));
        m_items.pop_front();
        if (out.back().kind == Item::Kind::stop) return out;
      }
      const auto until = std::min(end, Clock::now() + settle);
      if (!m_changed.wait_until(lock, until, [&] { return !m_items.empty(); })) break;
    }
    return out;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Item> m_items;
};

/// "seconds.nanoseconds" of an event, as `since=` takes it.
std::string since_of(const model::EngineEvent& e) {
  if (e.time_nano > 0) return fmt::format("{}.{:09}", e.time_nano / 1000000000, e.time_nano % 1000000000);
  return std::to_string(e.time);
}

bool later(const std::string& a, const std::string& b) {
  // Both "S.N" with N of 9 digits, or "S": compare as numbers.
  const auto split = [](const std::string& s) {
    const auto dot = s.find('.');
    long long sec = 0, nano = 0;
    try {
      sec = std::stoll(s.substr(0, dot));
      if (dot != std::string::npos) nano = std::stoll(s.substr(dot + 1));
    } catch (...) {
      return std::pair<long long, long long>{0, 0};
    }
    return std::pair<long long, long long>{sec, nano};
  };
  return split(a) > split(b);
}

std::string encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

/// While it lives: SIGINT, SIGTERM and SIGUSR1 blocked in the thread that made it (and so in
/// every thread started from it), and a thread that waits for the first of them and calls
/// `on_signal` (SIGUSR1 is how the destructor wakes it). The mask is restored at the end.
class SignalThread {
 public:
  explicit SignalThread(std::function<void()> on_signal) {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    sigaddset(&m_set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    m_thread = std::thread([this, on_signal = std::move(on_signal)] {
      int sig = 0;
      sigwait(&m_set, &sig);
      if (sig != SIGUSR1) on_signal();
    });
  }
  ~SignalThread() {
    pthread_kill(m_thread.native_handle(), SIGUSR1);  // a no-op once the thread has taken a signal
    m_thread.join();
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  SignalThread(const SignalThread&) = delete;
  SignalThread& operator=(const SignalThread&) = delete;

 private:
  sigset_t m_set{};
  sigset_t m_old{};
  std::thread m_thread;
};

class Watcher {
 public:
  explicit Watcher(const WatchOptions& o) : m_o(o), m_remote(o.endpoint.remote(o.root)) {}

  /// The day ignores are judged on: --now's, else today's.
  [[nodiscard]] std::string today() const { return m_o.now ? core::utc_date(*m_o.now) : audit::today_utc(); }

  core::Expected<bool> run() {
    // SIGINT and SIGTERM are taken by a thread of their own from the start, before any other
    // thread exists: every thread started later (the first audit's workers, the follower, the
    // file watcher) inherits the mask, so neither signal can land on one of them and end the
    // watch with the default action (exit 143) instead of a clean stop. One that comes during
    // the first audit stops the watch when that audit is done.
    if (::pipe2(m_wake, O_CLOEXEC) != 0) m_wake[0] = m_wake[1] = -1;
    const SignalThread signals([this] { stop(); });
    note("watching the engine at " + m_o.endpoint.host);
    if (!m_o.state_path.empty()) {
      DRYDOCK_TRY(store, StateStore::open(m_o.state_path, true));
      m_store = std::move(store);
      DRYDOCK_TRY(known, m_store->open_findings());
      m_known = std::move(known);
      DRYDOCK_TRY(since, m_store->meta("since"));
      m_since = since;
      DRYDOCK_TRY(execs, m_store->meta("execs"));
      load_execs(execs);
    }
    if (m_since.empty()) {
      const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
      m_since = fmt::format("{}.{:09}", now.count() / 1000000000, now.count() % 1000000000);
    }
    DRYDOCK_TRY(client, collect::EngineClient::connect(m_o.endpoint, m_o.client));
    m_client = std::move(client);
    if (!m_remote.empty()) {
      note("the engine at " + m_remote +
           " is on another machine: its host's files, daemon configuration and audit rules are not read from this one, "
           "and their checks are skipped (run drydock watch on that machine, or give --root a copy of its files)");
    }
    DRYDOCK_TRY(first, full_audit(true));
    (void)first;
    note(fmt::format("{} finding{} open; following the engine's events", m_known.size(), m_known.size() == 1 ? "" : "s"));

    std::thread follower([this] { follow_loop(); });
    std::thread files([this] { files_loop(); });

    std::optional<Clock::time_point> retry;
    while (!m_stop) {
      auto items = m_queue.batch(m_o.settle, m_o.max_batch, retry);
      retry.reset();
      if (!handle(items)) retry = Clock::now() + std::chrono::seconds(2);
    }
    follower.join();
    files.join();
    return true;
  }

  ~Watcher() {
    for (int fd : m_wake)
      if (fd >= 0) ::close(fd);
    if (m_inotify >= 0) ::close(m_inotify);
  }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

 private:
  void stop() {
    m_stop = true;
    m_queue.push(Item{Item::Kind::stop, {}, {}});
    if (m_wake[1] >= 0) {
      const char c = 1;
      (void)!::write(m_wake[1], &c, 1);
    }
  }

  void note(const std::string& text) const {
    if (m_o.note) m_o.note(text);
  }

  // ---- Events ------------------------------------------------------------------------------

  void follow_loop() {
    auto backoff = std::chrono::milliseconds(250);
    bool connected_before = true;  // the first audit's connection
    std::string since = m_since;
    const auto lost_at = std::make_shared<Clock::time_point>(Clock::now());
    bool announced = false;  // the loss of the engine said since the last connection
    while (!m_stop) {
      std::unique_ptr<collect::EngineClient> client;
      if (auto c = collect::EngineClient::connect(m_o.endpoint, m_o.client)) {
        client = std::move(*c);
      } else {
        if (!announced) {
          // The engine went away before this thread's first connection: as lost as a closed stream.
          *lost_at = Clock::now();
          note(fmt::format("lost the engine at {} ({}); reconnecting", m_o.endpoint.host, c.error().describe()));
          m_queue.push(Item{Item::Kind::disconnected, {}, {}});
          announced = true;
          connected_before = false;
        }
        sleep_for(backoff);
        backoff = std::min(backoff * 2, m_o.max_backoff);
        continue;
      }
      if (!connected_before) {
        const auto secs = std::chrono::duration<double>(Clock::now() - *lost_at).count();
        m_queue.push(Item{Item::Kind::reconnected, {}, fmt::format("{:.1f}", secs)});
      }
      connected_before = false;
      announced = false;
      backoff = std::chrono::milliseconds(250);
      parse::EventStream stream;
      const std::string path = "/events?since=" + encode(since);
      auto r = client->follow(
          path,
          [&](std::string_view chunk) {
            for (auto& e : stream.feed(chunk)) {
              if (!e) {
                note("ignored a malformed engine event: " + e.error().describe());
                continue;
              }
              const std::string s = since_of(*e);
              if (later(s, since)) since = s;
              m_queue.push(Item{Item::Kind::event, std::move(*e), {}});
            }
            return !m_stop.load();
          },
          &m_stop);
      if (m_stop) break;
      *lost_at = Clock::now();
      // Said from here, at once: the auditing thread may be in an audit that waits on the engine.
      note(fmt::format("lost the engine at {} ({}); reconnecting", m_o.endpoint.host,
                       r ? std::string("the engine closed the event stream") : r.error().describe()));
      m_queue.push(Item{Item::Kind::disconnected, {}, {}});
      announced = true;
    }
  }

  void sleep_for(std::chrono::milliseconds d) {
    if (m_wake[0] < 0) {
      std::this_thread::sleep_for(d);
      return;
    }
    pollfd p{m_wake[0], POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(d.count()));
  }

  // ---- Daemon files ----------------------------------------------------------------------

  void files_loop() {
    if (m_inotify < 0) return;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (!m_stop) {
      pollfd fds[2] = {{m_inotify, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
      if (::poll(fds, m_wake[0] >= 0 ? 2 : 1, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (m_stop) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const ssize_t n = ::read(m_inotify, buf, sizeof buf);
      if (n <= 0) continue;
      std::string changed;
      for (const char* p = buf; p < buf + n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(p);
        p += sizeof(inotify_event) + ev->len;
        std::lock_guard lock(m_watch_mutex);
        const auto it = m_watch_dirs.find(ev->wd);
        if (it == m_watch_dirs.end()) continue;
        const std::string name = ev->len > 0 ? std::string(ev->name) : std::string();
        const auto& [dir, names] = it->second;
        if (name.empty() || names.contains(name) || names.contains("")) {
          changed = name.empty() ? dir : (std::filesystem::path(dir) / name).string();
        }
      }
      if (!changed.empty()) m_queue.push(Item{Item::Kind::files_changed, {}, changed});
    }
  }

  /// Watches the directories of the daemon's files (editors replace a file by renaming another
  /// over it, which a watch on the file itself would miss), for the names of those files.
  void watch_files(const model::HostSnapshot& snap) {
    if (m_inotify < 0) m_inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (m_inotify < 0) return;
    std::set<std::string> paths = {"/etc/docker/daemon.json",
                                   "/etc/default/docker",
                                   "/etc/sysconfig/docker",
                                   "/lib/systemd/system/docker.service",
                                   "/lib/systemd/system/docker.socket",
                                   "/etc/systemd/system/docker.service",
                                   "/etc/systemd/system/docker.socket"};
    if (snap.daemon) {
      for (const auto& s : snap.daemon->sources)
        if (s.starts_with('/')) paths.insert(s.substr(0, s.find(' ')));
    }
    if (snap.host) {
      for (const auto& f : snap.host->files)
        if (!f.path.empty() && f.path.starts_with('/')) paths.insert(f.path);
    }
    std::map<std::string, std::set<std::string>> by_dir;
    for (const auto& p : paths) {
      const std::filesystem::path path =
          m_o.root.empty() ? std::filesystem::path(p) : std::filesystem::path(m_o.root) / p.substr(1);
      by_dir[path.parent_path().string()].insert(path.filename().string());
    }
    // Drop-in folders: any file in them counts.
    for (const char* d : {"/etc/systemd/system/docker.service.d", "/etc/systemd/system/docker.socket.d",
                          "/run/systemd/system/docker.service.d"}) {
      const std::string dir = m_o.root.empty() ? std::string(d) : (std::filesystem::path(m_o.root) / (d + 1)).string();
      by_dir[dir].insert("");
      by_dir[std::filesystem::path(dir).parent_path().string()].insert(std::filesystem::path(dir).filename().string());
    }
    std::lock_guard lock(m_watch_mutex);
    for (const auto& [dir, names] : by_dir) {
      const int wd = inotify_add_watch(m_inotify, dir.c_str(),
                                       IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB);
      if (wd < 0) continue;  // a folder that does not exist: its files are reported missing by the audit
      auto& entry = m_watch_dirs[wd];
      entry.first = dir;
      entry.second.insert(names.begin(), names.end());
    }
  }

  // ---- Audits ----------------------------------------------------------------------------

  /// Audits everything and compares it with all that is known.
  core::Expected<bool> full_audit(bool first) {
    auto snap = collect::collect_host(*m_client, {});
    if (!snap) return tl::unexpected(snap.error());
    add_execs(*snap);
    snap->remote = m_remote;
    if (m_remote.empty()) {
      collect::HostSideOptions side;
      if (m_o.now) side.now = *m_o.now;
      if (m_o.endpoint.is_unix()) side.socket_path = m_o.endpoint.unix_path();
      collect::collect_host_side(collect::HostRoot(m_o.root), side, *snap);
    }
    auto report = audit::run(*snap, m_o.selection, audit::RunOptions{});
    const auto notes = audit::apply_policy(m_o.policy, report, today());
    if (first) {
      for (const auto& n : notes)
        note(n);
    }
    forget_execs_of_gone(*snap);
    if (m_remote.empty()) watch_files(*snap);
    // What a container audit alone would not read: the daemon's configuration and the host's
    // files, on which some container checks' evidence depends (a daemon-wide no-new-privileges).
    m_daemon = snap->daemon;
    m_host = snap->host;
    m_swarm_listeners = snap->swarm_listeners;
    return commit(diff(m_known, findings_of(report), {}, now_utc()));
  }

  /// Audits the given containers (and the images they use) and compares with what is known of
  /// them; those the engine no longer has lose all their findings.
  core::Expected<bool> container_audit(const std::set<std::string>& ids) {
    DRYDOCK_TRY(listed, m_client->get("/containers/json?all=1"));
    DRYDOCK_TRY(list, parse::container_list(listed));
    std::set<std::string> existing_all;
    for (const auto& c : list)
      existing_all.insert(c.id);
    std::vector<std::string> existing;
    for (const auto& id : ids)
      if (existing_all.contains(id)) existing.push_back(id);
    model::HostSnapshot snap;
    if (!existing.empty()) {
      auto collected = collect::collect_containers(*m_client, existing, {});
      if (!collected && collected.error().kind == core::ErrorKind::not_found) {
        // Removed between the list and the inspect: the next event about it settles it.
        std::vector<std::string> still;
        for (const auto& id : existing)
          if (m_client->get("/containers/" + id + "/json")) still.push_back(id);
        collected = still.empty() ? core::Expected<model::HostSnapshot>(model::HostSnapshot{})
                                  : collect::collect_containers(*m_client, still, {});
      }
      if (!collected) return tl::unexpected(collected.error());
      snap = std::move(*collected);
    }
    add_execs(snap);
    snap.daemon = m_daemon;
    snap.host = m_host;
    snap.swarm_listeners = m_swarm_listeners;
    snap.root = m_o.root;
    snap.remote = m_remote;
    std::set<std::string> images;
    for (const auto& i : snap.images)
      images.insert(i.id);
    const auto in_scope = [&](const Finding& f) {
      return (f.subject.kind == "container" && ids.contains(f.subject.id)) ||
             (f.subject.kind == "image" && images.contains(f.subject.id));
    };
    FindingMap after;
    if (!snap.containers.empty() || !snap.unreadable.empty()) {
      auto report = audit::run(snap, m_o.selection, audit::RunOptions{.daemon_checks = false});
      (void)audit::apply_policy(m_o.policy, report, today());
      for (auto& [fp, f] : findings_of(report))
        if (in_scope(f)) after.emplace(fp, std::move(f));
    }
    for (const auto& id : ids)
      if (!existing_all.contains(id)) m_execs.erase(id);
    return commit(diff(m_known, after, in_scope, now_utc()));
  }

  // ---- Exec sessions seen starting -----------------------------------------------------------

  /// Reads the exec session at once (the engine forgets finished ones) and keeps it for the container.
  void exec_started(const model::EngineEvent& e) {
    const auto it = e.attributes.find("execID");
    if (it == e.attributes.end() || it->second.empty()) return;
    auto body = m_client->get("/exec/" + encode(it->second) + "/json");
    if (!body) {
      note(fmt::format("could not read exec session {} of container {}: {}", it->second, e.actor_id, body.error().describe()));
      return;
    }
    auto session = parse::exec_inspect(*body);
    if (!session) {
      note(fmt::format("could not read exec session {}: {}", it->second, session.error().describe()));
      return;
    }
    session->observed = true;
    auto& list = m_execs[e.actor_id];
    for (const auto& s : list)
      if (s.id == session->id) return;
    list.push_back(*session);
    m_execs_dirty = true;
  }

  void add_execs(model::HostSnapshot& snap) const {
    for (auto& c : snap.containers) {
      const auto it = m_execs.find(c.id);
      if (it == m_execs.end()) continue;
      for (const auto& seen : it->second) {
        bool found = false;
        for (auto& e : c.execs) {
          if (e.id == seen.id) {
            e.observed = true;
            found = true;
          }
        }
        if (!found) {
          c.execs.push_back(seen);
          if (std::find(c.exec_ids.begin(), c.exec_ids.end(), seen.id) == c.exec_ids.end()) c.exec_ids.push_back(seen.id);
        }
      }
    }
  }

  void forget_execs_of_gone(const model::HostSnapshot& snap) {
    std::set<std::string> present;
    for (const auto& c : snap.containers)
      present.insert(c.id);
    for (auto it = m_execs.begin(); it != m_execs.end();) {
      if (present.contains(it->first)) {
        ++it;
      } else {
        it = m_execs.erase(it);
        m_execs_dirty = true;
      }
    }
  }

  std::string execs_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [container, list] : m_execs) {
      auto& arr = j[container];
      for (const auto& e : list)
        arr.push_back({{"id", e.id}, {"user", e.user}, {"command", e.command}, {"privileged", e.privileged}});
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void load_execs(const std::string& text) {
    if (text.empty()) return;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    for (const auto& [container, list] : j.items()) {
      if (!list.is_array()) continue;
      for (const auto& e : list) {
        if (!e.is_object()) continue;
        model::ExecSession s;
        s.id = e.value("id", "");
        s.user = e.value("user", "");
        s.command = e.value("command", "");
        s.privileged = e.value("privileged", false);
        s.observed = true;
        if (!s.id.empty()) m_execs[container].push_back(std::move(s));
      }
    }
  }

  // ---- Transitions -----------------------------------------------------------------------

  core::Expected<bool> commit(const std::vector<Transition>& ts) {
    for (const auto& t : ts) {
      if (t.change == Change::resolved) {
        m_known.erase(t.finding.fingerprint);
      } else {
        m_known.insert_or_assign(t.finding.fingerprint, t.finding);
      }
    }
    if (m_store) {
      std::vector<std::pair<std::string, std::string>> meta{{"since", m_processed_since.empty() ? m_since : m_processed_since}};
      if (m_execs_dirty) meta.emplace_back("execs", execs_json());
      if (auto ok = m_store->record(ts, meta); !ok) note("could not write the state file: " + ok.error().describe());
      m_execs_dirty = false;
    }
    for (const auto& t : ts)
      if (m_o.emit) m_o.emit(t);
    if (!ts.empty() && m_o.flush) m_o.flush();
    return true;
  }

  /// Handles one batch; false when an audit failed and should be tried again.
  bool handle(const std::vector<Item>& items) {
    bool full = m_retry_full;
    bool reconnected = false;
    std::set<std::string> containers = m_retry_containers;
    for (const auto& item : items) {
      switch (item.kind) {
        case Item::Kind::stop:
          return true;
        case Item::Kind::disconnected:
          m_lost = true;
          break;
        case Item::Kind::reconnected:
          note(
              fmt::format("reconnected to the engine at {} after {} s; auditing everything again", m_o.endpoint.host, item.text));
          m_lost = false;
          full = true;
          reconnected = true;
          break;
        case Item::Kind::files_changed:
          full = true;
          break;
        case Item::Kind::event: {
          const auto& e = item.event;
          const std::string verb = e.verb();
          const std::string s = since_of(e);
          if (later(s, m_processed_since)) m_processed_since = s;
          if (e.type == "container") {
            if (verb == "exec_start") {
              exec_started(e);
              containers.insert(e.actor_id);
            } else if (verb == "create" || verb == "start" || verb == "update" || verb == "rename" || verb == "destroy") {
              containers.insert(e.actor_id);
            }
          } else if (e.type == "image") {
            if (verb == "pull" || verb == "tag" || verb == "untag" || verb == "delete" || verb == "import" || verb == "load")
              full = true;
          } else if (e.type == "daemon") {
            if (verb == "reload") full = true;
          }
          break;
        }
      }
    }
    if (m_lost) {
      // Nothing can be audited until the engine is back; the full audit then covers it all.
      m_retry_full = false;
      m_retry_containers.clear();
      return true;
    }
    if (reconnected) {
      auto client = collect::EngineClient::connect(m_o.endpoint, m_o.client);
      if (!client) {
        note("cannot audit after reconnecting: " + client.error().describe());
        m_retry_full = true;
        return false;
      }
      m_client = std::move(*client);
    }
    core::Expected<bool> done = true;
    if (full) {
      done = full_audit(false);
    } else if (!containers.empty()) {
      done = container_audit(containers);
    } else if (m_execs_dirty) {
      done = commit({});
    }
    if (!done) {
      note("audit failed, trying again: " + done.error().describe());
      m_retry_full = full;
      m_retry_containers = full ? std::set<std::string>{} : containers;
      return false;
    }
    m_retry_full = false;
    m_retry_containers.clear();
    return true;
  }

  const WatchOptions& m_o;
  const std::string m_remote;  ///< the engine's address when it is on another machine (Endpoint::remote)
  std::unique_ptr<StateStore> m_store;
  std::unique_ptr<collect::EngineClient> m_client;
  FindingMap m_known;
  std::optional<model::DaemonConfig> m_daemon;  ///< of the last full audit
  std::optional<model::HostFacts> m_host;
  std::optional<std::vector<model::SwarmListener>> m_swarm_listeners;
  std::string m_since;                                             ///< where the event stream starts
  std::string m_processed_since;                                   ///< the last event handled
  std::map<std::string, std::vector<model::ExecSession>> m_execs;  ///< exec sessions seen starting, by container id
  bool m_execs_dirty = false;
  bool m_lost = false;
  bool m_retry_full = false;
  std::set<std::string> m_retry_containers;
  std::atomic<bool> m_stop{false};
  Queue m_queue;
  int m_wake[2] = {-1, -1};
  int m_inotify = -1;
  std::mutex m_watch_mutex;
  std::map<int, std::pair<std::string, std::set<std::string>>> m_watch_dirs;
};

}  // namespace

core::Expected<bool> run_watch(const WatchOptions& options) {
  Watcher w(options);
  return w.run();
}

}  // namespace drydock::watch
