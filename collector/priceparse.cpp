#include "priceparse.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>
#include <tuple>

using namespace Qt::StringLiterals;

namespace spanlight::pricing {

namespace {

constexpr int64_t kNsPerDay = 86'400'000'000'000;
constexpr qint64 kJulianDayOfEpoch = 2'440'588; // 1970-01-01
// Above any real list price; catches a price typed per token or per 1k tokens.
constexpr double kMaxPricePerM = 100'000;

/// Collects the problems of one file, each naming where it is.
class Problems
{
public:
    Problems(QString label, QStringList& errors)
        : m_label(std::move(label))
        , m_errors(errors)
    {
    }
    void add(const QString& where, const QString& what) { m_errors << m_label + u": "_s + where + u": "_s + what; }
    qsizetype count() const { return m_errors.size(); }

private:
    QString m_label;
    QStringList& m_errors;
};

bool isCommentKey(const QString& key)
{
    return key == u"comment"_s || key.startsWith(u'_');
}

/// Unknown keys are errors: a misspelt "cache_reads" would otherwise price cached tokens as input, silently.
void checkKeys(
    const QJsonObject& object, std::initializer_list<const char16_t*> known, const QString& where, Problems& problems)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString& key = it.key();
        const bool ok = isCommentKey(key)
            || std::any_of(known.begin(), known.end(), [&](const char16_t* k) { return key == QStringView(k); });
        if (!ok)
            problems.add(where, u"unknown field \""_s + key + u'"');
    }
}

/// A price in USD per 1M tokens: finite, >= 0, and exact in micro-USD (the unit costs are computed in).
std::optional<double> readPrice(
    const QJsonObject& object, const QString& key, bool required, const QString& where, Problems& problems)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        if (required)
            problems.add(where, u"missing \""_s + key + u"\" (USD per 1M tokens)"_s);
        return std::nullopt;
    }
    const double price = value.toDouble(-1);
    if (!value.isDouble() || !std::isfinite(price) || price < 0 || price > kMaxPricePerM) {
        problems.add(where + u'.' + key, u"expected a number of USD per 1M tokens, 0 to 100000"_s);
        return std::nullopt;
    }
    const double micro = price * 1e6;
    if (std::fabs(micro - std::round(micro)) > 1e-3) {
        problems.add(where + u'.' + key, u"more precise than 0.000001 USD per 1M tokens"_s);
        return std::nullopt;
    }
    return static_cast<double>(microPerM(price)) / 1e6;
}

std::optional<int64_t> parseEffective(const QString& text)
{
    if (text.size() == 10) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid() || date.year() < 1970)
            return std::nullopt;
        return (date.toJulianDay() - kJulianDayOfEpoch) * kNsPerDay;
    }
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    // Without "Z" or an offset Qt reads local time: a price table must not depend on the machine's zone.
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime || time.toMSecsSinceEpoch() < 0)
        return std::nullopt;
    return time.toMSecsSinceEpoch() * 1'000'000;
}

QString effectiveText(int64_t ns)
{
    if (ns % kNsPerDay == 0)
        return QDate::fromJulianDay(ns / kNsPerDay + kJulianDayOfEpoch).toString(Qt::ISODate);
    const qint64 ms = ns / 1'000'000;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(ms % 1000 ? Qt::ISODateWithMs : Qt::ISODate);
}

/// The id is a hash of the canonical JSON, so it stays the same across restarts and releases
/// as long as the row's meaning does (comments and key order don't count).
int64_t rowId(const QByteArray& canonical)
{
    const QByteArray digest = QCryptographicHash::hash(canonical, QCryptographicHash::Sha256);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
        bits = (bits << 8) | static_cast<uint8_t>(digest[i]);
    const auto id = static_cast<int64_t>(bits & ((uint64_t(1) << 53) - 1)); // exact as a JSON/JS number
    return id == 0 ? 1 : id;
}

