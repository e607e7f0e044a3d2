// Training from scratch on tiny networks: WeightMap::with_initializer builds every tensor a network
// asks for (shapes, requires_grad, ones/zeros for norms/biases, seeded), the networks are
// differentiable, AdamW matches hand-computed updates (bias correction, decoupled decay on rank >= 2,
// clipping, NaN refusal), EMA and the learning-rate schedule follow their formulas, the training
// loop's log/save/resume/cancel/divergence rules hold, both trainers lower their loss, and training
// checkpoints round-trip exactly (resumed steps equal uninterrupted ones) or fail with clear errors.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weights.h"
#include "core/runtime/cancel_token.h"
#include "core/runtime/seeded_noise.h"
#include "core/training/adamw.h"
#include "core/training/autoencoder_training.h"
#include "core/training/ema.h"
#include "core/training/learning_rate.h"
#include "core/training/parameter_init.h"
#include "core/training/text_to_image_training.h"
#include "core/training/train_checkpoint.h"
#include "core/training/training_loop.h"
#include "tests/support/temp_dir.h"
#include "tests/support/error_of.h"

namespace fs = std::filesystem;

namespace {

using ds::test::TempDir;

ds::UNetConfig tiny_unet() {
    ds::UNetConfig c;
    c.in_channels = 4;
    c.out_channels = 4;
    c.down_block_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
    c.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D"};
    c.block_out_channels = {32, 32};
    c.layers_per_block = {1};
    c.norm_num_groups = 8;
    c.attention_head_dim = {2};
    c.cross_attention_dim = {32};
    c.sample_size = 8;
    return c;
}

ds::ClipTextConfig tiny_text() {
    ds::ClipTextConfig c;
    c.vocab_size = 50;
    c.hidden_size = 32;
    c.intermediate_size = 64;
    c.num_layers = 2;
    c.num_heads = 2;
    c.max_positions = 8;
    c.bos_token_id = 1;
    c.eos_token_id = 3;
    c.pad_token_id = 3;
    return c;
}

ds::AutoencoderConfig tiny_vae() {
    ds::AutoencoderConfig c;
    c.block_out_channels = {16, 16};
    c.layers_per_block = 1;
    c.norm_num_groups = 8;
    c.sample_size = 16;
    return c;
}

ds::ScheduleConfig cosine() {
    ds::ScheduleConfig s;
    s.kind = ds::ScheduleKind::Cosine;
    return s;
}

// Two fixed 8x8 latents and two captions of 8 token ids.
ds::TextToImageBatch tiny_batch() {
    ds::TextToImageBatch b;
    b.latents = ds::seeded_randn(11, {2, 4, 8, 8});
    b.token_ids = at::tensor(std::vector<int64_t>{1, 7, 12, 30, 3, 3, 3, 3, 1, 3, 3, 3, 3, 3, 3, 3}, at::kLong).view({2, 8});
    return b;
}

// Two smooth 16x16 pictures in [-1, 1].
at::Tensor tiny_images() {
    const at::Tensor y = at::linspace(-1, 1, 16).view({1, 1, 16, 1});
    const at::Tensor x = at::linspace(-1, 1, 16).view({1, 1, 1, 16});
    const at::Tensor a = at::cat({(x * 0.8).expand({1, 1, 16, 16}), (y * 0.6).expand({1, 1, 16, 16}),
                                  (x * y).expand({1, 1, 16, 16})}, 1);
    const at::Tensor b = at::cat({at::sin(3 * x + y) * 0.7, (x - y) * 0.4, at::cos(2 * y).expand({1, 1, 16, 16}) * 0.5}, 1)
                             .expand({1, 3, 16, 16});
    return at::cat({a, b.contiguous()}, 0).contiguous();
}

std::map<std::string, at::Tensor> cloned(const std::map<std::string, at::Tensor>& m) {
    std::map<std::string, at::Tensor> out;
    for (const auto& [k, t] : m) out[k] = t.detach().clone();
    return out;
}

// Sum over tensors of ||a - b||^2, square-rooted (the maps must have the same names).
double distance(const std::map<std::string, at::Tensor>& a, const std::map<std::string, at::Tensor>& b) {
    double sq = 0;
    for (const auto& [k, t] : a) sq += (t.detach() - b.at(k).detach()).pow(2).sum().item<double>();
    return std::sqrt(sq);
}

void expect_maps_equal(const std::map<std::string, at::Tensor>& a, const std::map<std::string, at::Tensor>& b,
                       const std::string& what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (const auto& [k, t] : a) {
        ASSERT_TRUE(b.count(k)) << what << ": " << k;
        EXPECT_TRUE(at::equal(t.detach(), b.at(k).detach())) << what << ": " << k;
    }
}

using ds::test::error_of;


std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every parameter has a defined, finite gradient; returns how many have a non-zero one.
size_t check_gradients(const ds::WeightMap& w) {
    size_t nonzero = 0;
    for (const auto& [name, t] : w.tensors()) {
        EXPECT_TRUE(t.grad().defined()) << name;
        if (!t.grad().defined()) continue;
        EXPECT_TRUE(at::isfinite(t.grad()).all().item<bool>()) << name;
        if (t.grad().abs().sum().item<double>() > 0) ++nonzero;
        else ADD_FAILURE() << "zero gradient: " << name;
    }
    return nonzero;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// WeightMap::with_initializer and the trainable parameter map

TEST(WeightMapInitializer, CreatesWhatGetAsksForButNotOptionalOrShapelessLookups) {
    std::vector<std::string> calls;
    ds::WeightMap w = ds::WeightMap::with_initializer([&](const std::string& name, const std::vector<int64_t>& shape) {
        calls.push_back(name);
        return at::full(shape, 2.5);
    });
    const at::Tensor a = w.get("layer.weight", {3, 4});
    ASSERT_TRUE(a.defined());
    EXPECT_EQ(a.sizes(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(a[1][2].item<float>(), 2.5f);
    EXPECT_TRUE(w.contains("layer.weight"));
    // A second get returns the stored tensor, without a second initializer call.
    EXPECT_TRUE(w.get("layer.weight", {3, 4}).is_same(a));
    EXPECT_EQ(calls, std::vector<std::string>{"layer.weight"});

    EXPECT_FALSE(w.get_optional("layer.bias", {3}).defined());
    EXPECT_FALSE(w.contains("layer.bias"));
    EXPECT_FALSE(w.get("no.shape").defined());  // nothing to create without a shape: reported missing
    EXPECT_FALSE(w.contains("no.shape"));
    EXPECT_EQ(calls.size(), 1u);
    const std::string message = error_of([&] { w.check("test"); });
    EXPECT_NE(message.find("missing: no.shape"), std::string::npos) << message;
}

TEST(WeightMapInitializer, BuildsEveryUNetTensorWithItsShapeAndTheDefaultInitialisation) {
    ds::WeightMap w = ds::trainable_weight_map(7);
    const ds::UNet2DCondition unet = ds::UNet2DCondition::load(tiny_unet(), w);
    ASSERT_GT(w.tensors().size(), 50u);
    EXPECT_NO_THROW(w.check("unet"));  // every tensor asked for exists and was used; none extra
    // A plain map of the created tensors builds the same network: names and shapes are the architecture's.
    EXPECT_NO_THROW(ds::UNet2DCondition::load(tiny_unet(), ds::WeightMap(w.tensors())));

    const auto& t = w.tensors();
    EXPECT_EQ(t.at("conv_in.weight").sizes(), (std::vector<int64_t>{32, 4, 3, 3}));
    EXPECT_EQ(t.at("conv_out.weight").sizes(), (std::vector<int64_t>{4, 32, 3, 3}));
    EXPECT_EQ(t.at("time_embedding.linear_1.weight").sizes(), (std::vector<int64_t>{128, 32}));
    for (const auto& [name, tensor] : t) {
        EXPECT_TRUE(tensor.requires_grad()) << name;
        EXPECT_TRUE(tensor.is_leaf()) << name;
        EXPECT_EQ(tensor.scalar_type(), at::kFloat) << name;
    }
    EXPECT_TRUE(at::equal(t.at("conv_norm_out.weight"), at::ones({32})));
    EXPECT_TRUE(at::equal(t.at("conv_norm_out.bias"), at::zeros({32})));
    EXPECT_TRUE(at::equal(t.at("conv_in.bias"), at::zeros({32})));
    // Conv weights: uniform within 1 / sqrt(fan_in), and spread over most of that range.
    const at::Tensor conv = t.at("down_blocks.0.resnets.0.conv1.weight");
    const double bound = 1.0 / std::sqrt(32.0 * 9.0);
    EXPECT_LE(conv.abs().max().item<double>(), bound);
    EXPECT_GT(conv.abs().max().item<double>(), 0.9 * bound);
    EXPECT_NEAR(conv.mean().item<double>(), 0.0, 0.1 * bound);
    EXPECT_GT(ds::parameter_count(w), 50000);
    EXPECT_EQ(ds::parameter_list(w).size(), t.size());
}

TEST(WeightMapInitializer, TokenEmbeddingsAreUnitNormalPositionsSmallAndLayerNormsStartAtIdentity) {
    ds::WeightMap w = ds::trainable_weight_map(3);
    ds::ClipTextModel::load(tiny_text(), w);
    EXPECT_NO_THROW(w.check("text", "text_model"));
    const at::Tensor emb = w.tensors().at("text_model.embeddings.token_embedding.weight");
    EXPECT_EQ(emb.sizes(), (std::vector<int64_t>{50, 32}));
    EXPECT_NEAR(emb.std().item<double>(), 1.0, 0.1);  // N(0, 1): prompts start apart (parameter_init.cpp)
    const at::Tensor pos = w.tensors().at("text_model.embeddings.position_embedding.weight");
    EXPECT_NEAR(pos.std().item<double>(), 0.02, 0.004);
    EXPECT_FALSE(w.contains("text_model.embeddings.position_ids"));  // an optional buffer: not created
    EXPECT_TRUE(at::equal(w.tensors().at("text_model.final_layer_norm.weight"), at::ones({32})));
    EXPECT_TRUE(at::equal(w.tensors().at("text_model.encoder.layers.1.layer_norm2.bias"), at::zeros({32})));
}

TEST(WeightMapInitializer, TheSeedFixesTheWeights) {
    ds::WeightMap a = ds::trainable_weight_map(5), b = ds::trainable_weight_map(5), c = ds::trainable_weight_map(6);
    ds::AutoencoderKL::load(tiny_vae(), a);
    ds::AutoencoderKL::load(tiny_vae(), b);
    ds::AutoencoderKL::load(tiny_vae(), c);
    ASSERT_EQ(a.tensors().size(), b.tensors().size());
    ASSERT_EQ(a.tensors().size(), c.tensors().size());
    int differ = 0;
    for (const auto& [name, t] : a.tensors()) {
        EXPECT_TRUE(at::equal(t, b.tensors().at(name))) << name;
        if (!at::equal(t, c.tensors().at(name))) ++differ;
    }
    // Only the constant norm scales and biases agree between seeds.
    int random = 0;
    for (const auto& [name, t] : a.tensors()) random += t.dim() >= 2 ? 1 : 0;
    EXPECT_EQ(differ, random);
    EXPECT_GT(random, 10);
}

// ---------------------------------------------------------------------------------------------
// The networks are differentiable when built from trainable weights

TEST(TrainableNetworks, UNetGivesEveryParameterAFiniteNonZeroGradient) {
    ds::WeightMap w = ds::trainable_weight_map(1);
    const ds::UNet2DCondition unet = ds::UNet2DCondition::load(tiny_unet(), w);
    const at::Tensor x = ds::seeded_randn(1, {2, 4, 8, 8});
    const at::Tensor context = ds::seeded_randn(2, {2, 8, 32});
    const at::Tensor target = ds::seeded_randn(3, {2, 4, 8, 8});
    const at::Tensor out = unet.forward(x, at::tensor(std::vector<int64_t>{10, 700}), context);
    ((out - target).pow(2).mean()).backward();
    EXPECT_EQ(check_gradients(w), w.tensors().size());
}

TEST(TrainableNetworks, TextEncoderGivesEveryParameterAFiniteNonZeroGradient) {
    ds::WeightMap w = ds::trainable_weight_map(2);
    const ds::ClipTextModel text = ds::ClipTextModel::load(tiny_text(), w);
    const at::Tensor ids = tiny_batch().token_ids;
    const at::Tensor hidden = text.forward(ids).last_hidden_state;
    // A linear read-out: the squared norm of a LayerNorm output is constant and would give no gradient.
    (hidden * ds::seeded_randn(4, {2, 8, 32})).sum().backward();
    EXPECT_EQ(check_gradients(w), w.tensors().size());
    // Rows of tokens that are not in the batch get no gradient, the used ones do.
    const at::Tensor g = w.tensors().at("text_model.embeddings.token_embedding.weight").grad();
    EXPECT_EQ(g[20].abs().sum().item<double>(), 0.0);
    EXPECT_GT(g[12].abs().sum().item<double>(), 0.0);
}

TEST(TrainableNetworks, AutoencoderLossGivesEveryParameterAFiniteNonZeroGradient) {
    ds::WeightMap w = ds::trainable_weight_map(3);
    const ds::AutoencoderKL vae = ds::AutoencoderKL::load(tiny_vae(), w);
    const at::Tensor images = tiny_images();
    const ds::AutoencoderLoss loss = ds::autoencoder_loss(vae, images, ds::seeded_randn(5, {2, 4, 8, 8}), 1e-3);
    EXPECT_GT(loss.reconstruction.item<double>(), 0.0);
    EXPECT_GT(loss.kl.item<double>(), 0.0);
    EXPECT_NEAR(loss.total.item<double>(),
                loss.reconstruction.item<double>() + loss.kl.item<double>() * 1e-3 / (3 * 16 * 16), 1e-6);
    loss.total.backward();
    EXPECT_EQ(check_gradients(w), w.tensors().size());
}

// ---------------------------------------------------------------------------------------------
// AdamW

namespace {

struct TwoParams {
    at::Tensor w = at::tensor(std::vector<float>{1, 2, 3, 4}).view({2, 2}).clone().set_requires_grad(true);
    at::Tensor b = at::tensor(std::vector<float>{0.5f, -0.5f}).set_requires_grad(true);
    void set_grads(std::vector<float> gw, std::vector<float> gb) {
        w.mutable_grad() = at::tensor(gw).view({2, 2});
        b.mutable_grad() = at::tensor(gb);
    }
};

}  // namespace

TEST(AdamW, MatchesHandComputedUpdatesWithBiasCorrectionAndDecoupledDecay) {
    TwoParams p;
    ds::AdamWOptions o;
    o.beta1 = 0.9;
    o.beta2 = 0.999;
    o.eps = 1e-8;
    o.weight_decay = 0.1;
    o.grad_clip_norm = 0;  // off
    ds::AdamW opt({{"w", p.w}, {"b", p.b}}, o);
    const double lr = 0.01;

    // Step 1: m_hat = g, v_hat = g^2, so the update is lr * sign(g); only w (rank 2) decays.
    p.set_grads({0.5f, -1.0f, 2.0f, 0.0f}, {0.25f, -0.1f});
    EXPECT_NEAR(opt.step(lr), std::sqrt(0.25 + 1 + 4 + 0 + 0.0625 + 0.01), 1e-6);
    EXPECT_EQ(opt.steps(), 1);
    const double decay = 1 - lr * 0.1;
    const std::vector<double> w1{1 * decay - lr, 2 * decay + lr, 3 * decay - lr, 4 * decay};
    const std::vector<double> b1{0.5 - lr, -0.5 + lr};
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(p.w.view({4})[i].item<double>(), w1[i], 1e-6) << i;
    for (int i = 0; i < 2; ++i) EXPECT_NEAR(p.b[i].item<double>(), b1[i], 1e-6) << i;

    // Step 2 with another gradient: the bias-corrected moments of the two gradients.
    const std::vector<double> g1{0.5, -1.0, 2.0, 0.0}, g2{-0.5, 1.0, 1.0, 3.0};
    p.set_grads({-0.5f, 1.0f, 1.0f, 3.0f}, {0.25f, -0.1f});
    opt.step(lr);
    for (int i = 0; i < 4; ++i) {
        const double m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
        const double v = 0.999 * 0.001 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
        const double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.999 * 0.999);
        const double expected = w1[i] * decay - lr * m_hat / (std::sqrt(v_hat) + 1e-8);
        EXPECT_NEAR(p.w.view({4})[i].item<double>(), expected, 1e-5) << i;
    }
    // The same bias gradient twice: m_hat = g, v_hat = g^2 again, no decay.
    EXPECT_NEAR(p.b[0].item<double>(), 0.5 - 2 * lr, 1e-6);
    EXPECT_NEAR(p.b[1].item<double>(), -0.5 + 2 * lr, 1e-6);

    const auto state = opt.state();
    EXPECT_EQ(state.size(), 4u);
    EXPECT_NEAR(state.at("m/b")[0].item<double>(), 0.9 * 0.025 + 0.025, 1e-7);
}

TEST(AdamW, DecayAloneShrinksMatricesButNotVectors) {
    TwoParams p;
    ds::AdamWOptions o;
    o.weight_decay = 0.5;
    ds::AdamW opt({{"w", p.w}, {"b", p.b}}, o);
    p.set_grads({0, 0, 0, 0}, {0, 0});
    EXPECT_EQ(opt.step(0.1), 0.0);
    EXPECT_TRUE(at::allclose(p.w, at::tensor(std::vector<float>{1, 2, 3, 4}).view({2, 2}) * 0.95));
    EXPECT_TRUE(at::equal(p.b, at::tensor(std::vector<float>{0.5f, -0.5f})));
}

TEST(AdamW, ClipsTheGlobalGradientNormBeforeTheMoments) {
    TwoParams p;
    ds::AdamWOptions o;
    o.grad_clip_norm = 1.0;
    ds::AdamW opt({{"w", p.w}, {"b", p.b}}, o);
    p.set_grads({0, 0, 0, 0}, {3, 4});  // norm 5
    EXPECT_NEAR(opt.step(1e-3), 5.0, 1e-6);
    const auto state = opt.state();
    // m = (1 - beta1) * g * (1 / 5), v = (1 - beta2) * (g / 5)^2.
    EXPECT_NEAR(state.at("m/b")[0].item<double>(), 0.1 * 0.6, 1e-7);
    EXPECT_NEAR(state.at("m/b")[1].item<double>(), 0.1 * 0.8, 1e-7);
    EXPECT_NEAR(state.at("v/b")[1].item<double>(), 0.001 * 0.64, 1e-9);

    // Below the clip norm the gradient is used as it is.
    TwoParams q;
    ds::AdamW small({{"w", q.w}, {"b", q.b}}, o);
    q.set_grads({0, 0, 0, 0}, {0.3f, 0.4f});
    small.step(1e-3);
    EXPECT_NEAR(small.state().at("m/b")[0].item<double>(), 0.1 * 0.3, 1e-7);
}

TEST(AdamW, RefusesANonFiniteGradientWithoutChangingAnything) {
    TwoParams p;
    ds::AdamW opt({{"w", p.w}, {"b", p.b}});
    p.set_grads({0.1f, std::numeric_limits<float>::quiet_NaN(), 0, 0}, {0, 0});
    const std::string message = error_of([&] { opt.step(1e-3); });
    EXPECT_NE(message.find("not finite"), std::string::npos) << message;
    EXPECT_NE(message.find("step 1"), std::string::npos) << message;
    EXPECT_EQ(opt.steps(), 0);
    EXPECT_TRUE(at::equal(p.w, at::tensor(std::vector<float>{1, 2, 3, 4}).view({2, 2})));
    p.set_grads({std::numeric_limits<float>::infinity(), 0, 0, 0}, {0, 0});
    EXPECT_THROW(opt.step(1e-3), std::runtime_error);
}

TEST(AdamW, SkipsParametersWithoutGradientAndLoadsStateByName) {
    TwoParams p;
    ds::AdamW opt({{"w", p.w}, {"b", p.b}});
    p.b.mutable_grad() = at::tensor(std::vector<float>{1, 1});
    opt.step(0.1);
    EXPECT_TRUE(at::equal(p.w, at::tensor(std::vector<float>{1, 2, 3, 4}).view({2, 2})));  // no grad: untouched
    EXPECT_FALSE(at::equal(p.b, at::tensor(std::vector<float>{0.5f, -0.5f})));

    TwoParams q;
    ds::AdamW other({{"w", q.w}, {"b", q.b}});
    other.load_state(opt.state(), opt.steps());
    EXPECT_EQ(other.steps(), 1);
    EXPECT_TRUE(at::equal(other.state().at("m/b"), opt.state().at("m/b")));
    auto broken = opt.state();
    broken["v/w"] = at::zeros({3});
    const std::string message = error_of([&] { other.load_state(broken, 1); });
    EXPECT_NE(message.find("v/w"), std::string::npos) << message;
    broken.erase("v/w");
    EXPECT_THROW(other.load_state(broken, 1), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// EMA and the learning rate

TEST(Ema, FollowsTheWarmedUpDecayAndLoadsByName) {
    const at::Tensor p0 = at::zeros({3});
    ds::Ema ema({{"p", p0}}, 0.9);
    ema.update({{"p", at::ones({3})}});  // decay min(0.9, 2/11)
    EXPECT_NEAR(ema.shadow().at("p")[0].item<double>(), 1 - 2.0 / 11, 1e-6);
    for (int i = 0; i < 200; ++i) ema.update({{"p", at::full({3}, 2.0)}});
    EXPECT_NEAR(ema.shadow().at("p")[1].item<double>(), 2.0, 1e-6);  // converges on a constant
    EXPECT_EQ(ema.updates(), 201);
    EXPECT_TRUE(at::equal(p0, at::zeros({3})));  // the shadow is a copy

    ds::Ema other({{"p", at::zeros({3})}}, 0.9);
    other.load(ema.shadow(), ema.updates());
    EXPECT_EQ(other.updates(), 201);
    EXPECT_TRUE(at::equal(other.shadow().at("p"), ema.shadow().at("p")));
    const std::string message = error_of([&] { other.load({{"p", at::zeros({4})}}, 1); });
    EXPECT_NE(message.find("matching tensor p"), std::string::npos) << message;
    EXPECT_THROW(other.load({{"q", at::zeros({3})}}, 1), std::runtime_error);
}

TEST(LearningRate, WarmsUpPeaksThenDecaysMonotonicallyToTheFloor) {
    const ds::LearningRateSchedule s{1e-3, 10, 0.1};
    const int64_t total = 100;
    EXPECT_NEAR(s.at(0, total), 1e-4, 1e-12);
    for (int64_t i = 1; i < 10; ++i) EXPECT_GT(s.at(i, total), s.at(i - 1, total)) << i;
    EXPECT_NEAR(s.at(9, total), 1e-3, 1e-12);
    EXPECT_NEAR(s.at(10, total), 1e-3, 1e-12);
    for (int64_t i = 11; i < total; ++i) {
        EXPECT_LE(s.at(i, total), s.at(i - 1, total)) << i;
        EXPECT_GE(s.at(i, total), 1e-4 - 1e-12) << i;
    }
    EXPECT_NEAR(s.at(55, total), 1e-3 * (0.1 + 0.9 * 0.5), 1e-9);  // half way: the cosine's middle
    EXPECT_NEAR(s.at(total - 1, total), 1e-4, 1e-6);               // the last step: at the floor
    EXPECT_NEAR(s.at(total, total), 1e-4, 1e-12);
    EXPECT_NEAR(s.at(5 * total, total), 1e-4, 1e-12);              // never below it
    const ds::LearningRateSchedule no_warmup{2e-3, 0, 0.0};
    EXPECT_NEAR(no_warmup.at(0, 10), 2e-3, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// The training loop

TEST(TrainingLoop, LogsEveryStepSavesEveryNAndAtTheEndAndResumesTheLog) {
    TempDir dir;
    const std::string log = dir.file("loss.csv");
    std::vector<int64_t> trained, saved;
    std::vector<ds::TrainingProgress> progress;
    ds::TrainingLoopOptions o;
    o.total_steps = 5;
    o.checkpoint_every = 2;
    o.loss_log_path = log;
    o.progress_every_seconds = 1e9;
    o.on_progress = [&](const ds::TrainingProgress& p) { progress.push_back(p); };
    auto step = [&](int64_t i) {
        trained.push_back(i);
        return ds::TrainingStepResult{1.0 / static_cast<double>(i + 1), 0.5};
    };
    auto save = [&](int64_t done) { saved.push_back(done); };
    EXPECT_EQ(ds::run_training_loop(0, o, step, save), 5);
    EXPECT_EQ(trained, (std::vector<int64_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(saved, (std::vector<int64_t>{2, 4, 5}));
    std::string text = read_all(log);
    EXPECT_EQ(text.rfind("step,loss,lr,seconds\n1,1,0.5,", 0), 0u) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6) << text;
    EXPECT_NE(text.find("\n5,0.2,0.5,"), std::string::npos) << text;
    // Progress: the first step and the last (the interval is never reached).
    ASSERT_EQ(progress.size(), 2u);
    EXPECT_EQ(progress[0].step, 1);
    EXPECT_EQ(progress[1].step, 5);
    EXPECT_EQ(progress[1].total, 5);
    EXPECT_EQ(progress[1].eta_seconds, 0.0);
    EXPECT_DOUBLE_EQ(progress[1].loss, 0.2);
    EXPECT_GT(progress[1].steps_per_second, 0.0);

    // Resume at 5 of 8: the log continues without a second header.
    trained.clear();
    saved.clear();
    o.total_steps = 8;
    EXPECT_EQ(ds::run_training_loop(5, o, step, save), 8);
    EXPECT_EQ(trained, (std::vector<int64_t>{5, 6, 7}));
    EXPECT_EQ(saved, (std::vector<int64_t>{6, 8}));
    text = read_all(log);
    EXPECT_EQ(text.find("step,loss"), 0u);
    EXPECT_EQ(text.find("step,loss", 1), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 9) << text;
    EXPECT_NE(text.find("\n8,0.125,0.5,"), std::string::npos) << text;

    // Nothing left to do: no step, no save.
    trained.clear();
    saved.clear();
    EXPECT_EQ(ds::run_training_loop(8, o, step, save), 8);
    EXPECT_TRUE(trained.empty());
    EXPECT_TRUE(saved.empty());
}

TEST(TrainingLoop, ANonFiniteLossThrowsNamingTheStepAndKeepsTheLastCheckpoint) {
    std::vector<int64_t> saved;
    ds::TrainingLoopOptions o;
    o.total_steps = 10;
    o.checkpoint_every = 2;
    auto step = [](int64_t i) {
        return ds::TrainingStepResult{i == 4 ? std::numeric_limits<double>::quiet_NaN() : 1.0, 1e-3};
    };
    const std::string message =
        error_of([&] { ds::run_training_loop(0, o, step, [&](int64_t d) { saved.push_back(d); }); });
    EXPECT_NE(message.find("not finite at step 5"), std::string::npos) << message;
    EXPECT_EQ(saved, (std::vector<int64_t>{2, 4}));  // nothing saved after the divergence
    auto inf = [](int64_t) { return ds::TrainingStepResult{std::numeric_limits<double>::infinity(), 1e-3}; };
    EXPECT_THROW(ds::run_training_loop(0, o, inf, [](int64_t) {}), std::runtime_error);
}

TEST(TrainingLoop, CancelStopsBetweenStepsAndSaves) {
    ds::CancelToken cancel;
    std::vector<int64_t> trained, saved;
    ds::TrainingLoopOptions o;
    o.total_steps = 10;
    o.checkpoint_every = 100;
    o.cancel = &cancel;
    auto step = [&](int64_t i) {
        trained.push_back(i);
        if (i == 2) cancel.cancel();
        return ds::TrainingStepResult{1.0, 1e-3};
    };
    EXPECT_EQ(ds::run_training_loop(0, o, step, [&](int64_t d) { saved.push_back(d); }), 3);
    EXPECT_EQ(trained, (std::vector<int64_t>{0, 1, 2}));
    EXPECT_EQ(saved, (std::vector<int64_t>{3}));
    // Cancelled before the first step: nothing trained, nothing saved over the old checkpoint.
    trained.clear();
    saved.clear();
    EXPECT_EQ(ds::run_training_loop(4, o, step, [&](int64_t d) { saved.push_back(d); }), 4);
    EXPECT_TRUE(trained.empty());
    EXPECT_TRUE(saved.empty());
}

TEST(TrainingLoop, ATimeLimitStopsBetweenStepsAndSaves) {
    std::vector<int64_t> trained, saved;
    ds::TrainingLoopOptions o;
    o.total_steps = 1000;
    o.checkpoint_every = 0;
    o.time_limit_seconds = 0.05;
    auto step = [&](int64_t i) {
        trained.push_back(i);
        usleep(20000);  // 20 ms a step: the limit falls after the third
        return ds::TrainingStepResult{1.0, 1e-3};
    };
    const int64_t done = ds::run_training_loop(0, o, step, [&](int64_t d) { saved.push_back(d); });
    EXPECT_GE(done, 3);
    EXPECT_LT(done, 1000);
    EXPECT_EQ(static_cast<int64_t>(trained.size()), done);
    EXPECT_EQ(saved, (std::vector<int64_t>{done}));  // the partial run is kept
}

TEST(TrainingLoop, AnUnwritableLogIsAnError) {
    ds::TrainingLoopOptions o;
    o.total_steps = 1;
    o.loss_log_path = "/nonexistent-folder/loss.csv";
    const std::string message =
        error_of([&] { ds::run_training_loop(0, o, [](int64_t) { return ds::TrainingStepResult{1, 1}; }, [](int64_t) {}); });
    EXPECT_NE(message.find("/nonexistent-folder/loss.csv"), std::string::npos) << message;
}

TEST(TrainingLoop, FormatsDurations) {
    EXPECT_EQ(ds::format_duration(42.4), "42s");
    EXPECT_EQ(ds::format_duration(185), "3m 05s");
    EXPECT_EQ(ds::format_duration(3720), "1h 02m");
    EXPECT_EQ(ds::format_duration(-5), "0s");
}

// ---------------------------------------------------------------------------------------------
// The trainers

TEST(AutoencoderTrainer, StepsLowerTheReconstructionLossAndTheEmaTrailsTheWeights) {
    ds::AdamWOptions o;
    o.weight_decay = 0;
    ds::AutoencoderTrainer trainer(tiny_vae(), 4, o);
    const at::Tensor images = tiny_images();
    const at::Tensor eps = ds::seeded_randn(9, {2, 4, 8, 8});
    auto loss_now = [&] {
        at::NoGradGuard no_grad;
        return ds::autoencoder_loss(trainer.model(), images, eps, trainer.kl_weight).reconstruction.item<double>();
    };
    const double before = loss_now();
    const auto initial = cloned(trainer.checkpoint(0).params);
    for (int i = 0; i < 25; ++i) {
        const ds::TrainingStepResult r = trainer.step(images, 2e-3, 100 + i);
        EXPECT_TRUE(std::isfinite(r.loss));
        EXPECT_EQ(r.learning_rate, 2e-3);
    }
    const double after = loss_now();
    EXPECT_LT(after, 0.8 * before) << "before " << before << ", after " << after;

    const auto params = trainer.checkpoint(25).params;
    const auto ema = trainer.ema_weights();
    ASSERT_EQ(ema.size(), params.size());
    const double ema_to_params = distance(ema, params), init_to_params = distance(initial, params);
    EXPECT_GT(ema_to_params, 0.0);
    EXPECT_GT(distance(ema, initial), 0.0);
    EXPECT_LT(ema_to_params, init_to_params);
    // The EMA weights are a working network under diffusers' names.
    EXPECT_NO_THROW(ds::AutoencoderKL::load(tiny_vae(), ds::WeightMap(ema)));
}

TEST(AutoencoderTrainer, DecoderOnlyKeepsTheEncoderAndSoTheLatents) {
    ds::AdamWOptions o;
    o.weight_decay = 0;
    ds::AutoencoderTrainer full(tiny_vae(), 4, o);
    full.step(tiny_images(), 2e-3, 1);
    TempDir dir;
    ds::save_train_checkpoint(dir.file("vae.ckpt"), full.checkpoint(1));

    // A fully trained checkpoint goes on decoder-only.
    ds::AutoencoderTrainer trainer(tiny_vae(), 5, o, c10::Device(c10::DeviceType::CPU), true);
    trainer.restore(ds::load_train_checkpoint(dir.file("vae.ckpt")));
    const at::Tensor images = tiny_images();
    const at::Tensor eps = ds::seeded_randn(9, {2, 4, 8, 8});
    auto loss_now = [&] {
        at::NoGradGuard no_grad;
        return ds::autoencoder_loss(trainer.model(), images, eps, trainer.kl_weight).reconstruction.item<double>();
    };
    at::Tensor latents_before;
    {
        at::NoGradGuard no_grad;
        latents_before = trainer.model().encode(images).mean.clone();
    }
    const double before = loss_now();
    const auto initial = cloned(trainer.checkpoint(1).params);
    // The frozen encoder is the full run's EMA one (what export would have shipped), not its weights.
    const auto full_ema = cloned(full.checkpoint(1).ema);
    for (int i = 0; i < 25; ++i) trainer.step(images, 2e-3, 100 + i);
    EXPECT_LT(loss_now(), 0.9 * before);
    const ds::TrainCheckpoint after = trainer.checkpoint(26);
    int decoder_changed = 0;
    for (const auto& [name, t] : after.params) {
        const bool decoder = name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
        if (decoder) {
            decoder_changed += at::equal(t, initial.at(name)) ? 0 : 1;
            continue;
        }
        EXPECT_TRUE(at::equal(t, full_ema.at(name))) << name << " is not the EMA encoder";
        EXPECT_TRUE(at::equal(after.ema.at(name), full_ema.at(name))) << name << "'s EMA moved";
    }
    EXPECT_GT(decoder_changed, 5);
    {
        at::NoGradGuard no_grad;
        EXPECT_TRUE(at::equal(trainer.model().encode(images).mean, latents_before));
    }
    EXPECT_EQ(after.info.at("trains"), "decoder");
    EXPECT_EQ(full.checkpoint(1).info.at("trains"), "all");

    // Its checkpoint holds no encoder moments: a full trainer refuses it, a decoder-only one takes it.
    ds::AutoencoderTrainer other_full(tiny_vae(), 6, o);
    try {
        other_full.restore(after);
        ADD_FAILURE() << "a decoder-only checkpoint was restored into a full trainer";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("trained decoder-only"), std::string::npos) << e.what();
    }
    ds::AutoencoderTrainer again(tiny_vae(), 6, o, c10::Device(c10::DeviceType::CPU), true);
    EXPECT_NO_THROW(again.restore(after));
}

TEST(TextToImageTrainer, StepsLowerTheLossAtFixedTimestepsAndTheEmaTrailsTheWeights) {
    ds::AdamWOptions o;
    o.weight_decay = 0;
    ds::TextToImageTrainer trainer(tiny_text(), tiny_unet(), cosine(), 4, o);
    const ds::TextToImageBatch batch = tiny_batch();
    const at::Tensor t = at::tensor(std::vector<int64_t>{150, 650});
    const at::Tensor noise = ds::seeded_randn(21, {2, 4, 8, 8});
    const double before = trainer.loss(batch, t, noise, false);
    EXPECT_DOUBLE_EQ(trainer.loss(batch, t, noise, true), before);  // the EMA starts as the weights
    const auto initial = cloned(trainer.checkpoint(0).params);
    for (int i = 0; i < 30; ++i) EXPECT_TRUE(std::isfinite(trainer.step(batch, 2e-3, 1000 + i).loss));
    const double after = trainer.loss(batch, t, noise, false);
    EXPECT_LT(after, 0.8 * before) << "before " << before << ", after " << after;
    const double ema_loss = trainer.loss(batch, t, noise, true);
    EXPECT_TRUE(std::isfinite(ema_loss));
    EXPECT_NE(ema_loss, after);

    const auto params = trainer.checkpoint(30).params;
    std::map<std::string, at::Tensor> ema;
    for (const auto& [k, v] : trainer.ema_text_encoder_weights()) ema["text_encoder/" + k] = v;
    for (const auto& [k, v] : trainer.ema_unet_weights()) ema["unet/" + k] = v;
    ASSERT_EQ(ema.size(), params.size());
    EXPECT_GT(distance(ema, params), 0.0);
    EXPECT_LT(distance(ema, params), distance(initial, params));
    EXPECT_TRUE(trainer.ema_text_encoder_weights().count("text_model.final_layer_norm.weight"));
    EXPECT_TRUE(trainer.ema_unet_weights().count("conv_in.weight"));
    EXPECT_NO_THROW(ds::UNet2DCondition::load(tiny_unet(), ds::WeightMap(trainer.ema_unet_weights())));
    EXPECT_EQ(trainer.schedule().size(), 1000);
}

TEST(TextToImageTrainer, AStepDependsOnlyOnItsNoiseSeed) {
    ds::TextToImageTrainer a(tiny_text(), tiny_unet(), cosine(), 8), b(tiny_text(), tiny_unet(), cosine(), 8);
    const ds::TextToImageBatch batch = tiny_batch();
    EXPECT_EQ(a.step(batch, 1e-3, 5).loss, b.step(batch, 1e-3, 5).loss);
    EXPECT_NE(a.step(batch, 1e-3, 6).loss, b.step(batch, 1e-3, 7).loss);
}

// The loss weights make the loss a weighted mean over latent cells: constant weights change nothing,
// a sample weighted 0 drops out exactly (each sample's prediction is its own), only the weights'
// ratios count, and misshapen weights are refused.
TEST(TextToImageTrainer, LossWeightsGiveTheWeightedMeanOverCells) {
    const ds::TextToImageTrainer trainer(tiny_text(), tiny_unet(), cosine(), 4);
    ds::TextToImageBatch batch = tiny_batch();
    const at::Tensor t = at::tensor(std::vector<int64_t>{150, 650});
    const at::Tensor noise = ds::seeded_randn(21, {2, 4, 8, 8});
    const double plain = trainer.loss(batch, t, noise, false);
    batch.loss_weight = at::full({2, 1, 8, 8}, 2.5);
    EXPECT_NEAR(trainer.loss(batch, t, noise, false), plain, 1e-6 * plain);

    batch.loss_weight = at::zeros({2, 1, 8, 8});
    batch.loss_weight[0].fill_(1.0);
    ds::TextToImageBatch first;
    first.latents = batch.latents.narrow(0, 0, 1);
    first.token_ids = batch.token_ids.narrow(0, 0, 1);
    const double first_only = trainer.loss(first, t.narrow(0, 0, 1), noise.narrow(0, 0, 1), false);
    EXPECT_NEAR(trainer.loss(batch, t, noise, false), first_only, 1e-5 * first_only);
    EXPECT_GT(std::abs(first_only - plain), 1e-3 * plain) << "the two samples' losses should differ";

    // The left half of every picture: weights 1 and 4 there give the same mean, and it differs from
    // the whole picture's.
    at::Tensor left = at::zeros({2, 1, 8, 8});
    left.narrow(3, 0, 4).fill_(1.0);
    batch.loss_weight = left;
    const double left_loss = trainer.loss(batch, t, noise, false);
    batch.loss_weight = left * 4.0;
    EXPECT_NEAR(trainer.loss(batch, t, noise, false), left_loss, 1e-6 * left_loss);
    EXPECT_GT(std::abs(left_loss - plain), 1e-4 * plain);

    batch.loss_weight = at::ones({2, 4, 8, 8});
    EXPECT_THROW(trainer.loss(batch, t, noise, false), std::invalid_argument);
    batch.loss_weight = at::ones({1, 1, 8, 8});
    EXPECT_THROW(trainer.loss(batch, t, noise, false), std::invalid_argument);
}

// Min-SNR-gamma: weight 1 where SNR(t) <= gamma, gamma / SNR(t) above, so it never rises as t
// falls; a trainer with it weights each sample's loss by exactly that.
TEST(TextToImageTrainer, MinSnrWeightsCapTheLowNoiseSteps) {
    const ds::NoiseSchedule schedule(cosine());
    const at::Tensor t = at::arange(1000, at::kLong);
    const at::Tensor w = ds::min_snr_weights(schedule, t, 5.0);
    ASSERT_EQ(w.sizes(), (std::vector<int64_t>{1000}));
    for (int k : {0, 10, 100, 250, 400, 700, 999}) {
        const double snr = schedule.snr(k);
        EXPECT_NEAR(w[k].item<float>(), snr <= 5.0 ? 1.0 : 5.0 / snr, 1e-6) << k;
    }
    EXPECT_LT(w[0].item<float>(), 1e-3f);
    EXPECT_EQ(w[999].item<float>(), 1.0f);
    EXPECT_TRUE(at::all(w.narrow(0, 1, 999) >= w.narrow(0, 0, 999)).item<bool>()) << "rises as t falls";
    ds::ScheduleConfig zero_terminal = cosine();
    zero_terminal.zero_terminal_snr = true;
    const ds::NoiseSchedule zt(zero_terminal);
    ASSERT_EQ(zt.alphas_cumprod().back(), 0.0);
    EXPECT_EQ(ds::min_snr_weights(zt, at::tensor(std::vector<int64_t>{999}), 5.0)[0].item<float>(), 1.0f);
    EXPECT_THROW(ds::min_snr_weights(schedule, t, 0.0), std::invalid_argument);
    EXPECT_THROW(ds::min_snr_weights(schedule, at::tensor(std::vector<int64_t>{1000}), 5.0), std::invalid_argument);

    // One step with and without: the same t and noise (from the seed), so the weighted loss is the
    // plain per-sample losses times those weights; a gamma above every sampled SNR changes nothing.
    ds::TextToImageTrainer plain(tiny_text(), tiny_unet(), cosine(), 4), capped(tiny_text(), tiny_unet(), cosine(), 4),
        loose(tiny_text(), tiny_unet(), cosine(), 4);
    capped.min_snr_gamma = 1e-3;
    loose.min_snr_gamma = 1e9;
    const ds::TextToImageBatch batch = tiny_batch();
    const double p = plain.step(batch, 1e-3, 77).loss;
    EXPECT_LT(capped.step(batch, 1e-3, 77).loss, 0.5 * p);
    EXPECT_NEAR(loose.step(batch, 1e-3, 77).loss, p, 1e-6 * p);
}

// ---------------------------------------------------------------------------------------------
// Training checkpoints

TEST(TrainCheckpoint, ARestoredTrainerContinuesExactlyAsTheOriginal) {
    TempDir dir;
    const ds::TextToImageBatch batch = tiny_batch();
    ds::TextToImageTrainer original(tiny_text(), tiny_unet(), cosine(), 4);
    for (int i = 0; i < 3; ++i) original.step(batch, 1e-3, 50 + i);
    ds::TrainCheckpoint c = original.checkpoint(3);
    c.info["note"] = "kept";
    ds::save_train_checkpoint(dir.file("t2i.ckpt"), c);

    const ds::TrainCheckpoint loaded = ds::load_train_checkpoint(dir.file("t2i.ckpt"));
    EXPECT_EQ(loaded.step, 3);
    EXPECT_EQ(loaded.info.at("kind"), "text-to-image");
    EXPECT_EQ(loaded.info.at("note"), "kept");
    EXPECT_EQ(loaded.info.at("optimizer_steps"), "3");
    expect_maps_equal(loaded.params, c.params, "params");
    expect_maps_equal(loaded.ema, c.ema, "ema");
    expect_maps_equal(loaded.optimizer, c.optimizer, "optimizer");
    EXPECT_EQ(loaded.optimizer.size(), 2 * loaded.params.size());

    ds::TextToImageTrainer restored(tiny_text(), tiny_unet(), cosine(), 99);  // other initial weights
    restored.restore(loaded);
    const double a = original.step(batch, 1e-3, 53).loss;
    const double b = restored.step(batch, 1e-3, 53).loss;
    EXPECT_EQ(a, b);
    const ds::TrainCheckpoint ca = original.checkpoint(4), cb = restored.checkpoint(4);
    expect_maps_equal(ca.params, cb.params, "params after a step");
    expect_maps_equal(ca.ema, cb.ema, "ema after a step");
    expect_maps_equal(ca.optimizer, cb.optimizer, "moments after a step");
    EXPECT_EQ(cb.info.at("optimizer_steps"), "4");
    EXPECT_EQ(cb.info.at("ema_updates"), "4");
}

TEST(TrainCheckpoint, AutoencoderRoundTripContinuesExactly) {
    TempDir dir;
    const at::Tensor images = tiny_images();
    ds::AutoencoderTrainer original(tiny_vae(), 1);
    original.step(images, 1e-3, 1);
    original.step(images, 1e-3, 2);
    ds::save_train_checkpoint(dir.file("vae.ckpt"), original.checkpoint(2));
    ds::AutoencoderTrainer restored(tiny_vae(), 2);
    restored.restore(ds::load_train_checkpoint(dir.file("vae.ckpt")));
    EXPECT_EQ(original.step(images, 1e-3, 3).loss, restored.step(images, 1e-3, 3).loss);
    expect_maps_equal(original.checkpoint(3).params, restored.checkpoint(3).params, "params");
    expect_maps_equal(original.ema_weights(), restored.ema_weights(), "ema");
}

TEST(TrainCheckpoint, TheWrongKindOrShapesAreClearErrors) {
    ds::AutoencoderTrainer vae(tiny_vae(), 1);
    ds::TextToImageTrainer t2i(tiny_text(), tiny_unet(), cosine(), 1);
    std::string message = error_of([&] { t2i.restore(vae.checkpoint(0)); });
    EXPECT_NE(message.find("autoencoder checkpoint, not a text-to-image one"), std::string::npos) << message;
    message = error_of([&] { vae.restore(t2i.checkpoint(0)); });
    EXPECT_NE(message.find("text-to-image checkpoint, not an autoencoder one"), std::string::npos) << message;

    ds::UNetConfig wider = tiny_unet();
    wider.block_out_channels = {32, 64};
    ds::TextToImageTrainer other(tiny_text(), wider, cosine(), 1);
    message = error_of([&] { other.restore(t2i.checkpoint(0)); });
    EXPECT_NE(message.find("does not fit the model: unet/"), std::string::npos) << message;

    ds::AutoencoderConfig bigger = tiny_vae();
    bigger.block_out_channels = {16, 32};
    ds::AutoencoderTrainer other_vae(bigger, 1);
    message = error_of([&] { other_vae.restore(vae.checkpoint(0)); });
    EXPECT_NE(message.find("does not fit the autoencoder"), std::string::npos) << message;

    ds::TrainCheckpoint no_moments = t2i.checkpoint(0);
    no_moments.optimizer.clear();
    message = error_of([&] { t2i.restore(no_moments); });
    EXPECT_NE(message.find("optimiser state has no matching"), std::string::npos) << message;
    ds::TrainCheckpoint no_ema = t2i.checkpoint(0);
    no_ema.ema.erase(no_ema.ema.begin());
    message = error_of([&] { t2i.restore(no_ema); });
    EXPECT_NE(message.find("EMA state has no matching tensor"), std::string::npos) << message;
}

TEST(TrainCheckpoint, BrokenFilesAreErrorsNotCrashes) {
    TempDir dir;
    ds::AutoencoderTrainer vae(tiny_vae(), 1);
    ds::save_train_checkpoint(dir.file("good.ckpt"), vae.checkpoint(7));
    const std::string good = read_all(dir.file("good.ckpt"));
    ASSERT_GT(good.size(), 1000u);
    auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir.file(name), std::ios::binary) << bytes;
        return dir.file(name);
    };
    for (const size_t keep : {size_t{0}, size_t{5}, size_t{100}, good.size() / 2, good.size() - 1}) {
        const std::string path = write("cut.ckpt", good.substr(0, keep));
        EXPECT_THROW(ds::load_train_checkpoint(path), std::exception) << keep << " bytes";
    }
    std::string scrambled = good;
    for (size_t i = 8; i < 60 && i < scrambled.size(); ++i) scrambled[i] = '#';
    EXPECT_THROW(ds::load_train_checkpoint(write("scrambled.ckpt", scrambled)), std::exception);
    std::string message = error_of([&] { ds::load_train_checkpoint(dir.file("missing.ckpt")); });
    EXPECT_NE(message.find("missing.ckpt"), std::string::npos) << message;

    // Valid safetensors that are not training checkpoints.
    ds::write_safetensors(dir.file("plain.safetensors"), {{"param/x", at::zeros({2})}});
    message = error_of([&] { ds::load_train_checkpoint(dir.file("plain.safetensors")); });
    EXPECT_NE(message.find("not a Diffusion Studio training checkpoint"), std::string::npos) << message;
    const std::map<std::string, std::string> meta{{"format", "diffusion-studio-train-checkpoint/1"}, {"step", "x"}};
    ds::write_safetensors(dir.file("step.safetensors"), {{"param/x", at::zeros({2})}}, meta);
    message = error_of([&] { ds::load_train_checkpoint(dir.file("step.safetensors")); });
    EXPECT_NE(message.find("no valid step"), std::string::npos) << message;
    auto meta_ok = meta;
    meta_ok["step"] = "3";
    ds::write_safetensors(dir.file("stray.safetensors"), {{"param/x", at::zeros({2})}, {"stray", at::zeros({1})}}, meta_ok);
    message = error_of([&] { ds::load_train_checkpoint(dir.file("stray.safetensors")); });
    EXPECT_NE(message.find("unexpected tensor stray"), std::string::npos) << message;
    ds::write_safetensors(dir.file("empty.safetensors"), {{"ema/x", at::zeros({2})}}, meta_ok);
    message = error_of([&] { ds::load_train_checkpoint(dir.file("empty.safetensors")); });
    EXPECT_NE(message.find("holds no weights"), std::string::npos) << message;

    // The good file still loads (the failed loads did not touch it).
    EXPECT_EQ(ds::load_train_checkpoint(dir.file("good.ckpt")).step, 7);
}

TEST(TrainCheckpoint, SavingOverAnExistingCheckpointReplacesItWhole) {
    TempDir dir;
    ds::AutoencoderTrainer vae(tiny_vae(), 1);
    ds::save_train_checkpoint(dir.file("c.ckpt"), vae.checkpoint(1));
    vae.step(tiny_images(), 1e-3, 1);
    ds::save_train_checkpoint(dir.file("c.ckpt"), vae.checkpoint(2));
    const ds::TrainCheckpoint back = ds::load_train_checkpoint(dir.file("c.ckpt"));
    EXPECT_EQ(back.step, 2);
    expect_maps_equal(back.params, vae.checkpoint(2).params, "params");
    // No temporary file is left next to it.
    int files = 0;
    for (const auto& e : fs::directory_iterator(fs::path(dir.file("c.ckpt")).parent_path())) files += e.is_regular_file();
    EXPECT_EQ(files, 1);
}

// ---------------------------------------------------------------------------------------------
// Starting the inpainting UNet from a text-to-image one

TEST(TextToImageTrainer, InitialiseFromWidensConvInWithZeroChannels) {
    ds::TextToImageTrainer source(tiny_text(), tiny_unet(), cosine(), 2);
    source.step(tiny_batch(), 1e-3, 1);
    const ds::TrainCheckpoint c = source.checkpoint(1);

    ds::UNetConfig nine = tiny_unet();
    nine.in_channels = 9;
    ds::TextToImageTrainer inpaint(tiny_text(), nine, cosine(), 3);
    inpaint.initialise_from(c.ema);
    const ds::TrainCheckpoint after = inpaint.checkpoint(0);
    const at::Tensor src = c.ema.at("unet/conv_in.weight");
    const at::Tensor dst = after.params.at("unet/conv_in.weight");
    ASSERT_EQ(dst.sizes(), (std::vector<int64_t>{32, 9, 3, 3}));
    EXPECT_TRUE(at::equal(dst.narrow(1, 0, 4), src));
    EXPECT_TRUE(at::equal(dst.narrow(1, 4, 5), at::zeros({32, 5, 3, 3})));
    for (const auto& [name, t] : after.params) {
        if (name == "unet/conv_in.weight") continue;
        EXPECT_TRUE(at::equal(t, c.ema.at(name))) << name;
    }
    expect_maps_equal(after.ema, after.params, "the EMA restarts at the new weights");
    EXPECT_EQ(after.info.at("ema_updates"), "0");

    // With zero extra channels, the conditioning does not change the prediction at first.
    ds::TextToImageBatch batch = tiny_batch();
    const at::Tensor t = at::tensor(std::vector<int64_t>{300, 300});
    const at::Tensor noise = ds::seeded_randn(3, {2, 4, 8, 8});
    batch.conditioning = at::zeros({2, 5, 8, 8});
    const double zero_cond = inpaint.loss(batch, t, noise, false);
    batch.conditioning = ds::seeded_randn(4, {2, 5, 8, 8});
    EXPECT_DOUBLE_EQ(inpaint.loss(batch, t, noise, false), zero_cond);
    EXPECT_TRUE(std::isfinite(inpaint.step(batch, 1e-3, 9).loss));
}

TEST(TextToImageTrainer, InitialiseFromNamesAMissingOrMisshapenTensor) {
    ds::TextToImageTrainer source(tiny_text(), tiny_unet(), cosine(), 2);
    auto weights = source.checkpoint(0).params;
    ds::TextToImageTrainer target(tiny_text(), tiny_unet(), cosine(), 3);
    auto missing = weights;
    missing.erase("unet/conv_out.bias");
    std::string message = error_of([&] { target.initialise_from(missing); });
    EXPECT_NE(message.find("have no unet/conv_out.bias"), std::string::npos) << message;
    auto misshapen = weights;
    misshapen["unet/conv_out.weight"] = at::zeros({4, 16, 3, 3});
    message = error_of([&] { target.initialise_from(misshapen); });
    EXPECT_NE(message.find("unet/conv_out.weight is [4,16,3,3], expected [4,32,3,3]"), std::string::npos) << message;
    // A wider source conv_in does not narrow into a smaller one.
    ds::UNetConfig nine = tiny_unet();
    nine.in_channels = 9;
    ds::TextToImageTrainer wide(tiny_text(), nine, cosine(), 2);
    message = error_of([&] { target.initialise_from(wide.checkpoint(0).params); });
    EXPECT_NE(message.find("conv_in.weight"), std::string::npos) << message;
}
