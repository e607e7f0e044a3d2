// The built-in model's evaluation pieces: the emoji category classifier learns to separate two
// synthetic picture kinds whatever the background, deterministically; its safetensors cache round-
// trips and is keyed (another key, a broken file or changed options retrain); the per-band epsilon
// MSE stays inside its bands, uses the model's own schedule, is exactly E[eps^2] for a UNet that
// predicts zero, and is deterministic; the colour statistics and scores; the JSON report's fields.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/builtin/builtin_evaluation.h"
#include "core/builtin/builtin_model_location.h"
#include "core/builtin/emoji_classifier.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/data/emoji_batch.h"
#include "core/data/emoji_shard.h"
#include "core/pipeline/txt2img.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/training/parameter_init.h"

namespace fs = std::filesystem;

namespace {

// Kind 0: a filled disc; kind 1: three vertical bars. Each in a random colour, size and offset,
// transparent around (straight-alpha RGBA, uint8 [64, 64, 4]).
at::Tensor synthetic_picture(int kind, std::mt19937& rng) {
    at::Tensor p = at::zeros({64, 64, 4}, at::kByte);
    auto* px = p.data_ptr<uint8_t>();
    const int r = static_cast<int>(rng() % 256), g = static_cast<int>(rng() % 256), b = static_cast<int>(rng() % 256);
    const int cx = 26 + static_cast<int>(rng() % 12), cy = 26 + static_cast<int>(rng() % 12);
    const int radius = 12 + static_cast<int>(rng() % 10);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            const bool in = kind == 0 ? (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius
                                      : std::abs(y - cy) <= radius && (((x - cx + 30) / 6) % 2 == 0) &&
                                            std::abs(x - cx) <= 15;
            if (!in) continue;
            uint8_t* q = px + (y * 64 + x) * 4;
            q[0] = static_cast<uint8_t>(r);
            q[1] = static_cast<uint8_t>(g);
            q[2] = static_cast<uint8_t>(b);
            q[3] = 255;
        }
    return p;
}

struct Synthetic {
    at::Tensor pictures;  // [N, 64, 64, 4]
    std::vector<int64_t> labels;
};

Synthetic synthetic_set(int per_kind, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<at::Tensor> pics;
    Synthetic s;
    for (int k = 0; k < per_kind; ++k)
        for (int kind = 0; kind < 2; ++kind) {
            pics.push_back(synthetic_picture(kind, rng));
            s.labels.push_back(kind);
        }
    s.pictures = at::stack(pics);
    return s;
}

ds::EmojiClassifierOptions quick_options() {
    ds::EmojiClassifierOptions o;
    o.steps = 80;
    o.batch = 16;
    o.width = 8;
    o.learning_rate = 3e-3;
    o.seed = 3;
    return o;
}

at::Tensor over(const at::Tensor& pictures, const std::string& colour) {
    return ds::composite(pictures, ds::emoji_background(colour));
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ds-eval-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

TEST(EmojiClassifier, SeparatesTwoSyntheticKindsOnAnyBackground) {
    const Synthetic train = synthetic_set(24, 1);
    const Synthetic test = synthetic_set(16, 2);
    const std::vector<std::string> classes{"disc", "bars"};
    const ds::EmojiClassifier c = ds::train_emoji_classifier(train.pictures, train.labels, classes, quick_options());
    EXPECT_EQ(c.classes(), classes);
    for (const std::string colour : {"white", "blue", "black"}) {
        const ds::ClassificationScores s = ds::score_predictions(c.predict(over(test.pictures, colour)), test.labels, classes);
        EXPECT_GE(s.accuracy(), 0.9) << colour;
        EXPECT_GE(s.per_class[0].accuracy(), 0.8) << colour;
        EXPECT_GE(s.per_class[1].accuracy(), 0.8) << colour;
    }
    // The fresh network (same seed) is no such judge: training did the separating.
    const ds::EmojiClassifier fresh(classes, 8, 32, quick_options().seed);
    const ds::ClassificationScores before =
        ds::score_predictions(fresh.predict(over(test.pictures, "white")), test.labels, classes);
    EXPECT_LT(before.accuracy(), 0.8);
}

TEST(EmojiClassifier, TrainingIsDeterministicAndBalancesClasses) {
    // 30 discs, 2 bars: uniform class draws still teach both classes.
    Synthetic train = synthetic_set(30, 4);
    std::vector<int64_t> keep;
    int bars = 0;
    for (size_t i = 0; i < train.labels.size(); ++i)
        if (train.labels[i] == 0 || bars++ < 2) keep.push_back(static_cast<int64_t>(i));
    const at::Tensor pictures = train.pictures.index_select(0, at::tensor(keep, at::kLong));
    std::vector<int64_t> labels;
    for (int64_t i : keep) labels.push_back(train.labels[static_cast<size_t>(i)]);
    const std::vector<std::string> classes{"disc", "bars"};
    const ds::EmojiClassifier a = ds::train_emoji_classifier(pictures, labels, classes, quick_options());
    const ds::EmojiClassifier b = ds::train_emoji_classifier(pictures, labels, classes, quick_options());
    const Synthetic test = synthetic_set(12, 5);
    const at::Tensor x = over(test.pictures, "white");
    at::NoGradGuard no_grad;
    EXPECT_TRUE(at::equal(a.logits(x), b.logits(x)));
    const ds::ClassificationScores s = ds::score_predictions(a.predict(x), test.labels, classes);
    EXPECT_GE(s.per_class[1].accuracy(), 0.75);  // the rare class is still recognised
    EXPECT_GE(s.balanced_accuracy(), 0.8);
}

TEST(EmojiClassifier, RejectsBadInput) {
    const std::vector<std::string> two{"a", "b"};
    EXPECT_THROW(ds::EmojiClassifier({"only"}, 8, 32, 1), std::invalid_argument);
    EXPECT_THROW(ds::EmojiClassifier(two, 12, 32, 1), std::invalid_argument);
    const at::Tensor pics = at::zeros({2, 64, 64, 4}, at::kByte);
    EXPECT_THROW(ds::train_emoji_classifier(pics, {0}, two, quick_options()), std::invalid_argument);
    EXPECT_THROW(ds::train_emoji_classifier(pics, {0, 2}, two, quick_options()), std::invalid_argument);
    EXPECT_THROW(ds::train_emoji_classifier(at::zeros({2, 64, 64, 3}, at::kByte), {0, 1}, two, quick_options()),
                 std::invalid_argument);
    const ds::EmojiClassifier c(two, 8, 32, 1);
    EXPECT_THROW(c.logits(at::zeros({1, 3, 16, 16})), std::invalid_argument);
}

TEST(EmojiClassifier, CacheRoundTripIsKeyed) {
    TempDir dir;
    const std::string path = dir.file("classifier.safetensors");
    const Synthetic train = synthetic_set(6, 7);
    ds::EmojiClassifierOptions o = quick_options();
    o.steps = 5;
    const ds::EmojiClassifier c = ds::train_emoji_classifier(train.pictures, train.labels, {"disc", "bars"}, o);
    c.save(path, "key-1");
    const std::optional<ds::EmojiClassifier> back = ds::EmojiClassifier::load_cached(path, "key-1");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->classes(), c.classes());
    EXPECT_EQ(back->width(), 8);
    EXPECT_EQ(back->input_size(), 32);
    const at::Tensor x = over(train.pictures, "green");
    at::NoGradGuard no_grad;
    EXPECT_TRUE(at::equal(back->logits(x), c.logits(x)));
    EXPECT_FALSE(ds::EmojiClassifier::load_cached(path, "key-2").has_value());
    EXPECT_FALSE(ds::EmojiClassifier::load_cached(dir.file("missing.safetensors"), "key-1").has_value());
    std::ofstream(dir.file("broken.safetensors")) << "not a safetensors file";
    EXPECT_FALSE(ds::EmojiClassifier::load_cached(dir.file("broken.safetensors"), "key-1").has_value());
    try {
        ds::EmojiClassifier::load(dir.file("broken.safetensors"));
        ADD_FAILURE() << "no exception";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("broken.safetensors"), std::string::npos) << e.what();
    }
}

