#pragma once

#include "attributeguard.h"
#include "genaisettings.h"
#include "records.h"

#include <string>
#include <string_view>

namespace opentelemetry::proto::trace::v1 {
class Span_Event;
}

namespace spanlight {

/// Reads a span's GenAI facts, in whichever attribute dialect they came
/// (genaimapping.h holds the table), into the canonical SpanRecord fields:
/// provider, models, operation, usage, client cost, session, end user, error
/// type, convention bits, usage flags and the prompt identity. Pricing is not
/// done here (priceSpan runs afterwards).
class GenAiNormalizer
{
public:
    using Events = google::protobuf::RepeatedPtrField<opentelemetry::proto::trace::v1::Span_Event>;

    explicit GenAiNormalizer(const GenAiSettings& settings)
        : m_settings(settings)
    {
    }

    /// \a span must already hold its name, status and dimensions (service).
    /// \a attributes, \a resource and \a events are the bounded copies.
    void normalise(const AttributeGuard::KeyValues& attributes, const AttributeGuard::KeyValues& resource,
        const Events& events, SpanRecord& span) const;

private:
    const GenAiSettings& m_settings;
};

/// Label and example for a prompt identified by its content, as spans and the
/// log-record join both show them: the first ~80 characters of the normalised
/// text, and the raw text (at most 4 KiB) only when \a captureContent.
std::string contentPromptLabel(std::string_view system, std::string_view firstUser);
std::string contentPromptExample(std::string_view system, std::string_view firstUser, bool captureContent);

} // namespace spanlight
