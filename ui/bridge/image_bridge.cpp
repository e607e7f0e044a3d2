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

ds::Image fromQImageKeepingAlpha(const QImage& image) {
    if (image.isNull()) return {};
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    bool opaque = true;
    for (int y = 0; y < rgba.height() && opaque; ++y) {
        const uchar* line = rgba.constScanLine(y);
        for (int x = 0; x < rgba.width(); ++x)
            if (line[4 * x + 3] != 255) {
                opaque = false;
                break;
            }
    }
    const int channels = opaque ? 3 : 4;
    ds::Image out(rgba.width(), rgba.height(), channels);
    for (int y = 0; y < rgba.height(); ++y) {
        const uchar* line = rgba.constScanLine(y);
        float* dst = out.pixels.data() + static_cast<size_t>(y) * rgba.width() * channels;
        for (int x = 0; x < rgba.width(); ++x)
            for (int c = 0; c < channels; ++c) *dst++ = line[4 * x + c] / 255.0f;
    }
    return out;
}

ds::Image maskFromQImage(const QImage& mask) {
    if (mask.isNull()) return {};
    const QImage grey = mask.convertToFormat(QImage::Format_Grayscale8);
    ds::Image out(grey.width(), grey.height(), 1);
    for (int y = 0; y < grey.height(); ++y) {
        const uchar* line = grey.constScanLine(y);
        float* dst = out.pixels.data() + static_cast<size_t>(y) * grey.width();
        for (int x = 0; x < grey.width(); ++x) dst[x] = line[x] / 255.0f;
    }
    return out;
}

}  // namespace ds::ui
