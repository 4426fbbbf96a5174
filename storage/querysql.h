#pragma once

// Helpers the read-side queries share: a statement that reports into a
// QueryStatus, a read snapshot, filter resolution and dictionary names.
// Internal to storage/.

#include "querytypes.h"
#include "sqldialect.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace spanlight {

/// A prepared statement whose failures land in a QueryStatus, so query code
/// reads as a plain loop. Finalised when it goes out of scope, i.e. before a
/// query function returns its result (DESIGN.md rule 5).
class SqlQuery
{
public:
    SqlQuery(sqlite3* db, const std::string& sql, QueryStatus& status);
    ~SqlQuery();
    SqlQuery(const SqlQuery&) = delete;
    SqlQuery& operator=(const SqlQuery&) = delete;

    bool valid() const { return m_stmt != nullptr; }
    SqlQuery& bind(int index, int64_t value);
    SqlQuery& bindText(int index, std::string_view value);
    SqlQuery& bindBlob(int index, const void* data, size_t size);
    /// Binds \a values from \a first on; returns the next free index.
    int bindAll(int first, const std::vector<int64_t>& values);

    /// True for a row; false when done or failed (the failure is in the status).
    bool next();
    /// Resets for another run with new bindings.
    void reset();

    bool isNull(int column) const;
    int64_t integer(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::string_view blob(int column) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    QueryStatus& m_status;
};

/// Holds one read transaction for a query, so everything it reads comes from
/// the same committed state. Ended (never left open, which would pin the WAL)
/// when it goes out of scope. Does nothing if the caller already opened one.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(sqlite3* db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    sqlite3* m_db;
    bool m_owns = false;
};

/// Filters as dictionary ids; 0 = no filter on that dimension.
struct ResolvedFilters
{
    int64_t tenantId = 0;
    int64_t environmentId = 0;
    int64_t serviceId = 0;
    int64_t modelId = 0;
    int64_t promptId = 0;
    StatusFilter status = StatusFilter::Any;
    bool matchesNothing = false; ///< a name that was never stored

    bool hasDimension() const { return tenantId || environmentId || serviceId || modelId || promptId; }
};

int64_t dictionaryId(sqlite3* db, DictKind kind, const std::string& value, QueryStatus& status);
ResolvedFilters resolveFilters(sqlite3* db, const QueryFilters& filters, QueryStatus& status);

/// A WHERE fragment over `spans` (alias-free columns) plus its parameters.
struct RawSpanFilter
{
    std::string sql; ///< " AND ..." clauses, possibly empty
    std::vector<int64_t> params;
};
RawSpanFilter rawSpanFilter(const ResolvedFilters& filters);

/// The rowid range holding every span that starts in \a range, from
/// span_minutes; nullopt when no such span exists.
std::optional<std::pair<int64_t, int64_t>> spanRowRange(sqlite3* db, const TimeRange& range, QueryStatus& status);
/// Adds a notice when \a range starts before the oldest raw span still kept.
void noteRawHorizon(sqlite3* db, const TimeRange& range, QueryStatus& status);

/// Dictionary and prompt names by id, read once per query.
class NameCache
{
public:
    NameCache(sqlite3* db, QueryStatus& status);
    const std::string& dict(int64_t id);
    const std::string& promptLabel(int64_t promptFpId);

private:
    SqlQuery m_dict;
    SqlQuery m_prompt;
    std::unordered_map<int64_t, std::string> m_names;
    std::unordered_map<int64_t, std::string> m_labels;
};

/// "2026-11-23 14:05 UTC" for notices.
std::string minuteText(int64_t unixMinute);
/// Marks \a status interrupted when \a control asks to stop; true if so.
bool stopRequested(const QueryControl& control, QueryStatus& status);

} // namespace spanlight
