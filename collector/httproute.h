#pragma once

#include "ingestpipeline.h"

#include <optional>
#include <string>
#include <string_view>

namespace spanlight {

/// What an OTLP/HTTP request asks for, decided from its header alone.
struct HttpRoute
{
    enum class Kind { Export, Health, Error } kind = Kind::Error;
    Signal signal = Signal::Traces;
    Encoding encoding = Encoding::Json;
    bool compressed = false; ///< gzip or deflate body
    int errorStatus = 0; ///< HTTP status when kind == Error
    std::string errorMessage;
};

/// Routes by method, path, Content-Type and Content-Encoding (otlp/FACTS.md).
HttpRoute routeRequest(
    std::string_view method, std::string_view target, std::string_view contentType, std::string_view contentEncoding);

/// The HTTP status for an ingest outcome (DESIGN.md rule 2).
int httpStatusFor(IngestStatus status);
/// The gRPC code for an ingest outcome, also used inside google.rpc.Status bodies.
int grpcCodeFor(IngestStatus status);

} // namespace spanlight
