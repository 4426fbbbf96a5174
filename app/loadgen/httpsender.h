#pragma once

#include "sender.h"

#include <memory>
#include <string>

namespace spanlight::loadgen {

/**
 * OTLP/HTTP with protobuf bodies over one keep-alive HTTP/1.1 connection (Boost.Beast). Blocking for the
 * caller; internally asynchronous so that connect, write and read all honour the timeout.
 */
class HttpSender : public Sender
{
public:
    /// @p basePath is prefixed to "/v1/traces" and "/v1/logs" (OTEL_EXPORTER_OTLP_ENDPOINT semantics); a
    /// path that already ends in the signal path is used verbatim.
    HttpSender(std::string host, std::string port, std::string basePath, SenderOptions options);
    ~HttpSender() override;

    Result sendSerialized(Signal signal, const std::string& body) override;
    std::string describe() const override;

private:
    struct Connection;

    Result post(const std::string& target, const std::string& body, std::string& responseBody);
    std::string targetFor(const std::string& signalPath) const;
    std::string authority() const; ///< "host:port" as the Host header wants it

    std::string m_host;
    std::string m_port;
    std::string m_basePath;
    SenderOptions m_options;
    std::unique_ptr<Connection> m_connection; ///< Beast stays out of this header
};

} // namespace spanlight::loadgen
