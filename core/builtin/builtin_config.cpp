#include "core/builtin/builtin_config.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace ds {
namespace {

using nlohmann::json;

json vae_json(const AutoencoderConfig& c) {
    json down = json::array(), up = json::array();
    for (size_t i = 0; i < c.block_out_channels.size(); ++i) {
        down.push_back("DownEncoderBlock2D");
        up.push_back("UpDecoderBlock2D");
    }
    return {{"_class_name", "AutoencoderKL"}, {"in_channels", c.in_channels}, {"out_channels", c.out_channels},
            {"latent_channels", c.latent_channels}, {"block_out_channels", c.block_out_channels},
            {"down_block_types", down}, {"up_block_types", up}, {"layers_per_block", c.layers_per_block},
            {"norm_num_groups", c.norm_num_groups}, {"sample_size", c.sample_size},
            {"scaling_factor", c.scaling_factor}, {"act_fn", "silu"}};
}

json text_json(const ClipTextConfig& c) {
    return {{"model_type", "clip_text_model"}, {"vocab_size", c.vocab_size}, {"hidden_size", c.hidden_size},
            {"intermediate_size", c.intermediate_size}, {"num_hidden_layers", c.num_layers},
            {"num_attention_heads", c.num_heads}, {"max_position_embeddings", c.max_positions},
            {"layer_norm_eps", c.layer_norm_eps},
            {"hidden_act", c.activation == ClipActivation::Gelu ? "gelu" : "quick_gelu"},
            {"bos_token_id", c.bos_token_id}, {"eos_token_id", c.eos_token_id}, {"pad_token_id", c.pad_token_id}};
}

json unet_json(const UNetConfig& c) {
    return {{"_class_name", "UNet2DConditionModel"}, {"in_channels", c.in_channels}, {"out_channels", c.out_channels},
            {"down_block_types", c.down_block_types}, {"mid_block_type", c.mid_block_type},
            {"up_block_types", c.up_block_types}, {"block_out_channels", c.block_out_channels},
            {"layers_per_block", c.layers_per_block.size() == 1 ? json(c.layers_per_block[0]) : json(c.layers_per_block)},
            {"norm_num_groups", c.norm_num_groups},
            {"cross_attention_dim", c.cross_attention_dim.size() == 1 ? json(c.cross_attention_dim[0]) : json(c.cross_attention_dim)},
            {"attention_head_dim", c.attention_head_dim.size() == 1 ? json(c.attention_head_dim[0]) : json(c.attention_head_dim)},
            {"use_linear_projection", c.use_linear_projection}, {"sample_size", c.sample_size},
            {"flip_sin_to_cos", c.flip_sin_to_cos}, {"freq_shift", c.freq_shift}};
}

}  // namespace

BuiltinConfig default_builtin_config(int64_t vocab_size) {
    BuiltinConfig c;
    c.vae.block_out_channels = {32, 64, 64};  // two downsamplings: 64x64 -> 16x16
    c.vae.layers_per_block = 1;
    c.vae.norm_num_groups = 16;
    c.vae.sample_size = 64;
    c.vae.scaling_factor = 1.0;  // replaced after VAE training by 1 / std of the training latents (LDM sec. 4.3.2 / G)

    c.text_encoder.vocab_size = vocab_size;
    c.text_encoder.hidden_size = 128;
    c.text_encoder.intermediate_size = 512;
    c.text_encoder.num_layers = 4;
    c.text_encoder.num_heads = 4;
    c.text_encoder.max_positions = c.context_length;

    c.unet.in_channels = 4;
    c.unet.out_channels = 4;
    c.unet.down_block_types = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"};
    c.unet.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"};
    c.unet.block_out_channels = {64, 96, 128};
    c.unet.layers_per_block = {1};
    c.unet.norm_num_groups = 32;
    c.unet.cross_attention_dim = {128};
    c.unet.attention_head_dim = {4};  // heads per block (diffusers' naming quirk, see unet_config.h)
    c.unet.sample_size = 16;
    return c;
}

std::string builtin_config_json(const BuiltinConfig& c) {
    json j = {{"format", "diffusion-studio-builtin/1"}, {"context_length", c.context_length},
              {"image_size", c.image_size}, {"vae", vae_json(c.vae)}, {"text_encoder", text_json(c.text_encoder)},
              {"unet", unet_json(c.unet)}};
    if (!c.latent_rgb_factors.empty()) {
        j["latent_rgb_factors"] = c.latent_rgb_factors;
        j["latent_rgb_bias"] = c.latent_rgb_bias;
    }
    return j.dump(2) + "\n";
}

BuiltinConfig parse_builtin_config(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("model.json is not valid JSON: ") + e.what());
    }
    if (!j.is_object() || j.value("format", "") != "diffusion-studio-builtin/1") {
        throw std::runtime_error("model.json: format is not diffusion-studio-builtin/1");
    }
    for (const char* k : {"vae", "text_encoder", "unet"}) {
        if (!j.contains(k) || !j[k].is_object()) throw std::runtime_error(std::string("model.json: no \"") + k + "\" object");
    }
    BuiltinConfig c;
    c.vae = parse_autoencoder_config(j["vae"].dump());
    c.text_encoder = parse_clip_text_config(j["text_encoder"].dump());
    c.unet = parse_unet_config(j["unet"].dump());
    try {
        c.context_length = j.value("context_length", int64_t{32});
        c.image_size = j.value("image_size", int64_t{64});
    } catch (const std::exception&) {
        throw std::runtime_error("model.json: context_length and image_size must be integers");
    }
    try {
        if (j.contains("latent_rgb_factors")) {
            c.latent_rgb_factors = j.at("latent_rgb_factors").get<std::vector<double>>();
            c.latent_rgb_bias = j.at("latent_rgb_bias").get<std::vector<double>>();
        }
    } catch (const std::exception&) {
        throw std::runtime_error("model.json: latent_rgb_factors/latent_rgb_bias must be lists of numbers");
    }
    if (!c.latent_rgb_factors.empty() &&
        (static_cast<int64_t>(c.latent_rgb_factors.size()) != 3 * c.vae.latent_channels || c.latent_rgb_bias.size() != 3)) {
        throw std::runtime_error("model.json: latent_rgb_factors must hold 3 values per latent channel and latent_rgb_bias 3");
    }
    if (c.context_length < 2 || c.context_length > c.text_encoder.max_positions) {
        throw std::runtime_error("model.json: context_length must be between 2 and the text encoder's positions");
    }
    if (c.image_size < c.vae.downsample_factor() || c.image_size % c.vae.downsample_factor() != 0) {
        throw std::runtime_error("model.json: image_size must be a multiple of the VAE's downsampling factor");
    }
    return c;
}

UNetConfig inpainting_unet_config(UNetConfig unet) {
    unet.in_channels = 9;
    return unet;
}

}  // namespace ds
