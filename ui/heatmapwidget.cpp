#include "heatmapwidget.h"

#include "heatmapscale.h"

#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace spanlight {

HeatmapWidget::HeatmapWidget(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(QString()); // tooltips come from event(): per cell
    setAccessibleName(tr("Latency heatmap"));
}

QSize HeatmapWidget::sizeHint() const
{
    return { 900, 380 };
}

QSize HeatmapWidget::minimumSizeHint() const
{
    return { 360, 200 };
}

void HeatmapWidget::setResult(const HeatmapQuery& query, HeatmapResult result)
{
    m_query = query;
    m_result = std::move(result);
    const int columns = columnCount(), rows = rowCount();
    m_cellAt.assign(static_cast<size_t>(columns) * static_cast<size_t>(rows), -1);
    for (size_t i = 0; i < m_result.cells.size(); ++i) {
        const HeatmapCell& cell = m_result.cells[i];
        if (cell.column < columns && cell.row < rows)
            m_cellAt[static_cast<size_t>(cell.column) * static_cast<size_t>(rows) + static_cast<size_t>(cell.row)]
                = static_cast<int>(i);
    }
    if (columns == 0 || rows == 0) {
        m_focusColumn = m_focusRow = -1;
    } else if (m_focusColumn >= 0) {
        m_focusColumn = std::min(m_focusColumn, columns - 1);
        m_focusRow = std::min(m_focusRow, rows - 1);
    }
    updateColours();
    updateLayout();
    update();
}

int HeatmapWidget::cellIndex(int column, int row) const
{
    if (column < 0 || row < 0 || column >= columnCount() || row >= rowCount())
        return -1;
    return m_cellAt[static_cast<size_t>(column) * static_cast<size_t>(rowCount()) + static_cast<size_t>(row)];
}

void HeatmapWidget::setErrorOverlay(bool on)
{
    m_errorOverlay = on;
    update();
}

void HeatmapWidget::setPercentileLines(bool on)
{
    m_percentileLines = on;
    update();
}

void HeatmapWidget::clearSelection()
{
    m_selection.reset();
    update();
}

QRectF HeatmapWidget::cellRect(int column, int row) const
{
    if (column < 0 || row < 0 || column >= columnCount() || row >= rowCount() || m_plot.isEmpty())
        return {};
    const double rowHeight = m_plot.height() / rowCount();
    const double left = m_columnEdges[static_cast<size_t>(column)];
    const double right = m_columnEdges[static_cast<size_t>(column) + 1];
    return QRectF(left, m_plot.bottom() - (row + 1) * rowHeight, right - left, rowHeight);
}

std::optional<std::pair<int, int>> HeatmapWidget::cellAt(QPointF pos) const
{
    if (m_plot.isEmpty() || !m_plot.contains(pos) || columnCount() == 0 || rowCount() == 0)
        return std::nullopt;
    const auto it = std::upper_bound(m_columnEdges.begin(), m_columnEdges.end(), pos.x());
    const int column = std::clamp(static_cast<int>(it - m_columnEdges.begin()) - 1, 0, columnCount() - 1);
    const int row
        = std::clamp(static_cast<int>((m_plot.bottom() - pos.y()) / (m_plot.height() / rowCount())), 0, rowCount() - 1);
    return std::pair { column, row };
}

QString HeatmapWidget::cellToolTip(int column, int row) const
{
    if (column < 0 || row < 0 || column >= columnCount() || row >= rowCount())
        return {};
    const int64_t from = m_result.columnStarts[static_cast<size_t>(column)];
    const int64_t to = std::min<int64_t>(from + m_query.columnMinutes, m_query.range.toMinute);
    const HeatmapRow& r = m_result.rows[static_cast<size_t>(row)];
    const QLocale locale;
    QString text = QStringLiteral("<b>%1</b><br>").arg(formatMinuteRange(from, to).toHtmlEscaped());
    text += tr("Latency %1 – %2")
                .arg(formatLatency(std::max<double>(static_cast<double>(r.lowerNs), 0)),
                    formatLatency(static_cast<double>(r.upperNs)))
        + QStringLiteral("<br>");
    const int index = cellIndex(column, row);
    if (index < 0)
        return text + tr("No spans");
    const HeatmapCell& cell = m_result.cells[static_cast<size_t>(index)];
    text += cell.count == 1 ? tr("1 span") : tr("%1 spans").arg(locale.toString(static_cast<qlonglong>(cell.count)));
    if (cell.errorCount > 0)
        text += tr(", %1 errors (%2%)")
                    .arg(locale.toString(static_cast<qlonglong>(cell.errorCount)))
                    .arg(locale.toString(
                        100.0 * static_cast<double>(cell.errorCount) / static_cast<double>(cell.count), 'f', 1));
    return text + QStringLiteral("<br><i>") + tr("Click to list the spans, drag to compare") + QStringLiteral("</i>");
}

