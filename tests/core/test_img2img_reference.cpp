// Asserts img2img and the two latent-blend inpainting pipelines against the reference (diffusers
// 0.24: StableDiffusionImg2ImgPipeline, StableDiffusionInpaintPipelineLegacy and
// StableDiffusionInpaintPipeline with a 4-channel UNet) on the tiny SD 1.x fixture, DDIM: the
// timesteps run, every UNet call, every step's (blended) latents, the final latents, the decoded
// image and its 8-bit rendering; plus the refusal of bad strengths and masks. To add a case: add a
// row to kRuns (golden prefix = manifest case name, pipeline, steps, strength, which noise input).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <memory>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/pipeline/img2img.h"
#include "core/pipeline/inpaint.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

const char* kFile = "golden/img2img_inpaint.safetensors";

enum class Pipeline { Img2Img, Legacy, Blend };
struct PipelineRun {
    const char* golden;
    Pipeline pipeline;
    int steps;
    double strength;
    const char* noise;  // the golden input used as the forward-process noise
};
const PipelineRun kRuns[] = {{"img2img", Pipeline::Img2Img, 5, 0.8, "noise"},
                     {"inpaint_legacy", Pipeline::Legacy, 5, 0.8, "noise"},
                     {"inpaint_blend", Pipeline::Blend, 4, 1.0, "init_latents"}};

class Img2ImgReference : public ::testing::Test {
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
        // As diffusers' VaeImageProcessor: float32(u8) / 255 * 2 - 1, NCHW.
        image_ = golden_->tensor("image_u8").to(at::kFloat).permute({2, 0, 1}).unsqueeze(0).contiguous() / 255 * 2 - 1;
        mask_ = golden_->tensor("mask_u8").to(at::kFloat) / 255;  // 1 = repaint
    }
    static ds::GenerationParams params(int steps) {
        ds::GenerationParams p;
        p.prompt = "a photo of an astronaut riding a horse";
        p.negative_prompt = "";
        p.sampler = "ddim";
        p.steps = steps;
        p.cfg_scale = 7.5;
        return p;
    }
    ds::GenerationResult run_pipeline(const PipelineRun& r, const ds::GenerationCallbacks& callbacks,
                             const ds::PipelineInjection& injection) const {
        switch (r.pipeline) {
        case Pipeline::Img2Img:
            return ds::img2img(*model_, image_, r.strength, params(r.steps), callbacks, injection);
        case Pipeline::Legacy:
            return ds::inpaint(*model_, image_, mask_, r.strength, ds::InpaintMode::Legacy, params(r.steps), callbacks,
                               injection);
        case Pipeline::Blend:
            break;
        }
        return ds::inpaint(*model_, image_, mask_, r.strength, ds::InpaintMode::Blend, params(r.steps), callbacks,
                           injection);
    }
    static ds::StableDiffusionModel* model_;
    std::unique_ptr<ds::SafetensorsFile> golden_;
    at::Tensor image_, mask_;
};
ds::StableDiffusionModel* Img2ImgReference::model_ = nullptr;

TEST_F(Img2ImgReference, StrengthPicksTheReferenceStart) {
    auto sampler = ds::make_sampler("ddim", model_->sampler);
    sampler->set_timesteps(5);
    const size_t start = ds::strength_start_index(*sampler, 5, 0.8);
    ASSERT_EQ(start, 1u);  // diffusers' get_timesteps: 801 | 601 401 201 1
    EXPECT_EQ(sampler->timesteps()[start], 601.0);
    EXPECT_EQ(ds::strength_start_index(*sampler, 5, 1.0), 0u);
    EXPECT_EQ(ds::strength_start_index(*sampler, 5, 0.2), 4u);
}

