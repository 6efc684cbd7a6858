#pragma once
/// What a swarm manager says about its cluster, and the host's swarm listeners.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drydock::model {

struct OverlayNetwork {
  std::string id;
  std::string name;
  bool encrypted = false;  ///< Options has "encrypted"
  bool ingress = false;
};

/// The cluster as a manager reports it (`/info` Swarm.Cluster, Nodes, Managers; `/networks`).
struct SwarmCluster {
  std::string node_addr;  ///< this node's advertised address
  int nodes = 0;
  int managers = 0;
  bool autolock = false;                 ///< Spec.EncryptionConfig.AutoLockManagers
  std::int64_t node_cert_expiry_ns = 0;  ///< Spec.CAConfig.NodeCertExpiry
  bool root_rotation_in_progress = false;
  std::string ca_issuer_subject;  ///< TLSInfo.CertIssuerSubject (base64 DER)
  std::int64_t data_path_port = 0;
  /// Overlay networks; nullopt when /networks was not read.
  std::optional<std::vector<OverlayNetwork>> overlay_networks;
};

/// A listening TCP socket on a swarm port (2377 management, 7946 gossip) read from the
/// live host's /proc/net/tcp and tcp6, e.g. "0.0.0.0:2377".
struct SwarmListener {
  std::string address;  ///< "0.0.0.0", "127.0.0.1", "::"
  int port = 0;
};

}  // namespace drydock::model
