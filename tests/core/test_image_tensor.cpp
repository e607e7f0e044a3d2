// Image <-> tensor conversion and to_rgb (core/image/image_tensor), and the built-in bitmap font
// (core/image/bitmap_font): value mapping x*2-1 and back with clamping, compositing over white,
// text metrics, clipping and that every glyph is distinct.
// To add a case: build a small ds::Image by hand and assert on the converted values or pixels.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <set>
#include <string>

#include "core/image/bitmap_font.h"
#include "core/image/image_tensor.h"

TEST(ImageTensor, MapsUnitRangeToPlusMinusOneAndBack) {
    ds::Image img(3, 2, 3);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>(i) / 17.0f;
    const at::Tensor t = ds::image_to_tensor(img);
    ASSERT_EQ(t.sizes(), (at::IntArrayRef{1, 3, 2, 3}));
    EXPECT_EQ(t.scalar_type(), at::kFloat);
    // HWC (x=1, y=1, c=2) lands at [0, 2, 1, 1].
    EXPECT_FLOAT_EQ(t[0][2][1][1].item<float>(), img.at(1, 1, 2) * 2 - 1);
    EXPECT_FLOAT_EQ(t.min().item<float>(), -1.0f);
    const ds::Image back = ds::tensor_to_image(t);
    ASSERT_EQ(back.width, 3);
    ASSERT_EQ(back.height, 2);
    for (size_t i = 0; i < img.pixels.size(); ++i) EXPECT_NEAR(back.pixels[i], img.pixels[i], 1e-6f);
}

TEST(ImageTensor, ClampsOutOfRangeValues) {
    const at::Tensor t = at::tensor({-3.0f, 0.0f, 5.0f}).reshape({1, 1, 1, 3});
    const ds::Image img = ds::tensor_to_image(t);
    EXPECT_EQ(img.channels, 1);
    EXPECT_EQ(img.pixels, (std::vector<float>{0.0f, 0.5f, 1.0f}));
    EXPECT_EQ(ds::tensor_to_image(at::zeros({4, 2, 2}, at::kDouble)).channels, 4);
}

TEST(ImageTensor, RejectsBadShapes) {
    EXPECT_THROW(ds::tensor_to_image(at::zeros({2, 3, 4, 4})), std::invalid_argument);
    EXPECT_THROW(ds::tensor_to_image(at::zeros({1, 2, 4, 4})), std::invalid_argument);
    EXPECT_THROW(ds::tensor_to_image(at::zeros({4, 4})), std::invalid_argument);
    EXPECT_THROW(ds::image_to_tensor(ds::Image()), std::invalid_argument);
}

TEST(ImageTensor, ToRgbReplicatesGreyAndCompositesOverWhite) {
    ds::Image grey(1, 1, 1, 0.25f);
    EXPECT_EQ(ds::to_rgb(grey).pixels, (std::vector<float>{0.25f, 0.25f, 0.25f}));
    ds::Image rgba(3, 1, 4);
    rgba.pixels = {0.0f, 0.0f, 0.0f, 0.0f,  /* transparent black */
                   0.2f, 0.4f, 0.6f, 1.0f,  /* opaque */
                   0.0f, 0.0f, 0.0f, 0.5f}; /* half black */
    const ds::Image rgb = ds::to_rgb(rgba);
    ASSERT_EQ(rgb.channels, 3);
    EXPECT_EQ(rgb.at(0, 0, 1), 1.0f);
    EXPECT_FLOAT_EQ(rgb.at(1, 0, 2), 0.6f);
    EXPECT_FLOAT_EQ(rgb.at(2, 0, 0), 0.5f);
}

TEST(BitmapFont, MetricsFollowTheGlyphGrid) {
    EXPECT_EQ(ds::text_width("abc", 1), 3 * ds::kGlyphAdvance - 1);
    EXPECT_EQ(ds::text_width("abc", 3), 3 * (3 * ds::kGlyphAdvance - 1));
    EXPECT_EQ(ds::text_width("", 2), 0);
    EXPECT_EQ(ds::text_height("x", 2), 2 * ds::kGlyphHeight);
    EXPECT_EQ(ds::text_width("ab\nlonger", 1), 6 * ds::kGlyphAdvance - 1);
    EXPECT_EQ(ds::text_height("a\nb", 1), ds::kLineAdvance + ds::kGlyphHeight);
    EXPECT_EQ(ds::text_width("\xe1\xbe\xb1=0.5", 1), 5 * ds::kGlyphAdvance - 1) << "ᾱ is one glyph";
}

TEST(BitmapFont, DrawsInsideItsBoxOnly) {
    ds::Image img(40, 20, 3, 1.0f);
    ds::draw_text(img, 5, 4, "t=9", {0, 0, 0, 1}, 2);
    const int w = ds::text_width("t=9", 2), h = ds::text_height("t=9", 2);
    int inside = 0;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const bool ink = img.at(x, y, 0) < 0.5f;
            const bool in_box = x >= 5 && x < 5 + w && y >= 4 && y < 4 + h;
            if (ink) EXPECT_TRUE(in_box) << x << "," << y;
            inside += ink;
        }
    EXPECT_GT(inside, 40);
    EXPECT_EQ(inside % 4, 0) << "scale 2 draws 2x2 squares";
}

TEST(BitmapFont, ClipsAtTheEdgesAndDrawsOnGreyAndRgba) {
    ds::Image grey(10, 10, 1, 0.0f);
    ds::draw_text(grey, -7, -3, "WWW", {1, 1, 1, 1}, 3);  // mostly outside: must not crash
    float sum = 0;
    for (float v : grey.pixels) sum += v;
    EXPECT_GT(sum, 0.0f);
    ds::Image rgba(12, 10, 4, 0.0f);
    ds::draw_text(rgba, 0, 0, "A", {1, 0, 0, 1}, 1);
    EXPECT_EQ(rgba.at(0, 1, 3), 1.0f);  // 'A' has ink at (0, 1)
    EXPECT_EQ(rgba.at(0, 1, 0), 1.0f);
    EXPECT_EQ(rgba.at(0, 0, 3), 0.0f);
}

TEST(BitmapFont, EveryGlyphIsDistinct) {
    std::string chars;
    for (char c = 'a'; c <= 'z'; ++c) chars += c;
    for (char c = 'A'; c <= 'Z'; ++c) chars += c;
    for (char c = '0'; c <= '9'; ++c) chars += c;
    chars += "=.,-_:;()/+%?![]<>*#'\"";
    std::set<std::vector<float>> seen;
    for (char c : chars) {
        EXPECT_TRUE(ds::font_has_glyph(static_cast<char32_t>(c))) << c;
        ds::Image img(ds::kGlyphWidth, ds::kGlyphHeight, 1, 0.0f);
        ds::draw_text(img, 0, 0, std::string(1, c), {1, 1, 1, 1}, 1);
        EXPECT_TRUE(seen.insert(img.pixels).second) << "glyph '" << c << "' duplicates another";
    }
    EXPECT_FALSE(ds::font_has_glyph(U'\u4e2d'));
    ds::Image box(ds::kGlyphWidth, ds::kGlyphHeight, 1, 0.0f);
    ds::draw_text(box, 0, 0, "\xe4\xb8\xad", {1, 1, 1, 1}, 1);  // an unknown character: a hollow box
    EXPECT_EQ(box.at(0, 0, 0), 1.0f);
    EXPECT_EQ(box.at(2, 3, 0), 0.0f);
}
