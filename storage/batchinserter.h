#pragma once

#include "records.h"
#include "rollupaccumulator.h"
#include "sqldialect.h"
#include "sqliteconnection.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace spanlight {

/// The first 8 bytes of a trace id as the signed integer key of trace_index.
int64_t traceKey(const TraceId& id);
/// trace_index is partitioned by span rowid range, so inserts touch only the
/// current bucket's small, cache-resident part of the B-tree (a trace-id-first
/// key alone sends every row to a random page of an ever-growing tree).
constexpr int64_t traceIndexBucket(int64_t spanRowId)
{
    return spanRowId >> 20;
}

/// Dictionary and resource ids handed out while a tenant purge runs: rows
/// written meanwhile refer to them, so the purge must not delete them.
struct ReferencedIds
{
    std::unordered_set<int64_t> dictIds;
    std::unordered_set<int64_t> resourceIds;
};

/// Writes rows inside the writer's open transaction with prepared statements.
/// Owns the in-memory dictionary and resource caches; entries created in a
/// transaction that rolls back are forgotten again, so the caches never point at
/// ids that do not exist.
class BatchInserter
{
public:
    BatchInserter(sqlite3* db, const SqlDialect& dialect);

    bool valid() const { return m_valid; }
    /// Loads the dictionaries and next ids; call once after opening.
    bool load(std::string* error);

    /// Inserts spans in the given order; the caller sorts them by trace so each
    /// trace's spans form one rowid run, and one trace_index row covers the run.
    /// A prompt decided in the writer (content logs that arrived first) that
    /// replaces the span's own fallback fingerprint.
    struct PromptOverride
    {
        std::string fingerprint;
        PromptSource source = PromptSource::None;
    };
    struct SpanToInsert
    {
        const SpanRecord* span;
        int64_t resourceId;
        const PromptOverride* prompt = nullptr;
    };
    /// Appends one SpanFacts per inserted span to \a facts.
    int insertSpans(const std::vector<SpanToInsert>& spans, std::vector<SpanFacts>* facts);
    int insertLogs(const IngestBatch& batch, const std::vector<int64_t>& resourceIds);
    int insertPoints(const IngestBatch& batch, const std::vector<int64_t>& resourceIds);
    /// Maps a batch's encoded resources to resource ids, storing unseen ones.
    int resolveResources(const IngestBatch& batch, std::vector<int64_t>* ids);

    /// The dictionary id of \a value, creating it inside the transaction; 0 for "".
    int64_t dictionaryId(DictKind kind, const std::string& value, int* rc);

    void transactionCommitted();
    void transactionRolledBack();
    std::string lastError() const;

    /// While attached, every dictionary and resource id handed out is added to \a ids.
    void attachReferencedIds(std::shared_ptr<ReferencedIds> ids);
    void detachReferencedIds(const ReferencedIds* ids);
    /// Forgets a cached entry a purge deleted or retired: the next row that
    /// needs it creates it again.
    void forgetDictionaryEntry(int kind, const std::string& value);
    void forgetResource(int64_t id);

private:
    struct StringHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    using Dictionary = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

    sqlite3* m_db;
    bool m_valid = false;
    Statement m_span, m_traceIndex, m_log, m_logIndex, m_point, m_dict, m_resource;
    static constexpr int kDictKinds = 16;
    Dictionary m_dictionary[kDictKinds]; // one per DictKind, looked up without copying the key
    std::unordered_map<uint64_t, int64_t> m_resources; // content hash -> id
    std::vector<std::pair<int, std::string>> m_newDictEntries;
    std::vector<uint64_t> m_newResources;
    int64_t m_nextSpanId = 1;
    int64_t m_spanIdAtBegin = 1;
    std::vector<std::shared_ptr<ReferencedIds>> m_referenced; // empty unless a purge runs
};

} // namespace spanlight
