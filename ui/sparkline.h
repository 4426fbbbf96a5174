#pragma once

#include <QColor>
#include <QWidget>
#include <optional>
#include <vector>

namespace spanlight {

/// A small line chart without axes: the shape of a series over the selected
/// range, for overview tiles and table cells. Gaps (no data in a column) are
/// drawn as breaks, not as zero, so "no traffic" and "zero latency" differ.
class Sparkline : public QWidget
{
    Q_OBJECT
public:
    explicit Sparkline(QWidget* parent = nullptr);

    /// One value per column; nullopt for a column without data.
    void setValues(std::vector<std::optional<double>> values);
    const std::vector<std::optional<double>>& values() const { return m_values; }
    /// Line colour; invalid = the palette's accent colour.
    void setColor(const QColor& color);
    /// Fill under the line (counts, spend) or not (latency percentiles).
    void setFilled(bool filled);
    /// Anchor the y axis at zero (rates) rather than at the series minimum.
    void setZeroBased(bool zeroBased);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<std::optional<double>> m_values;
    QColor m_color;
    bool m_filled = true;
    bool m_zeroBased = true;
};

} // namespace spanlight
