#include "pricetable.h"

#include "pricematch.h"
#include "priceparse.h"

#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>
#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace spanlight {

namespace {

constexpr qint64 kMaxUserFileBytes = 16 << 20;
constexpr qsizetype kMaxReportedErrors = 20;

bool isBlank(std::string_view text)
{
    return std::all_of(
        text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string joinErrors(const QStringList& errors)
{
    QStringList shown = errors.mid(0, kMaxReportedErrors);
    if (errors.size() > kMaxReportedErrors)
        shown << u"... and "_s + QString::number(errors.size() - kMaxReportedErrors) + u" more"_s;
    return shown.join(u'\n').toStdString();
}

} // namespace

/// Everything match() needs, built once per table: one compiled regex per
/// (source, provider, pattern), in the order they are tried.
struct PriceTable::Compiled
{
    struct Group
    {
        bool user = false;
        std::string provider;
        std::string literalPrefix;
        QRegularExpression regex;
        std::vector<int> newestFirst; ///< indices into m_rows
    };
    std::vector<Group> groups; ///< user rows first, then built-in; within each, most specific first
    std::vector<int64_t> boundaries; ///< distinct effective dates, ascending
    std::unordered_map<int64_t, int> byId;
    mutable pricing::MatchCache cache;

    int lookup(
        const std::vector<PriceRow>& rows, std::string_view provider, std::string_view model, int64_t atNs) const;
};

std::shared_ptr<const PriceTable::Compiled> PriceTable::compile(const std::vector<PriceRow>& rows)
{
    auto compiled = std::make_shared<Compiled>();
    struct Ranked
    {
        Compiled::Group group;
        pricing::PatternShape shape;
        size_t firstSeen = 0;
    };
    std::vector<Ranked> ranked;
    std::map<std::tuple<bool, std::string, std::string>, size_t> index;
    for (size_t i = 0; i < rows.size(); ++i) {
        const PriceRow& row = rows[i];
        const auto [it, added] = index.emplace(std::tuple { row.userRow, row.provider, row.pattern }, ranked.size());
        if (added) {
            Ranked r;
            r.group.user = row.userRow;
            r.group.provider = row.provider;
            r.shape = pricing::patternShape(row.pattern);
            r.group.literalPrefix = r.shape.literalPrefix;
            r.group.regex = QRegularExpression(QRegularExpression::anchoredPattern(QString::fromStdString(row.pattern)),
                QRegularExpression::CaseInsensitiveOption | QRegularExpression::DontCaptureOption);
            // Compile (and JIT) now, on the loading thread, not on the first span.
            r.group.regex.optimize();
            r.firstSeen = i;
            ranked.push_back(std::move(r));
        }
        ranked[it->second].group.newestFirst.push_back(static_cast<int>(i));
        compiled->boundaries.push_back(row.effectiveFromNs);
        compiled->byId.emplace(row.id, static_cast<int>(i)); // first wins: a user row over an equal built-in one
    }
    // Specificity: user rows first; then the longer literal prefix ("gpt-4o-mini" before "gpt-4o.*"),
    // more literal characters, a named provider over any provider; then file order.
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        const auto key = [](const Ranked& r) {
            return std::tuple { r.group.user, r.shape.literalPrefix.size(), r.shape.literalChars,
                !r.group.provider.empty() };
        };
        if (key(a) != key(b))
            return key(a) > key(b);
        return a.firstSeen < b.firstSeen;
    });
    for (Ranked& r : ranked) {
        std::sort(r.group.newestFirst.begin(), r.group.newestFirst.end(),
            [&](int a, int b) { return rows[a].effectiveFromNs > rows[b].effectiveFromNs; });
        compiled->groups.push_back(std::move(r.group));
    }
    auto& bounds = compiled->boundaries;
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    return compiled;
}

