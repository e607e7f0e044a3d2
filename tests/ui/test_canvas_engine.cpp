// Asserts the worker's canvas modes with the built-in model on canvases whose sides are not multiples
// of 8: inpaint keeps every pixel outside the mask (or its feathered edge) exactly and repaints some
// inside; outpaint returns the grown canvas and keeps the original outside the overlap band exactly;
// img2img returns the input's size, differs from it, and plans and reports only the steps its
// strength runs; auto inpainting loads the built-in inpainting UNet and latent blending the chosen
// schedule's (the cache follows); each writes its A1111 extras; a null image, a wrong-size or empty
// mask and a zero extension fail as invalid parameters naming the problem, before any model load;
// the generation panel round-trips every canvas field, remembers a strength per mode, and hides the
// size in the canvas modes.
#include <QComboBox>
#include <QDir>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "tests/ui/ui_test_support.h"
#include "ui/bridge/generation_engine.h"
#include "ui/generation_panel.h"
#include "ui/language.h"

using ds::ui::GenerationEngine;
using ds::ui::GenerationFailure;
using ds::ui::GenerationMode;
using ds::ui::GenerationOutcome;
using ds::ui::GenerationPlan;
using ds::ui::GenerationRequest;
using ds::ui::StepUpdate;

namespace {

// A picture with detail everywhere (so that a changed pixel shows), w x h.
QImage canvasImage(int w, int h) {
    QImage image(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixel(x, y, qRgb((x * 255) / w, (y * 255) / h, ((x + y) % 7) * 30 + 20));
    return image;
}

QImage rectMask(int w, int h, const QRect& rect) {
    QImage mask(w, h, QImage::Format_Grayscale8);
    mask.fill(0);
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x) mask.scanLine(y)[x] = 255;
    return mask;
}

GenerationRequest canvasRequest(GenerationMode mode, const QImage& image, int steps = 4) {
    GenerationRequest r;
    r.mode = mode;
    r.prompt = QStringLiteral("a red heart");
    r.steps = steps;
    r.seed = 42;
    r.sampler = QStringLiteral("euler-a");
    r.initImage = image;
    r.strength = mode == GenerationMode::ImageToImage ? 0.75 : 1.0;
    return r;
}

ds::ui::EngineOptions cpuOptions() {
    ds::ui::EngineOptions o;
    o.device = QStringLiteral("cpu");
    o.decodeInterval = 0;
    return o;
}

bool hasInpaintVariant() {
    try {
        for (const std::string& v : ds::builtin_variants(ds::find_builtin_model_dir()))
            if (v == "inpaint") return true;
    } catch (const std::exception&) {
    }
    return false;
}

// The pixels of `a` and `b` that differ inside `rect`.
int differing(const QImage& a, const QImage& b, const QRect& rect, QPoint offsetB = {}) {
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            if (a.pixel(x, y) != b.pixel(x + offsetB.x(), y + offsetB.y())) ++n;
    return n;
}

}  // namespace

class CanvasEngineTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void inpaintKeepsEveryPixelOutsideTheMask();
    void inpaintFeatherKeepsPixelsBeyondItsBand();
    void outpaintGrowsTheCanvasAndKeepsTheOriginal();
    void img2imgKeepsTheSizeAndRunsItsStrength();
    void latentBlendUsesTheTextToImageUnet();
    void badCanvasInputFailsBeforeTheLoad();
    void panelRoundTripsTheCanvasFields();
    void panelRemembersAStrengthPerModeAndHidesTheSize();

private:
    GenerationOutcome runExpectingOutcome(const GenerationRequest& request);
    GenerationFailure runExpectingFailure(const GenerationRequest& request, int* loads);
    GenerationEngine m_engine;
    int m_nextId = 1;
};

void CanvasEngineTest::initTestCase() {
    qRegisterMetaType<GenerationPlan>();
    qRegisterMetaType<StepUpdate>();
    qRegisterMetaType<GenerationOutcome>();
    qRegisterMetaType<GenerationFailure>();
    if (GenerationEngine::builtinSchedules().isEmpty()) QFAIL("the built-in model is not installed");
    ds::test::useFreshSettings(QStringLiteral("CanvasEngineTest"));
    QVERIFY(ds::ui::setLanguage(QStringLiteral("en")));
}

