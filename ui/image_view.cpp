#include "ui/image_view.h"

#include <QPainter>

namespace ds::ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ImageView::setImage(const QImage& image) {
    const bool reshaped = image.size() != m_image.size();
    m_image = image;
    if (reshaped) updateGeometry();
    update();
}

int ImageView::heightForWidth(int width) const {
    // Portrait pictures are fitted into a square box: a tall image must not push the window taller.
    const double aspect = m_image.isNull() ? 1.0 : qMin(1.0, double(m_image.height()) / m_image.width());
    return qRound(width * aspect);
}

void ImageView::setPlaceholderText(const QString& text) {
    m_placeholder = text;
    update();
}

QSize ImageView::sizeHint() const { return {256, heightForWidth(256)}; }
QSize ImageView::minimumSizeHint() const { return {96, 96}; }

void ImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRect area = rect().adjusted(1, 1, -1, -1);
    if (m_image.isNull()) {
        painter.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawRect(area);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    QSize fitted = m_image.size().scaled(area.size(), Qt::KeepAspectRatio);
    const QRect target(area.x() + (area.width() - fitted.width()) / 2,
                       area.y() + (area.height() - fitted.height()) / 2, fitted.width(), fitted.height());
    // Smooth only when shrinking: enlarged noise should show its pixels, not a blur.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, fitted.width() < m_image.width());
    painter.drawImage(target, m_image);
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(target.adjusted(-1, -1, 0, 0));
}

}  // namespace ds::ui
