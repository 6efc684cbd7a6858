#include "drydock/collect/engine/snapshot.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "drydock/collect/host/procfs.hpp"
#include "drydock/core/memory.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/engine.hpp"

namespace drydock::collect {
namespace {

using core::ErrorKind;

/// Percent-encodes a path segment (container names and ids are safe already; user refs may not be).
std::string encode_segment(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == ':' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xf]);
    }
  }
  return out;
}

std::string short_id(std::string_view id) {
  if (id.starts_with("sha256:")) id.remove_prefix(7);
  return std::string(id.substr(0, 12));
}

/// What was learned about one container. Each member is written by one request's handler
/// only (inspect, top, or exec j), so handlers of the same container never share a member.
/// `processes` is written by the inspect handler (from /proc) or, when /proc could not tell,
/// by the top request that handler then queues; never by both.
struct ContainerSlot {
  std::string ref;             ///< what was asked for: the listed id, or the user's ref
  std::string name;            ///< listed name, or the ref
  bool top_requested = false;  ///< processes taken care of: top queued at list time, or decided at inspect
  bool missing = false;        ///< 404 on inspect
  std::optional<model::ContainerSpec> spec;
  std::string error;  ///< why the inspect could not be read

  std::optional<std::vector<model::Process>> processes;
  std::string processes_error;

  std::vector<std::optional<model::ExecSession>> execs;  ///< by position in spec->exec_ids
  std::vector<std::string> exec_errors;                  ///< "" when read or gone

  bool complete = false;                     ///< processes and exec sessions moved into spec
  std::vector<model::Unreadable> exec_unreadable;  ///< exec sessions that could not be inspected
};

struct ImageSlot {
  std::string used_as;  ///< Config.Image of the first container using it
  std::optional<model::ImageSpec> spec;
  std::string error;
};

class Collector {
 public:
  /// `explicit_refs`: the containers were named by the user (collect_containers).
  Collector(EngineClient& client, const Progress& progress, bool explicit_refs, const SnapshotOptions& options)
      : m_client(client), m_progress(progress), m_explicit(explicit_refs), m_options(options),
        m_streaming(!explicit_refs && options.on_list && options.on_engine && options.on_container) {
    if (client.endpoint().is_unix() && proc_root_readable(options.proc_root)) m_proc_root = options.proc_root;
  }

  core::Expected<model::HostSnapshot> host() {
    m_queue.add("/containers/json?all=1", [this](core::Expected<std::string> r) {
      on_list(std::move(r));
      if (m_streaming) gate_part_in();
    });
    add_common();
    m_client.run(m_queue);
    return assemble();
  }

  core::Expected<model::HostSnapshot> containers(const std::vector<std::string>& refs) {
    start_process_scan();  // which of them run is known only from their inspects
    std::set<std::string> seen;
    for (const auto& ref : refs) {
      std::string r = ref;
      if (r.starts_with('/')) r.erase(0, 1);
      if (!seen.insert(r).second) continue;
      m_slots.emplace_back();
      m_slots.back().ref = r;
      m_slots.back().name = r;
    }
    for (std::size_t i = 0; i < m_slots.size(); ++i)
      add_inspect(i);
    add_common();
    m_client.run(m_queue);
    return assemble();
  }

 private:
  /// Reads the host's process table on its own thread while requests are in flight, when the
  /// engine is local; the first running container's inspect waits for it. Only started when a
  /// container may be running: on a host of stopped containers the scan would be wasted work.
  void start_process_scan() {
    if (m_proc_root.empty() || m_procs.valid()) return;
    try {
      m_procs = std::async(std::launch::async, [root = m_proc_root] { return ProcessTable::scan(root); }).share();
    } catch (const std::system_error&) {
      // No thread for it: every running container's processes are asked of the engine.
    }
  }

  std::size_t m_inspected = 0;  ///< under m_note_mutex

  void note(const std::string& text) {
    if (!m_progress.note) return;
    std::lock_guard lock(m_note_mutex);
    m_progress.note(text);
  }

