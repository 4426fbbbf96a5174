#pragma once

#include "querytypes.h"
#include "spanfilter.h"
#include "spanquery.h"

#include <vector>

struct sqlite3;

namespace spanlight {

/// Spans that start in [range), newest stored first, with the console's
/// global filters and a parsed span filter, one keyset page at a time.
struct SpanSearchQuery
{
    TimeRange range;
    QueryFilters filters; ///< the console's global filters
    SpanFilter filter; ///< parseSpanFilter() of the filter line
    int limit = 200;
    int64_t cursor = 0; ///< 0: the newest spans; else the nextCursor of the previous page
    int64_t newerThan = 0; ///< > 0: only spans stored after this rowid (live refresh)
    /// Rowids a page may scan at most: a rare filter over a long range returns
    /// a short page (scanCapped) instead of reading the whole range at once.
    int64_t maxScannedRows = 100'000;
};

struct SpanSearchResult : QueryStatus
{
    std::vector<SpanSummary> spans; ///< by descending rowid
    int64_t nextCursor = 0; ///< 0: nothing older matches; else pass as cursor for the next page
    /// The scan budget ran out before the page filled: older spans were not
    /// looked at yet, nextCursor continues there.
    bool scanCapped = false;
    int64_t scannedRows = 0; ///< rowids this page's scan covered
    int64_t scannedBackToNs = 0; ///< start of the oldest stored span the scan reached (0: none)
    int64_t newestRowId = 0; ///< the newest rowid of the range when the query ran
};

/// Raw spans through span_minutes rowid ranges; the keyset cursor is a rowid,
/// so no span appears on two pages. Names in the span filter resolve through
/// the dictionaries first, so a value never stored costs no scan at all.
SpanSearchResult querySpanSearch(sqlite3* db, const SpanSearchQuery& query, const QueryControl& control = {});

} // namespace spanlight
