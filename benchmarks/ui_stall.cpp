// The studio's responsiveness while it generates: the main window runs built-in generations (the
// user's path: Generate, worker thread, live panels filling in) while a 5 ms timer on the UI thread
// records how late each tick comes. Prints, per run, the longest stall of the event loop, the
// 99th-percentile tick gap and the UI thread's own CPU time (aim: longest stall under 50 ms).
// Asserts nothing. Runs offscreen when there is no display.
//
//   ds-bench-ui-stall [--runs 3] [--steps 25] [--threads N] [--decode-interval 5]
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/generation_request.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/preferences_dialog.h"

namespace {

double threadCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 3, steps = 25, threads = 0, decodeInterval = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (a == "--runs") runs = v;
        else if (a == "--steps") steps = v;
        else if (a == "--threads") threads = v;
        else if (a == "--decode-interval") decodeInterval = v;
        else {
            std::fprintf(stderr, "usage: ds-bench-ui-stall [--runs 3] [--steps 25] [--threads N] [--decode-interval 5]\n");
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("DiffusionStudio"));
    QCoreApplication::setApplicationName(QStringLiteral("diffusion-studio-bench"));  // own settings
    ds::ui::setLanguage(QStringLiteral("en"));
    ds::ui::EngineOptions options;
    options.device = QStringLiteral("cpu");
    options.threads = threads;
    options.decodeInterval = decodeInterval;
    ds::ui::saveEngineOptions(options);
    ds::ui::MainWindow window;
    window.resize(1300, 900);
    window.show();

    std::printf("built-in model, 64x64, %d steps, CFG 5, decode every %d steps; 5 ms probe timer on the UI thread\n",
                steps, decodeInterval);
    std::printf("%-4s %10s %14s %14s %10s %14s\n", "run", "run ms", "longest stall", "p99 gap ms", "ticks",
                "UI CPU ms");
    for (int run = 0; run < runs + 1; ++run) {  // run 0 loads the model and warms up
        ds::ui::GenerationRequest r = window.generationPanel()->request();
        r.prompt = QStringLiteral("red apple, food and drink");
        r.steps = steps;
        r.seed = 100 + static_cast<quint64>(run);
        r.cfgScale = 5;
        r.sampler = QStringLiteral("euler-a");
        r.width = r.height = 64;
        window.generationPanel()->setRequest(r);

        QElapsedTimer clock;
        std::vector<qint64> gaps;
        qint64 last = 0;
        QTimer probe;
        probe.setInterval(5);
        QObject::connect(&probe, &QTimer::timeout, [&] {
            const qint64 now = clock.nsecsElapsed();
            gaps.push_back(now - last);
            last = now;
        });
        bool done = false, failed = false;
        const auto finished = QObject::connect(window.controller(), &ds::ui::GenerationController::finished,
                                               [&] { done = true; });
        const auto failure = QObject::connect(window.controller(), &ds::ui::GenerationController::failed,
                                              [&] { done = failed = true; });
        const double cpu0 = threadCpuMs();
        clock.start();
        probe.start();
        window.generateAction()->trigger();
        while (!done) app.processEvents(QEventLoop::WaitForMoreEvents, 50);
        probe.stop();
        const double total = clock.nsecsElapsed() / 1e6, cpu = threadCpuMs() - cpu0;
        QObject::disconnect(finished);
        QObject::disconnect(failure);
        if (failed) {
            std::fprintf(stderr, "ds-bench-ui-stall: the generation failed\n");
            return 1;
        }
        if (run == 0 || gaps.empty()) continue;
        std::sort(gaps.begin(), gaps.end());
        const double longest = gaps.back() / 1e6, p99 = gaps[gaps.size() * 99 / 100] / 1e6;
        std::printf("%-4d %10.0f %14.1f %14.1f %10zu %14.0f\n", run, total, longest, p99, gaps.size(), cpu);
    }
    return 0;
}
