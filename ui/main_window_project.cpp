// MainWindow's canvas and project side: the canvas tab, generations on the canvas (img2img,
// inpaint, outpaint applied as undo steps), project files (open, save, save as), autosave with
// crash recovery, and export of the canvas picture.
#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/bridge/result_file.h"
#include "ui/canvas/canvas_document.h"
#include "ui/canvas/canvas_toolbar.h"
#include "ui/canvas/canvas_widget.h"
#include "ui/generation_panel.h"
#include "ui/history_strip.h"
#include "ui/main_window.h"
#include "ui/project_autosave.h"
#include "ui/result_view.h"
#include "ui/studio_project.h"

namespace ds::ui {
namespace {

const char kProjectDirectoryKey[] = "project/lastDirectory";
const char kCanvasImageDirectoryKey[] = "canvas/lastImageDirectory";

QString withSuffix(QString path, const QString& suffix) {
    if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    return path;
}

}  // namespace

void MainWindow::createCanvas() {
    m_canvasPage = new QWidget(m_tabs);
    m_canvasPage->setObjectName(QStringLiteral("canvasPage"));
    m_canvasView = new CanvasWidget(m_canvasPage);
    m_canvasView->setObjectName(QStringLiteral("canvasWidget"));
    m_canvasToolBar = new CanvasToolBar(m_canvasView, m_canvasPage);
    m_canvasToolBar->setObjectName(QStringLiteral("canvasToolBar"));
    auto* layout = new QVBoxLayout(m_canvasPage);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_canvasToolBar);
    layout->addWidget(m_canvasView, 1);
    m_undoGroup = new QUndoGroup(this);
    setCanvasDocument(new CanvasDocument(this));
}

void MainWindow::setCanvasDocument(CanvasDocument* document) {
    CanvasDocument* old = m_canvas;
    m_canvas = document;
    m_undoGroup->addStack(document->undoStack());
    m_undoGroup->setActiveStack(document->undoStack());
    m_canvasView->setDocument(document);
    connect(document, &CanvasDocument::changed, this, [this] { setProjectModified(true); });
    connect(document, &CanvasDocument::sizeChanged, this, [this] {
        setProjectModified(true);
        m_exportCanvasAction->setEnabled(!m_canvas->isEmpty());
    });
    if (old) {
        m_undoGroup->removeStack(old->undoStack());
        old->deleteLater();
    }
    if (m_exportCanvasAction) m_exportCanvasAction->setEnabled(!document->isEmpty());
}

void MainWindow::createProjectActions() {
    m_newProjectAction = new QAction(this);
    m_newProjectAction->setShortcut(QKeySequence::New);
    connect(m_newProjectAction, &QAction::triggered, this, &MainWindow::newProject);
    m_openProjectAction = new QAction(this);
    m_openProjectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    connect(m_openProjectAction, &QAction::triggered, this, &MainWindow::openProjectDialog);
    m_saveProjectAction = new QAction(this);
    m_saveProjectAction->setShortcut(QKeySequence::Save);
    connect(m_saveProjectAction, &QAction::triggered, this, &MainWindow::saveProjectDialog);
    m_saveProjectAsAction = new QAction(this);
    m_saveProjectAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveProjectAsAction, &QAction::triggered, this, &MainWindow::saveProjectAsDialog);
    m_openCanvasImageAction = new QAction(this);
    m_openCanvasImageAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    connect(m_openCanvasImageAction, &QAction::triggered, this, &MainWindow::openCanvasImageDialog);
    m_exportCanvasAction = new QAction(this);
    m_exportCanvasAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportCanvasAction->setEnabled(false);
    connect(m_exportCanvasAction, &QAction::triggered, this, &MainWindow::exportCanvasDialog);
    m_resultToCanvasAction = new QAction(this);
    m_resultToCanvasAction->setEnabled(false);
    connect(m_resultToCanvasAction, &QAction::triggered, this, &MainWindow::resultToCanvas);
    m_undoAction = m_undoGroup->createUndoAction(this);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_undoGroup->createRedoAction(this);
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
}

