#include "drydock/core/memory.hpp"

#include <algorithm>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#endif

namespace drydock::core {

void advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t k_huge = 2U * 1024U * 1024U;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + k_huge - 1) & ~(k_huge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(k_huge - 1);
  if (data == nullptr || last <= first) return;
  (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void prefer_merged_frees() {
#if defined(__GLIBC__)
  (void)mallopt(M_MXFAST, 0);
#endif
}

void grow_heap_in_huge_pages(std::size_t bytes) {
#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
  static std::mutex mutex;
  static std::size_t grown = 0;  // the room advised so far
  const std::lock_guard lock(mutex);
  if (bytes <= grown) return;
  constexpr int k_pad = 32 * 1024 * 1024;  // glibc's largest mmap threshold
  constexpr int k_default_mmap_max = 65536;
  if (grown == 0) {
    (void)mallopt(M_ARENA_MAX, 1);
    (void)mallopt(M_MMAP_THRESHOLD, k_pad);
    (void)mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
  // The heap grows when a block fits nowhere in it, by the block and the top pad: a block larger
  // than all the free memory makes it grow by `bytes` (the block starts in the old top), and
  // writes in the new room only the new top's header, just after the block. The pages beyond
  // must be untouched when advised: a 2 MiB range with a 4 KiB page in it is never a huge page.
  (void)mallopt(M_TOP_PAD, static_cast<int>(std::min<std::size_t>(bytes - grown, 1U << 30)));
  // Not mapped apart, however large: the heap's own top (M_MMAP_MAX 0, then glibc's default).
  (void)mallopt(M_MMAP_MAX, 0);
  const std::size_t block = mallinfo2().fordblks + 64;
  void* p = std::malloc(block);  // NOLINT: raw heap room, freed at once
  (void)mallopt(M_MMAP_MAX, k_default_mmap_max);
  if (p == nullptr) return;
  const auto untouched = reinterpret_cast<std::uintptr_t>(p) + block + 4096;  // past the new top's header
  std::free(p);  // NOLINT: merged into the top, which stays
  void* const brk = sbrk(0);
  (void)mallopt(M_TOP_PAD, k_pad);
  const auto end = reinterpret_cast<std::uintptr_t>(brk);
  if (brk == reinterpret_cast<void*>(-1) || end <= untouched) return;  // NOLINT: sbrk's failure value
  advise_huge_pages(reinterpret_cast<const void*>(untouched), end - untouched);  // NOLINT: an address in the heap
  grown = bytes;
#else
  (void)bytes;
#endif
}

}  // namespace drydock::core
