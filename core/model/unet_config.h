#pragma once
// Size and layout of a UNet2DConditionModel (diffusers) as SD 1.x/2.x use it. The fields mirror the
// config.json keys; the defaults are diffusers' defaults (its constructor arguments), which is what
// from_pretrained uses for a key a config.json lacks. Single-file checkpoints carry no config: it is
// then inferred from the weight shapes.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds {

class WeightMap;

struct UNetConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct UNetConfig {
    int64_t in_channels = 4;
    int64_t out_channels = 4;
    bool center_input_sample = false;  // sample -> 2 * sample - 1 before conv_in
    bool flip_sin_to_cos = true;
    double freq_shift = 0.0;
    std::vector<std::string> down_block_types{"CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                              "CrossAttnDownBlock2D", "DownBlock2D"};
    std::string mid_block_type = "UNetMidBlock2DCrossAttn";  // "" = no mid block (config null)
    std::vector<std::string> up_block_types{"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                            "CrossAttnUpBlock2D"};
    std::vector<int64_t> block_out_channels{320, 640, 1280, 1280};
    // The "int or per-block list" keys hold one value (applies to every block) or one per down block.
    std::vector<int64_t> layers_per_block{2};
    int64_t downsample_padding = 1;
    int64_t norm_num_groups = 32;
    double norm_eps = 1e-5;
    std::vector<int64_t> cross_attention_dim{1280};
    std::vector<int64_t> transformer_layers_per_block{1};
    // diffusers' naming quirk: with num_attention_heads null (every SD 1.x/2.x config),
    // attention_head_dim is the NUMBER OF HEADS of each block, not their width.
    std::vector<int64_t> attention_head_dim{8};
    std::vector<int64_t> num_attention_heads;  // empty = null
    bool use_linear_projection = false;        // SD 2.x: Linear proj_in/proj_out
    bool upcast_attention = false;             // recorded only: attention already runs in float32 here
    int64_t time_embedding_dim = 0;            // 0 = null = 4 * block_out_channels[0]
    int64_t conv_in_kernel = 3;
    int64_t conv_out_kernel = 3;
    int64_t sample_size = 64;                  // latent size the model was trained at (informational)

    // Resolved per-block values; `block` indexes the down blocks (up block i mirrors down block
    // n - 1 - i, the mid block uses the last one).
    size_t num_blocks() const { return block_out_channels.size(); }
    int64_t layers(size_t block) const;
    int64_t heads(size_t block) const;
    int64_t head_dim(size_t block) const { return block_out_channels.at(block) / heads(block); }
    int64_t cross_dim(size_t block) const;
    int64_t transformer_layers(size_t block) const;
    int64_t time_embed_dim() const { return time_embedding_dim > 0 ? time_embedding_dim : 4 * block_out_channels.at(0); }
    bool down_has_attention(size_t block) const;
    bool up_has_attention(size_t up_block) const;

    // Throws UNetConfigError naming the first inconsistency: unknown block types, list lengths,
    // non-positive sizes, channels not divisible by norm_num_groups or by the head count.
    void validate() const;
    // Same architecture: every field except the informational sample_size and upcast_attention.
    bool operator==(const UNetConfig& other) const;
    bool operator!=(const UNetConfig& other) const { return !(*this == other); }
};

// Reads a diffusers unet/config.json. Missing keys take diffusers' defaults. Options this
// implementation does not have (class/addition embeddings, other time embeddings, scale-shift
// resnets, dual or cross-only attention, ...) raise UNetConfigError naming the key, as do malformed
// JSON, wrong value types and an invalid result (validate()).
UNetConfig parse_unet_config(const std::string& json_text);
// parse_unet_config of the file's contents; the error names the file.
UNetConfig load_unet_config(const std::string& path);

// What the weights cannot tell about attention: SD 1.x has 8 heads in every block
// (UNetHeads::count(8)), SD 2.x has 64 channels per head (UNetHeads::width(64)).
struct UNetHeads {
    int64_t count = 0;  // > 0: this many heads in every block
    int64_t width = 0;  // > 0: heads = block channels / width
    static UNetHeads fixed_count(int64_t n) { return {n, 0}; }
    static UNetHeads fixed_width(int64_t w) { return {0, w}; }
};

// Infers the config from canonical diffusers weight names under `prefix`: in/out channels and kernel
// sizes from conv_in/conv_out, block channels from each down block's first resnet, layers_per_block
// from the resnet count, block types from the presence of attentions, cross_attention_dim from
// attn2.to_k, use_linear_projection from proj_in's rank, transformer depth from the transformer_blocks
// count, the time embedding width from time_embedding.linear_1. Heads come from `heads` (stored in
// attention_head_dim, the diffusers way); norm groups, flip_sin_to_cos and freq_shift cannot be seen
// in shapes and keep the SD values (32, true, 0). Throws WeightError naming a missing tensor, or
// UNetConfigError when the heads do not divide the channels.
UNetConfig infer_unet_config(const WeightMap& weights, const std::string& prefix, UNetHeads heads);

}  // namespace ds
