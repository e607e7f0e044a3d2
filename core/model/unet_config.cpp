#include "core/model/unet_config.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "core/model/weights.h"

namespace ds {
namespace {

using nlohmann::json;

// A one-value-or-per-block list's entry for `block`.
int64_t per_block(const std::vector<int64_t>& values, size_t block, const char* name) {
    if (values.empty()) throw UNetConfigError(std::string("UNet config: ") + name + " is empty");
    if (values.size() == 1) return values[0];
    if (block >= values.size()) {
        throw UNetConfigError(std::string("UNet config: ") + name + " has no entry for block " + std::to_string(block));
    }
    return values[block];
}

bool is_cross_attn_down(const std::string& type) { return type == "CrossAttnDownBlock2D"; }
bool is_cross_attn_up(const std::string& type) { return type == "CrossAttnUpBlock2D"; }

// `key` as an int, or as a list of ints; null keeps `fallback`.
std::vector<int64_t> int_or_list(const json& j, const char* key, std::vector<int64_t> fallback) {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    const json& v = j[key];
    if (v.is_number_integer()) return {v.get<int64_t>()};
    if (v.is_array()) {
        std::vector<int64_t> out;
        for (const json& e : v) {
            if (!e.is_number_integer()) {
                throw UNetConfigError(std::string("UNet config: ") + key + " must be an integer or a list of integers");
            }
            out.push_back(e.get<int64_t>());
        }
        if (out.empty()) throw UNetConfigError(std::string("UNet config: ") + key + " is an empty list");
        return out;
    }
    throw UNetConfigError(std::string("UNet config: ") + key + " must be an integer or a list of integers");
}

template <typename T>
T value_or(const json& j, const char* key, T fallback) {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    try {
        return j[key].get<T>();
    } catch (const json::exception&) {
        throw UNetConfigError(std::string("UNet config: ") + key + " has the wrong type");
    }
}

// Keys whose non-default values select architecture variants this UNet does not implement.
void reject_unsupported(const json& j) {
    auto require = [&](const char* key, const json& allowed, const char* what) {
        if (!j.contains(key) || j[key].is_null() || j[key] == allowed) return;
        if (allowed.is_boolean() && j[key].is_array()) {  // per-block booleans, e.g. only_cross_attention
            bool all = true;
            for (const json& e : j[key]) all = all && e == allowed;
            if (all) return;
        }
        throw UNetConfigError(std::string("UNet config: ") + key + " = " + j[key].dump() + " is not supported (" +
                              what + ")");
    };
    const json null_value;
    require("class_embed_type", null_value, "class embeddings");
    require("num_class_embeds", null_value, "class embeddings");
    require("addition_embed_type", null_value, "SDXL-style added embeddings");
    require("encoder_hid_dim", null_value, "encoder hidden-state projection");
    require("encoder_hid_dim_type", null_value, "encoder hidden-state projection");
    require("time_cond_proj_dim", null_value, "timestep condition");
    require("timestep_post_act", null_value, "time embedding post-activation");
    require("time_embedding_act_fn", null_value, "time embedding activation");
    require("cross_attention_norm", null_value, "cross-attention norm");
    require("reverse_transformer_layers_per_block", null_value, "nested transformer depths");
    require("time_embedding_type", "positional", "only sinusoidal time embeddings");
    require("act_fn", "silu", "only SiLU");
    require("resnet_time_scale_shift", "default", "only additive time embedding in resnets");
    require("attention_type", "default", "only default attention");
    require("only_cross_attention", false, "self-attention required");
    require("dual_cross_attention", false, "dual cross-attention");
    require("class_embeddings_concat", false, "class embeddings");
    require("resnet_skip_time_act", false, "resnet time activation");
    require("mid_block_only_cross_attention", false, "mid block self-attention required");
    if (j.contains("resnet_out_scale_factor") && !j["resnet_out_scale_factor"].is_null() &&
        j["resnet_out_scale_factor"] != 1.0 && j["resnet_out_scale_factor"] != 1) {
        throw UNetConfigError("UNet config: resnet_out_scale_factor other than 1 is not supported");
    }
    if (j.contains("mid_block_scale_factor") && !j["mid_block_scale_factor"].is_null() &&
        j["mid_block_scale_factor"] != 1.0 && j["mid_block_scale_factor"] != 1) {
        throw UNetConfigError("UNet config: mid_block_scale_factor other than 1 is not supported");
    }
}

std::vector<std::string> string_list(const json& j, const char* key, std::vector<std::string> fallback) {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    std::vector<std::string> out;
    if (!j[key].is_array()) throw UNetConfigError(std::string("UNet config: ") + key + " must be a list of names");
    for (const json& e : j[key]) {
        if (!e.is_string()) throw UNetConfigError(std::string("UNet config: ") + key + " must be a list of names");
        out.push_back(e.get<std::string>());
    }
    return out;
}

// Largest N + 1 over names "<base>.N.*" under the weights (0 when none).
int count_indexed(const WeightMap& w, const std::string& base) {
    const std::string head = base + ".";
    int count = 0;
    for (auto it = w.tensors().lower_bound(head); it != w.tensors().end(); ++it) {
        const std::string& name = it->first;
        if (name.compare(0, head.size(), head) != 0) break;
        size_t pos = head.size();
        int index = 0;
        bool digits = false;
        while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9') {
            index = index * 10 + (name[pos] - '0');
            ++pos;
            digits = true;
        }
        if (digits && pos < name.size() && name[pos] == '.') count = std::max(count, index + 1);
    }
    return count;
}

const at::Tensor& require_tensor(const WeightMap& w, const std::string& name) {
    auto it = w.tensors().find(name);
    if (it == w.tensors().end()) throw WeightError("UNet: cannot infer the config: weight " + name + " is missing");
    return it->second;
}

}  // namespace