TEST_F(Img2ImgReference, WholeRunsMatchStepByStep) {
    for (const auto& r : kRuns) {
        SCOPED_TRACE(r.golden);
        const std::string p = r.golden;
        const at::Tensor ref_t = ds::test::golden_tensor(*golden_, p + ".timesteps");
        const at::Tensor unet_ref = golden_->tensor(p + ".unet_outputs", at::kFloat);
        const at::Tensor steps_ref = golden_->tensor(p + ".step_latents", at::kFloat);
        const double unet_tol = ds::test::case_max_abs(kFile, p, "unet_outputs");
        const double step_tol = ds::test::case_max_abs(kFile, p, "step_latents");

        std::vector<double> timesteps;
        ds::GenerationCallbacks callbacks;
        callbacks.on_step = [&](const ds::GenerationStep& s) {
            const int64_t k = static_cast<int64_t>(timesteps.size());
            timesteps.push_back(s.event.timestep);
            ASSERT_LT(k, steps_ref.size(0));
            EXPECT_LE(ds::test::max_abs_diff(s.event.xt, steps_ref[k]), step_tol) << "step " << k;
        };
        ds::PipelineInjection injection;
        injection.vae_eps = golden_->tensor("vae_eps", at::kFloat);
        injection.noise = golden_->tensor(r.noise, at::kFloat);
        int calls = 0;
        injection.on_unet_output = [&](int k, const at::Tensor& out) {
            ++calls;
            ASSERT_LT(k, unet_ref.size(0));
            EXPECT_LE(ds::test::max_abs_diff(out, unet_ref[k]), unet_tol) << "UNet call " << k;
        };
        const ds::GenerationResult result = run_pipeline(r, callbacks, injection);

        ASSERT_EQ(static_cast<int64_t>(timesteps.size()), ref_t.numel());
        EXPECT_EQ(calls, ref_t.numel());
        for (int64_t i = 0; i < ref_t.numel(); ++i) EXPECT_EQ(timesteps[i], ref_t[i].item<double>()) << "step " << i;
        EXPECT_LE(ds::test::max_abs_diff(result.latents, golden_->tensor(p + ".final_latents", at::kFloat)),
                  ds::test::case_max_abs(kFile, p, "final_latents"));
        EXPECT_LE(ds::test::max_abs_diff(result.image, golden_->tensor(p + ".decoded", at::kFloat)),
                  ds::test::case_max_abs(kFile, p, "decoded"));
        const at::Tensor u8 = ((result.image[0].permute({1, 2, 0}) / 2 + 0.5).clamp(0, 1) * 255).round();
        EXPECT_LE(ds::test::max_abs_diff(u8, golden_->tensor(p + ".image_u8")), 1.0);  // +-1 level
    }
}

TEST_F(Img2ImgReference, KnownRegionIsTheEncodedImage) {
    // After the last blend the unmasked latents are the clean encoding, bit for bit.
    ds::PipelineInjection injection;
    injection.vae_eps = golden_->tensor("vae_eps", at::kFloat);
    injection.noise = golden_->tensor("init_latents", at::kFloat);
    const auto result = ds::inpaint(*model_, image_, mask_, 1.0, ds::InpaintMode::Blend, params(2), {}, injection);
    const at::Tensor init = ds::encode_image_latents(*model_, image_, injection.vae_eps);
    const at::Tensor keep = 1 - ds::mask_to_latent_grid(mask_, 128, 128, 8, true);
    EXPECT_GT(keep.sum().item<double>(), 0);
    EXPECT_TRUE(at::equal(result.latents * keep, init * keep));
    EXPECT_FALSE(at::equal(result.latents, init));
}

TEST_F(Img2ImgReference, SeededRunsAreReproducible) {
    ds::GenerationParams p = params(2);
    p.seed = 7;
    const auto a = ds::img2img(*model_, image_, 0.5, p);
    const auto b = ds::img2img(*model_, image_, 0.5, p);
    EXPECT_TRUE(at::equal(a.image, b.image));
    p.seed = 8;
    EXPECT_FALSE(at::equal(ds::img2img(*model_, image_, 0.5, p).image, a.image));
}

TEST_F(Img2ImgReference, RefusesBadStrengthAndMasks) {
    const ds::GenerationParams p = params(5);
    for (double s : {0.0, -0.5, 1.0001, 2.0, std::numeric_limits<double>::quiet_NaN(), 0.1 /* 5 * 0.1 < 1 step */}) {
        SCOPED_TRACE(s);
        EXPECT_THROW(ds::img2img(*model_, image_, s, p), std::invalid_argument);
        EXPECT_THROW(ds::inpaint(*model_, image_, mask_, s, ds::InpaintMode::Legacy, p), std::invalid_argument);
        EXPECT_THROW(ds::inpaint(*model_, image_, mask_, s, ds::InpaintMode::Blend, p), std::invalid_argument);
    }
    const at::Tensor small_mask = at::ones({64, 64});
    EXPECT_THROW(ds::inpaint(*model_, image_, small_mask, 0.8, ds::InpaintMode::Legacy, p), std::invalid_argument);
    EXPECT_THROW(ds::inpaint(*model_, image_, small_mask, 0.8, ds::InpaintMode::Blend, p), std::invalid_argument);
    EXPECT_THROW(ds::inpaint(*model_, image_, at::ones({2, 128, 128}), 0.8, ds::InpaintMode::Blend, p),
                 std::invalid_argument);
    EXPECT_THROW(ds::inpaint(*model_, image_, at::Tensor(), 0.8, ds::InpaintMode::Blend, p), std::invalid_argument);
    EXPECT_THROW(ds::img2img(*model_, image_.narrow(1, 0, 1), 0.8, p), std::invalid_argument);
    EXPECT_THROW(ds::img2img(*model_, image_.narrow(3, 0, 100), 0.8, p), std::invalid_argument);  // width 100
}

}  // namespace