GenerationOutcome CanvasEngineTest::runExpectingOutcome(const GenerationRequest& request) {
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    QSignalSpy failed(&m_engine, &GenerationEngine::failed);
    const int id = m_nextId++;
    m_engine.run(id, request, cpuOptions());
    if (!failed.isEmpty()) qWarning("failed: %s", qPrintable(failed[0][0].value<GenerationFailure>().detail));
    if (finished.size() != 1) return {};
    const GenerationOutcome outcome = finished[0][0].value<GenerationOutcome>();
    return outcome.id == id ? outcome : GenerationOutcome{};
}

GenerationFailure CanvasEngineTest::runExpectingFailure(const GenerationRequest& request, int* loads) {
    QSignalSpy failed(&m_engine, &GenerationEngine::failed);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    QSignalSpy loaded(&m_engine, &GenerationEngine::loaded);
    const int id = m_nextId++;
    m_engine.run(id, request, cpuOptions());
    *loads = static_cast<int>(loaded.size());
    if (failed.size() != 1 || !finished.isEmpty()) return {};
    const GenerationFailure f = failed[0][0].value<GenerationFailure>();
    return f.id == id ? f : GenerationFailure{};
}

void CanvasEngineTest::inpaintKeepsEveryPixelOutsideTheMask() {
    const QImage input = canvasImage(70, 45);
    const QRect hole(20, 10, 25, 20);
    GenerationRequest r = canvasRequest(GenerationMode::Inpaint, input);
    r.mask = rectMask(70, 45, hole);
    r.feather = 0;
    QSignalSpy planned(&m_engine, &GenerationEngine::planned);
    QSignalSpy stepped(&m_engine, &GenerationEngine::stepped);
    const GenerationOutcome outcome = runExpectingOutcome(r);
    QCOMPARE(outcome.image.size(), QSize(70, 45));
    for (int y = 0; y < 45; ++y)
        for (int x = 0; x < 70; ++x)
            if (!hole.contains(x, y) && outcome.image.pixel(x, y) != input.pixel(x, y))
                QFAIL(qPrintable(QStringLiteral("pixel (%1, %2) outside the mask changed").arg(x).arg(y)));
    QVERIFY(differing(input, outcome.image, hole) > hole.width() * hole.height() / 4);
    QCOMPARE(planned.size(), 1);
    QCOMPARE(planned[0][1].value<GenerationPlan>().timesteps.size(), 4);  // strength 1: every step
    QCOMPARE(stepped.size(), 4);
    QCOMPARE(stepped.last()[1].value<StepUpdate>().index, 3);
    if (hasInpaintVariant()) {
        QCOMPARE(outcome.modelName, QStringLiteral("builtin-inpaint"));
        QVERIFY2(outcome.parameters.contains(QStringLiteral("Inpaint method: inpainting UNet")),
                 qPrintable(outcome.parameters));
    }
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Denoising strength: 1")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Mask blur: 0")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Size: 70x45")), qPrintable(outcome.parameters));
    QCOMPARE(outcome.request.mode, GenerationMode::Inpaint);
}

void CanvasEngineTest::inpaintFeatherKeepsPixelsBeyondItsBand() {
    const QImage input = canvasImage(61, 50);
    const QRect hole(25, 20, 10, 8);
    GenerationRequest r = canvasRequest(GenerationMode::Inpaint, input, 3);
    r.mask = rectMask(61, 50, hole);
    r.feather = 4;
    r.onlyMasked = true;
    r.maskPadding = 8;
    const GenerationOutcome outcome = runExpectingOutcome(r);
    QCOMPARE(outcome.image.size(), QSize(61, 50));
    const QRect band = hole.adjusted(-5, -5, 5, 5);  // the feather's reach, and a pixel more
    for (int y = 0; y < 50; ++y)
        for (int x = 0; x < 61; ++x)
            if (!band.contains(x, y) && outcome.image.pixel(x, y) != input.pixel(x, y))
                QFAIL(qPrintable(QStringLiteral("pixel (%1, %2) beyond the feather changed").arg(x).arg(y)));
    QVERIFY(differing(input, outcome.image, hole) > 0);
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Mask blur: 4")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Inpaint area: Only masked")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Masked area padding: 8")), qPrintable(outcome.parameters));
}

