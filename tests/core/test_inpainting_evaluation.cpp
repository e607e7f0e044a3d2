// The inpainting check of `eval`: the centre hole sits where it says on the latent grid; the error
// inside the hole counts only the hole, in 1/255; the surrounding-mean floor fills the hole with the
// mean of the band around it and leaves every other pixel as it was; bad shapes are refused.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <stdexcept>

#include "core/builtin/inpainting_evaluation.h"
#include "core/pipeline/inpaint.h"

namespace {

TEST(InpaintingCheck, CentreHoleIsThreeEighthsOfTheSideInTheMiddle) {
    const at::Tensor m16 = ds::centre_hole_latent_mask(16);
    ASSERT_EQ(m16.sizes(), (std::vector<int64_t>{1, 1, 16, 16}));
    EXPECT_EQ(m16.sum().item<double>(), 36.0);
    EXPECT_EQ(m16[0][0][5][5].item<float>(), 1.0f);
    EXPECT_EQ(m16[0][0][10][10].item<float>(), 1.0f);
    EXPECT_EQ(m16[0][0][4][5].item<float>(), 0.0f);
    EXPECT_EQ(m16[0][0][11][10].item<float>(), 0.0f);
    // Symmetric: the same under a flip of either axis.
    EXPECT_TRUE(at::equal(m16, m16.flip({2})));
    EXPECT_TRUE(at::equal(m16, m16.flip({3})));
    EXPECT_EQ(ds::centre_hole_latent_mask(8).sum().item<double>(), 9.0);
    EXPECT_EQ(ds::centre_hole_latent_mask(2).sum().item<double>(), 1.0);
    EXPECT_THROW(ds::centre_hole_latent_mask(1), std::invalid_argument);

    const at::Tensor pixels = ds::latent_mask_to_pixels(m16, 4);
    ASSERT_EQ(pixels.sizes(), (std::vector<int64_t>{1, 1, 64, 64}));
    EXPECT_EQ(pixels.sum().item<double>(), 24.0 * 24.0);
    EXPECT_EQ(pixels[0][0][20][20].item<float>(), 1.0f);
    EXPECT_EQ(pixels[0][0][43][43].item<float>(), 1.0f);
    EXPECT_EQ(pixels[0][0][19][20].item<float>(), 0.0f);
    EXPECT_EQ(pixels[0][0][44][43].item<float>(), 0.0f);
}

TEST(InpaintingCheck, ErrorCountsOnlyTheHoleIn255ths) {
    const at::Tensor mask = ds::latent_mask_to_pixels(ds::centre_hole_latent_mask(4), 2);  // 2 x 2 of 8 x 8
    const at::Tensor a = at::zeros({2, 3, 8, 8});
    // Inside the hole b differs by 0.2 (first picture) and 0.4 (second); outside by 1.
    at::Tensor b = at::ones({2, 3, 8, 8});
    b[0].masked_fill_(mask[0].to(at::kBool).expand({3, 8, 8}), 0.2);
    b[1].masked_fill_(mask[0].to(at::kBool).expand({3, 8, 8}), 0.4);
    EXPECT_NEAR(ds::mean_error_inside(a, b, mask), 255.0 * 0.3, 1e-4);
    EXPECT_NEAR(ds::mean_error_inside(b, a, mask), 255.0 * 0.3, 1e-4);
    EXPECT_EQ(ds::mean_error_inside(b, b, mask), 0.0);
    EXPECT_THROW(ds::mean_error_inside(a, b.narrow(0, 0, 1), mask), std::invalid_argument);
    EXPECT_THROW(ds::mean_error_inside(a, b, at::zeros({1, 1, 8, 8})), std::invalid_argument);
    EXPECT_THROW(ds::mean_error_inside(a, b, at::ones({1, 1, 4, 4})), std::invalid_argument);
}

TEST(InpaintingCheck, SurroundingMeanFillsTheHoleFromTheBandAroundIt) {
    const at::Tensor mask = ds::latent_mask_to_pixels(ds::centre_hole_latent_mask(16), 2);  // rows/cols 10..21 of 32
    // Left half (x < 16) red, right half blue; noise inside the hole, which the fill must ignore.
    at::Tensor picture = at::zeros({1, 3, 32, 32});
    picture[0][0].narrow(1, 0, 16).fill_(1.0);
    picture[0][2].narrow(1, 16, 16).fill_(1.0);
    const at::Tensor hole = mask.to(at::kBool).expand({1, 3, 32, 32});
    picture = at::where(hole, at::rand({1, 3, 32, 32}), picture);
    const at::Tensor filled = ds::fill_with_surrounding_mean(picture, mask, 2);
    // The band of width 2 around the 12 x 12 hole (16 x 16 less the hole) is split evenly.
    EXPECT_NEAR(filled[0][0][12][12].item<float>(), 0.5f, 1e-6);
    EXPECT_NEAR(filled[0][1][12][12].item<float>(), 0.0f, 1e-6);
    EXPECT_NEAR(filled[0][2][21][10].item<float>(), 0.5f, 1e-6);
    EXPECT_TRUE(at::equal(at::where(hole, at::zeros_like(picture), filled), at::where(hole, at::zeros_like(picture), picture)))
        << "outside the hole nothing changes";
    // A flat picture is filled exactly.
    const at::Tensor flat = at::full({1, 3, 32, 32}, 0.25);
    EXPECT_EQ(ds::mean_error_inside(ds::fill_with_surrounding_mean(flat, mask, 1), flat, mask), 0.0);
    EXPECT_THROW(ds::fill_with_surrounding_mean(picture, mask, 0), std::invalid_argument);
    EXPECT_THROW(ds::fill_with_surrounding_mean(picture, at::ones({1, 1, 32, 32}), 2), std::invalid_argument);
    EXPECT_THROW(ds::fill_with_surrounding_mean(picture.narrow(1, 0, 2), mask, 2), std::invalid_argument);
}

}  // namespace
