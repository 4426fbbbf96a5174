#include "httpreceiver.h"

#include "decompress.h"
#include "httproute.h"
#include "ingestpipeline.h"

#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace spanlight {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpReceiver::Impl
{
    IngestPipeline& pipeline;
    const IngestLimits& limits;
    HealthFn health;
    net::io_context ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    tcp::acceptor acceptor { ioc };
    std::unique_ptr<ssl::context> tls;
    std::vector<std::thread> threads;
    std::atomic<bool> draining { false };

    Impl(IngestPipeline& p, const IngestLimits& l, HealthFn h)
        : pipeline(p)
        , limits(l)
        , health(std::move(h))
    {
    }
    void accept();
};

namespace {

using Response = http::response<http::string_body>;

std::string_view view(beast::string_view text)
{
    return { text.data(), text.size() };
}

const char* mediaType(Encoding encoding)
{
    return encoding == Encoding::Protobuf ? "application/x-protobuf" : "application/json";
}

/// One connection. Templated on the stream so plain TCP and TLS share the logic.
template <typename Stream> class Session : public std::enable_shared_from_this<Session<Stream>>
{
public:
    Session(HttpReceiver::Impl& receiver, Stream stream)
        : m_receiver(receiver)
        , m_stream(std::move(stream))
    {
        ++m_receiver.pipeline.stats().openConnections;
    }
    ~Session() { --m_receiver.pipeline.stats().openConnections; }

    void start(bool overCapacity)
    {
        if (overCapacity) {
            m_receiver.pipeline.stats().reject(RejectReason::TooManyConnections);
            m_keepAlive = false;
            respond(503, Encoding::Json, statusBody(Encoding::Json, 14, "too many connections; retry later"), true);
            return;
        }
        if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
            beast::get_lowest_layer(m_stream).expires_after(std::chrono::milliseconds(m_receiver.limits.headerTimeoutMs));
            m_stream.async_handshake(ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (!ec)
                                             self->readHeader();
                                     });
        } else {
            readHeader();
        }
    }

private:
    auto& lowest() { return beast::get_lowest_layer(m_stream); }

    void readHeader()
    {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_receiver.limits.maxHeaderBytes));
        // Compressed bodies are never larger than the decompressed limit in practice.
        m_parser->body_limit(m_receiver.limits.maxBodyBytes);
        lowest().expires_after(std::chrono::milliseconds(m_receiver.limits.headerTimeoutMs));
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                    self->onHeader(ec);
                                });
    }

    void onHeader(beast::error_code ec)
    {
        if (ec) {
            failRead(ec, Encoding::Json);
            return;
        }
        const auto& req = m_parser->get();
        m_keepAlive = req.keep_alive() && !m_receiver.draining;
        m_route = routeRequest(view(req.method_string()), view(req.target()), view(req[http::field::content_type]),
                               view(req[http::field::content_encoding]));
        if (m_route.kind == HttpRoute::Kind::Error) {
            m_receiver.pipeline.stats().reject(m_route.errorStatus == 415 ? RejectReason::UnsupportedMedia
                                                                          : RejectReason::NotFound);
            // The body stays unread, so the connection cannot be reused.
            m_keepAlive = false;
            respond(m_route.errorStatus, m_route.encoding,
                    statusBody(m_route.encoding, m_route.errorStatus == 404 ? 5 : 3, m_route.errorMessage), true);
            return;
        }
        lowest().expires_after(std::chrono::milliseconds(m_receiver.limits.bodyTimeoutMs));
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onBody(ec); });
    }

    void failRead(beast::error_code ec, Encoding encoding)
    {
        auto& stats = m_receiver.pipeline.stats();
        m_keepAlive = false;
        if (ec == http::error::body_limit) {
            stats.reject(RejectReason::TooLarge);
            respond(413, encoding,
                    statusBody(encoding, 8,
                               "the body exceeds the limit of " + std::to_string(m_receiver.limits.maxBodyBytes)
                                   + " bytes"),
                    false);
        } else if (ec == http::error::header_limit) {
            stats.reject(RejectReason::TooLarge);
            respond(431, encoding, statusBody(encoding, 8, "the request headers are too large"), false);
        } else if (ec == beast::error::timeout) {
            stats.reject(RejectReason::Timeout);
            lowest().close();
        } else if (ec != http::error::end_of_stream && ec != net::error::eof && ec != net::error::connection_reset
                   && ec != net::error::operation_aborted && ec != ssl::error::stream_truncated) {
            stats.reject(RejectReason::BadRequest);
            respond(400, encoding, statusBody(encoding, 3, "malformed HTTP request: " + ec.message()), false);
        } else {
            lowest().close();
        }
    }

    void onBody(beast::error_code ec)
    {
        if (ec) {
            failRead(ec, m_route.encoding);
            return;
        }
        lowest().expires_never(); // the answer waits for the commit, not for the client
        if (m_route.kind == HttpRoute::Kind::Health) {
            std::string json;
            const bool ok = m_receiver.health(&json);
            respond(ok ? 200 : 503, Encoding::Json, json, false);
            return;
        }
        ++m_receiver.pipeline.stats().httpRequests;
        std::string body = std::move(m_parser->get().body());
        if (m_route.compressed) {
            DecompressResult inflated = inflateBounded(body, m_receiver.limits.maxBodyBytes);
            if (inflated.status != DecompressStatus::Ok) {
                const bool tooLarge = inflated.status == DecompressStatus::TooLarge;
                m_receiver.pipeline.stats().reject(tooLarge ? RejectReason::TooLarge : RejectReason::BadRequest);
                respond(tooLarge ? 413 : 400, m_route.encoding,
                        statusBody(m_route.encoding, tooLarge ? 8 : 3, inflated.error), false);
                return;
            }
            body = std::move(inflated.data);
        }
        auto self = this->shared_from_this();
        const Signal signal = m_route.signal;
        const Encoding encoding = m_route.encoding;
        m_receiver.pipeline.ingestBody(signal, encoding, body, [self, signal, encoding](const IngestReply& reply) {
            const int status = httpStatusFor(reply.status);
            std::string payload = reply.status == IngestStatus::Ok
                ? exportResponseBody(signal, encoding, reply.rejected, reply.partialMessage)
                : statusBody(encoding, grpcCodeFor(reply.status), reply.message);
            // The reply may come from the writer thread: answer on our strand.
            net::post(self->m_stream.get_executor(), [self, status, encoding, payload = std::move(payload)]() mutable {
                self->respond(status, encoding, std::move(payload), false);
            });
        });
    }

    void respond(int status, Encoding encoding, std::string body, bool fromHeader)
    {
        (void)fromHeader;
        m_response = {};
        m_response.result(static_cast<unsigned>(status));
        m_response.version(11);
        m_response.set(http::field::server, "Spanlight");
        m_response.set(http::field::content_type, mediaType(encoding));
        if (status == 429 || status == 503)
            m_response.set(http::field::retry_after, std::to_string(m_receiver.limits.retryAfterSeconds));
        if (m_receiver.draining)
            m_keepAlive = false;
        m_response.keep_alive(m_keepAlive);
        m_response.body() = std::move(body);
        m_response.prepare_payload();
        lowest().expires_after(std::chrono::milliseconds(m_receiver.limits.bodyTimeoutMs));
        http::async_write(m_stream, m_response, [self = this->shared_from_this()](beast::error_code ec, size_t) {
            if (ec || !self->m_keepAlive) {
                self->shutdown();
                return;
            }
            self->readHeader();
        });
    }

    void shutdown()
    {
        beast::error_code ignored;
        if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
            lowest().expires_after(std::chrono::seconds(2));
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->lowest().close(); });
        } else {
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            lowest().close();
        }
    }

    HttpReceiver::Impl& m_receiver;
    Stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Response m_response;
    HttpRoute m_route;
    bool m_keepAlive = false;
};

} // namespace

