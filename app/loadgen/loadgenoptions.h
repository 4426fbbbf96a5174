#pragma once

#include "loadrunner.h"
#include "sender.h"

#include <string>

namespace spanlight::loadgen {

/// The command line of spanlight-loadgen, parsed.
struct LoadgenOptions
{
    std::string endpoint = "http://127.0.0.1:4318";
    bool grpc = false;
    SenderOptions sender;
    LoadConfig load; ///< everything but makeSender and endpoint
    bool json = false;
    bool quiet = false;
    bool help = false;
    std::string error; ///< a usage error, to print with a hint to --help
};

LoadgenOptions parseLoadgenOptions(int argc, char** argv);
std::string loadgenUsage();

} // namespace spanlight::loadgen
