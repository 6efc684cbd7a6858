#pragma once
/// From the files of a `docker save` tarball or an OCI layout to audited images: manifests and
/// indexes resolved (platform chosen), digests verified, layers merged with their whiteouts.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/collect/image/layer.hpp"
#include "drydock/core/error.hpp"
#include "drydock/model/image.hpp"

namespace drydock::collect::image {

/// The final filesystem's version of every captured file: path -> bytes.
using CapturedFiles = std::map<std::string, const std::string*>;

struct ReadOptions {
  std::string platform;  ///< "os/arch[/variant]"; "" picks the only one, else linux on this machine's arch
  Limits limits;
  ContentPolicy policy;
  /// Fills content.packages (and package_errors) from the captured files of the final filesystem.
  std::function<void(const CapturedFiles&, model::ImageContent&)> packages;
};

/// The files of an image archive or directory, by their path inside it ("index.json",
/// "blobs/sha256/<hex>", "<id>/layer.tar").
class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;
  virtual bool has(std::string_view name) = 0;
  /// A manifest, index or config, whole (bounded by Limits::metadata_bytes).
  virtual core::Expected<std::string> metadata(std::string_view name) = 0;
  /// A layer, walked.
  virtual core::Expected<std::shared_ptr<const LayerScan>> layer(std::string_view name) = 0;
};

/// Every image the store holds (one per manifest.json entry, or per image of index.json).
core::Expected<std::vector<model::ImageSpec>> assemble(Store& store, const ReadOptions& options, std::string_view origin);

/// The final filesystem of layers applied in order (base first): whiteouts and opaque
/// directories hide what lower layers wrote; secrets no longer visible are marked removed.
/// `layers` fills ImageContent::files and secrets.
void merge_layers(const std::vector<std::shared_ptr<const LayerScan>>& layers, model::ImageContent& content,
                  CapturedFiles& captured);

/// "linux/amd64" for this machine (the default platform of a multi-platform image).
std::string host_platform();

}  // namespace drydock::collect::image
