#include "core/checkpoint/ldm_key_map.h"

#include <ATen/ATen.h>

#include <regex>
#include <utility>
#include <vector>

namespace ds {
namespace {

const std::string kUnetPrefix = "model.diffusion_model.";
const std::string kVaePrefix = "first_stage_model.";
const std::string kClipPrefix = "cond_stage_model.transformer.";
const std::string kOpenClipPrefix = "cond_stage_model.model.";

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
    return s;
}

// ResBlock internals: LDM's Sequential indices to diffusers' names.
std::string unet_resnet_part(const std::string& rest) {
    static const std::vector<std::pair<std::string, std::string>> parts = {
        {"in_layers.0.", "norm1."},   {"in_layers.2.", "conv1."},      {"emb_layers.1.", "time_emb_proj."},
        {"out_layers.0.", "norm2."},  {"out_layers.3.", "conv2."},     {"skip_connection.", "conv_shortcut."},
    };
    for (const auto& [from, to] : parts) {
        if (starts_with(rest, from)) return to + rest.substr(from.size());
    }
    return "";
}

std::string vae_resnet_part(const std::string& rest) {
    if (starts_with(rest, "nin_shortcut.")) return "conv_shortcut." + rest.substr(13);
    return rest;  // norm1, conv1, norm2, conv2 keep their names
}

std::string vae_attention_part(const std::string& rest) {
    static const std::vector<std::pair<std::string, std::string>> parts = {
        {"norm.", "group_norm."}, {"q.", "to_q."}, {"k.", "to_k."}, {"v.", "to_v."}, {"proj_out.", "to_out.0."},
    };
    for (const auto& [from, to] : parts) {
        if (starts_with(rest, from)) return to + rest.substr(from.size());
    }
    return "";
}

}  // namespace

std::string ldm_unet_key_to_diffusers(const std::string& key, int L) {
    static const std::regex input(R"(input_blocks\.(\d+)\.(\d+)\.(.*))");
    static const std::regex middle(R"(middle_block\.(\d+)\.(.*))");
    static const std::regex output(R"(output_blocks\.(\d+)\.(\d+)\.(.*))");
    std::smatch m;
    if (starts_with(key, "time_embed.0.")) return "time_embedding.linear_1." + key.substr(13);
    if (starts_with(key, "time_embed.2.")) return "time_embedding.linear_2." + key.substr(13);
    if (starts_with(key, "out.0.")) return "conv_norm_out." + key.substr(6);
    if (starts_with(key, "out.2.")) return "conv_out." + key.substr(6);
    if (std::regex_match(key, m, input)) {
        const int block = std::stoi(m[1]), layer = std::stoi(m[2]);
        const std::string rest = m[3];
        if (block == 0) return layer == 0 ? "conv_in." + rest : "";
        const int level = (block - 1) / (L + 1);
        const int j = (block - 1) % (L + 1);
        const std::string base = "down_blocks." + std::to_string(level) + ".";
        if (j == L) {  // the downsampler closes each level
            return starts_with(rest, "op.") ? base + "downsamplers.0.conv." + rest.substr(3) : "";
        }
        if (layer == 0) {
            const std::string part = unet_resnet_part(rest);
            return part.empty() ? "" : base + "resnets." + std::to_string(j) + "." + part;
        }
        return base + "attentions." + std::to_string(j) + "." + rest;
    }
    if (std::regex_match(key, m, middle)) {
        const int index = std::stoi(m[1]);
        const std::string rest = m[2];
        if (index == 1) return "mid_block.attentions.0." + rest;
        const std::string part = unet_resnet_part(rest);
        return part.empty() ? "" : "mid_block.resnets." + std::to_string(index / 2) + "." + part;
    }
    if (std::regex_match(key, m, output)) {
        const int block = std::stoi(m[1]), layer = std::stoi(m[2]);
        const std::string rest = m[3];
        const std::string base = "up_blocks." + std::to_string(block / (L + 1)) + ".";
        const int j = block % (L + 1);
        if (layer == 0) {
            const std::string part = unet_resnet_part(rest);
            return part.empty() ? "" : base + "resnets." + std::to_string(j) + "." + part;
        }
        // An upsampler ("conv" directly under it) sits after the attention when the level has one.
        if (starts_with(rest, "conv.")) return base + "upsamplers.0." + rest;
        return base + "attentions." + std::to_string(j) + "." + rest;
    }
    return "";
}

