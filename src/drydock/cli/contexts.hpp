#pragma once
/// `drydock host --context NAME ... | --all-contexts`: which docker contexts to audit, each
/// resolved to its engine's endpoint by collect::context_endpoint (as the docker CLI reads them).

#include <string>
#include <vector>

#include "drydock/collect/engine/endpoint.hpp"
#include "drydock/core/error.hpp"

namespace drydock::cli {

/// The options of `drydock host` that choose the engines.
struct ContextRequest {
  std::vector<std::string> names;  ///< --context, in the order given (repeatable)
  bool all = false;                ///< --all-contexts
  std::string host_flag;           ///< --host
  std::string root;                ///< --root
  bool no_engine = false;          ///< --no-engine
};

/// One context to audit: its endpoint, or why it has none (not found, unreadable, ssh://).
struct ContextTarget {
  std::string name;
  core::Expected<collect::Endpoint> endpoint;
};

/// The contexts a request names, each resolved against the contexts store of `docker_config_dir`:
/// the --context names in their order, repeated ones once; for --all-contexts `default` and then
/// every context of the store by name. A context that cannot be resolved is a target with the
/// error (reported as that host's error, the others still audited). Usage errors: --context or
/// --all-contexts with --host (both choose the engine), with --no-engine, both together, an
/// empty name, --root with more than one context (one host's files cannot stand for several).
core::Expected<std::vector<ContextTarget>> context_targets(const ContextRequest& request, const std::string& docker_config_dir);

}  // namespace drydock::cli
