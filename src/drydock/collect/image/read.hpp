#pragma once
/// Reading images from a `docker save` tarball (legacy or OCI layout, plain or compressed),
/// from any stream of one (the engine's `/images/{name}/get`), or from an OCI layout directory.

#include <string>
#include <string_view>
#include <vector>

#include "drydock/collect/image/assemble.hpp"
#include "drydock/collect/image/source.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::collect::image {

/// Every image of a tarball read from `source` in one pass: layers are walked as they stream
/// by (whatever their order), metadata kept, and everything assembled at the end.
/// `origin` names the source in errors and in ImageSpec::origin.
core::Expected<std::vector<model::ImageSpec>> read_archive(ByteSource& source, std::string_view origin,
                                                           const ReadOptions& options);

/// A tarball file, or an OCI layout directory (`oci-layout`, `index.json`, `blobs/`).
core::Expected<std::vector<model::ImageSpec>> read_path(const std::string& path, const ReadOptions& options);

}  // namespace drydock::collect::image
