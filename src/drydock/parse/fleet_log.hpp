#pragma once
/// What `drydock fleet` reads back from its service's logs: Docker's log stream (multiplexed
/// frames, or raw text for a TTY) cut into lines, and the lines its tasks write, one NDJSON
/// object each, gathered into one `drydock.report/v1` JSON report per node.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/fleet.hpp"

namespace drydock::parse {

/// Docker's log stream in pieces of any size. Without a TTY the engine multiplexes: each frame
/// is an 8-byte header (stream 1 stdout or 2 stderr, three zero bytes, the payload's length,
/// big-endian) then the payload; with a TTY the bytes are the output itself. The first bytes
/// decide which. Lines are handed out whole, without their newline, per stream; a line longer
/// than `max_line` is handed out cut at that length (and counted in cut_lines()).
class LogLines {
 public:
  using Sink = std::function<void(int stream, std::string_view line)>;
  explicit LogLines(std::size_t max_line = std::size_t{1} << 20) : m_max_line(max_line) {}
  void feed(std::string_view bytes, const Sink& on_line);
  /// The end of the stream: what is left of each stream's last line. False when the stream
  /// ended inside a frame (it was cut).
  bool finish(const Sink& on_line);
  [[nodiscard]] std::size_t cut_lines() const { return m_cut_lines; }

 private:
  void payload(int stream, std::string_view bytes, const Sink& on_line);
  std::size_t m_max_line;
  enum class Mode { unknown, multiplexed, raw } m_mode = Mode::unknown;
  std::string m_start;          ///< the stream's first bytes, until the mode is known
  std::string m_header;         ///< the frame header read so far
  std::size_t m_remaining = 0;  ///< bytes left in the current frame's payload
  int m_stream = 1;
  std::string m_pending[3];     ///< the unfinished line of stdin/stdout/stderr
  std::size_t m_cut_lines = 0;
};

/// The lines of `drydock fleet`'s tasks (written by `drydock fleet-task`):
///   {"drydock-fleet":1,"node":ID,"header":{...the JSON report without its results...}}
///   {"drydock-fleet":1,"node":ID,"result":{...one result of the JSON report...}}
///   {"drydock-fleet":1,"node":ID,"end":N}              N results were written
///   {"drydock-fleet":1,"node":ID,"error":"message"}    the node's audit could not run
/// Other lines (a task's diagnostics) are ignored.
struct FleetNodeLines {
  std::string header;                ///< the header object's JSON text, "" until it came
  std::vector<std::string> results;  ///< each result's JSON text, in order
  std::optional<std::size_t> end;    ///< the count the task said it wrote
  std::string error;                 ///< the task's own error, or the first malformed line's problem
};

class FleetLines {
 public:
  /// One log line. A line with the marker that is not valid is noted against its node (or
  /// dropped when it names none).
  void add(std::string_view line);
  [[nodiscard]] const std::map<std::string, FleetNodeLines>& nodes() const { return m_nodes; }
  /// The node's report (`drydock.report/v1` JSON text) when it is whole: its header, as many
  /// results as its end line says, no error; else nullopt and `why` says what is missing.
  [[nodiscard]] std::optional<std::string> report(const std::string& node, std::string& why) const;

 private:
  std::map<std::string, FleetNodeLines> m_nodes;
};

/// The nodes of a Swarm from `GET /nodes`: id, hostname, state and availability.
core::Expected<std::vector<model::FleetNode>> swarm_nodes(std::string_view json);

/// Sets each node's task from `GET /tasks?filters={"service":[...]}`: the newest task of the
/// service on the node, its state and error. False when not every node that can run a task
/// (ready and active) has one in a final state yet.
core::Expected<bool> apply_tasks(std::string_view json, std::vector<model::FleetNode>& nodes);

/// True for a task state after which the task never runs again.
bool final_task_state(std::string_view state);

}  // namespace drydock::parse
