#include "promptlookup.h"

#include "querysql.h"
#include "sqldialect.h"

namespace spanlight {

PromptLookupResult queryPromptFingerprints(sqlite3* db, const std::string& text)
{
    PromptLookupResult result;
    ReadSnapshot snapshot(db);
    // One dict/prompts row per prompt (thousands, not millions): a scan is cheap.
    // A prompt without a prompts row is named by its fingerprint, as NameCache does.
    SqlQuery q(db,
        "SELECT d.value FROM dict d LEFT JOIN prompts p ON p.prompt_fp_id = d.id"
        " WHERE d.kind = ? AND (p.label = ? OR d.value = ?) ORDER BY p.last_seen_ns DESC LIMIT 16",
        result);
    q.bind(1, static_cast<int64_t>(DictKind::PromptFingerprint)).bindText(2, text).bindText(3, text);
    while (q.next())
        result.fingerprints.push_back(q.text(0));
    return result;
}

} // namespace spanlight
