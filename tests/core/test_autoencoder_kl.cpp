// Asserts the SD VAE (ds::AutoencoderKL) against diffusers 0.24: config parsing/inference agree with
// the fixture's config.json, encode() reproduces moments/mean/logvar/std and decode() the square and
// non-square decoder outputs of golden/vae.safetensors within the manifest's per-output bounds;
// decode_tiled() equals decode() for one tile and stays close with several (also when the latent is
// no multiple of the tile); ResnetBlock2D (shared with the UNet) matches its formula, time embedding
// included; legacy attention names load; wrong weights give one WeightError naming them.
// To add a golden case: add its tensors to the generator's vae file and a TEST comparing with
// ds::test::max_abs_diff against ds::test::case_max_abs("golden/vae.safetensors", case, output).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "core/io/safetensors.h"
#include "core/model/autoencoder_config.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/resnet_block.h"
#include "core/model/weight_loading.h"
#include "core/model/weights.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

const char* const kGolden = "golden/vae.safetensors";

std::string vae_dir() { return ds::test::sd_tiny_path("diffusers/vae"); }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A fresh map (WeightMap records lookups, so each load gets its own) of the fixture VAE's tensors.
std::map<std::string, at::Tensor> fixture_tensors() {
    const auto file = ds::SafetensorsFile::open(vae_dir() + "/diffusion_pytorch_model.safetensors");
    return ds::weights_from_safetensors(file).tensors();
}

const ds::AutoencoderKL& fixture_vae() {
    static const ds::AutoencoderKL vae = [] {
        const ds::WeightMap weights(fixture_tensors());
        return ds::AutoencoderKL::load(ds::load_autoencoder_config(vae_dir() + "/config.json"), weights);
    }();
    return vae;
}

// diffusers' VaeImageProcessor: HWC uint8 -> NCHW float in [-1, 1].
at::Tensor image_to_model_input(const at::Tensor& u8) {
    const at::Tensor x = u8.to(at::kFloat).div(255.0).mul(2.0).sub(1.0);
    return x.permute({2, 0, 1}).unsqueeze(0).contiguous();
}

#define REQUIRE_VAE_FIXTURES()                                              \
    DS_REQUIRE_FIXTURE(vae_dir() + "/diffusion_pytorch_model.safetensors"); \
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path(kGolden))

TEST(VaeConfig, ParsesTheFixtureConfig) {
    DS_REQUIRE_FIXTURE(vae_dir() + "/config.json");
    const ds::AutoencoderConfig config = ds::load_autoencoder_config(vae_dir() + "/config.json");
    EXPECT_EQ(config.block_out_channels, (std::vector<int64_t>{32, 32, 64, 64}));
    EXPECT_EQ(config.layers_per_block, 2);
    EXPECT_EQ(config.latent_channels, 4);
    EXPECT_EQ(config.in_channels, 3);
    EXPECT_EQ(config.out_channels, 3);
    EXPECT_EQ(config.norm_num_groups, 32);
    EXPECT_EQ(config.sample_size, 128);
    EXPECT_DOUBLE_EQ(config.scaling_factor, 0.18215);
    EXPECT_TRUE(config.force_upcast);
    EXPECT_EQ(config.downsample_factor(), 8);
}

TEST(VaeConfig, AbsentKeysTakeDiffusersDefaults) {
    const ds::AutoencoderConfig config = ds::parse_autoencoder_config(R"({"shift_factor": null})");
    EXPECT_EQ(config.block_out_channels, (std::vector<int64_t>{64}));
    EXPECT_EQ(config.layers_per_block, 1);
    EXPECT_EQ(config.sample_size, 32);
    EXPECT_EQ(config.downsample_factor(), 1);
    EXPECT_DOUBLE_EQ(config.shift_factor, 0.0);
    const ds::AutoencoderConfig sdxl = ds::parse_autoencoder_config(
        R"({"block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "scaling_factor": 0.13025,
            "sample_size": 1024, "use_quant_conv": false})");
    EXPECT_DOUBLE_EQ(sdxl.scaling_factor, 0.13025);
    EXPECT_FALSE(sdxl.use_quant_conv);
    EXPECT_TRUE(sdxl.use_post_quant_conv);
}

