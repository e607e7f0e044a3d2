#pragma once
// Shows a CanvasDocument and lets the artist paint its inpainting mask: the picture over a
// checkerboard, the mask over it in translucent red, the outpaint frame (the grown canvas dashed,
// its new area shaded) and the brush outline under the cursor. Tools: brush and eraser strokes,
// rectangle and lasso fills (Alt held: erase), pan, and the outpaint frame (drag its sides/corners
// past the border). Wheel zooms around the cursor; space + drag, the middle button or the Pan tool
// pans. Keys while focused: B, E, R, L pick a tool, [ and ] shrink/grow the brush, Ctrl+Z undoes,
// Ctrl+Shift+Z and Ctrl+Y redo.
//
// Repaints cost what is exposed on screen, not the canvas's size: the mask's colour overlay is
// cached and refreshed only in the rectangles the document reports changed.
#include <QImage>
#include <QMetaType>
#include <QPointF>
#include <QPointer>
#include <QPolygonF>
#include <QWidget>

#include "ui/canvas/canvas_document.h"

namespace ds::ui {

enum CanvasTool { Brush, Eraser, Rectangle, Lasso, Pan, OutpaintFrame };

class CanvasWidget : public QWidget {
    Q_OBJECT

public:
    static constexpr double kMinZoom = 1.0 / 32;
    static constexpr double kMaxZoom = 32.0;

    // Starts with a document of its own (a child); setDocument shows another one instead.
    explicit CanvasWidget(QWidget* parent = nullptr);

    // Not owned (unless it is the widget's own first document, deleted when replaced); not null.
    void setDocument(CanvasDocument* document);
    CanvasDocument* document() const { return m_doc; }

    CanvasTool tool() const { return m_tool; }
    void setTool(CanvasTool tool);
    CanvasBrush brush() const { return m_brush; }
    void setBrush(const CanvasBrush& brush);  // size clamped to 1..kMaxBrushSize, hardness to 0..1

    double zoom() const { return m_zoom; }
    void setZoom(double zoom);  // around the widget's centre; clamped to kMinZoom..kMaxZoom
    QPointF mapToCanvas(QPointF widgetPos) const;
    QPointF mapFromCanvas(QPointF canvasPos) const;

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {160, 120}; }

public slots:
    void zoomIn();
    void zoomOut();
    void fitToWindow();  // the whole canvas (and outpaint frame) in view; refits on resize until zoomed
    void actualSize();   // 100 %

signals:
    void documentChanged(ds::ui::CanvasDocument* document);
    void toolChanged(ds::ui::CanvasTool tool);
    void brushChanged(const ds::ui::CanvasBrush& brush);
    void zoomChanged(double zoom);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    enum class Drag { None, Pan, Stroke, Rectangle, Lasso, Frame };

    void onDocumentChanged(const QRect& canvasRect);
    void onSizeChanged();
    void refreshOverlay(const QRect& canvasRect);
    int reductionLevel() const;
    void ensureReduced(int level);
    void refreshReducedOverlay(const QRect& canvasRect);
    bool pictureIsOpaque();
    void zoomAround(double zoom, QPointF widgetPos);
    void setFitted(bool fitted);
    QRectF widgetRectOf(const QRectF& canvasRect) const;
    QRect frameCanvasRect() const;              // the canvas grown by the outpaint margins
    int frameSidesAt(QPointF widgetPos) const;  // Qt::Edges of the frame under the cursor
    void dragFrame(QPointF widgetPos);
    void updateCursorShape(QPointF widgetPos);
    QRect brushOutlineRect(QPointF widgetPos) const;
    QRect rubberBandCanvasRect() const;
    void finishDrag(QPointF widgetPos, Qt::KeyboardModifiers modifiers);
    void stepBrushSize(bool up);

    QPointer<CanvasDocument> m_doc;
    CanvasDocument* m_ownDoc = nullptr;
    CanvasTool m_tool = Brush;
    CanvasBrush m_brush;
    double m_zoom = 1.0;
    QPointF m_origin;  // where canvas pixel (0, 0)'s corner lies in the widget
    bool m_fitted = true;
    QImage m_overlay;  // the mask in colour, ARGB32 premultiplied, same size as the canvas
    // Zoomed out below 50 %, the picture and the overlay are drawn from copies reduced by 2^level
    // (box-filtered), so a repaint samples about as many pixels as it shows, and stays smooth.
    int m_reducedLevel = 0;          // 0: none
    qint64 m_reducedPictureKey = 0;  // QImage::cacheKey() of the picture m_reducedPicture comes from
    QImage m_reducedPicture, m_reducedOverlay;  // ARGB32 premultiplied
    qint64 m_opaqueKey = 0;  // the picture whose opacity m_opaque tells (no checkerboard needed)
    bool m_opaque = false;

    Drag m_drag = Drag::None;
    Qt::MouseButton m_dragButton = Qt::NoButton;
    QPointF m_dragStart, m_dragLast;  // widget coordinates
    QPolygonF m_lasso;                // canvas coordinates
    int m_frameSides = 0;
    bool m_spaceHeld = false;
    bool m_hover = false;
    QPointF m_cursor;  // the last mouse position over the widget
};

}  // namespace ds::ui

Q_DECLARE_METATYPE(ds::ui::CanvasTool)
Q_DECLARE_METATYPE(ds::ui::CanvasBrush)
