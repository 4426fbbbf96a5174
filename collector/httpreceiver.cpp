#include "httpreceiver.h"

#include "httpsession.h"

#include <pthread.h>

namespace spanlight {

void HttpReceiver::Impl::accept()
{
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == net::error::operation_aborted || !acceptor.is_open())
                return;
            // A transient error (out of file descriptors...) must not stop the
            // listener, nor spin a core retrying at once.
            acceptRetry.expires_after(std::chrono::milliseconds(100));
            acceptRetry.async_wait([this](beast::error_code waitError) {
                if (!waitError && acceptor.is_open())
                    accept();
            });
            return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        const bool overCapacity
            = pipeline.stats().openConnections.load() >= static_cast<int64_t>(limits.maxConnections);
        if (tls) {
            auto session = std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
                *this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls));
            session->start(overCapacity);
        } else {
            auto session
                = std::make_shared<HttpSession<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)));
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
        d.threads.emplace_back([&d] {
            pthread_setname_np(pthread_self(), "sl-http");
            d.ioc.run();
        });
    return true;
}

void HttpReceiver::stopAccepting()
{
    Impl& d = *m_impl;
    d.draining = true;
    net::post(d.acceptor.get_executor(), [&d] {
        beast::error_code ignored;
        d.acceptor.close(ignored);
        d.acceptRetry.cancel();
    });
}

bool HttpReceiver::waitForExchanges(int timeoutMs)
{
    Impl& d = *m_impl;
    std::unique_lock lock(d.mutex);
    return d.idle.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&d] { return d.exchanges == 0; });
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