int64_t UNetConfig::layers(size_t block) const { return per_block(layers_per_block, block, "layers_per_block"); }

int64_t UNetConfig::heads(size_t block) const {
    if (!num_attention_heads.empty()) return per_block(num_attention_heads, block, "num_attention_heads");
    return per_block(attention_head_dim, block, "attention_head_dim");
}

int64_t UNetConfig::cross_dim(size_t block) const {
    return per_block(cross_attention_dim, block, "cross_attention_dim");
}

int64_t UNetConfig::transformer_layers(size_t block) const {
    return per_block(transformer_layers_per_block, block, "transformer_layers_per_block");
}

bool UNetConfig::down_has_attention(size_t block) const { return is_cross_attn_down(down_block_types.at(block)); }
bool UNetConfig::up_has_attention(size_t up_block) const { return is_cross_attn_up(up_block_types.at(up_block)); }

void UNetConfig::validate() const {
    auto fail = [](const std::string& msg) { throw UNetConfigError("UNet config: " + msg); };
    const size_t n = num_blocks();
    if (n == 0) fail("block_out_channels is empty");
    if (in_channels <= 0 || out_channels <= 0) fail("in_channels and out_channels must be positive");
    if (down_block_types.size() != n) fail("down_block_types must have one entry per block_out_channels entry");
    if (up_block_types.size() != n) fail("up_block_types must have one entry per block_out_channels entry");
    for (const auto& t : down_block_types) {
        if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D") fail("unsupported down block type '" + t + "'");
    }
    for (const auto& t : up_block_types) {
        if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D") fail("unsupported up block type '" + t + "'");
    }
    if (!mid_block_type.empty() && mid_block_type != "UNetMidBlock2DCrossAttn") {
        fail("unsupported mid_block_type '" + mid_block_type + "'");
    }
    auto check_list = [&](const std::vector<int64_t>& v, const char* name, bool may_be_empty) {
        if (v.empty() && may_be_empty) return;
        if (v.size() != 1 && v.size() != n) fail(std::string(name) + " must be one value or one per block");
        for (int64_t x : v) {
            if (x <= 0) fail(std::string(name) + " must be positive");
        }
    };
    check_list(layers_per_block, "layers_per_block", false);
    check_list(cross_attention_dim, "cross_attention_dim", false);
    check_list(transformer_layers_per_block, "transformer_layers_per_block", false);
    check_list(attention_head_dim, "attention_head_dim", false);
    check_list(num_attention_heads, "num_attention_heads", true);
    if (norm_num_groups <= 0) fail("norm_num_groups must be positive");
    if (!(norm_eps > 0)) fail("norm_eps must be positive");
    if (downsample_padding < 0) fail("downsample_padding must not be negative");
    if (conv_in_kernel <= 0 || conv_in_kernel % 2 == 0 || conv_out_kernel <= 0 || conv_out_kernel % 2 == 0) {
        fail("conv_in_kernel and conv_out_kernel must be odd and positive");
    }
    if (time_embedding_dim < 0) fail("time_embedding_dim must be positive");
    for (size_t i = 0; i < n; ++i) {
        const int64_t c = block_out_channels[i];
        if (c <= 0) fail("block_out_channels must be positive");
        if (c % norm_num_groups != 0) {
            fail("block_out_channels[" + std::to_string(i) + "] = " + std::to_string(c) +
                 " is not divisible by norm_num_groups " + std::to_string(norm_num_groups));
        }
        const bool attention = down_has_attention(i) || up_has_attention(n - 1 - i) ||
                               (i == n - 1 && !mid_block_type.empty());
        if (attention && c % heads(i) != 0) {
            fail("block_out_channels[" + std::to_string(i) + "] = " + std::to_string(c) + " is not divisible by its " +
                 std::to_string(heads(i)) + " attention heads");
        }
    }
}

