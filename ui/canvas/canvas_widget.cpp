#include "ui/canvas/canvas_widget.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QUndoStack>
#include <QWheelEvent>
#include <QtMath>
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace ds::ui {
namespace {

constexpr double kWheelStep = 1.25;    // zoom factor per wheel notch and per zoomIn/zoomOut
constexpr double kBrushStep = 1.25;    // [ and ] scale the brush by this (at least 1 px)
constexpr int kFrameGrabDistance = 6;  // widget px around the frame's sides that grab them
constexpr double kMaskAlpha = 0.45;

// Mask value -> premultiplied red at up to kMaskAlpha opacity.
const std::array<QRgb, 256>& overlayColours() {
    static const std::array<QRgb, 256> table = [] {
        std::array<QRgb, 256> t{};
        for (int v = 0; v < 256; ++v) {
            const int a = qRound(v * kMaskAlpha);
            t[size_t(v)] = qRgba(a, 0, 0, a);
        }
        return t;
    }();
    return table;
}

const QBrush& checkerBrush() {
    static const QBrush brush = [] {
        QPixmap tile(16, 16);
        tile.fill(QColor(204, 204, 204));
        QPainter p(&tile);
        p.fillRect(0, 0, 8, 8, QColor(153, 153, 153));
        p.fillRect(8, 8, 8, 8, QColor(153, 153, 153));
        return QBrush(tile);
    }();
    return brush;
}

const QColor kFrameColour(70, 150, 255);

// The picture (straight RGBA8888) reduced by 2^level: each pixel the premultiplied mean of its cell.
QImage reducePicture(const QImage& picture, int level) {
    const int w = picture.width(), h = picture.height(), f = 1 << level;
    QImage out((w + f - 1) >> level, (h + f - 1) >> level, QImage::Format_ARGB32_Premultiplied);
    std::vector<quint32> sums(size_t(out.width()) * 4);
    for (int cy = 0; cy < out.height(); ++cy) {
        std::fill(sums.begin(), sums.end(), 0u);
        const int y0 = cy << level, y1 = std::min(h, y0 + f);
        for (int y = y0; y < y1; ++y) {
            const uchar* row = picture.constScanLine(y);
            for (int x = 0; x < w; ++x) {
                const quint32 a = row[4 * x + 3];
                quint32* sum = &sums[size_t(x >> level) * 4];
                sum[0] += row[4 * x] * a;
                sum[1] += row[4 * x + 1] * a;
                sum[2] += row[4 * x + 2] * a;
                sum[3] += a;
            }
        }
        auto* dst = reinterpret_cast<QRgb*>(out.scanLine(cy));
        for (int cx = 0; cx < out.width(); ++cx) {
            const quint32 n = quint32((std::min(w, (cx + 1) << level) - (cx << level)) * (y1 - y0));
            const quint32* sum = &sums[size_t(cx) * 4];
            dst[cx] = qRgba(int(sum[0] / (255 * n)), int(sum[1] / (255 * n)), int(sum[2] / (255 * n)),
                            int(sum[3] / n));
        }
    }
    return out;
}

}  // namespace

CanvasWidget::CanvasWidget(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::CrossCursor);
    m_ownDoc = new CanvasDocument(this);
    setDocument(m_ownDoc);
}

void CanvasWidget::setDocument(CanvasDocument* document) {
    if (!document || document == m_doc) return;
    if (m_doc) {
        if (m_doc->inStroke()) m_doc->endStroke();
        disconnect(m_doc.data(), nullptr, this, nullptr);
    }
    m_drag = Drag::None;
    if (m_ownDoc && m_ownDoc != document) {
        delete m_ownDoc;
        m_ownDoc = nullptr;
    }
    m_doc = document;
    connect(document, &CanvasDocument::changed, this, &CanvasWidget::onDocumentChanged);
    connect(document, &CanvasDocument::sizeChanged, this, &CanvasWidget::onSizeChanged);
    connect(document, &CanvasDocument::outpaintMarginsChanged, this, qOverload<>(&QWidget::update));
    onSizeChanged();
    emit documentChanged(document);
}

