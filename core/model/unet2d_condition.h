#pragma once
// The Stable Diffusion 1.x/2.x noise predictor: diffusers' UNet2DConditionModel (Rombach et al.
// 2022, sec. 3.3): a conv UNet over latents whose resnets take the timestep embedding and whose
// spatial transformers cross-attend to the text encoder's hidden states. Sizes come from a
// UNetConfig; weights use diffusers' names.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "core/model/unet_config.h"
#include "core/model/weights.h"

namespace ds {

class UNet2DCondition {
public:
    // Builds the network from the weights under `prefix` (diffusers names: conv_in, time_embedding,
    // down_blocks.N, mid_block, up_blocks.N, conv_norm_out, conv_out). Validates the config, and
    // throws one WeightError listing every missing, wrongly shaped or unexpected tensor.
    static UNet2DCondition load(const UNetConfig& config, const WeightMap& weights, const std::string& prefix = "");

    // sample [B, in_channels, H, W] (any H, W: odd sizes are handled as diffusers does);
    // timesteps: a 0-dim tensor or [1] (used for every row) or [B], integer or floating (fractional t
    // is valid); encoder_hidden_states [B, L, cross_attention_dim]. Returns the prediction
    // [B, out_channels, H, W] in float32 on the sample's device. Throws std::invalid_argument on
    // inputs of the wrong rank or size.
    at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps,
                       const at::Tensor& encoder_hidden_states) const;

    // The time embedding MLP's output [N, time_embed_dim] for N timesteps (what every resnet receives).
    at::Tensor time_embedding(const at::Tensor& timesteps) const;

    const UNetConfig& config() const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

}  // namespace ds
