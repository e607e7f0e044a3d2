#pragma once
// Size of a Stable Diffusion VAE (diffusers' AutoencoderKL with DownEncoderBlock2D/UpDecoderBlock2D
// blocks). The defaults are SD 1.x/2.x's VAE; SDXL's differs only in scaling_factor (0.13025). The
// config comes from a diffusers vae/config.json or, for single-file checkpoints that carry none, is
// inferred from the weight shapes.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds {

class WeightMap;

struct AutoencoderConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct AutoencoderConfig {
    int64_t in_channels = 3;   // image channels into the encoder
    int64_t out_channels = 3;  // image channels out of the decoder
    int64_t latent_channels = 4;
    std::vector<int64_t> block_out_channels{128, 256, 512, 512};  // one encoder/decoder level each
    int64_t layers_per_block = 2;  // resnets per encoder level; the decoder has one more per level
    int64_t norm_num_groups = 32;
    double norm_eps = 1e-6;     // diffusers fixes every VAE GroupNorm's eps at 1e-6
    int64_t sample_size = 512;  // the training image size (informational; any multiple of 8 works)
    // Latents the UNet sees are scaling_factor * (z - shift_factor); the pipeline applies this, the
    // VAE itself does not.
    double scaling_factor = 0.18215;
    double shift_factor = 0.0;
    bool mid_block_add_attention = true;  // the single-head self-attention in both mid blocks
    bool use_quant_conv = true;           // the 1x1 quant_conv after the encoder
    bool use_post_quant_conv = true;      // the 1x1 post_quant_conv before the decoder
    bool force_upcast = true;             // the VAE overflows in float16; run it in float32

    // Image pixels per latent pixel along each axis: 2^(levels - 1), 8 for SD.
    int64_t downsample_factor() const { return int64_t{1} << (block_out_channels.size() - 1); }
    // Throws AutoencoderConfigError when a size is not positive, there is no level, or a level's
    // channel count is not divisible by norm_num_groups.
    void validate() const;
    // Compares every field (doubles exactly).
    bool operator==(const AutoencoderConfig& other) const;
    bool operator!=(const AutoencoderConfig& other) const { return !(*this == other); }
};

// Reads a diffusers AutoencoderKL config.json. Keys it lacks take AutoencoderKL's constructor
// defaults (block_out_channels [64], layers_per_block 1, sample_size 32, ...), as from_pretrained
// would; unknown keys are ignored and null means "default". Throws AutoencoderConfigError on
// malformed JSON, wrong value types, a block type other than DownEncoderBlock2D/UpDecoderBlock2D,
// an act_fn other than silu, block lists of different lengths, or invalid sizes.
AutoencoderConfig parse_autoencoder_config(const std::string& json_text);
// parse_autoencoder_config of the file's contents; the error names the file.
AutoencoderConfig load_autoencoder_config(const std::string& path);

// Infers the config from weights under `prefix` (canonical diffusers names): in/out/latent channels
// from encoder.conv_in, decoder.conv_out and decoder.conv_in; block_out_channels from each
// encoder.down_blocks.N.resnets.0.conv1; layers_per_block from encoder.down_blocks.0's resnet count;
// the mid-block attention and quant convs from whether their weights exist. What shapes cannot tell
// keeps the defaults above (norm_num_groups 32, scaling_factor 0.18215: set 0.13025 for SDXL).
// Throws AutoencoderConfigError naming the missing weight.
AutoencoderConfig infer_autoencoder_config(const WeightMap& weights, const std::string& prefix = "");

}  // namespace ds
