// Asserts the SD 1.x/2.x UNet (UNet2DConditionModel) against diffusers 0.24: noise predictions of
// the sd-tiny fixture for scalar, per-sample and non-square inputs and the timestep embedding
// (golden/unet.safetensors, manifest tolerances); config.json parsing, rejection of unsupported
// options and inference from weight shapes; the linear-projection (SD 2.x) path; deeper transformers;
// odd latent sizes; one WeightError naming missing/misshapen/unexpected tensors; clear errors for
// bad inputs.
// To add a golden case: add a row to kGoldenCases (output name, manifest case, timestep value).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <string>

#include "core/io/safetensors.h"
#include "core/model/timestep_embedding.h"
#include "core/model/unet2d_condition.h"
#include "core/model/unet_config.h"
#include "core/model/weight_loading.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

const char* kGolden = "golden/unet.safetensors";
const char* kUnetDir = "diffusers/unet";

ds::UNetConfig fixture_config() { return ds::load_unet_config(ds::test::sd_tiny_path("diffusers/unet/config.json")); }

// A fresh map each time: a WeightMap records which names were asked for.
ds::WeightMap fixture_weights() {
    return ds::weights_from_safetensors(
        ds::SafetensorsFile::open(ds::test::sd_tiny_path("diffusers/unet/diffusion_pytorch_model.safetensors")));
}

ds::SafetensorsFile golden_file() { return ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden)); }

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

#define REQUIRE_UNET_FIXTURES()                                      \
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path(kGolden));             \
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path(kUnetDir))

struct GoldenCase {
    const char* output;
    const char* manifest_case;
    int64_t timestep;
};

const GoldenCase kGoldenCases[] = {
    {"noise_pred.t1", "unet_t1", 1},
    {"noise_pred.t500", "unet_t500", 500},
    {"noise_pred.t999", "unet_t999", 999},
};

TEST(UnetModel, MatchesGoldenForScalarTimesteps) {
    REQUIRE_UNET_FIXTURES();
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), fixture_weights());
    const at::Tensor sample = golden.tensor("sample", at::kFloat);
    const at::Tensor context = golden.tensor("encoder_hidden_states", at::kFloat);
    for (const GoldenCase& c : kGoldenCases) {
        SCOPED_TRACE(c.output);
        const double tol = ds::test::case_max_abs(kGolden, c.manifest_case);
        const at::Tensor expected = ds::test::golden_tensor(golden, c.output);
        // A 0-dim integer timestep, as the pipelines pass an int.
        const at::Tensor out = unet.forward(sample, at::scalar_tensor(c.timestep, at::kLong), context);
        EXPECT_EQ(out.scalar_type(), at::kFloat);
        const double diff = ds::test::max_abs_diff(out, expected);
        RecordProperty(std::string("max_abs_diff.") + c.output, ::testing::PrintToString(diff));
        EXPECT_LE(diff, tol);
        // The same t as a float [1] tensor (Euler-style samplers pass floats) gives the same result.
        const at::Tensor out_float = unet.forward(sample, at::full({1}, double(c.timestep), at::kFloat), context);
        EXPECT_LE(ds::test::max_abs_diff(out_float, expected), tol);
    }
}

TEST(UnetModel, MatchesGoldenForPerSampleTimesteps) {
    REQUIRE_UNET_FIXTURES();
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), fixture_weights());
    const at::Tensor t = golden.tensor("timesteps_vec");
    ASSERT_EQ(t.scalar_type(), at::kLong);
    const at::Tensor out = unet.forward(golden.tensor("sample", at::kFloat), t,
                                        golden.tensor("encoder_hidden_states", at::kFloat));
    const at::Tensor expected = ds::test::golden_tensor(golden, "noise_pred.tvec");
    EXPECT_LE(ds::test::max_abs_diff(out, expected), ds::test::case_max_abs(kGolden, "unet_per_sample_timesteps"));
    // Row 0 ran at t=1 and row 1 at t=999: each row matches the scalar-timestep golden's row.
    const double tol = ds::test::case_max_abs(kGolden, "unet_t1");
    EXPECT_LE(ds::test::max_abs_diff(out[0], ds::test::golden_tensor(golden, "noise_pred.t1")[0]), tol);
    EXPECT_LE(ds::test::max_abs_diff(out[1], ds::test::golden_tensor(golden, "noise_pred.t999")[1]), tol);
}

