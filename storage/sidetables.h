#pragma once

#include "records.h"
#include "rollupaccumulator.h"
#include "sqliteconnection.h"

#include <string>
#include <unordered_map>

namespace spanlight {

class SqlDialect;

/// The small tables the writer keeps beside the spans, aggregated per commit:
/// span_minutes (start minute → rowid range, so raw spans are found by time
/// without an index on spans), tenants (first sight) and prompts (first/last
/// seen, label, one example when content capture is on).
class SideTables
{
public:
    SideTables(sqlite3* db, const SqlDialect& dialect);
    bool valid() const;

    void addSpan(const SpanFacts& facts);
    /// A prompt seen at \a timeNs; \a label and \a example may be empty.
    void addPrompt(
        int64_t promptId, PromptSource source, int64_t timeNs, const std::string& label, const std::string& example);

    int flush();
    void clear();

private:
    struct MinuteRange
    {
        int64_t first = 0, last = 0;
    };
    struct PromptSeen
    {
        PromptSource source = PromptSource::None;
        int64_t first = 0, last = 0;
        std::string label, example;
    };
    std::unordered_map<int64_t, MinuteRange> m_minutes;
    std::unordered_map<int64_t, int64_t> m_tenants; // id → earliest start seen in this commit
    std::unordered_map<int64_t, PromptSeen> m_prompts;
    Statement m_minuteUpsert, m_tenantUpsert, m_promptUpsert;
};

} // namespace spanlight
