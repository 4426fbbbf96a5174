#pragma once

#include "spanfilter.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace spanlight {

/// The Traces page's `field:value` filter line: the edit, a "Syntax" help
/// link and, under them, an inline parse error with the offending part
/// marked. It parses 300 ms after typing stops or on Enter and says
/// filterChanged() only when a valid filter differs from the last one; a bad
/// filter keeps the last good one in force (and ok() false) until fixed.
class SpanFilterLine : public QWidget
{
    Q_OBJECT
public:
    explicit SpanFilterLine(QWidget* parent = nullptr);

    QLineEdit* edit() const { return m_edit; }
    /// The last filter that parsed.
    const SpanFilter& filter() const { return m_parsed; }
    /// False while the text does not parse.
    bool ok() const { return m_ok; }
    /// The inline parse error ("" when the filter is fine).
    QString errorText() const;
    /// The syntax summary shown as the help tooltip.
    static QString syntaxHelp();

public slots:
    /// Parses the text now.
    void apply();

signals:
    /// A new, valid filter is in force.
    void filterChanged();

private:
    void showError(const QString& text, const SpanFilterError& error, const QByteArray& utf8);

    QLineEdit* m_edit;
    QLabel* m_error;
    QTimer m_typing;
    SpanFilter m_parsed;
    bool m_ok = true;
};

} // namespace spanlight