TEST(UnetModel, MatchesGoldenForNonSquareLatent) {
    REQUIRE_UNET_FIXTURES();
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), fixture_weights());
    const at::Tensor context = golden.tensor("encoder_hidden_states", at::kFloat).slice(0, 1, 2);
    const at::Tensor out = unet.forward(golden.tensor("sample_nonsquare", at::kFloat),
                                        at::scalar_tensor(500, at::kLong), context);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 4, 16, 24}));
    EXPECT_LE(ds::test::max_abs_diff(out, ds::test::golden_tensor(golden, "noise_pred_nonsquare.t500")),
              ds::test::case_max_abs(kGolden, "unet_nonsquare"));
}

TEST(UnetModel, OddLatentSizesKeepTheirShape) {
    REQUIRE_UNET_FIXTURES();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), fixture_weights());
    // 15 x 21 halves to 8x11, 4x6, 2x3: the up path must upsample to each skip's size, not 2x.
    const at::Tensor sample = at::randn({1, 4, 15, 21}, at::TensorOptions().dtype(at::kFloat));
    const at::Tensor out = unet.forward(sample, at::scalar_tensor(10.5), at::randn({1, 7, 32}));
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 4, 15, 21}));
    EXPECT_TRUE(at::isfinite(out).all().item<bool>());
}

TEST(UnetModel, LinearProjectionMatchesConvProjection) {
    REQUIRE_UNET_FIXTURES();
    // SD 2.x stores proj_in/proj_out as Linear [out, in]; a 1x1 conv is the same map, so the fixture
    // with squeezed projection weights must predict the same noise through the linear path.
    const ds::WeightMap conv = fixture_weights();
    ds::WeightMap linear;
    for (const auto& [name, tensor] : conv.tensors()) {
        const bool proj = name.find(".proj_in.weight") != std::string::npos ||
                          name.find(".proj_out.weight") != std::string::npos;
        linear.insert(name, proj ? tensor.flatten(1) : tensor);
    }
    ds::UNetConfig config = ds::infer_unet_config(linear, "", ds::UNetHeads::fixed_count(8));
    EXPECT_TRUE(config.use_linear_projection);
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(config, linear);
    const at::Tensor out = unet.forward(golden.tensor("sample", at::kFloat), at::scalar_tensor(500, at::kLong),
                                        golden.tensor("encoder_hidden_states", at::kFloat));
    EXPECT_LE(ds::test::max_abs_diff(out, ds::test::golden_tensor(golden, "noise_pred.t500")),
              ds::test::case_max_abs(kGolden, "unet_t500"));
}

TEST(UnetModel, DeeperTransformersRunEveryBlock) {
    REQUIRE_UNET_FIXTURES();
    // Every transformer gets a second BasicTransformerBlock, a copy of the first whose output
    // projections (attention to_out, ff.net.2) are zero: an identity, so the prediction is unchanged,
    // while transformer_layers_per_block 2 is inferred and every extra weight must be consumed.
    const ds::WeightMap plain = fixture_weights();
    ds::WeightMap deeper;
    const std::string first = ".transformer_blocks.0.";
    for (const auto& [name, tensor] : plain.tensors()) {
        deeper.insert(name, tensor);
        const size_t at = name.find(first);
        if (at == std::string::npos) continue;
        const bool output = name.find("to_out.0.") != std::string::npos || name.find("ff.net.2.") != std::string::npos;
        deeper.insert(name.substr(0, at) + ".transformer_blocks.1." + name.substr(at + first.size()),
                      output ? at::zeros_like(tensor) : tensor);
    }
    const ds::UNetConfig config = ds::infer_unet_config(deeper, "", ds::UNetHeads::fixed_count(8));
    EXPECT_EQ(config.transformer_layers_per_block, (std::vector<int64_t>{2}));
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(config, deeper);
    const at::Tensor out = unet.forward(golden.tensor("sample", at::kFloat), at::scalar_tensor(1, at::kLong),
                                        golden.tensor("encoder_hidden_states", at::kFloat));
    EXPECT_LE(ds::test::max_abs_diff(out, ds::test::golden_tensor(golden, "noise_pred.t1")),
              ds::test::case_max_abs(kGolden, "unet_t1"));
}

