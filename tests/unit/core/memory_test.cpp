#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define DRYDOCK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DRYDOCK_ASAN 1
#endif
#endif

#if !defined(DRYDOCK_ASAN)  // not called there: unused, an error with -Werror
/// The bytes of the heap (the program break's mappings, up to sbrk(0)) that are advised for
/// transparent huge pages ("hg" among their VmFlags in /proc/self/smaps).
std::size_t heap_bytes_advised_huge() {
  const auto brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  std::size_t total = 0;
  std::uintptr_t from = 0;
  std::uintptr_t to = 0;
  while (std::getline(smaps, line)) {
    std::uintptr_t a = 0;
    std::uintptr_t b = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> a >> dash >> b && dash == '-') {
      from = a;
      to = b;
    } else if (line.starts_with("VmFlags:") && line.find(" hg") != std::string::npos && to <= brk && to > brk - (1ULL << 32)) {
      total += to - from;
    }
  }
  return total;
}
#endif

TEST(GrowHeapInHugePages, TheHeapGrowsByTheRoomAskedAndItIsAdvised) {
  grow_heap_in_huge_pages(64U << 20U);
#if defined(DRYDOCK_ASAN)
  // AddressSanitizer's allocator is not glibc's heap: nothing to grow, and nothing breaks.
  grow_heap_in_huge_pages(96U << 20U);
  SUCCEED();
#else
  // Checked to be 0 without the call: glibc never advises its heap unless told to.
  const std::size_t first = heap_bytes_advised_huge();
  EXPECT_GE(first, 60U << 20U);  // whole 2 MiB pages only
  // The room stays in the heap's top for what comes: not trimmed when blocks are freed.
  EXPECT_GE(mallinfo2().keepcost, 60U << 20U);
  // Asking for less changes nothing; asking for more grows it.
  grow_heap_in_huge_pages(32U << 20U);
  EXPECT_EQ(heap_bytes_advised_huge(), first);
  grow_heap_in_huge_pages(160U << 20U);
  EXPECT_GE(heap_bytes_advised_huge(), first + (90U << 20U));
#endif
}
#endif

}  // namespace
}  // namespace drydock::core
