#pragma once

#include <string>
#include <string_view>

namespace spanlight {

enum class DecompressStatus { Ok, TooLarge, Corrupt };

struct DecompressResult
{
    DecompressStatus status = DecompressStatus::Ok;
    std::string data;
    std::string error;
};

/// Inflates a gzip, zlib or raw-deflate body, stopping as soon as the output
/// would exceed \a maxOutput (a gzip bomb reaches ~1030:1, CVE-2024-36129), so
/// memory never grows past the limit.
DecompressResult inflateBounded(std::string_view input, size_t maxOutput);

} // namespace spanlight
