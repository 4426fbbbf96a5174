#pragma once

// The dialect attribute writers: a planned span becomes an OTLP span whose attributes are named the way
// one instrumentation (OTel GenAI current or pre-1.37, OpenInference, OpenLLMetry) names them.

#include "gendbcatalog.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spanlight::gendb {

struct PlannedTrace;

/// What makes two spans share an OTLP Resource in a request.
struct ResourceKey
{
    int tenant = 0;
    int service = 0;
    int environment = 0;
    Dialect dialect = Dialect::OTel;
    bool operator==(const ResourceKey&) const = default;
};

/// Names a writer needs that the plan holds only as indices.
struct WriteNames
{
    const std::vector<GenPrompt>& prompts;
    const std::string& tenant;
    const std::string& environment;
};

using KeyValues = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

/// service.name, the SDK, the tenant under one of the keys of the default list, and the environment under
/// deployment.environment.name or (older SDKs) deployment.environment.
void writeResource(const ResourceKey& key, const WriteNames& names, KeyValues* attributes);

/// Instrumentation scope of a span: framework spans (root, tools, retrieval) or LLM client calls.
void writeScope(Dialect dialect, bool llmClient, opentelemetry::proto::common::v1::InstrumentationScope* scope);
bool isLlmClientSpan(const PlannedTrace& trace, int index);

/// Span @p index of @p trace, in the trace's dialect.
void writeSpan(
    const PlannedTrace& trace, int index, const WriteNames& names, opentelemetry::proto::trace::v1::Span* out);

/// A chat span whose prompt text travels only in log records (older OTel instrumentation).
struct ContentLog
{
    ResourceKey resource;
    std::string traceId;
    std::string spanId;
    std::uint64_t timeNs = 0;
    int model = 0;
    int prompt = 0;
    int fill = 0;
    int user = 0;
};
ContentLog contentLogFor(const PlannedTrace& trace, int index);

/// gen_ai.system.message and gen_ai.user.message records for @p log; returns how many were added.
int writeContentLogs(const ContentLog& log, const WriteNames& names, opentelemetry::proto::logs::v1::ScopeLogs* scope);

/// The prompt's user message with the number and e-mail address of one call filled in.
std::string userText(const GenPrompt& prompt, int fill, int user, const std::string& tenant);

} // namespace spanlight::gendb
