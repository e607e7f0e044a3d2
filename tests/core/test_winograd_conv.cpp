// Winograd F(2x2, 3x3) convolution against at::conv2d in float64 on awkward sizes: odd and tiny
// images (a 2x2 output tile clipped at the border), batch 1-3, channel counts of no particular
// multiple, no bias, several tile blocks with a block boundary inside a row of tiles, output
// channels in several chunks, non-contiguous input, one and two threads; training falls back.
#include <gtest/gtest.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <tuple>

#include "core/model/layers.h"
#include "core/model/winograd_conv_cpu.h"
#include "tests/support/max_relative_error.h"

namespace {

using ds::test::max_relative_error;

at::Tensor reference(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    return at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.defined() ? b.to(at::kDouble) : at::Tensor(), 1, 1);
}

}  // namespace

// batch, in channels, out channels, height, width, with bias
class WinogradShapes : public ::testing::TestWithParam<std::tuple<int, int, int, int, int, bool>> {};

TEST_P(WinogradShapes, MatchesConv2d) {
    const auto [n, c, k, h, w, with_bias] = GetParam();
    at::manual_seed(n * 1000 + c * 10 + h);
    const at::Tensor x = at::randn({n, c, h, w});
    const at::Tensor weight = at::randn({k, c, 3, 3}) * 0.1;
    const at::Tensor bias = with_bias ? at::randn({k}) : at::Tensor();
    const at::Tensor want = reference(x, weight, bias);
    ASSERT_TRUE(ds::winograd_conv3x3_applies(x, weight));
    for (int threads : {1, 2}) {
        const int saved = at::get_num_threads();
        at::set_num_threads(threads);
        const at::Tensor got = ds::winograd_conv3x3(x, weight, bias);
        at::set_num_threads(saved);
        ASSERT_EQ(got.sizes(), want.sizes());
        EXPECT_LT(max_relative_error(got, want), 5e-6) << threads << " thread(s)";
    }
}

INSTANTIATE_TEST_SUITE_P(
    AwkwardSizes, WinogradShapes,
    ::testing::Values(std::make_tuple(1, 1, 1, 1, 1, true),        // one pixel: one clipped tile
                      std::make_tuple(2, 3, 5, 7, 3, true),        // odd both ways
                      std::make_tuple(3, 17, 9, 1, 12, false),     // one row, no bias
                      std::make_tuple(2, 64, 70, 33, 17, true),
                      std::make_tuple(1, 64, 64, 141, 139, true),  // 4,970 tiles: two blocks, split inside a row
                      std::make_tuple(1, 1280, 300, 34, 34, true)  // output channels in two chunks, two blocks
                      ));

TEST(Winograd, NonContiguousInputAndTheConvModule) {
    at::manual_seed(5);
    const at::Tensor wide = at::randn({2, 96, 40, 60});
    const at::Tensor x = wide.narrow(3, 3, 41);  // a view with row stride 60; large enough for Winograd
    ASSERT_FALSE(x.is_contiguous());
    ds::Conv2d conv;
    conv.weight = at::randn({96, 96, 3, 3}) * 0.1;
    conv.bias = at::randn({96});
    conv.stride = 1;
    conv.padding = 1;
    EXPECT_LT(max_relative_error(conv(x), reference(x, conv.weight, conv.bias)), 5e-6);
    // channels-last input gives the same numbers
    EXPECT_LT(max_relative_error(conv(x.contiguous(at::MemoryFormat::ChannelsLast)),
                                 reference(x, conv.weight, conv.bias)),
              5e-6);
}

TEST(Winograd, TrainingAndOtherKernelsTakeThePlainConvolution) {
    const at::Tensor x = at::randn({1, 8, 6, 6});
    const at::Tensor w = at::randn({8, 8, 3, 3}).requires_grad_();
    EXPECT_FALSE(ds::winograd_conv3x3_applies(x, w));  // autograd needs conv2d's backward
    {
        at::NoGradGuard no_grad;
        EXPECT_TRUE(ds::winograd_conv3x3_applies(x, w));
    }
    EXPECT_FALSE(ds::winograd_conv3x3_applies(x, at::randn({8, 8, 1, 1})));
    EXPECT_FALSE(ds::winograd_conv3x3_applies(x.to(at::kDouble), at::randn({8, 8, 3, 3}, at::kDouble)));
    EXPECT_FALSE(ds::winograd_conv3x3_applies(x, at::randn({8, 4, 3, 3})));  // channel mismatch
}

TEST(Winograd, NanStaysWhereConvolutionPutsIt) {
    at::Tensor x = at::zeros({1, 64, 9, 9});
    x[0][3][4][4] = NAN;
    const at::Tensor w = at::randn({64, 64, 3, 3});
    const at::Tensor y = ds::winograd_conv3x3(x, w, at::Tensor());
    // conv2d spreads a NaN to the 3x3 neighbourhood; F(2x2, 3x3) may also reach the rest of the
    // tiles that read it, but never past them.
    EXPECT_TRUE(y[0][0][4][4].isnan().item<bool>());
    EXPECT_FALSE(y.narrow(2, 0, 2).isnan().any().item<bool>());
    EXPECT_FALSE(y.narrow(2, 7, 2).isnan().any().item<bool>());
}

