#include "httproute.h"

#include <algorithm>
#include <cctype>

namespace spanlight {

namespace {

std::string lowerTrimmed(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

HttpRoute error(int status, std::string message, Encoding encoding = Encoding::Json)
{
    HttpRoute route;
    route.kind = HttpRoute::Kind::Error;
    route.errorStatus = status;
    route.errorMessage = std::move(message);
    route.encoding = encoding;
    return route;
}

} // namespace

HttpRoute routeRequest(
    std::string_view method, std::string_view target, std::string_view contentType, std::string_view contentEncoding)
{
    const std::string_view path = target.substr(0, target.find('?'));
    // The media type alone decides, case-insensitively; parameters such as
    // "; charset=utf-8" are legal.
    const std::string media = lowerTrimmed(contentType.substr(0, contentType.find(';')));
    const bool isProtobuf = media == "application/x-protobuf";
    const bool knownMedia = isProtobuf || media == "application/json";
    const Encoding replyEncoding = isProtobuf ? Encoding::Protobuf : Encoding::Json;

    if (path == "/health") {
        if (method != "GET" && method != "HEAD")
            return error(405, "/health answers GET");
        HttpRoute route;
        route.kind = HttpRoute::Kind::Health;
        return route;
    }
    Signal signal;
    if (path == "/v1/traces")
        signal = Signal::Traces;
    else if (path == "/v1/logs")
        signal = Signal::Logs;
    else if (path == "/v1/metrics")
        signal = Signal::Metrics;
    else
        return error(404,
            "no OTLP endpoint at " + std::string(path)
                + "; send traces to /v1/traces, logs to /v1/logs and metrics to /v1/metrics",
            replyEncoding);
    if (method != "POST")
        return error(405, "OTLP/HTTP accepts only POST on " + std::string(path), replyEncoding);
    if (!knownMedia)
        return error(415,
            "unsupported Content-Type '" + std::string(contentType)
                + "'; use application/x-protobuf or application/json");

    const std::string coding = lowerTrimmed(contentEncoding);
    HttpRoute route;
    route.kind = HttpRoute::Kind::Export;
    route.signal = signal;
    route.encoding = replyEncoding;
    if (coding == "gzip" || coding == "x-gzip" || coding == "deflate")
        route.compressed = true;
    else if (!coding.empty() && coding != "identity")
        return error(415, "unsupported Content-Encoding '" + std::string(contentEncoding) + "'; use gzip or deflate",
            replyEncoding);
    return route;
}

int httpStatusFor(IngestStatus status)
{
    switch (status) {
    case IngestStatus::Ok:
        return 200;
    case IngestStatus::BadRequest:
        return 400;
    case IngestStatus::TooLarge:
        return 413;
    case IngestStatus::Overloaded:
        return 429;
    case IngestStatus::Unavailable:
        return 503;
    }
    return 503;
}

int grpcCodeFor(IngestStatus status)
{
    switch (status) {
    case IngestStatus::Ok:
        return 0;
    case IngestStatus::BadRequest:
        return 3; // INVALID_ARGUMENT
    case IngestStatus::TooLarge:
        return 8; // RESOURCE_EXHAUSTED
    case IngestStatus::Overloaded:
        return 14; // UNAVAILABLE
    case IngestStatus::Unavailable:
        return 14;
    }
    return 14;
}

} // namespace spanlight