void MainWindow::retranslateProjectUi() {
    m_tabs->setTabText(m_tabs->indexOf(m_canvasPage), tr("Canvas"));
    m_newProjectAction->setText(tr("&New project"));
    m_newProjectAction->setStatusTip(tr("Start over with an empty canvas and history"));
    m_openProjectAction->setText(tr("Open p&roject…"));
    m_openProjectAction->setStatusTip(tr("Open a Diffusion Studio project (.dsproj)"));
    m_saveProjectAction->setText(tr("&Save project"));
    m_saveProjectAction->setStatusTip(tr("Save the canvas, mask, settings and history in one project file"));
    m_saveProjectAsAction->setText(tr("Save project &as…"));
    m_openCanvasImageAction->setText(tr("Open image on the &canvas…"));
    m_openCanvasImageAction->setStatusTip(tr("Put a picture on the canvas to paint a mask on it"));
    m_exportCanvasAction->setText(tr("E&xport canvas…"));
    m_exportCanvasAction->setStatusTip(tr("Write the canvas picture as PNG, TIFF, EXR or JPEG"));
    m_resultToCanvasAction->setText(tr("Use the result as the &canvas"));
    m_resultToCanvasAction->setStatusTip(tr("Put the current result on the canvas to inpaint or outpaint it"));
    m_undoAction->setText(tr("&Undo"));
    m_redoAction->setText(tr("&Redo"));
    updateWindowTitle();
}

// --- generations on the canvas ---

bool MainWindow::prepareCanvasRequest(GenerationRequest* request) {
    if (m_canvas->isEmpty()) {
        m_generationPanel->setMessage(
            tr("The canvas is empty: open an image on it or use a result as the canvas first."), true);
        m_tabs->setCurrentWidget(m_canvasPage);
        return false;
    }
    if (request->mode == GenerationMode::Inpaint && !m_canvas->hasMask()) {
        m_generationPanel->setMessage(tr("Paint the area to repaint on the canvas first (B: brush)."), true);
        m_tabs->setCurrentWidget(m_canvasPage);
        return false;
    }
    const QMargins margins = m_canvas->outpaintMargins();
    if (request->mode == GenerationMode::Outpaint && margins.isNull()) {
        m_generationPanel->setMessage(
            tr("Drag the outpaint frame past the border, or set how far to extend in the canvas tool bar."), true);
        m_tabs->setCurrentWidget(m_canvasPage);
        return false;
    }
    request->initImage = m_canvas->image();
    request->mask = request->mode == GenerationMode::Inpaint ? m_canvas->mask() : QImage();
    request->feather = m_canvas->featherRadius();
    request->extendLeft = margins.left();
    request->extendTop = margins.top();
    request->extendRight = margins.right();
    request->extendBottom = margins.bottom();
    return true;
}

void MainWindow::applyToCanvas(const GenerationOutcome& outcome) {
    const GenerationRequest& r = outcome.request;
    // Only onto the canvas it was made from: if the canvas was replaced meanwhile, the result stays
    // in the history and the result view.
    if (m_canvas->isEmpty() || m_canvas->size() != r.initImage.size()) {
        statusBar()->showMessage(tr("The canvas changed during the generation: the result is in the history."), 8000);
        return;
    }
    QString label;
    QPoint oldOrigin;
    switch (r.mode) {
        case GenerationMode::ImageToImage: label = tr("Image to image"); break;
        case GenerationMode::Inpaint: label = tr("Inpaint"); break;
        case GenerationMode::Outpaint:
            label = tr("Outpaint");
            oldOrigin = QPoint(r.extendLeft, r.extendTop);
            break;
        case GenerationMode::TextToImage: return;
    }
    if (m_canvas->applyGeneration(outcome.image, label, oldOrigin)) {
        m_canvasParameters = outcome.parameters;
        m_tabs->setCurrentWidget(m_canvasPage);
    }
}

void MainWindow::resultToCanvas() {
    if (m_outcome.image.isNull()) return;
    const QImage picture = m_outcome.image.convertToFormat(QImage::Format_RGBA8888);
    const bool ok = m_canvas->isEmpty() ? m_canvas->reset(picture)
                                        : m_canvas->applyGeneration(picture, tr("Result to canvas"));
    if (!ok) return;
    m_canvasParameters = m_outcome.parameters;
    setProjectModified(true);
    m_tabs->setCurrentWidget(m_canvasPage);
}

// --- project files ---

StudioProject MainWindow::projectSnapshot() const {
    StudioProject project;
    if (!m_canvas->isEmpty()) {
        project.image = m_canvas->image();
        if (m_canvas->hasMask()) project.mask = m_canvas->mask();
    }
    project.outpaintMargins = m_canvas->outpaintMargins();
    project.featherRadius = m_canvas->featherRadius();
    project.settings = m_generationPanel->request();
    project.settings.initImage = QImage();
    project.settings.mask = QImage();
    project.randomSeed = m_generationPanel->randomSeed();
    for (int i = m_history->count() - 1; i >= 0; --i) project.history.push_back(m_history->entry(i));
    return project;
}