void CanvasEngineTest::outpaintGrowsTheCanvasAndKeepsTheOriginal() {
    const QImage input = canvasImage(70, 45);
    GenerationRequest r = canvasRequest(GenerationMode::Outpaint, input);
    r.extendLeft = 8;
    r.extendTop = 0;
    r.extendRight = 13;
    r.extendBottom = 5;
    r.overlap = 4;
    r.outpaintFill = QStringLiteral("noise");
    QSignalSpy planned(&m_engine, &GenerationEngine::planned);
    const GenerationOutcome outcome = runExpectingOutcome(r);
    QCOMPARE(outcome.image.size(), QSize(70 + 8 + 13, 45 + 5));
    QCOMPARE(planned.size(), 1);
    QCOMPARE(planned[0][1].value<GenerationPlan>().width, 91);
    // The original sits at (8, 0); the overlap band runs along its left, right and bottom edges.
    const QRect kept(4, 0, 70 - 8, 45 - 4);
    QCOMPARE(differing(input, outcome.image, kept, QPoint(8, 0)), 0);
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Outpaint extend: \"8,0,13,5\"")) ||
                 outcome.parameters.contains(QStringLiteral("Outpaint extend: 8,0,13,5")),
             qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Outpaint fill: noise")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Outpaint overlap: 4")), qPrintable(outcome.parameters));
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Size: 91x50")), qPrintable(outcome.parameters));
}

void CanvasEngineTest::img2imgKeepsTheSizeAndRunsItsStrength() {
    const QImage input = canvasImage(70, 45);
    GenerationRequest r = canvasRequest(GenerationMode::ImageToImage, input);
    QSignalSpy planned(&m_engine, &GenerationEngine::planned);
    QSignalSpy stepped(&m_engine, &GenerationEngine::stepped);
    const GenerationOutcome outcome = runExpectingOutcome(r);
    QCOMPARE(outcome.image.size(), QSize(70, 45));
    QVERIFY(differing(input, outcome.image, input.rect()) > 70 * 45 / 4);
    QCOMPARE(outcome.modelName, QStringLiteral("builtin-cosine"));  // img2img: the text-to-image UNet
    QVERIFY2(outcome.parameters.contains(QStringLiteral("Denoising strength: 0.75")), qPrintable(outcome.parameters));
    // Strength 0.75 of 4 steps runs the last 3: the plan and the steps count those, from 0.
    QCOMPARE(planned.size(), 1);
    const GenerationPlan plan = planned[0][1].value<GenerationPlan>();
    QCOMPARE(plan.timesteps.size(), 3);
    QCOMPARE(plan.width, 70);
    QCOMPARE(stepped.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const StepUpdate u = stepped[i][1].value<StepUpdate>();
        QCOMPARE(u.index, i);
        QCOMPARE(u.count, 3);
        QCOMPARE(u.timestep, plan.timesteps[i]);
    }
}

void CanvasEngineTest::latentBlendUsesTheTextToImageUnet() {
    if (!hasInpaintVariant()) QSKIP("the built-in model has no inpainting variant here");
    const QImage input = canvasImage(70, 45);
    GenerationRequest r = canvasRequest(GenerationMode::Inpaint, input, 3);
    r.mask = rectMask(70, 45, QRect(5, 5, 30, 30));
    r.inpaintMethod = QStringLiteral("blend");
    GenerationOutcome blend = runExpectingOutcome(r);
    QCOMPARE(blend.modelName, QStringLiteral("builtin-cosine"));
    QVERIFY2(blend.parameters.contains(QStringLiteral("Inpaint method: latent blend")), qPrintable(blend.parameters));
    if (GenerationEngine::builtinSchedules().contains(QStringLiteral("linear"))) {
        r.builtinSchedule = QStringLiteral("linear");
        QCOMPARE(runExpectingOutcome(r).modelName, QStringLiteral("builtin-linear"));
        r.builtinSchedule = QStringLiteral("cosine");
    }
    r.inpaintMethod = QStringLiteral("auto");
    const GenerationOutcome autoRun = runExpectingOutcome(r);
    QCOMPARE(autoRun.modelName, QStringLiteral("builtin-inpaint"));
    QVERIFY2(autoRun.parameters.contains(QStringLiteral("Inpaint method: inpainting UNet")), qPrintable(autoRun.parameters));
    r.inpaintMethod = QStringLiteral("unet");
    QCOMPARE(runExpectingOutcome(r).modelName, QStringLiteral("builtin-inpaint"));
    // Back to text to image: the cache reloads the text-to-image UNet.
    GenerationRequest t;
    t.prompt = r.prompt;
    t.steps = 2;
    const GenerationOutcome text = runExpectingOutcome(t);
    QCOMPARE(text.modelName, QStringLiteral("builtin-cosine"));
    QCOMPARE(text.image.size(), QSize(64, 64));
}

