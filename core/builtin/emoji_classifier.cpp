#include "core/builtin/emoji_classifier.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/data/emoji_batch.h"
#include "core/io/safetensors.h"
#include "core/model/weights.h"
#include "core/training/adamw.h"
#include "core/training/learning_rate.h"
#include "core/training/parameter_init.h"

namespace ds {
namespace {

constexpr const char* kFormat = "diffusion-studio-emoji-classifier/1";
constexpr int kLayers = 4;
constexpr int64_t kGroups = 8;

int64_t layer_channels(int64_t width, int layer) { return width * (layer == 0 ? 1 : layer == 1 ? 2 : 4); }

// Asks `w` for every tensor of the architecture (creating them when `w` has an initializer), then
// checks that nothing is missing or wrongly shaped.
std::map<std::string, at::Tensor> build(const WeightMap& w, int64_t width, int64_t classes) {
    std::map<std::string, at::Tensor> out;
    int64_t in = 3;
    for (int l = 0; l < kLayers; ++l) {
        const int64_t c = layer_channels(width, l);
        const std::string n = std::to_string(l);
        out["conv" + n + ".weight"] = w.get("conv" + n + ".weight", {c, in, 3, 3});
        out["conv" + n + ".bias"] = w.get("conv" + n + ".bias", {c});
        out["norm" + n + ".weight"] = w.get("norm" + n + ".weight", {c});
        out["norm" + n + ".bias"] = w.get("norm" + n + ".bias", {c});
        in = c;
    }
    out["fc.weight"] = w.get("fc.weight", {classes, in});
    out["fc.bias"] = w.get("fc.bias", {classes});
    w.check("emoji classifier");
    return out;
}

void check_shape(const std::vector<std::string>& classes, int64_t width, int64_t input_size) {
    if (classes.size() < 2) throw std::invalid_argument("the emoji classifier needs at least two classes");
    if (width < 8 || width % kGroups != 0)
        throw std::invalid_argument("the emoji classifier's width must be a positive multiple of 8, got " +
                                    std::to_string(width));
    if (input_size < 8) throw std::invalid_argument("the emoji classifier's input size must be at least 8");
}

// Uniform in [0, 1) from the top 53 bits, the same on every standard library.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// One training batch: float [B, 3, H, W] in [0, 1] and the labels.
std::pair<at::Tensor, at::Tensor> training_batch(const at::Tensor& pictures,
                                                 const std::vector<std::vector<int64_t>>& by_class,
                                                 const std::vector<int64_t>& present, int64_t batch,
                                                 std::mt19937_64& rng) {
    const std::vector<EmojiBackground>& palette = emoji_backgrounds();
    std::vector<int64_t> index, label;
    std::vector<float> colour, flip, blur;
    for (int64_t k = 0; k < batch; ++k) {
        const int64_t c = present[rng() % present.size()];
        const std::vector<int64_t>& pool = by_class[static_cast<size_t>(c)];
        index.push_back(pool[rng() % pool.size()]);
        label.push_back(c);
        const double u = uniform(rng);
        if (u < 0.25) {
            colour.insert(colour.end(), {1.0f, 1.0f, 1.0f});
        } else if (u < 0.75) {
            const EmojiBackground& b = palette[rng() % palette.size()];
            colour.insert(colour.end(), {b.r / 255.0f, b.g / 255.0f, b.b / 255.0f});
        } else {
            for (int i = 0; i < 3; ++i) colour.push_back(static_cast<float>(uniform(rng)));
        }
        flip.push_back(uniform(rng) < 0.5 ? 1.0f : 0.0f);
        blur.push_back(uniform(rng) < 0.25 ? 1.0f : 0.0f);
    }
    const at::Tensor rgba = pictures.index_select(0, at::tensor(index, at::kLong)).to(at::kFloat).div_(255.0f);
    const at::Tensor alpha = rgba.narrow(-1, 3, 1);
    const at::Tensor bg = at::tensor(colour).view({batch, 1, 1, 3});
    at::Tensor x = (rgba.narrow(-1, 0, 3) * alpha + bg * (1.0f - alpha)).permute({0, 3, 1, 2}).contiguous();
    const at::Tensor flip_mask = at::tensor(flip).view({batch, 1, 1, 1}).to(at::kBool);
    x = at::where(flip_mask, x.flip({-1}), x);
    const int64_t side = x.size(-1);
    const at::Tensor soft =
        at::upsample_bilinear2d(at::avg_pool2d(x, {4, 4}), {side, side}, /*align_corners=*/false);
    x = at::where(at::tensor(blur).view({batch, 1, 1, 1}).to(at::kBool), soft, x);
    return {x, at::tensor(label, at::kLong)};
}

}  // namespace

EmojiClassifier::EmojiClassifier(std::vector<std::string> classes, int64_t width, int64_t input_size, uint64_t seed)
    : classes_(std::move(classes)), width_(width), input_size_(input_size) {
    check_shape(classes_, width_, input_size_);
    params_ = build(trainable_weight_map(seed), width_, static_cast<int64_t>(classes_.size()));
}

at::Tensor EmojiClassifier::logits(const at::Tensor& images) const {
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != images.size(3) || images.size(2) < input_size_)
        throw std::invalid_argument("the emoji classifier takes square RGB images [B,3,H,W] with H >= " +
                                    std::to_string(input_size_) + ", got " + shape_string(images.sizes()));
    at::Tensor x = images.to(at::kFloat);
    if (x.size(-1) != input_size_) x = at::adaptive_avg_pool2d(x, {input_size_, input_size_});
    x = x * 2.0 - 1.0;
    for (int l = 0; l < kLayers; ++l) {
        const std::string n = std::to_string(l);
        x = at::conv2d(x, params_.at("conv" + n + ".weight"), params_.at("conv" + n + ".bias"), {1, 1}, {1, 1});
        x = at::group_norm(x, kGroups, params_.at("norm" + n + ".weight"), params_.at("norm" + n + ".bias"));
        x = at::relu(x);
        if (l + 1 < kLayers) x = at::max_pool2d(x, {2, 2});
    }
    return at::linear(x.mean({2, 3}), params_.at("fc.weight"), params_.at("fc.bias"));
}

