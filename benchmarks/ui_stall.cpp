// The studio's responsiveness while it generates: the main window runs built-in generations (the
// user's path: Generate, worker thread, live panels filling in) while a 5 ms timer on the UI thread
// records how late each tick comes. Prints, per run, the longest stall of the event loop, the
// 99th-percentile tick gap and the UI thread's own CPU time (the aim: longest stall under 16 ms).
// Asserts nothing. Runs offscreen when there is no display.
//
//   ds-bench-ui-stall [--runs 3] [--steps 25] [--threads N] [--decode-interval 5]
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QThread>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/generation_request.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/preferences_dialog.h"

namespace {

// Times every event the UI thread dispatches at the top level (nested dispatches, such as a
// repaint inside a replot, count inside the event that started them).
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override {
        if (QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
        QElapsedTimer clock;
        clock.start();
        ++m_depth;
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        if (m_depth == 0) m_longest = std::max(m_longest, clock.nsecsElapsed() / 1e6);
        return result;
    }
    double takeLongestEventMs() { return std::exchange(m_longest, 0.0); }

private:
    int m_depth = 0;
    double m_longest = 0.0;
};

struct TickGaps {
    double longest = 0, p99 = 0;
    size_t count = 0;
};

TickGaps summarise(std::vector<qint64> gaps) {
    TickGaps t;
    if (gaps.empty()) return t;
    std::sort(gaps.begin(), gaps.end());
    t.longest = gaps.back() / 1e6;
    t.p99 = gaps[gaps.size() * 99 / 100] / 1e6;
    t.count = gaps.size();
    return t;
}

// Runs the event loop with the 5 ms probe until `done` quits `loop`; returns the tick gaps.
template <typename Start>
std::vector<qint64> probeWhile(QEventLoop& loop, Start start) {
    QElapsedTimer clock;
    std::vector<qint64> gaps;
    qint64 last = -1;
    QTimer probe;
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0) gaps.push_back(now - last);
        last = now;
    });
    clock.start();
    probe.start();
    start();
    loop.exec();
    return gaps;
}

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
    TimedApplication app(argc, argv);
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
    std::printf("%-5s %8s %15s %17s %13s %11s\n", "run", "run ms", "longest event", "longest tick gap",
                "p99 gap ms", "UI CPU ms");
    double idleMs = 0;
    for (int run = 0; run < runs + 1; ++run) {  // run 0 loads the model and warms up
        ds::ui::GenerationRequest r = window.generationPanel()->request();
        r.prompt = QStringLiteral("red apple, food and drink");
        r.steps = steps;
        r.seed = 100 + static_cast<quint64>(run);
        r.cfgScale = 5;
        r.sampler = QStringLiteral("euler-a");
        r.width = r.height = 64;
        window.generationPanel()->setRequest(r);

        bool failed = false;
        QEventLoop loop;  // a real event loop: it sleeps between events as the studio's does
        const auto finished = QObject::connect(window.controller(), &ds::ui::GenerationController::finished,
                                               &loop, &QEventLoop::quit);
        const auto failure = QObject::connect(window.controller(), &ds::ui::GenerationController::failed, &loop, [&] {
            failed = true;
            loop.quit();
        });
        QElapsedTimer clock;
        clock.start();
        const double cpu0 = threadCpuMs();
        app.takeLongestEventMs();
        const TickGaps gaps = summarise(probeWhile(loop, [&] { window.generateAction()->trigger(); }));
        const double total = clock.nsecsElapsed() / 1e6, cpu = threadCpuMs() - cpu0;
        const double longestEvent = app.takeLongestEventMs();
        QObject::disconnect(finished);
        QObject::disconnect(failure);
        if (failed) {
            std::fprintf(stderr, "ds-bench-ui-stall: the generation failed\n");
            return 1;
        }
        if (run == 0) {
            // The reference: the same window and probe with nothing generating, as long as a run.
            idleMs = total;
            QEventLoop idle;
            QTimer::singleShot(static_cast<int>(idleMs), &idle, &QEventLoop::quit);
            app.takeLongestEventMs();
            const double idleCpu0 = threadCpuMs();
            const TickGaps idleGaps = summarise(probeWhile(idle, [] {}));
            std::printf("%-5s %8.0f %12.1f ms %14.1f ms %13.1f %11.0f\n", "idle", idleMs, app.takeLongestEventMs(),
                        idleGaps.longest, idleGaps.p99, threadCpuMs() - idleCpu0);
            continue;
        }
        std::printf("%-5d %8.0f %12.1f ms %14.1f ms %13.1f %11.0f\n", run, total, longestEvent, gaps.longest, gaps.p99,
                    cpu);
    }
    return 0;
}
