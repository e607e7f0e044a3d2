#pragma once
// Walks a UNet or VAE configuration the way core/model's loaders and forward passes do, to list
// every weight (diffusers name and shape) and to count the FLOPs of one forward pass from the layer
// shapes. Any UNetConfig / AutoencoderConfig the loaders accept can be walked: SD 1.5's, the
// built-in model's, a checkpoint's. Benchmarks build networks of random weights from the list and
// read their achieved GFLOP/s off the count.
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/autoencoder_config.h"
#include "core/model/unet_config.h"

namespace ds::perf {

struct WeightShape {
    std::string name;
    std::vector<int64_t> shape;
};

// Multiply-adds count 2 FLOP. Normalisations, activations, softmax and element-wise adds are left
// out (a few GFLOP against ~1600 for an SD step).
struct FlopCount {
    double conv = 0;       // 2 * Cout * Cin * k * k * Hout * Wout per image
    double linear = 0;     // 2 * in * out per token (transformer projections, feed-forwards, time MLP)
    double attention = 0;  // q k^T and (softmax) v: 2 * 2 * Lq * Lk * D per head per image
    double total() const { return conv + linear + attention; }
};

struct ArchWalk {
    std::vector<WeightShape> weights;
    FlopCount flops;
    int64_t parameters() const;
};

// Weights of UNet2DCondition::load (no prefix); FLOPs of forward() for `batch` latents of
// height x width and a text context of `context_length` tokens. Throws UNetConfigError for an
// invalid config.
ArchWalk walk_unet(const UNetConfig& config, int64_t batch, int64_t height, int64_t width, int64_t context_length);

// Weights of AutoencoderKL::load (encoder, decoder, quant convs; no prefix); FLOPs of decode() of
// `batch` latents of height x width (the encoder is not counted). Throws AutoencoderConfigError.
ArchWalk walk_vae_decode(const AutoencoderConfig& config, int64_t batch, int64_t height, int64_t width);

}  // namespace ds::perf
