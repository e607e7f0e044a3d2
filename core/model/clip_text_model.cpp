#include "core/model/clip_text_model.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/io/safetensors.h"
#include "core/model/weight_loading.h"

namespace ds {
namespace {

// The most negative finite value of the compute dtype: transformers fills the causal mask with
// torch.finfo(dtype).min rather than -inf.
double lowest_finite(at::ScalarType dtype) {
    switch (dtype) {
        case at::kHalf: return -65504.0;
        case at::kBFloat16: return -3.3895313892515355e38;
        case at::kDouble: return std::numeric_limits<double>::lowest();
        default: return std::numeric_limits<float>::lowest();
    }
}

}  // namespace

at::Tensor ClipTextOutput::conditioning(int skip) const {
    const int num_layers = static_cast<int>(hidden_states.size()) - 1;
    if (skip < 1 || skip > num_layers) {
        throw std::invalid_argument("CLIP text encoder: clip_skip " + std::to_string(skip) + " is outside 1.." +
                                    std::to_string(num_layers));
    }
    if (skip == 1) return last_hidden_state;
    return final_layer_norm(hidden_states[hidden_states.size() - static_cast<size_t>(skip)]);
}

ClipTextModel ClipTextModel::load(const ClipTextConfig& config, const WeightMap& weights, const std::string& prefix) {
    config.validate();
    ClipTextModel model;
    model.config_ = config;
    const int64_t d = config.hidden_size;
    const int64_t ff = config.intermediate_size;
    const double eps = config.layer_norm_eps;

    const std::string emb = key(prefix, "embeddings");
    model.token_embedding_ = weights.get(key(emb, "token_embedding.weight"), {config.vocab_size, d});
    model.position_embedding_ = weights.get(key(emb, "position_embedding.weight"), {config.max_positions, d});
    weights.get_optional(key(emb, "position_ids"), {}, at::kLong);  // a buffer (0..76), not a parameter

    for (int64_t i = 0; i < config.num_layers; ++i) {
        const std::string p = key(key(prefix, "encoder.layers"), static_cast<int>(i));
        Layer layer;
        layer.layer_norm1.load(weights, key(p, "layer_norm1"), d, eps);
        layer.q_proj.load(weights, key(p, "self_attn.q_proj"), d, d);
        layer.k_proj.load(weights, key(p, "self_attn.k_proj"), d, d);
        layer.v_proj.load(weights, key(p, "self_attn.v_proj"), d, d);
        layer.out_proj.load(weights, key(p, "self_attn.out_proj"), d, d);
        layer.layer_norm2.load(weights, key(p, "layer_norm2"), d, eps);
        layer.fc1.load(weights, key(p, "mlp.fc1"), d, ff);
        layer.fc2.load(weights, key(p, "mlp.fc2"), ff, d);
        model.layers_.push_back(std::move(layer));
    }
    model.final_layer_norm_.load(weights, key(prefix, "final_layer_norm"), d, eps);
    // The trailing dot keeps "text_model" from also claiming e.g. "text_model_2.*".
    weights.check("text encoder", prefix.empty() ? prefix : prefix + ".");
    return model;
}

ClipTextModel ClipTextModel::load_folder(const std::string& folder) {
    const ClipTextConfig config = load_clip_text_config(folder + "/config.json");
    const SafetensorsFile file = SafetensorsFile::open(folder + "/model.safetensors");
    return load(config, weights_from_safetensors(file));
}

at::Tensor ClipTextModel::self_attention(const Layer& layer, const at::Tensor& x, const at::Tensor& causal_mask) const {
    const int64_t batch = x.size(0);
    const int64_t length = x.size(1);
    const int64_t heads = config_.num_heads;
    const int64_t head_dim = config_.head_dim();
    auto split_heads = [&](const at::Tensor& t) { return t.view({batch, length, heads, head_dim}).transpose(1, 2); };
    // As transformers' CLIPAttention: the query is scaled before q·kᵀ (same float rounding).
    const at::Tensor q = split_heads(layer.q_proj(x) * (1.0 / std::sqrt(static_cast<double>(head_dim))));
    const at::Tensor k = split_heads(layer.k_proj(x));
    const at::Tensor v = split_heads(layer.v_proj(x));
    const at::Tensor attended = scaled_dot_product_attention(q, k, v, 1.0, causal_mask);
    return layer.out_proj(attended.transpose(1, 2).reshape({batch, length, config_.hidden_size}));
}

at::Tensor ClipTextModel::mlp(const Layer& layer, const at::Tensor& x) const {
    at::Tensor h = layer.fc1(x);
    if (config_.activation == ClipActivation::QuickGelu) {
        h = h * at::sigmoid(h * 1.702);  // Hendrycks & Gimpel 2016, §2: the sigmoid approximation of GELU
    } else {
        h = at::gelu(h);
    }
    return layer.fc2(h);
}

ClipTextOutput ClipTextModel::forward(const at::Tensor& input_ids, int clip_skip) const {
    if (!input_ids.defined() || input_ids.dim() != 2) {
        throw std::invalid_argument("CLIP text encoder: input_ids must be a [batch, length] tensor");
    }
    if (!at::isIntegralType(input_ids.scalar_type(), /*includeBool=*/false)) {
        throw std::invalid_argument("CLIP text encoder: input_ids must hold integer token ids");
    }
    const int64_t batch = input_ids.size(0);
    const int64_t length = input_ids.size(1);
    if (batch == 0 || length == 0 || length > config_.max_positions) {
        throw std::invalid_argument("CLIP text encoder: input_ids is [" + std::to_string(batch) + ", " +
                                    std::to_string(length) + "]; need a non-empty batch of at most " +
                                    std::to_string(config_.max_positions) + " tokens");
    }
    if (clip_skip < 1 || clip_skip > config_.num_layers) {
        throw std::invalid_argument("CLIP text encoder: clip_skip " + std::to_string(clip_skip) + " is outside 1.." +
                                    std::to_string(config_.num_layers));
    }
    const at::Tensor ids = input_ids.to(at::kLong);
    const int64_t lowest = ids.min().item<int64_t>();
    const int64_t highest = ids.max().item<int64_t>();
    if (lowest < 0 || highest >= config_.vocab_size) {
        throw std::invalid_argument("CLIP text encoder: token id " + std::to_string(lowest < 0 ? lowest : highest) +
                                    " is outside the vocabulary of " + std::to_string(config_.vocab_size));
    }

    ClipTextOutput out;
    out.clip_skip = clip_skip;
    out.final_layer_norm = final_layer_norm_;
    const at::Tensor positions = at::arange(length, ids.options());
    at::Tensor x = at::embedding(token_embedding_, ids) + at::embedding(position_embedding_, positions).unsqueeze(0);
    out.hidden_states.reserve(layers_.size() + 1);
    out.hidden_states.push_back(x);

    // Additive causal mask: position i attends to positions <= i.
    const at::Tensor causal_mask = at::full({length, length}, lowest_finite(x.scalar_type()), x.options()).triu(1);
    for (const Layer& layer : layers_) {
        x = x + self_attention(layer, layer.layer_norm1(x), causal_mask);
        x = x + mlp(layer, layer.layer_norm2(x));
        out.hidden_states.push_back(x);
    }

    out.embeddings_output = out.hidden_states.front();
    out.penultimate_hidden_state = out.hidden_states[out.hidden_states.size() - 2];
    out.last_hidden_state = final_layer_norm_(x);

    // transformers' CLIPTextTransformer pooling: configs with the legacy eos_token_id 2 take the
    // position of the largest id (the tokenizer's eos 49407 is the largest); others the first eos.
    const at::Tensor pool_positions = config_.eos_token_id == 2
                                          ? ids.argmax(-1)
                                          : ids.eq(config_.eos_token_id).to(at::kInt).argmax(-1);
    out.pooler_output = out.last_hidden_state.index({at::arange(batch, ids.options()), pool_positions});
    return out;
}

}  // namespace ds
