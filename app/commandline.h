#pragma once

#include "appconfig.h"

#include <QString>
#include <QStringList>

namespace spanlight {

struct CommandLine
{
    bool headless = false;
    bool printConfig = false;
    QString configFile;
    AppConfig config;
    QStringList warnings; ///< config file problems, printed but not fatal
    QString error; ///< usage error: print and exit 2
};

/// Defaults, then the config file, then the options.
CommandLine parseCommandLine(const QStringList& arguments);

} // namespace spanlight
