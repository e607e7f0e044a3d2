#pragma once
// The picture the forward explorer starts with: the bundled resources/images/sample.png when it can be
// found, else a scene drawn here (so the studio never starts with an empty page).
#include <QImage>
#include <QString>

namespace ds::ui {

// resources/images/sample.png under $DS_RESOURCE_DIR, beside the executable, in the install prefix's
// share/diffusion-studio, or in the source tree; an empty string when none exists.
QString findSampleImagePath();

// A sunset over a lake with detail at several scales, drawn with QPainter.
QImage proceduralSampleImage(int size = 256);

}  // namespace ds::ui
