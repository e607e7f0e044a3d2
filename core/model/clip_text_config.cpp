#include "core/model/clip_text_config.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <type_traits>

#include "core/model/weights.h"

namespace ds {
namespace {

ClipActivation parse_activation(const std::string& name) {
    if (name == "quick_gelu") return ClipActivation::QuickGelu;
    if (name == "gelu") return ClipActivation::Gelu;
    throw ClipTextConfigError("CLIP text config: unsupported hidden_act \"" + name +
                              "\" (supported: quick_gelu, gelu)");
}

template <typename T>
void read(const nlohmann::json& json, const char* name, T& value) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) return;
    const bool ok = std::is_floating_point<T>::value ? it->is_number() : it->is_number_integer();
    if (!ok) {
        throw ClipTextConfigError(std::string("CLIP text config: \"") + name + "\" must be " +
                                  (std::is_floating_point<T>::value ? "a number" : "an integer") + ", got " +
                                  it->dump());
    }
    value = it->get<T>();
}

const at::Tensor* find(const WeightMap& weights, const std::string& name) {
    const auto it = weights.tensors().find(name);
    return it == weights.tensors().end() ? nullptr : &it->second;
}

at::IntArrayRef require_shape(const WeightMap& weights, const std::string& name, size_t rank) {
    const at::Tensor* t = find(weights, name);
    if (!t) throw ClipTextConfigError("CLIP text config inference: weight " + name + " is missing");
    if (t->dim() != static_cast<int64_t>(rank)) {
        throw ClipTextConfigError("CLIP text config inference: weight " + name + " has " +
                                  std::to_string(t->dim()) + " dimensions, expected " + std::to_string(rank));
    }
    return t->sizes();
}

}  // namespace

const char* to_string(ClipActivation activation) {
    return activation == ClipActivation::Gelu ? "gelu" : "quick_gelu";
}

void ClipTextConfig::validate() const {
    auto positive = [](const char* name, int64_t value) {
        if (value <= 0) {
            throw ClipTextConfigError(std::string("CLIP text config: ") + name + " must be positive, got " +
                                      std::to_string(value));
        }
    };
    positive("vocab_size", vocab_size);
    positive("hidden_size", hidden_size);
    positive("intermediate_size", intermediate_size);
    positive("num_hidden_layers", num_layers);
    positive("num_attention_heads", num_heads);
    positive("max_position_embeddings", max_positions);
    if (hidden_size % num_heads != 0) {
        throw ClipTextConfigError("CLIP text config: hidden_size " + std::to_string(hidden_size) +
                                  " is not divisible by num_attention_heads " + std::to_string(num_heads));
    }
    if (!(layer_norm_eps > 0)) throw ClipTextConfigError("CLIP text config: layer_norm_eps must be positive");
}

bool ClipTextConfig::operator==(const ClipTextConfig& o) const {
    return vocab_size == o.vocab_size && hidden_size == o.hidden_size && intermediate_size == o.intermediate_size &&
           num_layers == o.num_layers && num_heads == o.num_heads && max_positions == o.max_positions &&
           layer_norm_eps == o.layer_norm_eps && activation == o.activation && eos_token_id == o.eos_token_id &&
           bos_token_id == o.bos_token_id && pad_token_id == o.pad_token_id;
}

ClipTextConfig parse_clip_text_config(const std::string& json_text) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        throw ClipTextConfigError(std::string("CLIP text config: invalid JSON: ") + e.what());
    }
    if (!root.is_object()) throw ClipTextConfigError("CLIP text config: the JSON is not an object");
    // A full CLIPConfig nests the text tower's settings.
    const nlohmann::json& json = root.contains("text_config") && root["text_config"].is_object()
                                     ? root["text_config"]
                                     : root;

    // transformers' CLIPTextConfig defaults, used for absent keys.
    ClipTextConfig config;
    config.vocab_size = 49408;
    config.hidden_size = 512;
    config.intermediate_size = 2048;
    config.num_layers = 12;
    config.num_heads = 8;
    config.max_positions = 77;
    config.layer_norm_eps = 1e-5;
    config.activation = ClipActivation::QuickGelu;
    config.pad_token_id = 1;
    config.bos_token_id = 49406;
    config.eos_token_id = 49407;

    read(json, "vocab_size", config.vocab_size);
    read(json, "hidden_size", config.hidden_size);
    read(json, "intermediate_size", config.intermediate_size);
    read(json, "num_hidden_layers", config.num_layers);
    read(json, "num_attention_heads", config.num_heads);
    read(json, "max_position_embeddings", config.max_positions);
    read(json, "layer_norm_eps", config.layer_norm_eps);
    read(json, "pad_token_id", config.pad_token_id);
    read(json, "bos_token_id", config.bos_token_id);
    read(json, "eos_token_id", config.eos_token_id);
    if (json.contains("hidden_act") && !json["hidden_act"].is_null()) {
        if (!json["hidden_act"].is_string()) {
            throw ClipTextConfigError("CLIP text config: \"hidden_act\" must be a string, got " +
                                      json["hidden_act"].dump());
        }
        config.activation = parse_activation(json["hidden_act"].get<std::string>());
    }
    config.validate();
    return config;
}

ClipTextConfig load_clip_text_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ClipTextConfigError("cannot open CLIP text config " + path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_clip_text_config(text);
    } catch (const ClipTextConfigError& e) {
        throw ClipTextConfigError(path + ": " + e.what());
    }
}

ClipTextConfig infer_clip_text_config(const WeightMap& weights, const std::string& prefix, int64_t num_heads) {
    ClipTextConfig config;
    const at::IntArrayRef token = require_shape(weights, key(prefix, "embeddings.token_embedding.weight"), 2);
    config.vocab_size = token[0];
    config.hidden_size = token[1];
    config.max_positions = require_shape(weights, key(prefix, "embeddings.position_embedding.weight"), 2)[0];

    // The number of layers is one more than the highest N in "<prefix>.encoder.layers.N.".
    const std::string layers = key(prefix, "encoder.layers.");
    int64_t count = 0;
    for (const auto& entry : weights.tensors()) {
        const std::string& name = entry.first;
        if (name.compare(0, layers.size(), layers) != 0) continue;
        size_t pos = layers.size();
        int64_t index = 0;
        bool digits = false;
        while (pos < name.size() && std::isdigit(static_cast<unsigned char>(name[pos]))) {
            index = index * 10 + (name[pos++] - '0');
            digits = true;
            if (index > 100000) break;  // nonsense; the loader will report the names
        }
        if (digits && pos < name.size() && name[pos] == '.') count = std::max(count, index + 1);
    }
    if (count == 0) throw ClipTextConfigError("CLIP text config inference: no weights named " + layers + "N.*");
    config.num_layers = count;
    config.intermediate_size = require_shape(weights, key(prefix, "encoder.layers.0.mlp.fc1.weight"), 2)[0];

    if (num_heads > 0) {
        config.num_heads = num_heads;
    } else {
        const int64_t head_dim = config.hidden_size % 64 == 0 ? 64 : 8;
        if (config.hidden_size % head_dim != 0) {
            throw ClipTextConfigError("CLIP text config inference: cannot guess the number of attention heads for "
                                      "hidden size " + std::to_string(config.hidden_size) + "; give it explicitly");
        }
        config.num_heads = config.hidden_size / head_dim;
    }
    config.activation = config.hidden_size >= 1024 ? ClipActivation::Gelu : ClipActivation::QuickGelu;
    config.validate();
    return config;
}

}  // namespace ds