void CanvasWidget::setTool(CanvasTool tool) {
    if (tool == m_tool) return;
    if (m_drag == Drag::Stroke && m_doc) m_doc->endStroke();
    m_drag = Drag::None;
    m_lasso.clear();
    m_tool = tool;
    updateCursorShape(m_cursor);
    update();
    emit toolChanged(tool);
}

void CanvasWidget::setBrush(const CanvasBrush& brush) {
    CanvasBrush b;
    b.size = std::clamp(brush.size, 1, CanvasDocument::kMaxBrushSize);
    b.hardness = std::clamp(brush.hardness, 0.0, 1.0);
    if (b.size == m_brush.size && b.hardness == m_brush.hardness) return;
    const QRect before = brushOutlineRect(m_cursor);
    m_brush = b;
    if (m_hover) update(before | brushOutlineRect(m_cursor));
    emit brushChanged(m_brush);
}

QPointF CanvasWidget::mapToCanvas(QPointF widgetPos) const { return (widgetPos - m_origin) / m_zoom; }
QPointF CanvasWidget::mapFromCanvas(QPointF canvasPos) const { return m_origin + canvasPos * m_zoom; }

QRectF CanvasWidget::widgetRectOf(const QRectF& canvasRect) const {
    return {mapFromCanvas(canvasRect.topLeft()), canvasRect.size() * m_zoom};
}

QRect CanvasWidget::frameCanvasRect() const {
    if (!m_doc) return {};
    const QMargins m = m_doc->outpaintMargins();
    return QRect(QPoint(0, 0), m_doc->size()).marginsAdded(m);
}

// --- zoom ---

void CanvasWidget::setZoom(double zoom) {
    setFitted(false);
    zoomAround(zoom, QRectF(rect()).center());
}

void CanvasWidget::zoomIn() { setZoom(m_zoom * kWheelStep); }
void CanvasWidget::zoomOut() { setZoom(m_zoom / kWheelStep); }
void CanvasWidget::actualSize() { setZoom(1.0); }

void CanvasWidget::zoomAround(double zoom, QPointF widgetPos) {
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const QPointF fixed = mapToCanvas(widgetPos);
    const bool changed = zoom != m_zoom;
    m_zoom = zoom;
    m_origin = widgetPos - fixed * zoom;
    update();
    if (changed) emit zoomChanged(m_zoom);
}

void CanvasWidget::setFitted(bool fitted) { m_fitted = fitted; }

void CanvasWidget::fitToWindow() {
    m_fitted = true;
    const QRect frame = frameCanvasRect();
    if (frame.isEmpty()) {
        const bool changed = m_zoom != 1.0;
        m_zoom = 1.0;
        m_origin = QPointF();
        update();
        if (changed) emit zoomChanged(m_zoom);
        return;
    }
    const QRectF room = QRectF(rect()).adjusted(8, 8, -8, -8);
    const double zoom = std::clamp(std::min(room.width() / frame.width(), room.height() / frame.height()),
                                   kMinZoom, kMaxZoom);
    const bool changed = zoom != m_zoom;
    m_zoom = zoom;
    m_origin = QRectF(rect()).center() - QRectF(frame).center() * zoom;
    update();
    if (changed) emit zoomChanged(m_zoom);
}

void CanvasWidget::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_fitted) fitToWindow();
}

// --- the document's changes ---

void CanvasWidget::onSizeChanged() {
    if (m_drag == Drag::Stroke && m_doc && m_doc->inStroke()) m_doc->endStroke();
    m_drag = Drag::None;
    m_overlay = QImage();
    m_reducedLevel = 0;
    m_reducedPicture = m_reducedOverlay = QImage();
    if (m_doc && !m_doc->isEmpty()) {
        m_overlay = QImage(m_doc->size(), QImage::Format_ARGB32_Premultiplied);
        refreshOverlay(m_overlay.rect());
    }
    fitToWindow();
}