  void add_common() {
    if (m_options.version) {
      m_version = *m_options.version;
      engine_answer_in();
    } else {
      m_queue.add("/version", [this](core::Expected<std::string> r) {
        m_version = std::move(r);
        engine_answer_in();
      });
    }
    if (m_options.info) {
      m_info = *m_options.info;
      engine_answer_in();
    } else {
      m_queue.add("/info", [this](core::Expected<std::string> r) {
        m_info = std::move(r);
        engine_answer_in();
      });
    }
    m_queue.add("/images/json", [this](core::Expected<std::string> r) {
      on_image_list(std::move(r));
      engine_answer_in();
    });
    // Overlay networks matter only on a swarm manager (7.3); one small request, in parallel.
    m_queue.add("/networks", [this](core::Expected<std::string> r) { m_networks = std::move(r); });
  }

  void on_image_list(core::Expected<std::string> r) {
    if (!r) {
      m_image_list_error = r.error().describe();
      return;
    }
    auto images = parse::image_list(*r);
    if (!images) {
      m_image_list_error = images.error().describe();
      return;
    }
    for (const auto& image : *images) {
      for (const auto& tag : image.repo_tags)
        m_tags.emplace(tag, image.id);
    }
    m_all_images = std::move(*images);
  }

  /// The engine's facts the container checks read: /version and /info parsed, the tags.
  core::Expected<model::HostSnapshot> context() {
    if (!m_version) return tl::unexpected(m_version.error());
    if (!m_info) return tl::unexpected(m_info.error());
    auto engine = parse::engine_info(*m_version, *m_info);
    if (!engine) return tl::unexpected(engine.error());
    engine->api_version = m_client.api_version();
    model::HostSnapshot snap;
    snap.engine = std::move(*engine);
    snap.tags = std::move(m_tags);
    snap.all_images = std::move(m_all_images);
    return snap;
  }

  /// One of /version, /info and /images/json is in; after the last, when streaming, the
  /// engine's facts are read and handed to on_answers and on_engine (the daemon's configuration
  /// is read there) while the container list, the longest answer, is still on its way.
  void engine_answer_in() {
    if (--m_engine_left != 0 || !m_streaming) return;
    auto ctx = context();
    if (!ctx) {
      m_context_error = ctx.error();
      return;  // the collection fails in assemble(); nothing is evaluated
    }
    m_context = std::move(*ctx);
    // Refused: the gate stays shut, the containers are evaluated after the collection.
    if (m_options.on_answers && !m_options.on_answers(*m_version, *m_info)) return;
    m_options.on_engine(*m_context);
    gate_part_in();
  }

  /// The engine's facts (on_engine done) or the container list (its handler done, on_list
  /// called) is in; after both, the containers complete so far are evaluated, and the later
  /// ones as they complete.
  void gate_part_in() {
    if (--m_gate_left != 0) return;
    {
      std::lock_guard lock(m_gate_mutex);
      m_gate_open = true;
    }
    // The backlog is shared with the other workers (request_done takes one at a time).
    while (evaluate_one_waiting()) {
    }
  }

  /// Evaluates one of the containers that were complete before the gate opened, if any is left.
  bool evaluate_one_waiting() {
    std::size_t i = 0;
    {
      std::lock_guard lock(m_gate_mutex);
      if (!m_gate_open || m_waiting.empty()) return false;
      i = m_waiting.back();
      m_waiting.pop_back();
    }
    m_options.on_container(i, *m_slots[i].spec, *m_context);
    return true;
  }

  /// One request about container i is done (its handler has written what it learned).
  void request_done(std::size_t i) {
    if (!m_streaming || m_pending[i].fetch_sub(1) != 1) return;
    auto& slot = m_slots[i];
    if (!slot.spec) return;
    complete(slot);
    bool open = false;
    {
      std::lock_guard lock(m_gate_mutex);
      open = m_gate_open;
      if (!open) m_waiting.push_back(i);
    }
    if (!open) return;
    m_options.on_container(i, *slot.spec, *m_context);
    evaluate_one_waiting();
  }

