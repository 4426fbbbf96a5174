// libFuzzer target: the HTTP request path without sockets — Beast's parser
// under the receiver's limits, routing, inflation and decoding, as a session
// runs them.
#include "decompress.h"
#include "httproute.h"
#include "otlpdecoder.h"

#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    spanlight::IngestLimits limits;
    limits.maxBodyBytes = 1 << 20;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.maxHeaderBytes));
    parser.body_limit(limits.maxBodyBytes);
    parser.eager(true);
    boost::beast::error_code ec;
    size_t offset = 0;
    while (offset < size && !ec && !parser.is_done()) {
        const size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
        if (used == 0 && !ec)
            break;
        offset += used;
    }
    if (ec || !parser.is_header_done())
        return 0;
    const auto& req = parser.get();
    const auto view = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
    const spanlight::HttpRoute route = spanlight::routeRequest(view(req.method_string()), view(req.target()),
        view(req[http::field::content_type]), view(req[http::field::content_encoding]));
    if (route.kind != spanlight::HttpRoute::Kind::Export || !parser.is_done())
        return 0;
    std::string body = req.body();
    if (route.compressed) {
        auto inflated = spanlight::inflateBounded(body, limits.maxBodyBytes);
        if (inflated.status != spanlight::DecompressStatus::Ok)
            return 0;
        body = std::move(inflated.data);
    }
    spanlight::decodeExport(route.signal, route.encoding, body, limits);
    return 0;
}
