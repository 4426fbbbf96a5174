#include "gzip.h"

#include <stdexcept>

#include <zlib.h>

namespace spanlight::loadgen {

std::string gzipCompress(std::string_view data, int level)
{
    z_stream stream {};
    // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out;
    out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    // deflateBound guarantees one Z_FINISH call completes.
    const int result = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        throw std::runtime_error("gzip compression failed");
    out.resize(stream.total_out);
    return out;
}

} // namespace spanlight::loadgen
