#include "ui/sample_image.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QRadialGradient>
#include <QStringList>
#include <QtMath>

namespace ds::ui {

QString findSampleImagePath() {
    const QString relative = QStringLiteral("images/sample.png");
    QStringList roots;
    const QString env = qEnvironmentVariable("DS_RESOURCE_DIR");
    if (!env.isEmpty()) roots << env;
    const QString appDir = QCoreApplication::applicationDirPath();
    if (!appDir.isEmpty()) {
        roots << appDir + QStringLiteral("/resources");
        roots << appDir + QStringLiteral("/../share/diffusion-studio/resources");
    }
#ifdef DS_SOURCE_RESOURCE_DIR
    roots << QStringLiteral(DS_SOURCE_RESOURCE_DIR);
#endif
    for (const QString& root : roots) {
        const QFileInfo candidate(QDir(root).filePath(relative));
        if (candidate.isFile()) return candidate.canonicalFilePath();
    }
    return {};
}

namespace {

// A ridge line across the picture: a few sines give it structure at several scales.
QPainterPath ridge(int size, double base, double amplitude, double phase) {
    QPainterPath path;
    path.moveTo(0, size);
    for (int x = 0; x <= size; x += 2) {
        const double u = double(x) / size;
        const double y = base - amplitude * (0.6 * std::sin(u * 6.3 + phase) +
                                             0.3 * std::sin(u * 17.0 + 2 * phase) + 0.1 * std::sin(u * 47.0));
        path.lineTo(x, y * size);
    }
    path.lineTo(size, size);
    path.closeSubpath();
    return path;
}

}  // namespace

QImage proceduralSampleImage(int size) {
    size = qMax(size, 16);
    const double water = 0.68 * size;
    QImage sky(size, size, QImage::Format_RGB888);
    {
        QPainter p(&sky);
        p.setRenderHint(QPainter::Antialiasing);
        QLinearGradient gradient(0, 0, 0, water);
        gradient.setColorAt(0.0, QColor(30, 64, 158));
        gradient.setColorAt(0.65, QColor(219, 120, 120));
        gradient.setColorAt(1.0, QColor(255, 200, 115));
        p.fillRect(sky.rect(), gradient);
        QRadialGradient glow(0.68 * size, 0.40 * size, 0.22 * size);
        glow.setColorAt(0.0, QColor(255, 246, 205));
        glow.setColorAt(0.35, QColor(255, 236, 180, 200));
        glow.setColorAt(1.0, QColor(255, 200, 120, 0));
        p.fillRect(sky.rect(), glow);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(255, 236, 210, 150));  // cloud streaks
        p.drawEllipse(QRectF(0.05 * size, 0.15 * size, 0.45 * size, 0.04 * size));
        p.drawEllipse(QRectF(0.50 * size, 0.25 * size, 0.40 * size, 0.03 * size));
        p.setBrush(QColor(120, 96, 140));
        p.drawPath(ridge(size, 0.50, 0.07, 0.5));
        p.setBrush(QColor(50, 84, 64));
        p.drawPath(ridge(size, 0.62, 0.05, 2.0));
        p.setBrush(QColor(14, 34, 22));  // conifers on the shore
        for (const auto& tree : {QPointF(0.06, 0.11), QPointF(0.12, 0.08), QPointF(0.17, 0.13),
                                 QPointF(0.84, 0.10), QPointF(0.90, 0.14), QPointF(0.95, 0.09)}) {
            const double x = tree.x() * size, h = tree.y() * size;
            p.drawPolygon(
                QPolygonF({QPointF(x, water - h), QPointF(x - h * 0.3, water), QPointF(x + h * 0.3, water)}));
        }
    }
    // The lake mirrors what is above the water line, darkened, with ripples.
    QImage image = sky.copy();
    for (int y = int(water); y < size; ++y) {
        const double depth = (y - water) / size;
        const int mirrorY = qBound(0, int(2 * water - y), size - 1);
        const int shift = int(std::lround(std::sin(y * 1.7) * (1.0 + depth * 14.0)));
        const double dark = qMin(0.85, 0.30 + depth * 1.4);
        uchar* dst = image.scanLine(y);
        const uchar* src = sky.constScanLine(mirrorY);
        for (int x = 0; x < size; ++x) {
            const int sx = qBound(0, x + shift, size - 1);
            const int deep[3] = {13, 26, 56};
            for (int c = 0; c < 3; ++c)
                dst[3 * x + c] = uchar(src[3 * sx + c] * (1.0 - dark) + deep[c] * dark);
        }
    }
    return image;
}

}  // namespace ds::ui