// An in-memory shard: `per_category` synthetic pictures for "discs" and "bars", every fourth held out.
ds::EmojiShard synthetic_shard(int per_category) {
    const Synthetic s = synthetic_set(per_category, 11);
    ds::EmojiShard shard;
    shard.images = s.pictures;
    for (size_t i = 0; i < s.labels.size(); ++i) {
        ds::EmojiRecord r;
        r.unified = std::to_string(1000 + i);
        r.name = s.labels[i] == 0 ? "disc " + std::to_string(i) : "bars " + std::to_string(i);
        r.category = s.labels[i] == 0 ? "discs" : "bars";
        r.set = "twemoji";
        r.held_out = i % 4 == 3;
        shard.records.push_back(r);
    }
    return shard;
}

TEST(EmojiClassifier, ShardClassifierIsCachedPerShardAndOptions) {
    TempDir dir;
    const ds::EmojiShard shard = synthetic_shard(8);
    ds::EmojiClassifierOptions o = quick_options();
    o.steps = 4;
    const ds::ShardClassifier first = ds::shard_emoji_classifier(shard, dir.file("work"), o);
    EXPECT_FALSE(first.cached);
    EXPECT_EQ(first.classifier.classes(), (std::vector<std::string>{"bars", "discs"}));  // sorted
    EXPECT_TRUE(fs::is_regular_file(dir.file("work/emoji-classifier.safetensors")));
    const ds::ShardClassifier second = ds::shard_emoji_classifier(shard, dir.file("work"), o);
    EXPECT_TRUE(second.cached);
    const at::Tensor x = over(shard.images, "white");
    at::NoGradGuard no_grad;
    EXPECT_TRUE(at::equal(first.classifier.logits(x), second.classifier.logits(x)));

    o.steps = 5;  // other options: another key
    EXPECT_NE(ds::emoji_classifier_key(shard, o), ds::emoji_classifier_key(shard, quick_options()));
    EXPECT_FALSE(ds::shard_emoji_classifier(shard, dir.file("work"), o).cached);
    ds::EmojiShard changed = shard;  // one pixel of another shard: another key
    changed.images = shard.images.clone();
    changed.images[0][0][0][0] = 7;
    EXPECT_NE(ds::emoji_classifier_key(changed, o), ds::emoji_classifier_key(shard, o));
    EXPECT_FALSE(ds::shard_emoji_classifier(changed, dir.file("work"), o).cached);
}

