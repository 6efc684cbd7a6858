#pragma once
/// Hints to the kernel about large blocks of memory.

#include <cstddef>

namespace drydock::core {

/// Asks the kernel to back [data, data + bytes) with transparent huge pages (madvise
/// MADV_HUGEPAGE, where THP is in `madvise` mode) before the block is first written: a block of
/// tens of megabytes then costs tens of page faults instead of thousands. Only the whole 2 MiB
/// pages inside the block are advised; a no-op on small blocks, elsewhere than Linux, and when the
/// kernel refuses.
void advise_huge_pages(const void* data, std::size_t bytes);

}  // namespace drydock::core
