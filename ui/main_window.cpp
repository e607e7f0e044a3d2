#include "ui/main_window.h"

#include <qcustomplot.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "ui/bridge/result_file.h"
#include "ui/canvas/canvas_document.h"
#include "ui/canvas/canvas_widget.h"
#include "ui/forward_explorer_panel.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/history_strip.h"
#include "ui/language.h"
#include "ui/noise_level_panel.h"
#include "ui/preferences_dialog.h"
#include "ui/project_autosave.h"
#include "ui/result_view.h"
#include "ui/schedule_plot_panel.h"
#include "ui/steps_panel.h"
#include "ui/studio_project.h"

namespace ds::ui {
namespace {

const char kGeometryKey[] = "mainWindow/geometry";
const char kStateKey[] = "mainWindow/state";
const char kTimestepsKey[] = "schedules/timesteps";
const char kQuantityKey[] = "schedules/shownQuantity";
const char kSeedKey[] = "explorer/seed";
const char kTimestepKey[] = "explorer/timestep";
const char kScaledLinearKey[] = "explorer/showScaledLinear";
const char kDirectoryKey[] = "explorer/lastDirectory";
const char kRecentModelsKey[] = "generation/recentModels";
const char kModelKey[] = "generation/model";
const char kModelDirectoryKey[] = "generation/modelDirectory";
const char kSaveDirectoryKey[] = "generation/saveDirectory";
const char kPromptKey[] = "generation/prompt";
const char kNegativeKey[] = "generation/negativePrompt";
const char kSamplerKey[] = "generation/sampler";
const char kKarrasKey[] = "generation/karras";
const char kStepsKey[] = "generation/steps";
const char kCfgKey[] = "generation/cfgScale";
const char kScheduleKey[] = "generation/builtinSchedule";
const char kRandomSeedKey[] = "generation/randomSeed";
const char kSeedValueKey[] = "generation/seed";
const char kWidthKey[] = "generation/width";
const char kHeightKey[] = "generation/height";
const char kCanvasModeKey[] = "generation/canvasSettings";  // mode, strength, inpaint and outpaint options

QString formatDuration(double seconds) {
    const int s = qMax(0, qRound(seconds));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("centralTabs"));
    m_resultView = new ResultView(m_tabs);
    m_resultView->setObjectName(QStringLiteral("resultView"));
    m_explorer = new ForwardExplorerPanel(m_tabs);
    m_explorer->setObjectName(QStringLiteral("forwardExplorer"));
    m_tabs->addTab(m_resultView, QString());
    createCanvas();
    m_tabs->addTab(m_canvasPage, QString());
    m_tabs->addTab(m_explorer, QString());
    setCentralWidget(m_tabs);

    m_generationPanel = new GenerationPanel(this);
    m_generationPanel->setObjectName(QStringLiteral("generationPanel"));
    m_generationDock = addDock(m_generationPanel, "generationDock", Qt::LeftDockWidgetArea);
    m_schedulePlot = new SchedulePlotPanel(this);
    m_schedulePlot->setObjectName(QStringLiteral("schedulePlot"));
    m_scheduleDock = addDock(m_schedulePlot, "scheduleDock", Qt::RightDockWidgetArea);
    m_history = new HistoryStrip(this);
    m_history->setObjectName(QStringLiteral("historyStrip"));
    m_historyDock = addDock(m_history, "historyDock", Qt::LeftDockWidgetArea);
    splitDockWidget(m_generationDock, m_historyDock, Qt::Vertical);  // under the controls
    m_stepsPanel = new StepsPanel(this);
    m_stepsPanel->setObjectName(QStringLiteral("stepsPanel"));
    m_stepsDock = addDock(m_stepsPanel, "stepsDock", Qt::BottomDockWidgetArea);
    m_noisePanel = new NoiseLevelPanel(this);
    m_noisePanel->setObjectName(QStringLiteral("noiseLevelPanel"));
    m_noiseDock = addDock(m_noisePanel, "noiseDock", Qt::BottomDockWidgetArea);
    splitDockWidget(m_stepsDock, m_noiseDock, Qt::Horizontal);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    m_progressLabel = new QLabel(this);
    m_progressLabel->setObjectName(QStringLiteral("progressLabel"));
    statusBar()->addPermanentWidget(m_progressLabel);
    statusBar()->addPermanentWidget(m_progress);