bool UNetConfig::operator==(const UNetConfig& o) const {
    return in_channels == o.in_channels && out_channels == o.out_channels &&
           center_input_sample == o.center_input_sample && flip_sin_to_cos == o.flip_sin_to_cos &&
           freq_shift == o.freq_shift && down_block_types == o.down_block_types &&
           mid_block_type == o.mid_block_type && up_block_types == o.up_block_types &&
           block_out_channels == o.block_out_channels && layers_per_block == o.layers_per_block &&
           downsample_padding == o.downsample_padding && norm_num_groups == o.norm_num_groups &&
           norm_eps == o.norm_eps && cross_attention_dim == o.cross_attention_dim &&
           transformer_layers_per_block == o.transformer_layers_per_block &&
           attention_head_dim == o.attention_head_dim && num_attention_heads == o.num_attention_heads &&
           use_linear_projection == o.use_linear_projection && time_embed_dim() == o.time_embed_dim() &&
           conv_in_kernel == o.conv_in_kernel && conv_out_kernel == o.conv_out_kernel;
}

UNetConfig parse_unet_config(const std::string& json_text) {
    json j;
    try {
        j = json::parse(json_text);
    } catch (const json::exception& e) {
        throw UNetConfigError(std::string("UNet config: malformed JSON: ") + e.what());
    }
    if (!j.is_object()) throw UNetConfigError("UNet config: expected a JSON object");
    const std::string class_name = value_or<std::string>(j, "_class_name", "UNet2DConditionModel");
    if (class_name != "UNet2DConditionModel") {
        throw UNetConfigError("UNet config: _class_name is '" + class_name + "', expected UNet2DConditionModel");
    }
    reject_unsupported(j);

    UNetConfig c;
    c.in_channels = value_or<int64_t>(j, "in_channels", c.in_channels);
    c.out_channels = value_or<int64_t>(j, "out_channels", c.out_channels);
    c.center_input_sample = value_or<bool>(j, "center_input_sample", c.center_input_sample);
    c.flip_sin_to_cos = value_or<bool>(j, "flip_sin_to_cos", c.flip_sin_to_cos);
    c.freq_shift = value_or<double>(j, "freq_shift", c.freq_shift);
    c.down_block_types = string_list(j, "down_block_types", c.down_block_types);
    c.up_block_types = string_list(j, "up_block_types", c.up_block_types);
    // An explicit null means "no mid block"; a missing key means the default.
    if (j.contains("mid_block_type")) c.mid_block_type = value_or<std::string>(j, "mid_block_type", "");
    c.block_out_channels = int_or_list(j, "block_out_channels", c.block_out_channels);
    c.layers_per_block = int_or_list(j, "layers_per_block", c.layers_per_block);
    c.downsample_padding = value_or<int64_t>(j, "downsample_padding", c.downsample_padding);
    c.norm_num_groups = value_or<int64_t>(j, "norm_num_groups", c.norm_num_groups);
    c.norm_eps = value_or<double>(j, "norm_eps", c.norm_eps);
    c.cross_attention_dim = int_or_list(j, "cross_attention_dim", c.cross_attention_dim);
    c.transformer_layers_per_block = int_or_list(j, "transformer_layers_per_block", c.transformer_layers_per_block);
    c.attention_head_dim = int_or_list(j, "attention_head_dim", c.attention_head_dim);
    c.num_attention_heads = int_or_list(j, "num_attention_heads", {});
    c.use_linear_projection = value_or<bool>(j, "use_linear_projection", c.use_linear_projection);
    c.upcast_attention = value_or<bool>(j, "upcast_attention", c.upcast_attention);
    c.time_embedding_dim = value_or<int64_t>(j, "time_embedding_dim", 0);
    c.conv_in_kernel = value_or<int64_t>(j, "conv_in_kernel", c.conv_in_kernel);
    c.conv_out_kernel = value_or<int64_t>(j, "conv_out_kernel", c.conv_out_kernel);
    if (j.contains("sample_size") && j["sample_size"].is_number_integer()) c.sample_size = j["sample_size"].get<int64_t>();
    c.validate();
    return c;
}

UNetConfig load_unet_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UNetConfigError("UNet config: cannot open " + path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_unet_config(text);
    } catch (const UNetConfigError& e) {
        throw UNetConfigError(path + ": " + e.what());
    }
}