  /// Moves the processes and exec sessions learned into the spec: it is what the checks see.
  void complete(ContainerSlot& slot) {
    slot.complete = true;
    auto& spec = *slot.spec;
    if (!spec.running) {
      spec.processes = std::nullopt;
      spec.processes_unavailable = fmt::format("container is not running (state {})", spec.state);
    } else if (slot.processes) {
      spec.processes = std::move(slot.processes);
      spec.processes_unavailable.clear();
    } else {
      spec.processes_unavailable =
          slot.processes_error.empty() ? std::string("processes were not listed") : slot.processes_error;
    }
    for (std::size_t j = 0; j < slot.execs.size(); ++j) {
      if (slot.execs[j]) {
        spec.execs.push_back(std::move(*slot.execs[j]));
      } else if (!slot.exec_errors[j].empty()) {
        slot.exec_unreadable.push_back({"exec", spec.exec_ids[j], spec.name, slot.exec_errors[j]});
      }
    }
  }

  void on_list(core::Expected<std::string> r) {
    if (!r) {
      m_container_list_error = r.error().describe();
      return;
    }
    auto list = parse::container_list(*r);
    if (!list) {
      m_container_list_error = list.error().describe();
      return;
    }
    // Sized once, before any request that writes into a slot is queued: megabytes on a host of
    // thousands of containers, in huge pages.
    m_slots = core::vector_in_huge_pages<ContainerSlot>(list->size());
    if (m_streaming) m_pending = std::make_unique<std::atomic<std::size_t>[]>(list->size());
    const bool any_processes = std::any_of(list->begin(), list->end(), [](const parse::ContainerSummary& c) {
      return c.state != "created" && c.state != "exited" && c.state != "dead";
    });
    if (any_processes) start_process_scan();
    std::size_t running = 0;
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto& s = (*list)[i];
      m_slots[i].ref = std::move(s.id);
      m_slots[i].name = std::move(s.name);
      const bool is_running = s.state == "running";
      m_slots[i].top_requested = is_running && !m_procs.valid();  // else decided at inspect
      running += is_running ? 1 : 0;
    }
    note(fmt::format("{} containers ({} running)", list->size(), running));
    // Queued a batch at a time (one lock and one wake-up for each), the first batch small so
    // that the first inspects are in flight while the rest are queued.
    std::vector<std::pair<std::string, RequestQueue::Handler>> requests;
    std::size_t batch = 16;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
      const bool top_now = m_slots[i].top_requested;
      if (m_streaming) m_pending[i] = top_now ? 2 : 1;
      requests.emplace_back(inspect_request(i));
      if (top_now) requests.emplace_back(top_request(i, m_slots[i].ref));
      if (requests.size() >= batch) {
        m_queue.add(std::move(requests));
        requests.clear();
        batch = 256;
      }
    }
    m_queue.add(std::move(requests));
    make_room(list->size());
    // After the inspects are queued, so that they do not wait for it: no container is handed
    // to on_container before this handler is done (gate_part_in).
    if (m_streaming) m_options.on_list(list->size());
  }

  /// Starts making, on a thread of its own while the requests are in flight, the snapshot's room
  /// for `n` containers (assemble() moves each spec there): thousands of specs of over a kilobyte,
  /// whose pages faulted in by assemble(), after the last answer, were most of its time.
  void make_room(std::size_t n) {
    try {
      m_room_maker = std::jthread([this, n] {
        m_room = core::vector_in_huge_pages<model::ContainerSpec>(n);  // faulted in here
      });
    } catch (const std::system_error&) {
      // No thread: assemble() makes the room.
    }
  }

  std::pair<std::string, RequestQueue::Handler> inspect_request(std::size_t i) {
    return {fmt::format("/containers/{}/json", encode_segment(m_slots[i].ref)), [this, i](core::Expected<std::string> r) {
              on_inspect(i, std::move(r));
              request_done(i);
            }};
  }

  std::pair<std::string, RequestQueue::Handler> top_request(std::size_t i, const std::string& id) {
    return {fmt::format("/containers/{}/top", encode_segment(id)), [this, i](core::Expected<std::string> r) {
              on_top(i, std::move(r));
              request_done(i);
            }};
  }

  void add_inspect(std::size_t i) {
    auto [path, handler] = inspect_request(i);
    m_queue.add(std::move(path), std::move(handler));
  }

  void add_top(std::size_t i, const std::string& id) {
    auto [path, handler] = top_request(i, id);
    m_queue.add(std::move(path), std::move(handler));
  }

  void on_top(std::size_t i, core::Expected<std::string> r) {
    auto& slot = m_slots[i];
    if (!r) {
      slot.processes_error = "could not list processes: " + r.error().describe();
      return;
    }
    auto processes = parse::top(*r);
    if (!processes) {
      slot.processes_error = "could not list processes: " + processes.error().describe();
      return;
    }
    slot.processes = std::move(*processes);
  }

  void on_inspect(std::size_t i, core::Expected<std::string> r) {
    if (m_progress.step) {
      std::lock_guard lock(m_note_mutex);
      m_progress.step("containers inspected", ++m_inspected, m_slots.size());
    }
    auto& slot = m_slots[i];
    if (!r) {
      if (r.error().kind == ErrorKind::not_found) {
        slot.missing = true;
        if (!m_explicit) note(fmt::format("container {} was removed during collection; skipped", slot.name));
      } else {
        slot.error = r.error().describe();
      }
      return;
    }
    auto spec = parse::container_inspect(*r);
    if (!spec) {
      slot.error = "malformed inspect: " + spec.error().describe();
      return;
    }
    // An inspect with every field at its default would pass most checks, and the inspect of
    // another container would hide this one behind it: neither is this container's.
    if (spec->id.empty()) {
      slot.error = fmt::format("the engine answered the inspect of {} without an Id", slot.ref);
      return;
    }
    // A listed container is asked for by its id; a named one by its name, id or id prefix.
    const bool answers_ref = m_explicit ? spec->id.starts_with(slot.ref) || spec->name == slot.ref : spec->id == slot.ref;
    if (!answers_ref) {
      slot.error = fmt::format("the engine answered the inspect of {} with the inspect of container {}", slot.ref, spec->id);
      return;
    }
    if (spec->name.empty()) spec->name = slot.name;
    slot.execs.resize(spec->exec_ids.size());
    slot.exec_errors.resize(spec->exec_ids.size());
    // The requests about this container still to come: counted before they are queued (their
    // handlers may run at once); this inspect's own count is released by its caller.
    if (m_streaming) m_pending[i] += spec->exec_ids.size();
    for (std::size_t j = 0; j < spec->exec_ids.size(); ++j) {
      m_queue.add(fmt::format("/exec/{}/json", encode_segment(spec->exec_ids[j])), [this, i, j](core::Expected<std::string> e) {
        on_exec(i, j, std::move(e));
        request_done(i);
      });
    }
    if (spec->running && !slot.top_requested) {
      slot.top_requested = true;
      if (auto processes = from_proc(*spec)) {
        slot.processes = std::move(*processes);
      } else {
        if (m_streaming) ++m_pending[i];
        add_top(i, spec->id.empty() ? slot.ref : spec->id);
      }
    }
    if (!spec->image_id.empty()) {
      bool added = false;
      {
        std::lock_guard lock(m_images_mutex);
        auto [it, inserted] = m_images.try_emplace(spec->image_id);
        if (inserted) it->second.used_as = spec->image;
        added = inserted;
      }
      if (added) {
        const std::string id = spec->image_id;
        m_queue.add(fmt::format("/images/{}/json", encode_segment(id)),
                    [this, id](core::Expected<std::string> img) { on_image(id, std::move(img)); });
      }
    }
    slot.spec = std::move(*spec);
  }

  /// The container's processes from the host's process table; nullopt when it is not used or
  /// cannot vouch for this container (the engine is asked then).
  std::optional<std::vector<model::Process>> from_proc(const model::ContainerSpec& spec) const {
    if (!m_procs.valid() || spec.pid <= 0 || spec.id.empty()) return std::nullopt;
    const std::shared_future<ProcessTable> procs = m_procs;  // a copy per thread
    try {
      return procs.get().processes_of(spec.pid, spec.id);
    } catch (const std::exception&) {
      return std::nullopt;  // the scan failed (out of memory): ask the engine
    }
  }

  void on_exec(std::size_t i, std::size_t j, core::Expected<std::string> r) {
    auto& slot = m_slots[i];
    if (!r) {
      // An exec session the engine has forgotten meanwhile is simply not there any more.
      if (r.error().kind != ErrorKind::not_found) slot.exec_errors[j] = r.error().describe();
      return;
    }
    auto exec = parse::exec_inspect(*r);
    if (!exec) {
      slot.exec_errors[j] = "malformed exec inspect: " + exec.error().describe();
      return;
    }
    slot.execs[j] = std::move(*exec);
  }

  void on_image(const std::string& id, core::Expected<std::string> r) {
    ImageSlot result;
    if (!r) {
      // 404 included: the engine does not remove an image a container uses, so an image in
      // use that is "not found" was not audited, and says so.
      result.error = r.error().describe();
    } else if (auto spec = parse::image_inspect(*r)) {
      if (spec->id.empty()) spec->id = id;
      result.spec = std::move(*spec);
    } else {
      result.error = "malformed image inspect: " + spec.error().describe();
    }
    std::lock_guard lock(m_images_mutex);
    auto& slot = m_images[id];
    slot.spec = std::move(result.spec);
    slot.error = std::move(result.error);
  }

  core::Expected<model::HostSnapshot> assemble() {
    if (m_context_error) return tl::unexpected(*m_context_error);
    auto ctx = m_context ? core::Expected<model::HostSnapshot>(std::move(*m_context)) : context();
    if (!ctx) return ctx;
    model::HostSnapshot snap = std::move(*ctx);
    if (snap.engine->swarm_cluster && m_networks) {
      if (auto overlays = parse::overlay_networks(*m_networks))
        snap.engine->swarm_cluster->overlay_networks = std::move(*overlays);
    }
    if (!m_container_list_error.empty()) {
      snap.unreadable.push_back({"container", "", "", "could not list containers: " + m_container_list_error});
      // The images in use are known only through the containers.
      snap.unreadable.push_back(
          {"image", "", "", "the images in use are unknown: could not list containers: " + m_container_list_error});
    }
    if (!m_image_list_error.empty()) {
      snap.unreadable.push_back({"image", "", "", "could not list images: " + m_image_list_error});
    }

    std::vector<std::string> not_found;
    std::vector<model::Unreadable> exec_unreadable;
    std::vector<std::string> unread_containers;
    // Thousands of specs of over a kilobyte each: room made once, in huge pages, by make_room()
    // when the list was read; each spec is moved to its place, the places left over dropped.
    if (m_room_maker.joinable()) m_room_maker.join();
    std::vector<model::ContainerSpec>& room = snap.containers;
    if (m_room.size() == m_slots.size()) {
      room = std::move(m_room);
    } else {
      room = core::vector_in_huge_pages<model::ContainerSpec>(m_slots.size());
    }
    std::size_t placed = 0;
    // The ids placed so far, views of the specs in `room` (which does not move): two refs may
    // name one container.
    std::unordered_set<std::string_view> ids;
    ids.reserve(m_slots.size());
    for (auto& slot : m_slots) {
      if (slot.missing) {
        if (m_explicit) not_found.push_back(slot.ref);
        continue;
      }
      if (!slot.spec) {
        snap.unreadable.push_back({"container", slot.ref, slot.name, slot.error});
        unread_containers.push_back(slot.name);
        continue;
      }
      auto& spec = *slot.spec;
      if (ids.contains(spec.id)) continue;  // two refs naming one container
      if (!slot.complete) complete(slot);
      for (auto& u : slot.exec_unreadable) {
        note(fmt::format("exec session {} of container {} could not be inspected: {}", short_id(u.id), u.name, u.reason));
        exec_unreadable.push_back(std::move(u));
      }
      room[placed] = std::move(spec);
      ids.insert(room[placed].id);
      ++placed;
    }
    room.resize(placed);
    if (!not_found.empty()) {
      std::string names;
      for (const auto& n : not_found)
        names += (names.empty() ? "" : ", ") + n;
      return core::fail(ErrorKind::not_found, "no such container: " + names);
    }

    std::set<std::string> emitted;
    for (const auto& c : snap.containers) {
      if (c.image_id.empty() || !emitted.insert(c.image_id).second) continue;
      auto it = m_images.find(c.image_id);
      if (it == m_images.end()) continue;
      if (it->second.spec) {
        snap.images.push_back(std::move(*it->second.spec));
      } else {
        snap.unreadable.push_back({"image", c.image_id, it->second.used_as, it->second.error});
      }
    }
    if (!unread_containers.empty()) {
      // Their images were not inspected: whichever they are, they went unaudited.
      snap.unreadable.push_back({"image", "", "images of unreadable containers",
                                 unread_containers.size() == 1
                                     ? fmt::format("not audited: the image of container {} is unknown, its inspect "
                                                   "could not be read",
                                                   unread_containers.front())
                                     : fmt::format("not audited: the images of containers {} are unknown, their "
                                                   "inspects could not be read",
                                                   core::join(unread_containers, ", "))});
    }
    for (auto& u : exec_unreadable)
      snap.unreadable.push_back(std::move(u));
    return snap;
  }

  EngineClient& m_client;
  const Progress& m_progress;
  const bool m_explicit;
  const SnapshotOptions& m_options;
  const bool m_streaming;  ///< containers handed to on_container as they complete
  std::unique_ptr<std::atomic<std::size_t>[]> m_pending;  ///< per slot: requests not yet handled
  std::atomic<int> m_engine_left{3};  ///< of /version, /info, /images/json
  std::atomic<int> m_gate_left{2};    ///< of the engine's facts (on_engine done) and the container list
  std::optional<model::HostSnapshot> m_context;            ///< set once, when the engine's answers are in
  std::optional<core::Error> m_context_error;
  std::mutex m_gate_mutex;
  bool m_gate_open = false;            ///< under m_gate_mutex
  std::vector<std::size_t> m_waiting;  ///< complete before the gate opened, not yet evaluated; under m_gate_mutex
  RequestQueue m_queue;
  std::mutex m_note_mutex;
  std::string m_proc_root;                   ///< the /proc to read processes from; "" when the engine is not local
  std::shared_future<ProcessTable> m_procs;  ///< valid when processes are read from /proc

  core::Expected<std::string> m_version = core::fail(ErrorKind::daemon, "no answer to /version");
  core::Expected<std::string> m_info = core::fail(ErrorKind::daemon, "no answer to /info");
  std::map<std::string, std::string> m_tags;
  std::optional<std::vector<model::ImageSummary>> m_all_images;
  core::Expected<std::string> m_networks = core::fail(ErrorKind::daemon, "no answer to /networks");
  std::string m_image_list_error;
  std::string m_container_list_error;

  std::vector<ContainerSlot> m_slots;
  std::vector<model::ContainerSpec> m_room;  ///< made by m_room_maker: as many default specs as slots
  std::jthread m_room_maker;
  std::mutex m_images_mutex;
  std::map<std::string, ImageSlot> m_images;  ///< image id -> result; guarded by m_images_mutex
};

}  // namespace

core::Expected<model::HostSnapshot> collect_host(EngineClient& client, const Progress& progress, const SnapshotOptions& options) {
  Collector c(client, progress, false, options);
  return c.host();
}

core::Expected<model::HostSnapshot> collect_containers(EngineClient& client, const std::vector<std::string>& refs,
                                                       const Progress& progress, const SnapshotOptions& options) {
  Collector c(client, progress, true, options);
  return c.containers(refs);
}

}  // namespace drydock::collect