TEST(VaeConfig, RejectsUnsupportedOrMalformedConfigs) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "invalid JSON"},
        {"[1, 2]", "not an object"},
        {R"({"layers_per_block": "2"})", "layers_per_block"},
        {R"({"act_fn": "gelu"})", "act_fn"},
        {R"({"block_out_channels": [32, 48]})", "not divisible by norm_num_groups"},
        {R"({"block_out_channels": [32, 32], "down_block_types": ["DownEncoderBlock2D"]})",
         "down_block_types"},
        {R"({"block_out_channels": [32], "up_block_types": ["AttnUpDecoderBlock2D"]})",
         "AttnUpDecoderBlock2D"},
        {R"({"latent_channels": 0})", "latent_channels"},
    };
    for (const auto& [json, expected] : cases) {
        try {
            ds::parse_autoencoder_config(json);
            ADD_FAILURE() << "accepted " << json;
        } catch (const ds::AutoencoderConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
    }
}

TEST(VaeConfig, InferredFromWeightsEqualsConfigJson) {
    REQUIRE_VAE_FIXTURES();
    const ds::WeightMap weights(fixture_tensors());
    ds::AutoencoderConfig inferred = ds::infer_autoencoder_config(weights);
    ds::AutoencoderConfig parsed = ds::load_autoencoder_config(vae_dir() + "/config.json");
    inferred.sample_size =
        parsed.sample_size;  // the one field shapes cannot tell (scaling 0.18215 is the default)
    EXPECT_EQ(inferred, parsed);

    std::map<std::string, at::Tensor> tensors = fixture_tensors();
    tensors.erase("decoder.conv_in.weight");
    try {
        ds::infer_autoencoder_config(ds::WeightMap(tensors));
        ADD_FAILURE() << "inferred a config without decoder.conv_in.weight";
    } catch (const ds::AutoencoderConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("decoder.conv_in.weight"), std::string::npos) << e.what();
    }
}

TEST(VaeEncode, MatchesDiffusersMoments) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const ds::EncoderOutput out = fixture_vae().encode(image_to_model_input(golden.tensor("image_u8")));
    const std::vector<std::pair<std::string, at::Tensor>> outputs = {{"moments", out.moments},
                                                                     {"latent_mean", out.mean},
                                                                     {"latent_logvar", out.logvar},
                                                                     {"latent_std", out.std}};
    for (const auto& [name, tensor] : outputs) {
        const double bound = ds::test::case_max_abs(kGolden, "vae_encode", name);
        EXPECT_LE(ds::test::max_abs_diff(tensor, ds::test::golden_tensor(golden, name)), bound) << name;
    }
    const at::Tensor eps = at::randn_like(out.mean);
    EXPECT_LE(ds::test::max_abs_diff(out.sample(eps), out.mean + out.std * eps), 1e-6);
}

TEST(VaeEncode, RejectsImagesOfTheWrongShape) {
    REQUIRE_VAE_FIXTURES();
    for (const auto& shape :
         std::vector<std::vector<int64_t>>{{1, 3, 100, 128}, {1, 4, 64, 64}, {3, 64, 64}}) {
        EXPECT_THROW(fixture_vae().encode(at::zeros(shape)), std::invalid_argument);
    }
    EXPECT_THROW(fixture_vae().decode(at::zeros({1, 3, 8, 8})), std::invalid_argument);
}

TEST(VaeDecode, MatchesDiffusersSquare) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor out = fixture_vae().decode(golden.tensor("decoder_input", at::kFloat));
    const at::Tensor ref = ds::test::golden_tensor(golden, "decoder_output");
    ASSERT_EQ(out.sizes(), ref.sizes());
    EXPECT_LE(ds::test::max_abs_diff(out, ref),
              ds::test::case_max_abs(kGolden, "vae_decode", "decoder_output"));
}

