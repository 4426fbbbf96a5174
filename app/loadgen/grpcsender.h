#pragma once

#include "sender.h"

#include <memory>
#include <string>

namespace spanlight::loadgen {

/**
 * OTLP/gRPC: unary TraceService/Export and LogsService/Export calls on an insecure channel. Each sender has
 * its own TCP connection (a local subchannel pool), so N senders really are N connections. The channel
 * reconnects by itself, with a short backoff so a restarted receiver is found again quickly.
 */
class GrpcSender : public Sender
{
public:
    GrpcSender(std::string host, std::string port, SenderOptions options);
    ~GrpcSender() override;

    Result send(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) override;
    Result send(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request) override;
    /// Goes through a generic stub, so the bytes are not parsed and serialized again.
    Result sendSerialized(Signal signal, const std::string& body) override;
    std::string describe() const override;

private:
    struct Stubs; ///< grpc++ stays out of this header

    std::string m_target;
    SenderOptions m_options;
    std::unique_ptr<Stubs> m_stubs;
};

} // namespace spanlight::loadgen