// A GroupNorm + SiLU folded into the Winograd kernel's reading of the input (the ResNet blocks'
// norm -> SiLU -> conv) against the three done one after another in float64.
TEST(Winograd, FusedGroupNormAndSilu) {
    at::manual_seed(21);
    // Conv2d takes the fused kernel from 0.5 direct GFLOP up: the first two; the others take the
    // plain path (too few channels, too small).
    for (const auto& [n, c, k, h, w, groups] :
         {std::make_tuple(2, 128, 128, 40, 37, 32), std::make_tuple(1, 128, 64, 70, 71, 8),
          std::make_tuple(2, 32, 32, 8, 8, 32), std::make_tuple(2, 64, 96, 13, 9, 32)}) {
        const at::Tensor x = at::randn({n, c, h, w}) * 3.0 + 1.5;
        ds::GroupNorm norm;
        norm.weight = at::randn({c});
        norm.bias = at::randn({c});
        norm.groups = groups;
        norm.eps = 1e-6;
        ds::Conv2d conv;
        conv.weight = at::randn({k, c, 3, 3}) * 0.05;
        conv.bias = at::randn({k});
        conv.stride = 1;
        conv.padding = 1;
        const at::Tensor xd = x.to(at::kDouble);
        const at::Tensor want = at::conv2d(at::silu(at::group_norm(xd, groups, norm.weight.to(at::kDouble), norm.bias.to(at::kDouble), 1e-6)),
                                           conv.weight.to(at::kDouble), conv.bias.to(at::kDouble), 1, 1);
        EXPECT_LT(max_relative_error(conv.after_norm_silu(x, norm), want), 5e-6) << c << " channels";
    }
}

// SD's Upsample2D (nearest 2x, then the 3x3 convolution) with the upsampling folded into the
// kernel's reading of the input, odd sizes included.
TEST(Winograd, FusedNearestUpsampling) {
    at::manual_seed(22);
    for (const auto& [n, c, k, h, w] : {std::make_tuple(2, 128, 128, 20, 19), std::make_tuple(1, 96, 80, 33, 31),
                                        std::make_tuple(1, 16, 16, 3, 4)}) {  // last: too few channels, plain path
        const at::Tensor x = at::randn({n, c, h, w});
        ds::Conv2d conv;
        conv.weight = at::randn({k, c, 3, 3}) * 0.05;
        conv.bias = at::randn({k});
        conv.stride = 1;
        conv.padding = 1;
        const at::Tensor want = at::conv2d(at::upsample_nearest2d(x.to(at::kDouble), {2 * h, 2 * w}),
                                           conv.weight.to(at::kDouble), conv.bias.to(at::kDouble), 1, 1);
        const at::Tensor got = conv.after_upsample_2x(x);
        ASSERT_EQ(got.sizes(), want.sizes());
        EXPECT_LT(max_relative_error(got, want), 5e-6) << c << " channels";
    }
}

// The kernel's fused input reads on tiny, odd sizes (called directly: Conv2d keeps such layers on
// the plain path): the activation must leave the zero padding at zero, and the upsampling must
// clip at odd borders.
TEST(Winograd, FusedInputsOnTinyOddSizes) {
    at::manual_seed(23);
    const at::Tensor x = at::randn({2, 6, 5, 3}) * 2.0;
    const at::Tensor w = at::randn({7, 6, 3, 3});
    const at::Tensor b = at::randn({7});
    const at::Tensor scale = at::randn({2, 6}), shift = at::randn({2, 6});
    const ds::ConvInputActivation activation{scale, shift};
    const at::Tensor xd = x.to(at::kDouble);
    const at::Tensor activated = at::silu(xd * scale.to(at::kDouble).view({2, 6, 1, 1}) + shift.to(at::kDouble).view({2, 6, 1, 1}));
    const at::Tensor wd = w.to(at::kDouble), bd = b.to(at::kDouble);
    EXPECT_LT(max_relative_error(ds::winograd_conv3x3(x, w, b, &activation), at::conv2d(activated, wd, bd, 1, 1)), 5e-6);
    EXPECT_LT(max_relative_error(ds::winograd_conv3x3(x, w, b, nullptr, true),
                                 at::conv2d(at::upsample_nearest2d(xd, {10, 6}), wd, bd, 1, 1)),
              5e-6);
    EXPECT_LT(max_relative_error(ds::winograd_conv3x3(x, w, b, &activation, true),
                                 at::conv2d(at::upsample_nearest2d(activated, {10, 6}), wd, bd, 1, 1)),
              5e-6);
    const ds::ConvInputActivation wrong{at::ones({1, 6}), at::zeros({1, 6})};
    EXPECT_THROW(ds::winograd_conv3x3(x, w, b, &wrong), std::invalid_argument);
}
