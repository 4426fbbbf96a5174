#pragma once

#include "catalogquery.h"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QToolButton;

namespace spanlight {

class ConsoleContext;

/// The time range and global filters every view shares: range presets and a
/// custom range, Live, tenant / service / model / environment pickers (names
/// read off the UI thread, refreshed as new names arrive) and a prompt
/// fingerprint. Writes to the ConsoleContext and mirrors it, so a filter set
/// elsewhere (a heatmap finding) shows here too.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(ConsoleContext* context, QWidget* parent = nullptr);

    /// Ctrl+L: focus the first filter and select its text.
    void focusFilters();
    /// Reads the names for the pickers again (throttled when called from dataChanged).
    void refreshNames();
    void clearFilters();

    QComboBox* rangePicker() const { return m_range; }
    QToolButton* liveButton() const { return m_live; }
    QComboBox* tenantPicker() const { return m_tenant; }
    QComboBox* servicePicker() const { return m_service; }
    QComboBox* modelPicker() const { return m_model; }
    QComboBox* environmentPicker() const { return m_environment; }
    QLineEdit* promptField() const { return m_prompt; }

signals:
    /// The pickers were filled with the names the database holds.
    void namesLoaded();

private:
    QComboBox* addPicker(const QString& placeholder, const QString& tip);
    void onRangeChosen(int index);
    void applyFilters();
    void syncFromContext();
    void applyNames(const DictionaryListing& names);

    ConsoleContext* m_context;
    QComboBox* m_range;
    QToolButton* m_live;
    QComboBox* m_tenant;
    QComboBox* m_service;
    QComboBox* m_model;
    QComboBox* m_environment;
    QLineEdit* m_prompt;
    QToolButton* m_clear;
    QElapsedTimer m_sinceNames;
};

} // namespace spanlight
