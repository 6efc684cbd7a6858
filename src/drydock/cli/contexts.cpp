#include "drydock/cli/contexts.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace drydock::cli {

core::Expected<std::vector<ContextTarget>> context_targets(const ContextRequest& request, const std::string& docker_config_dir) {
  using core::ErrorKind;
  if (request.names.empty() && !request.all) return std::vector<ContextTarget>{};
  const std::string option = request.all ? "--all-contexts" : "--context";
  if (request.all && !request.names.empty()) {
    return core::fail(ErrorKind::usage, "--all-contexts audits every context: drop --context, or drop --all-contexts");
  }
  if (!request.host_flag.empty()) {
    return core::fail(ErrorKind::usage, option + " and --host both choose the engine: give one of them");
  }
  if (request.no_engine) {
    return core::fail(ErrorKind::usage, option + " audits the contexts' engines: drop --no-engine");
  }
  // In order: names to resolve, or (for a broken entry of the store) the error.
  std::vector<ContextTarget> targets;
  const auto add = [&](const std::string& name) {
    for (const auto& t : targets) {
      if (t.name == name) return;
    }
    targets.push_back(ContextTarget{name, collect::Endpoint{}});
  };
  if (request.all) {
    add("default");
    for (const auto& stored : collect::list_contexts(docker_config_dir)) {
      if (stored.name == "default") continue;
      if (stored.error.empty()) {
        add(stored.name);
      } else {
        targets.push_back(ContextTarget{stored.name, core::fail(ErrorKind::usage, stored.error)});
      }
    }
  } else {
    for (const auto& n : request.names) {
      if (n.empty()) return core::fail(ErrorKind::usage, "--context needs a context's name (`docker context ls` lists them)");
      add(n);
    }
  }
  if (!request.root.empty() && targets.size() > 1) {
    return core::fail(ErrorKind::usage,
                      fmt::format("--root reads one host's files: it cannot stand for the hosts of {} contexts (audit the "
                                  "contexts without --root, or one context with it)",
                                  targets.size()));
  }
  for (auto& t : targets) {
    if (t.endpoint) t.endpoint = collect::context_endpoint(t.name, option, docker_config_dir);
  }
  return targets;
}

}  // namespace drydock::cli