void MainWindow::applyProject(const StudioProject& project) {
    auto* document = new CanvasDocument(this);
    if (!project.image.isNull()) {
        document->reset(project.image);
        if (!project.mask.isNull()) document->setMask(project.mask);
    }
    document->setOutpaintMargins(project.outpaintMargins);
    document->setFeatherRadius(project.featherRadius);
    setCanvasDocument(document);
    m_generationPanel->setRequest(project.settings);
    m_generationPanel->setRandomSeed(project.randomSeed);
    m_history->clear();
    for (const GenerationOutcome& outcome : project.history) m_history->addOutcome(outcome);
    m_outcome = project.history.isEmpty() ? GenerationOutcome() : project.history.last();
    m_canvasParameters = m_outcome.parameters;
    m_resultView->setImage(m_outcome.image);
    m_saveImageAction->setEnabled(!m_outcome.image.isNull());
    m_resultToExplorerAction->setEnabled(!m_outcome.image.isNull());
    m_resultToCanvasAction->setEnabled(!m_outcome.image.isNull());
    if (!project.image.isNull()) m_tabs->setCurrentWidget(m_canvasPage);
}

bool MainWindow::saveProject(const QString& path, QString* error) {
    if (!saveStudioProject(path, projectSnapshot(), error)) return false;
    setProjectPath(QFileInfo(path).absoluteFilePath());
    setProjectModified(false);
    m_autosave->markSaved();
    QSettings().setValue(kProjectDirectoryKey, QFileInfo(path).absolutePath());
    return true;
}

bool MainWindow::openProject(const QString& path, QString* error) {
    StudioProject project;
    if (!openStudioProject(path, &project, error)) return false;  // nothing changed
    applyProject(project);
    setProjectPath(QFileInfo(path).absoluteFilePath());
    setProjectModified(false);
    m_autosave->markSaved();
    QSettings().setValue(kProjectDirectoryKey, QFileInfo(path).absolutePath());
    return true;
}

void MainWindow::newProject() {
    if (!mayDiscardChanges(tr("New project"))) return;
    StudioProject empty;
    empty.settings = m_generationPanel->request();  // keep the settings; drop canvas and history
    empty.settings.initImage = QImage();
    empty.settings.mask = QImage();
    empty.randomSeed = m_generationPanel->randomSeed();
    applyProject(empty);
    setProjectPath(QString());
    setProjectModified(false);
    m_autosave->markSaved();
}

QString MainWindow::projectDirectory() const {
    if (!m_projectPath.isEmpty()) return QFileInfo(m_projectPath).absolutePath();
    const QString dir = QSettings().value(kProjectDirectoryKey).toString();
    return dir.isEmpty() ? QDir::homePath() : dir;
}

void MainWindow::openProjectDialog() {
    if (!mayDiscardChanges(tr("Open project"))) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), projectDirectory(),
                                                      tr("Diffusion Studio projects (*.dsproj)"));
    if (path.isEmpty()) return;
    QString error;
    if (!openProject(path, &error)) {
        QMessageBox::warning(this, tr("Open project"), error);
        return;
    }
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 5000);
}

bool MainWindow::saveProjectDialog() {
    if (m_projectPath.isEmpty()) return saveProjectAsDialog();
    QString error;
    if (!saveProject(m_projectPath, &error)) {
        QMessageBox::warning(this, tr("Save project"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_projectPath)), 5000);
    return true;
}

