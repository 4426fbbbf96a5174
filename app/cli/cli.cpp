#include "cli.h"

#include "querycommand.h"
#include "repricecommand.h"
#include "timeargs.h"

#include <QTextStream>
#include <cstring>

namespace spanlight::cli {

bool isCliCommand(const char* firstArgument)
{
    return std::strcmp(firstArgument, "query") == 0 || std::strcmp(firstArgument, "reprice") == 0;
}

int runCli(const QStringList& arguments, QTextStream& out, QTextStream& err, int64_t nowNs)
{
    if (nowNs == 0)
        nowNs = currentTimeNs();
    const QStringList words = arguments.mid(2);
    const int code = arguments.value(1) == QStringLiteral("reprice") ? runReprice(words, nowNs, out, err)
                                                                     : runQuery(words, nowNs, out, err);
    out.flush();
    err.flush();
    return code;
}

} // namespace spanlight::cli
