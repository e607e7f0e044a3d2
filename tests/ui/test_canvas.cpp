// Asserts the canvas: mouse strokes on an offscreen CanvasWidget paint the mask under their path (255
// near it, 0 beyond the brush's radius), mapped through zoom and pan; the eraser clears; hardness gives a
// soft edge; rectangle and lasso fills cover their shapes (Alt erases); invert and clear; undo/redo
// restore the mask bit for bit and a new edit drops the redo branch; a generation with an outpaint origin
// grows the canvas and moves the mask, and its undo restores size, picture, mask and frame exactly; a
// stroke on a 4096 x 4096 canvas reports and keeps only the rectangle it touched; the keys B/E/R/L/[/]/
// Ctrl+Z/Ctrl+Shift+Z/Ctrl+Y; bad pictures are refused; margins and feather clamp; the frame tool sets
// the margins; wheel zoom keeps the point under the cursor; the mask shows in red over the picture; the
// tool bar mirrors the widget and the document both ways.
#include <QAction>
#include <QApplication>
#include <QPainterPath>
#include <QSignalSpy>
#include <QSpinBox>
#include <QUndoStack>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>
#include <random>

#include "tests/ui/ui_test_support.h"
#include "ui/canvas/canvas_document.h"
#include "ui/canvas/canvas_toolbar.h"
#include "ui/canvas/canvas_widget.h"

using ds::ui::CanvasBrush;
using ds::ui::CanvasDocument;
using ds::ui::CanvasToolBar;
using ds::ui::CanvasWidget;
namespace tools = ds::ui;

namespace {

// A picture whose every pixel differs from its neighbours, so bit-exact comparisons mean something.
QImage pattern(int w, int h, int seed = 0) {
    QImage image(w, h, QImage::Format_RGBA8888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, QColor((x * 7 + seed) % 256, (y * 5 + seed) % 256, (x + y) % 256, 255));
    return image;
}

int maskAt(const CanvasDocument& doc, int x, int y) { return doc.mask().constScanLine(y)[x]; }

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + ab * t);
    return std::hypot(d.x(), d.y());
}

double distanceToPath(QPointF p, const QVector<QPointF>& path) {
    double best = 1e9;
    for (int i = 0; i + 1 < path.size(); ++i)
        best = std::min(best, distanceToSegment(p, path[i], path[i + 1]));
    if (path.size() == 1) best = distanceToSegment(p, path[0], path[0]);
    return best;
}

int countAbove(const QImage& mask, int threshold) {
    int n = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) n += mask.constScanLine(y)[x] > threshold;
    return n;
}

// Presses at the first point, moves through the others and releases at the last (widget coordinates);
// returns the canvas points the widget saw.
QVector<QPointF> drag(CanvasWidget& w, const QVector<QPoint>& points, Qt::MouseButton button = Qt::LeftButton,
                      Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QVector<QPointF> canvas;
    for (const QPoint& p : points) canvas << w.mapToCanvas(QPointF(p));
    QTest::mousePress(&w, button, modifiers, points.first());
    for (int i = 1; i < points.size(); ++i) QTest::mouseMove(&w, points[i]);
    QTest::mouseRelease(&w, button, modifiers, points.last());
    return canvas;
}

QPoint widgetPoint(const CanvasWidget& w, QPointF canvasPos) { return w.mapFromCanvas(canvasPos).toPoint(); }

// Every pixel whose centre lies within `inside` of the path is 255 (0 when erasing a full mask), every
// pixel beyond `outside` keeps its old value.
void verifyAlongPath(const CanvasDocument& doc, const QVector<QPointF>& path, double inside, double outside,
                     int painted, int untouched) {
    int near = 0;
    for (int y = 0; y < doc.size().height(); ++y) {
        for (int x = 0; x < doc.size().width(); ++x) {
            const double d = distanceToPath(QPointF(x + 0.5, y + 0.5), path);
            if (d <= inside) {
                QCOMPARE(maskAt(doc, x, y), painted);
                ++near;
            } else if (d >= outside) {
                QCOMPARE(maskAt(doc, x, y), untouched);
            }
        }
    }
    QVERIFY(near > 50);  // the path really crossed the canvas
}

}  // namespace

class CanvasTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { ds::test::useFreshSettings(QStringLiteral("CanvasTest")); }
    void init();
    void cleanup();
    void brushStrokeFollowsTheMouseThroughZoomAndPan();
    void eraserClears();
    void hardnessGivesASoftEdge();
    void rectangleFillCoversExactlyItsPixels();
    void lassoFillCoversItsShape();
    void invertAndClear();
    void undoRedoRestoreTheMaskBitForBit();
    void outpaintGenerationGrowsAndUndoRestores();
    void generationThatCropsUndoesExactly();
    void strokeOnAHugeCanvasStaysLocal();
    void keyboardShortcuts();
    void resetAndGenerationRefuseBadPictures();
    void undoHistoryIsBounded();
    void marginsAndFeatherClamp();
    void frameToolDragsTheMargins();
    void zoomKeepsThePointUnderTheCursor();
    void maskShowsOverThePicture();
    void toolBarMirrorsWidgetAndDocument();

