#pragma once

#include "appconfig.h"

#include <QString>
#include <QStringList>

namespace spanlight {

struct CommandLine
{
    bool headless = false;
    bool printConfig = false;
    bool demo = false; ///< --demo: a simulated fleet feeds this instance, in its own data dir
    double demoRate = 300; ///< --demo-rate, spans per second
    QString configFile;
    AppConfig config;
    QStringList warnings; ///< config file problems, printed but not fatal
    QString error; ///< usage error: print and exit 2
};

/// Where --demo keeps its data unless --data-dir says otherwise: never the real data dir.
QString defaultDemoDataDir();

/// Defaults, then the config file, then the options.
CommandLine parseCommandLine(const QStringList& arguments);

} // namespace spanlight
