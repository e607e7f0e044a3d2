#pragma once
// The CLIP text transformer that conditions Stable Diffusion: transformers' CLIPTextModel
// (Radford et al. 2021, "Learning Transferable Visual Models From Natural Language Supervision", §2.4):
// token + position embeddings, pre-norm transformer layers with causal self-attention, final
// LayerNorm. SD 1.x (OpenAI ViT-L/14) and SD 2.x (OpenCLIP ViT-H) differ only in the config. SD
// pipelines pass no attention mask, so only the causal mask is applied.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/model/clip_text_config.h"
#include "core/model/layers.h"
#include "core/model/weights.h"

namespace ds {

struct ClipTextOutput {
    at::Tensor last_hidden_state;         // [B, L, hidden], after final_layer_norm (SD 1.x conditioning)
    at::Tensor penultimate_hidden_state;  // hidden_states[-2], before final_layer_norm
    at::Tensor embeddings_output;         // token + position embeddings (hidden_states[0])
    // [B, hidden]: last_hidden_state at argmax(input_ids) when eos_token_id == 2 (the legacy rule of
    // SD's configs), otherwise at the first position holding eos_token_id (position 0 if none).
    at::Tensor pooler_output;
    std::vector<at::Tensor> hidden_states;  // num_layers + 1: the embeddings, then each layer's output
    int clip_skip = 1;                      // the forward() argument; conditioning() uses it
    LayerNorm final_layer_norm;             // the model's, applied by conditioning()

    // The UNet's encoder_hidden_states. clip_skip = 1: last_hidden_state; clip_skip = k > 1:
    // final_layer_norm(hidden_states[-k]), i.e. the last k - 1 layers skipped (the A1111 numbering;
    // diffusers' pipeline argument clip_skip = k - 1 gives the same tensor). SD 2.x's OpenCLIP
    // conditioning is the penultimate layer with the final norm: clip_skip = 2 on the 24-layer tower,
    // or clip_skip = 1 on the 23-layer diffusers export, which already dropped the last layer.
    // Throws std::invalid_argument unless 1 <= clip_skip <= num_layers.
    at::Tensor conditioning(int clip_skip) const;
    at::Tensor conditioning() const { return conditioning(clip_skip); }
};

class ClipTextModel {
public:
    // Builds the model from weights named "<prefix>.embeddings.token_embedding.weight",
    // "<prefix>.encoder.layers.N.self_attn.q_proj.weight", ... (transformers' names; an
    // "<prefix>.embeddings.position_ids" buffer, int or float, is accepted and ignored). All weights
    // become float32. Throws WeightError listing every missing, wrongly shaped or unexpected tensor
    // under prefix, ClipTextConfigError for an invalid config.
    static ClipTextModel load(const ClipTextConfig& config, const WeightMap& weights,
                              const std::string& prefix = "text_model");
    // A transformers/diffusers text_encoder folder: config.json + model.safetensors.
    static ClipTextModel load_folder(const std::string& folder);

    // input_ids: [B, L] integer token ids, 1 <= L <= max_positions (SD uses L = 77). The outputs are
    // float32 on the device of the weights and ids. Throws std::invalid_argument for bad ids or clip_skip.
    ClipTextOutput forward(const at::Tensor& input_ids, int clip_skip = 1) const;

    const ClipTextConfig& config() const { return config_; }

private:
    struct Layer {
        LayerNorm layer_norm1, layer_norm2;
        Linear q_proj, k_proj, v_proj, out_proj;
        Linear fc1, fc2;
    };

    at::Tensor self_attention(const Layer& layer, const at::Tensor& x, const at::Tensor& causal_mask) const;
    at::Tensor mlp(const Layer& layer, const at::Tensor& x) const;

    ClipTextConfig config_;
    at::Tensor token_embedding_;     // [vocab, hidden]
    at::Tensor position_embedding_;  // [max_positions, hidden]
    std::vector<Layer> layers_;
    LayerNorm final_layer_norm_;
};

}  // namespace ds
