#include "spanfilterline.h"

#include "palettes.h"
#include "spanformat.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolTip>
#include <QVBoxLayout>

namespace spanlight {

QString SpanFilterLine::syntaxHelp()
{
    return tr("<b>Filter spans</b> — terms narrow each other; the same field twice means either value."
              "<table cellspacing=4>"
              "<tr><td><tt>service:checkout</tt></td><td>service (also <tt>tenant: env: model: name: error: "
              "prompt:</tt>)</td></tr>"
              "<tr><td><tt>name:\"chat gpt-4o\"</tt></td><td>quotes hold spaces; <tt>*</tt> and <tt>?</tt> are "
              "wildcards</td></tr>"
              "<tr><td><tt>status:error</tt></td><td><tt>ok</tt> (not an error), <tt>error</tt> or "
              "<tt>unset</tt></td></tr>"
              "<tr><td><tt>duration&gt;2s duration&lt;=150ms</tt></td><td>units ns, us, ms, s, m, h</td></tr>"
              "<tr><td><tt>prompt:3f9a0c…</tt></td><td>fingerprint or label</td></tr>"
              "<tr><td><tt>trace:4bf92f35</tt></td><td>trace id, a prefix is enough (<tt>span:</tt> "
              "likewise)</td></tr>"
              "<tr><td><tt>-env:dev</tt></td><td>a leading minus excludes</td></tr>"
              "<tr><td><tt>retriev</tt></td><td>a bare word: part of the span name</td></tr>"
              "</table>Ctrl+F focuses the filter, F5 searches again, Enter on a span opens its trace.");
}

SpanFilterLine::SpanFilterLine(QWidget* parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    m_edit->setPlaceholderText(tr("Filter spans, e.g. service:checkout status:error duration>2s   (Ctrl+F)"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setToolTip(syntaxHelp());
    auto* help = new QLabel(tr("<a href=\"#\">Syntax</a>"), this);
    help->setToolTip(syntaxHelp());
    m_error->setTextFormat(Qt::RichText);
    m_error->setWordWrap(true);
    m_error->hide();

    auto* row = new QHBoxLayout;
    row->addWidget(m_edit, 1);
    row->addWidget(help);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_error);

    m_typing.setSingleShot(true);
    m_typing.setInterval(300);
    connect(&m_typing, &QTimer::timeout, this, &SpanFilterLine::apply);
    connect(m_edit, &QLineEdit::textEdited, this, [this] { m_typing.start(); });
    connect(m_edit, &QLineEdit::returnPressed, this, &SpanFilterLine::apply);
    connect(help, &QLabel::linkActivated, this,
        [help] { QToolTip::showText(help->mapToGlobal(QPoint(0, help->height())), help->toolTip(), help); });
}

QString SpanFilterLine::errorText() const
{
    return m_error->isVisible() || !m_ok ? m_error->text() : QString();
}

void SpanFilterLine::apply()
{
    m_typing.stop();
    const QString text = m_edit->text();
    const QByteArray utf8 = text.toUtf8();
    const SpanFilterParse parsed = parseSpanFilter(std::string_view(utf8.constData(), size_t(utf8.size())));
    if (!parsed.ok()) {
        // The last good results stay: the filter with the offending part marked says why.
        showError(text, *parsed.error, utf8);
        m_ok = false;
        return;
    }
    m_error->hide();
    m_error->clear();
    m_edit->setStyleSheet(QString());
    const bool changed = !m_ok || !(parsed.filter == m_parsed);
    m_ok = true;
    m_parsed = parsed.filter;
    if (changed)
        emit filterChanged();
}

void SpanFilterLine::showError(const QString& text, const SpanFilterError& e, const QByteArray& utf8)
{
    const int from = static_cast<int>(QString::fromUtf8(utf8.left(e.position)).size());
    const int length = std::max(1, static_cast<int>(QString::fromUtf8(utf8.mid(e.position, e.length)).size()));
    const QString red = themeError(palette()).name();
    m_error->setText(
        QStringLiteral("<span style=\"color:%1\">%2</span> &nbsp;<tt>%3<u style=\"color:%1\">%4</u>%5</tt>")
            .arg(red, fromUtf8(e.message).toHtmlEscaped(), text.left(from).toHtmlEscaped(),
                text.mid(from, length).toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")),
                text.mid(from + length).toHtmlEscaped()));
    m_error->show();
    m_edit->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid %1; }").arg(red));
}

} // namespace spanlight
