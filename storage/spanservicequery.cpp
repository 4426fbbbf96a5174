#include "spanservicequery.h"

#include "querysql.h"
#include "rollupaccumulator.h"

#include <cstring>
#include <map>

namespace spanlight {

SpanServicesResult querySpanServices(
    sqlite3* db, const std::vector<SpanAt>& spans, int64_t maxScannedRows, const QueryControl& control)
{
    SpanServicesResult result;
    result.services.resize(spans.size());
    std::map<int64_t, std::vector<size_t>, std::greater<>> byMinute; // newest first: samples are newest first
    for (size_t i = 0; i < spans.size(); ++i)
        byMinute[floorDiv(spans[i].startNs, kNsPerMinute)].push_back(i);

    ReadSnapshot snapshot(db);
    SqlQuery range(db, "SELECT first_id, last_id FROM span_minutes WHERE minute = ?", result);
    SqlQuery rows(db,
        "SELECT span_id, start_ns, service_id FROM spans WHERE id BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?",
        result);
    NameCache names(db, result);
    int64_t scanned = 0;
    for (const auto& [minute, wanted] : byMinute) {
        if (!result.ok() || stopRequested(control, result))
            break;
        range.bind(1, minute);
        const bool known = range.next();
        const int64_t first = known ? range.integer(0) : 0, last = known ? range.integer(1) : -1;
        range.reset();
        if (!known)
            continue;
        if (scanned + (last - first + 1) > maxScannedRows) {
            result.scanCapped = true;
            continue;
        }
        scanned += last - first + 1;
        rows.bind(1, first).bind(2, last).bind(3, minute * kNsPerMinute).bind(4, (minute + 1) * kNsPerMinute);
        size_t found = 0;
        while (found < wanted.size() && rows.next()) {
            const std::string_view id = rows.blob(0);
            for (size_t i : wanted) {
                if (result.services[i].empty() && spans[i].startNs == rows.integer(1) && id.size() == 8
                    && std::memcmp(id.data(), spans[i].spanId.data(), 8) == 0) {
                    result.services[i] = names.dict(rows.integer(2));
                    ++found;
                }
            }
        }
        rows.reset();
    }
    return result;
}

} // namespace spanlight