std::vector<int64_t> EmojiClassifier::predict(const at::Tensor& images) const {
    at::NoGradGuard no_grad;
    std::vector<int64_t> out;
    for (int64_t start = 0; start < images.size(0); start += 128) {
        const at::Tensor best = logits(images.narrow(0, start, std::min<int64_t>(128, images.size(0) - start)))
                                    .argmax(1)
                                    .contiguous();
        const int64_t* p = best.data_ptr<int64_t>();
        out.insert(out.end(), p, p + best.numel());
    }
    return out;
}

void EmojiClassifier::save(const std::string& path, const std::string& key) const {
    std::vector<std::pair<std::string, at::Tensor>> list;
    for (const auto& [name, t] : params_) list.emplace_back(name, t.detach().contiguous());
    write_safetensors(path, list,
                      {{"format", kFormat},
                       {"classes", nlohmann::json(classes_).dump()},
                       {"width", std::to_string(width_)},
                       {"input_size", std::to_string(input_size_)},
                       {"key", key}});
}

EmojiClassifier EmojiClassifier::load(const std::string& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    const auto& meta = file.metadata();
    auto field = [&](const std::string& name) {
        auto it = meta.find(name);
        if (it == meta.end()) throw std::runtime_error(path + " is not an emoji classifier (no '" + name + "' metadata)");
        return it->second;
    };
    if (field("format") != kFormat) throw std::runtime_error(path + " is not an emoji classifier (format '" + field("format") + "')");
    EmojiClassifier c;
    try {
        c.classes_ = nlohmann::json::parse(field("classes")).get<std::vector<std::string>>();
        c.width_ = std::stoll(field("width"));
        c.input_size_ = std::stoll(field("input_size"));
    } catch (const std::runtime_error&) {
        throw;
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": malformed emoji classifier metadata (" + e.what() + ")");
    }
    try {
        check_shape(c.classes_, c.width_, c.input_size_);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::map<std::string, at::Tensor> tensors;
    for (const SafetensorsEntry& e : file.entries()) tensors[e.name] = file.tensor(e.name, at::kFloat).clone();
    try {
        c.params_ = build(WeightMap(std::move(tensors)), c.width_, static_cast<int64_t>(c.classes_.size()));
    } catch (const WeightError& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    return c;
}

std::optional<EmojiClassifier> EmojiClassifier::load_cached(const std::string& path, const std::string& key) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    try {
        const SafetensorsFile file = SafetensorsFile::open(path);
        auto it = file.metadata().find("key");
        if (it == file.metadata().end() || it->second != key) return std::nullopt;
        return load(path);
    } catch (const std::exception&) {
        return std::nullopt;  // a broken cache is retrained, not an error
    }
}

