#pragma once
// The forward process for the widgets, in Qt value types only. This header is torch-free; its .cpp
// is where Qt meets torch, compiled with QT_NO_KEYWORDS.
#include <QImage>
#include <QString>
#include <QtGlobal>

#include "core/schedule/noise_schedule.h"

namespace ds::ui {

// One draw of q(x_t | x_0) = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε (Ho et al. 2020, eq. 4) for a QImage
// under ScheduleConfig{kind, T}. ε = ds::seeded_randn(seed, [1, 3, h, w]) depends only on the seed
// and the image size, so every schedule and every t see the SAME noise and differ only by ᾱ_t.
// The source tensor and ε are cached (keyed by source.cacheKey(), seed and size): moving t costs one
// multiply-add and a conversion. Returns an RGB888 image, or a null QImage with *error set to a
// one-line reason for a null source, T outside [1, kMaxTrainTimesteps] or t outside [0, T).
QImage noisedImage(const QImage& source, ds::ScheduleKind kind, int t, int T, quint64 seed,
                   QString* error = nullptr);

// Frees the cached source and noise (the next call rebuilds them).
void clearNoiseCache();

}  // namespace ds::ui