// A tiny text encoder + UNet from fresh weights, tokens from a fixed rule, the given schedule.
ds::StableDiffusionModel tiny_model(ds::ScheduleKind kind, bool zero_output, int timesteps = 1000) {
    ds::ClipTextConfig text;
    text.vocab_size = 50;
    text.hidden_size = 32;
    text.intermediate_size = 64;
    text.num_layers = 1;
    text.num_heads = 2;
    text.max_positions = 8;
    text.bos_token_id = 1;
    text.eos_token_id = 2;
    text.pad_token_id = 2;
    ds::UNetConfig unet;
    unet.block_out_channels = {16, 32};
    unet.down_block_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
    unet.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D"};
    unet.layers_per_block = {1};
    unet.norm_num_groups = 8;
    unet.cross_attention_dim = {32};
    unet.attention_head_dim = {2};
    unet.sample_size = 8;
    const ds::WeightMap text_weights = ds::trainable_weight_map(5);
    const ds::WeightMap fresh = ds::trainable_weight_map(6);
    ds::UNet2DCondition::load(unet, fresh);  // creates every tensor of the architecture
    std::map<std::string, at::Tensor> unet_tensors;
    for (const auto& [name, t] : fresh.tensors()) unet_tensors[name] = t.detach();
    if (zero_output) {  // a UNet that predicts eps = 0 everywhere
        unet_tensors["conv_out.weight"] = at::zeros_like(unet_tensors.at("conv_out.weight"));
        unet_tensors["conv_out.bias"] = at::zeros_like(unet_tensors.at("conv_out.bias"));
    }
    ds::StableDiffusionModel m;
    m.text_encoder = std::make_shared<ds::ClipTextModel>(ds::ClipTextModel::load(text, text_weights));
    m.unet = std::make_shared<ds::UNet2DCondition>(ds::UNet2DCondition::load(unet, ds::WeightMap(unet_tensors)));
    m.prompt_tokens = [](const std::string& text) {
        std::vector<int64_t> ids{1};
        for (char ch : text) {
            if (ids.size() == 7) break;
            ids.push_back(3 + static_cast<unsigned char>(ch) % 47);
        }
        ids.resize(8, 2);
        return ids;
    };
    m.context_length = 8;
    m.sampler.schedule.kind = kind;
    m.sampler.schedule.timesteps = timesteps;
    return m;
}

TEST(DenoisingLoss, BandTimestepsStayInsideTheirBands) {
    const std::vector<int64_t> low = ds::band_timesteps({0, 1}, 50, 3);
    for (int64_t t : low) EXPECT_EQ(t, 0);
    const std::vector<int64_t> top = ds::band_timesteps({999, 1000}, 50, 3);
    for (int64_t t : top) EXPECT_EQ(t, 999);
    const std::vector<int64_t> mid = ds::band_timesteps({100, 300}, 2000, 3);
    for (int64_t t : mid) {
        EXPECT_GE(t, 100);
        EXPECT_LT(t, 300);
    }
    EXPECT_LT(*std::min_element(mid.begin(), mid.end()), 105);
    EXPECT_GT(*std::max_element(mid.begin(), mid.end()), 294);
    EXPECT_EQ(ds::band_timesteps({100, 300}, 20, 3), ds::band_timesteps({100, 300}, 20, 3));
    EXPECT_NE(ds::band_timesteps({100, 300}, 20, 3), ds::band_timesteps({100, 300}, 20, 4));
    EXPECT_THROW(ds::band_timesteps({300, 300}, 1, 0), std::invalid_argument);
    EXPECT_THROW(ds::band_timesteps({-1, 10}, 1, 0), std::invalid_argument);
    EXPECT_THROW(ds::band_timesteps({900, 1001}, 1, 0), std::invalid_argument);
}

