#pragma once
/// Hints to the kernel about large blocks of memory, and to the allocator about how memory is used.

#include <cstddef>
#include <vector>

namespace drydock::core {

/// Asks the kernel to back [data, data + bytes) with transparent huge pages (madvise
/// MADV_HUGEPAGE, where THP is in `madvise` mode) before the block is first written: a block of
/// tens of megabytes then costs tens of page faults instead of thousands. Only the whole 2 MiB
/// pages inside the block are advised; a no-op on small blocks, elsewhere than Linux, and when the
/// kernel refuses.
void advise_huge_pages(const void* data, std::size_t bytes);

/// `n` value-initialised T in room advised for huge pages before it is first written (each page
/// is faulted in by this call, where it runs: a thread of its own while other work goes on).
template <typename T>
std::vector<T> vector_in_huge_pages(std::size_t n) {
  std::vector<T> v;
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
  v.resize(n);
  return v;
}

/// For work that frees thousands of small blocks between larger allocations (a parsed tree per
/// file, file after file): turns off glibc's fast bins (mallopt M_MXFAST 0), so that a freed small
/// block is merged with its neighbours at once (after the thread's cache of 7 per size) instead of
/// waiting in a fast bin until the next large allocation consolidates every fast bin. Linting
/// 11,200 Dockerfiles in memory: ~18% faster (bench/README.md). A no-op elsewhere than glibc.
void prefer_merged_frees();

/// For a process about to allocate tens or hundreds of megabytes from many threads (a host audit of
/// thousands of containers): makes the heap grow now by at least `bytes` and asks the kernel to
/// back that room with transparent huge pages, so that it costs one page fault per 2 MiB instead of
/// one per 4 KiB (on a virtual machine a 4 KiB fault can cost 15 µs: 10,000 of them were a third of
/// such an audit's CPU). Every thread then allocates from that one heap (glibc's per-thread arenas
/// would each fault their own pages in), blocks of up to 32 MiB included (they would otherwise be
/// mapped afresh and unmapped when freed), and freed memory stays in the heap for reuse. Virtual
/// room only: what is never touched costs nothing. Calling it again grows the room to `bytes` if
/// it is less. A no-op elsewhere than glibc on Linux, and where the kernel refuses.
void grow_heap_in_huge_pages(std::size_t bytes);

}  // namespace drydock::core
