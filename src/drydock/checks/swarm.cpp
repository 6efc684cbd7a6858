/// Docker Swarm configuration: CIS Docker Benchmark section 7, for a host in swarm mode.

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"

namespace drydock::checks {
namespace {

/// The cluster to judge, or nullptr after writing the reason to skip.
const model::SwarmCluster* cluster_or_skip(const model::HostSnapshot& s, Results& out) {
  if (!s.engine) {
    out.skip("no engine consulted: swarm state unknown");
    return nullptr;
  }
  const auto& e = *s.engine;
  if (e.swarm_state != "active" && e.swarm_state != "locked") {
    out.skip(fmt::format("swarm mode is not active (Swarm.LocalNodeState={})", e.swarm_state.empty() ? "\"\"" : e.swarm_state));
    return nullptr;
  }
  if (!e.swarm_cluster) {
    out.skip("this node is not a swarm manager: only managers report the cluster's configuration");
    return nullptr;
  }
  return &*e.swarm_cluster;
}

void manager_count(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  const auto evidence = fmt::format("Swarm.Managers={}, Swarm.Nodes={}", c->managers, c->nodes);
  if (c->managers > 1 && c->managers % 2 == 0) {
    out.fail(evidence + ": an even number of managers tolerates no more failures than one manager fewer");
  } else if (c->managers > 7) {
    out.warn(evidence + ": more than 7 managers slows consensus without adding useful fault tolerance");
  } else {
    out.pass(evidence);
  }
}

bool all_interfaces(std::string_view address) { return address == "0.0.0.0" || address == "::" || address.empty(); }

void listen_interfaces(const model::HostSnapshot& s, Results& out) {
  if (!cluster_or_skip(s, out)) return;
  if (!s.swarm_listeners) {
    out.info(common::not_read(s, "the host's listening sockets", "the host's listening sockets were not read (not the live host)") +
             "; check with `ss -ltnp | grep -E ':(2377|7946)'`");
    return;
  }
  std::string wide;
  std::string narrow;
  for (const auto& l : *s.swarm_listeners) {
    auto& list = all_interfaces(l.address) ? wide : narrow;
    list += fmt::format("{}{}:{}", list.empty() ? "" : ", ",
                        l.address.find(':') != std::string::npos ? "[" + l.address + "]" : l.address, l.port);
  }
  if (!wide.empty())
    out.fail("swarm ports listen on every interface: " + wide);
  else if (!narrow.empty())
    out.pass("swarm ports listen on " + narrow);
  else
    out.info("no listening socket on 2377 or 7946 was found in /proc/net/tcp and tcp6");
}

void overlay_encryption(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  if (!c->overlay_networks) {
    out.error("the engine's network list (/networks) could not be read");
    return;
  }
  std::string plain;
  int encrypted = 0;
  for (const auto& n : *c->overlay_networks) {
    if (n.ingress) continue;  // the routing mesh's own network; its encryption is set at swarm init
    if (n.encrypted)
      ++encrypted;
    else
      plain += fmt::format("{}{}", plain.empty() ? "" : ", ", n.name);
  }
  if (!plain.empty())
    out.fail("overlay networks without Options.encrypted: " + plain);
  else
    out.pass(fmt::format("{} overlay network(s), all with Options.encrypted", encrypted));
}

void autolock(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  if (c->autolock)
    out.pass("Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers=true");
  else
    out.fail("Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers=false: the raft keys sit unencrypted on the managers' disks");
}

void secrets_management(const model::HostSnapshot& s, Results& out) {
  if (!cluster_or_skip(s, out)) return;
  out.info(
      "keep service secrets in `docker secret` (encrypted in the raft log, mounted in memory), not in images, "
      "environment variables or bind-mounted files");
}

void autolock_rotation(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  if (!c->autolock)
    out.info("autolock is off, so there is no unlock key to rotate (see 7.5)");
  else
    out.info("autolock is on; rotate the unlock key periodically with `docker swarm unlock-key --rotate`");
}

void node_cert_rotation(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  const double days = static_cast<double>(c->node_cert_expiry_ns) / 1e9 / 86400.0;
  out.info(
      fmt::format("Swarm.Cluster.Spec.CAConfig.NodeCertExpiry={:.0f} days; node certificates renew automatically within "
                  "that period",
                  days));
}

void ca_rotation(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  out.info(fmt::format("Swarm.Cluster.RootRotationInProgress={}; rotate the root CA periodically with `docker swarm ca --rotate`",
                       c->root_rotation_in_progress));
}

void plane_separation(const model::HostSnapshot& s, Results& out) {
  const auto* c = cluster_or_skip(s, out);
  if (!c) return;
  out.info(
      fmt::format("management traffic is advertised on {} (Swarm.NodeAddr); data path port {}; a separate data path "
                  "interface needs `docker swarm init --data-path-addr`",
                  c->node_addr.empty() ? "(unknown)" : c->node_addr, c->data_path_port));
}

constexpr std::string_view k_swarm_only = "Only applies in swarm mode.";

}  // namespace

std::span<const Check> swarm_checks() {
  static const std::vector<Check> table{
      Check{.id = "swarm.manager-count",
            .cis = "7.1",
            .title = "The swarm has a suitable number of managers",
            .severity = Severity::medium,
            .rationale = "Raft needs a majority of managers: an odd number gives the most fault tolerance per manager.",
            .remediation = "Run an odd number of managers (3 or 5): `docker node promote NODE` / `docker node demote NODE`.",
            .evaluate = &manager_count},
      Check{.id = "swarm.listen-all-interfaces",
            .cis = "7.2",
            .title = "Swarm ports listen on a specific interface",
            .severity = Severity::medium,
            .rationale = "The management port 2377 should only be reachable on the cluster's own network.",
            .remediation = "Initialise or join with a specific address: `docker swarm init --listen-addr 10.0.0.5:2377 "
                           "--advertise-addr 10.0.0.5`.",
            .evaluate = &listen_interfaces},
      Check{.id = "swarm.overlay-unencrypted",
            .cis = "7.3",
            .title = "Overlay network traffic is encrypted",
            .severity = Severity::medium,
            .rationale = "Without encryption, container traffic between nodes crosses the network in clear text.",
            .remediation = "Create overlay networks with encryption: `docker network create -d overlay --opt encrypted NAME`.",
            .evaluate = &overlay_encryption},
      Check{.id = "swarm.secrets-management",
            .cis = "7.4",
            .title = "Swarm secrets are Docker secrets",
            .severity = Severity::info,
            .rationale = k_swarm_only,
            .remediation = "Create secrets with `docker secret create` and grant them with `docker service create --secret`.",
            .evaluate = &secrets_management,
            .manual = true},
      Check{.id = "swarm.autolock",
            .cis = "7.5",
            .title = "Swarm managers are in auto-lock mode",
            .severity = Severity::medium,
            .rationale =
                "Without auto-lock, anyone who reads a manager's disk gets the keys that decrypt the raft log and its secrets.",
            .remediation = "Turn on auto-lock: `docker swarm update --autolock=true` and keep the unlock key safe.",
            .evaluate = &autolock},
      Check{.id = "swarm.unlock-key-rotation",
            .cis = "7.6",
            .title = "The swarm unlock key is rotated",
            .severity = Severity::info,
            .rationale = k_swarm_only,
            .remediation = "Rotate the key periodically: `docker swarm unlock-key --rotate`.",
            .evaluate = &autolock_rotation,
            .manual = true},
      Check{.id = "swarm.node-cert-rotation",
            .cis = "7.7",
            .title = "Swarm node certificates are rotated",
            .severity = Severity::info,
            .rationale = k_swarm_only,
            .remediation = "Set a suitable expiry: `docker swarm update --cert-expiry 720h`.",
            .evaluate = &node_cert_rotation,
            .manual = true},
      Check{.id = "swarm.ca-rotation",
            .cis = "7.8",
            .title = "The swarm root CA is rotated",
            .severity = Severity::info,
            .rationale = k_swarm_only,
            .remediation = "Rotate the root CA periodically: `docker swarm ca --rotate`.",
            .evaluate = &ca_rotation,
            .manual = true},
      Check{.id = "swarm.plane-separation",
            .cis = "7.9",
            .title = "Management and data plane traffic are separated",
            .severity = Severity::info,
            .rationale = k_swarm_only,
            .remediation = "Separate the planes: `docker swarm init --advertise-addr MGMT_IP --data-path-addr DATA_IP`.",
            .evaluate = &plane_separation,
            .manual = true},
  };
  return table;
}

}  // namespace drydock::checks
