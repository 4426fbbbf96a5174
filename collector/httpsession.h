#pragma once

// One OTLP/HTTP connection, private to httpreceiver.cpp. Templated on the
// stream so plain TCP and TLS share the logic.

#include "bytereservation.h"
#include "decompress.h"
#include "httpreceiverimpl.h"
#include "httproute.h"
#include "ingestpipeline.h"

#include <optional>

namespace spanlight {

inline std::string_view view(beast::string_view text)
{
    return { text.data(), text.size() };
}

template <typename Stream> class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>>
{
public:
    static constexpr bool kTls = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

    HttpSession(HttpReceiver::Impl& receiver, Stream stream)
        : m_receiver(receiver)
        , m_stream(std::move(stream))
    {
        ++stats().openConnections;
    }
    ~HttpSession()
    {
        endExchange();
        --stats().openConnections;
    }

    void start(bool overCapacity)
    {
        net::dispatch(m_stream.get_executor(), [self = this->shared_from_this(), overCapacity] {
            if (overCapacity) {
                self->stats().reject(RejectReason::TooManyConnections);
                self->m_keepAlive = false;
                self->respond(503, Encoding::Json, statusBody(Encoding::Json, 14, "too many connections; retry later"));
            } else if constexpr (kTls) {
                self->lowest().expires_after(self->ms(self->m_receiver.limits.headerTimeoutMs));
                self->m_stream.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
                    if (!ec)
                        self->readHeader();
                });
            } else {
                self->readHeader();
            }
        });
    }

