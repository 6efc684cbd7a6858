#pragma once
/// `drydock watch`: one full audit, then the engine's event stream and the daemon's files decide
/// what to audit again; the output is the transitions of the findings.
///
/// Threads: one follows `GET /events` (blocked on the socket), one waits on inotify for the
/// daemon's files, one waits for SIGINT/SIGTERM; the calling thread audits. Events are coalesced:
/// a burst is gathered until the stream has been quiet for `settle` (at most `max_batch`), then each
/// container named in it is audited once. On every (re)connection everything is listed and audited
/// again and compared with what is known, so nothing is missed while the engine was away and
/// nothing is announced twice.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "drydock/audit/selection.hpp"
#include "drydock/collect/engine/client.hpp"
#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/policy.hpp"
#include "drydock/watch/transition.hpp"

namespace drydock::watch {

struct WatchOptions {
  collect::Endpoint endpoint;
  collect::ClientOptions client;
  audit::Selection selection;
  model::Policy policy;
  /// --now: the instant of every time-dependent decision (the expiry of ignores); nullopt: the
  /// wall clock at each audit (a watch runs for days).
  std::optional<std::int64_t> now;
  std::string state_path;  ///< "" = no history, nothing kept between runs
  std::string root;        ///< where the host's files are ("" = /)
  std::chrono::milliseconds settle{25};
  std::chrono::milliseconds max_batch{500};
  std::chrono::milliseconds max_backoff{5000};  ///< between reconnection attempts
  std::function<void(const Transition&)> emit;  ///< each transition, in order
  std::function<void()> flush;                  ///< after each batch of transitions
  std::function<void(std::string_view)> note;   ///< one line for stderr
};

/// Runs until SIGINT or SIGTERM (then returns true) or a failure before the first audit
/// completed (the engine unreachable, the state file unusable).
core::Expected<bool> run_watch(const WatchOptions& options);

}  // namespace drydock::watch