bool MainWindow::saveProjectAsDialog() {
    const QString suggested = m_projectPath.isEmpty()
                                  ? QDir(projectDirectory()).filePath(tr("untitled") + QStringLiteral(".dsproj"))
                                  : m_projectPath;
    QString path = QFileDialog::getSaveFileName(this, tr("Save project as"), suggested,
                                                tr("Diffusion Studio projects (*.dsproj)"));
    if (path.isEmpty()) return false;
    path = withSuffix(path, QStringLiteral("dsproj"));
    QString error;
    if (!saveProject(path, &error)) {
        QMessageBox::warning(this, tr("Save project"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

bool MainWindow::mayDiscardChanges(const QString& title) {
    if (!hasUnsavedChanges()) return true;
    return QMessageBox::question(this, title, tr("Discard the unsaved changes of this project?"),
                                 QMessageBox::Discard | QMessageBox::Cancel,
                                 QMessageBox::Cancel) == QMessageBox::Discard;
}

bool MainWindow::hasUnsavedChanges() const {
    return m_projectModified && (!m_canvas->isEmpty() || m_history->count() > 0);
}

void MainWindow::setProjectPath(const QString& path) {
    m_projectPath = path;
    updateWindowTitle();
}

void MainWindow::setProjectModified(bool modified) {
    m_projectModified = modified;
    if (modified && m_autosave) m_autosave->markModified();
    setWindowModified(hasUnsavedChanges());
}

void MainWindow::updateWindowTitle() {
    // "[*]" is where Qt shows the unsaved-changes mark.
    const QString name = m_projectPath.isEmpty() ? tr("untitled") : QFileInfo(m_projectPath).fileName();
    setWindowTitle(tr("%1[*] — Diffusion Studio").arg(name));
}

// --- images on and off the canvas ---

bool MainWindow::openImageOnCanvas(const QString& path, QString* error) {
    QImage picture;
    if (!readImageFile(path, &picture, error)) return false;
    if (picture.width() > CanvasDocument::kMaxSide || picture.height() > CanvasDocument::kMaxSide) {
        if (error)
            *error = tr("%1 is %2×%3: the canvas takes at most %4 px a side")
                         .arg(QDir::toNativeSeparators(path))
                         .arg(picture.width())
                         .arg(picture.height())
                         .arg(CanvasDocument::kMaxSide);
        return false;
    }
    const bool ok = m_canvas->isEmpty() ? m_canvas->reset(picture)
                                        : m_canvas->applyGeneration(picture, tr("Open image"));
    if (!ok) {
        if (error) *error = tr("%1 cannot be put on the canvas").arg(QDir::toNativeSeparators(path));
        return false;
    }
    m_canvasParameters = readParametersText(path);
    setProjectModified(true);
    m_tabs->setCurrentWidget(m_canvasPage);
    return true;
}

void MainWindow::openCanvasImageDialog() {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open image on the canvas"), settings.value(kCanvasImageDirectoryKey, QDir::homePath()).toString(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(kCanvasImageDirectoryKey, QFileInfo(path).absolutePath());
    QString error;
    if (!openImageOnCanvas(path, &error)) QMessageBox::warning(this, tr("Open image"), error);
}

bool MainWindow::exportCanvas(const QString& path, QString* error) {
    if (m_canvas->isEmpty()) {
        if (error) *error = tr("The canvas is empty: there is nothing to export");
        return false;
    }
    QString reason;
    if (!saveResultImage(path, m_canvas->image(), m_canvasParameters, &reason, /*keepAlpha=*/true)) {
        if (error) *error = tr("Cannot export %1: %2").arg(QDir::toNativeSeparators(path), reason);
        return false;
    }
    return true;
}

void MainWindow::exportCanvasDialog() {
    if (m_canvas->isEmpty()) return;
    const QString base = m_projectPath.isEmpty() ? tr("canvas") : QFileInfo(m_projectPath).completeBaseName();
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export canvas"), QDir(projectDirectory()).filePath(base + QStringLiteral(".png")),
        tr("PNG images (*.png);;TIFF images, 16 bits (*.tif *.tiff);;OpenEXR images, half float (*.exr);;"
           "JPEG images (*.jpg *.jpeg)"),
        &selected);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) {
        const QString suffix = selected.contains(QStringLiteral("*.tif"))   ? QStringLiteral("tif")
                               : selected.contains(QStringLiteral("*.exr")) ? QStringLiteral("exr")
                               : selected.contains(QStringLiteral("*.jpg")) ? QStringLiteral("jpg")
                                                                            : QStringLiteral("png");
        path = withSuffix(path, suffix);
    }
    QString error;
    if (!exportCanvas(path, &error)) {
        QMessageBox::warning(this, tr("Export canvas"), error);
        return;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 5000);
}

// --- crash recovery ---

QMessageBox* MainWindow::offerRecovery() {
    const QStringList orphans = ProjectAutosave::orphanedRecoveries(m_autosave->directory());
    if (orphans.isEmpty()) return nullptr;
    const QString newest = orphans.first();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Restore unsaved work"),
                                tr("Diffusion Studio did not close properly last time. Restore the project "
                                   "it saved automatically (%1)?")
                                    .arg(QLocale().toString(QFileInfo(newest).lastModified(), QLocale::ShortFormat)),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("recoveryQuestion"));
    QPushButton* restore = box->addButton(tr("Restore"), QMessageBox::AcceptRole);
    box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box->setDefaultButton(restore);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, restore, orphans] {
        if (box->clickedButton() == restore) {
            QString error;
            if (!restoreRecovery(orphans.first(), &error)) {
                QMessageBox::warning(this, tr("Restore unsaved work"), error);
                return;  // the file stays for another try
            }
        }
        for (const QString& orphan : orphans) ProjectAutosave::removeRecovery(orphan);
    });
    box->open();
    return box;
}

bool MainWindow::restoreRecovery(const QString& path, QString* error) {
    StudioProject project;
    if (!openStudioProject(path, &project, error)) return false;
    applyProject(project);
    setProjectPath(QString());  // it is not saved anywhere yet
    setProjectModified(true);   // and it goes into this studio's own recovery file
    ProjectAutosave::removeRecovery(path);
    statusBar()->showMessage(tr("Restored the unsaved work: save it as a project to keep it"), 10000);
    return true;
}

}  // namespace ds::ui