void CanvasWidget::onDocumentChanged(const QRect& canvasRect) {
    if (!m_doc) return;
    if (m_overlay.size() != m_doc->size()) {
        onSizeChanged();
        return;
    }
    refreshOverlay(canvasRect);
    if (m_reducedLevel > 0) refreshReducedOverlay(canvasRect);
    update(widgetRectOf(canvasRect).toAlignedRect().adjusted(-2, -2, 2, 2));
}

int CanvasWidget::reductionLevel() const {
    if (m_zoom >= 0.5) return 0;
    return int(std::floor(std::log2(1.0 / m_zoom) + 1e-9));
}

void CanvasWidget::ensureReduced(int level) {
    if (level == 0) {
        m_reducedLevel = 0;
        m_reducedPicture = m_reducedOverlay = QImage();
        return;
    }
    const QImage& picture = m_doc->image();
    if (level != m_reducedLevel || m_reducedPictureKey != picture.cacheKey()) {
        m_reducedPicture = reducePicture(picture, level);
        m_reducedPictureKey = picture.cacheKey();
    }
    if (level != m_reducedLevel) {
        m_reducedLevel = level;
        m_reducedOverlay = QImage(m_reducedPicture.size(), QImage::Format_ARGB32_Premultiplied);
        refreshReducedOverlay(m_doc->mask().rect());
    }
}

// The reduced overlay's cells under `canvasRect`, each the colour of its cell's mean mask value.
void CanvasWidget::refreshReducedOverlay(const QRect& canvasRect) {
    if (!m_doc || m_reducedOverlay.isNull()) return;
    const QImage& mask = m_doc->mask();
    const QRect r = canvasRect & mask.rect();
    if (r.isEmpty()) return;
    const int level = m_reducedLevel, f = 1 << level;
    const auto& colours = overlayColours();
    for (int cy = r.top() >> level; cy <= r.bottom() >> level; ++cy) {
        const int y0 = cy << level, y1 = std::min(mask.height(), y0 + f);
        auto* dst = reinterpret_cast<QRgb*>(m_reducedOverlay.scanLine(cy));
        for (int cx = r.left() >> level; cx <= r.right() >> level; ++cx) {
            const int x0 = cx << level, x1 = std::min(mask.width(), x0 + f);
            quint32 sum = 0;
            for (int y = y0; y < y1; ++y) {
                const uchar* row = mask.constScanLine(y);
                for (int x = x0; x < x1; ++x) sum += row[x];
            }
            dst[cx] = colours[sum / quint32((x1 - x0) * (y1 - y0))];
        }
    }
}

bool CanvasWidget::pictureIsOpaque() {
    const QImage& picture = m_doc->image();
    if (picture.cacheKey() != m_opaqueKey) {
        m_opaqueKey = picture.cacheKey();
        m_opaque = true;
        for (int y = 0; y < picture.height() && m_opaque; ++y) {
            const uchar* row = picture.constScanLine(y);
            for (int x = 0; x < picture.width(); ++x)
                if (row[4 * x + 3] != 255) {
                    m_opaque = false;
                    break;
                }
        }
    }
    return m_opaque;
}

void CanvasWidget::refreshOverlay(const QRect& canvasRect) {
    if (!m_doc || m_overlay.isNull()) return;
    const QImage& mask = m_doc->mask();
    const QRect r = canvasRect & m_overlay.rect() & mask.rect();
    const auto& colours = overlayColours();
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const uchar* src = mask.constScanLine(y);
        auto* dst = reinterpret_cast<QRgb*>(m_overlay.scanLine(y));
        for (int x = r.left(); x <= r.right(); ++x) dst[x] = colours[src[x]];
    }
}

// --- painting ---

