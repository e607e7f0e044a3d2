#pragma once
// The UNet's noise-level input: the diffusion timestep t as a sinusoidal embedding (Vaswani et al.
// 2017, sec. 3.5, as used by Ho et al. 2020), then a two-layer MLP (diffusers' Timesteps +
// TimestepEmbedding).
#include <ATen/core/Tensor.h>

#include <string>

#include "core/model/layers.h"
#include "core/model/weights.h"

namespace ds {

// [N] timesteps (any numeric dtype; fractional t is valid) -> [N, dim] float32 on the timesteps'
// device. Frequency k is exp(-ln(max_period) * k / (dim/2 - freq_shift)); the rows hold
// [sin(t f), cos(t f)], or [cos, sin] when flip_sin_to_cos. An odd dim gets a zero last column.
at::Tensor timestep_sinusoidal_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                                         double freq_shift, double max_period = 10000.0);

// linear_2(silu(linear_1(x))): diffusers' TimestepEmbedding with act_fn "silu".
struct TimestepEmbedding {
    Linear linear_1;
    Linear linear_2;
    void load(const WeightMap& w, const std::string& prefix, int64_t in_dim, int64_t embed_dim);
    at::Tensor operator()(const at::Tensor& x) const;
};

}  // namespace ds
