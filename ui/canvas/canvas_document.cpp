#include "ui/canvas/canvas_document.h"

#include <QPainter>
#include <QPainterPath>
#include <QUndoCommand>
#include <QUndoStack>
#include <QtMath>
#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

namespace ds::ui {
namespace {

// A stroke saves each 64 x 64 tile of the mask the first time a dab touches it, so its undo step can
// be built from the touched pixels alone, whatever the canvas's size.
constexpr int kTile = 64;

QImage blankMask(QSize size) {
    if (size.isEmpty()) return {};
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    return mask;
}

// Copies `patch` (Grayscale8) into `mask` with its top-left corner at `at`; a null patch writes zeros.
void writePatch(QImage& mask, QPoint at, const QImage& patch, QSize size) {
    for (int y = 0; y < size.height(); ++y) {
        uchar* row = mask.scanLine(at.y() + y) + at.x();
        if (patch.isNull())
            std::memset(row, 0, size_t(size.width()));
        else
            std::memcpy(row, patch.constScanLine(y), size_t(size.width()));
    }
}

// Copies the pixels of `from` inside `rect` (in `from`'s coordinates) into `to` at `at`.
void copyPixels(const QImage& from, const QRect& rect, QImage& to, QPoint at) {
    for (int y = 0; y < rect.height(); ++y)
        std::memcpy(to.scanLine(at.y() + y) + at.x(), from.constScanLine(rect.y() + y) + rect.x(),
                    size_t(rect.width()));
}

bool rowHasInk(const uchar* row, int width) {
    return std::any_of(row, row + width, [](uchar v) { return v != 0; });
}

// The mask pixels of one rectangle before and after an edit (stroke, fill, clear). A null `after`
// stands for zeros (a cleared mask keeps only what it erased).
class MaskPatchCommand : public QUndoCommand {
public:
    MaskPatchCommand(CanvasDocument* doc, QImage* mask, QRect rect, QImage before, QImage after,
                     const QString& text, bool alreadyApplied)
        : QUndoCommand(text),
          m_doc(doc),
          m_mask(mask),
          m_rect(rect),
          m_before(std::move(before)),
          m_after(std::move(after)),
          m_skipRedo(alreadyApplied) {}

    void redo() override {
        if (m_skipRedo) {
            m_skipRedo = false;
            return;
        }
        writePatch(*m_mask, m_rect.topLeft(), m_after, m_rect.size());
        Q_EMIT m_doc->changed(m_rect);
    }
    void undo() override {
        writePatch(*m_mask, m_rect.topLeft(), m_before, m_rect.size());
        Q_EMIT m_doc->changed(m_rect);
    }

private:
    CanvasDocument* m_doc;
    QImage* m_mask;
    QRect m_rect;
    QImage m_before, m_after;
    bool m_skipRedo;
};

// Inverting is its own inverse: the step keeps no pixels at all.
class InvertCommand : public QUndoCommand {
public:
    InvertCommand(CanvasDocument* doc, QImage* mask, const QString& text)
        : QUndoCommand(text), m_doc(doc), m_mask(mask) {}
    void redo() override { flip(); }
    void undo() override { flip(); }

private:
    void flip() {
        for (int y = 0; y < m_mask->height(); ++y) {
            uchar* row = m_mask->scanLine(y);
            for (int x = 0; x < m_mask->width(); ++x) row[x] = uchar(255 - row[x]);
        }
        Q_EMIT m_doc->changed(m_mask->rect());
    }
    CanvasDocument* m_doc;
    QImage* m_mask;
};

}  // namespace

struct CanvasDocument::State {
    QImage image;  // RGBA8888
    QImage mask;   // Grayscale8
    QMargins margins;
    int feather = 0;
    QUndoStack* undo = nullptr;

