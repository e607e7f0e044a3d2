#pragma once
// QImage <-> ds::Image, the core's plain float image (HWC, [0, 1]). Torch-free; it lives in the bridge
// because it is the road every picture takes between the widgets and the core.
#include <QImage>

#include "core/image/image.h"

namespace ds::ui {

// 1 channel -> Grayscale8, 3 -> RGB888, 4 -> RGBA8888 (straight alpha); values are clamped to [0, 1]
// and rounded to 8 bits. A null QImage for an empty or malformed image.
QImage toQImage(const ds::Image& image);

// Always three channels: transparent pixels are composited over white, as ds::to_rgb does.
// An empty ds::Image for a null QImage.
ds::Image fromQImage(const QImage& image);

// Exact 8-bit values (q / 255): RGB when every pixel is opaque, else RGBA with straight alpha
// (toQImage gives the same bytes back). For files that must keep what the user has: projects, exports.
ds::Image fromQImageKeepingAlpha(const QImage& image);

// One channel (grey value / 255) of any QImage: a mask, 1 = repaint.
ds::Image maskFromQImage(const QImage& mask);

}  // namespace ds::ui
