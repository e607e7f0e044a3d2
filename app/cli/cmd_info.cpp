// `info`: what a Stable Diffusion model on disk is, as the loader understood it: layout, detected
// version, the networks with their parameter counts and stored dtypes, the sampler defaults, and the
// notes on what was assumed, ignored or missing. Loading it fully is the check that it works.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/tokenizers/clip_tokenizer.h"

namespace ds::cli {
namespace {

// 3222692 -> "3,222,692"
std::string grouped(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return (n < 0 ? "-" : "") + digits;
}

std::string padded(std::string s, size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}

std::string right_aligned(const std::string& s, size_t width) {
    return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

std::string join(const std::vector<int64_t>& values) {
    std::string out;
    for (int64_t v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
}

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", v);
    return buffer;
}

// `info PATH`: the one positional argument, taken out before the options are parsed.
std::string take_path(std::vector<std::string>& args) {
    std::vector<std::string> positional;
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool is_option = a.rfind("--", 0) == 0 && a.size() > 2;
        if (a == "-h" || a == "--help" || is_option) {
            rest.push_back(a);
            // An option's separate value is not the path ("--tokenizer DIR").
            if (is_option && a.find('=') == std::string::npos && a != "--help" && i + 1 < args.size() &&
                args[i + 1].rfind("--", 0) != 0)
                rest.push_back(args[++i]);
            continue;
        }
        positional.push_back(a);
    }
    args = rest;
    if (positional.size() > 1)
        throw UsageError("unexpected argument '" + positional[1] + "' (info takes one PATH)");
    return positional.empty() ? std::string() : positional[0];
}

}  // namespace

ArgParser info_parser() {
    ArgParser p(
        "info PATH [--tokenizer DIR]",
        "Loads the Stable Diffusion model at PATH (a diffusers folder or a single-file .safetensors\n"
        "checkpoint) and describes it: layout, version, parameters and stored dtypes of each network,\n"
        "sampler defaults, and notes on what was assumed or ignored. Pickles (.ckpt, ...) are refused.");
    p.option("tokenizer", "DIR",
             "CLIP tokenizer folder (vocab.json, merges.txt) for a single-file checkpoint");
    return p;
}

int run_info(const std::vector<std::string>& arguments) {
    ArgParser p = info_parser();
    std::vector<std::string> args = arguments;
    const std::string path = take_path(args);
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    if (path.empty()) throw UsageError("missing PATH: the model folder or .safetensors file to describe");
    ModelLoadOptions options;
    if (p.has("tokenizer")) options.tokenizer_dir = p.value("tokenizer");
    const StableDiffusionModel m = load_stable_diffusion(path, options);

    std::string text;
    text += "path: " + path + "\n";
    text += "name: " + m.name + "\n";
    text += "layout: " + layout_name(m.layout) + "\n";
    text += "version: " + m.version + "\n";
    text += "networks:\n";
    int64_t total = 0;
    for (const ComponentInfo& c : m.components) {
        text += "  " + padded(c.name, 14) + right_aligned(grouped(c.parameters), 13) +
                " parameters  stored as " + c.dtypes + "\n";
        total += c.parameters;
    }
    text += "  " + padded("total", 14) + right_aligned(grouped(total), 13) + " parameters\n";
    if (m.text_encoder) {
        const ClipTextConfig& c = m.text_encoder->config();
        text += "text encoder: CLIP, " + std::to_string(c.num_layers) + " layers, hidden " +
                std::to_string(c.hidden_size) + ", " + std::to_string(c.num_heads) + " heads, " +
                (c.activation == ClipActivation::Gelu ? "gelu" : "quick_gelu") + ", clip skip " +
                std::to_string(m.clip_skip) + "\n";
    }
    if (m.tokenizer)
        text += "tokenizer: " + std::to_string(m.tokenizer->vocab_size()) + " tokens, max length " +
                std::to_string(m.tokenizer->model_max_length()) + "\n";
    if (m.unet) {
        const UNetConfig& c = m.unet->config();
        text += "unet: channels " + join(c.block_out_channels) + ", cross-attention " +
                join(c.cross_attention_dim) + ", " + (c.use_linear_projection ? "linear" : "conv") +
                " projections\n";
    }
    if (m.vae) {
        const AutoencoderConfig& c = m.vae->config();
        text += "vae: channels " + join(c.block_out_channels) + ", " + std::to_string(c.latent_channels) +
                " latent channels, downsampling " + std::to_string(c.downsample_factor()) +
                ", scaling factor " + number(m.vae_scaling_factor) + "\n";
    }
    const SamplerConfig& s = m.sampler;
    text += "prediction: " + prediction_type_name(s.prediction) + "\n";
    text += "schedule: " + schedule_kind_name(s.schedule.kind) + ", " + std::to_string(s.schedule.timesteps) +
            " training steps";
    if (s.schedule.beta_start && s.schedule.beta_end)
        text += ", betas " + number(*s.schedule.beta_start) + ".." + number(*s.schedule.beta_end);
    if (s.schedule.zero_terminal_snr) text += ", zero terminal SNR";
    text += ", steps offset " + std::to_string(s.steps_offset) + ", spacing " +
            (s.spacing ? timestep_spacing_name(*s.spacing) : std::string("sampler default")) + "\n";
    text += "notes:\n";
    if (m.notes.empty()) text += "  (none)\n";
    for (const std::string& note : m.notes) text += "  - " + note + "\n";
    write_stdout(text);
    return 0;
}

}  // namespace ds::cli