int PriceTable::Compiled::lookup(
    const std::vector<PriceRow>& rows, std::string_view provider, std::string_view model, int64_t atNs) const
{
    const auto candidates = pricing::modelCandidates(model);
    std::vector<QString> names;
    names.reserve(candidates.size());
    for (const auto& candidate : candidates)
        names.push_back(QString::fromStdString(candidate.name));
    const std::string spanProvider = pricing::canonicalProvider(provider);
    // User rows win over built-in ones even when only a built-in row matches the name as given.
    for (const bool userPass : { true, false }) {
        for (size_t c = 0; c < candidates.size(); ++c) {
            const auto& candidate = candidates[c];
            for (const Group& group : groups) {
                if (group.user != userPass)
                    continue;
                if (!group.provider.empty() && group.provider != spanProvider
                    && group.provider != candidate.providerHint)
                    continue;
                // Cheap pre-check: most patterns fail on their first characters.
                if (!std::string_view(candidate.lower).starts_with(group.literalPrefix))
                    continue;
                if (!group.regex.match(names[c]).hasMatch())
                    continue;
                for (const int i : group.newestFirst) {
                    if (rows[i].effectiveFromNs <= atNs)
                        return i;
                }
                // Priced only from a later date: a less specific pattern may still apply.
            }
        }
    }
    return -1;
}

std::shared_ptr<const PriceTable> PriceTable::load(const std::string& userFile, std::string* error)
{
    std::string userJson;
    if (!userFile.empty()) {
        QFile file(QString::fromStdString(userFile));
        if (file.exists()) {
            if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxUserFileBytes) {
                if (error)
                    *error = "user price file " + userFile + ": cannot read it, or it is larger than 16 MiB";
                return nullptr;
            }
            userJson = file.readAll().toStdString();
        }
    }
    return build(builtinJson(), userJson, "user price file " + userFile, error);
}

std::shared_ptr<const PriceTable> PriceTable::fromJson(
    std::string_view builtinJson, std::string_view userJson, std::string* error)
{
    return build(builtinJson, userJson, "user price file", error);
}

std::shared_ptr<const PriceTable> PriceTable::build(
    std::string_view builtinJson, std::string_view userJson, const std::string& userLabel, std::string* error)
{
    QStringList errors;
    std::vector<PriceRow> userRows;
    std::vector<PriceRow> builtinRows;
    // A blank file is a user who created it and has not written rows yet, not a broken one.
    if (!isBlank(userJson))
        pricing::parsePriceFile(userJson, QString::fromStdString(userLabel), true, userRows, errors);
    pricing::parsePriceFile(builtinJson, u"built-in price table"_s, false, builtinRows, errors);
    if (!errors.isEmpty()) {
        if (error)
            *error = joinErrors(errors);
        return nullptr;
    }
    auto table = std::make_shared<PriceTable>();
    table->m_rows = std::move(userRows);
    table->m_rows.insert(
        table->m_rows.end(), std::make_move_iterator(builtinRows.begin()), std::make_move_iterator(builtinRows.end()));
    table->m_compiled = compile(table->m_rows);
    if (error)
        error->clear();
    return table;
}

std::string PriceTable::defaultUserFile()
{
    // $XDG_CONFIG_HOME, else ~/.config, on Linux.
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return QString(dir + u"/spanlight/pricing.json"_s).toStdString();
}

const PriceRow* PriceTable::match(std::string_view provider, std::string_view model, int64_t atNs) const
{
    if (!m_compiled || model.empty())
        return nullptr;
    const Compiled& compiled = *m_compiled;
    // Only which effective dates have passed matters, so spans of any time between two price
    // changes share one cache entry (an "epoch") instead of one per day.
    const auto& bounds = compiled.boundaries;
    const auto epoch = static_cast<uint32_t>(std::upper_bound(bounds.begin(), bounds.end(), atNs) - bounds.begin());
    const auto providerSize = static_cast<uint32_t>(provider.size());
    thread_local std::string key; // reused: no allocation per span once warm
    key.clear();
    key.append(reinterpret_cast<const char*>(&epoch), sizeof epoch);
    key.append(reinterpret_cast<const char*>(&providerSize), sizeof providerSize);
    key.append(provider);
    key.append(model);
    int index = compiled.cache.find(key);
    if (index == pricing::MatchCache::kNotCached) {
        index = compiled.lookup(m_rows, provider, model, atNs);
        compiled.cache.insert(key, index);
    }
    return index < 0 ? nullptr : &m_rows[static_cast<size_t>(index)];
}

const PriceRow* PriceTable::row(int64_t id) const
{
    if (!m_compiled)
        return nullptr;
    const auto it = m_compiled->byId.find(id);
    return it == m_compiled->byId.end() ? nullptr : &m_rows[static_cast<size_t>(it->second)];
}

} // namespace spanlight