void CanvasWidget::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Dark));
    if (!m_doc || m_doc->isEmpty()) {
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open an image or generate one, then paint where it should change."));
        return;
    }
    const QImage& image = m_doc->image();
    const QRectF canvas = widgetRectOf(image.rect());
    const QMargins margins = m_doc->outpaintMargins();
    const QRectF frame = widgetRectOf(frameCanvasRect());
    if (!margins.isNull()) {
        QPainterPath grown;
        grown.addRect(frame);
        grown.addRect(canvas);  // odd-even fill: only the new area
        painter.fillPath(grown, QColor(kFrameColour.red(), kFrameColour.green(), kFrameColour.blue(), 60));
        painter.fillPath(grown, QBrush(kFrameColour.lighter(130), Qt::BDiagPattern));
    }

    // Only the canvas pixels under each exposed rectangle are drawn: the cost follows the screen area.
    const int level = reductionLevel();
    ensureReduced(level);
    const QImage& picture = level > 0 ? m_reducedPicture : image;
    const QImage& overlay = level > 0 ? m_reducedOverlay : m_overlay;
    const double scale = 1 << level;  // canvas pixels per pixel of `picture`
    const bool opaque = pictureIsOpaque();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom * scale < 1.0);
    for (const QRect& exposed : event->region()) {
        const QRectF visible = QRectF(exposed) & canvas;
        if (visible.isEmpty()) continue;
        const QRectF seen(mapToCanvas(visible.topLeft()) / scale, mapToCanvas(visible.bottomRight()) / scale);
        const QRect source = seen.toAlignedRect() & picture.rect();
        if (source.isEmpty()) continue;
        const QRectF target = widgetRectOf(QRectF(source.topLeft() * scale, QSizeF(source.size()) * scale));
        painter.save();
        painter.setClipRect(visible);
        if (!opaque) painter.fillRect(visible, checkerBrush());
        painter.drawImage(target, picture, source);
        painter.drawImage(target, overlay, source);
        painter.restore();
    }

    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Shadow), 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(canvas.adjusted(-0.5, -0.5, 0.5, 0.5));
    if (!margins.isNull() || m_tool == OutpaintFrame) {
        QPen dashed(kFrameColour, 1.5, Qt::DashLine);
        dashed.setCosmetic(true);
        painter.setPen(dashed);
        painter.drawRect(frame);
        if (m_tool == OutpaintFrame) {
            painter.setPen(QPen(Qt::white, 0));
            painter.setBrush(kFrameColour);
            const double h = 4;
            for (double x : {frame.left(), frame.center().x(), frame.right()})
                for (double y : {frame.top(), frame.center().y(), frame.bottom()})
                    if (x != frame.center().x() || y != frame.center().y())
                        painter.drawRect(QRectF(x - h, y - h, 2 * h, 2 * h));
            painter.setBrush(Qt::NoBrush);
        }
    }

    QPen outline(Qt::white, 0, Qt::DashLine);
    if (m_drag == Drag::Rectangle) {
        painter.setPen(QPen(Qt::black, 0));
        painter.drawRect(widgetRectOf(rubberBandCanvasRect()));
        painter.setPen(outline);
        painter.drawRect(widgetRectOf(rubberBandCanvasRect()));
    } else if (m_drag == Drag::Lasso && m_lasso.size() > 1) {
        QPolygonF shown;
        for (const QPointF& p : m_lasso) shown << mapFromCanvas(p);
        painter.setPen(QPen(Qt::black, 0));
        painter.drawPolygon(shown);
        painter.setPen(outline);
        painter.drawPolygon(shown);
    }
    if (m_hover && (m_tool == Brush || m_tool == Eraser) && m_drag != Drag::Pan && !m_spaceHeld) {
        const double r = m_brush.size / 2.0 * m_zoom;
        painter.setPen(QPen(Qt::black, 0));
        painter.drawEllipse(m_cursor, r + 0.5, r + 0.5);
        painter.setPen(QPen(Qt::white, 0));
        painter.drawEllipse(m_cursor, r - 0.5, r - 0.5);
    }
}