    // The stroke in progress.
    bool stroking = false;
    bool strokeErase = false;
    double radius = 0, inner = 0, spacing = 1;
    QPointF last;
    double toNextDab = 0;  // path length left before the next dab
    QRect strokeRect;      // every pixel the stroke's dabs covered
    int tilesX = 0;
    std::vector<QByteArray> tiles;  // the mask tiles before the stroke touched them (empty: untouched)

    QRect canvasRect() const { return mask.rect(); }
    QMargins clampMargins(QMargins m) const;
    void saveTiles(const QRect& rect);
    QImage strokeBefore() const;
    QRect stampDab(QPointF centre);
};

QMargins CanvasDocument::State::clampMargins(QMargins m) const {
    if (image.isNull()) return {};
    const int maxX = kMaxSide - image.width(), maxY = kMaxSide - image.height();
    const int left = std::clamp(m.left(), 0, maxX), top = std::clamp(m.top(), 0, maxY);
    return {left, top, std::clamp(m.right(), 0, maxX - left), std::clamp(m.bottom(), 0, maxY - top)};
}

void CanvasDocument::State::saveTiles(const QRect& rect) {
    for (int ty = rect.top() / kTile; ty <= rect.bottom() / kTile; ++ty) {
        for (int tx = rect.left() / kTile; tx <= rect.right() / kTile; ++tx) {
            QByteArray& tile = tiles[size_t(ty * tilesX + tx)];
            if (!tile.isEmpty()) continue;
            const QRect r = QRect(tx * kTile, ty * kTile, kTile, kTile) & canvasRect();
            tile.resize(qsizetype(r.width()) * r.height());
            for (int y = 0; y < r.height(); ++y)
                std::memcpy(tile.data() + qsizetype(y) * r.width(), mask.constScanLine(r.y() + y) + r.x(),
                            size_t(r.width()));
        }
    }
}

// The stroke rectangle's pixels as they were before the stroke: the current pixels, with every tile
// the stroke touched put back from its saved copy.
QImage CanvasDocument::State::strokeBefore() const {
    QImage before = mask.copy(strokeRect);
    for (int ty = strokeRect.top() / kTile; ty <= strokeRect.bottom() / kTile; ++ty) {
        for (int tx = strokeRect.left() / kTile; tx <= strokeRect.right() / kTile; ++tx) {
            const QByteArray& tile = tiles[size_t(ty * tilesX + tx)];
            if (tile.isEmpty()) continue;
            const QRect tileRect = QRect(tx * kTile, ty * kTile, kTile, kTile) & canvasRect();
            const QRect r = tileRect & strokeRect;
            for (int y = r.top(); y <= r.bottom(); ++y)
                std::memcpy(before.scanLine(y - strokeRect.y()) + (r.x() - strokeRect.x()),
                            tile.constData() + qsizetype(y - tileRect.y()) * tileRect.width() +
                                (r.x() - tileRect.x()),
                            size_t(r.width()));
        }
    }
    return before;
}

// One round dab: full strength out to `inner`, a smooth falloff to 0 at `radius`. Painting keeps the
// larger value and erasing the smaller, so overlapping dabs of one stroke never build up.
QRect CanvasDocument::State::stampDab(QPointF c) {
    // Pixel (x, y) is sampled at its centre (x + 0.5, y + 0.5).
    const QRect area = QRect(QPoint(qCeil(c.x() - radius - 0.5), qCeil(c.y() - radius - 0.5)),
                             QPoint(qFloor(c.x() + radius - 0.5), qFloor(c.y() + radius - 0.5))) &
                       canvasRect();
    if (area.isEmpty()) return {};
    saveTiles(area);
    const double r2 = radius * radius, inner2 = inner * inner, band = radius - inner;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        uchar* row = mask.scanLine(y);
        const double dy = y + 0.5 - c.y();
        for (int x = area.left(); x <= area.right(); ++x) {
            const double dx = x + 0.5 - c.x();
            const double d2 = dx * dx + dy * dy;
            if (d2 >= r2) continue;
            int v = 255;
            if (d2 > inner2) {
                const double t = (radius - std::sqrt(d2)) / band;
                v = int(t * t * (3 - 2 * t) * 255 + 0.5);
            }
            if (strokeErase)
                row[x] = uchar(std::min<int>(row[x], 255 - v));
            else
                row[x] = uchar(std::max<int>(row[x], v));
        }
    }
    strokeRect |= area;
    return area;
}

