// Asserts generation from the studio window with the built-in model, offscreen, through the real
// worker thread: Generate emits one step per step in order and shows a 64x64 result, and the steps,
// noise-level and schedule panels and the progress bar hold that many points; a timer on the UI thread
// keeps firing during a run (its largest gap is reported and stays well below the run's length); Esc /
// Cancel stops a run within a step and the window still generates; a second Generate while one runs
// is queued, not lost; a broken checkpoint shows its message and the window still works; clicking a
// history thumbnail restores its image and settings; saving writes a PNG whose "parameters" text
// reads back; a step decodes every N steps as the preferences say; docks hide and the default layout
// restores them; closing during a run cancels and joins the worker; a screenshot is written.
#include <qcustomplot.h>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QtTest>
#include <ctime>
#include <memory>

#include "core/io/image_io.h"
#include "core/pipeline/generation_metadata.h"
#include "tests/ui/ui_test_support.h"
#include "tests/ui/window_test_support.h"
#include "ui/generation_controller.h"
#include "ui/forward_explorer_panel.h"
#include "ui/generation_panel.h"
#include "ui/history_strip.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/noise_level_panel.h"
#include "ui/preferences_dialog.h"
#include "ui/result_view.h"
#include "ui/schedule_plot_panel.h"
#include "ui/steps_panel.h"

using ds::ui::GenerationController;
using ds::ui::GenerationOutcome;
using ds::ui::GenerationRequest;
using ds::ui::NoiseLevelPanel;
using ds::ui::StepUpdate;

namespace {

constexpr int kTimeoutMs = 120000;  // a loaded 2-core machine; a 64 px run takes about a second

}  // namespace

class GenerationWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void generateFillsEveryPanel();
    void theUiThreadKeepsRunning();
    void cancelStopsTheRun();
    void aSecondGenerateIsQueued();
    void brokenCheckpointShowsAMessage();
    void historyRestoresTheSettings();
    void saveWritesTheParametersText();
    void theResultGoesToTheForwardExplorer();
    void preferencesOfferTheLanguages();
    void decodeIntervalFollowsThePreferences();
    void docksHideAndRestore();
    void screenshot();
    void closingDuringARunExitsCleanly();

private:
    GenerationController* controller() const { return m_window->controller(); }
    ds::ui::GenerationPanel* panel() const { return m_window->generationPanel(); }
    // Fixed settings for a quick, reproducible run.
    void prepare(const QString& prompt, int steps, quint64 seed);
    // Presses Generate and waits for the result (or fails with the message shown).
    GenerationOutcome generateAndWait();

    std::unique_ptr<ds::ui::MainWindow> m_window;
};