void CanvasEngineTest::badCanvasInputFailsBeforeTheLoad() {
    const QImage input = canvasImage(70, 45);
    int loads = -1;
    struct Case {
        const char* what;
        GenerationRequest request;
        QString expected;
    };
    QVector<Case> cases;
    GenerationRequest r = canvasRequest(GenerationMode::Inpaint, input);
    r.mask = rectMask(30, 30, QRect(0, 0, 10, 10));
    cases.append({"wrong-size mask", r, QStringLiteral("the mask is 30x30 but the image is 70x45")});
    r.mask = rectMask(70, 45, QRect());
    cases.append({"empty mask", r, QStringLiteral("the mask is empty")});
    r.mask = QImage();
    cases.append({"no mask", r, QStringLiteral("needs a mask")});
    r = canvasRequest(GenerationMode::Outpaint, input);
    cases.append({"zero extension", r, QStringLiteral("extension is 0 on every side")});
    r.extendRight = 4100;
    cases.append({"too large an extension", r, QStringLiteral("4100 px is too large")});
    r = canvasRequest(GenerationMode::ImageToImage, QImage());
    cases.append({"no image", r, QStringLiteral("the image is empty")});
    r = canvasRequest(GenerationMode::ImageToImage, QImage(4100, 8, QImage::Format_RGB32));
    cases.append({"a canvas over 4096 px", r, QStringLiteral("4100x8")});
    r = canvasRequest(GenerationMode::ImageToImage, input, 2);
    r.strength = 0.25;  // int(2 * 0.25) = 0 steps
    cases.append({"a strength that runs no step", r, QStringLiteral("leaves no step")});
    for (const Case& c : cases) {
        const GenerationFailure f = runExpectingFailure(c.request, &loads);
        QVERIFY2(f.id > 0, c.what);
        QVERIFY2(f.kind == GenerationFailure::Kind::InvalidParameters, c.what);
        QVERIFY2(f.detail.contains(c.expected), qPrintable(QLatin1String(c.what) + QStringLiteral(": ") + f.detail));
        QVERIFY2(!f.detail.contains(QLatin1Char('\n')), c.what);
        QVERIFY2(loads == 0, c.what);  // found before any model load
    }
    // Only the pipeline knows the overlap's range: that fails there, as invalid parameters too.
    r = canvasRequest(GenerationMode::Outpaint, input, 2);
    r.extendTop = 8;
    r.overlap = 600;
    const GenerationFailure f = runExpectingFailure(r, &loads);
    QCOMPARE(f.kind, GenerationFailure::Kind::InvalidParameters);
    QVERIFY2(f.detail.contains(QStringLiteral("overlap")), qPrintable(f.detail));
}

