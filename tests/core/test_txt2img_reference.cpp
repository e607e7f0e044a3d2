// Asserts the txt2img pipeline against the reference (diffusers 0.24) on the tiny SD 1.x fixture:
// prompt embeddings, every UNet call, every step's latents, the decoded image and its 8-bit
// rendering, for DDIM, Euler and DPM++ 2M Karras; and that the single-file layout loads to the
// same networks as the diffusers folder. To add a case: add a row to kRuns (golden prefix, sampler).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/txt2img.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

const char* kFile = "golden/txt2img.safetensors";

struct Run {
    const char* golden;
    const char* sampler;
    bool karras;
};
const Run kRuns[] = {{"ddim", "ddim", false}, {"euler", "euler", false}, {"dpmpp_2m_karras", "dpmpp-2m", true}};

class Txt2ImgReference : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!ds::test::missing_fixture_message(ds::test::sd_tiny_path("diffusers/model_index.json")).empty()) return;
        model_ = new ds::StableDiffusionModel(ds::load_stable_diffusion(ds::test::sd_tiny_path("diffusers")));
    }
    static void TearDownTestSuite() {
        delete model_;
        model_ = nullptr;
    }
    void SetUp() override {
        DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path("diffusers/model_index.json"));
        DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path(kFile));
        golden_ = std::make_unique<ds::SafetensorsFile>(ds::SafetensorsFile::open(ds::test::sd_tiny_path(kFile)));
    }
    static ds::StableDiffusionModel* model_;
    std::unique_ptr<ds::SafetensorsFile> golden_;
};
ds::StableDiffusionModel* Txt2ImgReference::model_ = nullptr;

TEST_F(Txt2ImgReference, FolderReadsTheSchedulerConfig) {
    EXPECT_EQ(model_->version, "SD 1.x");
    EXPECT_EQ(model_->sampler.schedule.kind, ds::ScheduleKind::ScaledLinear);
    EXPECT_EQ(model_->sampler.steps_offset, 1);
    EXPECT_EQ(model_->sampler.prediction, ds::PredictionType::Epsilon);
    EXPECT_FALSE(model_->sampler.spacing.has_value());  // each sampler's own default, as the reference
    EXPECT_NEAR(model_->vae_scaling_factor, 0.18215, 1e-12);
}

TEST_F(Txt2ImgReference, PromptEmbeddingsMatch) {
    const at::Tensor ours = ds::encode_prompts(*model_, "a photo of an astronaut riding a horse", "", 0);
    const at::Tensor ref = golden_->tensor("prompt_embeds", at::kFloat);
    EXPECT_LE(ds::test::max_abs_diff(ours, ref), 2e-5);
}

TEST_F(Txt2ImgReference, WholeRunsMatchStepByStep) {
    const at::Tensor embeds = golden_->tensor("prompt_embeds", at::kFloat);
    const at::Tensor init = golden_->tensor("init_latents", at::kFloat);
    for (const auto& run : kRuns) {
        SCOPED_TRACE(run.golden);
        const std::string p = run.golden;
        const std::string case_name = "txt2img_" + p;
        ds::SamplerConfig cfg = model_->sampler;
        cfg.karras = run.karras;
        auto sampler = ds::make_sampler(run.sampler, cfg);
        sampler->set_timesteps(4);
        const at::Tensor ref_t = ds::test::golden_tensor(*golden_, p + ".timesteps");
        ASSERT_EQ(ref_t.numel(), 4);
        for (int i = 0; i < 4; ++i) EXPECT_NEAR(sampler->timesteps()[i], ref_t[i].item<double>(), 1e-4);

        const at::Tensor unet_ref = golden_->tensor(p + ".unet_outputs", at::kFloat);
        const at::Tensor steps_ref = golden_->tensor(p + ".step_latents", at::kFloat);
        const double unet_tol = ds::test::case_max_abs(kFile, case_name, "unet_outputs");
        const double step_tol = ds::test::case_max_abs(kFile, case_name, "step_latents");
        ds::GenerationCallbacks callbacks;
        callbacks.on_step = [&](const ds::GenerationStep& s) {
            EXPECT_LE(ds::test::max_abs_diff(s.event.xt, steps_ref[s.event.index]), step_tol) << "step " << s.event.index;
            EXPECT_EQ(s.preview_x0.size(1), 3);
        };
        const at::Tensor latents = ds::denoise_latents(
            *model_, *sampler, embeds, init, 7.5, callbacks, [&](int k, const at::Tensor& out) {
                EXPECT_LE(ds::test::max_abs_diff(out, unet_ref[k]), unet_tol) << "UNet call " << k;
            });
        EXPECT_LE(ds::test::max_abs_diff(latents, golden_->tensor(p + ".final_latents", at::kFloat)),
                  ds::test::case_max_abs(kFile, case_name, "final_latents"));
        const at::Tensor decoded = ds::decode_latents(*model_, latents);
        EXPECT_LE(ds::test::max_abs_diff(decoded, golden_->tensor(p + ".decoded", at::kFloat)),
                  ds::test::case_max_abs(kFile, case_name, "decoded"));
        const at::Tensor u8 = ((decoded[0].permute({1, 2, 0}) / 2 + 0.5).clamp(0, 1) * 255).round();
        EXPECT_LE(ds::test::max_abs_diff(u8, golden_->tensor(p + ".image_u8")), 1.0);  // +-1 level
    }
}