void HttpReceiver::Impl::accept()
{
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec != net::error::operation_aborted && acceptor.is_open())
                accept(); // a transient accept error (EMFILE...) must not stop the listener
            return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        const bool overCapacity
            = pipeline.stats().openConnections.load() >= static_cast<int64_t>(limits.maxConnections);
        if (tls) {
            auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                *this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls));
            session->start(overCapacity);
        } else {
            auto session = std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)));
            session->start(overCapacity);
        }
        accept();
    });
}

HttpReceiver::HttpReceiver(IngestPipeline& pipeline, const IngestLimits& limits, HealthFn health)
    : m_impl(std::make_unique<Impl>(pipeline, limits, std::move(health)))
{
}

HttpReceiver::~HttpReceiver()
{
    stop();
}

bool HttpReceiver::start(const std::string& address, uint16_t port, const TlsFiles& tls, std::string* error)
{
    Impl& d = *m_impl;
    beast::error_code ec;
    const auto ip = net::ip::make_address(address, ec);
    if (ec) {
        *error = "invalid bind address '" + address + "': " + ec.message();
        return false;
    }
    if (tls.enabled()) {
        d.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
        d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3
                           | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        d.tls->use_certificate_chain_file(tls.certificate, ec);
        if (!ec)
            d.tls->use_private_key_file(tls.privateKey, ssl::context::pem, ec);
        if (ec) {
            *error = "cannot load the HTTP TLS certificate/key (" + tls.certificate + ", " + tls.privateKey
                + "): " + ec.message();
            return false;
        }
    }
    const tcp::endpoint endpoint(ip, port);
    d.acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        d.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        d.acceptor.bind(endpoint, ec);
    if (!ec)
        d.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        *error = "cannot listen for OTLP/HTTP on " + address + ":" + std::to_string(port) + ": " + ec.message();
        return false;
    }
    m_port = d.acceptor.local_endpoint().port();
    d.work.emplace(d.ioc.get_executor());
    d.accept();
    for (int i = 0; i < std::max(1, d.limits.httpThreads); ++i)
        d.threads.emplace_back([&d] { d.ioc.run(); });
    return true;
}

void HttpReceiver::stopAccepting()
{
    Impl& d = *m_impl;
    d.draining = true;
    net::post(d.ioc, [&d] {
        beast::error_code ignored;
        d.acceptor.close(ignored);
    });
}

void HttpReceiver::stop()
{
    Impl& d = *m_impl;
    if (d.threads.empty())
        return;
    stopAccepting();
    d.work.reset();
    d.ioc.stop();
    for (auto& t : d.threads)
        t.join();
    d.threads.clear();
}

} // namespace spanlight
