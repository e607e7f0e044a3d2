#pragma once
// The architecture of the built-in model: a Stable-Diffusion-shaped latent model sized for 64x64
// emoji on a laptop CPU (Rombach et al. 2022 at toy scale): a KL autoencoder 64x64x3 <-> 16x16x4, a
// CLIP-style text transformer over a sentencepiece vocabulary, and a cross-attention UNet. The
// networks are core/model's, configured small; the config travels with the weights as model.json,
// whose component objects use the diffusers/transformers config.json keys.
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/autoencoder_config.h"
#include "core/model/clip_text_config.h"
#include "core/model/unet_config.h"

namespace ds {

struct BuiltinConfig {
    AutoencoderConfig vae;
    ClipTextConfig text_encoder;  // vocab_size = the sentencepiece model's
    UNetConfig unet;              // in_channels 4 (text-to-image) or 9 (inpainting)
    int64_t context_length = 32;  // tokens per prompt: bos, pieces, eos, eos padding
    int64_t image_size = 64;
    // The live-preview map from (scaled) latents to RGB in [-1, 1]: rgb = latent^T F + bias, fitted by
    // least squares on training images at export ([latent_channels x 3] row-major, and [3]); empty
    // when unknown.
    std::vector<double> latent_rgb_factors;
    std::vector<double> latent_rgb_bias;
};

// The sizes the shipped model was trained with (vocab_size left to the tokenizer).
BuiltinConfig default_builtin_config(int64_t vocab_size);

// model.json text of `config`, and back. parse throws std::runtime_error naming the problem.
std::string builtin_config_json(const BuiltinConfig& config);
BuiltinConfig parse_builtin_config(const std::string& json_text);

// The inpainting UNet's config for a text-to-image one: 4 latent + 1 mask + 4 masked-image-latent
// input channels, as SD's inpainting models (Rombach et al. 2022, sec. 4.5).
UNetConfig inpainting_unet_config(UNetConfig unet);

}  // namespace ds
