#pragma once
/// Runs the selected checks over a snapshot, turning every exception into an `error` result.

#include <span>
#include <string>
#include <thread>
#include <vector>

#include "drydock/audit/report.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/model/compose.hpp"
#include "drydock/model/dockerfile.hpp"
#include "drydock/model/fleet.hpp"
#include "drydock/model/host.hpp"

namespace drydock::audit {

struct RunOptions {
  bool daemon_checks = true;     ///< checks about the engine itself (a host audit)
  bool image_checks = true;      ///< checks on the images in the snapshot
  bool container_checks = true;  ///< checks on containers (off for an offline --no-engine audit)
};

/// The container checks of a host audit run container by container while the others are
/// still being collected (collect::SnapshotOptions::on_container): each container's findings
/// and facts are kept, and its spec can then be reduced to what the daemon checks count
/// (reduce()). run() given one takes the findings and facts out of it (matched by container
/// id), in catalogue order as ever; containers it lacks, and the checks that read the images
/// in use (Check::reads_images), are evaluated there.
class ContainerAudit {
 public:
  ContainerAudit(const Selection& selection, std::span<const checks::Check> table);
  explicit ContainerAudit(const Selection& selection);
  ContainerAudit(const ContainerAudit&) = delete;  // the room's maker writes into this one
  ContainerAudit& operator=(const ContainerAudit&) = delete;
  ~ContainerAudit() = default;
  /// The number of containers to come, before the first add(). Also starts making, on a thread
  /// of its own while the collection runs, the room for the report's results (run() takes it):
  /// on a host of thousands of containers, faulting in its tens of megabytes after the last answer
  /// was most of run()'s time.
  void resize(std::size_t containers);
  /// Runs every selected container check on `c` (slot in [0, resize)); `context` holds the
  /// engine, daemon and tags the checks read. Distinct slots may be added from several threads.
  void add(std::size_t slot, const model::ContainerSpec& c, const model::HostSnapshot& context);
  /// `c` reduced to what outlives its checks: id, name, image, image id, state, running (what
  /// the daemon checks count, and what the container checks that read the images see).
  static void reduce(model::ContainerSpec& c);

 private:
  friend Report run(const model::HostSnapshot&, const Selection&, const RunOptions&, std::span<const checks::Check>,
                    ContainerAudit*);
  struct Slot {
    bool done = false;
    std::string id;
    std::vector<std::pair<std::string, std::string>> facts;
  };
  /// The room for the report's results (empty, its capacity made and faulted in), made by
  /// m_room_maker; run() uses it when it holds all the results.
  std::vector<Result> take_room();

  std::vector<const checks::Check*> m_selected;
  std::size_t m_results_but_containers = 0;  ///< the selected checks' results that are not one per container
  std::size_t m_container_checks = 0;        ///< selected checks of scope container, reads_images included
  std::vector<Result> m_room;
  std::jthread m_room_maker;
  std::vector<Slot> m_slots;
  /// The findings check by check, as the report lists them: m_findings[k][slot] is that of
  /// m_selected[k] on the container of `slot`. run() reads each check's in order and frees it.
  std::vector<std::vector<checks::Finding>> m_findings;
};

/// One result per (selected check, subject). A scope with no subjects yields one `skip`
/// per check, saying so; an unreadable subject yields `error` for each of its checks.
/// `evaluated`: the container checks already run (ContainerAudit over the same containers).
Report run(const model::HostSnapshot& snapshot, const Selection& selection, const RunOptions& options,
           std::span<const checks::Check> table, ContainerAudit* evaluated = nullptr);
/// The same over the whole catalogue.
Report run(const model::HostSnapshot& snapshot, const Selection& selection, const RunOptions& options,
           ContainerAudit* evaluated = nullptr);

/// The Dockerfile checks run file by file, so that a file's tree can be dropped once linted:
/// `add` each Dockerfile (and each file that could not be read or parsed), then `finish`.
/// Results come in catalogue order, check by check, subjects in the order they were added.
class DockerfileAudit {
 public:
  DockerfileAudit(const Selection& selection, std::span<const checks::Check> table);
  explicit DockerfileAudit(const Selection& selection);
  /// Runs every selected check on `d` now (subject kind "dockerfile", name its path).
  void add(const model::Dockerfile& d);
  /// An `error` result per selected check for a file that could not be read or parsed.
  void add(const model::Unreadable& u);
  [[nodiscard]] Report finish() &&;
  /// Room for this many files (read or not): no regrowth while they are added.
  void reserve(std::size_t files);

 private:
  /// Room for `files` files per check, the results so far moved to their new places.
  void grow(std::size_t files);
  /// The result of check `check` on the file being added: its subject is m_subjects[check].
  void place(std::size_t check, checks::Finding finding);
  /// m_subjects: a copy of `subject` per selected check.
  void copy_subject(Subject subject);

  std::vector<const checks::Check*> m_selected;
  std::size_t m_files = 0;   ///< added so far
  std::size_t m_stride = 0;  ///< room per check in m_results
  /// The report's results, made in place as each file is linted: check-major as the report lists
  /// them, the result of check c on file f at m_results[c * m_stride + f]; finish() closes the
  /// gaps of the files reserved but not added.
  std::vector<Result> m_results;
  std::vector<SharedSubject> m_subjects;  ///< the file being added: its subject, once per selected check
};

/// The Dockerfile checks over each Dockerfile (subject kind "dockerfile", name its path),
/// in catalogue order; each file that could not be read or parsed gets `error` results.
Report run(const std::vector<model::Dockerfile>& dockerfiles, const std::vector<model::Unreadable>& unreadable,
           const Selection& selection, std::span<const checks::Check> table);
Report run(const std::vector<model::Dockerfile>& dockerfiles, const std::vector<model::Unreadable>& unreadable,
           const Selection& selection);

/// A Compose project (audit/compose.cpp): the runtime checks on each service's ContainerSpec,
/// unchanged, and the Compose checks; subject kind "compose-service", name the service's name.
/// Each result is located at the key that decided it (the first of the check's fields whose
/// value changes the outcome, else the first that is set), else at the service itself. Runtime
/// checks that need a running container are `skip`. A file that could not be loaded at all gives
/// `error` results (subject kind "compose-file").
Report run(const model::ComposeProject& project, const Selection& selection, std::span<const checks::Check> table);
Report run(const model::ComposeProject& project, const Selection& selection);

/// The subject for a container.
Subject subject_of(const model::ContainerSpec& c);

/// The result of a node check (scope `node`: `drydock fleet`'s nodes, `drydock host --context`'s
/// engines) on `node`, about `subject`, from host `host` of the report; a check that throws or
/// writes nothing gives `error`, as every other check does.
Result node_result(const checks::Check& check, const model::FleetNode& node, Subject subject, std::size_t host);

}  // namespace drydock::audit
