// `diffusion-studio-cli img2img`, `inpaint` and `outpaint` end to end with the built-in model (and
// the tiny SD fixture for inpainting; 2 steps): images whose sides are not multiples of 8 come out
// at their size; after inpaint every pixel outside the feathered mask, and after outpaint every
// pixel of the original (overlap 0), is the input's exactly; the PNG carries the parameters text
// with the strength; and bad input (mask of the wrong size, empty mask, extension of 0 or too
// large, corrupt image, bad strength or option) ends with exit 2, one stderr line and no file.
// To add a bad-input case: add a row to the table in CliCanvas.BadInputExitsTwoWithOneLineAndNoFile.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/io/image_io.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/mask_ops.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_images.h"
#include "tests/support/fixtures.h"

using ds::test::cli::kErrorPrefix;
using ds::test::cli::read_file;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;
using ds::test::cli::write_file;

using ds::test::parameters_of;

namespace {

std::vector<std::string> with_common(std::vector<std::string> args, const std::string& out) {
    args.insert(args.end(), {"--prompt", "red heart", "--steps", "2", "--seed", "5", "--out", out});
    return args;
}


std::string other_value(const ds::GenerationMetadata& m, const std::string& key) {
    for (const auto& [k, v] : m.other)
        if (k == key) return v;
    return "<missing>";
}

void expect_success(const RunResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("seed: 5"), std::string::npos) << r.out;
}

TEST(CliCanvas, InpaintKeepsEveryPixelOutsideTheFeatheredMask) {
    std::vector<std::vector<std::string>> models{{}};
    if (ds::test::missing_fixture_message(ds::test::sd_tiny_path("diffusers")).empty())
        models.push_back({"--model", ds::test::sd_tiny_path("diffusers")});
    for (const auto& model : models) {
        for (auto [w, h] : {std::pair{70, 45}, std::pair{37, 83}}) {
            SCOPED_TRACE((model.empty() ? std::string("built-in ") : model[1] + " ") + std::to_string(w) + "x" +
                         std::to_string(h));
            Workspace ws;
            const ds::Image mask_rgb = ds::test::rect_mask(w, h, w / 4, h / 3, w / 4 + 11, h / 3 + 9, 3);
            ds::write_image(ws.file("in.png"), ds::test::patterned_image(w, h));
            const ds::Image input = ds::read_image(ws.file("in.png"));  // the floats the CLI reads
            ds::write_image(ws.file("mask.png"), mask_rgb);
            std::vector<std::string> args{"inpaint", "--image", "in.png", "--mask", "mask.png", "--feather", "3"};
            args.insert(args.end(), model.begin(), model.end());
            const RunResult r = run_cli(with_common(args, "out.png"), ws.path());
            expect_success(r);
            const ds::Image out = ds::read_image(ws.file("out.png"));
            ASSERT_EQ(out.width, w);
            ASSERT_EQ(out.height, h);
            ASSERT_EQ(out.channels, 3);
            const ds::Image weight = ds::feather_mask(ds::mask_from_image(mask_rgb), 3);
            int wrong = 0, changed = 0;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    for (int c = 0; c < 3; ++c) {
                        const bool same = out.at(x, y, c) == input.at(x, y, c);
                        if (ds::mask_covers(weight.at(x, y, 0))) changed += !same;
                        else wrong += !same;
                    }
            EXPECT_EQ(wrong, 0);
            EXPECT_GT(changed, 0);
            const ds::GenerationMetadata m = parameters_of(ws.file("out.png"));
            EXPECT_EQ(m.width, w);
            EXPECT_EQ(m.height, h);
            EXPECT_EQ(m.seed, 5u);
            EXPECT_EQ(m.steps, 2);
            EXPECT_EQ(other_value(m, "Denoising strength"), "1");
            EXPECT_EQ(other_value(m, "Mask blur"), "3");
            // The built-in model ships an inpainting UNet, which "auto" picks; the fixture has none.
            EXPECT_EQ(other_value(m, "Inpaint method"), model.empty() ? "inpainting UNet" : "latent blend");
        }
    }
}

// --method blend with the built-in model takes its text-to-image UNet (latent blending cannot run
// on the inpainting one "auto" would pick), and still keeps every unmasked pixel.
TEST(CliCanvas, BlendWithTheBuiltInModelUsesItsTextToImageUnet) {
    Workspace ws;
    const int w = 48, h = 40;
    ds::write_image(ws.file("in.png"), ds::test::patterned_image(w, h));
    const ds::Image input = ds::read_image(ws.file("in.png"));
    const ds::Image mask_rgb = ds::test::rect_mask(w, h, 10, 10, 30, 26, 3);
    ds::write_image(ws.file("mask.png"), mask_rgb);
    const RunResult r = run_cli(with_common({"inpaint", "--image", "in.png", "--mask", "mask.png", "--feather", "0",
                                             "--method", "blend"},
                                            "out.png"),
                                ws.path());
    expect_success(r);
    EXPECT_EQ(other_value(parameters_of(ws.file("out.png")), "Inpaint method"), "latent blend");
    const ds::Image out = ds::read_image(ws.file("out.png"));
    const ds::Image mask = ds::mask_from_image(mask_rgb);
    int wrong = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                if (!ds::mask_covers(mask.at(x, y, 0))) wrong += out.at(x, y, c) != input.at(x, y, c);
    EXPECT_EQ(wrong, 0);
}