private:
    std::unique_ptr<CanvasWidget> m_widget;
    CanvasDocument* doc() const { return m_widget->document(); }
};

void CanvasTest::init() {
    m_widget = std::make_unique<CanvasWidget>();
    m_widget->resize(400, 300);
    m_widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_widget.get()));
    QVERIFY(doc()->reset(pattern(200, 100)));
}

void CanvasTest::cleanup() { m_widget.reset(); }

void CanvasTest::brushStrokeFollowsTheMouseThroughZoomAndPan() {
    CanvasWidget& w = *m_widget;
    w.setZoom(2.0);
    QCOMPARE(w.zoom(), 2.0);
    // Pan with the middle button, then with space + left drag: the canvas follows the mouse, nothing is
    // painted.
    const QPointF before = w.mapFromCanvas(QPointF(10, 10));
    drag(w, {QPoint(200, 150), QPoint(215, 140), QPoint(230, 130)}, Qt::MiddleButton);
    QCOMPARE(w.mapFromCanvas(QPointF(10, 10)), before + QPointF(30, -20));
    QTest::keyPress(&w, Qt::Key_Space);
    drag(w, {QPoint(100, 100), QPoint(90, 105)});
    QTest::keyRelease(&w, Qt::Key_Space);
    QCOMPARE(w.mapFromCanvas(QPointF(10, 10)), before + QPointF(20, -15));
    QVERIFY(!doc()->hasMask());
    QCOMPARE(doc()->undoStack()->count(), 0);

    w.setBrush(CanvasBrush{10, 1.0});
    const QVector<QPointF> path = drag(w, {widgetPoint(w, {20, 50}), widgetPoint(w, {60, 30}),
                                           widgetPoint(w, {100, 60}), widgetPoint(w, {140, 55})});
    QVERIFY(std::abs(path.first().x() - 20) < 1 && std::abs(path.last().x() - 140) < 1);
    // Radius 5 with a 1 px anti-aliased rim; dabs every 1.25 px.
    verifyAlongPath(*doc(), path, 2.5, 5.0, 255, 0);
    QCOMPARE(doc()->undoStack()->count(), 1);
    QVERIFY(!doc()->inStroke());
    const QRect bounds = doc()->maskBounds();
    QVERIFY(QRect(QPoint(13, 23), QPoint(146, 66)).contains(bounds));
}

void CanvasTest::eraserClears() {
    CanvasWidget& w = *m_widget;
    doc()->invertMask();  // everything masked
    QCOMPARE(countAbove(doc()->mask(), 254), 200 * 100);
    w.setTool(tools::Eraser);
    w.setBrush(CanvasBrush{16, 0.9});
    const QVector<QPointF> path = drag(w, {widgetPoint(w, {30, 20}), widgetPoint(w, {170, 80})});
    verifyAlongPath(*doc(), path, 4.0, 8.0, 0, 255);
    QCOMPARE(doc()->undoStack()->count(), 2);
}

void CanvasTest::hardnessGivesASoftEdge() {
    // Along a horizontal line through a single dab's centre: 255 at the centre, falling steadily to 0
    // at the radius; a soft brush has many partial pixels, a hard one only its 1 px rim.
    auto dabProfile = [this](double hardness) {
        doc()->clearMask();
        doc()->beginStroke(false, CanvasBrush{40, hardness}, QPointF(100, 50));
        doc()->endStroke();
        QVector<int> v;
        for (int x = 100; x < 124; ++x) v << maskAt(*doc(), x, 50);
        return std::make_pair(v, countAbove(doc()->mask(), 0) - countAbove(doc()->mask(), 254));
    };
    const auto [soft, softPartial] = dabProfile(0.0);
    QVERIFY(soft.first() >= 250);
    for (int i = 1; i < soft.size(); ++i) QVERIFY2(soft[i] <= soft[i - 1], qPrintable(QString::number(i)));
    QVERIFY(soft[10] > 60 && soft[10] < 200);  // half way out: partly painted
    QCOMPARE(soft[20], 0);                     // the radius
    const auto [hard, hardPartial] = dabProfile(1.0);
    QCOMPARE(hard[10], 255);
    QCOMPARE(hard[18], 255);
    QCOMPARE(hard[21], 0);
    QVERIFY(softPartial > 800);                                             // most of the dab's 1257 px
    QVERIFY2(hardPartial < 180, qPrintable(QString::number(hardPartial)));  // the 1 px rim: ~ 2 pi r
    // Overlapping dabs of one stroke never build up past the brush's own profile.
    doc()->clearMask();
    doc()->beginStroke(false, CanvasBrush{40, 0.0}, QPointF(100, 50));
    for (int i = 0; i < 20; ++i) doc()->strokeTo(QPointF(100 + (i % 2 ? 0.3 : -0.3), 50));
    doc()->endStroke();
    QVERIFY(std::abs(maskAt(*doc(), 110, 50) - soft[10]) <= 12);
}

