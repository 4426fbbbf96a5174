#include "filterbar.h"

#include "consolecontext.h"
#include "customrangedialog.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QToolButton>

namespace spanlight {

namespace {

using Preset = ConsoleContext::RangePreset;

/// New names appear rarely; re-reading the dictionary more often than this buys nothing under heavy ingest.
constexpr qint64 kNamesIntervalMs = 15'000;

bool sameFilters(const QueryFilters& a, const QueryFilters& b)
{
    return a.tenant == b.tenant && a.environment == b.environment && a.service == b.service && a.model == b.model
        && a.prompt == b.prompt && a.status == b.status;
}

std::string pickerValue(const QComboBox* picker)
{
    return picker->currentText().trimmed().toStdString();
}

void setPickerValue(QComboBox* picker, const std::string& value)
{
    const QSignalBlocker block(picker);
    picker->setCurrentText(QString::fromStdString(value));
}

void setPickerItems(QComboBox* picker, const std::vector<std::string>& names)
{
    // Never pull the list from under an open popup or a half-typed name.
    if (picker->view()->isVisible() || picker->hasFocus())
        return;
    QStringList items { QString() }; // the first, empty item means "any"
    for (const std::string& name : names)
        items << QString::fromStdString(name);
    QStringList current;
    for (int i = 0; i < picker->count(); ++i)
        current << picker->itemText(i);
    if (current == items)
        return;
    const QSignalBlocker block(picker);
    const QString text = picker->currentText();
    picker->clear();
    picker->addItems(items);
    picker->setCurrentText(text);
}

} // namespace

FilterBar::FilterBar(ConsoleContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_range(new QComboBox(this))
    , m_live(new QToolButton(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);

    const std::pair<QString, Preset> presets[]
        = { { tr("15 min"), Preset::Minutes15 }, { tr("1 h"), Preset::Hour1 }, { tr("6 h"), Preset::Hours6 },
              { tr("24 h"), Preset::Hours24 }, { tr("7 d"), Preset::Days7 }, { tr("Custom…"), Preset::Custom } };
    for (const auto& [label, preset] : presets)
        m_range->addItem(label, QVariant::fromValue(static_cast<int>(preset)));
    m_range->setToolTip(tr("Time range shown by every view"));
    m_range->setAccessibleName(tr("Time range"));
    auto* rangeLabel = new QLabel(tr("&Range:"), this);
    rangeLabel->setBuddy(m_range);
    layout->addWidget(rangeLabel);
    layout->addWidget(m_range);

    m_live->setText(tr("Live"));
    m_live->setCheckable(true);
    m_live->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_live->setToolTip(tr("Follow now: the range ends at the current minute and views refresh as data arrives"));
    // Fusion's pressed look is faint in the dark palette; "live" must be obvious at a glance.
    m_live->setStyleSheet(QStringLiteral("QToolButton { padding: 2px 8px; }"
                                         "QToolButton:checked { background: palette(highlight); "
                                         "color: palette(highlighted-text); border-radius: 3px; }"));
    layout->addWidget(m_live);
    layout->addSpacing(12);

    m_tenant = addPicker(tr("All tenants"), tr("Tenant"));
    m_service = addPicker(tr("All services"), tr("Service"));
    m_model = addPicker(tr("All models"), tr("Model (request model, else response model)"));
    m_environment = addPicker(tr("All environments"), tr("Environment (deployment.environment.name)"));
    m_prompt = new QLineEdit(this);
    m_prompt->setPlaceholderText(tr("Prompt fingerprint"));
    m_prompt->setToolTip(tr("Prompt fingerprint (16 hex characters)"));
    m_prompt->setAccessibleName(tr("Prompt"));
    m_prompt->setClearButtonEnabled(true);
    m_prompt->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 12);
    layout->addWidget(m_prompt, 1);
    connect(m_prompt, &QLineEdit::editingFinished, this, &FilterBar::applyFilters);

    m_clear = new QToolButton(this);
    m_clear->setText(tr("Clear filters"));
    m_clear->setToolTip(tr("Show every tenant, service, model, environment and prompt"));
    layout->addWidget(m_clear);
    connect(m_clear, &QToolButton::clicked, this, &FilterBar::clearFilters);

    connect(m_range, &QComboBox::activated, this, &FilterBar::onRangeChosen);
    connect(m_live, &QToolButton::toggled, m_context, &ConsoleContext::setLive);
    connect(m_context, &ConsoleContext::selectionChanged, this, &FilterBar::syncFromContext);
    connect(m_context, &ConsoleContext::dataChanged, this, [this] {
        if (!m_sinceNames.isValid() || m_sinceNames.elapsed() >= kNamesIntervalMs)
            refreshNames();
    });
    syncFromContext();
    refreshNames();
}

QComboBox* FilterBar::addPicker(const QString& placeholder, const QString& tip)
{
    auto* picker = new QComboBox(this);
    picker->setEditable(true);
    picker->setInsertPolicy(QComboBox::NoInsert); // typed names filter; they do not become list entries
    picker->lineEdit()->setPlaceholderText(placeholder);
    picker->lineEdit()->setClearButtonEnabled(true);
    picker->setToolTip(tip);
    picker->setAccessibleName(tip);
    picker->completer()->setCompletionMode(QCompleter::PopupCompletion);
    picker->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    picker->completer()->setFilterMode(Qt::MatchContains);
    picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    picker->setMinimumContentsLength(10);
    static_cast<QHBoxLayout*>(layout())->addWidget(picker, 1);
    connect(picker, &QComboBox::activated, this, &FilterBar::applyFilters);
    connect(picker->lineEdit(), &QLineEdit::editingFinished, this, &FilterBar::applyFilters);
    return picker;
}

void FilterBar::focusFilters()
{
    m_tenant->setFocus(Qt::ShortcutFocusReason);
    m_tenant->lineEdit()->selectAll();
}

void FilterBar::refreshNames()
{
    m_sinceNames.start();
    m_context->ask(
        this, "filterbar.names", [](sqlite3* db, const QueryControl&) { return queryDictionaries(db); },
        [this](DictionaryListing names) { applyNames(names); });
}

void FilterBar::applyNames(const DictionaryListing& names)
{
    if (!names.ok())
        return; // keep the old names; the next refresh tries again
    setPickerItems(m_tenant, names.tenants);
    setPickerItems(m_service, names.services);
    setPickerItems(m_model, names.models);
    setPickerItems(m_environment, names.environments);
    emit namesLoaded();
}

void FilterBar::clearFilters()
{
    m_context->setFilters({});
}

void FilterBar::onRangeChosen(int index)
{
    const auto preset = static_cast<Preset>(m_range->itemData(index).toInt());
    if (preset != Preset::Custom) {
        m_context->setPreset(preset);
        return;
    }
    const TimeRange range = m_context->range();
    CustomRangeDialog dialog(
        QDateTime::fromSecsSinceEpoch(range.fromMinute * 60), QDateTime::fromSecsSinceEpoch(range.toMinute * 60), this);
    if (dialog.exec() == QDialog::Accepted)
        m_context->setCustomRange(dialog.from(), dialog.to());
    else
        syncFromContext(); // back to the preset still in force
}

void FilterBar::applyFilters()
{
    QueryFilters filters = m_context->filters(); // keeps what this bar does not edit (status)
    filters.tenant = pickerValue(m_tenant);
    filters.service = pickerValue(m_service);
    filters.model = pickerValue(m_model);
    filters.environment = pickerValue(m_environment);
    filters.prompt = m_prompt->text().trimmed().toLower().toStdString();
    // activated and editingFinished both fire for one choice: ask the views once.
    if (!sameFilters(filters, m_context->filters()))
        m_context->setFilters(filters);
}

void FilterBar::syncFromContext()
{
    {
        const QSignalBlocker block(m_range);
        m_range->setCurrentIndex(m_range->findData(static_cast<int>(m_context->preset())));
    }
    {
        const QSignalBlocker block(m_live);
        m_live->setChecked(m_context->live());
        // A custom range is fixed in time: following now makes no sense there.
        m_live->setEnabled(m_context->preset() != Preset::Custom);
    }
    const QueryFilters& f = m_context->filters();
    setPickerValue(m_tenant, f.tenant);
    setPickerValue(m_service, f.service);
    setPickerValue(m_model, f.model);
    setPickerValue(m_environment, f.environment);
    if (!m_prompt->hasFocus() || m_prompt->text().trimmed().toLower().toStdString() != f.prompt)
        m_prompt->setText(QString::fromStdString(f.prompt));
    m_clear->setEnabled(f.hasDimension() || f.status != StatusFilter::Any);
}

} // namespace spanlight
