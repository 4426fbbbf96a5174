#pragma once

#include "records.h"
#include "sqldialect.h"
#include "sqliteconnection.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace spanlight {

/// The first 8 bytes of a trace id as the signed integer key of trace_index.
int64_t traceKey(const TraceId& id);

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
    struct SpanToInsert
    {
        const SpanRecord* span;
        int64_t resourceId;
    };
    int insertSpans(const std::vector<SpanToInsert>& spans);
    int insertLogs(const IngestBatch& batch, const std::vector<int64_t>& resourceIds);
    int insertPoints(const IngestBatch& batch, const std::vector<int64_t>& resourceIds);
    /// Maps a batch's encoded resources to resource ids, storing unseen ones.
    int resolveResources(const IngestBatch& batch, std::vector<int64_t>* ids);

    void transactionCommitted();
    void transactionRolledBack();
    std::string lastError() const;

private:
    int64_t dictionaryId(DictKind kind, const std::string& value, int* rc);

    struct DictKey
    {
        int kind;
        std::string value;
        bool operator==(const DictKey&) const = default;
    };
    struct DictKeyHash
    {
        size_t operator()(const DictKey& k) const { return std::hash<std::string>()(k.value) * 31 + k.kind; }
    };

    sqlite3* m_db;
    bool m_valid = false;
    Statement m_span, m_traceIndex, m_log, m_point, m_dict, m_resource;
    std::unordered_map<DictKey, int64_t, DictKeyHash> m_dictionary;
    std::unordered_map<uint64_t, int64_t> m_resources; // content hash -> id
    std::vector<DictKey> m_newDictEntries;
    std::vector<uint64_t> m_newResources;
    int64_t m_nextSpanId = 1;
    int64_t m_spanIdAtBegin = 1;
};

} // namespace spanlight
