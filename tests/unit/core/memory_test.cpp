#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "drydock/core/memory.hpp"

namespace drydock::core {
namespace {

#if defined(__GLIBC__)
/// Bytes in fast-bin blocks after many small blocks are freed, in a thread of its own (its own
/// malloc arena and cache, so that other tests' blocks do not count).
std::size_t fast_bin_bytes_after_small_frees() {
  std::size_t bytes = 0;
  std::thread([&] {
    std::vector<std::unique_ptr<char[]>> blocks;
    blocks.reserve(2000);
    for (int i = 0; i < 2000; ++i)
      blocks.push_back(std::make_unique<char[]>(static_cast<std::size_t>(16 + (i % 4) * 16)));
    for (std::size_t i = 0; i < blocks.size(); i += 2)
      blocks[i].reset();  // every other one: no neighbour to merge with while the rest live
    bytes = mallinfo2().fsmblks;
  }).join();
  return bytes;
}

TEST(PreferMergedFrees, NoSmallBlockWaitsInAFastBin) {
  // Checked to be non-zero without the call (glibc's default: fast bins up to 128 bytes).
  prefer_merged_frees();
  EXPECT_EQ(fast_bin_bytes_after_small_frees(), 0u);
}
#endif

}  // namespace
}  // namespace drydock::core