    m_controller = new GenerationController(this);
    m_controller->setOptions(loadEngineOptions());
    connectGeneration();

    connect(m_schedulePlot, &SchedulePlotPanel::timestepsChanged, m_explorer,
            &ForwardExplorerPanel::setTimesteps);
    connect(m_schedulePlot, &SchedulePlotPanel::timestepPicked, m_explorer,
            &ForwardExplorerPanel::setTimestep);
    connect(m_explorer, &ForwardExplorerPanel::timestepChanged, m_schedulePlot,
            &SchedulePlotPanel::setMarker);
    connect(m_explorer, &ForwardExplorerPanel::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 5000); });

    createActions();
    createMenus();
    retranslateUi();
    m_defaultState = saveState();
    readSettings();
    // After the settings: the state the studio starts in is not a change worth recovering.
    m_autosave = new ProjectAutosave(QString(), [this] { return projectSnapshot(); }, this);
    connect(m_autosave, &ProjectAutosave::autosaveFailed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Autosave failed: %1").arg(error), 10000);
    });
}

MainWindow::~MainWindow() {
    // Join the worker before any panel goes: no queued step may reach a half-destroyed window.
    m_controller->shutdown();
}

QDockWidget* MainWindow::addDock(QWidget* widget, const char* name, Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(this);
    dock->setObjectName(QLatin1String(name));  // saveState() needs it
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

QList<QDockWidget*> MainWindow::docks() const {
    return {m_generationDock, m_scheduleDock, m_stepsDock, m_noiseDock, m_historyDock};
}

void MainWindow::connectGeneration() {
    connect(m_generationPanel, &GenerationPanel::generateRequested, this, &MainWindow::generate);
    connect(m_generationPanel, &GenerationPanel::cancelRequested, this, &MainWindow::cancelGeneration);
    connect(m_generationPanel, &GenerationPanel::openModelRequested, this, &MainWindow::openModelDialog);
    connect(m_controller, &GenerationController::jobStarted, this, &MainWindow::onJobStarted);
    connect(m_controller, &GenerationController::modelLoaded, this, [this](const QString& name) {
        m_progressLabel->setText(tr("Model %1 ready").arg(name));
    });
    connect(m_controller, &GenerationController::planned, this, &MainWindow::onPlanned);
    connect(m_controller, &GenerationController::stepped, this, &MainWindow::onStep);
    connect(m_controller, &GenerationController::progress, this, &MainWindow::onProgress);
    connect(m_controller, &GenerationController::finished, this, &MainWindow::onFinished);
    connect(m_controller, &GenerationController::failed, this, &MainWindow::onFailed);
    connect(m_controller, &GenerationController::cancelled, this, &MainWindow::onCancelled);
    connect(m_controller, &GenerationController::queueChanged, this, [this](int queued) {
        m_generationPanel->setBusy(m_controller->isBusy(), queued);
    });
    connect(m_controller, &GenerationController::busyChanged, this, [this](bool busy) {
        m_generationPanel->setBusy(busy, m_controller->queuedCount());
        m_cancelAction->setEnabled(busy);
        if (!busy) {
            m_progress->setRange(0, 1);
            m_progress->setValue(0);
            m_progress->setFormat(QString());
        }
    });
    connect(m_history, &HistoryStrip::entryActivated, this, &MainWindow::showOutcome);
    // Choosing a canvas mode brings the canvas forward: that is where its input is painted.
    connect(m_generationPanel, &GenerationPanel::modeChanged, this, [this](GenerationMode mode) {
        if (mode != GenerationMode::TextToImage) m_tabs->setCurrentWidget(m_canvasPage);
    });
}

void MainWindow::generate() {
    GenerationRequest request = m_generationPanel->nextRequest();
    if (request.usesCanvas() && !prepareCanvasRequest(&request)) return;
    const bool queued = m_controller->isBusy();
    if (m_controller->submit(request) == 0) return;  // shutting down
    if (queued)
        statusBar()->showMessage(
            tr("Queued: starts when the running generation ends (%n waiting)", nullptr, m_controller->queuedCount()),
            5000);
}

void MainWindow::cancelGeneration() {
    if (!m_controller->isBusy()) return;
    const int dropped = m_controller->cancel();
    m_progressLabel->setText(tr("Cancelling…"));
    if (dropped > 0)
        statusBar()->showMessage(tr("Cancelled; %n queued generation(s) dropped", nullptr, dropped), 5000);
}

void MainWindow::onJobStarted(int, const GenerationRequest& request) {
    m_stepsPanel->clear();
    m_noisePanel->clear();
    m_schedulePlot->clearVisits();
    m_generationPanel->setMessage(QString());
    m_tabs->setCurrentWidget(m_resultView);
    m_progress->setRange(0, 0);  // busy indicator while the model loads
    m_progressLabel->setText(request.isBuiltin() ? tr("Loading the built-in model…")
                                                 : tr("Loading %1…").arg(QFileInfo(request.modelPath).fileName()));
}

void MainWindow::onPlanned(const GenerationPlan& plan) {
    m_stepsPanel->startRun(plan);
    m_noisePanel->setPlan(plan);
    m_schedulePlot->setVisitedTimesteps(plan.scheduleName, plan.trainTimesteps, plan.timesteps);
    m_progress->setRange(0, qMax(1, int(plan.timesteps.size())));
    m_progress->setValue(0);
}

void MainWindow::onStep(const StepUpdate& step) {
    m_stepsPanel->addStep(step);
    m_noisePanel->addStep(step);
    m_schedulePlot->setCurrentVisit(step.index);
    if (!step.x0Decoded.isNull()) m_resultView->setImage(step.x0Decoded);  // the picture forming
}

void MainWindow::onProgress(int done, int total, double stepsPerSecond, double secondsLeft) {
    m_progress->setRange(0, qMax(1, total));
    m_progress->setValue(done);
    m_progress->setFormat(tr("Step %1/%2").arg(done).arg(total));
    if (done == 0 || stepsPerSecond <= 0) {
        m_progressLabel->setText(tr("Sampling…"));
        return;
    }
    m_progressLabel->setText(tr("%1 it/s · %2 left")
                                 .arg(QLocale().toString(stepsPerSecond, 'f', stepsPerSecond < 10 ? 2 : 1),
                                      formatDuration(secondsLeft)));
}

void MainWindow::onFinished(const GenerationOutcome& finished) {
    if (finished.request.usesCanvas()) applyToCanvas(finished);
    GenerationOutcome outcome = finished;  // the history keeps the settings, not the canvas it ran on
    outcome.request.initImage = QImage();
    outcome.request.mask = QImage();
    m_outcome = outcome;
    m_resultView->setImage(outcome.image);
    m_history->addOutcome(outcome);
    setProjectModified(true);
    m_saveImageAction->setEnabled(true);
    m_resultToExplorerAction->setEnabled(true);
    m_resultToCanvasAction->setEnabled(true);
    endRun();
    m_progressLabel->setText(tr("Done in %1 s").arg(QLocale().toString(outcome.seconds, 'f', 1)));
    statusBar()->showMessage(tr("Generated %1×%2 with %3, seed %4")
                                 .arg(outcome.image.width())
                                 .arg(outcome.image.height())
                                 .arg(outcome.modelName)
                                 .arg(outcome.request.seed),
                             8000);
}

void MainWindow::onFailed(const GenerationFailure& failure) {
    QString text;
    switch (failure.kind) {
        case GenerationFailure::Kind::ModelLoad:
            text = tr("Could not load the model: %1").arg(failure.detail);
            break;
        case GenerationFailure::Kind::InvalidParameters:
            text = tr("These settings cannot be used: %1").arg(failure.detail);
            break;
        case GenerationFailure::Kind::NonFinite:
            text = tr("The generation diverged: %1").arg(failure.detail);
            break;
        case GenerationFailure::Kind::OutOfMemory:
            text = tr("Out of memory (%1). Try a smaller size or another device.").arg(failure.detail);
            break;
        case GenerationFailure::Kind::Other:
            text = tr("Generation failed: %1").arg(failure.detail);
            break;
    }
    m_generationPanel->setMessage(text, true);
    endRun();
    m_progressLabel->setText(tr("Failed"));
    statusBar()->showMessage(text, 10000);
}

void MainWindow::onCancelled() {
    endRun();
    m_progressLabel->setText(tr("Cancelled"));
}

void MainWindow::endRun() {
    m_stepsPanel->finishRun();
    m_schedulePlot->setCurrentVisit(-1);
}

void MainWindow::showOutcome(const GenerationOutcome& outcome) {
    m_outcome = outcome;
    m_resultView->setImage(outcome.image);
    m_generationPanel->setRequest(outcome.request);
    m_saveImageAction->setEnabled(!outcome.image.isNull());
    m_resultToExplorerAction->setEnabled(!outcome.image.isNull());
    m_resultToCanvasAction->setEnabled(!outcome.image.isNull());
    m_tabs->setCurrentWidget(m_resultView);
}

bool MainWindow::saveImage(const QString& path, QString* error) {
    if (m_outcome.image.isNull()) {
        if (error) *error = tr("There is no image to save yet: generate one first");
        return false;
    }
    QString reason;
    if (!saveResultImage(path, m_outcome.image, m_outcome.parameters, &reason)) {
        if (error) *error = tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(path), reason);
        return false;
    }
    return true;
}

