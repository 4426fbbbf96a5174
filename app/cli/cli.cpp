#include "cli.h"

#include "controlcommands.h"
#include "querycommand.h"
#include "repricecommand.h"
#include "timeargs.h"

#include <QTextStream>
#include <cstring>

namespace spanlight::cli {

bool isCliCommand(const char* firstArgument)
{
    return std::strcmp(firstArgument, "query") == 0 || std::strcmp(firstArgument, "reprice") == 0
        || isControlCommand(QString::fromUtf8(firstArgument));
}

int runCli(const QStringList& arguments, QTextStream& out, QTextStream& err, int64_t nowNs)
{
    if (nowNs == 0)
        nowNs = currentTimeNs();
    const QStringList words = arguments.mid(2);
    const QString command = arguments.value(1);
    const int code = command == QStringLiteral("reprice") ? runReprice(words, nowNs, out, err)
        : isControlCommand(command)                       ? runControlCommand(command, words, out, err)
                                                          : runQuery(words, nowNs, out, err);
    out.flush();
    err.flush();
    return code;
}

} // namespace spanlight::cli
