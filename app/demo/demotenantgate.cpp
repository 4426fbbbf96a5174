#include "demotenantgate.h"

#include "sender.h"

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace spanlight {

namespace {

using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;

/// The fleet names a tenant in its resource's tenant.id (loadgen::TrafficModel).
std::string tenantOf(const opentelemetry::proto::resource::v1::Resource& resource)
{
    for (const auto& attribute : resource.attributes())
        if (attribute.key() == "tenant.id")
            return attribute.value().string_value();
    return {};
}

int64_t itemCount(const opentelemetry::proto::trace::v1::ResourceSpans& resource)
{
    int64_t count = 0;
    for (const auto& scope : resource.scope_spans())
        count += scope.spans_size();
    return count;
}

int64_t itemCount(const opentelemetry::proto::logs::v1::ResourceLogs& resource)
{
    int64_t count = 0;
    for (const auto& scope : resource.scope_logs())
        count += scope.log_records_size();
    return count;
}

class GatedSender : public loadgen::Sender
{
public:
    GatedSender(std::unique_ptr<loadgen::Sender> inner, std::shared_ptr<DemoTenantGate> gate)
        : m_inner(std::move(inner))
        , m_gate(std::move(gate))
    {
    }

    Result send(const TraceRequest& request) override
    {
        return sendKept(
            request, [](const TraceRequest& r) -> const auto& { return r.resource_spans(); },
            [](TraceRequest& r) { return r.add_resource_spans(); }, true);
    }
    Result send(const LogsRequest& request) override
    {
        return sendKept(
            request, [](const LogsRequest& r) -> const auto& { return r.resource_logs(); },
            [](LogsRequest& r) { return r.add_resource_logs(); }, false);
    }
    Result sendSerialized(Signal signal, const std::string& body) override
    {
        return m_inner->sendSerialized(signal, body); // replayed benchmark batches only; the demo sends none
    }
    std::string describe() const override { return m_inner->describe(); }

private:
    /// Sends \a request without the paused tenants' resources. A batch of paused
    /// tenants only is answered here, as if acknowledged, without a request.
    template <typename Request, typename Resources, typename Add>
    Result sendKept(const Request& request, Resources resourcesOf, Add add, bool spans)
    {
        if (!m_gate->anyPaused())
            return m_inner->send(request);
        Request kept;
        int64_t withheld = 0;
        for (const auto& resource : resourcesOf(request)) {
            if (m_gate->paused(tenantOf(resource.resource())))
                withheld += itemCount(resource);
            else
                *add(kept) = resource;
        }
        Result result;
        if (resourcesOf(kept).empty())
            result.ok = true;
        else
            result = m_inner->send(kept);
        // Counted once, when the batch is done: a refused batch is sent (and filtered) again.
        if (result.ok && spans)
            m_gate->addWithheld(withheld);
        return result;
    }

    std::unique_ptr<loadgen::Sender> m_inner;
    std::shared_ptr<DemoTenantGate> m_gate;
};

} // namespace

void DemoTenantGate::setPaused(const std::string& tenant, bool paused)
{
    std::lock_guard lock(m_mutex);
    if (paused)
        m_paused.insert(tenant);
    else
        m_paused.erase(tenant);
    m_anyPaused.store(!m_paused.empty(), std::memory_order_release);
}

bool DemoTenantGate::paused(const std::string& tenant) const
{
    std::lock_guard lock(m_mutex);
    return m_paused.count(tenant) > 0;
}

std::unique_ptr<loadgen::Sender> gatedSender(
    std::unique_ptr<loadgen::Sender> inner, std::shared_ptr<DemoTenantGate> gate)
{
    if (!inner)
        return nullptr;
    return std::make_unique<GatedSender>(std::move(inner), std::move(gate));
}

} // namespace spanlight
