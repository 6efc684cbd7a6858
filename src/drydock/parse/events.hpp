#pragma once
/// The engine's event stream (`GET /events`): JSON objects, one per line, arriving in pieces of
/// any size. Untrusted input: a malformed or oversized message is an error for that message and
/// the stream goes on with the next line.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/event.hpp"

namespace drydock::parse {

/// One event message.
core::Expected<model::EngineEvent> engine_event(std::string_view json);

class EventStream {
 public:
  /// A message longer than this is dropped (an error), up to its newline.
  static constexpr std::size_t k_max_message = std::size_t{1} << 20;

  /// Takes the next piece of the stream; returns the messages it completed, in order.
  std::vector<core::Expected<model::EngineEvent>> feed(std::string_view bytes);

 private:
  std::string m_line;
  bool m_skipping = false;  ///< inside an oversized message, until its newline
};

}  // namespace drydock::parse
