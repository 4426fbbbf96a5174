#pragma once

#include "records.h"

#include <QString>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace spanlight {

/// Token sums of one rollup row, for re-pricing history whose raw spans are gone.
struct TokenSums
{
    int64_t requests = 0, input = 0, output = 0, cacheRead = 0, cacheWrite = 0, reasoning = 0;
};

/// Recomputes stored costs after the price table changed (`spanlight reprice`).
/// Raw spans within retention are priced again one by one, exactly as at
/// ingest; older history exists only as rollup_spend rows and is priced from
/// their token sums (docs/rollups.md says what that cannot reproduce: tiers,
/// per-request conventions, rows mixing client-reported costs).
struct RepriceRequest
{
    QString databasePath;
    int64_t sinceNs = 0;
    /// Prices one span in place: sets costNanoUsd, priceRowId and kFlagUnpriced
    /// from provider, models, tokens, flags and start time.
    std::function<void(SpanRecord&)> priceSpan;
    /// Cost of a rollup row's token sums for \a model at \a atNs; nullopt: unpriced.
    std::function<std::optional<int64_t>(const std::string& model, int64_t atNs, const TokenSums&)> priceSums;
    std::function<void(int64_t done, int64_t total)> progress; ///< may be null
};

struct RepriceResult
{
    struct TenantChange
    {
        int64_t beforeNanoUsd = 0;
        int64_t afterNanoUsd = 0;
        int64_t spansChanged = 0;
        int64_t rollupRowsChanged = 0;
    };
    std::map<std::string, TenantChange> byTenant;
    int64_t spansExamined = 0;
    int64_t rawHorizonNs = 0; ///< raw spans start here; older history was re-priced from rollups
    std::string error;
};

RepriceResult reprice(const RepriceRequest& request);

} // namespace spanlight