void CanvasTest::rectangleFillCoversExactlyItsPixels() {
    CanvasWidget& w = *m_widget;
    w.setZoom(2.0);
    QTest::keyClick(&w, Qt::Key_R);
    QCOMPARE(w.tool(), tools::Rectangle);
    // From the middle of pixel (10, 20) to the middle of pixel (30, 40): both ends included.
    drag(w, {widgetPoint(w, {30.5, 40.5}), widgetPoint(w, {20.5, 30.5}), widgetPoint(w, {10.5, 20.5})});
    QCOMPARE(doc()->maskBounds(), QRect(QPoint(10, 20), QPoint(30, 40)));
    QCOMPARE(countAbove(doc()->mask(), 254), 21 * 21);
    QCOMPARE(countAbove(doc()->mask(), 0), 21 * 21);
    // Alt erases a rectangle inside it.
    drag(w, {widgetPoint(w, {15.5, 25.5}), widgetPoint(w, {19.5, 29.5})}, Qt::LeftButton, Qt::AltModifier);
    QCOMPARE(countAbove(doc()->mask(), 0), 21 * 21 - 5 * 5);
    QCOMPARE(maskAt(*doc(), 17, 27), 0);
    QCOMPARE(maskAt(*doc(), 14, 27), 255);
    QCOMPARE(doc()->undoStack()->count(), 2);
}

void CanvasTest::lassoFillCoversItsShape() {
    // A triangle straight on the document: inside 255, outside 0, only a 1 px band in between.
    const QPolygonF triangle{QPointF(20, 10), QPointF(120, 10), QPointF(20, 90)};
    doc()->fillPolygon(triangle, false);
    QPainterPath path;
    path.addPolygon(triangle);
    path.closeSubpath();
    int partial = 0;
    for (int y = 0; y < 100; ++y) {
        for (int x = 0; x < 200; ++x) {
            const QPointF c(x + 0.5, y + 0.5);
            const int v = maskAt(*doc(), x, y);
            const bool deepInside = path.contains(QRectF(c - QPointF(1, 1), QSizeF(2, 2)));
            const bool farOutside = !path.intersects(QRectF(c - QPointF(1, 1), QSizeF(2, 2)));
            if (deepInside)
                QCOMPARE(v, 255);
            else if (farOutside)
                QCOMPARE(v, 0);
            else
                partial += v > 0 && v < 255;
        }
    }
    QVERIFY(partial > 50);  // anti-aliased edge
    const double area = countAbove(doc()->mask(), 127);
    QVERIFY(std::abs(area - 100 * 80 / 2.0) < 150);

    // With the mouse: a square lasso at zoom 2, then Alt erases a smaller one inside it.
    CanvasWidget& w = *m_widget;
    doc()->clearMask();
    w.setZoom(2.0);
    QTest::keyClick(&w, Qt::Key_L);
    QCOMPARE(w.tool(), tools::Lasso);
    drag(w, {widgetPoint(w, {130, 20}), widgetPoint(w, {170, 20}), widgetPoint(w, {170, 60}),
             widgetPoint(w, {130, 60})});
    QCOMPARE(maskAt(*doc(), 150, 40), 255);
    QCOMPARE(maskAt(*doc(), 131, 21), 255);
    QCOMPARE(maskAt(*doc(), 128, 40), 0);
    QCOMPARE(maskAt(*doc(), 150, 62), 0);
    QVERIFY(std::abs(countAbove(doc()->mask(), 127) - 40 * 40) < 100);
    drag(w,
         {widgetPoint(w, {140, 30}), widgetPoint(w, {160, 30}), widgetPoint(w, {160, 50}),
          widgetPoint(w, {140, 50})},
         Qt::LeftButton, Qt::AltModifier);
    QCOMPARE(maskAt(*doc(), 150, 40), 0);
    QCOMPARE(maskAt(*doc(), 135, 40), 255);
}

void CanvasTest::invertAndClear() {
    QSignalSpy changed(doc(), &CanvasDocument::changed);
    doc()->fillRect(QRect(10, 10, 30, 20), false);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last()[0].toRect(), QRect(10, 10, 30, 20));
    QCOMPARE(doc()->maskBounds(), QRect(10, 10, 30, 20));
    const QImage painted = doc()->mask().copy();
    doc()->invertMask();
    QCOMPARE(maskAt(*doc(), 15, 15), 0);
    QCOMPARE(maskAt(*doc(), 5, 5), 255);
    QCOMPARE(countAbove(doc()->mask(), 0), 200 * 100 - 30 * 20);
    doc()->undoStack()->undo();
    QCOMPARE(doc()->mask(), painted);
    doc()->clearMask();
    QVERIFY(!doc()->hasMask());
    QVERIFY(doc()->maskBounds().isEmpty());
    QCOMPARE(changed.last()[0].toRect(), QRect(10, 10, 30, 20));  // only what was masked
    doc()->undoStack()->undo();
    QCOMPARE(doc()->mask(), painted);
    // Clearing an empty mask is no step.
    doc()->undoStack()->undo();
    const int steps = doc()->undoStack()->count();
    doc()->clearMask();
    QCOMPARE(doc()->undoStack()->index(), 0);
    QVERIFY(doc()->undoStack()->count() <= steps);
}

