#pragma once
// Networks of random weights with a configuration's exact shapes (from arch_walk.h's lists), for
// benchmarks of architectures whose trained weights are not at hand.
#include <vector>

#include "core/perf/arch_walk.h"

namespace ds {
class WeightMap;
}

namespace ds::perf {

// float32 tensors named and shaped as listed: matrices and kernels ~ N(0, 1/fan_in), norm weights
// one, biases small, so activations stay at unit scale through the network. Draws from torch's
// global generator.
WeightMap random_weights(const std::vector<WeightShape>& shapes);

}  // namespace ds::perf
