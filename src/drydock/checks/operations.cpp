/// Security operations: CIS Docker Benchmark section 6 (image and container sprawl).
/// Both controls are Manual: drydock gives the numbers, and warns past a threshold.

#include <fmt/format.h>

#include <set>

#include "drydock/checks/catalogue.hpp"

namespace drydock::checks {
namespace {

/// Past these counts sprawl is worth a warning rather than a note.
constexpr std::size_t k_unused_images_warn = 25;
constexpr std::size_t k_dangling_images_warn = 10;
constexpr std::size_t k_stopped_containers_warn = 25;

std::string mib(std::int64_t bytes) { return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

void image_sprawl(const model::HostSnapshot& s, Results& out) {
  if (!s.engine) {
    out.skip("no engine consulted: the image list is unknown");
    return;
  }
  if (!s.all_images) {
    out.error("the engine's image list (/images/json) could not be read");
    return;
  }
  std::set<std::string> used;
  for (const auto& c : s.containers)
    used.insert(c.image_id);
  std::size_t dangling = 0;
  std::size_t unused = 0;
  std::int64_t unused_bytes = 0;
  for (const auto& image : *s.all_images) {
    if (image.dangling()) ++dangling;
    if (!used.contains(image.id)) {
      ++unused;
      unused_bytes += image.size;
    }
  }
  const auto evidence = fmt::format("{} images on the engine: {} not used by any container ({}), {} dangling (untagged)",
                                    s.all_images->size(), unused, mib(unused_bytes), dangling);
  if (unused >= k_unused_images_warn || dangling >= k_dangling_images_warn) {
    out.warn(fmt::format("{}; warn at {} unused or {} dangling", evidence, k_unused_images_warn, k_dangling_images_warn));
  } else {
    out.info(evidence);
  }
}

void container_sprawl(const model::HostSnapshot& s, Results& out) {
  if (!s.engine) {
    out.skip("no engine consulted: the container list is unknown");
    return;
  }
  std::size_t running = 0;
  for (const auto& c : s.containers)
    running += c.running ? 1 : 0;
  const std::size_t stopped = s.containers.size() - running;
  const auto evidence = fmt::format("{} containers: {} running, {} not running", s.containers.size(), running, stopped);
  if (stopped >= k_stopped_containers_warn) {
    out.warn(fmt::format("{}; warn at {} not running", evidence, k_stopped_containers_warn));
  } else {
    out.info(evidence);
  }
}

}  // namespace

std::span<const Check> operations_checks() {
  static const std::vector<Check> table{
      Check{.id = "operations.image-sprawl",
            .cis = "6.1",
            .title = "Unused images are removed",
            .severity = Severity::low,
            .rationale = "Old and unused images keep vulnerable packages on disk and make it hard to know what is "
                         "really deployed; they are also what a careless `docker run` picks up.",
            .remediation = "Remove images no container uses: `docker image prune -a` (dangling only: `docker image prune`); "
                           "keep only the tags you deploy.",
            .evaluate = &image_sprawl,
            .manual = true},
      Check{.id = "operations.container-sprawl",
            .cis = "6.2",
            .title = "Stopped containers are removed",
            .severity = Severity::low,
            .rationale = "Stopped containers keep their configuration, writable layer and secrets on the host and can be "
                         "restarted by anyone with access to the engine.",
            .remediation = "Remove containers that are no longer needed: `docker container prune` (or `docker rm NAME`); "
                           "run short-lived ones with `docker run --rm`.",
            .evaluate = &container_sprawl,
            .manual = true},
  };
  return table;
}

}  // namespace drydock::checks
