#include "spendtablemodel.h"

#include "spendformat.h"

#include <QLocale>
#include <QSettings>
#include <cmath>
#include <map>

namespace spanlight {

namespace {

QString settingsKey(const QString& tenant)
{
    return QStringLiteral("budgets/") + tenant;
}

int64_t tokenSum(const SpendTotals& t, int column)
{
    switch (column) {
    case SpendTableModel::InputTokens:
        return t.inputTokens;
    case SpendTableModel::OutputTokens:
        return t.outputTokens;
    case SpendTableModel::CacheTokens:
        return t.cacheReadTokens + t.cacheWriteTokens;
    case SpendTableModel::ReasoningTokens:
        return t.reasoningTokens;
    default:
        return t.requests;
    }
}

} // namespace

std::optional<double> SpendTableModel::budgetOf(const QString& tenant)
{
    bool ok = false;
    const double usd = QSettings().value(settingsKey(tenant)).toDouble(&ok);
    return ok && usd > 0 ? std::optional<double>(usd) : std::nullopt;
}

void SpendTableModel::setBudgetOf(const QString& tenant, std::optional<double> usd)
{
    QSettings settings;
    if (usd && *usd > 0)
        settings.setValue(settingsKey(tenant), *usd);
    else
        settings.remove(settingsKey(tenant));
}

void SpendTableModel::update(const SpendReport& report)
{
    std::map<std::string, SpendTotals> previous, month;
    for (const SpendSeries& s : report.previous.byTenant)
        previous[s.name] = s.total;
    for (const SpendSeries& s : report.monthToDate.byTenant)
        month[s.name] = s.total;
    std::map<std::string, std::string> topModels;
    for (const TenantModelSpend& top : topModelPerTenant(report.tenantModels.rows))
        topModels[top.tenant] = top.model;

    std::vector<Row> rows;
    for (const SpendSeries& s : report.current.byTenant) {
        Row row;
        row.tenant = QString::fromStdString(s.name);
        row.total = s.total;
        if (auto it = previous.find(s.name); it != previous.end())
            row.previous = it->second;
        if (auto it = month.find(s.name); it != month.end())
            row.monthToDate = it->second;
        if (auto it = topModels.find(s.name); it != topModels.end())
            row.topModel = QString::fromStdString(it->second);
        row.budget = budgetOf(row.tenant);
        rows.push_back(std::move(row));
    }
    m_grandNanoUsd = report.current.grand.costNanoUsd;
    m_monthElapsed = std::clamp(report.monthElapsed, 1e-6, 1.0);

    // Same tenants in the same order (the usual live refresh): change cells in
    // place, so a selection or an open budget editor survives.
    bool sameRows = rows.size() == m_rows.size();
    for (size_t i = 0; sameRows && i < rows.size(); ++i)
        sameRows = rows[i].tenant == m_rows[i].tenant;
    if (sameRows) {
        m_rows = std::move(rows);
        if (!m_rows.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int SpendTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SpendTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::optional<int64_t> SpendTableModel::projectedNanoUsd(const Row& row) const
{
    if (!row.monthToDate)
        return std::nullopt;
    return static_cast<int64_t>(std::llround(double(row.monthToDate->costNanoUsd) / m_monthElapsed));
}

QVariant SpendTableModel::display(const Row& row, int column) const
{
    switch (column) {
    case Tenant:
        return row.tenant;
    case Spend:
        return formatSpend(row.total);
    case Share:
        return QString(QLocale().toString(raw(row, Share).toDouble(), 'f', 1) + QLatin1Char('%'));
    case Change:
        return formatChange(row.total, row.previous);
    case TopModel:
        return row.topModel;
    case Budget:
        return row.budget ? formatUsd(static_cast<int64_t>(std::llround(*row.budget * 1e9))) : QString();
    case Projection: {
        const std::optional<int64_t> projected = projectedNanoUsd(row);
        if (!projected)
            return QStringLiteral("—");
        QString text = (row.monthToDate->unpricedRequests ? QStringLiteral("≥ ") : QString()) + formatUsd(*projected);
        if (row.budget) {
            const double percent = double(*projected) / (*row.budget * 1e9) * 100.0;
            text += QStringLiteral(" (") + QLocale().toString(percent, 'f', 0) + QStringLiteral("%)");
            if (percent > 100)
                text += QStringLiteral(" ⚠");
        }
        return text;
    }
    default:
        return formatCount(tokenSum(row.total, column));
    }
}

QVariant SpendTableModel::raw(const Row& row, int column) const
{
    switch (column) {
    case Tenant:
        return row.tenant;
    case Spend:
        return qlonglong(row.total.costNanoUsd);
    case Share:
        return m_grandNanoUsd > 0 ? double(row.total.costNanoUsd) / double(m_grandNanoUsd) * 100.0 : 0.0;
    case Change: {
        const std::optional<double> ratio = changeRatio(row.total, row.previous);
        return ratio ? QVariant(*ratio) : QVariant();
    }
    case TopModel:
        return row.topModel;
    case Budget:
        return row.budget ? QVariant(*row.budget) : QVariant();
    case Projection: {
        const std::optional<int64_t> projected = projectedNanoUsd(row);
        return projected ? QVariant(qlonglong(*projected)) : QVariant();
    }
    default:
        return qlonglong(tokenSum(row.total, column));
    }
}

QVariant SpendTableModel::toolTip(const Row& row, int column) const
{
    switch (column) {
    case Spend:
        if (row.total.unpricedRequests > 0)
            return tr("%1 requests used models without a price row: their cost is unknown, so the spend shown "
                      "is a lower bound.")
                .arg(formatCount(row.total.unpricedRequests));
        return row.total.clientCostRequests > 0
            ? tr("%1 requests carry the cost their client reported.").arg(formatCount(row.total.clientCostRequests))
            : QVariant();
    case Change:
        return row.previous ? tr("Previous period (same length, just before): %1").arg(formatSpend(*row.previous))
                            : tr("Nothing was spent in the previous period of the same length.");
    case CacheTokens:
        return tr("Cache read %1, cache write %2")
            .arg(formatCount(row.total.cacheReadTokens), formatCount(row.total.cacheWriteTokens));
    case Budget:
        return tr("Monthly budget in USD; double-click to edit, clear to remove.");
    case Projection:
        if (!row.monthToDate)
            return tr("Nothing spent this month (UTC) so far.");
        return tr("Linear projection: month-to-date spend %1 (UTC calendar month) divided by the %2% of the month "
                  "that has elapsed; assumes the rest of the month spends at the same average rate.")
            .arg(formatSpend(*row.monthToDate), QLocale().toString(m_monthElapsed * 100.0, 'f', 1));
    default:
        return QVariant();
    }
}

QVariant SpendTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::EditRole:
        return index.column() == Budget ? (row.budget ? QVariant(*row.budget) : QVariant(QString()))
                                        : display(row, index.column());
    case RawValueRole:
        return raw(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
    case Qt::TextAlignmentRole:
        return index.column() == Tenant || index.column() == TopModel
            ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
            : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    default:
        return {};
    }
}

QVariant SpendTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        const QString titles[] = { tr("Tenant"), tr("Spend"), tr("Share"), tr("vs previous"), tr("Requests"),
            tr("Input tok."), tr("Output tok."), tr("Cache tok."), tr("Reasoning"), tr("Top model"), tr("Budget/mo."),
            tr("Month-end est.") };
        return titles[section];
    }
    if (role != Qt::ToolTipRole)
        return {};
    switch (section) {
    case Change:
        return tr("Change against the preceding range of the same length.");
    case CacheTokens:
        return tr("Cache read + cache write tokens");
    case ReasoningTokens:
        return tr("Reasoning tokens (current OTel counts them inside the output tokens too)");
    case TopModel:
        return tr("The model this tenant spent most on in the range");
    case Budget:
        return tr("Monthly budget in USD: double-click a cell to edit, clear it to remove.");
    case Projection:
        return tr("Month-to-date spend extrapolated linearly by the elapsed share of the UTC month.");
    default:
        return {};
    }
}

Qt::ItemFlags SpendTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Budget)
        f |= Qt::ItemIsEditable;
    return f;
}

bool SpendTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.column() != Budget)
        return false;
    QString text = value.toString().trimmed();
    text.remove(QLatin1Char('$'));
    std::optional<double> budget;
    if (!text.isEmpty()) {
        bool ok = false;
        double usd = QLocale().toDouble(text, &ok);
        if (!ok)
            usd = text.toDouble(&ok); // "1500.50" also where the locale writes "1500,50"
        if (!ok || usd < 0 || !std::isfinite(usd))
            return false;
        if (usd > 0)
            budget = usd;
    }
    Row& row = m_rows[static_cast<size_t>(index.row())];
    row.budget = budget;
    setBudgetOf(row.tenant, budget);
    emit dataChanged(this->index(index.row(), Budget), this->index(index.row(), Projection));
    return true;
}

} // namespace spanlight
