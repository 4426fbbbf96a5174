#pragma once

// The HTTP receiver's private state, shared by httpreceiver.cpp and the
// sessions in httpsession.h.

#include "httpreceiver.h"

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace spanlight {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpReceiver::Impl
{
    Impl(IngestPipeline& p, const IngestLimits& l, HealthFn h)
        : pipeline(p)
        , limits(l)
        , health(std::move(h))
    {
    }
    void accept();
    void exchangeStarted()
    {
        std::lock_guard lock(mutex);
        ++exchanges;
    }
    void exchangeEnded()
    {
        std::lock_guard lock(mutex);
        if (--exchanges == 0)
            idle.notify_all();
    }

    IngestPipeline& pipeline;
    const IngestLimits& limits;
    HealthFn health;
    // Declared before ioc so they outlive it: destroying ioc destroys queued
    // handlers, whose sessions still end their exchange on the way out.
    std::unique_ptr<ssl::context> tls;
    std::atomic<bool> draining { false };
    std::mutex mutex;
    std::condition_variable idle;
    int exchanges = 0;
    net::io_context ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    // On a strand: the accept handler and the close posted by stopAccepting()
    // would otherwise race on two io threads.
    tcp::acceptor acceptor { net::make_strand(ioc) };
    net::steady_timer acceptRetry { acceptor.get_executor() };
    std::vector<std::thread> threads;
};

} // namespace spanlight
