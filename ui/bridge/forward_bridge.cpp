// Compiled with QT_NO_KEYWORDS: Qt's `slots`/`signals` macros would break the torch headers.
#include "ui/bridge/forward_bridge.h"

#include <ATen/ATen.h>

#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/diffusion/forward_process.h"
#include "core/image/image_tensor.h"
#include "core/runtime/seeded_noise.h"
#include "ui/bridge/image_bridge.h"

namespace ds::ui {
namespace {

// The studio noises one picture at a time, so one cached source and one cached ε are enough.
struct NoiseCache {
    std::mutex mutex;
    qint64 sourceKey = 0;
    at::Tensor x0;  // [1, 3, h, w] in [-1, 1]
    quint64 seed = 0;
    at::Tensor eps;                                              // same shape as x0
    std::map<std::pair<int, int>, ds::NoiseSchedule> schedules;  // (kind, T) -> tables
};

NoiseCache& cache() {
    static NoiseCache instance;
    return instance;
}

const ds::NoiseSchedule& scheduleFor(NoiseCache& c, ds::ScheduleKind kind, int T) {
    const std::pair<int, int> key{static_cast<int>(kind), T};
    auto it = c.schedules.find(key);
    if (it == c.schedules.end()) {
        if (c.schedules.size() >= 16) c.schedules.clear();  // T spin box sweeps must not pile up tables
        ds::ScheduleConfig config;
        config.kind = kind;
        config.timesteps = T;
        it = c.schedules.emplace(key, ds::NoiseSchedule(config)).first;
    }
    return it->second;
}

}  // namespace

QImage noisedImage(const QImage& source, ds::ScheduleKind kind, int t, int T, quint64 seed, QString* error) {
    try {
        if (source.isNull()) throw std::invalid_argument("there is no source image");
        NoiseCache& c = cache();
        std::lock_guard<std::mutex> lock(c.mutex);
        const ds::NoiseSchedule& schedule = scheduleFor(c, kind, T);
        if (!c.x0.defined() || c.sourceKey != source.cacheKey()) {
            c.x0 = ds::image_to_tensor(fromQImage(source));
            c.sourceKey = source.cacheKey();
        }
        if (!c.eps.defined() || c.seed != seed || !c.eps.sizes().equals(c.x0.sizes())) {
            c.eps = ds::seeded_randn(seed, c.x0.sizes());
            c.seed = seed;
        }
        const QImage out = toQImage(ds::tensor_to_image(ds::q_sample(schedule, c.x0, t, c.eps)));
        if (out.isNull()) throw std::runtime_error("could not convert the noised tensor to an image");
        return out;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return {};
    }
}

void clearNoiseCache() {
    NoiseCache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    c.x0 = at::Tensor();
    c.eps = at::Tensor();
    c.sourceKey = 0;
}

}  // namespace ds::ui
