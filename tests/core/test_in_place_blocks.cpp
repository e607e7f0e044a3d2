// The memory-saving inference paths of the convolutional blocks, each against the plain form it
// replaces: the Winograd kernel adding its output into an existing tensor, 1x1 convolutions as
// sgemm (out of place, and in place into their input's memory), and ResnetBlock2D::forward_reusing
// against ResnetBlock2D::forward, with the memory reuse itself checked.
#include <gtest/gtest.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/model/layers.h"
#include "core/model/resnet_block.h"
#include "core/model/weights.h"
#include "core/model/winograd_conv_cpu.h"
#include "tests/support/max_relative_error.h"

namespace {

using ds::test::max_relative_error;

ds::Conv2d pointwise(int64_t in, int64_t out, bool with_bias) {
    ds::Conv2d conv;
    conv.weight = at::randn({out, in, 1, 1}) / std::sqrt(static_cast<double>(in));
    if (with_bias) conv.bias = at::randn({out});
    conv.stride = 1;
    conv.padding = 0;
    return conv;
}

at::Tensor pointwise_reference(const ds::Conv2d& conv, const at::Tensor& x) {
    return at::conv2d(x.to(at::kDouble), conv.weight.to(at::kDouble),
                      conv.bias.defined() ? conv.bias.to(at::kDouble) : at::Tensor());
}

// Runs f with `threads` intra-op threads, restoring the count after.
template <typename F>
void with_threads(int threads, F f) {
    const int saved = at::get_num_threads();
    at::set_num_threads(threads);
    f();
    at::set_num_threads(saved);
}

}  // namespace

TEST(WinogradAddTo, AddsIntoAChannelSliceOfAWiderTensor) {
    at::manual_seed(31);
    const at::Tensor x = at::randn({2, 64, 19, 23});
    const at::Tensor w = at::randn({40, 64, 3, 3}) * 0.05;
    const at::Tensor b = at::randn({40});
    // The target: channels [0, 40) of a [2, 72, 19, 23] tensor, so its images are 72 channels apart.
    const at::Tensor wide = at::randn({2, 72, 19, 23});
    const at::Tensor before = wide.clone();
    const at::Tensor target = wide.narrow(1, 0, 40);
    const at::Tensor want = before.narrow(1, 0, 40).to(at::kDouble) +
                            at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble), 1, 1);
    for (int threads : {1, 2}) {
        target.copy_(before.narrow(1, 0, 40));
        with_threads(threads, [&] {
            const at::Tensor got = ds::winograd_conv3x3(x, w, b, nullptr, false, target);
            EXPECT_EQ(got.data_ptr(), target.data_ptr());
        });
        EXPECT_LT(max_relative_error(target, want), 5e-6) << threads << " thread(s)";
        EXPECT_TRUE(at::equal(wide.narrow(1, 40, 32), before.narrow(1, 40, 32))) << "channels past the slice changed";
    }
    // The same sum in the fused-activation form that ResnetBlock2D's conv2 uses.
    const at::Tensor scale = at::randn({2, 64}), shift = at::randn({2, 64});
    const ds::ConvInputActivation activation{scale, shift};
    const at::Tensor activated =
        at::silu(x.to(at::kDouble) * scale.to(at::kDouble).view({2, 64, 1, 1}) + shift.to(at::kDouble).view({2, 64, 1, 1}));
    target.copy_(before.narrow(1, 0, 40));
    ds::winograd_conv3x3(x, w, b, &activation, false, target);
    EXPECT_LT(max_relative_error(target, before.narrow(1, 0, 40).to(at::kDouble) +
                                             at::conv2d(activated, w.to(at::kDouble), b.to(at::kDouble), 1, 1)),
              5e-6);
}

TEST(WinogradAddTo, RefusesTargetsItCannotWriteSafely) {
    at::manual_seed(32);
    const at::Tensor x = at::randn({1, 8, 6, 6});
    const at::Tensor w = at::randn({8, 8, 3, 3});
    // The input itself: its tiles are still being read while outputs are written.
    EXPECT_THROW(ds::winograd_conv3x3(x, w, at::Tensor(), nullptr, false, x), std::invalid_argument);
    EXPECT_THROW(ds::winograd_conv3x3(x, w, at::Tensor(), nullptr, false, at::zeros({1, 8, 6, 5})),
                 std::invalid_argument);
    EXPECT_THROW(ds::winograd_conv3x3(x, w, at::Tensor(), nullptr, false, at::zeros({1, 8, 6, 6}, at::kDouble)),
                 std::invalid_argument);
    // Rows not contiguous within an image.
    EXPECT_THROW(ds::winograd_conv3x3(x, w, at::Tensor(), nullptr, false, at::zeros({1, 8, 6, 7}).narrow(3, 0, 6)),
                 std::invalid_argument);
}

