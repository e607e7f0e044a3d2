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
#include <QMessageBox>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>

#include "ui/forward_explorer_panel.h"
#include "ui/language.h"
#include "ui/schedule_plot_panel.h"

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

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    m_explorer = new ForwardExplorerPanel(this);
    m_explorer->setObjectName(QStringLiteral("forwardExplorer"));
    setCentralWidget(m_explorer);

    m_schedulePlot = new SchedulePlotPanel(this);
    m_schedulePlot->setObjectName(QStringLiteral("schedulePlot"));
    m_scheduleDock = new QDockWidget(this);
    m_scheduleDock->setObjectName(QStringLiteral("scheduleDock"));  // saveState() needs it
    m_scheduleDock->setWidget(m_schedulePlot);
    addDockWidget(Qt::RightDockWidgetArea, m_scheduleDock);

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
    statusBar();
    retranslateUi();
    readSettings();
}

void MainWindow::createActions() {
    m_openAction = new QAction(this);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    connect(m_openAction, &QAction::triggered, m_explorer, &ForwardExplorerPanel::openImageDialog);
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
    m_fileMenu->addAction(m_openAction);
    m_fileMenu->addAction(m_exportAction);
    m_fileMenu->addAction(m_exportPlotAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    m_viewMenu->addAction(m_scheduleDock->toggleViewAction());
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
           "<p>A desktop studio for diffusion models. This window explores the forward process "
           "q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp; Dhariwal 2021) "
           "and scaled-linear noise schedules.</p>"
           "<p>Built with Qt %2, QCustomPlot and libtorch.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    writeSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslateUi() {
    setWindowTitle(tr("Diffusion Studio"));
    m_scheduleDock->setWindowTitle(tr("Noise schedules"));
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open image…"));
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

    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        QSize size(1280, 800);
        if (const QScreen* screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableSize() * 0.9);
        resize(size);
        resizeDocks({m_scheduleDock}, {420}, Qt::Horizontal);
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
}

}  // namespace ds::ui
