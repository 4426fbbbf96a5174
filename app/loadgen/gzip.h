#pragma once

#include <string>
#include <string_view>

namespace spanlight::loadgen {

/// Compresses @p data into the gzip format (RFC 1952), as OTLP exporters send with `Content-Encoding: gzip`.
/// The default level matches the Collector's and Go's exporters.
std::string gzipCompress(std::string_view data, int level = -1);

} // namespace spanlight::loadgen
