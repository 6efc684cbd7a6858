#pragma once
/// Collecting a host's runtime state from the Engine API into a model::HostSnapshot.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/collect/engine/client.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/host.hpp"

namespace drydock::collect {

/// Progress reporting; `note` may be empty. Notes are one line each, called one at a time
/// (possibly from worker threads).
struct Progress {
  std::function<void(std::string_view)> note;
  /// A count of long work as it advances ("containers inspected", done, total); may be called
  /// from several workers, one at a time.
  std::function<void(std::string_view, std::size_t, std::size_t)> step;
};

/// How the collector lists a running container's processes.
struct SnapshotOptions {
  /// When the engine is local (a unix socket) and this directory can be listed, the processes
  /// of each running container are taken from this proc root (the host's process table, read
  /// once: collect/host/procfs.hpp) instead of the engine's `/containers/{id}/top`, which makes
  /// dockerd run `ps` per container. A container whose State.Pid is not its own there (another
  /// PID namespace, a race) is still asked of the engine. "" = always ask the engine.
  std::string proc_root = "/proc";

  /// The answers to /version and /info when the caller has already read them (drydock host
  /// asks them first, to recognise Podman): the collection uses them instead of asking again.
  /// On an engine of thousands of containers /info is one of the slowest answers.
  std::optional<std::string> version;
  std::optional<std::string> info;

  // A host audit that evaluates each container as soon as it is complete, while the other
  // requests are in flight (collect_host only; all three set, or none). Each is called on a
  // worker thread.
  /// Once, with the number of containers listed, before any on_container (possibly while
  /// on_answers or on_engine runs on another worker).
  std::function<void(std::size_t containers)> on_list;
  /// Optional, with the three others: once, when /version, /info and /images/json are in and
  /// the engine's facts read, before on_engine: the bodies of /version and /info (drydock host
  /// recognises Podman by them; they are asked with the list, not before it). Usually called
  /// while the container list, the longest answer, is still on its way.
  /// false = no container is evaluated as it completes: on_engine and on_container are not
  /// called, and the snapshot is the whole collection, as without the callbacks.
  std::function<bool(const std::string& version, const std::string& info)> on_answers;
  /// Once, when /version, /info and /images/json are in (not waiting for the container list):
  /// `context` holds the engine and the tags, and the caller adds what else the container
  /// checks read (the daemon's configuration). The collected snapshot starts from it.
  std::function<void(model::HostSnapshot& context)> on_engine;
  /// For each container whose inspect, processes and exec sessions are all in, after
  /// on_engine and on_list (containers complete before both wait for them, and are then
  /// evaluated by whichever workers are free); `slot` is its place in the list.
  /// Several at a time, for different slots. The callee may reduce `spec`: what it leaves is
  /// what the snapshot's entry holds.
  std::function<void(std::size_t slot, model::ContainerSpec& spec, const model::HostSnapshot& context)> on_container;
};

/// Everything a whole-host audit needs: /version and /info, every container (running and
/// stopped) with its inspect, processes (`top`, running ones only) and exec sessions, the tag
/// map (/images/json) and the inspect of every image in use by a container.
/// Requests run `options().workers` at a time, each response parsed as it arrives; follow-up
/// requests (top, exec, image) start as soon as the response they depend on is in.
/// Results keep the engine's list order. A container removed between the list and its
/// inspect (404) is dropped with a note; any other failure to read one (an inspect that is
/// malformed, lacks an Id or names another container included) becomes a model::Unreadable
/// entry, as does every image in use that cannot be inspected (404 included: the engine keeps
/// an image while a container uses it), every exec session that cannot be (404 aside), and a
/// failed container or image list. The images of unreadable containers, or of all of them when
/// the list failed, are one Unreadable "image" entry saying so.
/// Only a failure of /version or /info fails the whole collection: the engine's security
/// options and swarm state decide what the container checks mean.
/// Processes come from /proc or `top` as SnapshotOptions says; the result is the same
/// (ContainerSpec::processes, or processes_unavailable with the reason).
core::Expected<model::HostSnapshot> collect_host(EngineClient& client, const Progress& progress,
                                                 const SnapshotOptions& options = {});

/// The same for the given containers only (names, ids or id prefixes, as `docker inspect`
/// takes them), in the order given, each container once. Refs the engine does not know fail
/// the collection with ErrorKind::not_found naming all of them.
core::Expected<model::HostSnapshot> collect_containers(EngineClient& client, const std::vector<std::string>& refs,
                                                       const Progress& progress, const SnapshotOptions& options = {});

}  // namespace drydock::collect
