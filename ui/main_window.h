#pragma once
// The studio's main window: it assembles the panels (the result view, the canvas and the forward
// explorer as central tabs; generation controls, steps, noise level, history and schedule plots in
// docks), owns the menus and the generation controller (worker thread), shows progress in the
// status bar, and remembers geometry, dock layout, preferences and choices in QSettings
// ("DiffusionStudio"). The canvas and project side (open/save, autosave and recovery, export,
// canvas generations) is in main_window_project.cpp.
#include <QByteArray>
#include <QMainWindow>
#include <QPointer>

#include "ui/generation_request.h"
#include "ui/step_update.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QUndoGroup;
class QMessageBox;

namespace ds::ui {

class CanvasDocument;
class CanvasToolBar;
class CanvasWidget;
class ForwardExplorerPanel;
class ProjectAutosave;
struct StudioProject;
class GenerationController;
class GenerationPanel;
class HistoryStrip;
class NoiseLevelPanel;
class ResultView;
class SchedulePlotPanel;
class StepsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ForwardExplorerPanel* explorer() const { return m_explorer; }
    SchedulePlotPanel* schedulePlot() const { return m_schedulePlot; }
    QDockWidget* scheduleDock() const { return m_scheduleDock; }
    QTabWidget* centralTabs() const { return m_tabs; }
    ResultView* resultView() const { return m_resultView; }
    GenerationPanel* generationPanel() const { return m_generationPanel; }
    GenerationController* controller() const { return m_controller; }
    StepsPanel* stepsPanel() const { return m_stepsPanel; }
    NoiseLevelPanel* noiseLevelPanel() const { return m_noisePanel; }
    HistoryStrip* historyStrip() const { return m_history; }
    QList<QDockWidget*> docks() const;
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* progressLabel() const { return m_progressLabel; }
    QAction* generateAction() const { return m_generateAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    QAction* saveImageAction() const { return m_saveImageAction; }
    QAction* resultToExplorerAction() const { return m_resultToExplorerAction; }
    QAction* restoreLayoutAction() const { return m_restoreLayoutAction; }
    QMenu* generateMenu() const { return m_generateMenu; }

    // --- the canvas and the project (main_window_project.cpp) ---
    CanvasWidget* canvasWidget() const { return m_canvasView; }
    CanvasDocument* canvasDocument() const { return m_canvas; }
    CanvasToolBar* canvasToolBar() const { return m_canvasToolBar; }
    QWidget* canvasPage() const { return m_canvasPage; }
    ProjectAutosave* autosave() const { return m_autosave; }
    QAction* newProjectAction() const { return m_newProjectAction; }
    QAction* openProjectAction() const { return m_openProjectAction; }
    QAction* saveProjectAction() const { return m_saveProjectAction; }
    QAction* saveProjectAsAction() const { return m_saveProjectAsAction; }
    QAction* openCanvasImageAction() const { return m_openCanvasImageAction; }
    QAction* exportCanvasAction() const { return m_exportCanvasAction; }
    QAction* resultToCanvasAction() const { return m_resultToCanvasAction; }
    QAction* undoAction() const { return m_undoAction; }
    QAction* redoAction() const { return m_redoAction; }
    QString projectPath() const { return m_projectPath; }
    // Something a save would keep changed since the last save or open (canvas, history, mask).
    bool hasUnsavedChanges() const;
    // Closing with unsaved changes asks Save / Discard / Cancel (on by default; tests turn it off).
    void setAskBeforeClosing(bool ask) { m_askBeforeClosing = ask; }

    StudioProject projectSnapshot() const;     // the state a save writes
    void applyProject(const StudioProject& project);  // the state an open restores
    bool saveProject(const QString& path, QString* error = nullptr);
    bool openProject(const QString& path, QString* error = nullptr);
    // The picture becomes the canvas (an undo step when the canvas had one already).
    bool openImageOnCanvas(const QString& path, QString* error = nullptr);
    // Writes the canvas picture (alpha kept where the format has it) with the parameters of the
    // last generation applied to it: PNG, TIFF (16-bit), EXR (half), JPEG.
    bool exportCanvas(const QString& path, QString* error = nullptr);
    // Looks for recovery files of studios that crashed and offers (without blocking) to restore the
    // newest; returns the dialog, or null when there is nothing to recover.
    QMessageBox* offerRecovery();
    bool restoreRecovery(const QString& path, QString* error = nullptr);

    // The last finished (or history-restored) generation; its id is 0 before the first.
    const GenerationOutcome& currentOutcome() const { return m_outcome; }
    // Writes the current result with its "parameters" text; false with *error set otherwise.
    bool saveImage(const QString& path, QString* error = nullptr);
    void setEngineOptions(const EngineOptions& options);
    QMenu* fileMenu() const { return m_fileMenu; }
    QMenu* viewMenu() const { return m_viewMenu; }
    QMenu* helpMenu() const { return m_helpMenu; }

public slots:
    void exportPlotDialog();
    void showAbout();
    void generate();
    void cancelGeneration();
    void openModelDialog();
    void saveImageDialog();
    void preferencesDialog();
    void restoreDefaultLayout();
    // The current result becomes the forward explorer's image (its tab comes to the front).
    void resultToExplorer();
    void showOutcome(const ds::ui::GenerationOutcome& outcome);  // result view + restored settings
    void newProject();
    void openProjectDialog();
    bool saveProjectDialog();    // to the project's file, or asks for one; false if not saved
    bool saveProjectAsDialog();
    void openCanvasImageDialog();
    void exportCanvasDialog();
    void resultToCanvas();       // the current result becomes the canvas picture (undoable)

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QDockWidget* addDock(QWidget* widget, const char* name, Qt::DockWidgetArea area);
    void connectGeneration();
    void onJobStarted(int id, const ds::ui::GenerationRequest& request);
    void onPlanned(const ds::ui::GenerationPlan& plan);
    void onStep(const ds::ui::StepUpdate& step);
    void onProgress(int done, int total, double stepsPerSecond, double secondsLeft);
    void onFinished(const ds::ui::GenerationOutcome& outcome);
    void onFailed(const ds::ui::GenerationFailure& failure);
    void onCancelled();
    void endRun();
    void createActions();
    void createMenus();
    void rebuildLanguageMenu();
    void chooseLanguage(const QString& code);
    void retranslateUi();
    void readSettings();
    void writeSettings() const;
    // main_window_project.cpp
    void createCanvas();
    void createProjectActions();
    void retranslateProjectUi();
    void setCanvasDocument(CanvasDocument* document);  // replaces (and deletes) the current one
    bool prepareCanvasRequest(GenerationRequest* request);
    void applyToCanvas(const GenerationOutcome& outcome);
    void setProjectPath(const QString& path);
    void setProjectModified(bool modified);
    bool mayDiscardChanges(const QString& title);  // true without asking when nothing is unsaved
    void updateWindowTitle();
    QString projectDirectory() const;

    ForwardExplorerPanel* m_explorer = nullptr;
    SchedulePlotPanel* m_schedulePlot = nullptr;
    QDockWidget* m_scheduleDock = nullptr;
    QTabWidget* m_tabs = nullptr;
    ResultView* m_resultView = nullptr;
    GenerationPanel* m_generationPanel = nullptr;
    StepsPanel* m_stepsPanel = nullptr;
    NoiseLevelPanel* m_noisePanel = nullptr;
    HistoryStrip* m_history = nullptr;
    QDockWidget* m_generationDock = nullptr;
    QDockWidget* m_stepsDock = nullptr;
    QDockWidget* m_noiseDock = nullptr;
    QDockWidget* m_historyDock = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_progressLabel = nullptr;
    GenerationController* m_controller = nullptr;
    GenerationOutcome m_outcome;
    QByteArray m_defaultState;  // the layout as built, for View ▸ Restore default layout
    QString m_modelDirectory;
    QString m_saveDirectory;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_languageMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QMenu* m_editMenu = nullptr;
    QMenu* m_generateMenu = nullptr;
    QAction* m_openModelAction = nullptr;
    QAction* m_saveImageAction = nullptr;
    QAction* m_resultToExplorerAction = nullptr;
    QAction* m_preferencesAction = nullptr;
    QAction* m_generateAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_restoreLayoutAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_fitAction = nullptr;
    QAction* m_actualSizeAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_exportPlotAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_aboutQtAction = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QAction* m_systemLanguageAction = nullptr;

    QWidget* m_canvasPage = nullptr;
    CanvasWidget* m_canvasView = nullptr;
    CanvasToolBar* m_canvasToolBar = nullptr;
    CanvasDocument* m_canvas = nullptr;
    QUndoGroup* m_undoGroup = nullptr;
    ProjectAutosave* m_autosave = nullptr;
    QString m_projectPath;
    QString m_canvasParameters;  // the last generation applied to the canvas
    bool m_projectModified = false;
    bool m_askBeforeClosing = true;
    bool m_closeConfirmed = false;
    QPointer<QMessageBox> m_closeQuestion;
    QAction* m_newProjectAction = nullptr;
    QAction* m_openProjectAction = nullptr;
    QAction* m_saveProjectAction = nullptr;
    QAction* m_saveProjectAsAction = nullptr;
    QAction* m_openCanvasImageAction = nullptr;
    QAction* m_exportCanvasAction = nullptr;
    QAction* m_resultToCanvasAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
};

}  // namespace ds::ui
