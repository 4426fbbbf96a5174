#pragma once

namespace spanlight {

/// Caps glibc's malloc arenas at two per core (unless MALLOC_ARENA_MAX is set).
/// Every receiver thread otherwise gets an arena of its own, and memory freed
/// after decoding a large export stays in the arena of the thread that decoded
/// it: the overload run measured 442 MiB peak against 349 MiB with the cap, for
/// a 384 MiB memory cap. Call before any thread starts.
void limitMallocArenas();

} // namespace spanlight
