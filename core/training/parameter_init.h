#pragma once
// Fresh weights for training a network from scratch. A network is built by "loading" it from a
// WeightMap whose initializer creates each tensor the loader asks for, so the parameter list always
// matches the architecture (see WeightMap::with_initializer).
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/weights.h"

namespace ds {

// A map that creates every requested tensor with PyTorch's default initialisation for the layer the
// name and shape indicate (He et al. 2015 uniform bound 1/sqrt(fan_in) for conv/linear weights, as
// torch.nn's kaiming_uniform_(a=sqrt(5)); zero biases; unit norm scales; N(0, 1) token embeddings as
// torch.nn.Embedding and N(0, 0.02) position embeddings as CLIP), drawn from a generator seeded with `seed`, float32, requires_grad set. Drawn on the CPU
// and then moved, so a seed gives the same initial weights on every device.
WeightMap trainable_weight_map(uint64_t seed, c10::Device device = c10::Device(c10::DeviceType::CPU));

// Every tensor of the map in name order (the parameter list of an optimiser).
std::vector<at::Tensor> parameter_list(const WeightMap& weights);
int64_t parameter_count(const WeightMap& weights);

}  // namespace ds
