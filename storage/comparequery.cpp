#include "comparequery.h"

#include "detaildecode.h"
#include "latencyhistogram.h"
#include "querysql.h"
#include "rollupaccumulator.h"

#include <algorithm>
#include <unordered_map>

namespace spanlight {

namespace {

constexpr const char* kOther = "(other)";

struct Counts
{
    int64_t selection = 0;
    int64_t baseline = 0;
};

struct KeyCounts
{
    AttributeOrigin origin = AttributeOrigin::Span;
    std::string key;
    std::unordered_map<std::string, Counts> values;
    bool capped = false;
};

/// Value frequencies per (origin, key), bounded per key.
class Tally
{
public:
    explicit Tally(size_t maxValues)
        : m_maxValues(maxValues)
    {
    }

    void add(AttributeOrigin origin, const std::string& key, const std::string& value, bool selection)
    {
        m_lookup.assign(1, static_cast<char>('0' + static_cast<int>(origin)));
        m_lookup += key;
        auto [it, inserted] = m_keys.try_emplace(m_lookup);
        KeyCounts& k = it->second;
        if (inserted) {
            k.origin = origin;
            k.key = key;
        }
        auto v = k.values.find(value);
        if (v == k.values.end()) {
            if (k.values.size() >= m_maxValues) {
                k.capped = true;
                v = k.values.try_emplace(kOther).first;
            } else {
                v = k.values.try_emplace(value).first;
            }
        }
        ++(selection ? v->second.selection : v->second.baseline);
    }

    std::vector<AttributeComparison> ranked(int64_t selectionSpans, int64_t baselineSpans, int valuesPerKey) const;

private:
    size_t m_maxValues;
    std::string m_lookup;
    std::unordered_map<std::string, KeyCounts> m_keys;
};

std::vector<AttributeComparison> Tally::ranked(int64_t selectionSpans, int64_t baselineSpans, int valuesPerKey) const
{
    const auto share = [](int64_t count, int64_t total) { return total > 0 ? double(count) / double(total) : 0.0; };
    std::vector<AttributeComparison> out;
    out.reserve(m_keys.size());
    for (const auto& [lookup, k] : m_keys) {
        AttributeComparison a;
        a.origin = k.origin;
        a.key = k.key;
        a.valuesCapped = k.capped;
        for (const auto& [value, c] : k.values) {
            ValueComparison v { value, c.selection, c.baseline, share(c.selection, selectionSpans),
                share(c.baseline, baselineSpans), 0 };
            v.difference = v.selectionShare - v.baselineShare;
            a.values.push_back(std::move(v));
        }
        std::sort(a.values.begin(), a.values.end(), [](const ValueComparison& x, const ValueComparison& y) {
            return x.difference != y.difference ? x.difference > y.difference : x.value < y.value;
        });
        a.score = a.values.empty() ? 0 : a.values.front().difference;
        a.values.resize(std::min(a.values.size(), static_cast<size_t>(std::max(valuesPerKey, 1))));
        out.push_back(std::move(a));
    }
    // Ties: dimensions first (a tenant column and its tenant.id attribute say the same).
    std::sort(out.begin(), out.end(), [](const AttributeComparison& x, const AttributeComparison& y) {
        if (x.score != y.score)
            return x.score > y.score;
        if (x.origin != y.origin)
            return x.origin < y.origin;
        return x.key < y.key;
    });
    return out;
}

} // namespace

CompareResult queryComparison(sqlite3* db, const CompareQuery& query, const QueryControl& control)
{
    CompareResult result;
    if (query.sampleCap < 1 || query.firstBucket > query.lastBucket) {
        result.error = "a comparison needs a sample cap of at least 1 and a non-empty latency range";
        return result;
    }
    ReadSnapshot snapshot(db);
    const ResolvedFilters f = resolveFilters(db, query.filters, result);
    if (f.matchesNothing)
        return result;
    noteRawHorizon(db, query.range, result);
    const auto rows = spanRowRange(db, query.range, result);
    if (!rows)
        return result;
    const RawSpanFilter filter = rawSpanFilter(f);
    SqlQuery spans(db,
        "SELECT duration_ns, tenant_id, environment_id, service_id, coalesce(request_model_id, response_model_id),"
        " prompt_fp_id, error_type_id, name_id, resource_id, detail FROM spans"
        " WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?"
            + filter.sql + " ORDER BY id DESC",
        result);
    SqlQuery resource(db, "SELECT attributes FROM resources WHERE id = ?", result);
    spans.bind(1, rows->first).bind(2, rows->second);
    spans.bind(3, query.range.fromMinute * kNsPerMinute).bind(4, query.range.toMinute * kNsPerMinute);
    spans.bindAll(5, filter.params);

    const int64_t lower = latency::lowerBound(query.firstBucket), upper = latency::upperBound(query.lastBucket);
    NameCache names(db, result);
    Tally tally(static_cast<size_t>(std::max(query.maxDistinctValues, 1)));
    std::unordered_map<int64_t, std::vector<AttributeText>> resources;
    std::vector<AttributeText> attributes;
    static const char* const kDimensions[]
        = { "tenant", "environment", "service", "model", "prompt", "error.type", "span.name" };
    int64_t seen = 0;
    while (spans.next()) {
        if ((++seen & 1023) == 0 && stopRequested(control, result))
            break;
        const int64_t duration = spans.integer(0);
        const bool selection = duration > lower && duration <= upper;
        int64_t& sampled = selection ? result.selectionSpans : result.baselineSpans;
        if (sampled >= query.sampleCap) {
            (selection ? result.selectionCapped : result.baselineCapped) = true;
            if (result.selectionCapped && result.baselineCapped)
                break;
            continue;
        }
        ++sampled;
        for (int d = 0; d < 7; ++d) {
            const int64_t id = spans.integer(1 + d);
            if (id > 0)
                tally.add(AttributeOrigin::Dimension, kDimensions[d], d == 4 ? names.promptLabel(id) : names.dict(id),
                    selection);
        }
        const int64_t resourceId = spans.integer(8);
        auto [it, inserted] = resources.try_emplace(resourceId);
        if (inserted && resourceId > 0) {
            resource.bind(1, resourceId);
            if (resource.next())
                decodeResourceAttributes(resource.blob(0), &it->second);
            resource.reset();
        }
        for (const AttributeText& a : it->second)
            tally.add(AttributeOrigin::Resource, a.key, a.value, selection);
        attributes.clear();
        decodeSpanAttributes(spans.blob(9), &attributes);
        for (const AttributeText& a : attributes)
            tally.add(AttributeOrigin::Span, a.key, a.value, selection);
    }
    result.attributes = tally.ranked(result.selectionSpans, result.baselineSpans, query.valuesPerKey);
    if (result.selectionCapped || result.baselineCapped)
        result.notices.push_back("compared the newest " + std::to_string(query.sampleCap) + " spans of "
            + (result.selectionCapped && result.baselineCapped ? std::string("each side")
                    : result.selectionCapped                   ? std::string("the selection")
                                                               : std::string("the baseline")));
    return result;
}

} // namespace spanlight
