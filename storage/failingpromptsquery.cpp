#include "failingpromptsquery.h"

#include "querysql.h"
#include "rollupaccumulator.h"
#include "rollupranges.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace spanlight {

namespace {

struct Dims
{
    std::string sql;
    std::vector<int64_t> params;
};

Dims dimensionClauses(const ResolvedFilters& f)
{
    Dims d;
    if (f.tenantId) {
        d.sql += " AND tenant_id = ?";
        d.params.push_back(f.tenantId);
    }
    if (f.environmentId) {
        d.sql += " AND environment_id = ?";
        d.params.push_back(f.environmentId);
    }
    return d;
}

void fillPromptRows(sqlite3* db, std::vector<FailingPrompt*>& prompts, NameCache& names, QueryStatus& status)
{
    SqlQuery q(
        db, "SELECT source, label, first_seen_ns, last_seen_ns, example FROM prompts WHERE prompt_fp_id = ?", status);
    for (FailingPrompt* p : prompts) {
        p->fingerprint = names.dict(p->promptId);
        q.bind(1, p->promptId);
        if (q.next()) {
            p->source = static_cast<PromptSource>(q.integer(0));
            p->label = q.text(1);
            p->firstSeenNs = q.integer(2);
            p->lastSeenNs = q.integer(3);
            p->example = q.text(4);
        }
        q.reset();
        if (p->label.empty())
            p->label = p->fingerprint;
    }
}

} // namespace

FailingPromptsResult queryFailingPrompts(sqlite3* db, const FailingPromptsQuery& query, const QueryControl& control)
{
    FailingPromptsResult result;
    ReadSnapshot snapshot(db);
    QueryFilters filters;
    filters.tenant = query.tenant;
    filters.environment = query.environment;
    const ResolvedFilters f = resolveFilters(db, filters, result);
    if (f.matchesNothing)
        return result;
    const Dims dims = dimensionClauses(f);
    const RollupHorizon horizon = readRollupHorizon(db, "rollup_prompt", result);
    const std::vector<RollupPiece> pieces = plannedPieces(query.range, horizon, &result.coverage);
    noteCoverage(result.coverage, result);

    std::unordered_map<int64_t, FailingPrompt> prompts;
    {
        const std::string columns = "SELECT prompt_fp_id, spans, errors, duration_sum_ns, cost_nano_usd FROM ";
        const std::string where = " WHERE grain = ? AND slot >= ? AND slot < ?" + dims.sql;
        SqlQuery perPrompt(db, columns + "rollup_prompt" + where, result);
        // Without a tenant or environment, hours and days have total rows of
        // their own (minutes do not: docs/rollups.md).
        std::optional<SqlQuery> totals;
        if (dims.params.empty())
            totals.emplace(db, columns + "rollup_prompt_total" + where, result);
        for (const RollupPiece& piece : pieces) {
            SqlQuery& rows = totals && piece.grain != Grain::Minute ? *totals : perPrompt;
            rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
            rows.bindAll(4, dims.params);
            while (rows.next()) {
                FailingPrompt& p = prompts[rows.integer(0)];
                p.promptId = rows.integer(0);
                p.spans += rows.integer(1);
                p.errors += rows.integer(2);
                p.durationSumNs += rows.integer(3);
                p.costNanoUsd += rows.integer(4);
            }
            rows.reset();
        }
    }
    if (!result.ok() || stopRequested(control, result))
        return result;

    std::vector<FailingPrompt*> failing;
    for (auto& [id, p] : prompts) {
        if (p.errors > 0) {
            p.failureRate = p.spans > 0 ? double(p.errors) / double(p.spans) : 0.0;
            failing.push_back(&p);
        }
    }
    const auto byFailures = [](const FailingPrompt* a, const FailingPrompt* b) {
        return a->errors != b->errors ? a->errors > b->errors : a->promptId < b->promptId;
    };
    const auto byRate = [](const FailingPrompt* a, const FailingPrompt* b) {
        return a->failureRate != b->failureRate ? a->failureRate > b->failureRate : a->errors > b->errors;
    };
    const auto limit = static_cast<size_t>(std::max(query.limit, 0));
    std::vector<FailingPrompt*> topFailures = failing, topRate;
    std::sort(topFailures.begin(), topFailures.end(), byFailures);
    topFailures.resize(std::min(limit, topFailures.size()));
    for (FailingPrompt* p : failing)
        if (p->spans >= query.minSpansForRate)
            topRate.push_back(p);
    std::sort(topRate.begin(), topRate.end(), byRate);
    topRate.resize(std::min(limit, topRate.size()));

    std::set<FailingPrompt*> shown(topFailures.begin(), topFailures.end());
    shown.insert(topRate.begin(), topRate.end());
    std::map<std::pair<int64_t, int64_t>, int64_t> errorTypes; // (prompt, error type) -> spans
    {
        SqlQuery rows(db,
            "SELECT prompt_fp_id, error_type_id, spans FROM rollup_prompt_error"
            " WHERE grain = ? AND slot >= ? AND slot < ?"
                + dims.sql,
            result);
        for (const RollupPiece& piece : pieces) {
            rows.bind(1, static_cast<int64_t>(piece.grain)).bind(2, piece.fromSlot).bind(3, piece.toSlot);
            rows.bindAll(4, dims.params);
            while (rows.next()) {
                auto it = prompts.find(rows.integer(0));
                if (it != prompts.end() && shown.count(&it->second))
                    errorTypes[{ rows.integer(0), rows.integer(1) }] += rows.integer(2);
            }
            rows.reset();
        }
    }
    NameCache names(db, result);
    for (FailingPrompt* p : shown) {
        std::vector<PromptErrorType> types;
        for (auto it = errorTypes.lower_bound({ p->promptId, INT64_MIN });
             it != errorTypes.end() && it->first.first == p->promptId; ++it) {
            if (it->second > 0)
                types.push_back({ it->first.second ? names.dict(it->first.second) : "(none)", it->second });
        }
        std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
        types.resize(std::min(types.size(), static_cast<size_t>(std::max(query.topErrorTypes, 0))));
        p->topErrors = std::move(types);
    }
    std::vector<FailingPrompt*> shownList(shown.begin(), shown.end());
    fillPromptRows(db, shownList, names, result);
    for (FailingPrompt* p : topFailures)
        result.byFailures.push_back(*p);
    for (FailingPrompt* p : topRate)
        result.byRate.push_back(*p);
    return result;
}