void GenerationWindowTest::initTestCase() {
    ds::test::useFreshSettings(QStringLiteral("GenerationWindowTest"));
    QVERIFY(ds::ui::setLanguage(QStringLiteral("en")));
    ds::ui::EngineOptions options;
    options.device = QStringLiteral("cpu");
    options.decodeInterval = 0;
    ds::ui::saveEngineOptions(options);
    m_window = std::make_unique<ds::ui::MainWindow>();
    m_window->setAskBeforeClosing(false);  // closing with unsaved results is tested in CanvasWindowTest
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void GenerationWindowTest::cleanupTestCase() { m_window.reset(); }

void GenerationWindowTest::prepare(const QString& prompt, int steps, quint64 seed) {
    panel()->setModelPath(QString());
    GenerationRequest r = panel()->request();
    r.prompt = prompt;
    r.negativePrompt.clear();
    r.steps = steps;
    r.seed = seed;
    r.cfgScale = 5;
    r.sampler = QStringLiteral("euler-a");
    r.width = r.height = 64;
    panel()->setRequest(r);  // also fixes the seed
}

GenerationOutcome GenerationWindowTest::generateAndWait() {
    return ds::test::generateAndWait(m_window.get(), kTimeoutMs);
}

void GenerationWindowTest::generateFillsEveryPanel() {
    prepare(QStringLiteral("a yellow star"), 4, 42);
    QSignalSpy stepped(controller(), &GenerationController::stepped);
    // The button a user clicks.
    QSignalSpy finished(controller(), &GenerationController::finished);
    QTest::mouseClick(panel()->findChild<QPushButton*>(QStringLiteral("generateButton")), Qt::LeftButton);
    QVERIFY(controller()->isBusy());
    QVERIFY(m_window->cancelAction()->isEnabled());
    QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty(); }, kTimeoutMs));

    QCOMPARE(stepped.size(), 4);
    for (int i = 0; i < 4; ++i) {
        const StepUpdate u = stepped[i][0].value<StepUpdate>();
        QCOMPARE(u.index, i);
        QCOMPARE(u.count, 4);
    }
    const GenerationOutcome outcome = finished[0][0].value<GenerationOutcome>();
    QCOMPARE(outcome.request.seed, quint64(42));
    QCOMPARE(outcome.image.size(), QSize(64, 64));
    QCOMPARE(m_window->resultView()->image(), outcome.image);
    QCOMPARE(m_window->centralTabs()->currentWidget(), static_cast<QWidget*>(m_window->resultView()));
    QCOMPARE(m_window->stepsPanel()->stepCount(), 4);
    QVERIFY(!m_window->stepsPanel()->largeImage().isNull());
    QCOMPARE(m_window->noiseLevelPanel()->pointCount(NoiseLevelPanel::Series::PlannedSigma), 4);
    QCOMPARE(m_window->noiseLevelPanel()->pointCount(NoiseLevelPanel::Series::LatentStd), 4);
    QCOMPARE(m_window->noiseLevelPanel()->pointCount(NoiseLevelPanel::Series::EpsNorm), 4);
    QCOMPARE(m_window->noiseLevelPanel()->pointCount(NoiseLevelPanel::Series::GuidanceNorm), 4);
    QCOMPARE(m_window->schedulePlot()->visitCount(), 4);
    QCOMPARE(m_window->schedulePlot()->visitGraph(ds::ui::SchedulePlotPanel::Quantity::AlphaBar)->data()->size(), 4);
    QCOMPARE(m_window->historyStrip()->count(), 1);
    QCOMPARE(m_window->progressBar()->maximum(), 1);  // idle again: reset
    QVERIFY(!controller()->isBusy());
    QVERIFY(!m_window->cancelAction()->isEnabled());
    QVERIFY(m_window->saveImageAction()->isEnabled());
    // The keys of the issue: Ctrl+Return generates, Esc cancels, Ctrl+S saves (the project, which
    // keeps the result in its history; the image alone is Ctrl+Alt+S).
    QCOMPARE(m_window->generateAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Return));
    QCOMPARE(m_window->cancelAction()->shortcut(), QKeySequence(Qt::Key_Escape));
    QCOMPARE(m_window->saveProjectAction()->shortcut(), QKeySequence(QKeySequence::Save));
    QCOMPARE(m_window->saveImageAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
}

