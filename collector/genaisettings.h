#pragma once

#include <memory>
#include <string>
#include <vector>

namespace spanlight {

class PriceTable;

/// How spans are read as GenAI calls: one struct, filled from the configuration
/// (genai/* keys) and handed to the converters with the limits.
struct GenAiSettings
{
    /// Keep one example prompt text per fingerprint. Off by default: prompts may
    /// hold personal data. Fingerprints are computed either way.
    bool captureContent = false;
    /// Resource, then span attributes that name the tenant, first present wins
    /// (genai/FACTS.md "tenant"); an authenticated ingest key overrides them.
    std::vector<std::string> tenantKeys { "tenant.id", "tenant", "customer.id", "openinference.project.name" };
    /// Prices for cost; null leaves every span with usage flagged unpriced.
    std::shared_ptr<const PriceTable> prices;
};

} // namespace spanlight
