// Asserts the canvas pipelines end to end on real models (the shipped built-in model, latent factor
// 4, and the tiny SD fixture, factor 8; 2 steps): after inpainting and outpainting every pixel the
// (feathered) mask does not cover is the input's exactly, for several sizes that are not multiples
// of 8; the covered area does change; "only masked" runs at the model's resolution and keeps the
// rest exact; a 9-channel inpainting UNet (the fixture's UNet widened to 9 input channels) is
// chosen automatically, sees the unmasked image through its conditioning, and refuses latent
// blending; img2img keeps odd sizes and is seeded; bad masks are refused with one line.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/io/safetensors.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/inpaint_unet.h"
#include "core/pipeline/mask_ops.h"
#include "tests/support/error_of.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_images.h"

namespace fs = std::filesystem;

using ds::test::rect_mask;

namespace {

ds::GenerationParams few_steps(uint64_t seed = 3) {
    ds::GenerationParams p;
    p.prompt = "a red heart";
    p.sampler = "euler";
    p.steps = 2;
    p.cfg_scale = 5;
    p.seed = seed;
    return p;
}

// Counts covered pixels that changed, and fails on any uncovered pixel that is not bit-identical.
int check_exact_outside(const ds::Image& input, const ds::CanvasResult& r) {
    EXPECT_EQ(r.image.width, input.width);
    EXPECT_EQ(r.image.height, input.height);
    EXPECT_EQ(r.image.channels, 3);
    int changed = 0, wrong = 0;
    for (int y = 0; y < input.height; ++y)
        for (int x = 0; x < input.width; ++x) {
            const bool covered = ds::mask_covers(r.mask.at(x, y, 0));
            for (int c = 0; c < 3; ++c) {
                const bool same = r.image.at(x, y, c) == input.at(x, y, c);
                if (!covered && !same) ++wrong;
                if (covered && !same) ++changed;
            }
        }
    EXPECT_EQ(wrong, 0) << "uncovered pixel values changed";
    return changed;
}

std::string shipped_dir() {
    try {
        return ds::find_builtin_model_dir();
    } catch (const std::exception&) {
        return "";
    }
}

class CanvasPipelines : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!shipped_dir().empty()) builtin_ = new ds::StableDiffusionModel(ds::load_builtin_model({shipped_dir(), "cosine", "cpu"}));
        if (ds::test::missing_fixture_message(ds::test::sd_tiny_path("diffusers/model_index.json")).empty())
            tiny_ = new ds::StableDiffusionModel(ds::load_stable_diffusion(ds::test::sd_tiny_path("diffusers")));
    }
    static void TearDownTestSuite() {
        delete builtin_;
        delete tiny_;
        builtin_ = tiny_ = nullptr;
    }
    std::vector<const ds::StableDiffusionModel*> models() const {
        std::vector<const ds::StableDiffusionModel*> out;
        if (builtin_) out.push_back(builtin_);
        if (tiny_) out.push_back(tiny_);
        return out;
    }
    static ds::StableDiffusionModel* builtin_;
    static ds::StableDiffusionModel* tiny_;
};
ds::StableDiffusionModel* CanvasPipelines::builtin_ = nullptr;
ds::StableDiffusionModel* CanvasPipelines::tiny_ = nullptr;

TEST_F(CanvasPipelines, InpaintKeepsEveryUncoveredPixelExactly) {
    if (models().empty()) GTEST_SKIP() << "neither the built-in model nor the sd-tiny fixture is present";
    for (const ds::StableDiffusionModel* model : models()) {
        for (auto [w, h] : {std::pair{70, 45}, std::pair{33, 90}, std::pair{101, 67}}) {
            SCOPED_TRACE(model->name + " " + std::to_string(w) + "x" + std::to_string(h));
            const ds::Image img = ds::test::patterned_image(w, h);
            const ds::Image mask = rect_mask(w, h, w / 3, h / 3, w / 3 + 9, h / 3 + 7);
            ds::CanvasInpaintOptions o;
            o.feather = 3;
            const ds::CanvasResult r = ds::inpaint_image(*model, img, mask, few_steps(), o);
            EXPECT_FALSE(r.used_inpainting_unet);
            EXPECT_EQ(r.mask.pixels, ds::feather_mask(mask, 3).pixels);
            EXPECT_EQ(r.processed_width % 8, 0);
            EXPECT_GE(r.processed_width, std::max(64, w));
            EXPECT_GT(check_exact_outside(img, r), 0) << "the masked area did not change";
        }
    }
}