TEST(UnetModel, LoadsUnderAPrefix) {
    REQUIRE_UNET_FIXTURES();
    const ds::WeightMap plain = fixture_weights();
    ds::WeightMap prefixed;
    for (const auto& [name, tensor] : plain.tensors()) prefixed.insert("unet." + name, tensor);
    prefixed.insert("vae.other", at::zeros({1}));  // outside the prefix: ignored
    const auto golden = golden_file();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), prefixed, "unet");
    const at::Tensor out = unet.forward(golden.tensor("sample", at::kFloat), at::scalar_tensor(999, at::kLong),
                                        golden.tensor("encoder_hidden_states", at::kFloat));
    EXPECT_LE(ds::test::max_abs_diff(out, ds::test::golden_tensor(golden, "noise_pred.t999")),
              ds::test::case_max_abs(kGolden, "unet_t999"));
}

TEST(UnetModel, WeightProblemsAreListedInOneError) {
    REQUIRE_UNET_FIXTURES();
    const std::string missing = "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight";
    const ds::WeightMap good = fixture_weights();
    ds::WeightMap broken;
    for (const auto& [name, tensor] : good.tensors()) {
        if (name == missing) continue;
        broken.insert(name, name == "conv_in.weight" ? at::zeros({32, 5, 3, 3}) : tensor);
    }
    broken.insert("down_blocks.9.resnets.0.conv1.weight", at::zeros({1}));
    std::string message;
    try {
        ds::UNet2DCondition::load(fixture_config(), broken);
    } catch (const ds::WeightError& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("UNet"), std::string::npos) << message;
    EXPECT_NE(message.find("missing: " + missing), std::string::npos) << message;
    EXPECT_NE(message.find("conv_in.weight is [32,5,3,3], expected [32,4,3,3]"), std::string::npos) << message;
    EXPECT_NE(message.find("unexpected: down_blocks.9.resnets.0.conv1.weight"), std::string::npos) << message;
}

TEST(UnetModel, RejectsMalformedInputs) {
    REQUIRE_UNET_FIXTURES();
    const auto unet = ds::UNet2DCondition::load(fixture_config(), fixture_weights());
    const at::Tensor sample = at::zeros({2, 4, 8, 8});
    const at::Tensor context = at::zeros({2, 77, 32});
    const at::Tensor t = at::scalar_tensor(1, at::kLong);
    EXPECT_NE(error_of([&] { unet.forward(at::zeros({2, 3, 8, 8}), t, context); }).find("sample must be [B, 4, H, W]"),
              std::string::npos);
    EXPECT_NE(error_of([&] { unet.forward(sample, t, at::zeros({1, 77, 32})); }).find("encoder_hidden_states"),
              std::string::npos);
    EXPECT_NE(error_of([&] { unet.forward(sample, t, at::zeros({2, 77, 768})); }).find("cross_attention_dim is 32"),
              std::string::npos);
    EXPECT_NE(error_of([&] { unet.forward(sample, at::zeros({3}), context); }).find("timesteps"), std::string::npos);
}

TEST(UnetTimeEmbedding, MatchesGolden) {
    REQUIRE_UNET_FIXTURES();
    const auto golden = golden_file();
    const at::Tensor t = golden.tensor("debug.timesteps");
    const double tol = ds::test::case_max_abs(kGolden, "unet_time_embedding");
    const ds::UNetConfig config = fixture_config();
    const at::Tensor proj = ds::timestep_sinusoidal_embedding(t, 32, config.flip_sin_to_cos, config.freq_shift);
    EXPECT_LE(ds::test::max_abs_diff(proj, ds::test::golden_tensor(golden, "debug.time_proj")), tol);
    const auto unet = ds::UNet2DCondition::load(config, fixture_weights());
    EXPECT_LE(ds::test::max_abs_diff(unet.time_embedding(t), ds::test::golden_tensor(golden, "debug.time_embedding")),
              tol);
}

