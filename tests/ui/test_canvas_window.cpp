// Asserts the canvas in the studio window with the built-in model, offscreen, through the real
// worker thread: an image opened on the canvas, a painted mask and Inpaint give a canvas whose
// pixels outside the mask are exactly the opened image's, and undo / redo swap the generation out
// and back bit for bit; outpainting grows the canvas by the frame and keeps the original area;
// img2img keeps the size; a canvas mode without a canvas, without a mask or without a frame says
// so and starts nothing; a project saves and opens back with its canvas, mask, settings and
// history; the canvas exports as PNG (exact), TIFF and EXR; closing with unsaved changes asks
// first and Discard closes; a recovery file left by a crashed studio is offered and restores.
#include <QAction>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QUndoStack>
#include <QtTest>
#include <memory>

#include "tests/ui/ui_test_support.h"
#include "tests/ui/window_test_support.h"
#include "ui/bridge/result_file.h"
#include "ui/canvas/canvas_document.h"
#include "ui/canvas/canvas_widget.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/history_strip.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/preferences_dialog.h"
#include "ui/project_autosave.h"
#include "ui/studio_project.h"

using ds::ui::CanvasDocument;
using ds::ui::GenerationController;
using ds::ui::GenerationMode;
using ds::ui::GenerationOutcome;
using ds::ui::GenerationRequest;

namespace {

constexpr int kTimeoutMs = 240000;

QImage patterned(int w, int h) {
    QImage image(w, h, QImage::Format_RGBA8888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) image.setPixelColor(x, y, QColor((x * 7) % 256, (y * 9) % 256, ((x + y) * 5) % 256));
    return image;
}

// Pixels where the mask is 0 are identical in a and b (same size required).
bool sameOutsideMask(const QImage& a, const QImage& b, const QImage& mask) {
    if (a.size() != b.size() || a.size() != mask.size()) return false;
    const QImage a8 = a.convertToFormat(QImage::Format_RGBA8888), b8 = b.convertToFormat(QImage::Format_RGBA8888);
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (mask.constScanLine(y)[x] == 0 &&
                reinterpret_cast<const quint32*>(a8.constScanLine(y))[x] !=
                    reinterpret_cast<const quint32*>(b8.constScanLine(y))[x])
                return false;
    return true;
}

int differingPixels(const QImage& a, const QImage& b) {
    const QImage a8 = a.convertToFormat(QImage::Format_RGBA8888), b8 = b.convertToFormat(QImage::Format_RGBA8888);
    int n = 0;
    for (int y = 0; y < a8.height(); ++y)
        for (int x = 0; x < a8.width(); ++x)
            n += reinterpret_cast<const quint32*>(a8.constScanLine(y))[x] !=
                 reinterpret_cast<const quint32*>(b8.constScanLine(y))[x];
    return n;
}

}  // namespace

class CanvasWindowTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ds::ui::MainWindow> m_window;
    QString m_dir;
    QString m_imagePath;

    ds::ui::GenerationPanel* panel() const { return m_window->generationPanel(); }
    CanvasDocument* canvas() const { return m_window->canvasDocument(); }

    void prepare(GenerationMode mode) {
        panel()->setModelPath(QString());
        GenerationRequest r = panel()->request();
        r.mode = mode;
        r.prompt = QStringLiteral("a red apple");
        r.steps = 3;
        r.seed = 11;
        r.cfgScale = 4;
        r.sampler = QStringLiteral("euler");
        r.strength = mode == GenerationMode::ImageToImage ? 0.6 : 1.0;
        r.inpaintMethod = QStringLiteral("auto");
        r.outpaintFill = QStringLiteral("blur");
        r.overlap = 4;
        r.onlyMasked = false;
        panel()->setRequest(r);
    }

    GenerationOutcome generateAndWait() { return ds::test::generateAndWait(m_window.get(), kTimeoutMs); }

