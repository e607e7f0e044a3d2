#pragma once
// The canvas's content: the picture, the inpainting mask painted over it, the pending outpaint frame
// and the feather radius, with one undo stack for every change an artist makes to them (each stroke,
// rectangle or lasso fill, invert, clear, and every generation applied). Torch-free.
//
// Memory: an undo step of a stroke keeps only the mask pixels of the stroke's bounding box (before
// and after), so painting on a 4096 x 4096 canvas costs what the stroke touches, not the canvas.
#include <QImage>
#include <QMargins>
#include <QObject>
#include <QPointF>
#include <QPolygonF>
#include <QRect>
#include <QString>

class QUndoStack;

namespace ds::ui {

struct CanvasBrush {
    int size = 48;          // diameter in canvas pixels, 1..kMaxBrushSize
    double hardness = 0.8;  // 0..1: the fraction of the radius painted at full strength
};

class CanvasDocument : public QObject {
    Q_OBJECT

public:
    static constexpr int kMaxSide = 4096;       // the pipelines' bound (core: kMaxCanvasSide)
    static constexpr int kMaxBrushSize = 1024;
    static constexpr int kMaxFeather = 256;
    static constexpr int kUndoLimit = 50;  // undo steps kept (the oldest are dropped)

    explicit CanvasDocument(QObject* parent = nullptr);
    ~CanvasDocument() override;

    bool isEmpty() const;  // no picture yet
    QSize size() const;
    const QImage& image() const;  // Format_RGBA8888 (straight alpha)
    const QImage& mask() const;   // Format_Grayscale8 of size(): 255 = repaint, 0 = keep
    bool hasMask() const;         // some mask pixel is not 0
    QRect maskBounds() const;     // the bounding box of the non-zero mask pixels (empty: none)
    QUndoStack* undoStack() const;

    // A new picture without undo history (opening an image or a project); the mask is cleared, the
    // outpaint frame reset. Returns false (nothing changed) for a null image or a side above kMaxSide.
    bool reset(const QImage& image);
    // Sets the mask directly (opening a project); converted to Grayscale8; false if the size differs.
    // Clears the undo history (its mask steps would no longer match).
    bool setMask(const QImage& mask);

    // --- undoable edits (each is one step on undoStack()) ---
    // A generation applied to the canvas: `result` becomes the picture; `oldOrigin` is where the old
    // canvas's top-left corner lies in `result` (non-zero after outpainting to the left or top). The
    // mask moves with the old picture (the grown area unmasked); the outpaint frame is reset.
    // Returns false (nothing changed) for a null result or a side above kMaxSide.
    bool applyGeneration(const QImage& result, const QString& label, QPoint oldOrigin = QPoint());

    // A brush or eraser stroke: round dabs spaced along the path. Each call repaints at once (the
    // changed() signal carries the dirty rectangle); endStroke pushes the whole stroke as one step.
    void beginStroke(bool erase, const CanvasBrush& brush, QPointF at);
    void strokeTo(QPointF at);
    void endStroke();
    bool inStroke() const;

    void fillRect(const QRect& rect, bool erase);           // the rectangle tool
    void fillPolygon(const QPolygonF& polygon, bool erase); // the lasso tool (anti-aliased edge)
    void invertMask();
    void clearMask();

    // --- settings that are not undo steps ---
    // The outpaint frame: how far the canvas will grow on each side (px, each 0..kMaxSide - side).
    // Left + right (top + bottom) together stay within kMaxSide - side too: right (bottom) gives way.
    // Undoing a generation restores the frame it was made with.
    QMargins outpaintMargins() const;
    void setOutpaintMargins(const QMargins& margins);  // clamped into range
    int featherRadius() const;
    void setFeatherRadius(int radius);  // clamped to 0..kMaxFeather

Q_SIGNALS:
    void changed(const QRect& canvasRect);  // these canvas pixels (image or mask) changed
    void sizeChanged(const QSize& size);    // the picture's size changed (reset, outpaint, undo of it)
    void outpaintMarginsChanged(const QMargins& margins);
    void featherRadiusChanged(int radius);

private:
    struct State;
    State* m_state;
};

}  // namespace ds::ui