void GenerationWindowTest::theUiThreadKeepsRunning() {
    prepare(QStringLiteral("a blue circle"), 12, 5);
    QElapsedTimer clock;
    qint64 last = 0, largestGap = 0;
    int ticks = 0;
    QTimer probe;
    probe.setInterval(5);
    connect(&probe, &QTimer::timeout, this, [&] {
        const qint64 now = clock.nsecsElapsed();
        largestGap = qMax(largestGap, now - last);
        last = now;
        ++ticks;
    });
    // Progress is reported while it runs, with a rate once steps are done.
    QSignalSpy progress(controller(), &GenerationController::progress);
    clock.start();
    probe.start();
#ifdef CLOCK_THREAD_CPUTIME_ID  // what the UI thread itself spends on the live panels (reported)
    timespec cpu0{}, cpu1{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
#endif
    const GenerationOutcome outcome = generateAndWait();
    const qint64 total = clock.nsecsElapsed();
#ifdef CLOCK_THREAD_CPUTIME_ID
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
    qInfo("UI thread CPU during the run: %.0f ms",
          (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6);
#endif
    probe.stop();
    QVERIFY(!outcome.image.isNull());
    QVERIFY(progress.size() >= 12);
    const QList<QVariant> lastProgress = progress.last();
    QCOMPARE(lastProgress[0].toInt(), 12);
    QCOMPARE(lastProgress[1].toInt(), 12);
    QVERIFY(lastProgress[2].toDouble() > 0);  // it/s
    qInfo("UI event loop: %d ticks, longest stall %.1f ms during a %.0f ms generation", ticks, largestGap / 1e6,
          total / 1e6);
    QVERIFY(ticks > 3);
    // Relative, not absolute: a blocked UI thread would stall for about the whole run.
    QVERIFY2(largestGap < total / 3, qPrintable(QStringLiteral("stall %1 ms of %2 ms").arg(largestGap / 1e6).arg(total / 1e6)));
}

void GenerationWindowTest::cancelStopsTheRun() {
    prepare(QStringLiteral("a green tree"), 300, 9);
    QSignalSpy stepped(controller(), &GenerationController::stepped);
    QSignalSpy cancelled(controller(), &GenerationController::cancelled);
    QSignalSpy finished(controller(), &GenerationController::finished);
    m_window->generateAction()->trigger();
    QVERIFY(QTest::qWaitFor([&] { return stepped.size() >= 2; }, kTimeoutMs));
    const int stepsAtCancel = stepped.size();
    m_window->cancelAction()->trigger();  // Esc
    QVERIFY(QTest::qWaitFor([&] { return !cancelled.isEmpty(); }, kTimeoutMs));
    QVERIFY(finished.isEmpty());
    // At most the call in flight and a step already queued towards the UI come after the cancel.
    QVERIFY2(stepped.size() <= stepsAtCancel + 2,
             qPrintable(QStringLiteral("%1 steps after cancelling at %2").arg(stepped.size()).arg(stepsAtCancel)));
    QVERIFY(!controller()->isBusy());
    QVERIFY(m_window->stepsPanel()->stepCount() == stepped.size());
    // The window generates again.
    prepare(QStringLiteral("a green tree"), 2, 9);
    QVERIFY(!generateAndWait().image.isNull());
}

void GenerationWindowTest::aSecondGenerateIsQueued() {
    prepare(QStringLiteral("first"), 4, 1);
    QSignalSpy finished(controller(), &GenerationController::finished);
    m_window->generateAction()->trigger();
    prepare(QStringLiteral("second"), 3, 2);
    m_window->generateAction()->trigger();  // while the first runs
    QCOMPARE(controller()->queuedCount(), 1);
    QVERIFY(panel()->findChild<QLabel*>(QStringLiteral("queueLabel"))->isVisibleTo(panel()));
    QVERIFY(QTest::qWaitFor([&] { return finished.size() == 2; }, kTimeoutMs));
    QCOMPARE(finished[0][0].value<GenerationOutcome>().request.prompt, QStringLiteral("first"));
    QCOMPARE(finished[1][0].value<GenerationOutcome>().request.prompt, QStringLiteral("second"));
    QCOMPARE(finished[1][0].value<GenerationOutcome>().request.steps, 3);
    QCOMPARE(controller()->queuedCount(), 0);
    QVERIFY(!panel()->findChild<QLabel*>(QStringLiteral("queueLabel"))->isVisibleTo(panel()));
}

void GenerationWindowTest::brokenCheckpointShowsAMessage() {
    const QString path = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("not-a-model.safetensors"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("definitely not a checkpoint");
    file.close();
    prepare(QStringLiteral("anything"), 2, 3);
    panel()->setModelPath(path);
    QCOMPARE(panel()->recentModels().first(), QFileInfo(path).absoluteFilePath());
    QSignalSpy failed(controller(), &GenerationController::failed);
    m_window->generateAction()->trigger();
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, kTimeoutMs));
    const QString message = panel()->message();
    QVERIFY2(message.startsWith(QStringLiteral("Could not load the model: ")), qPrintable(message));
    QVERIFY(panel()->findChild<QLabel*>(QStringLiteral("messageLabel"))->isVisibleTo(panel()));
    QVERIFY(!controller()->isBusy());
    // Back to the built-in model: it works, and the message goes.
    prepare(QStringLiteral("anything"), 2, 3);
    QVERIFY(!generateAndWait().image.isNull());
    QVERIFY(panel()->message().isEmpty());
}

void GenerationWindowTest::historyRestoresTheSettings() {
    prepare(QStringLiteral("a red apple"), 3, 1111);
    const GenerationOutcome first = generateAndWait();
    prepare(QStringLiteral("a purple flower"), 2, 2222);
    panel()->setRandomSeed(true);
    const GenerationOutcome second = generateAndWait();
    QVERIFY(!first.image.isNull() && !second.image.isNull());
    QVERIFY(second.request.seed != 2222);  // random: a fresh seed
    ds::ui::HistoryStrip* history = m_window->historyStrip();
    QVERIFY(history->count() >= 2);
    QCOMPARE(history->entry(0).request.prompt, QStringLiteral("a purple flower"));
    history->activate(1);  // the older one
    QCOMPARE(m_window->resultView()->image(), first.image);
    const GenerationRequest restored = panel()->request();
    QCOMPARE(restored.prompt, QStringLiteral("a red apple"));
    QCOMPARE(restored.seed, quint64(1111));
    QCOMPARE(restored.steps, 3);
    QVERIFY(!panel()->randomSeed());  // a restored seed is fixed, so Generate reproduces it
    QCOMPARE(m_window->currentOutcome().request.seed, quint64(1111));
    // Reuse last: the seed of the last generation.
    panel()->reuseLastSeed();
    QCOMPARE(panel()->request().seed, second.request.seed);
}

void GenerationWindowTest::saveWritesTheParametersText() {
    prepare(QStringLiteral("a smiling sun"), 3, 77);
    const GenerationOutcome outcome = generateAndWait();
    QVERIFY(!outcome.image.isNull());
    const QString path = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("generated.png"));
    QFile::remove(path);
    QString error;
    QVERIFY2(m_window->saveImage(path, &error), qPrintable(error));
    const auto text = ds::read_image_text(path.toStdString());
    QVERIFY(text.count("parameters"));
    const ds::GenerationMetadata m = ds::parse_parameters(text.at("parameters"));
    QCOMPARE(QString::fromStdString(m.prompt), QStringLiteral("a smiling sun"));
    QCOMPARE(m.seed, quint64(77));
    QCOMPARE(m.steps, 3);
    QCOMPARE(m.width, 64);
    QCOMPARE(QImage(path).size(), QSize(64, 64));
    // A folder that does not exist: a message, and no file.
    const QString impossible = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("no-such-folder/x.png"));
    QVERIFY(!m_window->saveImage(impossible, &error));
    QVERIFY(error.contains(QStringLiteral("x.png")));
    QVERIFY(!QFile::exists(impossible));
}

