#include "ui/result_view.h"

#include <QEvent>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QWheelEvent>
#include <cmath>

namespace ds::ui {
namespace {

constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 64.0;

}  // namespace

ResultView::ResultView(QWidget* parent) : QGraphicsView(parent) {
    setScene(new QGraphicsScene(this));
    m_item = scene()->addPixmap(QPixmap());
    m_item->setTransformationMode(Qt::FastTransformation);  // enlarged pixels stay sharp
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setBackgroundBrush(palette().color(QPalette::Dark));
    setMinimumSize(160, 160);
}

void ResultView::setImage(const QImage& image) {
    const bool reshaped = image.size() != m_image.size();
    m_image = image;
    m_item->setPixmap(QPixmap::fromImage(image));
    scene()->setSceneRect(m_item->boundingRect());
    if (reshaped || m_fit) fitToWindow();
    viewport()->update();
}

double ResultView::zoom() const { return transform().m11(); }

void ResultView::scaleBy(double factor) {
    const double target = qBound(kMinZoom, zoom() * factor, kMaxZoom);
    if (zoom() <= 0) return;
    scale(target / zoom(), target / zoom());
    m_fit = false;
}

void ResultView::zoomIn() { scaleBy(1.25); }
void ResultView::zoomOut() { scaleBy(0.8); }

void ResultView::fitToWindow() {
    m_fit = true;
    if (m_image.isNull()) {
        resetTransform();
        return;
    }
    fitInView(m_item, Qt::KeepAspectRatio);
    // Whole pixels when enlarging: a 64 px image at 7.3x shows uneven pixel columns.
    const double z = zoom();
    if (z > 1) {
        const double whole = std::floor(z);
        resetTransform();
        scale(whole, whole);
    }
    centerOn(m_item);
}

void ResultView::actualSize() {
    resetTransform();
    m_fit = false;
}

void ResultView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) return;
    scaleBy(std::pow(1.25, steps));
    event->accept();
}

void ResultView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (m_fit) fitToWindow();
}

void ResultView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (m_fit) actualSize();
    else fitToWindow();
    event->accept();
}

void ResultView::drawForeground(QPainter* painter, const QRectF& rect) {
    QGraphicsView::drawForeground(painter, rect);
    if (!m_image.isNull()) return;
    painter->save();
    painter->resetTransform();
    painter->setPen(palette().color(QPalette::BrightText));
    painter->drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap,
                      tr("Type a prompt and press Generate (Ctrl+Return)"));
    painter->restore();
}

void ResultView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) viewport()->update();
    QGraphicsView::changeEvent(event);
}

}  // namespace ds::ui
