#include "sidetables.h"

#include "sqldialect.h"

#include <algorithm>
#include <sqlite3.h>

namespace spanlight {

namespace {

int step(sqlite3_stmt* s)
{
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void bindTextOrNull(sqlite3_stmt* s, int i, const std::string& v)
{
    if (v.empty())
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

} // namespace

SideTables::SideTables(sqlite3* db, const SqlDialect& dialect)
    : m_minuteUpsert(db, dialect.upsertSpanMinute())
    , m_tenantUpsert(db, dialect.insertTenant())
    , m_promptUpsert(db, dialect.upsertPrompt())
{
}

bool SideTables::valid() const
{
    return m_minuteUpsert.valid() && m_tenantUpsert.valid() && m_promptUpsert.valid();
}

void SideTables::addSpan(const SpanFacts& f)
{
    auto [it, added] = m_minutes.try_emplace(minuteOf(f.startNs), MinuteRange { f.rowId, f.rowId });
    if (!added) {
        it->second.first = std::min(it->second.first, f.rowId);
        it->second.last = std::max(it->second.last, f.rowId);
    }
    if (f.tenantId > 0) {
        auto [t, fresh] = m_tenants.try_emplace(f.tenantId, f.startNs);
        if (!fresh)
            t->second = std::min(t->second, f.startNs);
    }
}

void SideTables::addPrompt(
    int64_t promptId, PromptSource source, int64_t timeNs, const std::string& label, const std::string& example)
{
    if (promptId <= 0)
        return;
    auto [it, added] = m_prompts.try_emplace(promptId);
    PromptSeen& p = it->second;
    if (added) {
        p.source = source;
        p.first = p.last = timeNs;
    } else {
        p.first = std::min(p.first, timeNs);
        p.last = std::max(p.last, timeNs);
    }
    if (p.label.empty())
        p.label = label;
    if (p.example.empty())
        p.example = example;
}

int SideTables::flush()
{
    int rc = SQLITE_OK;
    for (const auto& [minute, range] : m_minutes) {
        sqlite3_stmt* s = m_minuteUpsert.get();
        sqlite3_bind_int64(s, 1, minute);
        sqlite3_bind_int64(s, 2, range.first);
        sqlite3_bind_int64(s, 3, range.last);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    // Upserts even for known tenants are cheap (a handful per commit) and keep
    // first_seen right when old data arrives late.
    for (const auto& [tenant, first] : m_tenants) {
        sqlite3_stmt* s = m_tenantUpsert.get();
        sqlite3_bind_int64(s, 1, tenant);
        sqlite3_bind_int64(s, 2, first);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    for (const auto& [prompt, seen] : m_prompts) {
        sqlite3_stmt* s = m_promptUpsert.get();
        sqlite3_bind_int64(s, 1, prompt);
        sqlite3_bind_int(s, 2, static_cast<int>(seen.source));
        bindTextOrNull(s, 3, seen.label);
        sqlite3_bind_int64(s, 4, seen.first);
        sqlite3_bind_int64(s, 5, seen.last);
        bindTextOrNull(s, 6, seen.example);
        if ((rc = step(s)) != SQLITE_OK)
            return rc;
    }
    clear();
    return SQLITE_OK;
}

void SideTables::clear()
{
    m_minutes.clear();
    m_tenants.clear();
    m_prompts.clear();
}

} // namespace spanlight