EmojiClassifier train_emoji_classifier(const at::Tensor& pictures, const std::vector<int64_t>& labels,
                                       const std::vector<std::string>& classes, const EmojiClassifierOptions& o) {
    if (!pictures.defined() || pictures.scalar_type() != at::kByte || pictures.dim() != 4 || pictures.size(3) != 4 ||
        pictures.size(1) != pictures.size(2) || pictures.size(1) < o.input_size)
        throw std::invalid_argument("emoji classifier training takes uint8 RGBA pictures [N,S,S,4] with S >= " +
                                    std::to_string(o.input_size));
    if (static_cast<int64_t>(labels.size()) != pictures.size(0))
        throw std::invalid_argument("emoji classifier training: " + std::to_string(labels.size()) + " labels for " +
                                    std::to_string(pictures.size(0)) + " pictures");
    if (o.steps < 1 || o.batch < 1) throw std::invalid_argument("emoji classifier training needs steps and batch >= 1");
    std::vector<std::vector<int64_t>> by_class(classes.size());
    for (size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= static_cast<int64_t>(classes.size()))
            throw std::invalid_argument("emoji classifier training: label " + std::to_string(labels[i]) +
                                        " is outside the " + std::to_string(classes.size()) + " classes");
        by_class[static_cast<size_t>(labels[i])].push_back(static_cast<int64_t>(i));
    }
    std::vector<int64_t> present;
    for (size_t c = 0; c < by_class.size(); ++c)
        if (!by_class[c].empty()) present.push_back(static_cast<int64_t>(c));
    if (present.empty()) throw std::invalid_argument("emoji classifier training: no pictures");

    at::AutoGradMode grad_on(true);  // also when the caller holds a NoGradGuard
    EmojiClassifier net(classes, o.width, o.input_size, o.seed);
    AdamW optimizer(net.parameters());
    const LearningRateSchedule lr{o.learning_rate, std::min<int64_t>(50, o.steps / 10), 0.05};
    std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ULL + 17);
    const at::Tensor source = pictures.contiguous();
    double loss_sum = 0;
    int64_t loss_count = 0;
    for (int64_t step = 0; step < o.steps; ++step) {
        const auto [x, y] = training_batch(source, by_class, present, o.batch, rng);
        optimizer.zero_grad();
        const at::Tensor loss = at::cross_entropy_loss(net.logits(x), y, {}, at::Reduction::Mean, -100, 0.05);
        loss.backward();
        optimizer.step(lr.at(step, o.steps));
        loss_sum += loss.item<double>();
        ++loss_count;
        if (o.on_progress && ((step + 1) % 25 == 0 || step + 1 == o.steps)) {
            o.on_progress(step + 1, o.steps, loss_sum / static_cast<double>(loss_count));
            loss_sum = 0;
            loss_count = 0;
        }
    }
    for (const auto& [name, p] : net.parameters()) p.set_requires_grad(false);
    return net;
}

double ClassificationScores::balanced_accuracy() const {
    double sum = 0;
    int n = 0;
    for (const ClassScore& s : per_class) {
        if (s.total == 0) continue;
        sum += s.accuracy();
        ++n;
    }
    return n > 0 ? sum / n : 0.0;
}

ClassificationScores score_predictions(const std::vector<int64_t>& predicted, const std::vector<int64_t>& truth,
                                       const std::vector<std::string>& classes) {
    if (predicted.size() != truth.size())
        throw std::invalid_argument("score_predictions: " + std::to_string(predicted.size()) + " predictions for " +
                                    std::to_string(truth.size()) + " labels");
    const auto n = static_cast<int64_t>(classes.size());
    ClassificationScores s;
    s.classes = classes;
    s.per_class.resize(classes.size());
    s.confusion.assign(classes.size(), std::vector<int64_t>(classes.size(), 0));
    for (size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] < 0 || truth[i] >= n || predicted[i] < 0 || predicted[i] >= n)
            throw std::invalid_argument("score_predictions: class index outside the " + std::to_string(n) + " classes");
        ClassScore& c = s.per_class[static_cast<size_t>(truth[i])];
        ++c.total;
        ++s.total;
        ++s.confusion[static_cast<size_t>(truth[i])][static_cast<size_t>(predicted[i])];
        if (predicted[i] == truth[i]) {
            ++c.correct;
            ++s.correct;
        }
    }
    return s;
}

}  // namespace ds
