#include "tracelookup.h"

#include "batchinserter.h"

#include <algorithm>
#include <cstring>
#include <sqlite3.h>

namespace spanlight {

namespace {

std::string columnText(sqlite3_stmt* s, int i)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

template <size_t N> void columnId(sqlite3_stmt* s, int i, std::array<uint8_t, N>* out)
{
    if (sqlite3_column_bytes(s, i) == static_cast<int>(N))
        std::memcpy(out->data(), sqlite3_column_blob(s, i), N);
}

} // namespace

TraceLookup::TraceLookup(sqlite3* db)
    // Two subqueries: SQLite answers a lone MIN or MAX from the index end, but
    // scans the whole table for both in one select.
    : m_buckets(db, "SELECT (SELECT MIN(bucket) FROM trace_index), (SELECT MAX(bucket) FROM trace_index)")
    , m_runs(db, "SELECT first_span, span_count FROM trace_index WHERE bucket = ? AND trace_key = ?")
    , m_spans(db,
          "SELECT s.id, s.trace_id, s.span_id, s.parent_span_id, n.value, sv.value, t.value, s.kind, s.start_ns,"
          " s.duration_ns, s.status_code, s.status_message, s.detail"
          " FROM spans s LEFT JOIN dict n ON n.id = s.name_id LEFT JOIN dict sv ON sv.id = s.service_id"
          " LEFT JOIN dict t ON t.id = s.tenant_id"
          " WHERE s.id BETWEEN ? AND ? AND s.trace_id = ?")
{
}

std::vector<StoredSpan> TraceLookup::spansOf(const TraceId& trace, std::string* error)
{
    // One seek per bucket of 2^20 spans: a few hundred for a full 7-day store.
    int64_t firstBucket = 0, lastBucket = -1;
    sqlite3_stmt* b = m_buckets.get();
    if (sqlite3_step(b) == SQLITE_ROW && sqlite3_column_type(b, 0) != SQLITE_NULL) {
        firstBucket = sqlite3_column_int64(b, 0);
        lastBucket = sqlite3_column_int64(b, 1);
    }
    sqlite3_reset(b);
    std::vector<std::pair<int64_t, int64_t>> runs;
    sqlite3_stmt* r = m_runs.get();
    int rc = SQLITE_DONE;
    for (int64_t bucket = firstBucket; bucket <= lastBucket; ++bucket) {
        sqlite3_bind_int64(r, 1, bucket);
        sqlite3_bind_int64(r, 2, traceKey(trace));
        while ((rc = sqlite3_step(r)) == SQLITE_ROW)
            runs.emplace_back(sqlite3_column_int64(r, 0), sqlite3_column_int64(r, 1));
        sqlite3_reset(r);
        if (rc != SQLITE_DONE && error)
            *error = sqlite3_errstr(rc);
    }

    std::vector<StoredSpan> out;
    sqlite3_stmt* s = m_spans.get();
    for (const auto& [first, count] : runs) {
        sqlite3_bind_int64(s, 1, first);
        sqlite3_bind_int64(s, 2, first + count - 1);
        sqlite3_bind_blob(s, 3, trace.data(), static_cast<int>(trace.size()), SQLITE_STATIC);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            StoredSpan span;
            span.rowId = sqlite3_column_int64(s, 0);
            columnId(s, 1, &span.traceId);
            columnId(s, 2, &span.spanId);
            columnId(s, 3, &span.parentSpanId);
            span.name = columnText(s, 4);
            span.service = columnText(s, 5);
            span.tenant = columnText(s, 6);
            span.kind = sqlite3_column_int(s, 7);
            span.startNs = sqlite3_column_int64(s, 8);
            span.durationNs = sqlite3_column_int64(s, 9);
            span.statusCode = sqlite3_column_int(s, 10);
            span.statusMessage = columnText(s, 11);
            const auto* blob = static_cast<const char*>(sqlite3_column_blob(s, 12));
            span.detail.assign(blob ? blob : "", static_cast<size_t>(sqlite3_column_bytes(s, 12)));
            out.push_back(std::move(span));
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE && error)
            *error = sqlite3_errstr(rc);
    }
    std::sort(out.begin(), out.end(), [](const StoredSpan& a, const StoredSpan& b) {
        return a.startNs != b.startNs ? a.startNs < b.startNs : a.rowId < b.rowId;
    });
    return out;
}

} // namespace spanlight
