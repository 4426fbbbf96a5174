#pragma once

#include "querytypes.h"

#include <string>
#include <vector>

struct sqlite3;

namespace spanlight {

/// Selection vs baseline (Honeycomb's BubbleUp): the selection is the spans of
/// [range) whose duration lies in the fine latency buckets [firstBucket,
/// lastBucket]; the baseline is every other span of the same range and
/// filters. Each side is sampled newest first up to \a sampleCap spans.
struct CompareQuery
{
    TimeRange range;
    int firstBucket = 0;
    int lastBucket = 1279;
    QueryFilters filters;
    int sampleCap = 20000; ///< spans per side (docs/queries.md)
    int valuesPerKey = 5; ///< values reported per attribute key
    int maxDistinctValues = 256; ///< values tracked per key; later ones count as "(other)"
};

enum class AttributeOrigin { Dimension, Span, Resource };

struct ValueComparison
{
    std::string value;
    int64_t selectionCount = 0;
    int64_t baselineCount = 0;
    double selectionShare = 0; ///< of the sampled selection spans
    double baselineShare = 0; ///< of the sampled baseline spans
    double difference = 0; ///< selectionShare - baselineShare
};

struct AttributeComparison
{
    AttributeOrigin origin = AttributeOrigin::Span;
    std::string
        key; ///< dimension name (tenant, environment, service, model, prompt, error.type, span.name) or attribute key
    double score = 0; ///< the largest difference among its values
    std::vector<ValueComparison> values; ///< by difference, largest first
    bool valuesCapped = false; ///< more than maxDistinctValues values: the rest are "(other)"
};

struct CompareResult : QueryStatus
{
    int64_t selectionSpans = 0; ///< sampled
    int64_t baselineSpans = 0;
    bool selectionCapped = false; ///< the side had more spans than sampleCap
    bool baselineCapped = false;
    std::vector<AttributeComparison> attributes; ///< by score, most over-represented in the selection first
};

/// Raw spans via span_minutes, newest stored first; span attributes from
/// `detail`, resource attributes from `resources`, plus the dimension columns.
CompareResult queryComparison(sqlite3* db, const CompareQuery& query, const QueryControl& control = {});

} // namespace spanlight