CanvasDocument::CanvasDocument(QObject* parent) : QObject(parent), m_state(new State) {
    m_state->undo = new QUndoStack(this);
    // A generation step holds the picture before and after (128 MB at 4096 x 4096): the oldest
    // steps go beyond this many, so a long session cannot exhaust memory.
    m_state->undo->setUndoLimit(kUndoLimit);
}

CanvasDocument::~CanvasDocument() {
    delete m_state->undo;  // its commands point into m_state
    m_state->undo = nullptr;
    delete m_state;
}

bool CanvasDocument::isEmpty() const { return m_state->image.isNull(); }
QSize CanvasDocument::size() const { return m_state->image.size(); }
const QImage& CanvasDocument::image() const { return m_state->image; }
const QImage& CanvasDocument::mask() const { return m_state->mask; }
QUndoStack* CanvasDocument::undoStack() const { return m_state->undo; }
bool CanvasDocument::inStroke() const { return m_state->stroking; }
QMargins CanvasDocument::outpaintMargins() const { return m_state->margins; }
int CanvasDocument::featherRadius() const { return m_state->feather; }

bool CanvasDocument::hasMask() const {
    const QImage& mask = m_state->mask;
    for (int y = 0; y < mask.height(); ++y)
        if (rowHasInk(mask.constScanLine(y), mask.width())) return true;
    return false;
}

QRect CanvasDocument::maskBounds() const {
    const QImage& mask = m_state->mask;
    int top = -1, bottom = -1, left = mask.width(), right = -1;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        if (!rowHasInk(row, mask.width())) continue;
        if (top < 0) top = y;
        bottom = y;
        for (int x = 0; x < left; ++x)
            if (row[x]) {
                left = x;
                break;
            }
        for (int x = mask.width() - 1; x > right; --x)
            if (row[x]) {
                right = x;
                break;
            }
    }
    if (top < 0) return {};
    return QRect(QPoint(left, top), QPoint(right, bottom));
}

bool CanvasDocument::reset(const QImage& image) {
    if (image.isNull() || image.width() > kMaxSide || image.height() > kMaxSide) return false;
    if (m_state->stroking) {
        m_state->stroking = false;
        m_state->tiles.clear();
    }
    const QSize oldSize = size();
    const bool hadMargins = !m_state->margins.isNull();
    m_state->undo->clear();
    m_state->image = image.convertToFormat(QImage::Format_RGBA8888);
    m_state->mask = blankMask(image.size());
    m_state->margins = QMargins();
    if (oldSize != image.size()) Q_EMIT sizeChanged(image.size());
    Q_EMIT changed(m_state->image.rect());
    if (hadMargins) Q_EMIT outpaintMarginsChanged(m_state->margins);
    return true;
}

bool CanvasDocument::setMask(const QImage& mask) {
    if (isEmpty() || mask.size() != size()) return false;
    if (m_state->stroking) {
        m_state->stroking = false;
        m_state->tiles.clear();
    }
    m_state->undo->clear();
    m_state->mask = mask.convertToFormat(QImage::Format_Grayscale8);
    Q_EMIT changed(m_state->mask.rect());
    return true;
}