QRect CanvasWidget::brushOutlineRect(QPointF widgetPos) const {
    const double r = m_brush.size / 2.0 * m_zoom + 3;
    return QRectF(widgetPos.x() - r, widgetPos.y() - r, 2 * r, 2 * r).toAlignedRect();
}

QRect CanvasWidget::rubberBandCanvasRect() const {
    const QPointF a = mapToCanvas(m_dragStart), b = mapToCanvas(m_dragLast);
    // The pixels under the press and the release, and all between.
    return QRect(QPoint(qFloor(std::min(a.x(), b.x())), qFloor(std::min(a.y(), b.y()))),
                 QPoint(qFloor(std::max(a.x(), b.x())), qFloor(std::max(a.y(), b.y()))));
}

// --- the outpaint frame ---

int CanvasWidget::frameSidesAt(QPointF pos) const {
    if (!m_doc || m_doc->isEmpty()) return 0;
    const QRectF frame = widgetRectOf(frameCanvasRect());
    const double d = kFrameGrabDistance;
    const bool alongX = pos.x() >= frame.left() - d && pos.x() <= frame.right() + d;
    const bool alongY = pos.y() >= frame.top() - d && pos.y() <= frame.bottom() + d;
    int sides = 0;
    if (alongY && std::abs(pos.x() - frame.left()) <= d)
        sides |= Qt::LeftEdge;
    else if (alongY && std::abs(pos.x() - frame.right()) <= d)
        sides |= Qt::RightEdge;
    if (alongX && std::abs(pos.y() - frame.top()) <= d)
        sides |= Qt::TopEdge;
    else if (alongX && std::abs(pos.y() - frame.bottom()) <= d)
        sides |= Qt::BottomEdge;
    if (sides) return sides;
    // Outside the picture, the sides the cursor is beyond.
    const QRectF canvas = widgetRectOf(QRectF(QPointF(0, 0), m_doc->size()));
    if (pos.x() < canvas.left()) sides |= Qt::LeftEdge;
    if (pos.x() > canvas.right()) sides |= Qt::RightEdge;
    if (pos.y() < canvas.top()) sides |= Qt::TopEdge;
    if (pos.y() > canvas.bottom()) sides |= Qt::BottomEdge;
    return sides;
}

void CanvasWidget::dragFrame(QPointF pos) {
    if (!m_doc || m_doc->isEmpty()) return;
    const QPointF c = mapToCanvas(pos);
    const QSize size = m_doc->size();
    QMargins m = m_doc->outpaintMargins();
    // The side being dragged takes only the room the opposite side leaves.
    const int roomX = CanvasDocument::kMaxSide - size.width(),
              roomY = CanvasDocument::kMaxSide - size.height();
    if (m_frameSides & Qt::LeftEdge) m.setLeft(std::clamp(qRound(-c.x()), 0, roomX - m.right()));
    if (m_frameSides & Qt::RightEdge)
        m.setRight(std::clamp(qRound(c.x() - size.width()), 0, roomX - m.left()));
    if (m_frameSides & Qt::TopEdge) m.setTop(std::clamp(qRound(-c.y()), 0, roomY - m.bottom()));
    if (m_frameSides & Qt::BottomEdge)
        m.setBottom(std::clamp(qRound(c.y() - size.height()), 0, roomY - m.top()));
    m_doc->setOutpaintMargins(m);
}

void CanvasWidget::updateCursorShape(QPointF pos) {
    if (m_drag == Drag::Pan) {
        setCursor(Qt::ClosedHandCursor);
    } else if (m_spaceHeld || m_tool == Pan) {
        setCursor(Qt::OpenHandCursor);
    } else if (m_tool == OutpaintFrame) {
        const int sides = m_drag == Drag::Frame ? m_frameSides : frameSidesAt(pos);
        const bool h = sides & (Qt::LeftEdge | Qt::RightEdge), v = sides & (Qt::TopEdge | Qt::BottomEdge);
        const bool falling = (sides & Qt::LeftEdge && sides & Qt::TopEdge) ||
                             (sides & Qt::RightEdge && sides & Qt::BottomEdge);
        setCursor(h && v ? (falling ? Qt::SizeFDiagCursor : Qt::SizeBDiagCursor)
                  : h    ? Qt::SizeHorCursor
                  : v    ? Qt::SizeVerCursor
                         : Qt::ArrowCursor);
    } else {
        setCursor(Qt::CrossCursor);
    }
}

