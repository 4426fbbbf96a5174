#pragma once

// Reading one price file (docs/pricing.md) into PriceRows. Internal to pricing.

#include "pricetable.h"

#include <QString>
#include <QStringList>
#include <string_view>
#include <vector>

namespace spanlight::pricing {

/// Appends the rows of \a json to \a rows (marked as user rows when \a userRows).
/// Problems are appended to \a errors, each prefixed with \a label and naming
/// the row index and field; returns false when there was any.
bool parsePriceFile(
    std::string_view json, const QString& label, bool userRows, std::vector<PriceRow>& rows, QStringList& errors);

/// Micro-USD per 1M tokens (= nano-USD per 1,000 tokens) of a price in USD per 1M tokens.
int64_t microPerM(double usdPerM);

/// Lower-case provider name with common aliases folded onto the OpenTelemetry
/// gen_ai.provider.name value ("bedrock" → "aws.bedrock").
std::string canonicalProvider(std::string_view provider);

} // namespace spanlight::pricing