TEST(UnetTimeEmbedding, FollowsTheSinusoidFormula) {
    // dim 7 (odd: zero last column), no flip ([sin, cos]), freq_shift 1, fractional t.
    const std::vector<double> ts{0.0, 3.25, 946.42108};
    const at::Tensor emb = ds::timestep_sinusoidal_embedding(at::tensor(ts, at::kDouble), 7, false, 1.0);
    ASSERT_EQ(emb.sizes(), (std::vector<int64_t>{3, 7}));
    ASSERT_EQ(emb.scalar_type(), at::kFloat);
    for (size_t r = 0; r < ts.size(); ++r) {
        for (int k = 0; k < 3; ++k) {
            const double f = std::exp(-std::log(10000.0) * k / (3 - 1.0));
            EXPECT_NEAR(emb[r][k].item<double>(), std::sin(ts[r] * f), 2e-4) << r << "," << k;
            EXPECT_NEAR(emb[r][3 + k].item<double>(), std::cos(ts[r] * f), 2e-4) << r << "," << k;
        }
        EXPECT_EQ(emb[r][6].item<double>(), 0.0);
    }
    // flip_sin_to_cos swaps the halves.
    const at::Tensor flipped = ds::timestep_sinusoidal_embedding(at::tensor(ts, at::kDouble), 6, true, 1.0);
    EXPECT_TRUE(at::equal(flipped.slice(1, 0, 3), emb.slice(1, 3, 6)));
    EXPECT_TRUE(at::equal(flipped.slice(1, 3, 6), emb.slice(1, 0, 3)));
}

TEST(UnetConfig, ParsesTheFixtureConfig) {
    REQUIRE_UNET_FIXTURES();
    const ds::UNetConfig c = fixture_config();
    EXPECT_EQ(c.in_channels, 4);
    EXPECT_EQ(c.out_channels, 4);
    EXPECT_EQ(c.block_out_channels, (std::vector<int64_t>{32, 64, 64, 64}));
    EXPECT_EQ(c.layers(0), 2);
    EXPECT_EQ(c.down_block_types.back(), "DownBlock2D");
    EXPECT_EQ(c.up_block_types.front(), "UpBlock2D");
    EXPECT_TRUE(c.down_has_attention(0));
    EXPECT_FALSE(c.up_has_attention(0));
    EXPECT_EQ(c.mid_block_type, "UNetMidBlock2DCrossAttn");
    // attention_head_dim 8 with num_attention_heads null means 8 heads: width 4 at 32 channels, 8 at 64.
    EXPECT_EQ(c.heads(0), 8);
    EXPECT_EQ(c.head_dim(0), 4);
    EXPECT_EQ(c.head_dim(1), 8);
    EXPECT_EQ(c.cross_dim(2), 32);
    EXPECT_EQ(c.time_embed_dim(), 128);
    EXPECT_EQ(c.sample_size, 16);
    EXPECT_TRUE(c.flip_sin_to_cos);
    EXPECT_EQ(c.freq_shift, 0.0);
    EXPECT_FALSE(c.use_linear_projection);
    EXPECT_EQ(c.norm_num_groups, 32);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
}