// --- mouse ---

void CanvasWidget::mousePressEvent(QMouseEvent* event) {
    event->accept();
    if (m_drag != Drag::None || !m_doc || m_doc->isEmpty()) return;
    const QPointF pos = event->position();
    m_dragStart = m_dragLast = pos;
    m_dragButton = event->button();
    if (event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && (m_spaceHeld || m_tool == Pan))) {
        m_drag = Drag::Pan;
    } else if (event->button() == Qt::LeftButton) {
        switch (m_tool) {
            case Brush:
            case Eraser:
                m_drag = Drag::Stroke;
                m_doc->beginStroke(m_tool == Eraser, m_brush, mapToCanvas(pos));
                break;
            case Rectangle:
                m_drag = Drag::Rectangle;
                update();
                break;
            case Lasso:
                m_drag = Drag::Lasso;
                m_lasso = QPolygonF{mapToCanvas(pos)};
                break;
            case OutpaintFrame:
                m_frameSides = frameSidesAt(pos);
                if (m_frameSides) m_drag = Drag::Frame;
                break;
            case Pan:
                break;
        }
    }
    updateCursorShape(pos);
}

void CanvasWidget::mouseMoveEvent(QMouseEvent* event) {
    event->accept();
    const QPointF pos = event->position();
    const QRect outlineBefore = brushOutlineRect(m_cursor);
    const bool wasHovering = m_hover;
    m_cursor = pos;
    m_hover = true;
    if (m_tool == Brush || m_tool == Eraser)
        update((wasHovering ? outlineBefore : QRect()) | brushOutlineRect(pos));
    switch (m_drag) {
        case Drag::None:
            updateCursorShape(pos);
            break;
        case Drag::Pan:
            m_origin += pos - m_dragLast;
            setFitted(false);
            update();
            break;
        case Drag::Stroke:
            if (m_doc) m_doc->strokeTo(mapToCanvas(pos));
            break;
        case Drag::Rectangle:
            update();
            break;
        case Drag::Lasso: {
            const QPointF c = mapToCanvas(pos);
            const QPointF step = (c - m_lasso.last()) * m_zoom;
            if (std::abs(step.x()) + std::abs(step.y()) >= 1.0) m_lasso << c;
            update();
            break;
        }
        case Drag::Frame:
            dragFrame(pos);
            break;
    }
    m_dragLast = pos;
}

void CanvasWidget::mouseReleaseEvent(QMouseEvent* event) {
    event->accept();
    if (m_drag == Drag::None || event->button() != m_dragButton) return;
    finishDrag(event->position(), event->modifiers());
}

void CanvasWidget::finishDrag(QPointF pos, Qt::KeyboardModifiers modifiers) {
    const Drag drag = m_drag;
    m_dragLast = pos;
    m_drag = Drag::None;
    const bool erase = modifiers & Qt::AltModifier;
    if (m_doc) {
        switch (drag) {
            case Drag::Stroke:
                m_doc->strokeTo(mapToCanvas(pos));
                m_doc->endStroke();
                break;
            case Drag::Rectangle:
                m_doc->fillRect(rubberBandCanvasRect(), erase);
                break;
            case Drag::Lasso:
                m_lasso << mapToCanvas(pos);
                if (m_lasso.size() >= 3) m_doc->fillPolygon(m_lasso, erase);
                m_lasso.clear();
                break;
            case Drag::Frame:
                dragFrame(pos);
                break;
            case Drag::Pan:
            case Drag::None:
                break;
        }
    }
    updateCursorShape(pos);
    update();
}

