// Asserts the outpainting canvas: the canvas has the extended size with the original copied bit for
// bit at its offset; the mask is 1 on every new pixel, ramps down over `overlap` pixels into the
// original only along the extended sides and is exactly 0 beyond (overlap 0: the new area only);
// each fill (stretch = nearest edge pixel, blur, seeded noise) fills the new area; RGBA originals
// get an opaque new area; and bad extensions (all 0, negative, too large, a canvas over 4096) are
// refused with one line naming the problem.
#include <gtest/gtest.h>

#include <cmath>

#include "core/pipeline/outpaint_canvas.h"
#include "tests/support/error_of.h"

namespace {

ds::Image gradient(int w, int h, int c) {
    ds::Image img(w, h, c);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) img.at(x, y, ch) = std::fmod(0.013f * x + 0.029f * y + 0.31f * ch, 1.0f);
    return img;
}

TEST(OutpaintCanvas, OriginalIsCopiedExactlyAndTheMaskCoversTheNewAreaAndABand) {
    const ds::Image img = gradient(37, 29, 3);
    const ds::CanvasExtension e{5, 0, 11, 3};
    const int overlap = 4;
    for (ds::OutpaintFill fill : {ds::OutpaintFill::Stretch, ds::OutpaintFill::Blur, ds::OutpaintFill::Noise}) {
        SCOPED_TRACE(ds::outpaint_fill_name(fill));
        const ds::OutpaintCanvas c = ds::make_outpaint_canvas(img, e, fill, overlap, 7);
        ASSERT_EQ(c.image.width, 37 + 5 + 11);
        ASSERT_EQ(c.image.height, 29 + 3);
        ASSERT_EQ(c.mask.channels, 1);
        EXPECT_EQ(c.x, 5);
        EXPECT_EQ(c.y, 0);
        for (int y = 0; y < c.image.height; ++y) {
            for (int x = 0; x < c.image.width; ++x) {
                const int ox = x - c.x, oy = y - c.y;
                const bool inside = ox >= 0 && ox < img.width && oy >= 0 && oy < img.height;
                const float m = c.mask.at(x, y, 0);
                if (!inside) {
                    EXPECT_EQ(m, 1.0f) << x << "," << y;
                    continue;
                }
                for (int ch = 0; ch < 3; ++ch) ASSERT_EQ(c.image.at(x, y, ch), img.at(ox, oy, ch)) << x << "," << y;
                // Distance to the seam along the extended sides: left, right and bottom (top is 0).
                const int d = std::min({ox, img.width - 1 - ox, img.height - 1 - oy});
                if (d >= overlap) EXPECT_EQ(m, 0.0f) << x << "," << y;
                else EXPECT_GT(m, 0.0f) << x << "," << y;
            }
        }
        EXPECT_GT(c.mask.at(c.x, 10, 0), c.mask.at(c.x + 1, 10, 0));  // ramps down into the original
        EXPECT_EQ(c.mask.at(c.x + 20, 0, 0), 0.0f);                    // the top was not extended
    }
}

TEST(OutpaintCanvas, OverlapZeroMasksExactlyTheNewArea) {
    const ds::Image img = gradient(20, 10, 3);
    const ds::OutpaintCanvas c = ds::make_outpaint_canvas(img, {0, 6, 0, 0}, ds::OutpaintFill::Stretch, 0);
    for (int y = 0; y < c.image.height; ++y)
        for (int x = 0; x < c.image.width; ++x) EXPECT_EQ(c.mask.at(x, y, 0), y < 6 ? 1.0f : 0.0f);
    // Stretch repeats the nearest edge pixel.
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 20; ++x)
            for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(c.image.at(x, y, ch), img.at(x, 0, ch));
}

TEST(OutpaintCanvas, BlurAndNoiseFillsDifferAndNoiseIsSeeded) {
    const ds::Image img = gradient(32, 32, 3);
    const ds::CanvasExtension e{16, 16, 16, 16};
    const auto stretch = ds::make_outpaint_canvas(img, e, ds::OutpaintFill::Stretch, 0);
    const auto blur = ds::make_outpaint_canvas(img, e, ds::OutpaintFill::Blur, 0);
    const auto noise = ds::make_outpaint_canvas(img, e, ds::OutpaintFill::Noise, 0, 1);
    EXPECT_NE(stretch.image.pixels, blur.image.pixels);
    EXPECT_NE(blur.image.pixels, noise.image.pixels);
    EXPECT_EQ(noise.image.pixels, ds::make_outpaint_canvas(img, e, ds::OutpaintFill::Noise, 0, 1).image.pixels);
    EXPECT_NE(noise.image.pixels, ds::make_outpaint_canvas(img, e, ds::OutpaintFill::Noise, 0, 2).image.pixels);
    for (float v : noise.image.pixels) {
        EXPECT_GE(v, 0.0f);
        EXPECT_LE(v, 1.0f);
    }
}

TEST(OutpaintCanvas, RgbaNewAreaIsOpaqueAndTheOriginalAlphaKept) {
    ds::Image img = gradient(10, 10, 4);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 10; ++x) img.at(x, y, 3) = 0.25f;
    const auto c = ds::make_outpaint_canvas(img, {0, 0, 4, 0}, ds::OutpaintFill::Blur, 2);
    ASSERT_EQ(c.image.channels, 4);
    EXPECT_EQ(c.image.at(12, 5, 3), 1.0f);
    EXPECT_EQ(c.image.at(3, 5, 3), 0.25f);
}

TEST(OutpaintCanvas, BadExtensionsAreRefusedWithOneLine) {
    const struct {
        ds::CanvasExtension e;
        const char* expected;
    } cases[] = {
        {{0, 0, 0, 0}, "nothing to extend"},
        {{-1, 0, 8, 0}, "must not be negative"},
        {{0, 0, 3000, 0}, "too large"},
        {{2000, 0, 2000, 0}, "at most 4096"},
    };
    for (const auto& c : cases) {
        const std::string message = ds::test::error_of([&] { ds::validate_extension(c.e, 200, 100); });
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos);
        EXPECT_THROW(ds::make_outpaint_canvas(ds::Image(200, 100, 3), c.e, ds::OutpaintFill::Blur, 8),
                     std::invalid_argument);
    }
    EXPECT_THROW(ds::parse_outpaint_fill("smear"), std::invalid_argument);
    EXPECT_EQ(ds::parse_outpaint_fill("noise"), ds::OutpaintFill::Noise);
}

}  // namespace
