#include "querysql.h"

#include <ctime>
#include <sqlite3.h>

namespace spanlight {

SqlQuery::SqlQuery(sqlite3* db, const std::string& sql, QueryStatus& status)
    : m_db(db)
    , m_status(status)
{
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr) != SQLITE_OK) {
        if (m_status.error.empty())
            m_status.error = std::string("cannot prepare a query: ") + sqlite3_errmsg(db);
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

SqlQuery::~SqlQuery()
{
    sqlite3_finalize(m_stmt);
}

SqlQuery& SqlQuery::bind(int index, int64_t value)
{
    if (m_stmt)
        sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

SqlQuery& SqlQuery::bindText(int index, std::string_view value)
{
    if (m_stmt)
        sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

SqlQuery& SqlQuery::bindBlob(int index, const void* data, size_t size)
{
    if (m_stmt)
        sqlite3_bind_blob(m_stmt, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
    return *this;
}

int SqlQuery::bindAll(int first, const std::vector<int64_t>& values)
{
    for (int64_t v : values)
        bind(first++, v);
    return first;
}

bool SqlQuery::next()
{
    // After a failure anywhere in the query, stop: the answer is already wrong.
    if (!m_stmt || !m_status.error.empty())
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_status.interrupted = rc == SQLITE_INTERRUPT;
        m_status.error = m_status.interrupted ? std::string("interrupted") : std::string(sqlite3_errmsg(m_db));
        sqlite3_reset(m_stmt);
    }
    return false;
}

void SqlQuery::reset()
{
    if (!m_stmt)
        return;
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool SqlQuery::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int64_t SqlQuery::integer(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqlQuery::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string SqlQuery::text(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return data ? std::string(data, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::string_view SqlQuery::blob(int column) const
{
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    return data ? std::string_view(data, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)))
                : std::string_view();
}

ReadSnapshot::ReadSnapshot(sqlite3* db)
    : m_db(db)
{
    if (sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK)
        m_owns = true;
}

ReadSnapshot::~ReadSnapshot()
{
    if (!m_owns)
        return;
    // An open read transaction pins the WAL: end it even if an interrupt or a
    // busy error hits the first attempt.
    for (int attempt = 0; attempt < 3 && !sqlite3_get_autocommit(m_db); ++attempt) {
        if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

int64_t dictionaryId(sqlite3* db, DictKind kind, const std::string& value, QueryStatus& status)
{
    if (value.empty())
        return 0;
    SqlQuery q(db, "SELECT id FROM dict WHERE kind = ? AND value = ?", status);
    q.bind(1, static_cast<int64_t>(kind)).bindText(2, value);
    return q.next() ? q.integer(0) : -1;
}

ResolvedFilters resolveFilters(sqlite3* db, const QueryFilters& filters, QueryStatus& status)
{
    ResolvedFilters out;
    out.status = filters.status;
    const std::pair<DictKind, const std::string*> names[] = {
        { DictKind::Tenant, &filters.tenant },
        { DictKind::Environment, &filters.environment },
        { DictKind::Service, &filters.service },
        { DictKind::Model, &filters.model },
        { DictKind::PromptFingerprint, &filters.prompt },
    };
    int64_t* ids[] = { &out.tenantId, &out.environmentId, &out.serviceId, &out.modelId, &out.promptId };
    for (size_t i = 0; i < std::size(names); ++i) {
        const int64_t id = dictionaryId(db, names[i].first, *names[i].second, status);
        if (id < 0) {
            out.matchesNothing = true;
            status.notices.push_back("no data has ever been stored for \"" + *names[i].second + "\"");
        }
        *ids[i] = id;
    }
    return out;
}

RawSpanFilter rawSpanFilter(const ResolvedFilters& f)
{
    RawSpanFilter out;
    const std::pair<int64_t, const char*> clauses[] = {
        { f.tenantId, " AND tenant_id = ?" },
        { f.environmentId, " AND environment_id = ?" },
        { f.serviceId, " AND service_id = ?" },
        // The model dimension of the rollups: request model, else response model.
        { f.modelId, " AND coalesce(request_model_id, response_model_id) = ?" },
        { f.promptId, " AND prompt_fp_id = ?" },
    };
    for (const auto& [id, clause] : clauses) {
        if (id != 0) {
            out.sql += clause;
            out.params.push_back(id);
        }
    }
    if (f.status == StatusFilter::Error)
        out.sql += " AND status_code = 2";
    else if (f.status == StatusFilter::Ok)
        out.sql += " AND status_code <> 2";
    return out;
}

std::optional<std::pair<int64_t, int64_t>> spanRowRange(sqlite3* db, const TimeRange& range, QueryStatus& status)
{
    SqlQuery q(db, "SELECT min(first_id), max(last_id) FROM span_minutes WHERE minute >= ? AND minute < ?", status);
    q.bind(1, range.fromMinute).bind(2, range.toMinute);
    if (!q.next() || q.isNull(0))
        return std::nullopt;
    return std::make_pair(q.integer(0), q.integer(1));
}

void noteRawHorizon(sqlite3* db, const TimeRange& range, QueryStatus& status)
{
    SqlQuery q(db, "SELECT min(minute) FROM span_minutes", status);
    if (q.next() && !q.isNull(0) && q.integer(0) > range.fromMinute)
        status.notices.push_back("raw spans are kept from " + minuteText(q.integer(0)) + " on; earlier spans are gone");
}

NameCache::NameCache(sqlite3* db, QueryStatus& status)
    : m_dict(db, "SELECT value FROM dict WHERE id = ?", status)
    , m_prompt(db, "SELECT label FROM prompts WHERE prompt_fp_id = ?", status)
{
}

const std::string& NameCache::dict(int64_t id)
{
    auto [it, inserted] = m_names.try_emplace(id);
    if (inserted && id > 0) {
        m_dict.bind(1, id);
        if (m_dict.next())
            it->second = m_dict.text(0);
        m_dict.reset();
    }
    return it->second;
}

const std::string& NameCache::promptLabel(int64_t promptFpId)
{
    auto [it, inserted] = m_labels.try_emplace(promptFpId);
    if (inserted && promptFpId > 0) {
        m_prompt.bind(1, promptFpId);
        if (m_prompt.next())
            it->second = m_prompt.text(0);
        m_prompt.reset();
        if (it->second.empty())
            it->second = dict(promptFpId); // no label: show the fingerprint
    }
    return it->second;
}

std::string minuteText(int64_t unixMinute)
{
    const time_t seconds = static_cast<time_t>(unixMinute * 60);
    std::tm tm {};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

bool stopRequested(const QueryControl& control, QueryStatus& status)
{
    if (!control.stopRequested())
        return false;
    status.interrupted = true;
    if (status.error.empty())
        status.error = "interrupted";
    return true;
}

} // namespace spanlight
