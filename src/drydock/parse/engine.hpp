#pragma once
/// Engine API JSON -> model. Pure: bytes in, model out; every error names the field.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/container.hpp"
#include "drydock/model/host.hpp"
#include "drydock/model/image.hpp"

namespace drydock::parse {

/// Nesting depth and number of values (containers and elements) of a JSON text, counted
/// without parsing it, strings skipped: a reader refuses a text whose parsed tree would be
/// huge before building it.
struct JsonShape {
  std::size_t depth = 0;
  std::uint64_t values = 0;
};
JsonShape json_shape(std::string_view text);

/// One container inspect object (`GET /containers/{id}/json`).
core::Expected<model::ContainerSpec> container_inspect(std::string_view json);

/// The output of `docker inspect` (a JSON array, or one object): one entry per element,
/// each parsed on its own so that one bad element does not hide the others.
/// Fails as a whole only when the text is not JSON or not an array/object.
core::Expected<std::vector<core::Expected<model::ContainerSpec>>> inspect_document(std::string_view json);

/// `/containers/{id}/stats?stream=false`: memory in use without the inactive page cache (cgroup v1
/// `total_inactive_file`, v2 `inactive_file`, as the docker CLI subtracts it) and the
/// process count. A stopped container's zeros are "not measured" (nullopt).
core::Expected<model::ContainerUsage> container_stats(std::string_view json);

/// One image inspect object (`GET /images/{id}/json`).
core::Expected<model::ImageSpec> image_inspect(std::string_view json);

/// An entry of `GET /containers/json?all=1`.
struct ContainerSummary {
  std::string id;
  std::string name;  ///< first name, without '/'
  std::string state;
};
core::Expected<std::vector<ContainerSummary>> container_list(std::string_view json);

/// `GET /images/json`: every image on the engine ("<none>:<none>" tags dropped).
core::Expected<std::vector<model::ImageSummary>> image_list(std::string_view json);

/// `GET /images/json`: every "name:tag" -> image id.
core::Expected<std::vector<std::pair<std::string, std::string>>> image_tags(std::string_view json);

/// `GET /version` and `GET /info` together.
core::Expected<model::EngineInfo> engine_info(std::string_view version_json, std::string_view info_json);

/// `GET /networks`: the overlay networks, with whether each is encrypted.
core::Expected<std::vector<model::OverlayNetwork>> overlay_networks(std::string_view json);

/// `GET /containers/{id}/top`: the process list (Titles + Processes).
core::Expected<std::vector<model::Process>> top(std::string_view json);

/// `GET /exec/{id}/json`.
core::Expected<model::ExecSession> exec_inspect(std::string_view json);

}  // namespace drydock::parse