TEST(VaeDecode, MatchesDiffusersNonSquare) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor out = fixture_vae().decode(golden.tensor("decoder_input_nonsquare", at::kFloat));
    const at::Tensor ref = ds::test::golden_tensor(golden, "decoder_output_nonsquare");
    ASSERT_EQ(out.sizes(), (at::IntArrayRef{1, 3, 32, 48}));
    EXPECT_LE(ds::test::max_abs_diff(out, ref),
              ds::test::case_max_abs(kGolden, "vae_decode_nonsquare", "decoder_output_nonsquare"));
}

TEST(VaeTiledDecode, OneTileEqualsDecode) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor z = golden.tensor("decoder_input", at::kFloat);
    EXPECT_LE(ds::test::max_abs_diff(fixture_vae().decode_tiled(z, 16, 4), fixture_vae().decode(z)), 1e-6);
    EXPECT_THROW(fixture_vae().decode_tiled(z, 8, 8), std::invalid_argument);
    EXPECT_THROW(fixture_vae().decode_tiled(z, 0, 0), std::invalid_argument);
}

// Tiles normalise with their own GroupNorm statistics and see zero padding at their edges, so tiled
// output differs from decode(); with this random tiny VAE (no trained smoothness) the differences
// are large near the seams. These bounds are ~1.5x what was measured.
TEST(VaeTiledDecode, OverlapBlendsTheSeams) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor z = golden.tensor("decoder_input", at::kFloat);  // 16 x 16
    const at::Tensor full = fixture_vae().decode(z);
    const at::Tensor blended =
        fixture_vae().decode_tiled(z, 12, 8);                     // 2 x 2 tiles sharing 8 latent rows/cols
    const at::Tensor hard = fixture_vae().decode_tiled(z, 8, 0);  // 2 x 2 tiles meeting at row/col 64
    ASSERT_EQ(blended.sizes(), full.sizes());
    const double full_mean = full.abs().mean().item<double>();
    EXPECT_LE((blended - full).abs().mean().item<double>(), 0.3 * full_mean);  // measured 0.21
    // The 16 image rows around the middle seam: the cross-fade over the overlap cuts the error there
    // to a quarter of the hard seam's (measured 0.063 vs 0.249).
    auto seam_error = [&](const at::Tensor& image) {
        return (image - full).narrow(2, 56, 16).abs().mean().item<double>();
    };
    EXPECT_LT(seam_error(blended), 0.4 * seam_error(hard));
}

TEST(VaeTiledDecode, HandlesLatentsThatAreNoMultipleOfTheTile) {
    REQUIRE_VAE_FIXTURES();
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor z = golden.tensor("decoder_input", at::kFloat).narrow(2, 0, 13).narrow(3, 1, 11);
    const at::Tensor full = fixture_vae().decode(z);
    const at::Tensor tiled = fixture_vae().decode_tiled(z, 7, 3);  // 3 x 2 tiles
    ASSERT_EQ(tiled.sizes(), (at::IntArrayRef{1, 3, 104, 88}));
    EXPECT_TRUE(at::isfinite(tiled).all().item<bool>());
    EXPECT_LE((tiled - full).abs().mean().item<double>(),
              0.75 * full.abs().mean().item<double>());  // measured 0.5
    // Samples of a batch are tiled independently of each other.
    const at::Tensor batch = fixture_vae().decode_tiled(at::cat({z, -z}), 7, 3);
    EXPECT_LE(ds::test::max_abs_diff(batch.narrow(0, 0, 1), tiled), 1e-4);
}

TEST(VaeLoad, AcceptsLegacyAttentionNames) {
    REQUIRE_VAE_FIXTURES();
    std::map<std::string, at::Tensor> tensors = fixture_tensors();
    const std::vector<std::pair<std::string, std::string>> renames = {
        {"to_q", "query"}, {"to_k", "key"}, {"to_v", "value"}, {"to_out.0", "proj_attn"}};
    for (const std::string part : {"encoder", "decoder"}) {
        for (const auto& [now, old] : renames) {
            for (const std::string p : {"weight", "bias"}) {
                const std::string from = part + ".mid_block.attentions.0." + now + "." + p;
                at::Tensor t = tensors.at(from);
                tensors.erase(from);
                // The decoder's copies use the 1x1 conv form of LDM checkpoints.
                if (part == "decoder" && p == "weight") t = t.reshape({t.size(0), t.size(1), 1, 1});
                tensors[part + ".mid_block.attentions.0." + old + "." + p] = t;
            }
        }
    }
    const ds::AutoencoderKL vae = ds::AutoencoderKL::load(
        ds::load_autoencoder_config(vae_dir() + "/config.json"), ds::WeightMap(tensors));
    const auto golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGolden));
    const at::Tensor z = golden.tensor("decoder_input_nonsquare", at::kFloat);
    EXPECT_EQ(ds::test::max_abs_diff(vae.decode(z), fixture_vae().decode(z)), 0.0);
}

