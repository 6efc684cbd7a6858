#include "drydock/collect/image/engine.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/collect/image/read.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/run_scripts.hpp"

namespace drydock::collect::image {
namespace {

/// Chunks handed from the transfer's thread to the reader, at most k_depth at a time, so
/// memory stays bounded whatever the image's size.
class Pipe final : public ByteSource {
 public:
  static constexpr std::size_t k_depth = 64;

  /// Producer side: false when the reader has gone.
  bool push(std::string_view chunk) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_chunks.size() < k_depth || m_closed_by_reader; });
    if (m_closed_by_reader) return false;
    m_chunks.emplace_back(chunk);
    m_changed.notify_all();
    return true;
  }

  /// Producer side: the transfer ended, with its error if any.
  void finish(std::optional<core::Error> error) {
    std::lock_guard lock(m_mutex);
    m_finished = true;
    m_error = std::move(error);
    m_changed.notify_all();
  }

  /// Reader side: stops the producer (on any error, or when done).
  void close() {
    std::lock_guard lock(m_mutex);
    m_closed_by_reader = true;
    m_changed.notify_all();
  }

  core::Expected<std::string_view> next() override {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_chunks.empty() || m_finished; });
    if (m_chunks.empty()) {
      if (m_error) return tl::unexpected(*m_error);
      return std::string_view();
    }
    m_current = std::move(m_chunks.front());
    m_chunks.pop_front();
    m_changed.notify_all();
    return std::string_view(m_current);
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::string> m_chunks;
  std::string m_current;
  bool m_finished = false;
  bool m_closed_by_reader = false;
  std::optional<core::Error> m_error;
};

}  // namespace

core::Expected<std::vector<model::HistoryEntry>> parse_history(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return core::fail(core::ErrorKind::parse, "expected a JSON array", "image history");
  std::vector<model::HistoryEntry> out;
  for (auto it = j.rbegin(); it != j.rend(); ++it) {
    if (!it->is_object()) return core::fail(core::ErrorKind::parse, "an entry that is not an object", "image history");
    model::HistoryEntry e;
    if (const auto c = it->find("CreatedBy"); c != it->end() && c->is_string()) e.created_by = c->get<std::string>();
    e.instruction = parse::history_instruction(e.created_by);
    if (const auto c = it->find("Comment"); c != it->end() && c->is_string()) e.comment = c->get<std::string>();
    if (const auto c = it->find("Created"); c != it->end() && c->is_number_integer())
      e.created = std::to_string(c->get<std::int64_t>());
    // The engine lists a layer's own size; steps that made no layer show 0.
    if (const auto c = it->find("Size"); c != it->end() && c->is_number_integer()) e.empty_layer = c->get<std::int64_t>() == 0;
    out.push_back(std::move(e));
  }
  return out;
}

core::Expected<model::ImageSpec> read_engine_image(EngineClient& client, const std::string& ref, const ReadOptions& options) {
  if (ref.empty() || ref.find_first_of("?# \t\n%") != std::string::npos) {
    return core::fail(core::ErrorKind::usage, "not an image reference", ref);
  }
  DRYDOCK_TRY(inspect_body, client.get("/images/" + ref + "/json"));
  DRYDOCK_TRY(spec, parse::image_inspect(inspect_body));
  DRYDOCK_TRY(history_body, client.get("/images/" + spec.id + "/history"));
  DRYDOCK_TRY(history, parse_history(history_body));

  Pipe pipe;
  std::thread transfer([&] {
    auto done = client.get_stream("/images/" + spec.id + "/get", [&](std::string_view chunk) { return pipe.push(chunk); });
    pipe.finish(done ? std::nullopt : std::optional<core::Error>(done.error()));
  });
  auto images = read_archive(pipe, fmt::format("engine image {}", ref), options);
  pipe.close();
  transfer.join();
  if (!images) return tl::unexpected(images.error());
  const model::ImageSpec* match = nullptr;
  for (const auto& img : *images) {
    if (img.id == spec.id) match = &img;
  }
  if (match == nullptr) {
    return core::fail(core::ErrorKind::daemon, fmt::format("the engine's export does not hold image {}", spec.id), ref);
  }
  spec.history = std::move(history);
  spec.content = match->content;
  spec.origin = "engine";
  return spec;
}

}  // namespace drydock::collect::image
