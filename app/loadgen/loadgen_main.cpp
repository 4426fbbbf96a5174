// spanlight-loadgen: the command-line face of LoadRunner. Parses the options, prints a progress line per
// second on stderr and the summary on stdout.

#include "loadgenoptions.h"
#include "loadrunner.h"
#include "sender.h"

#include <csignal>
#include <cstdio>
#include <iostream>

using namespace spanlight::loadgen;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onSignal(int)
{
    g_interrupted = 1;
}

void installSignalHandlers()
{
    struct sigaction action = {};
    action.sa_handler = onSignal;
    // A second Ctrl-C kills at once, in case a request hangs until its timeout.
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

void printProgress(const LoadCounters& now, const LoadCounters& before)
{
    const double interval = now.elapsedSeconds - before.elapsedSeconds;
    const double rate = interval > 0 ? (now.spansAcknowledged - before.spansAcknowledged) / interval : 0;
    const std::int64_t latencyCount = now.latencyCount - before.latencyCount;
    const double meanMs
        = latencyCount > 0 ? (now.latencySumNs - before.latencySumNs) / 1e6 / static_cast<double>(latencyCount) : 0;
    std::fprintf(stderr,
        "[%6.1fs] %8.0f spans/s  acked %lld/%lld  requests %lld  retries %lld  refused %lld  mean ack %.1f ms\n",
        now.elapsedSeconds, rate, static_cast<long long>(now.spansAcknowledged), static_cast<long long>(now.spansSent),
        static_cast<long long>(now.requests), static_cast<long long>(now.retries),
        static_cast<long long>(now.rejectedResponses), meanMs);
}

} // namespace

int main(int argc, char** argv)
{
    LoadgenOptions options = parseLoadgenOptions(argc, argv);
    if (options.help) {
        std::cout << loadgenUsage();
        return 0;
    }
    auto usageError = [](const std::string& message) {
        std::cerr << "spanlight-loadgen: " << message << "\nTry 'spanlight-loadgen --help'.\n";
        return 2;
    };
    if (!options.error.empty())
        return usageError(options.error);

    // Build one sender up front only to validate the endpoint; workers make their own.
    std::string endpointError;
    const auto probe = makeSender(options.endpoint, options.grpc, options.sender, &endpointError);
    if (!probe)
        return usageError(endpointError);

    LoadConfig config = options.load;
    config.endpoint = probe->describe();
    config.makeSender = [endpoint = options.endpoint, grpc = options.grpc, sender = options.sender] {
        return makeSender(endpoint, grpc, sender);
    };
    LoadRunner runner(config);
    if (!options.quiet) {
        const std::string pace = config.spansPerSecond > 0
            ? "target " + std::to_string(static_cast<long long>(config.spansPerSecond)) + " spans/s"
            : "as fast as acknowledged";
        std::fprintf(stderr, "spanlight-loadgen: %s, %d connection(s), %d spans/request, %s%s\n",
            config.endpoint.c_str(), config.connections, runner.effectiveBatchSize(), pace.c_str(),
            config.replayBatches > 0 ? ", replaying pre-generated batches" : "");
    }

    installSignalHandlers();
    try {
        runner.start();
    } catch (const std::exception& e) {
        std::cerr << "spanlight-loadgen: cannot start: " << e.what() << "\n";
        return 1;
    }
    LoadCounters last = runner.counters();
    bool stopRequested = false;
    while (!runner.waitFor(std::chrono::milliseconds(100))) {
        if (g_interrupted && !stopRequested) {
            std::fprintf(stderr, "spanlight-loadgen: stopping (Ctrl-C again to quit at once)\n");
            runner.stop();
            stopRequested = true;
        }
        const LoadCounters now = runner.counters();
        if (!options.quiet && now.elapsedSeconds - last.elapsedSeconds >= 1.0) {
            printProgress(now, last);
            last = now;
        }
    }

    const LoadSummary summary = runner.wait();
    if (!summary.abortReason.empty())
        std::cerr << "spanlight-loadgen: " << summary.abortReason << "\n";
    if (options.json)
        std::cout << formatJson(summary) << std::endl;
    else
        std::cout << formatText(summary) << std::flush;
    return summary.complete() ? 0 : 1;
}