// 1x1 layers: the sgemm form (and the in-place one) against conv2d in float64 on odd pixel counts,
// batch 1 and 3, with and without bias, one and two threads.
class PointwiseShapes : public ::testing::TestWithParam<std::tuple<int, int, int, int, int, bool>> {};

TEST_P(PointwiseShapes, MatchConv2d) {
    const auto [n, c, k, h, w, with_bias] = GetParam();
    at::manual_seed(n * 100 + c + k);
    const ds::Conv2d conv = pointwise(c, k, with_bias);
    const at::Tensor x = at::randn({n, c, h, w});
    const at::Tensor want = pointwise_reference(conv, x);
    for (int threads : {1, 2}) {
        with_threads(threads, [&] {
            EXPECT_LT(max_relative_error(conv(x), want), 2e-6) << threads << " thread(s)";
            if (k > c) {
                EXPECT_FALSE(conv.runs_in_place(x));
                return;
            }
            at::Tensor scratch = x.clone();
            ASSERT_TRUE(conv.runs_in_place(scratch));
            const at::Tensor got = conv.in_place(scratch);
            EXPECT_EQ(got.data_ptr(), scratch.data_ptr()) << "not computed in the input's memory";
            ASSERT_EQ(got.sizes(), want.sizes());
            EXPECT_LT(max_relative_error(got, want), 2e-6) << threads << " thread(s), in place";
        });
    }
}

INSTANTIATE_TEST_SUITE_P(OddSizes, PointwiseShapes,
                         ::testing::Values(std::make_tuple(1, 96, 40, 37, 23, true),  // several column blocks
                                           std::make_tuple(3, 12, 12, 5, 3, false),   // as many outputs as inputs
                                           std::make_tuple(1, 1024, 7, 1, 1, true),   // one pixel, one column
                                           std::make_tuple(2, 16, 24, 9, 11, true))); // widening: not in place

TEST(Pointwise, TrainingAndNonContiguousInputs) {
    at::manual_seed(33);
    const ds::Conv2d conv = pointwise(32, 16, true);
    const at::Tensor wide = at::randn({2, 32, 10, 14});
    const at::Tensor x = wide.narrow(3, 2, 9);  // rows 14 apart
    EXPECT_LT(max_relative_error(conv(x), pointwise_reference(conv, x)), 2e-6);
    EXPECT_FALSE(conv.runs_in_place(x)) << "a strided view is not overwritten";
    // With a gradient to record, the layer stays on conv2d and the gradient flows.
    const at::Tensor leaf = at::randn({1, 32, 4, 4}).requires_grad_(true);
    EXPECT_FALSE(conv.runs_in_place(leaf));
    conv(leaf).sum().backward();
    ASSERT_TRUE(leaf.grad().defined());
    EXPECT_LT(max_relative_error(leaf.grad(), conv.weight.sum({0}).view({1, 32, 1, 1}).expand({1, 32, 4, 4})), 1e-5);
}

// A model being trained, evaluated under a no-grad guard (a held-out loss, a preview): its weights
// require grad, the caller's thread records nothing, and the in-place path is taken. Its worker
// threads do not inherit the caller's grad mode, so they must not see the trainable weights.
TEST(Pointwise, InPlaceWithTrainableWeightsUnderNoGrad) {
    at::manual_seed(34);
    ds::Conv2d conv = pointwise(48, 24, true);
    conv.weight.requires_grad_(true);
    conv.bias.requires_grad_(true);
    const at::Tensor x = at::randn({2, 48, 9, 13});
    const at::Tensor want = pointwise_reference(conv, x.detach()).detach();
    for (int threads : {1, 2}) {
        with_threads(threads, [&] {
            at::NoGradGuard no_grad;
            at::Tensor scratch = x.clone();
            ASSERT_TRUE(conv.runs_in_place(scratch));
            const at::Tensor got = conv.in_place(scratch);
            EXPECT_FALSE(got.requires_grad());
            EXPECT_LT(max_relative_error(got, want), 2e-6) << threads << " thread(s)";
        });
    }
}