void CanvasTest::undoRedoRestoreTheMaskBitForBit() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> px(0, 200), py(0, 100);
    QVector<QImage> states{doc()->mask().copy()};
    for (int s = 0; s < 6; ++s) {
        doc()->beginStroke(s % 3 == 2, CanvasBrush{8 + 9 * s, 0.2 * (s % 5)}, QPointF(px(rng), py(rng)));
        for (int i = 0; i < 5; ++i) doc()->strokeTo(QPointF(px(rng), py(rng)));
        doc()->endStroke();
        states << doc()->mask().copy();
    }
    QUndoStack* stack = doc()->undoStack();
    QCOMPARE(stack->count(), 6);
    stack->undo();
    stack->undo();
    QCOMPARE(doc()->mask(), states[4]);
    stack->redo();
    QCOMPARE(doc()->mask(), states[5]);
    stack->undo();
    QCOMPARE(doc()->mask(), states[4]);
    // A new edit drops the redo branch.
    doc()->fillRect(QRect(0, 0, 7, 7), false);
    QCOMPARE(stack->count(), 5);
    QVERIFY(!stack->canRedo());
    const QImage branched = doc()->mask().copy();
    stack->undo();
    QCOMPARE(doc()->mask(), states[4]);
    while (stack->canUndo()) stack->undo();
    QCOMPARE(doc()->mask(), states[0]);
    QVERIFY(!doc()->hasMask());
    for (int i = 1; i <= 4; ++i) {
        stack->redo();
        QCOMPARE(doc()->mask(), states[i]);
    }
    stack->redo();
    QCOMPARE(doc()->mask(), branched);
}

void CanvasTest::outpaintGenerationGrowsAndUndoRestores() {
    const QImage oldPicture = pattern(64, 48, 3);
    QVERIFY(doc()->reset(oldPicture));
    doc()->fillRect(QRect(0, 0, 20, 10), false);
    doc()->beginStroke(false, CanvasBrush{12, 0.5}, QPointF(40, 30));
    doc()->strokeTo(QPointF(63, 47));
    doc()->endStroke();
    const QImage oldMask = doc()->mask().copy();
    doc()->setOutpaintMargins(QMargins(16, 8, 16, 24));
    QSignalSpy sizes(doc(), &CanvasDocument::sizeChanged);

    const QImage result = pattern(96, 80, 11);
    QVERIFY(doc()->applyGeneration(result, QStringLiteral("Outpaint"), QPoint(16, 8)));
    QCOMPARE(doc()->size(), QSize(96, 80));
    QCOMPARE(doc()->image(), result);
    QCOMPARE(doc()->mask().copy(QRect(16, 8, 64, 48)), oldMask);
    QCOMPARE(countAbove(doc()->mask(), 0), countAbove(oldMask, 0));  // the grown area is unmasked
    QCOMPARE(doc()->outpaintMargins(), QMargins());
    QCOMPARE(sizes.count(), 1);
    QCOMPARE(doc()->undoStack()->undoText(), QStringLiteral("Outpaint"));
    const QImage newMask = doc()->mask().copy();

    doc()->undoStack()->undo();
    QCOMPARE(doc()->size(), QSize(64, 48));
    QCOMPARE(doc()->image(), oldPicture);
    QCOMPARE(doc()->mask(), oldMask);
    QCOMPARE(doc()->outpaintMargins(), QMargins(16, 8, 16, 24));
    QCOMPARE(sizes.count(), 2);
    QCOMPARE(m_widget->zoom(), std::min(384.0 / 96, 284.0 / 80));  // refitted to the frame

    doc()->undoStack()->redo();
    QCOMPARE(doc()->image(), result);
    QCOMPARE(doc()->mask(), newMask);
    // The stroke before it undoes on the old canvas afterwards.
    doc()->undoStack()->undo();
    doc()->undoStack()->undo();
    QCOMPARE(doc()->mask().copy(QRect(0, 0, 20, 10)), oldMask.copy(QRect(0, 0, 20, 10)));
    QCOMPARE(maskAt(*doc(), 40, 30), 0);
}

void CanvasTest::generationThatCropsUndoesExactly() {
    doc()->fillRect(QRect(0, 0, 200, 100), false);
    doc()->fillRect(QRect(50, 20, 10, 10), true);
    const QImage oldMask = doc()->mask().copy();
    const QImage oldPicture = doc()->image().copy();
    QVERIFY(doc()->applyGeneration(pattern(80, 60, 1), QString(), QPoint(-100, -30)));
    QCOMPARE(doc()->size(), QSize(80, 60));
    QCOMPARE(maskAt(*doc(), 0, 0), 255);
    QCOMPARE(maskAt(*doc(), 79, 59), 255);
    QCOMPARE(doc()->undoStack()->undoText(), CanvasDocument::tr("Generation"));
    doc()->undoStack()->undo();
    QCOMPARE(doc()->mask(), oldMask);
    QCOMPARE(doc()->image(), oldPicture);
    // On an empty document, a generation becomes the picture and its undo empties it again.
    CanvasDocument empty;
    QVERIFY(empty.isEmpty());
    QVERIFY(empty.applyGeneration(pattern(32, 32), QStringLiteral("txt2img")));
    QCOMPARE(empty.size(), QSize(32, 32));
    QVERIFY(!empty.hasMask());
    empty.undoStack()->undo();
    QVERIFY(empty.isEmpty());
}

