#include "processmemory.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace spanlight {

void limitMallocArenas()
{
#ifdef __GLIBC__
    if (!std::getenv("MALLOC_ARENA_MAX")) { // else the user's own choice
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        mallopt(M_ARENA_MAX, static_cast<int>(2 * cores));
    }
    // A fixed threshold turns off glibc's sliding one, which after the first
    // large body is freed serves the next ones from the heap, where the freed
    // memory stays resident; request bodies and their copies are mapped and
    // unmapped instead.
    if (!std::getenv("MALLOC_MMAP_THRESHOLD_"))
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

} // namespace spanlight