TEST(DenoisingLoss, PerBandLossIsFiniteDeterministicAndOnTheModelsSchedule) {
    const at::Tensor latents = at::randn({5, 4, 8, 8}, at::detail::createCPUGenerator(9));
    const std::vector<std::string> captions{"red apple", "ghost", "sparkles", "", "flag"};
    const std::vector<ds::TimestepBand> bands = ds::default_timestep_bands();
    ASSERT_EQ(bands.size(), 4u);
    const ds::StableDiffusionModel cosine = tiny_model(ds::ScheduleKind::Cosine, false);
    const std::vector<ds::BandLoss> a = ds::denoising_loss_by_band(cosine, latents, captions, bands, 1, 2);
    ASSERT_EQ(a.size(), bands.size());
    for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_TRUE(std::isfinite(a[k].loss));
        EXPECT_GT(a[k].loss, 0.0);
        EXPECT_TRUE(std::isfinite(a[k].unconditional_loss));
        EXPECT_NE(a[k].unconditional_loss, a[k].loss);  // the captions reach the UNet
        EXPECT_EQ(a[k].samples, 5);
        EXPECT_EQ(a[k].band.begin, bands[k].begin);
        EXPECT_GE(a[k].t_min, bands[k].begin);
        EXPECT_LT(a[k].t_max, bands[k].end);
    }
    // Deterministic, batch size irrelevant.
    const std::vector<ds::BandLoss> again = ds::denoising_loss_by_band(cosine, latents, captions, bands, 1, 5);
    for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(again[k].loss, a[k].loss, 1e-5 * a[k].loss);
    // The same weights on the linear schedule see other x_t (same x0, eps and t).
    ds::StableDiffusionModel linear = cosine;
    linear.sampler.schedule.kind = ds::ScheduleKind::Linear;
    const std::vector<ds::BandLoss> b = ds::denoising_loss_by_band(linear, latents, captions, bands, 1, 2);
    EXPECT_EQ(b[1].t_min, a[1].t_min);
    EXPECT_GT(std::abs(b[1].loss - a[1].loss), 1e-6);
    // Noisier bands have lower SNR; at t < 300 the linear schedule is the noisier one.
    for (size_t k = 1; k < a.size(); ++k) EXPECT_LT(a[k].mean_log_snr, a[k - 1].mean_log_snr);
    EXPECT_LT(b[1].mean_log_snr, a[1].mean_log_snr);
}

TEST(DenoisingLoss, ZeroPredictionGivesTheNoisesMeanSquare) {
    const ds::StableDiffusionModel zero = tiny_model(ds::ScheduleKind::Cosine, true);
    const at::Tensor latents = at::randn({8, 4, 8, 8}, at::detail::createCPUGenerator(2));
    const std::vector<std::string> captions(8, "red heart");
    // 8 x 256 unit normals per band: the mean square is 1 +- 0.03 (one sigma).
    for (const ds::BandLoss& b : ds::denoising_loss_by_band(zero, latents, captions, ds::default_timestep_bands(), 4)) {
        EXPECT_NEAR(b.loss, 1.0, 0.15) << b.band.begin;
        EXPECT_DOUBLE_EQ(b.unconditional_loss, b.loss);  // the caption cannot matter to a zero output
    }
}

TEST(DenoisingLoss, RejectsBadInput) {
    const ds::StableDiffusionModel m = tiny_model(ds::ScheduleKind::Cosine, false, 500);
    const at::Tensor latents = at::zeros({2, 4, 8, 8});
    EXPECT_THROW(ds::denoising_loss_by_band(m, latents, {"a"}, ds::default_timestep_bands(), 1), std::invalid_argument);
    // [600, 1000) is past the end of a 500-step schedule.
    EXPECT_THROW(ds::denoising_loss_by_band(m, latents, {"a", "b"}, {{600, 1000}}, 1), std::invalid_argument);
    EXPECT_NO_THROW(ds::denoising_loss_by_band(m, latents, {"a", "b"}, {{0, 500}}, 1));
}

