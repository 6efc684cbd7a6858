// libFuzzer target for the image reader: the bytes as a `docker save` / OCI tarball (outer
// archive, manifests, indexes, configs, nested layers), and as one layer on its own.
// Seeds: tests/data/image-fuzz (small tarballs of both layouts).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/collect/image/analyze.hpp"
#include "drydock/collect/image/read.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace drydock::collect::image;  // NOLINT(google-build-using-namespace)
  static const ReadOptions options = [] {
    auto o = analyzing_options("");
    o.limits.total_bytes = std::uint64_t{64} << 20;
    o.limits.entries = 100000;
    o.limits.metadata_bytes = std::size_t{1} << 20;
    o.limits.captured_bytes = std::size_t{4} << 20;
    return o;
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  {
    MemorySource source(bytes, 4096);
    (void)read_archive(source, "fuzz.tar", options);
  }
  {
    MemorySource source(bytes);
    Budget budget{&options.limits};
    (void)walk_layer(source, options.policy, budget, "fuzz layer");
  }
  return 0;
}