void MainWindow::saveImageDialog() {
    if (m_outcome.image.isNull()) return;
    const QString directory = m_saveDirectory.isEmpty() ? m_explorer->lastDirectory() : m_saveDirectory;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save image"), QDir(directory).filePath(QStringLiteral("%1.png").arg(m_outcome.request.seed)),
        tr("PNG images (*.png);;TIFF images, 16 bits (*.tif *.tiff);;OpenEXR images, half float (*.exr);;"
           "JPEG images (*.jpg *.jpeg)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
    QString error;
    if (!saveImage(path, &error)) {
        QMessageBox::warning(this, tr("Save image"), error);
        return;
    }
    m_saveDirectory = QFileInfo(path).absolutePath();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::openModelDialog() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open model"), m_modelDirectory,
        tr("Stable Diffusion models (*.safetensors model_index.json);;All files (*)"));
    if (path.isEmpty()) return;
    const QFileInfo info(path);
    m_modelDirectory = info.absolutePath();
    // A diffusers model is a folder, and so is a built-in model that `train export` wrote: choosing its
    // model_index.json or model.json opens the folder.
    const bool folderFile =
        info.fileName() == QLatin1String("model_index.json") || info.fileName() == QLatin1String("model.json");
    m_generationPanel->setModelPath(folderFile ? info.absolutePath() : info.absoluteFilePath());
    QSettings().setValue(kRecentModelsKey, m_generationPanel->recentModels());
}