UNetConfig infer_unet_config(const WeightMap& w, const std::string& prefix, UNetHeads heads) {
    if (heads.count <= 0 && heads.width <= 0) {
        throw UNetConfigError("UNet config: inferring from weights needs a head count or a head width");
    }
    auto name = [&](const std::string& rest) { return key(prefix, rest); };
    UNetConfig c;
    const at::Tensor& conv_in = require_tensor(w, name("conv_in.weight"));
    const at::Tensor& conv_out = require_tensor(w, name("conv_out.weight"));
    const at::Tensor& linear_1 = require_tensor(w, name("time_embedding.linear_1.weight"));
    if (conv_in.dim() != 4 || conv_out.dim() != 4 || linear_1.dim() != 2) {
        throw WeightError("UNet: cannot infer the config: conv_in/conv_out/time_embedding have unexpected ranks");
    }
    c.in_channels = conv_in.size(1);
    c.conv_in_kernel = conv_in.size(2);
    c.out_channels = conv_out.size(0);
    c.conv_out_kernel = conv_out.size(2);

    const int blocks = count_indexed(w, name("down_blocks"));
    if (blocks == 0) throw WeightError("UNet: cannot infer the config: no down_blocks.* weights");
    c.block_out_channels.clear();
    c.down_block_types.clear();
    c.up_block_types.assign(static_cast<size_t>(blocks), "UpBlock2D");
    c.layers_per_block.clear();
    c.cross_attention_dim.clear();
    c.transformer_layers_per_block.clear();
    c.attention_head_dim.clear();
    bool any_linear = false;
    int64_t context_dim = 0;
    for (int i = 0; i < blocks; ++i) {
        const std::string block = key(name("down_blocks"), i);
        const at::Tensor& conv1 = require_tensor(w, key(block, "resnets.0.conv1.weight"));
        const int64_t channels = conv1.size(0);
        c.block_out_channels.push_back(channels);
        c.layers_per_block.push_back(count_indexed(w, key(block, "resnets")));
        const bool attention = count_indexed(w, key(block, "attentions")) > 0;
        c.down_block_types.push_back(attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
        int64_t depth = 1;
        if (attention) {
            const std::string attn = key(block, "attentions.0");
            depth = count_indexed(w, key(attn, "transformer_blocks"));
            any_linear = require_tensor(w, key(attn, "proj_in.weight")).dim() == 2;
            context_dim = require_tensor(w, key(attn, "transformer_blocks.0.attn2.to_k.weight")).size(1);
        }
        c.transformer_layers_per_block.push_back(depth);
        int64_t n_heads = heads.count;
        if (n_heads <= 0) {
            n_heads = channels % heads.width == 0 ? channels / heads.width : 1;
            if (attention && channels % heads.width != 0) {
                throw UNetConfigError("UNet config: block channels " + std::to_string(channels) +
                                      " are not a multiple of the head width " + std::to_string(heads.width));
            }
        }
        c.attention_head_dim.push_back(n_heads);
    }
    for (int i = 0; i < blocks; ++i) {
        if (count_indexed(w, key(key(name("up_blocks"), i), "attentions")) > 0) {
            c.up_block_types[static_cast<size_t>(i)] = "CrossAttnUpBlock2D";
        }
    }
    const bool mid_attention = count_indexed(w, name("mid_block.attentions")) > 0;
    if (count_indexed(w, name("mid_block.resnets")) == 0) {
        c.mid_block_type.clear();
    } else if (mid_attention) {
        const std::string attn = name("mid_block.attentions.0");
        any_linear = require_tensor(w, key(attn, "proj_in.weight")).dim() == 2;
        context_dim = require_tensor(w, key(attn, "transformer_blocks.0.attn2.to_k.weight")).size(1);
        // The mid block's depth is transformer_layers_per_block[-1]; keep it when the last down block has none.
        c.transformer_layers_per_block.back() = count_indexed(w, key(attn, "transformer_blocks"));
    } else {
        throw WeightError("UNet: cannot infer the config: a mid block without attention is not supported");
    }
    if (context_dim == 0) throw WeightError("UNet: cannot infer the config: no cross-attention weights");
    c.cross_attention_dim = {context_dim};
    c.use_linear_projection = any_linear;
    // Collapse per-block lists whose entries agree, as the released configs write them.
    for (auto* list : {&c.layers_per_block, &c.transformer_layers_per_block, &c.attention_head_dim}) {
        if (std::set<int64_t>(list->begin(), list->end()).size() == 1) list->resize(1);
    }
    const int64_t embed = linear_1.size(0);
    c.time_embedding_dim = embed == 4 * c.block_out_channels[0] ? 0 : embed;
    c.validate();
    return c;
}

}  // namespace ds