namespace {

ds::ResnetBlock2D random_block(int64_t in, int64_t out, int64_t temb_channels) {
    ds::WeightMap w;
    auto put = [&](const std::string& name, std::vector<int64_t> shape, double scale) {
        w.insert("r." + name, at::randn(shape) * scale);
    };
    put("norm1.weight", {in}, 1.0);
    put("norm1.bias", {in}, 0.5);
    put("conv1.weight", {out, in, 3, 3}, 1.0 / std::sqrt(9.0 * in));
    put("conv1.bias", {out}, 0.1);
    if (temb_channels > 0) {
        put("time_emb_proj.weight", {out, temb_channels}, 0.2);
        put("time_emb_proj.bias", {out}, 0.1);
    }
    put("norm2.weight", {out}, 1.0);
    put("norm2.bias", {out}, 0.5);
    put("conv2.weight", {out, out, 3, 3}, 1.0 / std::sqrt(9.0 * out));
    put("conv2.bias", {out}, 0.1);
    if (in != out) {
        put("conv_shortcut.weight", {out, in, 1, 1}, 1.0 / std::sqrt(1.0 * in));
        put("conv_shortcut.bias", {out}, 0.1);
    }
    ds::ResnetBlock2D block = ds::ResnetBlock2D::load(w, "r", in, out, temb_channels, 32, 1e-6);
    w.check("ResnetBlock2D", "r");
    return block;
}

}  // namespace

// in, out, height, width, batch, time embedding channels. The first three are large enough for the
// Winograd kernel (the in-place sum), the last on the plain path (the fallback add).
class ReusingShapes : public ::testing::TestWithParam<std::tuple<int, int, int, int, int, int>> {};

TEST_P(ReusingShapes, SameResultAsForwardInTheInputsMemory) {
    const auto [in, out, h, w, n, temb_channels] = GetParam();
    at::manual_seed(in + out + h);
    const ds::ResnetBlock2D block = random_block(in, out, temb_channels);
    const at::Tensor x = at::randn({n, in, h, w}) * 2.0 + 0.5;
    const at::Tensor temb = temb_channels > 0 ? at::randn({n, temb_channels}) : at::Tensor();
    at::NoGradGuard no_grad;
    const at::Tensor want = block.forward(x, temb);
    for (int threads : {1, 2}) {
        with_threads(threads, [&] {
            at::Tensor owned = x.clone();
            const void* memory = owned.data_ptr();
            const at::Tensor got = block.forward_reusing(std::move(owned), temb);
            ASSERT_EQ(got.sizes(), want.sizes());
            EXPECT_LT(max_relative_error(got, want), 1e-6) << threads << " thread(s)";
            EXPECT_TRUE(got.is_contiguous());
            EXPECT_EQ(got.storage().nbytes(), static_cast<size_t>(got.numel()) * sizeof(float))
                << "the result carries a wider buffer";
            if (in == out) EXPECT_EQ(got.data_ptr(), memory) << "the identity residual's sum is not in x's memory";
        });
    }
}

INSTANTIATE_TEST_SUITE_P(Blocks, ReusingShapes,
                         ::testing::Values(std::make_tuple(128, 128, 48, 45, 1, 0),  // identity residual
                                           std::make_tuple(128, 96, 61, 66, 1, 0),   // narrowing 1x1: in place
                                           std::make_tuple(64, 96, 40, 40, 2, 24),   // widening, time embedding
                                           std::make_tuple(32, 32, 7, 5, 2, 0)));    // small: plain path

TEST(ResnetBlockReusing, LeavesATensorSomebodyElseHoldsAlone) {
    at::manual_seed(34);
    const ds::ResnetBlock2D block = random_block(128, 96, 0);
    at::NoGradGuard no_grad;
    const at::Tensor x = at::randn({1, 128, 61, 66});
    const at::Tensor kept = x.clone();
    const at::Tensor want = block.forward(x);
    // A copy of the handle (the caller keeps x), and a view of x: neither may be written into.
    EXPECT_LT(max_relative_error(block.forward_reusing(x), want), 1e-6);
    EXPECT_LT(max_relative_error(block.forward_reusing(x.view({1, 128, 61, 66})), want), 1e-6);
    EXPECT_TRUE(at::equal(x, kept));
    // A gradient to record: the plain path, and the gradient flows to x.
    at::GradMode::set_enabled(true);
    const at::Tensor leaf = x.clone().requires_grad_(true);
    block.forward_reusing(leaf * 1.0).sum().backward();
    at::GradMode::set_enabled(false);
    ASSERT_TRUE(leaf.grad().defined());
    EXPECT_TRUE(at::isfinite(leaf.grad()).all().item<bool>());
}
