#pragma once

#include <QStringList>

class QTextStream;

namespace spanlight::cli {

/// `spanlight users|keys|tenants|audit …`: every action from the console, for
/// headless servers, signed in and audited the same way (docs/actions.md).
bool isControlCommand(const QString& noun);
int runControlCommand(const QString& noun, const QStringList& words, QTextStream& out, QTextStream& err);

int runAuditCommand(const QStringList& words, QTextStream& out, QTextStream& err);

} // namespace spanlight::cli
