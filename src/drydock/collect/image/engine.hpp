#pragma once
/// An image of the engine: `/images/{name}/json` and `/history` for its configuration and
/// build steps, `/images/{name}/get` streamed through the same reader as a tarball.

#include <string>

#include "drydock/collect/engine/client.hpp"
#include "drydock/collect/image/assemble.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::collect::image {

/// The image `ref` (name:tag, id or digest) of the engine, content included. Never stores the
/// export: it is read while it arrives, with a bounded buffer between the transfer and the reader.
core::Expected<model::ImageSpec> read_engine_image(EngineClient& client, const std::string& ref, const ReadOptions& options);

/// `GET /images/{name}/history` (newest first) as history entries, base first.
core::Expected<std::vector<model::HistoryEntry>> parse_history(std::string_view json);

}  // namespace drydock::collect::image