void CanvasTest::strokeOnAHugeCanvasStaysLocal() {
    QImage big(4096, 4096, QImage::Format_RGBA8888);
    big.fill(Qt::gray);
    QVERIFY(doc()->reset(big));
    QSignalSpy changed(doc(), &CanvasDocument::changed);
    const CanvasBrush brush{20, 0.8};
    doc()->beginStroke(false, brush, QPointF(3000, 1000));
    doc()->strokeTo(QPointF(3050, 1020));
    doc()->strokeTo(QPointF(3100, 1060));
    doc()->endStroke();
    const QRect strokeBox =
        QRectF(QPointF(3000 - 11, 1000 - 11), QPointF(3100 + 11, 1060 + 11)).toAlignedRect();
    QVERIFY(changed.count() >= 3);
    for (const QList<QVariant>& args : changed) {
        const QRect r = args[0].toRect();
        QVERIFY2(
            strokeBox.contains(r),
            qPrintable(QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
    }
    QCOMPARE(doc()->maskBounds() & strokeBox, doc()->maskBounds());
    // Its undo step rewrites only the stroke's rectangle.
    changed.clear();
    doc()->undoStack()->undo();
    QCOMPARE(changed.count(), 1);
    const QRect undone = changed[0][0].toRect();
    QVERIFY(strokeBox.contains(undone));
    QVERIFY(undone.width() * undone.height() < 140 * 100);
    QVERIFY(!doc()->hasMask());
    doc()->undoStack()->redo();
    QVERIFY(strokeBox.contains(doc()->maskBounds()));
    QCOMPARE(maskAt(*doc(), 3050, 1020), 255);

    // The widget shows it, zoomed to fit (drawn from reduced copies) ...
    QVERIFY(m_widget->zoom() < 0.1);
    const QImage fitted = m_widget->grab().toImage();
    const QColor fittedMasked = fitted.pixelColor(widgetPoint(*m_widget, {3060, 1030}));
    const QColor fittedPlain = fitted.pixelColor(widgetPoint(*m_widget, {1000, 3000}));
    QVERIFY2(fittedMasked.red() > fittedMasked.green() + 40, qPrintable(fittedMasked.name()));
    QVERIFY2(std::abs(fittedPlain.red() - 160) <= 2 && std::abs(fittedPlain.blue() - 164) <= 2,
             qPrintable(fittedPlain.name()));
    // ... and at 100 % around the stroke: the mask is drawn where it is.
    m_widget->actualSize();
    const QPoint at = widgetPoint(*m_widget, {3050, 1020});
    const QPointF shift = QPointF(200, 150) - QPointF(at);
    QTest::keyPress(m_widget.get(), Qt::Key_Space);
    drag(*m_widget, {QPoint(100, 100), (QPointF(100, 100) + shift).toPoint()});
    QTest::keyRelease(m_widget.get(), Qt::Key_Space);
    const QImage shot = m_widget->grab().toImage();
    const QPoint centre = widgetPoint(*m_widget, {3050.5, 1020.5});
    QVERIFY(m_widget->rect().contains(centre));
    const QColor masked = shot.pixelColor(centre);
    QVERIFY2(masked.red() > masked.green() + 50, qPrintable(masked.name()));
}

void CanvasTest::keyboardShortcuts() {
    CanvasWidget& w = *m_widget;
    w.setFocus();
    QSignalSpy toolSpy(&w, &CanvasWidget::toolChanged);
    QTest::keyClick(&w, Qt::Key_E);
    QCOMPARE(w.tool(), tools::Eraser);
    QTest::keyClick(&w, Qt::Key_R);
    QCOMPARE(w.tool(), tools::Rectangle);
    QTest::keyClick(&w, Qt::Key_L);
    QCOMPARE(w.tool(), tools::Lasso);
    QTest::keyClick(&w, Qt::Key_B);
    QCOMPARE(w.tool(), tools::Brush);
    QCOMPARE(toolSpy.count(), 4);
    QCOMPARE(toolSpy.last()[0].value<ds::ui::CanvasTool>(), tools::Brush);

    w.setBrush(CanvasBrush{40, 0.5});
    QTest::keyClick(&w, Qt::Key_BracketRight);
    QCOMPARE(w.brush().size, 50);
    QTest::keyClick(&w, Qt::Key_BracketLeft);
    QTest::keyClick(&w, Qt::Key_BracketLeft);
    QCOMPARE(w.brush().size, 32);
    w.setBrush(CanvasBrush{2, 0.5});
    QTest::keyClick(&w, Qt::Key_BracketRight);
    QCOMPARE(w.brush().size, 3);  // at least one pixel
    w.setBrush(CanvasBrush{1, 0.5});
    QTest::keyClick(&w, Qt::Key_BracketLeft);
    QCOMPARE(w.brush().size, 1);
    w.setBrush(CanvasBrush{5000, 2.0});
    QCOMPARE(w.brush().size, CanvasDocument::kMaxBrushSize);
    QCOMPARE(w.brush().hardness, 1.0);

    w.setBrush(CanvasBrush{12, 1.0});
    drag(w, {widgetPoint(w, {20, 20}), widgetPoint(w, {80, 60})});
    const QImage first = doc()->mask().copy();
    drag(w, {widgetPoint(w, {150, 20}), widgetPoint(w, {150, 80})});
    const QImage second = doc()->mask().copy();
    QVERIFY(first != second);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc()->mask(), first);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(!doc()->hasMask());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(doc()->mask(), first);
    QTest::keyClick(&w, Qt::Key_Y, Qt::ControlModifier);
    QCOMPARE(doc()->mask(), second);
}

void CanvasTest::undoHistoryIsBounded() {
    CanvasDocument doc;
    QImage picture(40, 30, QImage::Format_RGBA8888);
    picture.fill(Qt::white);
    QVERIFY(doc.reset(picture));
    // 60 steps that each change the mask: paint 40 pixels, then erase the first 20 again.
    for (int i = 0; i < CanvasDocument::kUndoLimit + 10; ++i) doc.fillRect(QRect(i % 40, 0, 1, 1), i >= 40);
    QCOMPARE(doc.undoStack()->count(), CanvasDocument::kUndoLimit);  // the oldest steps were dropped
    while (doc.undoStack()->canUndo()) doc.undoStack()->undo();
    QCOMPARE(qGray(doc.mask().pixel(0, 0)), 255);  // the dropped steps stay applied
    QCOMPARE(qGray(doc.mask().pixel(39, 0)), 0);   // the kept ones were undone
}

void CanvasTest::resetAndGenerationRefuseBadPictures() {
    const QImage picture = doc()->image().copy();
    doc()->fillRect(QRect(0, 0, 5, 5), false);
    QSignalSpy sizes(doc(), &CanvasDocument::sizeChanged);
    QVERIFY(!doc()->reset(QImage()));
    QVERIFY(!doc()->reset(QImage(4097, 16, QImage::Format_RGB32)));
    QVERIFY(!doc()->reset(QImage(16, 4097, QImage::Format_RGB32)));
    QVERIFY(!doc()->applyGeneration(QImage(), QStringLiteral("x")));
    QVERIFY(!doc()->applyGeneration(QImage(5000, 8, QImage::Format_RGB32), QStringLiteral("x")));
    QVERIFY(!doc()->setMask(QImage(10, 10, QImage::Format_Grayscale8)));
    QCOMPARE(doc()->image(), picture);
    QCOMPARE(doc()->undoStack()->count(), 1);
    QVERIFY(doc()->hasMask());
    QCOMPARE(sizes.count(), 0);
    // A good one: any format becomes straight RGBA, without history, mask cleared.
    QImage rgb(4096, 2, QImage::Format_RGB888);
    rgb.fill(Qt::blue);
    QVERIFY(doc()->reset(rgb));
    QCOMPARE(doc()->image().format(), QImage::Format_RGBA8888);
    QCOMPARE(doc()->mask().format(), QImage::Format_Grayscale8);
    QCOMPARE(doc()->mask().size(), QSize(4096, 2));
    QCOMPARE(doc()->undoStack()->count(), 0);
    QVERIFY(!doc()->hasMask());
    QCOMPARE(sizes.count(), 1);
    // setMask converts and replaces.
    QImage m(4096, 2, QImage::Format_RGB32);
    m.fill(Qt::white);
    QVERIFY(doc()->setMask(m));
    QCOMPARE(countAbove(doc()->mask(), 254), 4096 * 2);
}

void CanvasTest::marginsAndFeatherClamp() {
    QSignalSpy margins(doc(), &CanvasDocument::outpaintMarginsChanged);
    doc()->setOutpaintMargins(QMargins(-5, 10, 5000, 100));
    QCOMPARE(doc()->outpaintMargins(), QMargins(0, 10, 4096 - 200, 100));
    doc()->setOutpaintMargins(QMargins(3000, 2000, 3000, 2000));
    QCOMPARE(doc()->outpaintMargins(), QMargins(3000, 2000, 896, 1996));
    QCOMPARE(margins.count(), 2);
    doc()->setOutpaintMargins(QMargins(3000, 2000, 896, 1996));
    QCOMPARE(margins.count(), 2);  // no change, no signal
    QCOMPARE(margins.last()[0].value<QMargins>(), QMargins(3000, 2000, 896, 1996));
    // A new picture resets the frame; an empty document has none.
    QVERIFY(doc()->reset(pattern(10, 10)));
    QCOMPARE(doc()->outpaintMargins(), QMargins());
    CanvasDocument empty;
    empty.setOutpaintMargins(QMargins(8, 8, 8, 8));
    QCOMPARE(empty.outpaintMargins(), QMargins());

    QSignalSpy feather(doc(), &CanvasDocument::featherRadiusChanged);
    doc()->setFeatherRadius(-3);
    QCOMPARE(doc()->featherRadius(), 0);
    doc()->setFeatherRadius(999);
    QCOMPARE(doc()->featherRadius(), CanvasDocument::kMaxFeather);
    doc()->setFeatherRadius(12);
    QCOMPARE(doc()->featherRadius(), 12);
    QCOMPARE(feather.count(), 2);
    QCOMPARE(doc()->undoStack()->count(), 0);  // settings, not steps
}

void CanvasTest::frameToolDragsTheMargins() {
    CanvasWidget& w = *m_widget;
    w.setZoom(1.0);
    w.setTool(tools::OutpaintFrame);
    CanvasToolBar bar(&w);
    // The right side, dragged 40 px out.
    const QPoint right = widgetPoint(w, {200, 50});
    const QPoint out = right + QPoint(40, 3);
    drag(w, {right, right + QPoint(20, 0), out});
    QCOMPARE(doc()->outpaintMargins(), QMargins(0, 0, qRound(w.mapToCanvas(out).x()) - 200, 0));
    QCOMPARE(doc()->outpaintMargins().right(), 40);
    // The top-left corner, dragged up and left.
    const QPoint corner = widgetPoint(w, {0, 0});
    drag(w, {corner, corner + QPoint(-16, -24)});
    QCOMPARE(doc()->outpaintMargins(), QMargins(16, 24, 40, 0));
    // Dragging back past the border stops at 0.
    const QPoint grown = widgetPoint(w, {-16, 50});
    drag(w, {grown, grown + QPoint(60, 0)});
    QCOMPARE(doc()->outpaintMargins(), QMargins(0, 24, 40, 0));
    QCOMPARE(bar.marginBox(Qt::TopEdge)->value(), 24);
    QCOMPARE(bar.marginBox(Qt::RightEdge)->value(), 40);
    // Pressing on the picture itself moves nothing, and no undo step is made.
    drag(w, {widgetPoint(w, {100, 50}), widgetPoint(w, {150, 70})});
    QCOMPARE(doc()->outpaintMargins(), QMargins(0, 24, 40, 0));
    QCOMPARE(doc()->undoStack()->count(), 0);
    QVERIFY(!doc()->hasMask());
}

void CanvasTest::zoomKeepsThePointUnderTheCursor() {
    CanvasWidget& w = *m_widget;
    // Fitted: 200 x 100 into 400 x 300 less an 8 px border, centred.
    QCOMPARE(w.zoom(), std::min(384.0 / 200, 284.0 / 100));
    QCOMPARE(w.mapFromCanvas(QPointF(100, 50)), QPointF(200, 150));
    QSignalSpy zooms(&w, &CanvasWidget::zoomChanged);
    const QPointF cursor(120, 90);
    const QPointF under = w.mapToCanvas(cursor);
    const double z0 = w.zoom();
    QWheelEvent wheel(cursor, w.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &wheel);
    QCOMPARE(w.zoom(), z0 * 1.25);
    QVERIFY(std::hypot(w.mapToCanvas(cursor).x() - under.x(), w.mapToCanvas(cursor).y() - under.y()) < 1e-9);
    QWheelEvent back(cursor, w.mapToGlobal(cursor), QPoint(), QPoint(0, -240), Qt::NoButton, Qt::NoModifier,
                     Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &back);
    QVERIFY(std::abs(w.zoom() - z0 / 1.25) < 1e-12);
    QCOMPARE(zooms.count(), 2);
    w.setZoom(1000);
    QCOMPARE(w.zoom(), CanvasWidget::kMaxZoom);
    w.setZoom(0);
    QCOMPARE(w.zoom(), CanvasWidget::kMinZoom);
    w.actualSize();
    QCOMPARE(w.zoom(), 1.0);
    w.zoomIn();
    QCOMPARE(w.zoom(), 1.25);
    w.zoomOut();
    w.zoomOut();
    QCOMPARE(w.zoom(), 0.8);
    w.fitToWindow();
    QCOMPARE(w.zoom(), z0);
    // A resize refits a fitted view.
    w.resize(216, 300);
    QTRY_COMPARE(w.zoom(), 1.0);
}

void CanvasTest::maskShowsOverThePicture() {
    CanvasWidget& w = *m_widget;
    QImage picture(200, 100, QImage::Format_RGBA8888);
    picture.fill(QColor(128, 128, 128, 255));
    for (int y = 0; y < 100; ++y)
        for (int x = 100; x < 200; ++x)
            picture.setPixelColor(x, y, QColor(0, 0, 0, 0));  // transparent right half
    QVERIFY(doc()->reset(picture));
    doc()->fillRect(QRect(0, 0, 50, 100), false);
    w.actualSize();
    const QImage shot = w.grab().toImage();
    const QColor masked = shot.pixelColor(widgetPoint(w, {25.5, 50.5}));
    const QColor plain = shot.pixelColor(widgetPoint(w, {75.5, 50.5}));
    QCOMPARE(plain, QColor(128, 128, 128));
    QVERIFY2(masked.red() > 170 && masked.green() < 90, qPrintable(masked.name()));
    // Transparent pixels show the checkerboard's two greys.
    QSet<int> greys;
    for (int x = 110; x < 190; x += 3) greys << shot.pixelColor(widgetPoint(w, {x + 0.5, 50.5})).red();
    QCOMPARE(greys, (QSet<int>{153, 204}));
    // An empty document shows the placeholder text on the plain background, no canvas.
    CanvasDocument empty;
    w.setDocument(&empty);
    QVERIFY(w.document() == &empty);
    const QImage placeholder = w.grab().toImage();
    const QColor background = placeholder.pixelColor(2, 2);
    int text = 0;
    for (int y = 0; y < placeholder.height(); ++y)
        for (int x = 0; x < placeholder.width(); ++x) {
            const QColor c = placeholder.pixelColor(x, y);
            QVERIFY(c.red() - c.green() < 40);  // no mask colour
            text += c != background;
        }
    QVERIFY(text > 100);
}

void CanvasTest::toolBarMirrorsWidgetAndDocument() {
    CanvasWidget& w = *m_widget;
    CanvasToolBar bar(&w);
    QVERIFY(bar.toolAction(tools::Brush)->isChecked());
    QVERIFY(bar.toolAction(tools::Brush)->toolTip().contains(QStringLiteral("(B)")));
    QVERIFY(bar.toolAction(tools::Lasso)->toolTip().contains(QStringLiteral("(L)")));
    bar.toolAction(tools::Lasso)->trigger();
    QCOMPARE(w.tool(), tools::Lasso);
    w.setTool(tools::Eraser);
    QVERIFY(bar.toolAction(tools::Eraser)->isChecked());
    QVERIFY(!bar.toolAction(tools::Lasso)->isChecked());

    bar.brushSizeBox()->setValue(77);
    bar.hardnessBox()->setValue(25);
    QCOMPARE(w.brush().size, 77);
    QCOMPARE(w.brush().hardness, 0.25);
    w.setBrush(CanvasBrush{12, 0.5});
    QCOMPARE(bar.brushSizeBox()->value(), 12);
    QCOMPARE(bar.hardnessBox()->value(), 50);

    bar.featherBox()->setValue(9);
    QCOMPARE(doc()->featherRadius(), 9);
    doc()->setFeatherRadius(20);
    QCOMPARE(bar.featherBox()->value(), 20);

    doc()->setOutpaintMargins(QMargins(1, 2, 3, 4));
    QCOMPARE(bar.marginBox(Qt::LeftEdge)->value(), 1);
    QCOMPARE(bar.marginBox(Qt::TopEdge)->value(), 2);
    QCOMPARE(bar.marginBox(Qt::RightEdge)->value(), 3);
    QCOMPARE(bar.marginBox(Qt::BottomEdge)->value(), 4);
    QCOMPARE(bar.marginBox(Qt::LeftEdge)->maximum(), 4096 - 200);
    QCOMPARE(bar.marginBox(Qt::BottomEdge)->maximum(), 4096 - 100);
    bar.marginBox(Qt::RightEdge)->setValue(100);
    QCOMPARE(doc()->outpaintMargins(), QMargins(1, 2, 100, 4));
    bar.marginBox(Qt::LeftEdge)->setValue(3896);  // only the room the right side leaves
    QCOMPARE(doc()->outpaintMargins(), QMargins(3796, 2, 100, 4));
    QCOMPARE(bar.marginBox(Qt::LeftEdge)->value(), 3796);

    bar.invertAction()->trigger();
    QCOMPARE(countAbove(doc()->mask(), 254), 200 * 100);
    bar.clearAction()->trigger();
    QVERIFY(!doc()->hasMask());

    // Another document: the bar follows it.
    CanvasDocument other;
    QVERIFY(other.reset(pattern(300, 50)));
    other.setFeatherRadius(4);
    w.setDocument(&other);
    QCOMPARE(bar.featherBox()->value(), 4);
    QCOMPARE(bar.marginBox(Qt::LeftEdge)->maximum(), 4096 - 300);
    QCOMPARE(bar.marginBox(Qt::LeftEdge)->value(), 0);
    bar.featherBox()->setValue(6);
    QCOMPARE(other.featherRadius(), 6);
    QVERIFY(bar.invertAction()->isEnabled());
    CanvasDocument empty;
    w.setDocument(&empty);
    QVERIFY(!bar.invertAction()->isEnabled());
    QVERIFY(!bar.marginBox(Qt::TopEdge)->isEnabled());
}

DS_REGISTER_UI_TEST(CanvasTest)
#include "test_canvas.moc"
