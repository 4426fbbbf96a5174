#include "repricer.h"

#include "rollupaccumulator.h"
#include "rollupfold.h"
#include "sqldialect.h"
#include "sqliteconnection.h"

#include <limits>
#include <set>
#include <sqlite3.h>

namespace spanlight {

namespace {

constexpr int kSpansPerTransaction = 5000;

std::string text(sqlite3_stmt* s, int column)
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, column))) : std::string();
}

std::optional<int64_t> optionalInt(sqlite3_stmt* s, int column)
{
    if (sqlite3_column_type(s, column) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(s, column);
}

int64_t scalar(sqlite3* db, const std::string& sql, int64_t arg, int64_t fallback)
{
    Statement s(db, sql);
    sqlite3_bind_int64(s.get(), 1, arg);
    if (s.valid() && sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_type(s.get(), 0) != SQLITE_NULL)
        return sqlite3_column_int64(s.get(), 0);
    return fallback;
}

/// Re-prices raw spans from \a firstId on, committing every few thousand changes.
bool repriceSpans(sqlite3* db, SqliteConnection& connection, const SqlDialect& dialect, const RepriceRequest& request,
    int64_t firstId, RepriceResult& result)
{
    Statement select(db,
        "SELECT s.id, s.start_ns, p.value, rq.value, rs.value, op.value, s.input_tokens, s.output_tokens,"
        " s.cache_read_tokens, s.cache_write_tokens, s.reasoning_tokens, s.cost_nano_usd, s.price_row_id, s.flags,"
        " s.tenant_id, s.environment_id, s.prompt_fp_id, t.value FROM spans s"
        " LEFT JOIN dict p ON p.id = s.provider_id LEFT JOIN dict rq ON rq.id = s.request_model_id"
        " LEFT JOIN dict rs ON rs.id = s.response_model_id LEFT JOIN dict op ON op.id = s.operation_id"
        " LEFT JOIN dict t ON t.id = s.tenant_id"
        " WHERE s.id >= ? AND s.start_ns >= ? AND (s.input_tokens IS NOT NULL OR s.output_tokens IS NOT NULL)"
        " ORDER BY s.id");
    Statement update(db, "UPDATE spans SET cost_nano_usd = ?, price_row_id = ?, flags = ? WHERE id = ?");
    RollupAccumulator rollups(db, dialect);
    if (!select.valid() || !update.valid() || !rollups.valid()) {
        result.error = std::string("cannot prepare re-pricing: ") + sqlite3_errmsg(db);
        return false;
    }
    // Every grain at once (nothing to fold later), but no minute rows where
    // retention already removed them: a lone cost delta there would look like
    // minute coverage that is gone.
    std::optional<RollupGrainBounds> bounds
        = readGrainBounds(db, dialect, std::numeric_limits<int64_t>::min(), false, &result.error);
    if (!bounds)
        return false;
    bounds->minuteOnlyFrom = std::numeric_limits<int64_t>::max();
    rollups.setGrainBounds(*bounds);
    // Read everything to change first: a statement reading spans while the same
    // connection updates them would see its own changes.
    struct Change
    {
        SpanFacts facts;
        std::optional<int64_t> cost, priceRow;
        int flags = 0;
        int64_t oldCost = 0;
        std::string tenant;
    };
    std::vector<Change> changes;
    sqlite3_bind_int64(select.get(), 1, firstId);
    sqlite3_bind_int64(select.get(), 2, request.sinceNs);
    sqlite3_stmt* s = select.get();
    while (sqlite3_step(s) == SQLITE_ROW) {
        ++result.spansExamined;
        const int storedFlags = sqlite3_column_int(s, 13);
        if (storedFlags & kFlagClientCost) {
            // A client-reported cost wins over any price table: counted, unchanged.
            if (storedFlags & kFlagSpendCounted) {
                auto& tenant = result.byTenant[text(s, 17)];
                tenant.beforeNanoUsd += sqlite3_column_int64(s, 11);
                tenant.afterNanoUsd += sqlite3_column_int64(s, 11);
            }
            continue;
        }
        SpanRecord r;
        r.startNs = sqlite3_column_int64(s, 1);
        r.provider = text(s, 2);
        r.requestModel = text(s, 3);
        r.responseModel = text(s, 4);
        r.operation = text(s, 5);
        r.inputTokens = optionalInt(s, 6);
        r.outputTokens = optionalInt(s, 7);
        r.cacheReadTokens = optionalInt(s, 8);
        r.cacheWriteTokens = optionalInt(s, 9);
        r.reasoningTokens = optionalInt(s, 10);
        r.flags = storedFlags & 0xff & ~kFlagUnpriced;
        request.priceSpan(r);
        const std::optional<int64_t> oldCost = optionalInt(s, 11), oldRow = optionalInt(s, 12);
        const int newFlags = (storedFlags & ~kFlagUnpriced) | (r.flags & kFlagUnpriced);
        const std::string tenant = text(s, 17);
        if (storedFlags & kFlagSpendCounted) {
            result.byTenant[tenant].beforeNanoUsd += oldCost.value_or(0);
            result.byTenant[tenant].afterNanoUsd += r.costNanoUsd.value_or(0);
        }
        if (oldCost == r.costNanoUsd && oldRow == r.priceRowId && newFlags == storedFlags)
            continue;
        Change c;
        c.facts.rowId = sqlite3_column_int64(s, 0);
        c.facts.startNs = r.startNs;
        c.facts.flags = storedFlags;
        c.facts.tenantId = sqlite3_column_int64(s, 14);
        c.facts.environmentId = sqlite3_column_int64(s, 15);
        c.facts.promptId = sqlite3_column_int64(s, 16);
        c.cost = r.costNanoUsd;
        c.priceRow = r.priceRowId;
        c.flags = newFlags;
        c.oldCost = oldCost.value_or(0);
        c.tenant = tenant;
        changes.push_back(std::move(c));
    }
    sqlite3_reset(s);

    Statement modelOf(db, "SELECT COALESCE(request_model_id, response_model_id, 0) FROM spans WHERE id = ?");
    std::string error;
    for (size_t i = 0; i < changes.size(); i += kSpansPerTransaction) {
        if (connection.exec(dialect.beginWrite(), &error) != SQLITE_OK) {
            result.error = error;
            return false;
        }
        const size_t end = std::min(changes.size(), i + kSpansPerTransaction);
        for (size_t k = i; k < end; ++k) {
            Change& c = changes[k];
            sqlite3_bind_int64(modelOf.get(), 1, c.facts.rowId);
            if (sqlite3_step(modelOf.get()) == SQLITE_ROW)
                c.facts.modelId = sqlite3_column_int64(modelOf.get(), 0);
            sqlite3_reset(modelOf.get());
            sqlite3_stmt* u = update.get();
            c.cost ? sqlite3_bind_int64(u, 1, *c.cost) : sqlite3_bind_null(u, 1);
            c.priceRow ? sqlite3_bind_int64(u, 2, *c.priceRow) : sqlite3_bind_null(u, 2);
            sqlite3_bind_int(u, 3, c.flags);
            sqlite3_bind_int64(u, 4, c.facts.rowId);
            const int rc = sqlite3_step(u);
            sqlite3_reset(u);
            if (rc != SQLITE_DONE) {
                // Nothing of this chunk may stay: its rollup deltas would
                // describe updates that did not happen.
                result.error = sqlite3_errmsg(db);
                rollups.clear();
                if (!sqlite3_get_autocommit(db))
                    connection.exec("ROLLBACK");
                return false;
            }
            const int64_t unpricedDelta
                = ((c.flags & kFlagUnpriced) ? 1 : 0) - ((c.facts.flags & kFlagUnpriced) ? 1 : 0);
            rollups.addCostDelta(c.facts, c.cost.value_or(0) - c.oldCost, unpricedDelta);
            ++result.byTenant[c.tenant].spansChanged;
        }
        if (rollups.flush() != SQLITE_OK || connection.exec("COMMIT", &error) != SQLITE_OK) {
            result.error = error.empty() ? sqlite3_errmsg(db) : error;
            connection.exec("ROLLBACK");
            return false;
        }
        if (request.progress)
            request.progress(static_cast<int64_t>(end), static_cast<int64_t>(changes.size()));
    }
    return true;
}

/// History older than the raw horizon: rollup_spend rows priced from token
/// sums. Only rows wholly before the horizon (raw spans already corrected the
/// rest) and without client-reported costs (their share cannot be separated).
bool repriceRollups(sqlite3* db, SqliteConnection& connection, const RepriceRequest& request, int64_t sinceMinute,
    int64_t horizonMinute, RepriceResult& result)
{
    Statement select(db,
        "SELECT r.grain, r.slot, r.tenant_id, r.environment_id, r.model_id, r.requests, r.input_tokens,"
        " r.output_tokens, r.cache_read_tokens, r.cache_write_tokens, r.reasoning_tokens, r.cost_nano_usd,"
        " r.unpriced_requests, m.value, t.value FROM rollup_spend r"
        " LEFT JOIN dict m ON m.id = r.model_id LEFT JOIN dict t ON t.id = r.tenant_id"
        " WHERE r.slot >= ?1 AND r.client_cost_requests = 0"
        " AND r.slot + (CASE r.grain WHEN 1 THEN 1 WHEN 2 THEN 60 ELSE 1440 END) <= ?2");
    Statement update(db,
        "UPDATE rollup_spend SET cost_nano_usd = ?, unpriced_requests = ? WHERE grain = ? AND slot = ?"
        " AND tenant_id = ? AND environment_id = ? AND model_id = ?");
    if (!select.valid() || !update.valid()) {
        result.error = std::string("cannot prepare rollup re-pricing: ") + sqlite3_errmsg(db);
        return false;
    }
    struct RowChange
    {
        int64_t key[5];
        int64_t cost, unpriced;
    };
    // Days not yet folded (rollupfold.h) have their totals in hour rows.
    std::set<int64_t> unfoldedDays;
    Statement days(db, SqliteDialect().unfoldedDays());
    while (days.valid() && sqlite3_step(days.get()) == SQLITE_ROW)
        unfoldedDays.insert(sqlite3_column_int64(days.get(), 0));
    std::vector<RowChange> changes;
    sqlite3_stmt* s = select.get();
    sqlite3_bind_int64(s, 1, sinceMinute);
    sqlite3_bind_int64(s, 2, horizonMinute);
    while (sqlite3_step(s) == SQLITE_ROW) {
        TokenSums sums { sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7),
            sqlite3_column_int64(s, 8), sqlite3_column_int64(s, 9), sqlite3_column_int64(s, 10) };
        const int64_t slot = sqlite3_column_int64(s, 1);
        const std::optional<int64_t> cost = request.priceSums(text(s, 13), slot * kNsPerMinute, sums);
        const int64_t newCost = cost.value_or(0), newUnpriced = cost ? 0 : sums.requests;
        const int64_t oldCost = sqlite3_column_int64(s, 11);
        const std::string tenant = text(s, 14);
        // Day rows carry the per-tenant totals; finer rows repeat them.
        const int grain = sqlite3_column_int(s, 0);
        const bool dayUnfolded = unfoldedDays.count(slotOf(Grain::Day, slot)) > 0;
        if (grain == static_cast<int>(dayUnfolded ? Grain::Hour : Grain::Day)) {
            result.byTenant[tenant].beforeNanoUsd += oldCost;
            result.byTenant[tenant].afterNanoUsd += newCost;
        }
        if (newCost == oldCost && newUnpriced == sqlite3_column_int64(s, 12))
            continue;
        ++result.byTenant[tenant].rollupRowsChanged;
        changes.push_back({ { sqlite3_column_int64(s, 0), slot, sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                                sqlite3_column_int64(s, 4) },
            newCost, newUnpriced });
    }
    sqlite3_reset(s);
    std::string error;
    if (connection.exec(SqliteDialect().beginWrite(), &error) != SQLITE_OK) {
        result.error = error;
        return false;
    }
    for (const RowChange& c : changes) {
        sqlite3_stmt* u = update.get();
        sqlite3_bind_int64(u, 1, c.cost);
        sqlite3_bind_int64(u, 2, c.unpriced);
        for (int i = 0; i < 5; ++i)
            sqlite3_bind_int64(u, 3 + i, c.key[i]);
        const int rc = sqlite3_step(u);
        sqlite3_reset(u);
        if (rc != SQLITE_DONE) {
            result.error = sqlite3_errmsg(db);
            connection.exec("ROLLBACK");
            return false;
        }
    }
    if (connection.exec("COMMIT", &error) != SQLITE_OK) {
        result.error = error;
        connection.exec("ROLLBACK");
        return false;
    }
    return true;
}

} // namespace

RepriceResult reprice(const RepriceRequest& request)
{
    RepriceResult result;
    SqliteDialect dialect;
    SqliteConnection connection;
    if (!connection.open(request.databasePath, SqliteConnection::Mode::ReadWrite, dialect, true, &result.error))
        return result;
    sqlite3* db = connection.handle();
    const int64_t sinceMinute = minuteOf(request.sinceNs);
    const int64_t horizonMinute = scalar(db, "SELECT MIN(minute) FROM span_minutes", 0, INT64_MAX);
    result.rawHorizonNs = horizonMinute == INT64_MAX ? 0 : horizonMinute * kNsPerMinute;
    const int64_t firstId = scalar(db, "SELECT MIN(first_id) FROM span_minutes WHERE minute >= ?", sinceMinute, -1);
    if (firstId >= 0 && !repriceSpans(db, connection, dialect, request, firstId, result))
        return result;
    // Rollup rows are priced whole: start at the day holding `since`, so a
    // day row and the hour and minute rows inside it stay consistent.
    if (sinceMinute < horizonMinute)
        repriceRollups(db, connection, request, slotOf(Grain::Day, sinceMinute), horizonMinute, result);
    return result;
}

} // namespace spanlight