bool readTiers(const QJsonValue& value, const QString& where, PriceRow& row, QJsonArray& canonical, Problems& problems)
{
    if (!value.isArray()) {
        problems.add(where + u".tiers"_s, u"expected an array of tiers"_s);
        return false;
    }
    const QJsonArray tiers = value.toArray();
    bool ok = true;
    for (qsizetype t = 0; t < tiers.size(); ++t) {
        const QString tierWhere = where + u".tiers["_s + QString::number(t) + u']';
        if (!tiers[t].isObject()) {
            problems.add(tierWhere, u"expected an object"_s);
            ok = false;
            continue;
        }
        const QJsonObject object = tiers[t].toObject();
        const qsizetype before = problems.count();
        checkKeys(
            object, { u"above_input_tokens", u"input", u"output", u"cache_read", u"cache_write" }, tierWhere, problems);
        const double above = object.value(u"above_input_tokens"_s).toDouble(-1);
        if (!(above >= 1 && above <= 1e12 && above == std::floor(above)))
            problems.add(tierWhere + u".above_input_tokens"_s, u"expected a whole number of tokens, 1 or more"_s);
        const auto input = readPrice(object, u"input"_s, true, tierWhere, problems);
        const auto output = readPrice(object, u"output"_s, true, tierWhere, problems);
        const auto cacheRead = readPrice(object, u"cache_read"_s, false, tierWhere, problems);
        const auto cacheWrite = readPrice(object, u"cache_write"_s, false, tierWhere, problems);
        if (problems.count() != before) {
            ok = false;
            continue;
        }
        PriceRow::Tier tier { static_cast<int64_t>(above), *input, *output, cacheRead.value_or(-1),
            cacheWrite.value_or(-1) };
        for (const auto& other : row.tiers) {
            if (other.aboveInputTokens == tier.aboveInputTokens) {
                problems.add(tierWhere, u"two tiers start at the same token count"_s);
                ok = false;
            }
        }
        row.tiers.push_back(tier);
    }
    std::sort(row.tiers.begin(), row.tiers.end(),
        [](const PriceRow::Tier& a, const PriceRow::Tier& b) { return a.aboveInputTokens < b.aboveInputTokens; });
    for (const auto& tier : row.tiers) {
        QJsonObject object { { u"above_input_tokens"_s, static_cast<double>(tier.aboveInputTokens) },
            { u"input"_s, tier.inputPerM }, { u"output"_s, tier.outputPerM } };
        if (tier.cacheReadPerM >= 0)
            object.insert(u"cache_read"_s, tier.cacheReadPerM);
        if (tier.cacheWritePerM >= 0)
            object.insert(u"cache_write"_s, tier.cacheWritePerM);
        canonical.append(object);
    }
    return ok;
}

std::optional<PriceRow> readRow(const QJsonValue& value, qsizetype index, Problems& problems)
{
    QString where = u"rows["_s + QString::number(index) + u']';
    if (!value.isObject()) {
        problems.add(where, u"expected an object"_s);
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    const qsizetype before = problems.count();
    const QString pattern = object.value(u"pattern"_s).toString();
    if (!pattern.isEmpty())
        where += u" \""_s + pattern + u'"';
    checkKeys(object,
        { u"pattern", u"provider", u"effective_from", u"input", u"output", u"cache_read", u"cache_write", u"reasoning",
            u"tiers" },
        where, problems);

    PriceRow row;
    QJsonObject canonical;
    if (pattern.isEmpty()) {
        problems.add(where + u".pattern"_s, u"expected a non-empty regular expression"_s);
    } else {
        const QRegularExpression re(pattern);
        if (!re.isValid())
            problems.add(where + u".pattern"_s,
                u"not a valid regular expression: "_s + re.errorString() + u" at offset "_s
                    + QString::number(re.patternErrorOffset()));
        row.pattern = pattern.toStdString();
        canonical.insert(u"pattern"_s, pattern);
    }
    if (const QJsonValue provider = object.value(u"provider"_s); !provider.isUndefined()) {
        if (!provider.isString())
            problems.add(where + u".provider"_s, u"expected a string"_s);
        row.provider = canonicalProvider(provider.toString().toStdString());
        if (!row.provider.empty())
            canonical.insert(u"provider"_s, QString::fromStdString(row.provider));
    }
    if (const QJsonValue effective = object.value(u"effective_from"_s); !effective.isUndefined()) {
        const auto ns = parseEffective(effective.toString());
        if (!ns)
            problems.add(where + u".effective_from"_s,
                u"expected a UTC date YYYY-MM-DD or a time YYYY-MM-DDThh:mm:ssZ, not before 1970"_s);
        row.effectiveFromNs = ns.value_or(0);
        if (row.effectiveFromNs != 0)
            canonical.insert(u"effective_from"_s, effectiveText(row.effectiveFromNs));
    }
    const auto input = readPrice(object, u"input"_s, true, where, problems);
    const auto output = readPrice(object, u"output"_s, true, where, problems);
    const auto cacheRead = readPrice(object, u"cache_read"_s, false, where, problems);
    const auto cacheWrite = readPrice(object, u"cache_write"_s, false, where, problems);
    const auto reasoning = readPrice(object, u"reasoning"_s, false, where, problems);
    row.inputPerM = input.value_or(0);
    row.outputPerM = output.value_or(0);
    row.cacheReadPerM = cacheRead.value_or(-1);
    row.cacheWritePerM = cacheWrite.value_or(-1);
    row.reasoningPerM = reasoning.value_or(-1);
    canonical.insert(u"input"_s, row.inputPerM);
    canonical.insert(u"output"_s, row.outputPerM);
    for (const auto& [key, price] : { std::pair { u"cache_read"_s, row.cacheReadPerM },
             std::pair { u"cache_write"_s, row.cacheWritePerM }, std::pair { u"reasoning"_s, row.reasoningPerM } }) {
        if (price >= 0)
            canonical.insert(key, price);
    }
    if (const QJsonValue tiers = object.value(u"tiers"_s); !tiers.isUndefined()) {
        QJsonArray canonicalTiers;
        readTiers(tiers, where, row, canonicalTiers, problems);
        if (!canonicalTiers.isEmpty())
            canonical.insert(u"tiers"_s, canonicalTiers);
    }
    if (problems.count() != before)
        return std::nullopt;
    // QJsonObject keeps keys sorted, so equal rows serialise byte for byte the same.
    const QByteArray json = QJsonDocument(canonical).toJson(QJsonDocument::Compact);
    row.canonicalJson = json.toStdString();
    row.id = rowId(json);
    return row;
}

QString parseErrorWhere(std::string_view json, int offset)
{
    const auto end = std::min<size_t>(static_cast<size_t>(std::max(offset, 0)), json.size());
    const auto line = 1 + std::count(json.begin(), json.begin() + end, '\n');
    const auto lineStart = json.rfind('\n', end == 0 ? 0 : end - 1);
    const size_t column = lineStart == std::string_view::npos || end == 0 ? end + 1 : end - lineStart;
    return u"offset "_s + QString::number(offset) + u" (line "_s + QString::number(line) + u", column "_s
        + QString::number(column) + u')';
}

} // namespace