FailingTracesResult queryFailingTraces(sqlite3* db, const FailingTracesQuery& query, const QueryControl& control)
{
    FailingTracesResult result;
    ReadSnapshot snapshot(db);
    QueryFilters filters;
    filters.prompt = query.prompt;
    filters.tenant = query.tenant;
    filters.environment = query.environment;
    filters.status = StatusFilter::Error;
    if (query.prompt.empty()) {
        result.error = "name the prompt whose failing traces to sample";
        return result;
    }
    const ResolvedFilters f = resolveFilters(db, filters, result);
    if (f.matchesNothing)
        return result;
    noteRawHorizon(db, query.range, result);
    const RawSpanFilter filter = rawSpanFilter(f);
    SqlQuery minutes(db,
        "SELECT minute, first_id, last_id FROM span_minutes WHERE minute >= ? AND minute < ? ORDER BY minute DESC",
        result);
    SqlQuery spans(db,
        "SELECT trace_id, span_id, start_ns, duration_ns, error_type_id, status_message FROM spans"
        " WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?"
            + filter.sql + " ORDER BY start_ns DESC, id DESC",
        result);
    NameCache names(db, result);
    std::set<TraceId> traces;
    minutes.bind(1, query.range.fromMinute).bind(2, query.range.toMinute);
    while (static_cast<int>(result.samples.size()) < query.limit && minutes.next()) {
        if (stopRequested(control, result))
            break;
        const int64_t minute = minutes.integer(0), last = minutes.integer(2);
        int64_t first = minutes.integer(1);
        const int64_t budget = query.maxScannedRows - result.scannedRows;
        if (budget <= 0) {
            result.scanCapped = true;
            break;
        }
        if (last - first + 1 > budget) {
            first = last - budget + 1; // the newest rows of this minute
            result.scanCapped = true;
        }
        result.scannedRows += last - first + 1;
        spans.bind(1, first).bind(2, last).bind(3, minute * kNsPerMinute).bind(4, (minute + 1) * kNsPerMinute);
        spans.bindAll(5, filter.params);
        while (static_cast<int>(result.samples.size()) < query.limit && spans.next()) {
            FailingSpanSample s;
            if (spans.blob(0).size() != s.traceId.size() || spans.blob(1).size() != s.spanId.size())
                continue;
            std::memcpy(s.traceId.data(), spans.blob(0).data(), s.traceId.size());
            if (!traces.insert(s.traceId).second)
                continue;
            std::memcpy(s.spanId.data(), spans.blob(1).data(), s.spanId.size());
            s.startNs = spans.integer(2);
            s.durationNs = spans.integer(3);
            s.errorType = names.dict(spans.integer(4));
            s.statusMessage = spans.text(5);
            result.samples.push_back(std::move(s));
        }
        spans.reset();
        if (result.scanCapped)
            break;
    }
    return result;
}

} // namespace spanlight
