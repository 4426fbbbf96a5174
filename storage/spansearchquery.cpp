#include "spansearchquery.h"

#include "querysql.h"
#include "rollupaccumulator.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace spanlight {

namespace {

struct FieldSql
{
    DictKind kind;
    const char* column;
    const char* label;
};

FieldSql fieldSql(SpanField field)
{
    switch (field) {
    case SpanField::Service:
        return { DictKind::Service, "service_id", "service" };
    case SpanField::Tenant:
        return { DictKind::Tenant, "tenant_id", "tenant" };
    case SpanField::Environment:
        return { DictKind::Environment, "environment_id", "env" };
    case SpanField::Model:
        // The model dimension of the rollups and the global filter.
        return { DictKind::Model, "coalesce(request_model_id, response_model_id)", "model" };
    case SpanField::Error:
        return { DictKind::ErrorType, "error_type_id", "error" };
    case SpanField::Prompt:
        return { DictKind::PromptFingerprint, "prompt_fp_id", "prompt" };
    case SpanField::Name:
    case SpanField::Text:
    default:
        return { DictKind::SpanName, "name_id", "name" };
    }
}

bool isGlob(const std::string& value)
{
    return value.find_first_of("*?[") != std::string::npos;
}

/// Dictionary ids whose name matches \a term's value, any case. Filters
/// resolve once per page into literal id lists: the span scan then compares
/// integers only.
std::set<int64_t> matchingIds(sqlite3* db, const SpanFilterTerm& term, QueryStatus& status)
{
    std::set<int64_t> ids;
    const FieldSql f = fieldSql(term.field);
    const std::string test = term.field == SpanField::Text ? "instr(lower(value), lower(?2)) > 0"
        : isGlob(term.value)                               ? "lower(value) GLOB lower(?2)"
                                                           : "lower(value) = lower(?2)";
    SqlQuery q(db, "SELECT id FROM dict WHERE kind = ?1 AND " + test, status);
    q.bind(1, static_cast<int64_t>(f.kind)).bindText(2, term.value);
    while (q.next())
        ids.insert(q.integer(0));
    if (term.field == SpanField::Prompt) {
        // A prompt is as often known by its label as by its fingerprint.
        SqlQuery labels(db,
            "SELECT prompt_fp_id FROM prompts WHERE "
                + std::string(isGlob(term.value) ? "lower(label) GLOB lower(?1)" : "lower(label) = lower(?1)"),
            status);
        labels.bindText(1, term.value);
        while (labels.next())
            ids.insert(labels.integer(0));
    }
    return ids;
}

std::string idList(const std::set<int64_t>& ids)
{
    std::string out;
    for (int64_t id : ids)
        out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

/// Trace or span id terms; values are validated hex, so they go in as literals.
std::string idClause(const char* column, size_t fullDigits, const std::string& hex)
{
    if (hex.size() == fullDigits)
        return std::string(column) + " = x'" + hex + "'";
    std::string upper = hex;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    return std::string("hex(") + column + ") LIKE '" + upper + "%'";
}

std::string statusClause(const std::string& value)
{
    if (value == "error")
        return "status_code = 2";
    if (value == "unset")
        return "status_code = 0";
    return "status_code <> 2"; // ok: not an error, as the global status filter
}

struct FilterSql
{
    std::string sql; ///< " AND ..." clauses with literals only
    bool matchesNothing = false;
};

FilterSql filterSql(sqlite3* db, const SpanFilter& filter, QueryStatus& status)
{
    FilterSql out;
    if (filter.minDurationNs)
        out.sql += " AND duration_ns >= " + std::to_string(*filter.minDurationNs);
    if (filter.maxDurationNs)
        out.sql += " AND duration_ns <= " + std::to_string(*filter.maxDurationNs);
    if (filter.minDurationNs && filter.maxDurationNs && *filter.minDurationNs > *filter.maxDurationNs)
        out.matchesNothing = true;

    // Per field: positive terms are alternatives, negated ones exclude.
    std::map<SpanField, std::pair<std::vector<std::string>, std::vector<std::string>>> alternatives;
    std::map<SpanField, std::pair<std::set<int64_t>, std::set<int64_t>>> dictIds;
    std::map<SpanField, std::string> firstValue;
    for (const SpanFilterTerm& t : filter.terms) {
        switch (t.field) {
        case SpanField::Text: {
            // Each word must hold on its own: "chat gpt" means both.
            const std::set<int64_t> ids = matchingIds(db, t, status);
            if (!t.negated && ids.empty())
                out.matchesNothing = true;
            else if (!ids.empty())
                out.sql += std::string(t.negated ? " AND (name_id IS NULL OR name_id NOT IN (" : " AND name_id IN (")
                    + idList(ids) + (t.negated ? "))" : ")");
            break;
        }
        case SpanField::Status:
        case SpanField::Trace:
        case SpanField::Span: {
            const std::string clause = t.field == SpanField::Status ? statusClause(t.value)
                : t.field == SpanField::Trace                       ? idClause("trace_id", 32, t.value)
                                                                    : idClause("span_id", 16, t.value);
            auto& [positive, negative] = alternatives[t.field];
            (t.negated ? negative : positive).push_back(clause);
            break;
        }
        default: {
            auto& [positive, negative] = dictIds[t.field];
            const std::set<int64_t> ids = matchingIds(db, t, status);
            (t.negated ? negative : positive).insert(ids.begin(), ids.end());
            if (!t.negated)
                firstValue.try_emplace(t.field, t.value);
            break;
        }
        }
    }
    for (const auto& [field, clauses] : alternatives) {
        const auto joined = [](const std::vector<std::string>& parts) {
            std::string s;
            for (const std::string& p : parts)
                s += (s.empty() ? "(" : " OR (") + p + ")";
            return s;
        };
        if (!clauses.first.empty())
            out.sql += " AND (" + joined(clauses.first) + ")";
        if (!clauses.second.empty())
            out.sql += " AND NOT (" + joined(clauses.second) + ")";
    }
    for (const auto& [field, ids] : dictIds) {
        const FieldSql f = fieldSql(field);
        if (firstValue.count(field) && ids.first.empty()) {
            out.matchesNothing = true;
            status.notices.push_back(
                std::string("no ") + f.label + " named \"" + firstValue[field] + "\" was ever stored");
        } else if (!ids.first.empty()) {
            out.sql += std::string(" AND ") + f.column + " IN (" + idList(ids.first) + ")";
        }
        if (!ids.second.empty())
            out.sql += std::string(" AND (") + f.column + " IS NULL OR " + f.column + " NOT IN (" + idList(ids.second)
                + "))";
    }
    return out;
}

} // namespace

SpanSearchResult querySpanSearch(sqlite3* db, const SpanSearchQuery& query, const QueryControl& control)
{
    SpanSearchResult result;
    if (query.limit < 1 || query.maxScannedRows < 1) {
        result.error = "a span page needs a limit and a scan budget of at least 1";
        return result;
    }
    ReadSnapshot snapshot(db);
    const ResolvedFilters global = resolveFilters(db, query.filters, result);
    const FilterSql parsed = filterSql(db, query.filter, result);
    if (global.matchesNothing || parsed.matchesNothing || !result.ok() || stopRequested(control, result))
        return result;
    if (query.cursor == 0 && query.newerThan == 0)
        noteRawHorizon(db, query.range, result);
    const auto rows = spanRowRange(db, query.range, result);
    if (!rows)
        return result;
    result.newestRowId = rows->second;
    const int64_t high = query.cursor > 0 ? std::min(rows->second, query.cursor - 1) : rows->second;
    const int64_t floor = std::max(rows->first, query.newerThan + 1);
    if (high < floor)
        return result;
    // The budget bounds the rowid window, so the scan reads at most that many rows.
    const int64_t low = std::max(floor, high - query.maxScannedRows + 1);
    const RawSpanFilter filter = rawSpanFilter(global);
    SqlQuery q(db,
        "SELECT id, trace_id, span_id, service_id, name_id, tenant_id,"
        " coalesce(request_model_id, response_model_id), start_ns, duration_ns, status_code, error_type_id,"
        " prompt_fp_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
        " cost_nano_usd FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?"
            + filter.sql + parsed.sql + " ORDER BY id DESC LIMIT ?",
        result);
    q.bind(1, low).bind(2, high);
    q.bind(3, query.range.fromMinute * kNsPerMinute).bind(4, query.range.toMinute * kNsPerMinute);
    const int next = q.bindAll(5, filter.params);
    q.bind(next, int64_t(query.limit) + 1); // one more tells whether another page exists
    NameCache names(db, result);
    bool full = false;
    while (q.next()) {
        if (static_cast<int>(result.spans.size()) == query.limit) {
            full = true;
            break;
        }
        result.spans.push_back(readSpanSummary(q, names));
    }
    if (!result.ok())
        return result;
    if (full) {
        result.nextCursor = result.spans.back().rowId;
        result.scannedRows = high - result.nextCursor + 1;
        result.scannedBackToNs = result.spans.back().startNs;
        return result;
    }
    result.scannedRows = high - low + 1;
    if (low > floor) {
        result.scanCapped = true;
        result.nextCursor = low;
    }
    SqlQuery reached(db, "SELECT start_ns FROM spans WHERE id >= ? ORDER BY id LIMIT 1", result);
    reached.bind(1, low);
    if (reached.next())
        result.scannedBackToNs = reached.integer(0);
    return result;
}

} // namespace spanlight