TEST(UnetConfig, ParsesSd2StyleListsAndDefaults) {
    // SD 2.1's config: per-block head counts ([5, 10, 20, 20] = 64-wide heads), linear projections.
    const ds::UNetConfig c = ds::parse_unet_config(R"({
        "_class_name": "UNet2DConditionModel", "attention_head_dim": [5, 10, 20, 20],
        "block_out_channels": [320, 640, 1280, 1280], "cross_attention_dim": 1024,
        "use_linear_projection": true, "upcast_attention": true, "num_attention_heads": null,
        "class_embed_type": null, "dual_cross_attention": false, "only_cross_attention": false,
        "sample_size": 96})");
    EXPECT_EQ(c.attention_head_dim, (std::vector<int64_t>{5, 10, 20, 20}));
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(c.head_dim(i), 64) << i;
    EXPECT_EQ(c.heads(3), 20);
    EXPECT_EQ(c.cross_dim(0), 1024);
    EXPECT_TRUE(c.use_linear_projection);
    EXPECT_EQ(c.time_embed_dim(), 1280);
    // Keys a config lacks take diffusers' defaults: "{}" is the default config.
    EXPECT_EQ(ds::parse_unet_config("{}"), ds::UNetConfig{});
    // num_attention_heads, when given, counts heads and wins over attention_head_dim.
    EXPECT_EQ(ds::parse_unet_config(R"({"num_attention_heads": 16, "attention_head_dim": 8})").heads(1), 16);
    // An explicit null mid_block_type means "no mid block".
    EXPECT_EQ(ds::parse_unet_config(R"({"mid_block_type": null})").mid_block_type, "");
}

TEST(UnetConfig, RejectsUnsupportedOrInvalidConfigs) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"class_embed_type": "timestep"})", "class_embed_type"},
        {R"({"addition_embed_type": "text_time"})", "addition_embed_type"},
        {R"({"resnet_time_scale_shift": "scale_shift"})", "resnet_time_scale_shift"},
        {R"({"only_cross_attention": [false, true, false, false]})", "only_cross_attention"},
        {R"({"_class_name": "UNet2DModel"})", "_class_name"},
        {R"({"down_block_types": ["SimpleCrossAttnDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"]})",
         "unsupported down block type 'SimpleCrossAttnDownBlock2D'"},
        {R"({"block_out_channels": [320, 640]})", "down_block_types must have one entry"},
        {R"({"block_out_channels": [320, 640, 1280, 1000]})", "not divisible by norm_num_groups"},
        {R"({"attention_head_dim": 7})", "attention heads"},
        {R"({"layers_per_block": [2, 2]})", "layers_per_block must be one value or one per block"},
        {R"({"cross_attention_dim": "768"})", "cross_attention_dim must be an integer"},
        {R"({"in_channels": "4"})", "in_channels has the wrong type"},
        {R"({"in_channels": 4,)", "malformed JSON"},
        {R"([1, 2])", "expected a JSON object"},
    };
    for (const auto& [json, expected] : cases) {
        std::string message;
        try {
            ds::parse_unet_config(json);
        } catch (const ds::UNetConfigError& e) {
            message = e.what();
        }
        EXPECT_NE(message.find(expected), std::string::npos) << json << " -> '" << message << "'";
    }
    const std::string path = "/nonexistent/unet/config.json";
    EXPECT_NE(error_of([&] { ds::load_unet_config(path); }).find(path), std::string::npos);
}

TEST(UnetConfig, InfersTheFixtureConfigFromWeights) {
    REQUIRE_UNET_FIXTURES();
    const ds::WeightMap weights = fixture_weights();
    const ds::UNetConfig inferred = ds::infer_unet_config(weights, "", ds::UNetHeads::fixed_count(8));
    EXPECT_EQ(inferred, fixture_config());
    EXPECT_EQ(inferred.cross_dim(0), 32);
    // SD 2.x style: a fixed head width gives per-block head counts (here 32/4 and 64/4).
    const ds::UNetConfig by_width = ds::infer_unet_config(weights, "", ds::UNetHeads::fixed_width(4));
    EXPECT_EQ(by_width.attention_head_dim, (std::vector<int64_t>{8, 16, 16, 16}));
    // A width that does not divide the channels, and weights without a UNet, are clear errors.
    EXPECT_NE(error_of([&] { ds::infer_unet_config(weights, "", ds::UNetHeads::fixed_width(64)); })
                  .find("not a multiple of the head width 64"),
              std::string::npos);
    EXPECT_NE(error_of([&] { ds::infer_unet_config(weights, "model.diffusion_model", ds::UNetHeads::fixed_count(8)); })
                  .find("model.diffusion_model.conv_in.weight"),
              std::string::npos);
}

}  // namespace