TEST(CliCanvas, OutpaintKeepsTheOriginalExactly) {
    Workspace ws;
    ds::write_image(ws.file("in.png"), ds::test::patterned_image(45, 38));
    const ds::Image input = ds::read_image(ws.file("in.png"));  // the floats the CLI reads
    const RunResult r = run_cli(
        with_common({"outpaint", "--image", "in.png", "--extend", "7,0,13,5", "--overlap", "0", "--fill", "stretch"},
                    "out.png"),
        ws.path());
    expect_success(r);
    const ds::Image out = ds::read_image(ws.file("out.png"));
    ASSERT_EQ(out.width, 65);
    ASSERT_EQ(out.height, 43);
    int wrong = 0;
    for (int y = 0; y < 38; ++y)
        for (int x = 0; x < 45; ++x)
            for (int c = 0; c < 3; ++c) wrong += out.at(x + 7, y, c) != input.at(x, y, c);
    EXPECT_EQ(wrong, 0);
    const ds::GenerationMetadata m = parameters_of(ws.file("out.png"));
    EXPECT_EQ(m.width, 65);
    EXPECT_EQ(other_value(m, "Outpaint extend"), "7,0,13,5");
}

TEST(CliCanvas, Img2ImgKeepsTheSizeAndRecordsTheStrength) {
    Workspace ws;
    ds::write_image(ws.file("in.png"), ds::test::patterned_image(53, 70));
    const RunResult r =
        run_cli(with_common({"img2img", "--image", "in.png", "--strength", "0.6", "--trace", "trace"}, "out.png"),
                ws.path());
    expect_success(r);
    const ds::Image out = ds::read_image(ws.file("out.png"));
    EXPECT_EQ(out.width, 53);
    EXPECT_EQ(out.height, 70);
    EXPECT_EQ(other_value(parameters_of(ws.file("out.png")), "Denoising strength"), "0.6");
    EXPECT_FALSE(read_file(ws.file("trace/trace.csv")).empty());
}

TEST(CliCanvas, BadInputExitsTwoWithOneLineAndNoFile) {
    Workspace ws;
    ds::write_image(ws.file("in.png"), ds::test::patterned_image(40, 30));
    ds::write_image(ws.file("small-mask.png"), ds::test::rect_mask(20, 30, 0, 0, 5, 5, 3));
    ds::write_image(ws.file("empty-mask.png"), ds::Image(40, 30, 3, 0.0f));
    ds::write_image(ws.file("mask.png"), ds::test::rect_mask(40, 30, 5, 5, 15, 15, 3));
    const std::string png = read_file(ws.file("in.png"));
    write_file(ws.file("truncated.png"), png.substr(0, png.size() / 2));
    write_file(ws.file("garbage.png"), "not an image at all");
    const struct {
        std::vector<std::string> args;
        const char* expected;
    } cases[] = {
        {{"inpaint", "--image", "in.png", "--mask", "small-mask.png"}, "the mask is 20x30 but the image is 40x30"},
        {{"inpaint", "--image", "in.png", "--mask", "empty-mask.png"}, "nothing to repaint"},
        {{"inpaint", "--image", "truncated.png", "--mask", "mask.png"}, "--image"},
        {{"inpaint", "--image", "in.png", "--mask", "garbage.png"}, "--mask"},
        {{"inpaint", "--image", "missing.png", "--mask", "mask.png"}, "missing.png"},
        {{"inpaint", "--image", "in.png", "--mask", "mask.png", "--feather", "-1"}, "--feather"},
        {{"inpaint", "--image", "in.png", "--mask", "mask.png", "--method", "magic"}, "--method"},
        {{"inpaint", "--image", "in.png", "--mask", "mask.png", "--strength", "0"}, "--strength"},
        {{"inpaint", "--image", "in.png"}, "--mask"},
        {{"outpaint", "--image", "in.png", "--extend", "0,0,0,0"}, "nothing to extend"},
        {{"outpaint", "--image", "in.png", "--extend", "0,0,5000,0"}, "too large"},
        {{"outpaint", "--image", "in.png", "--extend", "2040,0,2040,0"}, "at most 4096"},
        {{"outpaint", "--image", "in.png", "--extend", "-3,0,8,0"}, "negative"},
        {{"outpaint", "--image", "in.png", "--extend", "8,8,8"}, "four numbers"},
        {{"outpaint", "--image", "in.png", "--extend", "8,8,8,8", "--fill", "smear"}, "--fill"},
        {{"outpaint", "--image", "garbage.png", "--extend", "8,8,8,8"}, "--image"},
        {{"img2img", "--image", "in.png", "--strength", "1.5"}, "--strength"},
        {{"img2img", "--image", "in.png", "--strength", "0.1"}, "no step to run"},
        {{"img2img", "--image", "truncated.png"}, "--image"},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const std::string& a : c.args) joined += a + " ";
        SCOPED_TRACE(joined);
        const RunResult r = run_cli(with_common(c.args, "out.png"), ws.path());
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
        EXPECT_TRUE(read_file(ws.file("out.png")).empty()) << "an output file was written";
        EXPECT_FALSE(std::filesystem::exists(ws.file("out.png")));
        std::filesystem::remove(ws.file("out.png"));  // one failing case must not fail the next ones
    }
}

}  // namespace
