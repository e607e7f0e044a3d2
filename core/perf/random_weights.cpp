#include "core/perf/random_weights.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/model/weights.h"

namespace ds::perf {

// Unit-scale activations keep the timing honest: no overflow to inf, no denormals (which run far
// slower on x86) as a network of N(0, 1) weights would produce after a few layers.
WeightMap random_weights(const std::vector<WeightShape>& shapes) {
    WeightMap map;
    for (const auto& w : shapes) {
        at::Tensor t;
        if (w.shape.size() >= 2) {
            int64_t fan_in = 1;
            for (size_t i = 1; i < w.shape.size(); ++i) fan_in *= w.shape[i];
            t = at::randn(w.shape).mul_(1.0 / std::sqrt(static_cast<double>(fan_in)));
        } else if (w.name.size() > 7 && w.name.compare(w.name.size() - 7, 7, ".weight") == 0) {
            t = at::ones(w.shape);
        } else {
            t = at::randn(w.shape).mul_(0.02);
        }
        map.insert(w.name, t);
    }
    return map;
}

}  // namespace ds::perf
