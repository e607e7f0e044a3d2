#pragma once
// The learning-rate schedule of the built-in model's training: linear warm-up, then cosine decay to
// a floor (Loshchilov & Hutter 2017, SGDR without restarts).
#include <cstdint>

namespace ds {

struct LearningRateSchedule {
    double peak = 3e-4;
    int64_t warmup_steps = 100;
    double floor_fraction = 0.1;  // the rate at the last step, as a fraction of peak
    double at(int64_t step, int64_t total_steps) const;
};

}  // namespace ds
