#include "httptestclient.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace spanlight::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpTestClient::Impl
{
    std::string host;
    uint16_t port;
    net::io_context ioc;
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    bool ensureConnected(std::string* error)
    {
        if (stream && stream->socket().is_open())
            return true;
        stream = std::make_unique<beast::tcp_stream>(ioc);
        buffer.clear();
        beast::error_code ec;
        stream->connect(tcp::endpoint(net::ip::make_address(host), port), ec);
        if (ec) {
            *error = ec.message();
            stream.reset();
            return false;
        }
        return true;
    }

    HttpReply read()
    {
        HttpReply reply;
        http::response_parser<http::string_body> parser;
        parser.body_limit(512u << 20);
        beast::error_code ec;
        stream->expires_after(std::chrono::seconds(60));
        http::read(*stream, buffer, parser, ec);
        if (ec) {
            reply.error = ec.message();
            stream.reset();
            return reply;
        }
        auto& res = parser.get();
        reply.status = static_cast<int>(res.result_int());
        reply.body = res.body();
        reply.keepAlive = res.keep_alive();
        for (const auto& field : res) {
            std::string name(field.name_string());
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            reply.headers[name] = std::string(field.value());
        }
        if (!reply.keepAlive)
            stream.reset();
        return reply;
    }
};

HttpTestClient::HttpTestClient(std::string host, uint16_t port)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->host = std::move(host);
    m_impl->port = port;
}

HttpTestClient::~HttpTestClient() = default;

HttpReply HttpTestClient::post(const std::string& target, const std::string& body, const std::string& contentType,
    const std::map<std::string, std::string>& headers, bool chunked)
{
    HttpReply reply;
    if (!m_impl->ensureConnected(&reply.error))
        return reply;
    http::request<http::string_body> req(http::verb::post, target, 11);
    req.set(http::field::host, m_impl->host);
    req.set(http::field::content_type, contentType);
    for (const auto& [name, value] : headers)
        req.set(name, value);
    req.keep_alive(true);
    req.body() = body;
    if (chunked)
        req.chunked(true);
    else
        req.prepare_payload();
    beast::error_code ec;
    http::write(*m_impl->stream, req, ec);
    if (ec) {
        // The server may have answered early (e.g. 413) and closed: read it.
        return m_impl->read();
    }
    return m_impl->read();
}

HttpReply HttpTestClient::get(const std::string& target)
{
    HttpReply reply;
    if (!m_impl->ensureConnected(&reply.error))
        return reply;
    http::request<http::empty_body> req(http::verb::get, target, 11);
    req.set(http::field::host, m_impl->host);
    req.keep_alive(true);
    beast::error_code ec;
    http::write(*m_impl->stream, req, ec);
    return m_impl->read();
}

HttpReply HttpTestClient::raw(const std::string& bytes)
{
    HttpReply reply;
    if (!m_impl->ensureConnected(&reply.error))
        return reply;
    beast::error_code ec;
    net::write(m_impl->stream->socket(), net::buffer(bytes), ec);
    return m_impl->read();
}

} // namespace spanlight::test
