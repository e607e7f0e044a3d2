#pragma once
// The building blocks shared by the networks (CLIP text transformer, UNet, VAE). Each holds its
// weights as plain tensors and is loaded from a WeightMap under a name prefix.
#include <ATen/core/Tensor.h>

#include <string>

#include "core/model/weights.h"

namespace ds {

struct Linear {
    at::Tensor weight;  // [out, in]
    at::Tensor bias;    // [out] or undefined
    void load(const WeightMap& w, const std::string& prefix, int64_t in, int64_t out, bool has_bias = true);
    at::Tensor operator()(const at::Tensor& x) const;
};

struct GroupNorm;

struct Conv2d {
    at::Tensor weight;  // [out, in, k, k]
    at::Tensor bias;
    int64_t stride = 1;
    int64_t padding = 0;
    void load(const WeightMap& w, const std::string& prefix, int64_t in, int64_t out, int64_t kernel,
              int64_t stride = 1, int64_t padding = -1 /* -1: kernel / 2 */);
    at::Tensor operator()(const at::Tensor& x) const;
    // (*this)(silu(norm(x))); where the Winograd kernel takes this layer, the norm and the SiLU are
    // applied as it reads the input, and neither activation is ever materialised.
    // With add_to defined: add_to += that, in place where the Winograd kernel takes this layer (no
    // output activation of its own), and add_to is returned. add_to must not share memory with x.
    at::Tensor after_norm_silu(const at::Tensor& x, const GroupNorm& norm, const at::Tensor& add_to = {}) const;
    // A 1x1 stride-1 layer with no more outputs than inputs, computed into x's own memory: returns
    // the output as a view of x's first out-channels (each image as far apart as in x), x's contents
    // consumed. Only for an x nothing else reads (checked by the caller); false from
    // runs_in_place() means use operator() instead.
    bool runs_in_place(const at::Tensor& x) const;
    at::Tensor in_place(const at::Tensor& x) const;
    // (*this)(upsample_nearest2d(x, 2H x 2W)), with the upsampled input never materialised where the
    // Winograd kernel takes this layer.
    at::Tensor after_upsample_2x(const at::Tensor& x) const;

private:
    // pixel_factor: output pixels per input pixel (4 for the fused 2x upsampling)
    bool takes_winograd(const at::Tensor& x, int64_t pixel_factor = 1) const;
    bool takes_pointwise_matmul(const at::Tensor& x) const;
};

struct GroupNorm {
    at::Tensor weight, bias;
    int64_t groups = 32;
    double eps = 1e-5;
    void load(const WeightMap& w, const std::string& prefix, int64_t channels, int64_t groups, double eps);
    at::Tensor operator()(const at::Tensor& x) const;
};

struct LayerNorm {
    at::Tensor weight, bias;
    double eps = 1e-5;
    void load(const WeightMap& w, const std::string& prefix, int64_t dim, double eps);
    at::Tensor operator()(const at::Tensor& x) const;
};

// softmax(q k^T * scale + mask) v for q [B, H, Lq, D], k/v [B, H, Lk, D]; mask broadcastable to
// [B, H, Lq, Lk] (additive) or undefined. Processes queries in blocks so the full score matrix
// never exists at once for long sequences; on the CPU in float32 without a mask or autograd, the
// (slice, block) pairs run in parallel with cache-sized score blocks. Never uses baddbmm (libtorch 1.13's
// CPU baddbmm with beta = 0 reads uninitialised memory).
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                        double scale, const at::Tensor& mask = {});

// The plain composition scaled_dot_product_attention's CPU fast path replaces (softmax of
// q k^T * scale + mask, times v, in query blocks): the path for masks, half types and the GPU, and
// the reference the fast path is tested against.
at::Tensor reference_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                               const at::Tensor& mask = {});

}  // namespace ds
