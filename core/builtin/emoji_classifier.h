#pragma once
// A small CNN that tells an emoji's category from its picture: the judge of the built-in model's
// evaluation (do generated pictures look like the category their caption names?). Four 3x3 conv
// layers with GroupNorm and ReLU over a 32x32 downsample, global average pooling, one linear layer:
// plain ATen ops on named tensors, trained with core/training's AdamW in a minute or two on a CPU.
// Training draws classes uniformly (the shard is 60% "people and body") and composites each picture
// over a random background, so the judge does not go by background colour.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ds {

struct EmojiClassifierOptions {
    // The defaults: ~79% held-out accuracy (balanced ~60%, chance 11%) in ~5 min of one CPU core.
    // 1000 steps gave 73% (balanced 56%): too weak a judge of the categories with few base emoji
    // (objects, travel, animals).
    int64_t steps = 3000;
    int64_t batch = 64;
    double learning_rate = 3e-3;  // peak; warm-up then cosine decay
    int64_t width = 24;           // channels of the first conv layer (then 2x, 4x, 4x); a multiple of 8
    int64_t input_size = 32;      // pictures are area-averaged to this side first
    uint64_t seed = 1;
    // Every 25 steps and at the end: (step, total, mean loss since the last call).
    std::function<void(int64_t, int64_t, double)> on_progress;
};

class EmojiClassifier {
public:
    // Fresh weights (PyTorch's default initialisation, seeded). Throws std::invalid_argument for
    // fewer than two classes, a width that is not a positive multiple of 8, or input_size < 8.
    EmojiClassifier(std::vector<std::string> classes, int64_t width, int64_t input_size, uint64_t seed);

    const std::vector<std::string>& classes() const { return classes_; }
    int64_t width() const { return width_; }
    int64_t input_size() const { return input_size_; }
    const std::map<std::string, at::Tensor>& parameters() const { return params_; }

    // images: float [B, 3, H, W] RGB in [0, 1] (composite()'s output; H = W >= input_size) -> logits
    // [B, classes]. Differentiable: training calls it with gradients on.
    at::Tensor logits(const at::Tensor& images) const;
    // argmax class per image, without gradients, in batches of 128.
    std::vector<int64_t> predict(const at::Tensor& images) const;

    // Safetensors with metadata {format, classes, width, input_size, key}; atomic. `key` says what
    // the weights were trained on (load_cached compares it).
    void save(const std::string& path, const std::string& key) const;
    // Throws std::runtime_error (or SafetensorsError) naming the file when it is not a classifier.
    static EmojiClassifier load(const std::string& path);
    // The classifier at `path` when the file exists and was saved with `key`; nullopt otherwise
    // (missing, another key, or unreadable: the caller retrains and overwrites it).
    static std::optional<EmojiClassifier> load_cached(const std::string& path, const std::string& key);

private:
    EmojiClassifier() = default;
    std::vector<std::string> classes_;
    int64_t width_ = 0, input_size_ = 0;
    std::map<std::string, at::Tensor> params_;
};

// Trains a classifier on straight-alpha RGBA pictures, uint8 [N, H, W, 4] (H = W), labels[i] the
// class index of picture i. Each step draws `batch` pictures: a class uniformly among those with
// pictures, then one of its pictures; composites it over white (1 in 4), a palette colour (1 in 2)
// or a random colour; flips it horizontally half the time and blurs one in four (generated pictures
// are softer than the art). Deterministic for options.seed. Throws std::invalid_argument for bad
// shapes or labels.
EmojiClassifier train_emoji_classifier(const at::Tensor& pictures, const std::vector<int64_t>& labels,
                                       const std::vector<std::string>& classes,
                                       const EmojiClassifierOptions& options = {});

struct ClassScore {
    int64_t correct = 0;
    int64_t total = 0;
    double accuracy() const { return total > 0 ? static_cast<double>(correct) / total : 0.0; }
};

struct ClassificationScores {
    std::vector<std::string> classes;
    std::vector<ClassScore> per_class;                // by true class
    std::vector<std::vector<int64_t>> confusion;      // [true][predicted] counts
    int64_t correct = 0;
    int64_t total = 0;
    double accuracy() const { return total > 0 ? static_cast<double>(correct) / total : 0.0; }
    // Mean of the per-class accuracies over the classes with examples (chance: 1 / classes).
    double balanced_accuracy() const;
};

// Throws std::invalid_argument when the lists differ in length or hold an index outside classes.
ClassificationScores score_predictions(const std::vector<int64_t>& predicted, const std::vector<int64_t>& truth,
                                       const std::vector<std::string>& classes);

}  // namespace ds
