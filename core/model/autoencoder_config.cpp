#include "core/model/autoencoder_config.h"

#include <ATen/ATen.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "core/model/weights.h"

namespace ds {
namespace {

[[noreturn]] void fail(const std::string& message) { throw AutoencoderConfigError("VAE config: " + message); }

template <typename T>
void read(const nlohmann::json& json, const char* name, T& value) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) return;
    bool ok = false;
    if constexpr (std::is_same<T, bool>::value) {
        ok = it->is_boolean();
    } else if constexpr (std::is_floating_point<T>::value) {
        ok = it->is_number();
    } else {
        ok = it->is_number_integer();
    }
    if (!ok) {
        const char* expected = std::is_same<T, bool>::value       ? "true or false"
                               : std::is_floating_point<T>::value ? "a number"
                                                                  : "an integer";
        fail(std::string("\"") + name + "\" must be " + expected + ", got " + it->dump());
    }
    value = it->get<T>();
}

// An array of `element` values, or nothing when the key is absent or null.
std::vector<nlohmann::json> read_array(const nlohmann::json& json, const char* name, bool strings) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) return {};
    if (!it->is_array()) fail(std::string("\"") + name + "\" must be an array, got " + it->dump());
    std::vector<nlohmann::json> out;
    for (const auto& item : *it) {
        if (strings ? !item.is_string() : !item.is_number_integer()) {
            fail(std::string("\"") + name + "\" must hold " + (strings ? "strings" : "integers") + ", got " +
                 it->dump());
        }
        out.push_back(item);
    }
    return out;
}

// Block type lists must name the only blocks AutoencoderKL's SD VAEs use, one per level.
void check_block_types(const nlohmann::json& json, const char* name, const char* expected, size_t levels) {
    const std::vector<nlohmann::json> types = read_array(json, name, true);
    if (types.empty()) return;
    if (types.size() != levels) {
        fail(std::string("\"") + name + "\" has " + std::to_string(types.size()) +
             " entries but block_out_channels has " + std::to_string(levels));
    }
    for (const auto& type : types) {
        if (type.get<std::string>() != expected) {
            fail(std::string("unsupported ") + name + " entry \"" + type.get<std::string>() +
                 "\" (supported: " + expected + ")");
        }
    }
}

const at::Tensor* find(const WeightMap& weights, const std::string& name) {
    const auto it = weights.tensors().find(name);
    return it == weights.tensors().end() ? nullptr : &it->second;
}

at::IntArrayRef require_shape(const WeightMap& weights, const std::string& name) {
    const at::Tensor* t = find(weights, name);
    if (!t) throw AutoencoderConfigError("VAE config inference: weight " + name + " is missing");
    if (t->dim() != 4) {
        throw AutoencoderConfigError("VAE config inference: weight " + name + " has " +
                                     std::to_string(t->dim()) + " dimensions, expected 4");
    }
    return t->sizes();
}

}  // namespace

void AutoencoderConfig::validate() const {
    auto positive = [](const std::string& name, int64_t value) {
        if (value <= 0) fail(name + " must be positive, got " + std::to_string(value));
    };
    positive("in_channels", in_channels);
    positive("out_channels", out_channels);
    positive("latent_channels", latent_channels);
    positive("layers_per_block", layers_per_block);
    positive("norm_num_groups", norm_num_groups);
    if (block_out_channels.empty()) fail("block_out_channels is empty");
    if (block_out_channels.size() > 8) fail("block_out_channels has more than 8 levels");
    for (size_t i = 0; i < block_out_channels.size(); ++i) {
        const int64_t channels = block_out_channels[i];
        positive("block_out_channels[" + std::to_string(i) + "]", channels);
        if (channels % norm_num_groups != 0) {
            fail("block_out_channels[" + std::to_string(i) + "] = " + std::to_string(channels) +
                 " is not divisible by norm_num_groups " + std::to_string(norm_num_groups));
        }
    }
    if (!(norm_eps > 0)) fail("norm_eps must be positive");
    if (!(scaling_factor > 0)) fail("scaling_factor must be positive");
}

bool AutoencoderConfig::operator==(const AutoencoderConfig& o) const {
    return in_channels == o.in_channels && out_channels == o.out_channels &&
           latent_channels == o.latent_channels && block_out_channels == o.block_out_channels &&
           layers_per_block == o.layers_per_block && norm_num_groups == o.norm_num_groups &&
           norm_eps == o.norm_eps && sample_size == o.sample_size && scaling_factor == o.scaling_factor &&
           shift_factor == o.shift_factor && mid_block_add_attention == o.mid_block_add_attention &&
           use_quant_conv == o.use_quant_conv && use_post_quant_conv == o.use_post_quant_conv &&
           force_upcast == o.force_upcast;
}

