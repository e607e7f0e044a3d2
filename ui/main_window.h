#pragma once
// The studio's main window: it assembles the panels (explorer in the centre, schedule plots in a dock),
// owns the menus, and remembers geometry, dock layout and choices in QSettings ("DiffusionStudio").
#include <QMainWindow>

class QAction;
class QActionGroup;
class QDockWidget;
class QMenu;

namespace ds::ui {

class ForwardExplorerPanel;
class SchedulePlotPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    ForwardExplorerPanel* explorer() const { return m_explorer; }
    SchedulePlotPanel* schedulePlot() const { return m_schedulePlot; }
    QDockWidget* scheduleDock() const { return m_scheduleDock; }
    QMenu* fileMenu() const { return m_fileMenu; }
    QMenu* viewMenu() const { return m_viewMenu; }
    QMenu* helpMenu() const { return m_helpMenu; }

public slots:
    void exportPlotDialog();
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
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

    QMenu* m_fileMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_languageMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
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