private slots:
    void initTestCase() {
        ds::test::useFreshSettings(QStringLiteral("CanvasWindowTest"));
        QVERIFY(ds::ui::setLanguage(QStringLiteral("en")));
        ds::ui::EngineOptions options;
        options.device = QStringLiteral("cpu");
        options.decodeInterval = 0;
        ds::ui::saveEngineOptions(options);
        m_dir = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("canvas-window"));
        QDir(m_dir).removeRecursively();
        QVERIFY(QDir().mkpath(m_dir));
        m_imagePath = QDir(m_dir).filePath(QStringLiteral("input.png"));
        QString error;
        QVERIFY2(ds::ui::saveResultImage(m_imagePath, patterned(70, 45), QString(), &error), qPrintable(error));
        m_window = std::make_unique<ds::ui::MainWindow>();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase() {
        if (m_window) m_window->autosave()->discard();
        m_window.reset();
    }

    void canvasModesNeedTheirInput() {
        QSignalSpy started(m_window->controller(), &GenerationController::jobStarted);
        prepare(GenerationMode::Inpaint);
        m_window->generateAction()->trigger();  // no canvas yet
        QVERIFY2(panel()->message().contains(QStringLiteral("canvas is empty")), qPrintable(panel()->message()));
        QCOMPARE(m_window->centralTabs()->currentWidget(), m_window->canvasPage());

        QString error;
        QVERIFY2(m_window->openImageOnCanvas(m_imagePath, &error), qPrintable(error));
        QCOMPARE(canvas()->size(), QSize(70, 45));
        m_window->generateAction()->trigger();  // no mask
        QVERIFY2(panel()->message().contains(QStringLiteral("Paint")), qPrintable(panel()->message()));
        prepare(GenerationMode::Outpaint);
        canvas()->setOutpaintMargins(QMargins());
        m_window->generateAction()->trigger();  // no frame
        QVERIFY2(panel()->message().contains(QStringLiteral("outpaint frame")), qPrintable(panel()->message()));
        QTest::qWait(50);
        QCOMPARE(started.size(), 0);

        QVERIFY(!m_window->openImageOnCanvas(QDir(m_dir).filePath(QStringLiteral("missing.png")), &error));
        QVERIFY2(error.contains(QStringLiteral("missing.png")), qPrintable(error));
        QCOMPARE(canvas()->size(), QSize(70, 45));  // unchanged
    }

    void inpaintKeepsUnmaskedPixelsAndUndoes() {
        const QImage original = canvas()->image();
        canvas()->clearMask();
        canvas()->fillRect(QRect(20, 10, 25, 20), false);
        canvas()->setFeatherRadius(3);
        const QImage mask = canvas()->mask();
        prepare(GenerationMode::Inpaint);
        const int undoBefore = canvas()->undoStack()->count();
        const GenerationOutcome outcome = generateAndWait();
        QVERIFY(!outcome.image.isNull());
        const QImage after = canvas()->image();
        QCOMPARE(after.size(), QSize(70, 45));
        // Outside the painted rectangle grown by the feather, every pixel is the original's.
        QImage grown(mask.size(), QImage::Format_Grayscale8);
        grown.fill(0);
        for (int y = 10 - 4; y < 30 + 4; ++y)
            for (int x = 20 - 4; x < 45 + 4; ++x) grown.scanLine(y)[x] = 255;
        QVERIFY(sameOutsideMask(original, after, grown));
        QVERIFY(differingPixels(original, after) > 100);  // and the rectangle was repainted
        QCOMPARE(canvas()->undoStack()->count(), undoBefore + 1);
        QVERIFY(canvas()->mask() == mask);  // the mask stays for another try

        m_window->undoAction()->trigger();
        QVERIFY(canvas()->image() == original);
        m_window->redoAction()->trigger();
        QVERIFY(canvas()->image() == after);
        QVERIFY(m_window->hasUnsavedChanges());
        QCOMPARE(m_window->historyStrip()->count(), 1);
        QVERIFY(m_window->historyStrip()->entry(0).request.initImage.isNull());  // settings, not pixels
        m_window->centralTabs()->setCurrentWidget(m_window->canvasPage());
        const QString shot = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("canvas_window.png"));
        QVERIFY(m_window->grab().toImage().save(shot));
        qInfo("screenshot: %s", qPrintable(shot));
    }

    void outpaintGrowsTheCanvas() {
        const QImage before = canvas()->image();
        canvas()->setOutpaintMargins(QMargins(13, 0, 21, 5));
        prepare(GenerationMode::Outpaint);
        QVERIFY(!generateAndWait().image.isNull());
        QCOMPARE(canvas()->size(), QSize(70 + 13 + 21, 45 + 5));
        QCOMPARE(canvas()->outpaintMargins(), QMargins());  // the frame was used up
        // The original area, inside the overlap band (4 px), is exactly the old canvas.
        const QImage now = canvas()->image().copy(13 + 4, 0 + 4, 70 - 8, 45 - 8);
        QVERIFY(now == before.copy(4, 4, 70 - 8, 45 - 8));
        m_window->undoAction()->trigger();
        QCOMPARE(canvas()->size(), QSize(70, 45));
        QVERIFY(canvas()->image() == before);
        m_window->redoAction()->trigger();
        QCOMPARE(canvas()->size(), QSize(104, 50));
    }

    void img2imgKeepsTheSize() {
        const QImage before = canvas()->image();
        prepare(GenerationMode::ImageToImage);
        QVERIFY(!generateAndWait().image.isNull());
        QCOMPARE(canvas()->size(), before.size());
        QVERIFY(differingPixels(before, canvas()->image()) > 0);
    }

    void projectRoundTripAndExport() {
        const QString path = QDir(m_dir).filePath(QStringLiteral("studio.dsproj"));
        QString error;
        canvas()->fillRect(QRect(2, 3, 10, 6), false);
        const QImage image = canvas()->image();
        const QImage mask = canvas()->mask();
        const int history = m_window->historyStrip()->count();
        QVERIFY2(m_window->saveProject(path, &error), qPrintable(error));
        QVERIFY(!m_window->hasUnsavedChanges());
        QVERIFY(m_window->windowTitle().startsWith(QStringLiteral("studio.dsproj")));

        m_window->newProject();
        QVERIFY(canvas()->isEmpty());
        QCOMPARE(m_window->historyStrip()->count(), 0);

        QVERIFY2(m_window->openProject(path, &error), qPrintable(error));
        QVERIFY(canvas()->image() == image);
        QVERIFY(canvas()->mask() == mask);
        QCOMPARE(m_window->historyStrip()->count(), history);
        QCOMPARE(panel()->request().prompt, QStringLiteral("a red apple"));
        QCOMPARE(m_window->projectPath(), QFileInfo(path).absoluteFilePath());

        // A corrupt project is refused and the open one stays.
        const QString broken = QDir(m_dir).filePath(QStringLiteral("broken.dsproj"));
        {
            QFile f(broken);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("DSPROJ\r\nnot really");
        }
        QVERIFY(!m_window->openProject(broken, &error));
        QVERIFY2(error.contains(QStringLiteral("broken.dsproj")), qPrintable(error));
        QVERIFY(canvas()->image() == image);

        for (const char* ext : {"png", "tif", "exr"}) {
            const QString out = QDir(m_dir).filePath(QStringLiteral("export.") + QLatin1String(ext));
            QVERIFY2(m_window->exportCanvas(out, &error), qPrintable(error));
            QImage read;
            QVERIFY2(ds::ui::readImageFile(out, &read, &error), qPrintable(error));
            QCOMPARE(read.size(), image.size());
            if (QLatin1String(ext) == QLatin1String("png")) QVERIFY(read == image);  // lossless, 8 bits
            else QVERIFY(differingPixels(read, image) < image.width() * image.height() / 100);  // 16-bit / half
        }
        QVERIFY(!m_window->exportCanvas(QDir(m_dir).filePath(QStringLiteral("export.xyz")), &error));
        QVERIFY2(error.contains(QStringLiteral("xyz")), qPrintable(error));
    }

    void closingWithUnsavedChangesAsks() {
        canvas()->fillRect(QRect(0, 0, 4, 4), false);
        QVERIFY(m_window->hasUnsavedChanges());
        QVERIFY(!m_window->close());  // asks first
        auto* question = m_window->findChild<QMessageBox*>(QStringLiteral("closeQuestion"));
        QVERIFY(question);
        QVERIFY(m_window->isVisible());
        question->button(QMessageBox::Discard)->click();
        QVERIFY(QTest::qWaitFor([&] { return !m_window->isVisible(); }, 5000));
        QVERIFY(!QFileInfo::exists(m_window->autosave()->recoveryPath()));  // a clean exit
    }

    void recoveryIsOfferedAndRestores() {
        // What a crashed studio leaves: its recovery file, no live lock.
        m_window = std::make_unique<ds::ui::MainWindow>();
        m_window->setAskBeforeClosing(false);
        ds::ui::StudioProject crashed;
        crashed.image = patterned(33, 21);
        crashed.settings.prompt = QStringLiteral("recovered prompt");
        const QString orphan = QDir(m_window->autosave()->directory()).filePath(QStringLiteral("studio-999999998.dsproj"));
        QDir().mkpath(m_window->autosave()->directory());
        QString error;
        QVERIFY2(ds::ui::saveStudioProject(orphan, crashed, &error), qPrintable(error));

        QMessageBox* box = m_window->offerRecovery();
        QVERIFY(box);
        QVERIFY(box->defaultButton());
        QCOMPARE(box->defaultButton()->text(), QStringLiteral("Restore"));
        box->defaultButton()->click();
        QVERIFY(QTest::qWaitFor([&] { return !canvas()->isEmpty(); }, 5000));
        QVERIFY(canvas()->image() == crashed.image);
        QCOMPARE(panel()->request().prompt, QStringLiteral("recovered prompt"));
        QVERIFY(m_window->hasUnsavedChanges());  // not saved anywhere yet
        QVERIFY(!QFileInfo::exists(orphan));
        QVERIFY(m_window->offerRecovery() == nullptr);  // offered once
    }
};

DS_REGISTER_UI_TEST(CanvasWindowTest)
#include "test_canvas_window.moc"
