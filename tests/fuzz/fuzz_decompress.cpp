// libFuzzer target: bounded gzip/zlib/raw-deflate inflation.
#include "decompress.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    constexpr size_t kLimit = 1 << 20;
    const auto result = spanlight::inflateBounded(std::string_view(reinterpret_cast<const char*>(data), size), kLimit);
    if (result.data.size() > kLimit)
        std::abort(); // the limit is the whole point
    return 0;
}