void CanvasWidget::wheelEvent(QWheelEvent* event) {
    const QPoint delta = event->angleDelta();
    const int notches = delta.y() != 0 ? delta.y() : delta.x();
    if (notches == 0 || !m_doc || m_doc->isEmpty()) {
        event->ignore();
        return;
    }
    event->accept();
    setFitted(false);
    zoomAround(m_zoom * std::pow(kWheelStep, notches / 120.0), event->position());
}

void CanvasWidget::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    if (m_hover) update(brushOutlineRect(m_cursor));
    m_hover = false;
}

// --- keyboard ---

namespace {

enum class KeyAction { None, Brush, Eraser, Rectangle, Lasso, Smaller, Larger, Undo, Redo, Space };

KeyAction keyAction(const QKeyEvent* e) {
    const Qt::KeyboardModifiers mods = e->modifiers() & ~Qt::KeypadModifier;
    if (mods == Qt::ControlModifier) {
        if (e->key() == Qt::Key_Z) return KeyAction::Undo;
        if (e->key() == Qt::Key_Y) return KeyAction::Redo;
        return KeyAction::None;
    }
    if (mods == (Qt::ControlModifier | Qt::ShiftModifier) && e->key() == Qt::Key_Z) return KeyAction::Redo;
    if (mods != Qt::NoModifier) return KeyAction::None;
    switch (e->key()) {
        case Qt::Key_B:
            return KeyAction::Brush;
        case Qt::Key_E:
            return KeyAction::Eraser;
        case Qt::Key_R:
            return KeyAction::Rectangle;
        case Qt::Key_L:
            return KeyAction::Lasso;
        case Qt::Key_BracketLeft:
            return KeyAction::Smaller;
        case Qt::Key_BracketRight:
            return KeyAction::Larger;
        case Qt::Key_Space:
            return KeyAction::Space;
        default:
            return KeyAction::None;
    }
}

}  // namespace

bool CanvasWidget::event(QEvent* event) {
    // The canvas's keys win over window shortcuts (an Edit > Undo action) while it has the focus.
    if (event->type() == QEvent::ShortcutOverride &&
        keyAction(static_cast<QKeyEvent*>(event)) != KeyAction::None) {
        event->accept();
        return true;
    }
    return QWidget::event(event);
}

void CanvasWidget::keyPressEvent(QKeyEvent* event) {
    switch (keyAction(event)) {
        case KeyAction::None:
            QWidget::keyPressEvent(event);
            return;
        case KeyAction::Brush:
            setTool(Brush);
            break;
        case KeyAction::Eraser:
            setTool(Eraser);
            break;
        case KeyAction::Rectangle:
            setTool(Rectangle);
            break;
        case KeyAction::Lasso:
            setTool(Lasso);
            break;
        case KeyAction::Smaller:
            stepBrushSize(false);
            break;
        case KeyAction::Larger:
            stepBrushSize(true);
            break;
        case KeyAction::Undo:
        case KeyAction::Redo:
            if (m_doc) {
                if (m_drag == Drag::Stroke) {
                    m_doc->endStroke();
                    m_drag = Drag::None;
                }
                if (keyAction(event) == KeyAction::Undo)
                    m_doc->undoStack()->undo();
                else
                    m_doc->undoStack()->redo();
            }
            break;
        case KeyAction::Space:
            if (!event->isAutoRepeat()) {
                m_spaceHeld = true;
                updateCursorShape(m_cursor);
                update(brushOutlineRect(m_cursor));
            }
            break;
    }
    event->accept();
}

void CanvasWidget::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        updateCursorShape(m_cursor);
        update(brushOutlineRect(m_cursor));
        event->accept();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void CanvasWidget::stepBrushSize(bool up) {
    CanvasBrush b = m_brush;
    b.size = up ? std::max(b.size + 1, qRound(b.size * kBrushStep))
                : std::min(b.size - 1, qRound(b.size / kBrushStep));
    setBrush(b);
}

void CanvasWidget::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) update();  // the placeholder text
}

}  // namespace ds::ui