TEST_F(CanvasPipelines, OutpaintKeepsTheOriginalOutsideTheBand) {
    if (models().empty()) GTEST_SKIP() << "neither the built-in model nor the sd-tiny fixture is present";
    for (const ds::StableDiffusionModel* model : models()) {
        for (int overlap : {0, 5}) {
            SCOPED_TRACE(model->name + " overlap " + std::to_string(overlap));
            const ds::Image img = ds::test::patterned_image(45, 38);
            ds::OutpaintOptions o;
            o.extension = {7, 0, 13, 5};
            o.overlap = overlap;
            o.fill = ds::OutpaintFill::Noise;
            const ds::CanvasResult r = ds::outpaint_image(*model, img, o, few_steps());
            ASSERT_EQ(r.image.width, 45 + 20);
            ASSERT_EQ(r.image.height, 38 + 5);
            int wrong = 0;
            for (int y = 0; y < img.height; ++y)
                for (int x = 0; x < img.width; ++x) {
                    const int d = std::min({x, img.width - 1 - x, img.height - 1 - y});
                    if (d < overlap) continue;  // inside the blended band
                    for (int c = 0; c < 3; ++c) wrong += r.image.at(x + 7, y, c) != img.at(x, y, c);
                }
            EXPECT_EQ(wrong, 0);
            // The new area was painted: it differs from the noise fill it started from.
            const ds::OutpaintCanvas canvas = ds::make_outpaint_canvas(img, o.extension, o.fill, overlap, 3);
            EXPECT_NE(r.image.at(0, 20, 0), canvas.image.at(0, 20, 0));
        }
    }
}

TEST_F(CanvasPipelines, OnlyMaskedRunsAtTheModelResolutionAndKeepsTheRest) {
    if (models().empty()) GTEST_SKIP() << "neither the built-in model nor the sd-tiny fixture is present";
    for (const ds::StableDiffusionModel* model : models()) {
        SCOPED_TRACE(model->name);
        const ds::Image img = ds::test::patterned_image(301, 203);
        const ds::Image mask = rect_mask(301, 203, 200, 50, 230, 70);
        ds::CanvasInpaintOptions o;
        o.only_masked = true;
        o.only_masked_padding = 10;
        o.feather = 2;
        const ds::CanvasResult r = ds::inpaint_image(*model, img, mask, few_steps(), o);
        EXPECT_EQ(std::max(r.processed_width, r.processed_height), model->native_size);
        EXPECT_GT(check_exact_outside(img, r), 0);
    }
}

TEST_F(CanvasPipelines, Img2ImgKeepsOddSizesAndIsSeeded) {
    if (models().empty()) GTEST_SKIP() << "neither the built-in model nor the sd-tiny fixture is present";
    const ds::StableDiffusionModel& model = *models().front();
    const ds::Image img = ds::test::patterned_image(53, 70);
    const ds::Image a = ds::img2img_image(model, img, 0.6, few_steps(5));
    ASSERT_EQ(a.width, 53);
    ASSERT_EQ(a.height, 70);
    EXPECT_EQ(a.pixels, ds::img2img_image(model, img, 0.6, few_steps(5)).pixels);
    EXPECT_NE(a.pixels, ds::img2img_image(model, img, 0.6, few_steps(6)).pixels);
}