TEST_F(Txt2ImgReference, SingleFileLoadsTheSameNetworks) {
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path("tiny-sd1.safetensors"));
    ds::ModelLoadOptions options;
    options.tokenizer_dir = ds::test::sd_tiny_path("diffusers/tokenizer");
    const auto single = ds::load_stable_diffusion(ds::test::sd_tiny_path("tiny-sd1.safetensors"), options);
    EXPECT_EQ(single.version, "SD 1.x");
    EXPECT_EQ(single.layout, ds::ModelLayout::SingleFile);
    const at::Tensor x = golden_->tensor("init_latents", at::kFloat);
    const at::Tensor embeds = golden_->tensor("prompt_embeds", at::kFloat).narrow(0, 1, 1);
    const at::Tensor t = at::full({1}, 500.0);
    EXPECT_TRUE(at::equal(single.unet->forward(x, t, embeds), model_->unet->forward(x, t, embeds)));
    EXPECT_TRUE(at::equal(ds::decode_latents(single, x), ds::decode_latents(*model_, x)));
    EXPECT_TRUE(at::equal(ds::encode_prompts(single, "red apple", "", 0), ds::encode_prompts(*model_, "red apple", "", 0)));
}

TEST_F(Txt2ImgReference, SeededGenerationIsReproducible) {
    ds::GenerationParams params;
    params.prompt = "a red apple";
    params.width = params.height = 128;
    params.steps = 3;
    params.seed = 42;
    params.sampler = "euler-a";
    const auto a = ds::txt2img(*model_, params);
    const auto b = ds::txt2img(*model_, params);
    EXPECT_TRUE(at::equal(a.image, b.image));
    EXPECT_EQ(a.image.sizes(), (std::vector<int64_t>{1, 3, 128, 128}));
    params.seed = 43;
    EXPECT_FALSE(at::equal(ds::txt2img(*model_, params).image, a.image));
    params.width = 100;
    EXPECT_THROW(ds::txt2img(*model_, params), std::invalid_argument);
}

TEST(ModelLoading, RefusesPicklesAndBrokenInput) {
    const std::string dir = ::testing::TempDir() + "/ds-model-loading";
    std::filesystem::create_directories(dir);
    for (const char* name : {"m.ckpt", "m.pt", "m.bin"}) {
        std::ofstream(dir + "/" + name) << "x";
        try {
            ds::load_stable_diffusion(dir + "/" + name);
            ADD_FAILURE() << name << " was not refused";
        } catch (const ds::ModelError& e) {
            EXPECT_NE(std::string(e.what()).find("arbitrary code"), std::string::npos) << e.what();
        }
    }
    // A pickle renamed to .safetensors is recognised by its first bytes.
    std::ofstream(dir + "/disguised.safetensors", std::ios::binary) << "\x80\x02}q";
    EXPECT_THROW(ds::load_stable_diffusion(dir + "/disguised.safetensors"), ds::ModelError);
    EXPECT_THROW(ds::load_stable_diffusion(dir + "/nothing-here.safetensors"), ds::ModelError);
    std::filesystem::create_directories(dir + "/empty-folder");
    EXPECT_THROW(ds::load_stable_diffusion(dir + "/empty-folder"), ds::ModelError);
}

}  // namespace
