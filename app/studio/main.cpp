// diffusion-studio: the Qt studio. Without a display it says so in one line and exits with status 3
// before QApplication exists (which would abort), so packaging/run-studio.sh can run the CLI demo.
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <cstdlib>

#include <QTabWidget>

#include "core/runtime/threads.h"
#include "ui/forward_explorer_panel.h"
#include "ui/generation_controller.h"
#include "ui/language.h"
#include "ui/main_window.h"

namespace {

constexpr int kExitNoDisplay = 3;
constexpr int kExitUsage = 2;

bool environmentSet(const char* name) {
    const char* value = std::getenv(name);
    return value && *value;
}

bool hasDisplay() {
    return environmentSet("DISPLAY") || environmentSet("WAYLAND_DISPLAY") ||
           environmentSet("QT_QPA_PLATFORM");
}

struct Options {
    QString language;
    QString image;
    int threads = 0;
};

// Exits for --help and --version, and with status 2 and one line for bad arguments.
Options parseOptions(const QCoreApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Diffusion Studio: a desktop studio for diffusion models."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption lang(
        QStringLiteral("lang"),
        QStringLiteral("Interface language, e.g. en or pt_BR (default: the saved choice, "
                       "else the system's)."),
        QStringLiteral("code"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Compute threads (default: every core)."),
                                     QStringLiteral("n"));
    parser.addOption(lang);
    parser.addOption(threads);
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("A project (.dsproj) to open, or a picture to open in the explorer."),
                                 QStringLiteral("[file]"));
    parser.process(app);

    Options options;
    options.language = parser.value(lang);
    if (parser.isSet(threads)) {
        bool ok = false;
        options.threads = parser.value(threads).toInt(&ok);
        if (!ok || options.threads < 1) {
            std::fprintf(stderr, "diffusion-studio: error: --threads needs a positive integer, got '%s'\n",
                         qPrintable(parser.value(threads)));
            std::exit(kExitUsage);
        }
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        std::fprintf(stderr, "diffusion-studio: error: expected at most one image, got %d arguments\n",
                     static_cast<int>(positional.size()));
        std::exit(kExitUsage);
    }
    if (!positional.isEmpty()) options.image = positional.first();
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication::setOrganizationName(QStringLiteral("DiffusionStudio"));
    QCoreApplication::setApplicationName(QStringLiteral("diffusion-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DS_VERSION));

    if (!hasDisplay()) {
        const QCoreApplication core(argc, argv);  // enough to answer --help and --version
        parseOptions(core);
        std::fprintf(
            stderr,
            "diffusion-studio: no display available (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM are "
            "unset); run diffusion-studio-cli for the same computations without one\n");
        return kExitNoDisplay;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Diffusion Studio"));
    const Options options = parseOptions(app);
    ds::configure_threads(ds::ThreadRole::Studio, options.threads);

    const QString language = options.language.isEmpty()
                                 ? QSettings().value(ds::ui::kLanguageSettingsKey).toString()
                                 : options.language;
    QString error;
    if (!ds::ui::setLanguage(language, &error)) {
        std::fprintf(stderr, "diffusion-studio: warning: %s; using English\n", qPrintable(error));
        ds::ui::setLanguage(QStringLiteral("en"));
    }

    ds::ui::MainWindow window;
    if (options.threads > 0) {  // for this session only: the preference stays as saved
        ds::ui::EngineOptions engine = window.controller()->options();
        engine.threads = options.threads;
        window.controller()->setOptions(engine);
    }
    const bool isProject = options.image.endsWith(QStringLiteral(".dsproj"), Qt::CaseInsensitive);
    if (isProject) {
        if (!window.openProject(options.image, &error))
            std::fprintf(stderr, "diffusion-studio: warning: %s\n", qPrintable(error));
    } else if (!options.image.isEmpty()) {
        if (window.explorer()->loadImageFile(options.image, &error))
            window.centralTabs()->setCurrentWidget(window.explorer());
        else
            std::fprintf(stderr, "diffusion-studio: warning: %s\n", qPrintable(error));
    }
    window.show();
    // Work left by a studio that crashed is offered once the window is up (the question does not block).
    QTimer::singleShot(0, &window, [&window] { window.offerRecovery(); });
    return app.exec();
}
