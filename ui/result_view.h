#pragma once
// The generated picture with zoom and pan: the wheel zooms around the cursor, dragging pans,
// double-click toggles between "fit the window" and 100 %. Small pictures (the built-in model's
// 64 px) are enlarged with visible pixels, not blurred.
#include <QGraphicsView>
#include <QImage>

class QGraphicsPixmapItem;

namespace ds::ui {

class ResultView : public QGraphicsView {
    Q_OBJECT

public:
    explicit ResultView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }
    double zoom() const;  // view pixels per image pixel
    bool fitsWindow() const { return m_fit; }

public slots:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void actualSize();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void changeEvent(QEvent* event) override;

private:
    void scaleBy(double factor);

    QImage m_image;
    QGraphicsPixmapItem* m_item = nullptr;
    bool m_fit = true;
};

}  // namespace ds::ui