namespace {

// A generation applied: both pictures, and where the old canvas lies in the new one. The mask moves
// with the old picture; it is kept whole only when part of it would fall outside the new canvas.
class GenerationCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const QImage& image, const QImage& mask, const QMargins& margins)>;

    GenerationCommand(const QString& text, QImage before, QImage after, QPoint oldOrigin,
                      const QImage& oldMask, QMargins oldMargins, Apply apply,
                      std::function<const QImage&()> currentMask)
        : QUndoCommand(text),
          m_before(std::move(before)),
          m_after(std::move(after)),
          m_origin(oldOrigin),
          m_oldMargins(oldMargins),
          m_apply(std::move(apply)),
          m_currentMask(std::move(currentMask)) {
        if (!m_after.rect().contains(QRect(oldOrigin, oldMask.size()))) m_oldMask = oldMask;
    }

    void redo() override {
        const QImage& old = m_currentMask();
        QImage mask = blankMask(m_after.size());
        const QRect overlap = QRect(m_origin, old.size()) & mask.rect();
        if (!overlap.isEmpty()) copyPixels(old, overlap.translated(-m_origin), mask, overlap.topLeft());
        m_apply(m_after, mask, QMargins());
    }
    void undo() override {
        QImage mask = m_oldMask;
        if (mask.isNull() && !m_before.isNull())
            mask = m_currentMask().copy(QRect(m_origin, m_before.size()));
        m_apply(m_before, mask, m_oldMargins);
    }

private:
    QImage m_before, m_after, m_oldMask;
    QPoint m_origin;
    QMargins m_oldMargins;
    Apply m_apply;
    std::function<const QImage&()> m_currentMask;
};

}  // namespace

bool CanvasDocument::applyGeneration(const QImage& result, const QString& label, QPoint oldOrigin) {
    if (result.isNull() || result.width() > kMaxSide || result.height() > kMaxSide) return false;
    if (m_state->stroking) endStroke();
    // Everything is in place before the signals go out (a view refits to the restored frame).
    auto apply = [this](const QImage& image, const QImage& mask, const QMargins& margins) {
        const QSize oldSize = size();
        const QMargins oldMargins = m_state->margins;
        m_state->image = image;
        m_state->mask = mask;
        m_state->margins = m_state->clampMargins(margins);
        if (oldSize != size()) Q_EMIT sizeChanged(size());
        if (!image.isNull()) Q_EMIT changed(image.rect());
        if (oldMargins != m_state->margins) Q_EMIT outpaintMarginsChanged(m_state->margins);
    };
    m_state->undo->push(new GenerationCommand(label.isEmpty() ? tr("Generation") : label, m_state->image,
                                              result.convertToFormat(QImage::Format_RGBA8888), oldOrigin,
                                              m_state->mask, m_state->margins, apply,
                                              [this]() -> const QImage& { return m_state->mask; }));
    return true;
}

void CanvasDocument::beginStroke(bool erase, const CanvasBrush& brush, QPointF at) {
    if (m_state->stroking) endStroke();
    if (isEmpty()) return;
    State& s = *m_state;
    s.stroking = true;
    s.strokeErase = erase;
    s.radius = std::clamp(brush.size, 1, kMaxBrushSize) / 2.0;
    // At least a one-pixel falloff: a fully hard brush still gets an anti-aliased edge.
    const double band =
        std::max(s.radius * (1.0 - std::clamp(brush.hardness, 0.0, 1.0)), std::min(1.0, s.radius));
    s.inner = s.radius - band;
    s.spacing = std::max(1.0, s.radius / 4.0);
    s.strokeRect = QRect();
    s.tilesX = (s.mask.width() + kTile - 1) / kTile;
    s.tiles.assign(size_t(s.tilesX) * size_t((s.mask.height() + kTile - 1) / kTile), QByteArray());
    s.last = at;
    s.toNextDab = s.spacing;
    const QRect dirty = s.stampDab(at);
    if (!dirty.isEmpty()) Q_EMIT changed(dirty);
}

void CanvasDocument::strokeTo(QPointF at) {
    State& s = *m_state;
    if (!s.stroking) return;
    const QPointF delta = at - s.last;
    const double length = std::hypot(delta.x(), delta.y());
    if (length <= 0) return;
    QRect dirty;
    double t = s.toNextDab;
    for (; t <= length; t += s.spacing) dirty |= s.stampDab(s.last + delta * (t / length));
    s.toNextDab = t - length;
    s.last = at;
    if (!dirty.isEmpty()) Q_EMIT changed(dirty);
}

