#include "writerstate.h"

#include <cstring>
#include <sqlite3.h>

namespace spanlight {

bool WriterState::prepare(PromptIdentifier identify, size_t joinCapacity, size_t joinBytes, std::string* error)
{
    sqlite3* db = connection.handle();
    rollups = std::make_unique<RollupAccumulator>(db, dialect);
    fold = std::make_unique<RollupFold>(db, dialect);
    side = std::make_unique<SideTables>(db, dialect);
    join = std::make_unique<PromptJoin>(std::move(identify), joinCapacity, joinBytes);
    updateSpanPrompt = Statement(db, dialect.updateSpanPrompt());
    if (!rollups->valid() || !fold->valid() || !side->valid() || !updateSpanPrompt.valid()) {
        *error = std::string("cannot prepare the rollup statements: ") + sqlite3_errmsg(db);
        return false;
    }
    return true;
}

int WriterState::insertRows(const std::vector<const IngestBatch*>& batches, const std::vector<SpanRef>& spans)
{
    std::vector<std::vector<int64_t>> resourceIds(batches.size());
    int rc = SQLITE_OK;
    for (size_t b = 0; b < batches.size() && rc == SQLITE_OK; ++b) {
        const IngestBatch& batch = *batches[b];
        rc = inserter->resolveResources(batch, &resourceIds[b]);
        if (rc == SQLITE_OK)
            rc = inserter->insertLogs(batch, resourceIds[b]);
        if (rc == SQLITE_OK)
            rc = inserter->insertPoints(batch, resourceIds[b]);
        // Content first, so a span in this same commit already finds it.
        for (const LogRow& log : batch.logs)
            join->noteContent(log.traceId, log.spanId, log.promptSystem, log.promptUser);
    }
    if (rc != SQLITE_OK)
        return rc;

    // Prompts decided by content that arrived before its span.
    std::vector<BatchInserter::PromptOverride> overrides;
    std::vector<PromptIdentity> identities;
    std::vector<int> overrideOf(spans.size(), -1);
    std::vector<BatchInserter::SpanToInsert> rows;
    rows.reserve(spans.size());
    for (size_t i = 0; i < spans.size(); ++i) {
        const SpanRecord* span = spans[i].span;
        if (auto identity = join->contentFor(*span); identity && !identity->fingerprint.empty()) {
            overrideOf[i] = static_cast<int>(overrides.size());
            overrides.push_back({ identity->fingerprint, PromptSource::Content });
            identities.push_back(std::move(*identity));
        }
        const auto& ids = resourceIds[spans[i].batch];
        rows.push_back({ span, span->resourceIndex < ids.size() ? ids[span->resourceIndex] : 0, nullptr });
    }
    for (size_t i = 0; i < rows.size(); ++i)
        if (overrideOf[i] >= 0)
            rows[i].prompt = &overrides[static_cast<size_t>(overrideOf[i])];

    std::vector<SpanFacts> facts;
    facts.reserve(spans.size());
    if ((rc = inserter->insertSpans(rows, &facts)) != SQLITE_OK)
        return rc;
    for (size_t i = 0; i < facts.size(); ++i) {
        const SpanRecord& span = *spans[i].span;
        const SpanFacts& f = facts[i];
        if (maintainRollups)
            rollups->addSpan(f);
        side->addSpan(f);
        if (overrideOf[i] >= 0) {
            const PromptIdentity& id = identities[static_cast<size_t>(overrideOf[i])];
            side->addPrompt(f.promptId, PromptSource::Content, f.startNs, id.label, id.example);
            join->rememberSpan(span, f, id.fingerprint);
        } else {
            side->addPrompt(f.promptId, span.promptSource, f.startNs, span.promptLabel, span.promptExample);
            join->rememberSpan(span, f, span.promptFingerprint);
        }
    }
    if ((rc = applyLateContent()) != SQLITE_OK)
        return rc;
    if (maintainRollups && (rc = rollups->flush()) != SQLITE_OK)
        return rc;
    return side->flush();
}

int WriterState::applyLateContent()
{
    for (const PromptJoin::Move& move : join->takeMoves()) {
        int rc = SQLITE_OK;
        const int64_t promptId = inserter->dictionaryId(DictKind::PromptFingerprint, move.identity.fingerprint, &rc);
        if (rc != SQLITE_OK)
            return rc;
        sqlite3_stmt* s = updateSpanPrompt.get();
        sqlite3_bind_int64(s, 1, promptId);
        sqlite3_bind_int(s, 2, move.facts.flags | (static_cast<int>(PromptSource::Content) << kPromptSourceShift));
        sqlite3_bind_int64(s, 3, move.facts.rowId);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return rc;
        if (maintainRollups)
            rollups->movePrompt(move.facts, promptId);
        side->addPrompt(
            promptId, PromptSource::Content, move.facts.startNs, move.identity.label, move.identity.example);
        join->moved(move, promptId);
    }
    return SQLITE_OK;
}

void WriterState::committed()
{
    inserter->transactionCommitted();
}

void WriterState::preloadDedupWindow()
{
    Statement recent(connection.handle(),
        "SELECT trace_id, span_id FROM spans WHERE id > (SELECT COALESCE(MAX(id), 0) FROM spans) - "
            + std::to_string(dedup->capacity()) + " ORDER BY id");
    if (!recent.valid())
        return;
    while (sqlite3_step(recent.get()) == SQLITE_ROW) {
        if (sqlite3_column_bytes(recent.get(), 0) != 16 || sqlite3_column_bytes(recent.get(), 1) != 8)
            continue;
        TraceId trace;
        SpanId span;
        std::memcpy(trace.data(), sqlite3_column_blob(recent.get(), 0), 16);
        std::memcpy(span.data(), sqlite3_column_blob(recent.get(), 1), 8);
        dedup->insert(trace, span);
    }
}

bool WriterState::refreshGrainBounds(int64_t nowNs, const RetentionOptions& retention, std::string* error)
{
    const bool retentionRuns = retention.intervalSeconds > 0;
    const std::optional<RollupGrainBounds> bounds = readGrainBounds(connection.handle(), dialect,
        minuteRowCutoffHour(minuteOf(nowNs), retention.minuteRollupDays), retentionRuns, error);
    if (!bounds)
        return false;
    if (retentionRuns && bounds->minuteRowsFrom > recordedMinuteCutoff) {
        // Outside any transaction: one small write, at most once an hour.
        Statement note(connection.handle(), dialect.noteMinuteRowsPrunedBefore());
        if (!note.valid() || sqlite3_bind_int64(note.get(), 1, bounds->minuteRowsFrom) != SQLITE_OK
            || sqlite3_step(note.get()) != SQLITE_DONE) {
            *error = std::string("recording the minute-row cutoff failed: ") + sqlite3_errmsg(connection.handle());
            return false;
        }
        recordedMinuteCutoff = bounds->minuteRowsFrom;
    }
    rollups->setGrainBounds(*bounds);
    return true;
}

bool WriterState::foldStep(int64_t nowNs, int64_t* hoursFolded, std::string* error)
{
    if (connection.exec(dialect.beginWrite(), error) != SQLITE_OK)
        return false;
    bool more = false;
    int64_t folded = 0;
    const int rc = fold->step(minuteOf(nowNs), &more, &folded);
    if (rc != SQLITE_OK) {
        *error = std::string("folding rollup rows failed: ") + fold->lastError() + " (" + sqlite3_errstr(rc) + ")";
        connection.exec("ROLLBACK");
        return false;
    }
    if (connection.exec("COMMIT", error) != SQLITE_OK) {
        connection.exec("ROLLBACK");
        fold->abandon();
        return false;
    }
    *hoursFolded += folded;
    return more;
}

void WriterState::rolledBack()
{
    inserter->transactionRolledBack();
    rollups->clear();
    side->clear();
    join->reset();
}

} // namespace spanlight
