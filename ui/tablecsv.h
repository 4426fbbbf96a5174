#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

class QAbstractItemModel;

namespace spanlight {

/// One RFC 4180 field: quoted (inner quotes doubled) when it holds a comma, a
/// quote, a line break or edge spaces, as spreadsheets expect.
QString csvField(const QString& text);
/// A table model as CSV: a header record, then one record per row, each cell
/// as displayed; CRLF between records, UTF-8.
QByteArray tableToCsv(const QAbstractItemModel& model);
/// Writes tableToCsv() atomically (QSaveFile); false with \a error on failure.
bool writeTableCsv(const QAbstractItemModel& model, const QString& path, QString* error = nullptr);
/// Parses RFC 4180 text back into records (tests, and a check on what was written).
QList<QStringList> parseCsv(const QByteArray& csv);

} // namespace spanlight