TEST(ColourCheck, MeanColourOfTheDrawnPixels) {
    at::Tensor img = at::ones({3, 64, 64});
    img.narrow(1, 16, 32).narrow(2, 16, 32).select(0, 1).fill_(0.1);  // a red square: G and B down
    img.narrow(1, 16, 32).narrow(2, 16, 32).select(0, 2).fill_(0.2);
    const ds::ColourStats red = ds::colour_stats(img, ds::emoji_background("white"));
    EXPECT_NEAR(red.foreground_fraction, 0.25, 1e-6);
    EXPECT_NEAR(red.r, 1.0, 1e-6);
    EXPECT_NEAR(red.g, 0.1, 1e-6);
    EXPECT_NEAR(red.b, 0.2, 1e-6);
    EXPECT_EQ(red.dominant, "red");
    EXPECT_NEAR(red.hue, 360.0 - 60.0 * 0.1 / 0.9, 1e-3);
    EXPECT_TRUE(ds::colour_matches("red", red));
    EXPECT_FALSE(ds::colour_matches("blue", red));
    EXPECT_FALSE(ds::colour_matches("yellow", red));

    at::Tensor yellow = at::ones({1, 3, 64, 64});
    yellow.select(1, 2).fill_(0.1);
    const ds::ColourStats y = ds::colour_stats(yellow, ds::emoji_background("white"));
    EXPECT_NEAR(y.foreground_fraction, 1.0, 1e-6);
    EXPECT_NEAR(y.hue, 60.0, 1e-3);
    EXPECT_TRUE(ds::colour_matches("yellow", y));
    EXPECT_FALSE(ds::colour_matches("green", y));
    ds::ColourStats brown;  // r, g > b but a red-orange hue: not yellow
    brown.r = 0.7;
    brown.g = 0.6;
    brown.b = 0.55;
    brown.hue = 20;
    EXPECT_FALSE(ds::colour_matches("yellow", brown));
    EXPECT_TRUE(ds::colour_matches("red", brown));

    // Nothing drawn: the whole image, marked by a zero foreground fraction.
    const ds::ColourStats blank = ds::colour_stats(at::ones({3, 8, 8}), ds::emoji_background("white"));
    EXPECT_EQ(blank.foreground_fraction, 0.0);
    EXPECT_NEAR(blank.r, 1.0, 1e-6);
    EXPECT_THROW(ds::colour_matches("mauve", red), std::invalid_argument);
    EXPECT_THROW(ds::colour_stats(at::ones({4, 8, 8}), ds::emoji_background("white")), std::invalid_argument);
}

TEST(ClassificationScores, CountsPerClassAndBalancedAccuracy) {
    const std::vector<std::string> classes{"a", "b", "c"};
    // a: 3/4 right; b: 0/1; c: none.
    const ds::ClassificationScores s = ds::score_predictions({0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}, classes);
    EXPECT_EQ(s.correct, 3);
    EXPECT_EQ(s.total, 5);
    EXPECT_DOUBLE_EQ(s.accuracy(), 0.6);
    EXPECT_DOUBLE_EQ(s.balanced_accuracy(), (0.75 + 0.0) / 2);
    EXPECT_EQ(s.confusion[0][1], 1);
    EXPECT_EQ(s.confusion[1][0], 1);
    EXPECT_EQ(s.per_class[2].total, 0);
    EXPECT_THROW(ds::score_predictions({0}, {0, 1}, classes), std::invalid_argument);
    EXPECT_THROW(ds::score_predictions({3}, {0}, classes), std::invalid_argument);
}

