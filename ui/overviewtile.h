#pragma once

#include "overviewquery.h"

#include <QFrame>

class QLabel;

namespace spanlight {

class Sparkline;

/// One overview figure: a caption, a big number, its sparkline over the range
/// with the range's ends written under it, and a line of context.
class OverviewTile : public QFrame
{
    Q_OBJECT
public:
    enum class Tone { Normal, Warning, Error };

    OverviewTile(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, Tone tone = Tone::Normal);
    void setDetail(const QString& detail);
    void setSeries(Series values);
    /// The labels under the sparkline: its time range ("14:05" … "now") and,
    /// between them, the scale of its highest point ("peak 3.2 /s").
    void setAxis(const QString& from, const QString& to, const QString& peak = {});

    QString caption() const;
    QString value() const;
    QString detail() const;
    Sparkline* sparkline() const { return m_sparkline; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTone();

    QLabel* m_caption;
    QLabel* m_value;
    Sparkline* m_sparkline;
    QLabel* m_from;
    QLabel* m_to;
    QLabel* m_peak;
    QLabel* m_detail;
    Tone m_tone = Tone::Normal;
};

} // namespace spanlight