void CanvasDocument::endStroke() {
    State& s = *m_state;
    if (!s.stroking) return;
    s.stroking = false;
    if (!s.strokeRect.isEmpty()) {
        QImage before = s.strokeBefore();
        QImage after = s.mask.copy(s.strokeRect);
        if (before != after)
            s.undo->push(
                new MaskPatchCommand(this, &s.mask, s.strokeRect, std::move(before), std::move(after),
                                     s.strokeErase ? tr("Eraser stroke") : tr("Brush stroke"), true));
    }
    s.tiles.clear();
    s.tiles.shrink_to_fit();
    s.strokeRect = QRect();
}

void CanvasDocument::fillRect(const QRect& rect, bool erase) {
    if (m_state->stroking) endStroke();
    const QRect r = rect.normalized() & m_state->mask.rect();
    if (r.isEmpty()) return;
    QImage before = m_state->mask.copy(r);
    QImage after(r.size(), QImage::Format_Grayscale8);
    after.fill(erase ? 0 : 255);
    if (before == after) return;
    m_state->undo->push(new MaskPatchCommand(this, &m_state->mask, r, std::move(before), std::move(after),
                                             erase ? tr("Erase rectangle") : tr("Fill rectangle"), false));
}

void CanvasDocument::fillPolygon(const QPolygonF& polygon, bool erase) {
    if (m_state->stroking) endStroke();
    if (polygon.size() < 3) return;
    const QRect r = polygon.boundingRect().toAlignedRect().adjusted(-1, -1, 1, 1) & m_state->mask.rect();
    if (r.isEmpty()) return;
    // The polygon's coverage (anti-aliased) on its own, then combined like a dab.
    QImage coverage(r.size(), QImage::Format_Alpha8);
    coverage.fill(0);
    {
        QPainter painter(&coverage);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.translate(-r.topLeft());
        QPainterPath path;
        path.setFillRule(Qt::WindingFill);
        path.addPolygon(polygon);
        path.closeSubpath();
        painter.fillPath(path, Qt::black);
    }
    QImage before = m_state->mask.copy(r);
    QImage after = before.copy();
    for (int y = 0; y < r.height(); ++y) {
        const uchar* cov = coverage.constScanLine(y);
        uchar* row = after.scanLine(y);
        for (int x = 0; x < r.width(); ++x)
            row[x] = erase ? uchar(std::min(int(row[x]), 255 - cov[x])) : std::max(row[x], cov[x]);
    }
    if (before == after) return;
    m_state->undo->push(new MaskPatchCommand(this, &m_state->mask, r, std::move(before), std::move(after),
                                             erase ? tr("Erase lasso") : tr("Fill lasso"), false));
}

void CanvasDocument::invertMask() {
    if (m_state->stroking) endStroke();
    if (isEmpty()) return;
    m_state->undo->push(new InvertCommand(this, &m_state->mask, tr("Invert mask")));
}

void CanvasDocument::clearMask() {
    if (m_state->stroking) endStroke();
    const QRect bounds = maskBounds();
    if (bounds.isEmpty()) return;
    m_state->undo->push(new MaskPatchCommand(this, &m_state->mask, bounds, m_state->mask.copy(bounds),
                                             QImage(), tr("Clear mask"), false));
}

void CanvasDocument::setOutpaintMargins(const QMargins& margins) {
    const QMargins m = m_state->clampMargins(margins);
    if (m == m_state->margins) return;
    m_state->margins = m;
    Q_EMIT outpaintMarginsChanged(m);
}

void CanvasDocument::setFeatherRadius(int radius) {
    radius = std::clamp(radius, 0, kMaxFeather);
    if (radius == m_state->feather) return;
    m_state->feather = radius;
    Q_EMIT featherRadiusChanged(radius);
}

}  // namespace ds::ui