AutoencoderConfig parse_autoencoder_config(const std::string& json_text) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("invalid JSON: ") + e.what());
    }
    if (!json.is_object()) fail("the JSON is not an object");

    // diffusers' AutoencoderKL.__init__ defaults, used for absent keys.
    AutoencoderConfig config;
    config.block_out_channels = {64};
    config.layers_per_block = 1;
    config.sample_size = 32;

    read(json, "in_channels", config.in_channels);
    read(json, "out_channels", config.out_channels);
    read(json, "latent_channels", config.latent_channels);
    read(json, "layers_per_block", config.layers_per_block);
    read(json, "norm_num_groups", config.norm_num_groups);
    read(json, "scaling_factor", config.scaling_factor);
    read(json, "shift_factor", config.shift_factor);
    read(json, "mid_block_add_attention", config.mid_block_add_attention);
    read(json, "use_quant_conv", config.use_quant_conv);
    read(json, "use_post_quant_conv", config.use_post_quant_conv);
    read(json, "force_upcast", config.force_upcast);
    // sample_size may be a single int or an [h, w] pair; the first entry is enough here.
    if (json.contains("sample_size") && json["sample_size"].is_array() && !json["sample_size"].empty() &&
        json["sample_size"][0].is_number_integer()) {
        config.sample_size = json["sample_size"][0].get<int64_t>();
    } else {
        read(json, "sample_size", config.sample_size);
    }
    const std::vector<nlohmann::json> channels = read_array(json, "block_out_channels", false);
    if (json.contains("block_out_channels") && !json["block_out_channels"].is_null()) {
        config.block_out_channels.clear();
        for (const auto& c : channels) config.block_out_channels.push_back(c.get<int64_t>());
    }
    check_block_types(json, "down_block_types", "DownEncoderBlock2D", config.block_out_channels.size());
    check_block_types(json, "up_block_types", "UpDecoderBlock2D", config.block_out_channels.size());
    if (json.contains("act_fn") && !json["act_fn"].is_null()) {
        if (!json["act_fn"].is_string() || json["act_fn"].get<std::string>() != "silu") {
            fail("unsupported act_fn " + json["act_fn"].dump() + " (supported: \"silu\")");
        }
    }
    config.validate();
    return config;
}

AutoencoderConfig load_autoencoder_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw AutoencoderConfigError("cannot open VAE config " + path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_autoencoder_config(text);
    } catch (const AutoencoderConfigError& e) {
        throw AutoencoderConfigError(path + ": " + e.what());
    }
}

AutoencoderConfig infer_autoencoder_config(const WeightMap& weights, const std::string& prefix) {
    AutoencoderConfig config;
    config.in_channels = require_shape(weights, key(prefix, "encoder.conv_in.weight"))[1];
    config.out_channels = require_shape(weights, key(prefix, "decoder.conv_out.weight"))[0];
    config.latent_channels = require_shape(weights, key(prefix, "decoder.conv_in.weight"))[1];

    // Level N exists when its first resnet does; its output channel count is that resnet's conv1's.
    config.block_out_channels.clear();
    for (int level = 0; level < 9; ++level) {
        const std::string name =
            key(key(key(prefix, "encoder.down_blocks"), level), "resnets.0.conv1.weight");
        if (!find(weights, name)) break;
        config.block_out_channels.push_back(require_shape(weights, name)[0]);
    }
    if (config.block_out_channels.empty()) {
        throw AutoencoderConfigError("VAE config inference: weight " +
                                     key(prefix, "encoder.down_blocks.0.resnets.0.conv1.weight") +
                                     " is missing");
    }
    int64_t layers = 0;
    while (layers < 64 &&
           find(weights, key(key(prefix, "encoder.down_blocks.0.resnets"), static_cast<int>(layers)) +
                             ".conv1.weight")) {
        ++layers;
    }
    config.layers_per_block = layers;
    config.mid_block_add_attention =
        find(weights, key(prefix, "encoder.mid_block.attentions.0.group_norm.weight")) != nullptr;
    config.use_quant_conv = find(weights, key(prefix, "quant_conv.weight")) != nullptr;
    config.use_post_quant_conv = find(weights, key(prefix, "post_quant_conv.weight")) != nullptr;
    config.validate();
    return config;
}

}  // namespace ds
