#include "ui/bridge/image_bridge.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace ds::ui {
namespace {

uchar toByte(float v) { return static_cast<uchar>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

}  // namespace

QImage toQImage(const ds::Image& image) {
    if (image.empty() || image.width <= 0 || image.height <= 0 ||
        image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        return {};
    QImage::Format format;
    switch (image.channels) {
        case 1:
            format = QImage::Format_Grayscale8;
            break;
        case 3:
            format = QImage::Format_RGB888;
            break;
        case 4:
            format = QImage::Format_RGBA8888;
            break;
        default:
            return {};
    }
    QImage out(image.width, image.height, format);
    if (out.isNull()) return {};  // allocation refused
    const int rowValues = image.width * image.channels;
    for (int y = 0; y < image.height; ++y) {
        const float* src = image.pixels.data() + static_cast<size_t>(y) * rowValues;
        uchar* dst = out.scanLine(y);  // rows are padded to 4 bytes: never write past rowValues
        for (int i = 0; i < rowValues; ++i) dst[i] = toByte(src[i]);
    }
    return out;
}

ds::Image fromQImage(const QImage& image) {
    if (image.isNull()) return {};
    QImage rgb;
    if (image.hasAlphaChannel()) {
        rgb = QImage(image.size(), QImage::Format_RGB888);
        rgb.fill(Qt::white);
        QPainter painter(&rgb);
        painter.drawImage(0, 0, image);
    } else {
        rgb = image.convertToFormat(QImage::Format_RGB888);
    }
    ds::Image out(rgb.width(), rgb.height(), 3);
    const int rowValues = rgb.width() * 3;
    for (int y = 0; y < rgb.height(); ++y) {
        const uchar* src = rgb.constScanLine(y);
        float* dst = out.pixels.data() + static_cast<size_t>(y) * rowValues;
        for (int i = 0; i < rowValues; ++i) dst[i] = src[i] / 255.0f;
    }
    return out;
}

}  // namespace ds::ui
