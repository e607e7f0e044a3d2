#pragma once
// The studio's main window: it assembles the panels (the result view and the forward explorer as
// central tabs; generation controls, steps, noise level, history and schedule plots in docks), owns
// the menus and the generation controller (worker thread), shows progress in the status bar, and
// remembers geometry, dock layout, preferences and choices in QSettings ("DiffusionStudio").
#include <QByteArray>
#include <QMainWindow>

#include "ui/generation_request.h"
#include "ui/step_update.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;

namespace ds::ui {

class ForwardExplorerPanel;
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
};

}  // namespace ds::ui