int64_t microPerM(double usdPerM)
{
    return std::llround(usdPerM * 1e6);
}

std::string canonicalProvider(std::string_view provider)
{
    std::string name(provider);
    std::transform(name.begin(), name.end(), name.begin(),
        [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    static const std::map<std::string, std::string, std::less<>> aliases {
        { "amazon_bedrock", "aws.bedrock" },
        { "aws_bedrock", "aws.bedrock" },
        { "az.ai.inference", "azure.ai.inference" },
        { "az.ai.openai", "azure.ai.openai" },
        { "azure", "azure.ai.openai" },
        { "azure_openai", "azure.ai.openai" },
        { "bedrock", "aws.bedrock" },
        { "fireworks", "fireworks_ai" },
        { "gemini", "gcp.gemini" },
        { "google", "gcp.gemini" },
        { "mistral", "mistral_ai" },
        { "mistralai", "mistral_ai" },
        { "together", "together_ai" },
        { "togetherai", "together_ai" },
        { "vertex_ai", "gcp.vertex_ai" },
        { "vertexai", "gcp.vertex_ai" },
        { "xai", "x_ai" },
    };
    if (const auto it = aliases.find(name); it != aliases.end())
        return it->second;
    return name;
}

bool parsePriceFile(
    std::string_view json, const QString& label, bool userRows, std::vector<PriceRow>& rows, QStringList& errors)
{
    Problems problems(label, errors);
    const qsizetype before = problems.count();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problems.add(u"JSON parse error at "_s + parseErrorWhere(json, parseError.offset), parseError.errorString());
        return false;
    }
    if (!document.isObject()) {
        problems.add(u"top level"_s, u"expected an object with a \"rows\" array"_s);
        return false;
    }
    const QJsonObject top = document.object();
    checkKeys(top, { u"format", u"as_of", u"note", u"rows", u"$schema" }, u"top level"_s, problems);
    if (const QJsonValue format = top.value(u"format"_s); !format.isUndefined() && format.toDouble() != 1)
        problems.add(u"format"_s, u"this version reads format 1 only"_s);
    if (!top.value(u"rows"_s).isArray()) {
        problems.add(u"rows"_s, u"expected an array of price rows"_s);
        return false;
    }
    const QJsonArray array = top.value(u"rows"_s).toArray();
    // Two rows for the same model, provider and date would make the price depend on file order.
    std::map<std::tuple<std::string, std::string, int64_t>, qsizetype> seen;
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto row = readRow(array[i], i, problems);
        if (!row)
            continue;
        const auto [it, inserted] = seen.emplace(std::tuple { row->provider, row->pattern, row->effectiveFromNs }, i);
        if (!inserted) {
            problems.add(u"rows["_s + QString::number(i) + u']',
                u"same pattern, provider and effective_from as rows["_s + QString::number(it->second) + u']');
            continue;
        }
        row->userRow = userRows;
        rows.push_back(std::move(*row));
    }
    return problems.count() == before;
}

} // namespace spanlight::pricing
