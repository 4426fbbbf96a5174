#pragma once

#include <string>
#include <string_view>

namespace spanlight {

/// OTLP/JSON writes trace and span ids as hex, but protobuf's JSON parser reads
/// every bytes field as base64. This rewrites the values of the id keys
/// (traceId, spanId, parentSpanId and their snake_case forms, wherever they
/// appear: spans, links, log records, exemplars) from hex to base64 before
/// parsing. It scans JSON tokens (strings are skipped whole, escapes honoured),
/// so text inside string values is never touched. A value that is not hex
/// becomes a one-byte id, which the converter rejects as invalid (partial
/// success) instead of failing the whole request.
std::string hexIdsToBase64(std::string_view json);

} // namespace spanlight