TEST(BuiltinEvaluationReport, JsonHasEveryFigure) {
    ds::BuiltinEvaluation ev;
    ev.model_dir = "/models/builtin";
    ev.variants = {"cosine"};
    ev.categories = {"animals", "food"};
    ev.captions = {{"dog, twemoji style, on a white background", "apple, noto style, on a white background"},
                   {"dog, animals, twemoji style, on a white background", "apple, food, noto style, on a white background"}};
    ev.options.caption_styles = {ds::CaptionStyle::Minimal, ds::CaptionStyle::Full};
    ev.options.cfg_scales = {3.0, 5.0};
    ev.classifier.train_seconds = 12.5;
    ev.classifier.train_images = 100;
    ev.classifier.held_out_white = ds::score_predictions({0, 1, 1}, {0, 1, 0}, ev.categories);
    ev.classifier.held_out_palette = ds::score_predictions({0, 0, 1}, {0, 1, 0}, ev.categories);
    ev.classifier.items_real = ds::score_predictions({1, 1}, {1, 1}, ev.categories);
    ds::GenerationEvaluation g;
    g.variant = "cosine";
    g.cfg = 5.0;
    g.scores = ds::score_predictions({1, 1}, {0, 1}, ev.categories);
    g.seconds = 4.0;
    g.seconds_per_image = 2.0;
    ev.generation.push_back(g);
    g.caption_style = ds::CaptionStyle::Full;
    g.scores = ds::score_predictions({0, 1}, {0, 1}, ev.categories);
    ev.generation.push_back(g);
    ev.best_cfg["cosine"]["minimal"] = 5.0;
    ev.best_cfg["cosine"]["full"] = 3.0;
    ev.losses.push_back({"cosine", "cosine", {{{0, 100}, 0.25, 0.5, 2, 3, 97, 4.0}, {{100, 300}, 0.125, 0.25, 2, 120, 280, 1.5}}});
    ev.loss_images = 2;
    ds::ColourResult c;
    c.variant = "cosine";
    c.cfg = 5.0;
    c.prompt = "red heart, on a white background";
    c.colour = "red";
    c.mean = ds::colour_stats(at::ones({3, 4, 4}) * at::tensor({1.0f, 0.0f, 0.0f}).view({3, 1, 1}),
                              ds::emoji_background("white"));
    c.images = 4;
    c.matching_images = 3;
    c.matches = true;
    ev.colours.push_back(c);
    ds::InpaintingResult floor;
    floor.method = "surrounding-mean";
    floor.hole_error = 61.0;
    floor.scores = ds::score_predictions({0, 0}, {0, 1}, ev.categories);
    ev.inpainting.push_back(floor);
    ds::InpaintingResult unet;
    unet.method = "inpaint";
    unet.cfg = 5.0;
    unet.hole_error = 42.5;
    unet.scores = ds::score_predictions({0, 1}, {0, 1}, ev.categories);
    unet.seconds_per_image = 0.75;
    ev.inpainting.push_back(unet);
    ds::InpaintingBandLoss il;
    il.band = {600, 1000};
    il.hole = 0.0291;
    il.around = 0.0062;
    il.hole_unseen = 0.0313;
    il.around_unseen = 0.0244;
    ev.inpainting_loss.push_back(il);
    ev.seconds = 99;

    const nlohmann::json j = nlohmann::json::parse(ds::builtin_evaluation_json(ev));
    for (const char* key : {"model_dir", "variants", "options", "categories", "chance", "captions", "classifier",
                            "generation", "best_cfg", "denoising_loss", "colour_check", "inpainting", "seconds"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_DOUBLE_EQ(j["chance"].get<double>(), 0.5);
    EXPECT_EQ(j["options"]["caption_styles"], nlohmann::json({"minimal", "full"}));
    EXPECT_EQ(j["captions"]["full"][1], "apple, food, noto style, on a white background");
    EXPECT_EQ(j["captions"]["minimal"].size(), 2u);
    EXPECT_EQ(j["options"]["split"], "held-out");
    EXPECT_EQ(j["options"]["cfg_scales"].size(), 2u);
    EXPECT_NEAR(j["classifier"]["held_out_white"]["accuracy"].get<double>(), 2.0 / 3.0, 1e-12);
    EXPECT_EQ(j["classifier"]["held_out_white"]["per_category"]["animals"]["total"], 2);
    EXPECT_EQ(j["classifier"]["held_out_palette"]["confusion"][1][0], 1);
    EXPECT_DOUBLE_EQ(j["classifier"]["items_real"]["accuracy"].get<double>(), 1.0);
    EXPECT_EQ(j["classifier"]["items_real"]["per_category"]["food"]["correct"], 2);
    EXPECT_EQ(j["generation"][0]["variant"], "cosine");
    EXPECT_EQ(j["generation"][0]["caption_style"], "minimal");
    EXPECT_EQ(j["generation"][1]["caption_style"], "full");
    EXPECT_DOUBLE_EQ(j["generation"][1]["accuracy"].get<double>(), 1.0);
    EXPECT_EQ(j["generation"][0]["per_category"]["food"]["correct"], 1);
    EXPECT_DOUBLE_EQ(j["generation"][0]["balanced_accuracy"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(j["best_cfg"]["cosine"]["minimal"].get<double>(), 5.0);
    EXPECT_DOUBLE_EQ(j["best_cfg"]["cosine"]["full"].get<double>(), 3.0);
    EXPECT_EQ(j["denoising_loss"]["images"], 2);
    EXPECT_EQ(j["denoising_loss"]["variants"][0]["bands"][1]["begin"], 100);
    EXPECT_EQ(j["denoising_loss"]["variants"][0]["bands"][1]["end"], 300);
    EXPECT_DOUBLE_EQ(j["denoising_loss"]["variants"][0]["bands"][0]["loss"].get<double>(), 0.25);
    EXPECT_DOUBLE_EQ(j["denoising_loss"]["variants"][0]["bands"][0]["unconditional_loss"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(j["denoising_loss"]["variants"][0]["bands"][1]["mean_log_snr"].get<double>(), 1.5);
    EXPECT_EQ(j["colour_check"][0]["dominant"], "red");
    EXPECT_EQ(j["colour_check"][0]["mean_rgb_255"][0], 255);
    EXPECT_EQ(j["colour_check"][0]["matching_images"], 3);
    EXPECT_TRUE(j["colour_check"][0]["matches"].get<bool>());
    ASSERT_EQ(j["inpainting"]["methods"].size(), 2u);
    EXPECT_EQ(j["inpainting"]["methods"][0]["method"], "surrounding-mean");
    EXPECT_DOUBLE_EQ(j["inpainting"]["methods"][0]["hole_error_255"].get<double>(), 61.0);
    EXPECT_DOUBLE_EQ(j["inpainting"]["methods"][0]["accuracy"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(j["inpainting"]["methods"][1]["cfg"].get<double>(), 5.0);
    EXPECT_DOUBLE_EQ(j["inpainting"]["methods"][1]["accuracy"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(j["inpainting"]["methods"][1]["seconds_per_image"].get<double>(), 0.75);
    ASSERT_EQ(j["inpainting"]["epsilon_mse"]["bands"].size(), 1u);
    EXPECT_EQ(j["inpainting"]["epsilon_mse"]["bands"][0]["begin"], 600);
    EXPECT_DOUBLE_EQ(j["inpainting"]["epsilon_mse"]["bands"][0]["around"].get<double>(), 0.0062);
    EXPECT_DOUBLE_EQ(j["inpainting"]["epsilon_mse"]["bands"][0]["hole_unseen"].get<double>(), 0.0313);

    const std::string summary = ds::builtin_evaluation_summary(ev);
    for (const char* text : {"animals", "food", "cosine cfg 5", "[100,300)", "0.2500", "empty caption", "0.5000", "red heart", "match (3/4",
                             "item art", "2/2", "surrounding-mean", "61.0", "inpaint cfg 5", "42.5", "0.75 s per image",
                             "[600,1000)", "hole, seen", "0.0291", "around, unseen", "0.0244"})
        EXPECT_NE(summary.find(text), std::string::npos) << text << "\n" << summary;
    EXPECT_NE(summary.find("2 held-out captions on white (minimal and full)"), std::string::npos) << summary;
    // A table per style, each with its own figures and best cfg.
    const size_t minimal_table = summary.find("generated from minimal captions");
    const size_t full_table = summary.find("generated from full captions");
    ASSERT_NE(minimal_table, std::string::npos) << summary;
    ASSERT_NE(full_table, std::string::npos) << summary;
    EXPECT_LT(minimal_table, full_table);
    EXPECT_NE(summary.find("best cfg: cosine 5", minimal_table), std::string::npos) << summary;
    EXPECT_NE(summary.find("best cfg: cosine 3", full_table), std::string::npos) << summary;
    EXPECT_NE(summary.find("1.000", full_table), std::string::npos) << summary;
    EXPECT_EQ(summary.find("the judge learnt that art"), std::string::npos) << summary;

    ev.options.split = ds::EvaluationSplit::Training;  // the report says where the captions came from
    EXPECT_EQ(nlohmann::json::parse(ds::builtin_evaluation_json(ev))["options"]["split"], "training");
    const std::string training = ds::builtin_evaluation_summary(ev);
    EXPECT_NE(training.find("2 training captions"), std::string::npos) << training;
    EXPECT_NE(training.find("training epsilon MSE"), std::string::npos) << training;
    EXPECT_NE(training.find("the judge learnt that art"), std::string::npos) << training;
}

TEST(BuiltinEvaluationOptions, GuidanceDefaultsToWhatImagesAreMadeWith) {
    EXPECT_EQ(ds::BuiltinEvaluationOptions{}.cfg_scales, std::vector<double>{ds::GenerationParams{}.cfg_scale});
}

TEST(EvaluationItems, ComeFromTheRequestedSplitSpreadOverEachCategory) {
    ds::EmojiShard shard = synthetic_shard(16);  // 32 records, discs and bars in turn
    for (size_t i = 0; i < shard.records.size(); ++i) shard.records[i].held_out = i % 8 >= 6;  // 4 of each held out
    const std::vector<std::string> categories{"bars", "discs"};
    for (const ds::EvaluationSplit split : {ds::EvaluationSplit::HeldOut, ds::EvaluationSplit::Training}) {
        const bool held_out = split == ds::EvaluationSplit::HeldOut;
        const std::vector<ds::EvaluationItem> items =
            ds::evaluation_items(shard, categories, 3, ds::CaptionStyle::Minimal, split);
        ASSERT_EQ(items.size(), 6u) << ds::evaluation_split_name(split);
        for (size_t k = 0; k < items.size(); ++k) {
            const ds::EmojiRecord& r = shard.records[static_cast<size_t>(items[k].index)];
            EXPECT_EQ(r.held_out, held_out) << items[k].caption;
            EXPECT_EQ(items[k].label, k < 3 ? 0 : 1);  // category order
            EXPECT_EQ(r.category, categories[static_cast<size_t>(items[k].label)]);
            EXPECT_EQ(items[k].caption, ds::emoji_caption(r, "white", ds::CaptionStyle::Minimal));
        }
        // Spread over the category, not its first records: the three items are distinct.
        EXPECT_LT(items[0].index, items[1].index);
        EXPECT_LT(items[1].index, items[2].index);
    }
    // Fewer records than asked: all of them; a category the shard lacks: none.
    EXPECT_EQ(ds::evaluation_items(shard, categories, 99, ds::CaptionStyle::Full, ds::EvaluationSplit::HeldOut).size(), 8u);
    EXPECT_EQ(ds::evaluation_items(shard, categories, 99, ds::CaptionStyle::Full, ds::EvaluationSplit::Training).size(), 24u);
    EXPECT_TRUE(ds::evaluation_items(shard, {"boats"}, 4, ds::CaptionStyle::Full, ds::EvaluationSplit::Training).empty());
}

// The whole evaluation on a tiny synthetic shard with the shipped model: every caption style draws
// the same records with the same seeds, so a one-style run reproduces that style's figures.
TEST(BuiltinEvaluation, DrawsTheSameItemsInEveryCaptionStyle) {
    std::string model_dir;
    try {
        model_dir = ds::find_builtin_model_dir();
    } catch (const std::exception&) {
        GTEST_SKIP() << "no built-in model (resources/models/builtin or DS_BUILTIN_MODEL_DIR)";
    }
    TempDir dir;
    ds::EmojiShard shard = synthetic_shard(8);  // 16 records, discs and bars in turn
    for (size_t i = 0; i < shard.records.size(); ++i) shard.records[i].held_out = i % 8 >= 6;  // 2 of each held out
    ds::write_emoji_shard(dir.file("tiny.shard"), shard);
    ds::BuiltinEvaluationOptions o;
    o.shard_path = dir.file("tiny.shard");
    o.model_dir = model_dir;
    o.work_dir = dir.file("work");
    o.images_dir = dir.file("grids");
    o.per_category = 2;
    o.steps = 2;
    o.cfg_scales = {3.0};
    o.colour_seeds = 0;
    o.loss_images = 2;
    o.inpainting = false;
    o.classifier = quick_options();
    o.caption_styles = {ds::CaptionStyle::Full, ds::CaptionStyle::Minimal};
    const ds::BuiltinEvaluation both = ds::evaluate_builtin_model(o);

    ASSERT_EQ(both.captions.size(), 2u);
    ASSERT_EQ(both.captions[0].size(), 4u);
    for (size_t k = 0; k < 4; ++k) {
        const std::string category = k < 2 ? "bars" : "discs";
        EXPECT_NE(both.captions[0][k].find(", " + category + ","), std::string::npos) << both.captions[0][k];
        EXPECT_EQ(both.captions[1][k].find(", " + category + ","), std::string::npos) << both.captions[1][k];
        const std::string name = both.captions[1][k].substr(0, both.captions[1][k].find(','));
        EXPECT_EQ(both.captions[0][k].rfind(name + ",", 0), 0u) << both.captions[0][k];
    }
    ASSERT_EQ(both.generation.size(), 2 * both.variants.size());
    for (size_t k = 0; k < both.generation.size(); ++k) {
        EXPECT_EQ(both.generation[k].caption_style, k % 2 == 0 ? ds::CaptionStyle::Full : ds::CaptionStyle::Minimal);
        EXPECT_EQ(both.generation[k].scores.total, 4);
    }
    for (const std::string& variant : both.variants) {
        EXPECT_EQ(both.best_cfg.at(variant).size(), 2u) << variant;
        for (const char* style : {"full", "minimal"})
            EXPECT_TRUE(fs::is_regular_file(dir.file("grids/eval-" + variant + "-" + style + "-cfg3.png"))) << variant << style;
    }

    o.caption_styles = {ds::CaptionStyle::Minimal};
    o.images_dir.clear();
    const ds::BuiltinEvaluation minimal = ds::evaluate_builtin_model(o);
    ASSERT_EQ(minimal.generation.size(), both.variants.size());
    EXPECT_EQ(minimal.captions.front(), both.captions[1]);
    for (size_t v = 0; v < minimal.generation.size(); ++v)
        EXPECT_EQ(minimal.generation[v].scores.confusion, both.generation[2 * v + 1].scores.confusion) << v;

    for (const std::vector<ds::CaptionStyle>& bad :
         {std::vector<ds::CaptionStyle>{}, std::vector<ds::CaptionStyle>{ds::CaptionStyle::Full, ds::CaptionStyle::Full}}) {
        o.caption_styles = bad;
        EXPECT_THROW(ds::evaluate_builtin_model(o), std::invalid_argument);
    }
}

}  // namespace
