#include "decompress.h"

#include <zlib.h>

namespace spanlight {

namespace {

DecompressResult inflateWith(std::string_view input, size_t maxOutput, int windowBits)
{
    DecompressResult result;
    z_stream zs {};
    if (inflateInit2(&zs, windowBits) != Z_OK) {
        result.status = DecompressStatus::Corrupt;
        result.error = "cannot initialise zlib";
        return result;
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());
    char chunk[64 * 1024];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            result.status = DecompressStatus::Corrupt;
            result.error = std::string("the compressed body is corrupt: ") + (zs.msg ? zs.msg : "truncated stream");
            break;
        }
        const size_t produced = sizeof chunk - zs.avail_out;
        if (result.data.size() + produced > maxOutput) {
            result.status = DecompressStatus::TooLarge;
            result.error = "the decompressed body exceeds the limit of " + std::to_string(maxOutput) + " bytes";
            break;
        }
        result.data.append(chunk, produced);
        if (rc == Z_STREAM_END && zs.avail_in > 0) {
            // Concatenated gzip members are legal; continue with the next one.
            if (inflateReset(&zs) != Z_OK)
                break;
            rc = Z_OK;
        }
        if (rc == Z_OK && zs.avail_in == 0 && produced == 0) {
            result.status = DecompressStatus::Corrupt;
            result.error = "the compressed body is truncated";
            break;
        }
    }
    inflateEnd(&zs);
    if (result.status != DecompressStatus::Ok && result.status != DecompressStatus::TooLarge)
        result.data.clear();
    if (result.status == DecompressStatus::TooLarge)
        result.data.clear();
    return result;
}

} // namespace

DecompressResult inflateBounded(std::string_view input, size_t maxOutput)
{
    // 15 + 32: detect gzip or zlib headers. "deflate" should mean zlib (RFC 9110),
    // but some clients send raw deflate, so fall back to it.
    DecompressResult result = inflateWith(input, maxOutput, 15 + 32);
    if (result.status == DecompressStatus::Corrupt) {
        DecompressResult raw = inflateWith(input, maxOutput, -15);
        if (raw.status != DecompressStatus::Corrupt)
            return raw;
    }
    return result;
}

} // namespace spanlight
