#include "core/training/learning_rate.h"

#include <algorithm>
#include <cmath>

namespace ds {

double LearningRateSchedule::at(int64_t step, int64_t total_steps) const {
    if (warmup_steps > 0 && step < warmup_steps) return peak * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
    const double span = static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
    const double progress = std::clamp(static_cast<double>(step - warmup_steps) / span, 0.0, 1.0);
    const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
    return peak * (floor_fraction + (1.0 - floor_fraction) * cosine);
}

}  // namespace ds