HeatmapWidget::Selection HeatmapWidget::selectionFromCells(int c0, int r0, int c1, int r1) const
{
    const int cFirst = std::min(c0, c1), cLast = std::max(c0, c1);
    const int rFirst = std::min(r0, r1), rLast = std::max(r0, r1);
    Selection s;
    s.range.fromMinute = m_result.columnStarts[static_cast<size_t>(cFirst)];
    s.range.toMinute = std::min<int64_t>(
        m_result.columnStarts[static_cast<size_t>(cLast)] + m_query.columnMinutes, m_query.range.toMinute);
    const HeatmapRow& low = m_result.rows[static_cast<size_t>(rFirst)];
    const HeatmapRow& high = m_result.rows[static_cast<size_t>(rLast)];
    s.lowerNs = low.lowerNs;
    s.upperNs = high.upperNs;
    s.firstBucket = low.firstBucket;
    s.lastBucket = high.lastBucket;
    return s;
}

QRectF HeatmapWidget::selectionRect(const Selection& s) const
{
    // Kept in data coordinates, so a live refresh moves it with the data.
    const double top = yOfLatency(static_cast<double>(s.upperNs));
    const double bottom = s.lowerNs <= 0 ? m_plot.bottom() : yOfLatency(static_cast<double>(s.lowerNs) + 0.5);
    const QRectF r(QPointF(xOfMinute(static_cast<double>(s.range.fromMinute)), top),
        QPointF(xOfMinute(static_cast<double>(s.range.toMinute)), bottom));
    return r.normalized().intersected(m_plot);
}

bool HeatmapWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        if (const auto cell = cellAt(help->pos())) {
            QToolTip::showText(help->globalPos(), cellToolTip(cell->first, cell->second), this,
                cellRect(cell->first, cell->second).toAlignedRect());
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

void HeatmapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateLayout();
}

void HeatmapWidget::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateLayout();
        update();
    }
}

void HeatmapWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !cellAt(event->position())) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressPos = event->position();
    m_dragPos.reset();
}

void HeatmapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_pressPos)
        return;
    if (m_dragPos || (event->position() - *m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
        m_dragPos = event->position();
        update();
    }
}

void HeatmapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_pressPos || event->button() != Qt::LeftButton)
        return;
    const QPointF press = *m_pressPos;
    const std::optional<QPointF> drag = m_dragPos ? std::optional(event->position()) : std::nullopt;
    m_pressPos.reset();
    m_dragPos.reset();
    const auto clampToPlot = [this](QPointF p) {
        return QPointF(std::clamp(p.x(), m_plot.left(), m_plot.right() - 0.01),
            std::clamp(p.y(), m_plot.top() + 0.01, m_plot.bottom() - 0.01));
    };
    const auto start = cellAt(press);
    if (!start)
        return;
    if (!drag) {
        m_focusColumn = start->first;
        m_focusRow = start->second;
        update();
        emit cellClicked(start->first, start->second);
        return;
    }
    const auto end = cellAt(clampToPlot(*drag));
    if (!end)
        return;
    m_selection = selectionFromCells(start->first, start->second, end->first, end->second);
    update();
    emit selectionMade(
        m_selection->range.fromMinute, m_selection->range.toMinute, m_selection->lowerNs, m_selection->upperNs);
}

void HeatmapWidget::moveFocus(int dColumn, int dRow)
{
    if (columnCount() == 0 || rowCount() == 0)
        return;
    if (m_focusColumn < 0) {
        // Start where the data is: the busiest cell.
        const auto busiest = std::max_element(m_result.cells.begin(), m_result.cells.end(),
            [](const HeatmapCell& a, const HeatmapCell& b) { return a.count < b.count; });
        m_focusColumn = busiest == m_result.cells.end() ? 0 : busiest->column;
        m_focusRow = busiest == m_result.cells.end() ? 0 : busiest->row;
    } else {
        m_focusColumn = std::clamp(m_focusColumn + dColumn, 0, columnCount() - 1);
        m_focusRow = std::clamp(m_focusRow + dRow, 0, rowCount() - 1);
    }
    update();
}

void HeatmapWidget::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        moveFocus(-1, 0);
        break;
    case Qt::Key_Right:
        moveFocus(1, 0);
        break;
    case Qt::Key_Up: // up the screen is slower
        moveFocus(0, 1);
        break;
    case Qt::Key_Down:
        moveFocus(0, -1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_focusColumn >= 0)
            emit cellClicked(m_focusColumn, m_focusRow);
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace spanlight