std::string ldm_vae_key_to_diffusers(const std::string& key, int levels) {
    static const std::regex down(R"(encoder\.down\.(\d+)\.(block|downsample)\.?(\d*)\.?(.*))");
    static const std::regex up(R"(decoder\.up\.(\d+)\.(block|upsample)\.?(\d*)\.?(.*))");
    static const std::regex mid(R"((encoder|decoder)\.mid\.(block_1|block_2|attn_1)\.(.*))");
    std::smatch m;
    for (const char* side : {"encoder.", "decoder."}) {
        const std::string s = side;
        if (starts_with(key, s + "conv_in.") || starts_with(key, s + "conv_out.")) return key;
        if (starts_with(key, s + "norm_out.")) return s + "conv_norm_out." + key.substr(s.size() + 9);
    }
    if (starts_with(key, "quant_conv.") || starts_with(key, "post_quant_conv.")) return key;
    if (std::regex_match(key, m, down)) {
        const std::string base = "encoder.down_blocks." + std::string(m[1]) + ".";
        if (m[2] == "downsample") return base + "downsamplers.0." + std::string(m[4]);
        return base + "resnets." + std::string(m[3]) + "." + vae_resnet_part(m[4]);
    }
    if (std::regex_match(key, m, up)) {
        // LDM counts decoder levels from the lowest resolution; diffusers from the highest.
        const std::string base = "decoder.up_blocks." + std::to_string(levels - 1 - std::stoi(m[1])) + ".";
        if (m[2] == "upsample") return base + "upsamplers.0." + std::string(m[4]);
        return base + "resnets." + std::string(m[3]) + "." + vae_resnet_part(m[4]);
    }
    if (std::regex_match(key, m, mid)) {
        const std::string base = std::string(m[1]) + ".mid_block.";
        if (m[2] == "block_1") return base + "resnets.0." + vae_resnet_part(m[3]);
        if (m[2] == "block_2") return base + "resnets.1." + vae_resnet_part(m[3]);
        const std::string part = vae_attention_part(m[3]);
        return part.empty() ? "" : base + "attentions.0." + part;
    }
    return "";
}

namespace {

// OpenCLIP (SD 2.x) text tower to transformers' CLIPTextModel names; the fused in-projection is split.
void convert_open_clip(const std::string& rest, const at::Tensor& t, std::map<std::string, at::Tensor>& out,
                       std::vector<std::string>& ignored, const std::string& original) {
    static const std::regex block(R"(transformer\.resblocks\.(\d+)\.(.*))");
    std::smatch m;
    if (rest == "token_embedding.weight") {
        out["text_model.embeddings.token_embedding.weight"] = t;
    } else if (rest == "positional_embedding") {
        out["text_model.embeddings.position_embedding.weight"] = t;
    } else if (starts_with(rest, "ln_final.")) {
        out["text_model.final_layer_norm." + rest.substr(9)] = t;
    } else if (std::regex_match(rest, m, block)) {
        const std::string base = "text_model.encoder.layers." + std::string(m[1]) + ".";
        const std::string part = m[2];
        if (part == "attn.in_proj_weight" || part == "attn.in_proj_bias") {
            const std::string kind = part == "attn.in_proj_weight" ? "weight" : "bias";
            const auto chunks = t.chunk(3, 0);
            out[base + "self_attn.q_proj." + kind] = chunks[0];
            out[base + "self_attn.k_proj." + kind] = chunks[1];
            out[base + "self_attn.v_proj." + kind] = chunks[2];
        } else {
            std::string name = part;
            name = replace_all(name, "attn.out_proj.", "self_attn.out_proj.");
            name = replace_all(name, "ln_1.", "layer_norm1.");
            name = replace_all(name, "ln_2.", "layer_norm2.");
            name = replace_all(name, "mlp.c_fc.", "mlp.fc1.");
            name = replace_all(name, "mlp.c_proj.", "mlp.fc2.");
            out[base + name] = t;
        }
    } else {
        ignored.push_back(original);  // text_projection, logit_scale: not used for conditioning
    }
}

}  // namespace

LdmConversion convert_ldm_checkpoint(const std::map<std::string, at::Tensor>& tensors, int L, int vae_levels) {
    LdmConversion out;
    for (const auto& [name, tensor] : tensors) {
        if (starts_with(name, kUnetPrefix)) {
            const std::string mapped = ldm_unet_key_to_diffusers(name.substr(kUnetPrefix.size()), L);
            if (mapped.empty()) out.ignored.push_back(name);
            else out.unet[mapped] = tensor;
        } else if (starts_with(name, kVaePrefix)) {
            const std::string mapped = ldm_vae_key_to_diffusers(name.substr(kVaePrefix.size()), vae_levels);
            if (mapped.empty()) {
                out.ignored.push_back(name);
            } else {
                // The LDM VAE stores its attention projections as 1x1 convolutions.
                const bool attn_proj = mapped.find(".attentions.0.to_") != std::string::npos && tensor.dim() == 4;
                out.vae[mapped] = attn_proj ? tensor.flatten(1) : tensor;
            }
        } else if (starts_with(name, kClipPrefix)) {
            std::string rest = name.substr(kClipPrefix.size());
            if (!starts_with(rest, "text_model.")) rest = "text_model." + rest;  // pre-4.x transformers layout
            if (rest == "text_model.embeddings.position_ids") {
                out.ignored.push_back(name);  // a buffer, stored as int or float in the wild
            } else {
                out.text_encoder[rest] = tensor;
            }
        } else if (starts_with(name, kOpenClipPrefix)) {
            out.open_clip = true;
            convert_open_clip(name.substr(kOpenClipPrefix.size()), tensor, out.text_encoder, out.ignored, name);
        } else {
            out.ignored.push_back(name);
        }
    }
    return out;
}

}  // namespace ds
