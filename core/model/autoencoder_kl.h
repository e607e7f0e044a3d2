#pragma once
// The Stable Diffusion VAE (diffusers' AutoencoderKL; Rombach et al. 2022, sec. 3): an encoder to a
// diagonal Gaussian over latents 8x smaller per side, and a decoder back to pixels. Images are
// NCHW in [-1, 1]. The latent scaling factor is NOT applied here (the pipeline divides by it before
// decode() and multiplies after sampling the encoder's distribution).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/model/autoencoder_config.h"
#include "core/model/weights.h"

namespace ds {

// diffusers' DiagonalGaussianDistribution of one encode() call.
struct EncoderOutput {
    at::Tensor moments;  // quant_conv(encoder(x)) [B, 2 * latent, h, w]: mean and logvar stacked on dim 1
    at::Tensor mean;     // [B, latent, h, w]
    at::Tensor logvar;   // clamped to [-30, 20]
    at::Tensor std;      // exp(logvar / 2)
    // mean + std * eps, for eps of mean's shape (the "sample" of latent_dist; eps from the caller's RNG).
    at::Tensor sample(const at::Tensor& eps) const;
};

class AutoencoderKL {
public:
    // Builds the network from weights under `prefix` (diffusers names: encoder.*, decoder.*,
    // quant_conv, post_quant_conv; the mid-block attention may use the pre-0.14 names
    // query/key/value/proj_attn, as Linear [C, C] or 1x1 conv [C, C, 1, 1] weights). Weights are
    // converted to float32 on their device. Throws AutoencoderConfigError for an invalid config and
    // one WeightError listing every missing, wrongly shaped or unexpected tensor under `prefix`.
    static AutoencoderKL load(const AutoencoderConfig& config, const WeightMap& weights,
                              const std::string& prefix = "");

    const AutoencoderConfig& config() const;

    // image [B, in_channels, H, W] in [-1, 1], H and W multiples of downsample_factor().
    // Throws std::invalid_argument for another shape.
    EncoderOutput encode(const at::Tensor& image) const;
    // z [B, latent_channels, h, w] (unscaled latents) -> [B, out_channels, 8h, 8w], roughly in [-1, 1].
    at::Tensor decode(const at::Tensor& z) const;
    // decode() in tiles, for outputs too large to decode at once. The latent-resolution part
    // (post_quant_conv, conv_in, the mid block with its global attention) runs once on the whole z;
    // the upsampling path, whose full-resolution activations dominate memory, runs per `tile` x
    // `tile` latent pixels, neighbouring tiles overlapping by at least `overlap` latent pixels and
    // cross-faded across the overlap. As in diffusers' tiled_decode, each tile normalises with its
    // own GroupNorm statistics, and pixels within the decoder's receptive field (~12 latent pixels
    // for SD) of a tile's edge see zero padding instead of their neighbours, so the result is close
    // to decode() but not equal: use tiles of 64 and overlaps of 16 or more for real models. Equal
    // to decode() when one tile covers z.
    // Throws std::invalid_argument unless tile >= 1 and 0 <= overlap < tile.
    at::Tensor decode_tiled(const at::Tensor& z, int64_t tile, int64_t overlap) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

}  // namespace ds
