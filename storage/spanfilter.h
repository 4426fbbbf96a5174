#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanlight {

/// What a `field:value` term of the span filter compares.
enum class SpanField {
    Text, ///< a bare word: part of the span name, any case
    Service,
    Tenant,
    Environment,
    Model, ///< request model, else response model
    Name, ///< span name
    Error, ///< error.type
    Prompt, ///< prompt fingerprint or prompt label
    Status, ///< ok (not an error), error, unset
    Trace, ///< trace id, hex, a prefix is enough
    Span, ///< span id, hex, a prefix is enough
};

/// One `[-]field:value` term. Dictionary values match exactly, or as a glob
/// when they contain `*` or `?`.
struct SpanFilterTerm
{
    SpanField field = SpanField::Text;
    bool negated = false;
    std::string value; ///< unquoted; hex ids in lower case; status as "ok" / "error" / "unset"

    bool operator==(const SpanFilterTerm&) const = default;
};

/// A parsed filter: terms of the same field are alternatives (OR), different
/// fields must all hold (AND), negated terms exclude. Durations intersect.
struct SpanFilter
{
    std::vector<SpanFilterTerm> terms;
    std::optional<int64_t> minDurationNs; ///< inclusive
    std::optional<int64_t> maxDurationNs; ///< inclusive

    bool empty() const { return terms.empty() && !minDurationNs && !maxDurationNs; }
    bool operator==(const SpanFilter&) const = default;
};

/// Where a filter text stopped making sense: byte offset into the UTF-8 text.
struct SpanFilterError
{
    int position = 0;
    int length = 0;
    std::string message;
};

struct SpanFilterParse
{
    SpanFilter filter;
    std::optional<SpanFilterError> error; ///< the first problem; the filter is then unusable

    bool ok() const { return !error.has_value(); }
};

/// Parses `service:checkout tenant:acme model:gpt-4o status:error error:timeout
/// name:"chat gpt-4o" prompt:<fp> trace:<hex> duration>2s duration<=150ms -env:dev word`.
SpanFilterParse parseSpanFilter(std::string_view text);

/// "1.5s", "150ms", "20us", "3m" as nanoseconds; nullopt when malformed or unit-less.
std::optional<int64_t> parseDuration(std::string_view text);

/// The field names as typed (for help texts and completion), canonical names first.
std::vector<std::string> spanFilterFieldNames();

} // namespace spanlight