TEST_F(CanvasPipelines, BadMasksAreRefusedWithOneLine) {
    if (models().empty()) GTEST_SKIP() << "neither the built-in model nor the sd-tiny fixture is present";
    const ds::StableDiffusionModel& model = *models().front();
    const ds::Image img = ds::test::patterned_image(40, 30);
    const struct {
        ds::Image mask;
        const char* expected;
    } cases[] = {
        {ds::Image(40, 31, 1, 1.0f), "the mask is 40x31 but the image is 40x30"},
        {ds::Image(40, 30, 1, 0.0f), "nothing to repaint"},
        {ds::Image(40, 30, 3, 1.0f), "one channel"},
    };
    for (const auto& c : cases) {
        const std::string message = ds::test::error_of([&] { ds::inpaint_image(model, img, c.mask, few_steps()); });
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos);
    }
    const std::string big = ds::test::error_of(
        [&] { ds::inpaint_image(model, ds::Image(4100, 8, 3), ds::Image(4100, 8, 1, 1.0f), few_steps()); });
    EXPECT_NE(big.find("only the masked area"), std::string::npos) << big;
}

// The fixture's diffusers folder with a 9-channel UNet: conv_in widened with small random weights
// for the mask and masked-image channels (as SD's inpainting UNet was initialised, but not zero,
// so that the conditioning visibly matters).
std::string make_inpainting_fixture(const ds::test::TempDir& dir) {
    const fs::path src = ds::test::sd_tiny_path("diffusers");
    const fs::path dst = fs::path(dir.path()) / "tiny-inpaint";
    fs::copy(src, dst, fs::copy_options::recursive);
    const fs::path config_path = dst / "unet" / "config.json";
    nlohmann::json config = nlohmann::json::parse(std::ifstream(config_path));
    config["in_channels"] = 9;
    fs::remove(config_path);
    std::ofstream(config_path) << config.dump(2);
    const fs::path weights_path = dst / "unet" / "diffusion_pytorch_model.safetensors";
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    {
        const ds::SafetensorsFile file = ds::SafetensorsFile::open(weights_path.string());
        for (const ds::SafetensorsEntry& e : file.entries()) {
            at::Tensor t = file.tensor(e.name).clone();
            if (e.name == "conv_in.weight") {
                at::Generator gen = at::detail::createCPUGenerator(11);
                const at::Tensor extra = at::normal(0.0, 0.2, {t.size(0), 5, t.size(2), t.size(3)}, gen).to(t.scalar_type());
                t = at::cat({t, extra}, 1);
            }
            tensors.emplace_back(e.name, t);
        }
    }
    fs::remove(weights_path);
    ds::write_safetensors(weights_path.string(), tensors);
    return dst.string();
}

TEST(CanvasInpaintingUnet, NineChannelUnetIsUsedAndSeesTheImage) {
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path("diffusers/model_index.json"));
    ds::test::TempDir dir("ds-inpaint-unet");
    const ds::StableDiffusionModel model = ds::load_stable_diffusion(make_inpainting_fixture(dir));
    ASSERT_TRUE(ds::has_inpainting_unet(model));
    const ds::Image img = ds::test::patterned_image(99, 70);
    const ds::Image mask = rect_mask(99, 70, 30, 20, 60, 45);
    ds::CanvasInpaintOptions o;
    o.feather = 2;
    const ds::CanvasResult r = ds::inpaint_image(model, img, mask, few_steps(), o);
    EXPECT_TRUE(r.used_inpainting_unet);
    EXPECT_GT(check_exact_outside(img, r), 0);

    // The same noise, a different unmasked image: the UNet's conditioning changes the masked area.
    ds::Image other = img;
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 99; ++x)
            for (int c = 0; c < 3; ++c) other.at(x, y, c) = 1.0f - other.at(x, y, c);
    const ds::CanvasResult r2 = ds::inpaint_image(model, other, mask, few_steps(), o);
    EXPECT_NE(r.image.at(45, 32, 0), r2.image.at(45, 32, 0));

    o.method = ds::InpaintMethod::LatentBlend;
    const std::string message = ds::test::error_of([&] { ds::inpaint_image(model, img, mask, few_steps(), o); });
    EXPECT_NE(message.find("inpainting one"), std::string::npos) << message;
}

}  // namespace
