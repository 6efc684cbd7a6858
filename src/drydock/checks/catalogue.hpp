#pragma once
/// The catalogue: every check of every area, in report order.

#include <span>
#include <string_view>

#include "drydock/checks/check.hpp"

namespace drydock::checks {

/// Each area's table, defined in its own .cpp file.
std::span<const Check> trust_checks();        // trust.cpp: CIS 4.5, Docker Content Trust (Notary v1) on hosts
std::span<const Check> provenance_checks();   // provenance.cpp: CIS 4.11 (and 4.2) on Dockerfiles and images
std::span<const Check> runtime_checks();      // runtime.cpp: CIS section 5 and 4.1 on containers
std::span<const Check> image_checks();        // images.cpp: CIS section 4 on images
std::span<const Check> host_checks();         // host.cpp: CIS section 1 (audit rules, docker group, partition)
std::span<const Check> daemon_checks();       // daemon.cpp: CIS section 2 (daemon configuration)
std::span<const Check> daemon_file_checks();  // daemon_files.cpp: CIS section 3 (owners and modes)
std::span<const Check> operations_checks();   // operations.cpp: CIS section 6 (image and container sprawl)
std::span<const Check> swarm_checks();        // swarm.cpp: CIS section 7
std::span<const Check> fleet_checks();        // fleet.cpp: each node of a Swarm audited by drydock fleet
std::span<const Check> dockerfile_checks();   // dockerfile.cpp: Dockerfile lint (CIS 4.x, hadolint, Trivy)
std::span<const Check> compose_checks();      // compose.cpp: what only a Compose file shows

/// All checks, ids unique, in report order.
std::span<const Check> catalogue();

/// The check with this id, or nullptr.
const Check* find_check(std::string_view id);

}  // namespace drydock::checks