void CanvasEngineTest::panelRoundTripsTheCanvasFields() {
    ds::ui::GenerationPanel panel;
    GenerationRequest r;
    r.mode = GenerationMode::Inpaint;
    r.prompt = QStringLiteral("a cat");
    r.strength = 0.6;
    r.onlyMasked = true;
    r.maskPadding = 48;
    r.inpaintMethod = QStringLiteral("blend");
    r.outpaintFill = QStringLiteral("stretch");
    r.overlap = 20;
    QVector<GenerationMode> changes;
    connect(&panel, &ds::ui::GenerationPanel::modeChanged, this, [&](GenerationMode m) { changes << m; });
    panel.setRequest(r);
    QCOMPARE(changes.size(), 1);
    QVERIFY(changes[0] == GenerationMode::Inpaint);
    GenerationRequest back = panel.request();
    QCOMPARE(back.mode, GenerationMode::Inpaint);
    QCOMPARE(panel.mode(), GenerationMode::Inpaint);
    QCOMPARE(back.strength, 0.6);
    QCOMPARE(back.onlyMasked, true);
    QCOMPARE(back.maskPadding, 48);
    QCOMPARE(back.inpaintMethod, QStringLiteral("blend"));
    QCOMPARE(back.outpaintFill, QStringLiteral("stretch"));
    QCOMPARE(back.overlap, 20);
    QCOMPARE(back.prompt, QStringLiteral("a cat"));
    // The canvas's own fields stay at their defaults: the window fills them.
    QVERIFY(back.initImage.isNull());
    QCOMPARE(back.feather, GenerationRequest().feather);
    QCOMPARE(back.extendLeft, 0);
    QCOMPARE(panel.nextRequest().mode, GenerationMode::Inpaint);

    r.mode = GenerationMode::Outpaint;
    r.strength = 0.9;
    r.onlyMasked = false;
    r.inpaintMethod = QStringLiteral("unet");
    r.outpaintFill = QStringLiteral("noise");
    r.overlap = 0;
    panel.setRequest(r);
    back = panel.request();
    QCOMPARE(back.mode, GenerationMode::Outpaint);
    QCOMPARE(back.strength, 0.9);
    QCOMPARE(back.onlyMasked, false);
    QCOMPARE(back.inpaintMethod, QStringLiteral("unet"));
    QCOMPARE(back.outpaintFill, QStringLiteral("noise"));
    QCOMPARE(back.overlap, 0);
    QCOMPARE(changes.size(), 2);

    r.mode = GenerationMode::TextToImage;
    r.width = 96;
    panel.setRequest(r);
    QCOMPARE(panel.request().mode, GenerationMode::TextToImage);
    QCOMPARE(panel.request().width, 96);
    QCOMPARE(changes.size(), 3);
    QVERIFY(changes.last() == GenerationMode::TextToImage);
}

void CanvasEngineTest::panelRemembersAStrengthPerModeAndHidesTheSize() {
    ds::ui::GenerationPanel panel;
    panel.show();
    auto* mode = panel.findChild<QComboBox*>(QStringLiteral("modeCombo"));
    auto* width = panel.findChild<QSpinBox*>(QStringLiteral("widthSpin"));
    auto* strength = panel.findChild<QDoubleSpinBox*>(QStringLiteral("strengthSpin"));
    auto* method = panel.findChild<QComboBox*>(QStringLiteral("inpaintMethodCombo"));
    auto* fill = panel.findChild<QComboBox*>(QStringLiteral("outpaintFillCombo"));
    auto* padding = panel.findChild<QSpinBox*>(QStringLiteral("maskPaddingSpin"));
    QVERIFY(mode && width && strength && method && fill && padding);
    QCOMPARE(mode->count(), 4);
    QCOMPARE(mode->itemText(0), QStringLiteral("Text to image"));
    QCOMPARE(panel.mode(), GenerationMode::TextToImage);
    QVERIFY(width->isVisibleTo(&panel));
    QVERIFY(!strength->isVisibleTo(&panel));

    panel.setMode(GenerationMode::ImageToImage);
    QVERIFY(!width->isVisibleTo(&panel));  // the canvas sets the size
    QVERIFY(strength->isVisibleTo(&panel));
    QVERIFY(!method->isVisibleTo(&panel));
    QCOMPARE(panel.request().strength, 0.75);
    strength->setValue(0.4);

    mode->setCurrentIndex(mode->findData(static_cast<int>(GenerationMode::Inpaint)));  // as a click would
    QCOMPARE(panel.mode(), GenerationMode::Inpaint);
    QCOMPARE(panel.request().strength, 1.0);
    QVERIFY(method->isVisibleTo(&panel));
    QVERIFY(padding->isVisibleTo(&panel));
    QVERIFY(!fill->isVisibleTo(&panel));
    QVERIFY(!width->isVisibleTo(&panel));
    strength->setValue(0.85);
    panel.resize(320, 640);
    QVERIFY(panel.grab().save(QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("generation_panel_inpaint.png"))));

    panel.setMode(GenerationMode::Outpaint);
    QCOMPARE(panel.request().strength, 1.0);
    QVERIFY(fill->isVisibleTo(&panel));
    QVERIFY(!padding->isVisibleTo(&panel));

    panel.setMode(GenerationMode::ImageToImage);
    QCOMPARE(panel.request().strength, 0.4);
    panel.setMode(GenerationMode::Inpaint);
    QCOMPARE(panel.request().strength, 0.85);
    panel.setMode(GenerationMode::TextToImage);
    QVERIFY(width->isVisibleTo(&panel));
    QVERIFY(!strength->isVisibleTo(&panel));
}

DS_REGISTER_UI_TEST(CanvasEngineTest)
#include "test_canvas_engine.moc"
