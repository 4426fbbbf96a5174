#include "catalogquery.h"

#include "querysql.h"
#include "rollupaccumulator.h"

namespace spanlight {

namespace {

std::optional<int64_t> single(sqlite3* db, const std::string& sql, QueryStatus& status, int64_t param = 0)
{
    SqlQuery q(db, sql, status);
    if (sql.find('?') != std::string::npos)
        q.bind(1, param);
    if (q.next() && !q.isNull(0))
        return q.integer(0);
    return std::nullopt;
}

} // namespace

RetentionHorizon queryRetentionHorizon(sqlite3* db)
{
    RetentionHorizon h;
    ReadSnapshot snapshot(db);
    // Separate statements: SQLite answers a lone min() or max() from the key's end.
    h.oldestRawMinute = single(db, "SELECT min(minute) FROM span_minutes", h);
    h.newestRawMinute = single(db, "SELECT max(minute) FROM span_minutes", h);
    const std::string slot = "SELECT min(slot) FROM rollup_latency WHERE grain = ?";
    h.oldestMinuteRollup = single(db, slot, h, static_cast<int64_t>(Grain::Minute));
    h.oldestHourRollup = single(db, slot, h, static_cast<int64_t>(Grain::Hour));
    h.oldestDayRollup = single(db, slot, h, static_cast<int64_t>(Grain::Day));
    return h;
}

DictionaryListing queryDictionaries(sqlite3* db)
{
    DictionaryListing out;
    ReadSnapshot snapshot(db);
    SqlQuery q(db, "SELECT value FROM dict WHERE kind = ? ORDER BY value", out);
    const std::pair<DictKind, std::vector<std::string>*> lists[]
        = { { DictKind::Tenant, &out.tenants }, { DictKind::Environment, &out.environments },
              { DictKind::Service, &out.services }, { DictKind::Model, &out.models } };
    for (const auto& [kind, list] : lists) {
        q.bind(1, static_cast<int64_t>(kind));
        while (q.next())
            list->push_back(q.text(0));
        q.reset();
    }
    return out;
}

} // namespace spanlight
