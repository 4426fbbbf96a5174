#include "overviewtile.h"

#include "palettes.h"
#include "sparkline.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace spanlight {

namespace {

/// Secondary text: the palette's caption colour, at the same size (readable at 1366x768).
void makeSecondary(QLabel* label)
{
    label->setForegroundRole(QPalette::Dark);
}

} // namespace

OverviewTile::OverviewTile(const QString& caption, QWidget* parent)
    : QFrame(parent)
    , m_caption(new QLabel(caption, this))
    , m_value(new QLabel(QStringLiteral("–"), this))
    , m_sparkline(new Sparkline(this))
    , m_from(new QLabel(this))
    , m_to(new QLabel(this))
    , m_peak(new QLabel(this))
    , m_detail(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(2);

    QFont captionFont = m_caption->font();
    captionFont.setBold(true);
    m_caption->setFont(captionFont);
    makeSecondary(m_caption);
    layout->addWidget(m_caption);

    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.9);
    big.setBold(true);
    m_value->setFont(big);
    m_value->setAccessibleName(caption);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_value);

    // The sparkline takes the spare height, so the page fills a tall window rather than leaving a gap.
    m_sparkline->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    layout->addWidget(m_sparkline, 1);

    auto* axis = new QHBoxLayout;
    axis->setContentsMargins(0, 0, 0, 0);
    QFont small = m_from->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    for (QLabel* label : { m_from, m_to, m_peak }) {
        label->setFont(small);
        makeSecondary(label);
    }
    axis->addWidget(m_from);
    axis->addStretch(1);
    axis->addWidget(m_peak);
    axis->addStretch(1);
    axis->addWidget(m_to);
    layout->addLayout(axis);

    m_detail->setWordWrap(true);
    makeSecondary(m_detail);
    layout->addWidget(m_detail);
}

void OverviewTile::setValue(const QString& value, Tone tone)
{
    m_value->setText(value);
    m_tone = tone;
    applyTone();
}

void OverviewTile::setDetail(const QString& detail)
{
    m_detail->setText(detail);
}

void OverviewTile::setSeries(Series values)
{
    m_sparkline->setValues(std::move(values));
}

void OverviewTile::setAxis(const QString& from, const QString& to, const QString& peak)
{
    m_from->setText(from);
    m_to->setText(to);
    m_peak->setText(peak);
}

QString OverviewTile::caption() const
{
    return m_caption->text();
}

QString OverviewTile::value() const
{
    return m_value->text();
}

QString OverviewTile::detail() const
{
    return m_detail->text();
}

void OverviewTile::changeEvent(QEvent* event)
{
    // Tone colours come from the theme: a palette switch must recolour them.
    if (event->type() == QEvent::PaletteChange)
        applyTone();
    QFrame::changeEvent(event);
}

void OverviewTile::applyTone()
{
    const QPalette& theme = palette();
    const QColor color = m_tone == Tone::Warning ? themeWarning(theme)
        : m_tone == Tone::Error                  ? themeError(theme)
                                                 : theme.color(QPalette::WindowText);
    // Only the label's own text colour: everything else keeps following the theme.
    QPalette own;
    own.setColor(QPalette::WindowText, color);
    m_value->setPalette(own);
    m_sparkline->setColor(m_tone == Tone::Normal ? QColor() : color);
}

} // namespace spanlight
