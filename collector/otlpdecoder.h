#pragma once

#include "ingestlimits.h"
#include "otlpconvert.h"

#include <string>
#include <string_view>

namespace spanlight {

enum class Encoding { Protobuf, Json };

/// Decodes one OTLP export body (already decompressed) of the given signal and
/// encoding into storable rows. Bad data comes back in ConvertResult::fatal.
ConvertResult decodeExport(Signal signal, Encoding encoding, std::string_view body, const IngestLimits& limits,
    const GenAiSettings& genai = GenAiSettings());

/// The success body for an export, in the request's encoding: an empty
/// Export*ServiceResponse, or one with partial_success when items were refused.
std::string exportResponseBody(Signal signal, Encoding encoding, int64_t rejected, const std::string& message);

/// A google.rpc.Status error body in the request's encoding.
std::string statusBody(Encoding encoding, int grpcCode, const std::string& message);

} // namespace spanlight
