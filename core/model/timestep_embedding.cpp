#include "core/model/timestep_embedding.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ds {

at::Tensor timestep_sinusoidal_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                                         double freq_shift, double max_period) {
    if (timesteps.dim() != 1) throw std::invalid_argument("timestep embedding: timesteps must be 1-D");
    if (dim < 2) throw std::invalid_argument("timestep embedding: dim must be at least 2");
    const int64_t half = dim / 2;
    // Same float32 operation order as diffusers' get_timestep_embedding, so the result matches bitwise.
    at::Tensor exponent = at::arange(0, half, timesteps.options().dtype(at::kFloat)) * (-std::log(max_period));
    exponent = exponent / (static_cast<double>(half) - freq_shift);
    at::Tensor args = timesteps.to(at::kFloat).unsqueeze(1) * exponent.exp().unsqueeze(0);
    at::Tensor emb = flip_sin_to_cos ? at::cat({args.cos(), args.sin()}, -1) : at::cat({args.sin(), args.cos()}, -1);
    if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1}, 0);
    return emb;
}

void TimestepEmbedding::load(const WeightMap& w, const std::string& prefix, int64_t in_dim, int64_t embed_dim) {
    linear_1.load(w, key(prefix, "linear_1"), in_dim, embed_dim);
    linear_2.load(w, key(prefix, "linear_2"), embed_dim, embed_dim);
}

at::Tensor TimestepEmbedding::operator()(const at::Tensor& x) const { return linear_2(at::silu(linear_1(x))); }

}  // namespace ds