private:
    static std::chrono::milliseconds ms(int value) { return std::chrono::milliseconds(value); }
    auto& lowest() { return beast::get_lowest_layer(m_stream); }
    CollectorStats& stats() { return m_receiver.pipeline.stats(); }

    /// An exchange runs from a complete request header to the written answer;
    /// the drain waits for open exchanges, not for idle keep-alive connections.
    void beginExchange()
    {
        if (!std::exchange(m_exchangeOpen, true))
            m_receiver.exchangeStarted();
    }
    void endExchange()
    {
        if (std::exchange(m_exchangeOpen, false))
            m_receiver.exchangeEnded();
    }

    void readHeader()
    {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_receiver.limits.maxHeaderBytes));
        // Compressed bodies are never larger than the decompressed limit in practice.
        m_parser->body_limit(m_receiver.limits.maxBodyBytes);
        m_pendingError.reset();
        m_keyTenant.clear();
        lowest().expires_after(ms(m_receiver.limits.headerTimeoutMs));
        http::async_read_header(m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
    }

    void onHeader(beast::error_code ec)
    {
        if (ec) {
            failRead(ec, Encoding::Json);
            return;
        }
        beginExchange();
        const auto& req = m_parser->get();
        m_keepAlive = req.keep_alive() && !m_receiver.draining;
        m_isHead = req.method() == http::verb::head;
        m_route = routeRequest(view(req.method_string()), view(req.target()), view(req[http::field::content_type]),
            view(req[http::field::content_encoding]));
        if (m_receiver.draining) {
            m_keepAlive = false;
            m_pendingError = { 503, m_route.encoding, statusBody(m_route.encoding, 14, "shutting down; retry later") };
        } else if (m_route.kind == HttpRoute::Kind::Error) {
            stats().reject(m_route.errorStatus == 415 ? RejectReason::UnsupportedMedia : RejectReason::NotFound);
            m_pendingError = { m_route.errorStatus, m_route.encoding,
                statusBody(m_route.encoding, m_route.errorStatus == 404 ? 5 : 3, m_route.errorMessage) };
        } else if (m_route.kind == HttpRoute::Kind::Export) {
            // Decided from the header, so a refused body is read but never decoded.
            IngestAuthDecision auth
                = m_receiver.pipeline.authenticate(view(req[http::field::authorization]), view(req["x-spanlight-key"]));
            if (auth.allowed)
                m_keyTenant = std::move(auth.tenant);
            else
                m_pendingError = { 401, m_route.encoding, statusBody(m_route.encoding, 16, auth.reason) };
        }
        // Errors known from the header are answered after reading the (bounded)
        // body: answering first and closing with unread data makes the client
        // see a connection reset instead of the status.
        lowest().expires_after(ms(m_receiver.limits.bodyTimeoutMs));
        if (m_parser->is_done())
            onBody({});
        else
            readBodyPart();
    }

    /// The body is read piece by piece and each piece claimed from the receive
    /// budget as it arrives: a client announcing a large body and trickling it
    /// holds only what it has sent, never the budget a fast exporter needs.
    void readBodyPart()
    {
        http::async_read_some(m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onBodyPart(ec); });
    }

    void onBodyPart(beast::error_code ec)
    {
        if (ec) {
            failRead(ec, m_route.encoding);
            return;
        }
        const auto received = static_cast<int64_t>(m_parser->get().body().size());
        if (received > m_receiving.bytes()
            && !m_receiver.pipeline.reserveReceiving(received - m_receiving.bytes(), &m_receiving)) {
            m_keepAlive = false; // the linger reads and drops the rest
            respond(429, m_route.encoding,
                statusBody(m_route.encoding, grpcCodeFor(IngestStatus::Overloaded),
                    "the collector is receiving too much data at once; retry later"));
            return;
        }
        if (m_parser->is_done())
            onBody({});
        else
            readBodyPart();
    }

    void failRead(beast::error_code ec, Encoding encoding)
    {
        m_keepAlive = false;
        if (ec == http::error::body_limit) {
            stats().reject(RejectReason::TooLarge);
            beginExchange();
            respond(413, encoding,
                statusBody(encoding, 8,
                    "the body exceeds the limit of " + std::to_string(m_receiver.limits.maxBodyBytes) + " bytes"));
        } else if (ec == http::error::header_limit) {
            stats().reject(RejectReason::TooLarge);
            beginExchange();
            respond(431, encoding, statusBody(encoding, 8, "the request headers are too large"));
        } else if (ec == beast::error::timeout) {
            stats().reject(RejectReason::Timeout);
            close();
        } else if (ec != http::error::end_of_stream && ec != net::error::eof && ec != net::error::connection_reset
            && ec != net::error::operation_aborted && ec != ssl::error::stream_truncated) {
            stats().reject(RejectReason::BadRequest);
            beginExchange();
            respond(400, encoding, statusBody(encoding, 3, "malformed HTTP request: " + ec.message()));
        } else {
            close();
        }
    }

    void onBody(beast::error_code ec)
    {
        if (ec) {
            failRead(ec, m_route.encoding);
            return;
        }
        lowest().expires_never(); // the answer waits for the commit, not for the client
        if (m_pendingError) {
            auto [status, encoding, body] = std::move(*m_pendingError);
            respond(status, encoding, std::move(body));
            return;
        }
        if (m_route.kind == HttpRoute::Kind::Health) {
            std::string json;
            const bool ok = m_receiver.health(&json);
            respond(ok ? 200 : 503, Encoding::Json, m_isHead ? std::string() : json);
            return;
        }
        ++stats().httpRequests;
        std::string body = std::move(m_parser->get().body());
        if (m_route.compressed) {
            DecompressResult inflated = inflateBounded(body, m_receiver.limits.maxBodyBytes);
            if (inflated.status != DecompressStatus::Ok) {
                const bool tooLarge = inflated.status == DecompressStatus::TooLarge;
                stats().reject(tooLarge ? RejectReason::TooLarge : RejectReason::BadRequest);
                respond(tooLarge ? 413 : 400, m_route.encoding,
                    statusBody(m_route.encoding, tooLarge ? 8 : 3, inflated.error));
                return;
            }
            body = std::move(inflated.data);
            if (!m_receiver.pipeline.reserveReceiving(static_cast<int64_t>(body.size()), &m_inflated)) {
                respond(429, m_route.encoding,
                    statusBody(m_route.encoding, grpcCodeFor(IngestStatus::Overloaded),
                        "the collector is receiving too much data at once; retry later"));
                return;
            }
        }
        auto self = this->shared_from_this();
        const Signal signal = m_route.signal;
        const Encoding encoding = m_route.encoding;
        m_receiver.pipeline.ingestBody(
            signal, encoding, body,
            [self, signal, encoding](const IngestReply& reply) {
                const int status = httpStatusFor(reply.status);
                std::string payload = reply.status == IngestStatus::Ok
                    ? exportResponseBody(signal, encoding, reply.rejected, reply.partialMessage)
                    : statusBody(encoding, grpcCodeFor(reply.status), reply.message);
                // The reply may come from the writer thread: answer on our strand.
                net::post(
                    self->m_stream.get_executor(), [self, status, encoding, payload = std::move(payload)]() mutable {
                        self->respond(status, encoding, std::move(payload));
                    });
            },
            m_keyTenant);
        // Decoded (or refused): the body's bytes are gone, whatever the writer still holds is its own budget.
        m_receiving.release();
        m_inflated.release();
    }

    void respond(int status, Encoding encoding, std::string body)
    {
        m_receiving.release();
        m_inflated.release();
        m_response = {};
        m_response.result(static_cast<unsigned>(status));
        m_response.version(11);
        m_response.set(http::field::server, "Spanlight");
        m_response.set(
            http::field::content_type, encoding == Encoding::Protobuf ? "application/x-protobuf" : "application/json");
        if (status == 429 || status == 503)
            m_response.set(http::field::retry_after, std::to_string(m_receiver.limits.retryAfterSeconds));
        if (status == 401)
            m_response.set(http::field::www_authenticate, "Bearer realm=\"spanlight\"");
        if (m_receiver.draining)
            m_keepAlive = false;
        m_response.keep_alive(m_keepAlive);
        m_response.body() = std::move(body);
        m_response.prepare_payload();
        lowest().expires_after(ms(m_receiver.limits.bodyTimeoutMs));
        http::async_write(m_stream, m_response, [self = this->shared_from_this()](beast::error_code ec, size_t) {
            self->endExchange();
            if (ec || !self->m_keepAlive) {
                self->lingerAndClose();
                return;
            }
            self->readHeader();
        });
    }

    /// Half-closes and reads what the client still sends for a moment, so an
    /// answer given before the request was fully read arrives instead of a reset.
    void lingerAndClose()
    {
        if constexpr (kTls) {
            lowest().expires_after(std::chrono::seconds(2));
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            lowest().expires_after(std::chrono::seconds(2));
            discard();
        }
    }

    void discard()
    {
        m_discarded.resize(64 * 1024);
        lowest().async_read_some(
            net::buffer(m_discarded), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                self->m_discardedTotal += n;
                if (ec || self->m_discardedTotal > self->m_receiver.limits.maxBodyBytes)
                    self->close();
                else
                    self->discard();
            });
    }

    void close()
    {
        endExchange();
        beast::error_code ignored;
        lowest().socket().close(ignored);
    }

    struct PendingError
    {
        int status;
        Encoding encoding;
        std::string body;
    };

    HttpReceiver::Impl& m_receiver;
    Stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
    HttpRoute m_route;
    std::optional<PendingError> m_pendingError;
    std::string m_keyTenant; ///< the authenticated key's tenant; empty when ingest auth is off
    ByteReservation m_receiving; ///< the body's share of the receive budget, as it arrives until decoded
    ByteReservation m_inflated; ///< the decompressed copy's share
    std::vector<char> m_discarded;
    size_t m_discardedTotal = 0;
    bool m_keepAlive = false;
    bool m_isHead = false;
    bool m_exchangeOpen = false;
};

} // namespace spanlight
