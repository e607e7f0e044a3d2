#pragma once
// The UNet's spatial transformer (diffusers' Transformer2DModel, continuous input, as in SD 1.x/2.x;
// Rombach et al. 2022, sec. 3.3): GroupNorm, proj_in, BasicTransformerBlocks (self-attention,
// cross-attention on the text embedding, GEGLU feed-forward, each pre-LayerNorm with a residual),
// proj_out, plus the input as residual.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/model/layers.h"
#include "core/model/weights.h"

namespace ds {

// Multi-head attention with diffusers' Attention names: to_q/to_k/to_v without bias, to_out.0 with.
struct CrossAttention {
    Linear to_q, to_k, to_v, to_out;
    int64_t heads = 1;
    int64_t head_dim = 1;
    // context_dim is the width of the keys/values' source (query_dim for self-attention).
    void load(const WeightMap& w, const std::string& prefix, int64_t query_dim, int64_t context_dim, int64_t heads,
              int64_t head_dim);
    // x [B, L, query_dim], context [B, Lc, context_dim] -> [B, L, query_dim].
    at::Tensor operator()(const at::Tensor& x, const at::Tensor& context) const;
};

// ff.net.0.proj (Linear dim -> 2 * inner), split into a and gate, a * gelu(gate) (GEGLU, Shazeer
// 2020), then ff.net.2 (Linear inner -> dim).
struct GegluFeedForward {
    Linear proj, out;
    void load(const WeightMap& w, const std::string& prefix, int64_t dim, int64_t inner_dim);
    at::Tensor operator()(const at::Tensor& x) const;
};

struct BasicTransformerBlock {
    LayerNorm norm1, norm2, norm3;
    CrossAttention attn1, attn2;
    GegluFeedForward ff;
    void load(const WeightMap& w, const std::string& prefix, int64_t dim, int64_t heads, int64_t head_dim,
              int64_t context_dim);
    at::Tensor operator()(const at::Tensor& x, const at::Tensor& context) const;
};

struct Transformer2DOptions {
    int64_t channels = 0;         // in/out channels of the block
    int64_t heads = 8;
    int64_t head_dim = 40;        // inner width is heads * head_dim
    int64_t layers = 1;           // BasicTransformerBlocks
    int64_t context_dim = 768;    // cross_attention_dim
    int64_t norm_groups = 32;
    bool linear_projection = false;  // SD 2.x: proj_in/proj_out are Linear, not 1x1 Conv2d
};

class Transformer2D {
public:
    void load(const WeightMap& w, const std::string& prefix, const Transformer2DOptions& options);
    // x [B, C, H, W], context [B, Lc, context_dim] -> [B, C, H, W].
    at::Tensor operator()(const at::Tensor& x, const at::Tensor& context) const;

private:
    Transformer2DOptions options_;
    GroupNorm norm_;
    Conv2d proj_in_conv_, proj_out_conv_;
    Linear proj_in_linear_, proj_out_linear_;
    std::vector<BasicTransformerBlock> blocks_;
};

}  // namespace ds