TEST(VaeLoad, WrongWeightsGiveOneErrorNamingThem) {
    REQUIRE_VAE_FIXTURES();
    std::map<std::string, at::Tensor> tensors = fixture_tensors();
    tensors["decoder.up_blocks.1.resnets.2.conv1.weight"] = at::zeros({64, 64, 1, 1});
    tensors.erase("encoder.down_blocks.3.resnets.1.norm2.bias");
    tensors["encoder.extra.weight"] = at::zeros({1});
    try {
        ds::AutoencoderKL::load(ds::load_autoencoder_config(vae_dir() + "/config.json"),
                                ds::WeightMap(tensors));
        FAIL() << "loaded wrong weights";
    } catch (const ds::WeightError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find("VAE"), std::string::npos) << message;
        EXPECT_NE(
            message.find("decoder.up_blocks.1.resnets.2.conv1.weight is [64,64,1,1], expected [64,64,3,3]"),
            std::string::npos)
            << message;
        EXPECT_NE(message.find("encoder.down_blocks.3.resnets.1.norm2.bias"), std::string::npos) << message;
        EXPECT_NE(message.find("encoder.extra.weight"), std::string::npos) << message;
    }
}

// ResnetBlock2D against its formula, with the time embedding and conv shortcut the UNet uses.
TEST(VaeResnetBlock, MatchesItsFormulaWithTimeEmbeddingAndShortcut) {
    at::manual_seed(3);
    const int64_t in = 8, out = 12, temb_channels = 6, groups = 4;
    const double eps = 1e-5;
    ds::WeightMap w;
    auto put = [&](const std::string& name, std::vector<int64_t> shape) {
        w.insert("r." + name, at::randn(shape) * 0.3);
        return w.tensors().at("r." + name);
    };
    const at::Tensor n1w = put("norm1.weight", {in}), n1b = put("norm1.bias", {in});
    const at::Tensor c1w = put("conv1.weight", {out, in, 3, 3}), c1b = put("conv1.bias", {out});
    const at::Tensor tw = put("time_emb_proj.weight", {out, temb_channels}),
                     tb = put("time_emb_proj.bias", {out});
    const at::Tensor n2w = put("norm2.weight", {out}), n2b = put("norm2.bias", {out});
    const at::Tensor c2w = put("conv2.weight", {out, out, 3, 3}), c2b = put("conv2.bias", {out});
    const at::Tensor sw = put("conv_shortcut.weight", {out, in, 1, 1}), sb = put("conv_shortcut.bias", {out});
    const ds::ResnetBlock2D block = ds::ResnetBlock2D::load(w, "r", in, out, temb_channels, groups, eps);
    w.check("ResnetBlock2D", "r");
    EXPECT_TRUE(block.has_time_embedding());

    const at::Tensor x = at::randn({2, in, 5, 7});
    const at::Tensor temb = at::randn({2, temb_channels});
    at::Tensor h = at::conv2d(at::silu(at::group_norm(x, groups, n1w, n1b, eps)), c1w, c1b, 1, 1);
    h = h + at::linear(at::silu(temb), tw, tb).view({2, out, 1, 1});
    h = at::conv2d(at::silu(at::group_norm(h, groups, n2w, n2b, eps)), c2w, c2b, 1, 1);
    const at::Tensor expected = at::conv2d(x, sw, sb) + h;
    EXPECT_LE(ds::test::max_abs_diff(block.forward(x, temb), expected), 1e-5);
    EXPECT_THROW(block.forward(x), std::invalid_argument);
}

}  // namespace