void GenerationWindowTest::theResultGoesToTheForwardExplorer() {
    prepare(QStringLiteral("a purple moon"), 3, 31);
    const GenerationOutcome outcome = generateAndWait();
    QVERIFY(!outcome.image.isNull());
    QAction* action = m_window->resultToExplorerAction();
    QVERIFY(action->isEnabled());
    action->trigger();
    const auto* explorer = m_window->findChild<ds::ui::ForwardExplorerPanel*>(QStringLiteral("forwardExplorer"));
    QVERIFY(explorer);
    QCOMPARE(explorer->sourceImage().size(), outcome.image.size());
    QCOMPARE(explorer->sourceImage().convertToFormat(QImage::Format_RGB888),
             outcome.image.convertToFormat(QImage::Format_RGB888));
    QCOMPARE(m_window->findChild<QTabWidget*>()->currentWidget(), static_cast<const QWidget*>(explorer));
}

void GenerationWindowTest::preferencesOfferTheLanguages() {
    QSettings().setValue(QLatin1String(ds::ui::kLanguageSettingsKey), QStringLiteral("pt_BR"));
    ds::ui::PreferencesDialog dialog(ds::ui::EngineOptions{}, m_window.get());
    auto* combo = dialog.findChild<QComboBox*>(QStringLiteral("languageCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->count(), 1 + ds::ui::availableLanguages().size());  // "system" + each catalogue
    QCOMPARE(combo->itemData(0).toString(), QString());
    QVERIFY(ds::ui::availableLanguages().contains(QStringLiteral("pt_BR")));
    QCOMPARE(dialog.language(), QStringLiteral("pt_BR"));  // the saved choice is preselected
    combo->setCurrentIndex(0);
    QCOMPARE(dialog.language(), QString());
    QSettings().remove(QLatin1String(ds::ui::kLanguageSettingsKey));
}

void GenerationWindowTest::decodeIntervalFollowsThePreferences() {
    ds::ui::EngineOptions options = controller()->options();
    options.decodeInterval = 2;
    m_window->setEngineOptions(options);
    QCOMPARE(ds::ui::loadEngineOptions().decodeInterval, 2);  // persisted
    prepare(QStringLiteral("a cat"), 4, 4);
    QSignalSpy stepped(controller(), &GenerationController::stepped);
    QVERIFY(!generateAndWait().image.isNull());
    QCOMPARE(stepped.size(), 4);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(!stepped[i][0].value<StepUpdate>().x0Decoded.isNull(), i % 2 == 1);
    options.decodeInterval = 0;
    m_window->setEngineOptions(options);
}

void GenerationWindowTest::docksHideAndRestore() {
    const QList<QDockWidget*> docks = m_window->docks();
    QCOMPARE(docks.size(), 5);
    for (QDockWidget* dock : docks) {
        QVERIFY(m_window->viewMenu()->actions().contains(dock->toggleViewAction()));
        QVERIFY2(dock->isVisible(), qPrintable(dock->objectName()));
        dock->toggleViewAction()->trigger();
        QVERIFY(!dock->isVisible());
    }
    m_window->restoreLayoutAction()->trigger();
    for (QDockWidget* dock : docks) QVERIFY2(dock->isVisible(), qPrintable(dock->objectName()));
}

void GenerationWindowTest::screenshot() {
    prepare(QStringLiteral("a red heart"), 8, 2024);
    ds::ui::EngineOptions options = controller()->options();
    options.decodeInterval = 4;
    m_window->setEngineOptions(options);
    QVERIFY(!generateAndWait().image.isNull());
    QTest::qWait(100);  // queued replots
    const QString path = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("generation_window.png"));
    QVERIFY(m_window->grab().toImage().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

void GenerationWindowTest::closingDuringARunExitsCleanly() {
    prepare(QStringLiteral("a long one"), 500, 6);
    QSignalSpy stepped(controller(), &GenerationController::stepped);
    m_window->generateAction()->trigger();
    QVERIFY(QTest::qWaitFor([&] { return stepped.size() >= 1; }, kTimeoutMs));
    QThread* worker = controller()->workerThread();
    QVERIFY(worker->isRunning());
    QVERIFY(m_window->close());
    QVERIFY(worker->isFinished());  // cancelled and joined, not left running
    QVERIFY(stepped.size() < 500);
    QCOMPARE(controller()->submit(panel()->request()), 0);  // nothing starts after the close
    m_window.reset();
}

DS_REGISTER_UI_TEST(GenerationWindowTest)
#include "test_generation_window.moc"
