// How fast control.db's audit chain is built and verified (issue 5: `spanlight
// audit verify` checks 100k entries in under a second). Builds N sealed entries
// in one transaction (the same hasher and checkpoint MAC as the store), verifies
// them offline and through a running ControlStore, then measures real appends
// (one fsync'd transaction each). Usage:
//   audit_verify_bench [--entries 100000] [--appends 500] [--repeat 3] [--dir DIR]

#include "auditchainfixture.h"
#include "benchsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace spanlight;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const char* what, int64_t count, double seconds)
{
    std::printf("%-44s %9lld in %8.3f s  %12.0f entries/s\n", what, static_cast<long long>(count), seconds,
        static_cast<double>(count) / seconds);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bench::BenchArgs args(app.arguments());
    const int64_t entries = args.number("--entries", 100'000);
    const int64_t appends = args.number("--appends", 500);
    const int repeat = static_cast<int>(std::max<int64_t>(1, args.number("--repeat", 3)));
    QTemporaryDir temp;
    const QString dir = args.text("--dir", temp.path());
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(QStringLiteral("audit-bench-control.db"));
    for (const char* suffix : { "", "-wal", "-shm" })
        QFile::remove(path + QLatin1String(suffix));
    const QByteArray key = test::fixedAuditKey('b');

    auto start = Clock::now();
    if (const std::string error = test::writeSealedAuditChain(path, key, entries); !error.empty()) {
        std::fprintf(stderr, "cannot build the chain: %s\n", error.c_str());
        return 1;
    }
    report("build (hash + MAC + insert, one transaction)", entries, secondsSince(start));

    double best = 1e9;
    for (int i = 0; i < repeat; ++i) {
        start = Clock::now();
        const AuditVerification v = verifyAuditFile(path, key);
        best = std::min(best, secondsSince(start));
        if (!v.ok || v.entries != entries) {
            std::fprintf(stderr, "verification failed: %s\n", v.problem.c_str());
            return 1;
        }
    }
    report("verifyAuditFile (best of repeats)", entries, best);

    ControlStore store;
    std::string error;
    if (!store.open({ path, key, {} }, &error)) {
        std::fprintf(stderr, "cannot open the store: %s\n", error.c_str());
        return 1;
    }
    start = Clock::now();
    if (!store.verifyAudit().ok) {
        std::fprintf(stderr, "ControlStore::verifyAudit failed\n");
        return 1;
    }
    report("ControlStore::verifyAudit", entries, secondsSince(start));

    start = Clock::now();
    for (int64_t n = 1; n <= appends; ++n) {
        AuditEntry entry = test::sampleAuditEntry(2 * n - 1); // intents: they cite nothing
        if (!store.appendAudit(entry, &error)) {
            std::fprintf(stderr, "append failed: %s\n", error.c_str());
            return 1;
        }
    }
    report("appendAudit (one synchronous=FULL commit each)", appends, secondsSince(start));
    std::printf("peak RSS %.1f MiB\n", bench::peakRssMiB());
    return 0;
}
