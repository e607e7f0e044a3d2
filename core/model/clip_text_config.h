#pragma once
// Size and behaviour of a CLIP text transformer (transformers' CLIPTextModel): SD 1.x uses OpenAI's
// ViT-L/14 text tower (the defaults below), SD 2.x OpenCLIP ViT-H (hidden 1024, 16 heads, 4096 MLP,
// gelu). The config comes from a transformers config.json or, for single-file checkpoints that carry
// none, is inferred from the weight shapes.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ds {

class WeightMap;

struct ClipTextConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class ClipActivation {
    QuickGelu,  // x * sigmoid(1.702 x): OpenAI CLIP ("quick_gelu")
    Gelu,       // exact erf GELU: OpenCLIP ("gelu")
};

struct ClipTextConfig {
    int64_t vocab_size = 49408;
    int64_t hidden_size = 768;
    int64_t intermediate_size = 3072;
    int64_t num_layers = 12;
    int64_t num_heads = 12;
    int64_t max_positions = 77;
    double layer_norm_eps = 1e-5;
    ClipActivation activation = ClipActivation::QuickGelu;
    // SD 1.x/2.x configs say 2 (a legacy value, not the tokenizer's 49407); transformers then pools at
    // argmax(input_ids) instead of at the first eos token (see ClipTextOutput::pooler_output).
    int64_t eos_token_id = 2;
    int64_t bos_token_id = 0;
    int64_t pad_token_id = 1;

    int64_t head_dim() const { return hidden_size / num_heads; }
    // Throws ClipTextConfigError when a size is not positive or hidden_size % num_heads != 0.
    void validate() const;
    bool operator==(const ClipTextConfig& other) const;
    bool operator!=(const ClipTextConfig& other) const { return !(*this == other); }
};

// Reads a transformers config.json: a CLIPTextConfig ("model_type": "clip_text_model"), or a full
// CLIPConfig whose "text_config" object is used. Keys it lacks take transformers' CLIPTextConfig
// defaults (hidden 512, 8 heads, eos 49407, ...), as from_pretrained would. Throws
// ClipTextConfigError on malformed JSON, wrong value types, an unsupported hidden_act or invalid sizes.
ClipTextConfig parse_clip_text_config(const std::string& json_text);
// parse_clip_text_config of the file's contents; the error names the file.
ClipTextConfig load_clip_text_config(const std::string& path);

// Infers the config from weights under `prefix` (canonical transformers names): vocab/hidden from the
// token embedding, max_positions from the position embedding, num_layers from the highest
// encoder.layers.N, intermediate_size from layer 0's mlp.fc1. What shapes cannot tell:
//  - num_heads: `num_heads` when > 0; else head dim 64 (every released CLIP text tower) when
//    hidden_size % 64 == 0; else head dim 8 (toy models such as the sd-tiny fixture);
//  - activation: Gelu for hidden_size >= 1024 (OpenCLIP ViT-H/bigG), QuickGelu below (OpenAI CLIP);
//  - layer_norm_eps 1e-5 and token ids 0/1/2 as in SD 1.x/2.x text encoder configs.
// Throws ClipTextConfigError naming the missing embedding/layer weights.
ClipTextConfig infer_clip_text_config(const WeightMap& weights, const std::string& prefix = "text_model",
                                      int64_t num_heads = 0);

const char* to_string(ClipActivation activation);

}  // namespace ds