void MainWindow::setEngineOptions(const EngineOptions& options) {
    m_controller->setOptions(options);
    saveEngineOptions(options);
}

void MainWindow::preferencesDialog() {
    PreferencesDialog dialog(m_controller->options(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    setEngineOptions(dialog.options());
    if (dialog.language() != QSettings().value(QLatin1String(kLanguageSettingsKey)).toString())
        chooseLanguage(dialog.language());
}

void MainWindow::resultToExplorer() {
    if (m_resultView->image().isNull()) return;
    m_explorer->setSourceImage(m_resultView->image(), tr("the result"));
    m_tabs->setCurrentWidget(m_explorer);
}

void MainWindow::restoreDefaultLayout() {
    restoreState(m_defaultState);
    for (QDockWidget* dock : docks()) {
        dock->setFloating(false);
        dock->show();
    }
}

void MainWindow::createActions() {
    m_openModelAction = new QAction(this);
    m_openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(m_openModelAction, &QAction::triggered, this, &MainWindow::openModelDialog);
    m_saveImageAction = new QAction(this);
    m_saveImageAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));  // Ctrl+S saves the project
    m_saveImageAction->setEnabled(false);
    connect(m_saveImageAction, &QAction::triggered, this, &MainWindow::saveImageDialog);
    m_resultToExplorerAction = new QAction(this);
    m_resultToExplorerAction->setEnabled(false);
    connect(m_resultToExplorerAction, &QAction::triggered, this, &MainWindow::resultToExplorer);
    m_preferencesAction = new QAction(this);
    m_preferencesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_preferencesAction->setMenuRole(QAction::PreferencesRole);
    connect(m_preferencesAction, &QAction::triggered, this, &MainWindow::preferencesDialog);
    m_generateAction = new QAction(this);
    m_generateAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    connect(m_generateAction, &QAction::triggered, this, &MainWindow::generate);
    m_cancelAction = new QAction(this);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelGeneration);
    m_restoreLayoutAction = new QAction(this);
    connect(m_restoreLayoutAction, &QAction::triggered, this, &MainWindow::restoreDefaultLayout);
    m_zoomInAction = new QAction(this);
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    // The zoom actions act on the tab in front: the canvas or the result.
    connect(m_zoomInAction, &QAction::triggered, this, [this] {
        m_tabs->currentWidget() == m_canvasPage ? m_canvasView->zoomIn() : m_resultView->zoomIn();
    });
    m_zoomOutAction = new QAction(this);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAction, &QAction::triggered, this, [this] {
        m_tabs->currentWidget() == m_canvasPage ? m_canvasView->zoomOut() : m_resultView->zoomOut();
    });
    m_fitAction = new QAction(this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_fitAction, &QAction::triggered, this, [this] {
        m_tabs->currentWidget() == m_canvasPage ? m_canvasView->fitToWindow() : m_resultView->fitToWindow();
    });
    m_actualSizeAction = new QAction(this);
    m_actualSizeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(m_actualSizeAction, &QAction::triggered, this, [this] {
        m_tabs->currentWidget() == m_canvasPage ? m_canvasView->actualSize() : m_resultView->actualSize();
    });
    createProjectActions();

    m_openAction = new QAction(this);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    connect(m_openAction, &QAction::triggered, this, [this] {
        m_tabs->setCurrentWidget(m_explorer);
        m_explorer->openImageDialog();
    });
    m_exportAction = new QAction(this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_exportAction, &QAction::triggered, m_explorer, &ForwardExplorerPanel::exportGridDialog);
    m_exportPlotAction = new QAction(this);
    connect(m_exportPlotAction, &QAction::triggered, this, &MainWindow::exportPlotDialog);
    m_quitAction = new QAction(this);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    m_aboutAction = new QAction(this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
    m_aboutQtAction = new QAction(this);
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus() {
    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->setObjectName(QStringLiteral("fileMenu"));
    m_fileMenu->addAction(m_newProjectAction);
    m_fileMenu->addAction(m_openProjectAction);
    m_fileMenu->addAction(m_saveProjectAction);
    m_fileMenu->addAction(m_saveProjectAsAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_openCanvasImageAction);
    m_fileMenu->addAction(m_exportCanvasAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_openModelAction);
    m_fileMenu->addAction(m_saveImageAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_openAction);
    m_fileMenu->addAction(m_resultToExplorerAction);
    m_fileMenu->addAction(m_exportAction);
    m_fileMenu->addAction(m_exportPlotAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    m_editMenu = menuBar()->addMenu(QString());
    m_editMenu->setObjectName(QStringLiteral("editMenu"));
    m_editMenu->addAction(m_undoAction);
    m_editMenu->addAction(m_redoAction);
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_preferencesAction);

    m_generateMenu = menuBar()->addMenu(QString());
    m_generateMenu->setObjectName(QStringLiteral("generateMenu"));
    m_generateMenu->addAction(m_generateAction);
    m_generateMenu->addAction(m_cancelAction);
    m_generateMenu->addSeparator();
    m_generateMenu->addAction(m_resultToCanvasAction);

    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    for (QDockWidget* dock : docks()) m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addAction(m_restoreLayoutAction);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_zoomInAction);
    m_viewMenu->addAction(m_zoomOutAction);
    m_viewMenu->addAction(m_fitAction);
    m_viewMenu->addAction(m_actualSizeAction);
    m_viewMenu->addSeparator();
    m_languageMenu = m_viewMenu->addMenu(QString());
    m_languageMenu->setObjectName(QStringLiteral("languageMenu"));
    m_languageGroup = new QActionGroup(this);
    m_systemLanguageAction = new QAction(m_languageGroup);
    m_systemLanguageAction->setCheckable(true);
    m_systemLanguageAction->setData(QString());
    connect(m_systemLanguageAction, &QAction::triggered, this, [this] { chooseLanguage(QString()); });
    m_languageMenu->addAction(m_systemLanguageAction);
    m_languageMenu->addSeparator();
    for (const QString& code : availableLanguages()) {
        auto* action = new QAction(languageDisplayName(code), m_languageGroup);  // in its own language
        action->setCheckable(true);
        action->setData(code);
        connect(action, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
        m_languageMenu->addAction(action);
    }
    rebuildLanguageMenu();

    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->setObjectName(QStringLiteral("helpMenu"));
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::rebuildLanguageMenu() {
    const QString chosen = QSettings().value(kLanguageSettingsKey).toString();
    for (QAction* action : m_languageGroup->actions())
        action->setChecked(action->data().toString() == chosen);
}

void MainWindow::chooseLanguage(const QString& code) {
    QString error;
    if (!setLanguage(code, &error)) {
        QMessageBox::warning(this, tr("Language"), error);
        return;
    }
    QSettings().setValue(kLanguageSettingsKey, code);
    rebuildLanguageMenu();
}

void MainWindow::exportPlotDialog() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export schedule plot"),
        m_explorer->lastDirectory() + QStringLiteral("/noise-schedules.png"), tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
    const QPixmap pixmap = m_schedulePlot->grab();
    QSaveFile file(path);  // temporary file renamed on commit: never a half-written PNG
    if (!file.open(QIODevice::WriteOnly) || !pixmap.save(&file, "PNG") || !file.commit()) {
        QMessageBox::warning(this, tr("Export schedule plot"),
                             tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Diffusion Studio"),
        tr("<h3>Diffusion Studio %1</h3>"
           "<p>A desktop studio for diffusion models. It generates images from text with the built-in "
           "model or a Stable Diffusion checkpoint, showing every step of the reverse process, and "
           "explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine "
           "(Nichol &amp; Dhariwal 2021) and scaled-linear noise schedules.</p>"
           "<p>Built with Qt %2, QCustomPlot and libtorch.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_askBeforeClosing && !m_closeConfirmed && hasUnsavedChanges()) {
        // Asked without blocking the event loop (a running generation keeps reporting meanwhile).
        event->ignore();
        if (m_closeQuestion) return;
        m_closeQuestion = new QMessageBox(QMessageBox::Warning, tr("Unsaved changes"),
                                          tr("Save the changes to this project before closing?"),
                                          QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        m_closeQuestion->setObjectName(QStringLiteral("closeQuestion"));
        m_closeQuestion->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_closeQuestion, &QMessageBox::finished, this, [this](int result) {
            if (result == QMessageBox::Save && !saveProjectDialog()) return;
            if (result == QMessageBox::Cancel) return;
            m_closeConfirmed = true;
            close();
        });
        m_closeQuestion->open();
        return;
    }
    writeSettings();
    m_autosave->discard();  // a clean exit leaves nothing to recover
    // A running generation is cancelled and the worker joined (within one model call) before the
    // window goes: the program exits cleanly whenever it is closed.
    m_controller->shutdown();
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslateUi() {
    m_scheduleDock->setWindowTitle(tr("Noise schedules"));
    m_generationDock->setWindowTitle(tr("Generation"));
    m_stepsDock->setWindowTitle(tr("Steps"));
    m_noiseDock->setWindowTitle(tr("Noise level"));
    m_historyDock->setWindowTitle(tr("History"));
    m_tabs->setTabText(m_tabs->indexOf(m_resultView), tr("Result"));
    m_tabs->setTabText(m_tabs->indexOf(m_explorer), tr("Forward diffusion"));
    m_fileMenu->setTitle(tr("&File"));
    m_openModelAction->setText(tr("Open &model…"));
    m_openModelAction->setStatusTip(tr("Open a Stable Diffusion checkpoint (.safetensors) or diffusers folder"));
    m_saveImageAction->setText(tr("&Save image…"));
    m_saveImageAction->setStatusTip(tr("Save the result as a PNG with its generation parameters"));
    m_resultToExplorerAction->setText(tr("Bury the &result in noise…"));
    m_resultToExplorerAction->setStatusTip(tr("Show the forward process on the current result in the explorer"));
    m_editMenu->setTitle(tr("&Edit"));
    m_preferencesAction->setText(tr("&Preferences…"));
    m_generateMenu->setTitle(tr("&Generate"));
    m_generateAction->setText(tr("&Generate"));
    m_generateAction->setStatusTip(tr("Generate an image from the prompt"));
    m_cancelAction->setText(tr("&Cancel"));
    m_cancelAction->setStatusTip(tr("Stop the running generation and drop the queued ones"));
    m_restoreLayoutAction->setText(tr("&Restore default layout"));
    m_zoomInAction->setText(tr("Zoom &in"));
    m_zoomOutAction->setText(tr("Zoom &out"));
    m_fitAction->setText(tr("&Fit to window"));
    m_actualSizeAction->setText(tr("&Actual size"));
    m_generationDock->toggleViewAction()->setText(tr("&Generation"));
    m_stepsDock->toggleViewAction()->setText(tr("S&teps"));
    m_noiseDock->toggleViewAction()->setText(tr("Noise &level"));
    m_historyDock->toggleViewAction()->setText(tr("&History"));
    m_openAction->setText(tr("&Open image in the explorer…"));
    m_openAction->setStatusTip(tr("Choose the picture to noise"));
    m_exportAction->setText(tr("&Export…"));
    m_exportAction->setStatusTip(tr("Save the visible row of noised images as a PNG"));
    m_exportPlotAction->setText(tr("Export schedule &plot…"));
    m_exportPlotAction->setStatusTip(tr("Save the noise schedule plots as a PNG"));
    m_quitAction->setText(tr("&Quit"));
    m_viewMenu->setTitle(tr("&View"));
    m_scheduleDock->toggleViewAction()->setText(tr("&Noise schedules"));
    m_languageMenu->setTitle(tr("&Language"));
    m_systemLanguageAction->setText(tr("&System default"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Diffusion Studio"));
    m_aboutQtAction->setText(tr("About &Qt"));
    retranslateProjectUi();
}

void MainWindow::readSettings() {
    const QSettings settings;
    m_schedulePlot->setTimesteps(settings.value(kTimestepsKey, 1000).toInt());
    m_schedulePlot->setShownQuantity(settings.value(kQuantityKey, SchedulePlotPanel::kShowAll).toInt());
    m_explorer->setTimesteps(m_schedulePlot->timesteps());
    m_explorer->setSeed(settings.value(kSeedKey, 0).toULongLong());
    m_explorer->setScaledLinearShown(settings.value(kScaledLinearKey, false).toBool());
    m_explorer->setTimestep(settings.value(kTimestepKey, m_schedulePlot->timesteps() / 4).toInt());
    m_schedulePlot->setMarker(m_explorer->timestep());
    const QString directory = settings.value(kDirectoryKey).toString();
    if (!directory.isEmpty()) m_explorer->setLastDirectory(directory);

    m_generationPanel->setRecentModels(settings.value(kRecentModelsKey).toStringList());
    m_modelDirectory = settings.value(kModelDirectoryKey).toString();
    m_saveDirectory = settings.value(kSaveDirectoryKey).toString();
    GenerationRequest r;  // the defaults
    r.modelPath = settings.value(kModelKey).toString();
    if (!r.modelPath.isEmpty() && !QFileInfo::exists(r.modelPath)) r.modelPath.clear();
    r.builtinSchedule = settings.value(kScheduleKey, r.builtinSchedule).toString();
    r.prompt = settings.value(kPromptKey).toString();
    r.negativePrompt = settings.value(kNegativeKey).toString();
    r.sampler = settings.value(kSamplerKey, r.sampler).toString();
    r.karras = settings.value(kKarrasKey, r.karras).toBool();
    r.steps = settings.value(kStepsKey, r.steps).toInt();
    r.cfgScale = settings.value(kCfgKey, r.cfgScale).toDouble();
    r.seed = settings.value(kSeedValueKey, 0).toULongLong();
    r.width = settings.value(kWidthKey, r.width).toInt();
    r.height = settings.value(kHeightKey, r.height).toInt();
    // The mode and its options, as the project file writes them (the other fields are in their keys).
    std::map<std::string, std::string> canvasSettings;
    const QVariantMap stored = settings.value(kCanvasModeKey).toMap();
    for (auto it = stored.begin(); it != stored.end(); ++it)
        canvasSettings[it.key().toStdString()] = it.value().toString().toStdString();
    r = requestFromSettings(canvasSettings, r);
    m_generationPanel->setRequest(r);
    m_generationPanel->setRandomSeed(settings.value(kRandomSeedKey, true).toBool());

    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        QSize size(1280, 800);
        if (const QScreen* screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableSize() * 0.9);
        resize(size);
        resizeDocks({m_generationDock, m_scheduleDock}, {300, 380}, Qt::Horizontal);
        resizeDocks({m_noiseDock}, {440}, Qt::Horizontal);
        resizeDocks({m_generationDock, m_historyDock}, {size.height() - 160, 160}, Qt::Vertical);
    }
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::writeSettings() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kTimestepsKey, m_schedulePlot->timesteps());
    settings.setValue(kQuantityKey, m_schedulePlot->shownQuantity());
    settings.setValue(kSeedKey, m_explorer->seed());
    settings.setValue(kTimestepKey, m_explorer->timestep());
    settings.setValue(kScaledLinearKey, m_explorer->isScheduleShown(ds::ScheduleKind::ScaledLinear));
    settings.setValue(kDirectoryKey, m_explorer->lastDirectory());

    const GenerationRequest r = m_generationPanel->request();
    settings.setValue(kRecentModelsKey, m_generationPanel->recentModels());
    settings.setValue(kModelKey, r.modelPath);
    settings.setValue(kModelDirectoryKey, m_modelDirectory);
    settings.setValue(kSaveDirectoryKey, m_saveDirectory);
    settings.setValue(kScheduleKey, r.builtinSchedule);
    settings.setValue(kPromptKey, r.prompt);
    settings.setValue(kNegativeKey, r.negativePrompt);
    settings.setValue(kSamplerKey, r.sampler);
    settings.setValue(kKarrasKey, r.karras);
    settings.setValue(kStepsKey, r.steps);
    settings.setValue(kCfgKey, r.cfgScale);
    settings.setValue(kSeedValueKey, QString::number(r.seed));
    settings.setValue(kRandomSeedKey, m_generationPanel->randomSeed());
    settings.setValue(kWidthKey, r.width);
    settings.setValue(kHeightKey, r.height);
    QVariantMap canvasSettings;
    const std::map<std::string, std::string> all = requestSettings(r);
    for (const char* key : {"mode", "strength", "only_masked", "mask_padding", "inpaint_method", "outpaint_fill",
                            "overlap"})
        canvasSettings.insert(QLatin1String(key), QString::fromStdString(all.at(key)));
    settings.setValue(kCanvasModeKey, canvasSettings);
}

}  // namespace ds::ui
