// GEGLU's in-place gating (value * gelu(gate), exact-erf GELU) against ATen's gelu in float64 on
// widths that are no multiple of the vector width, gates from -12 to 12 (both tails), NaN, and the
// feed-forward layer with and without autograd.
#include <gtest/gtest.h>
#include <ATen/ATen.h>

#include <cmath>

#include "core/model/geglu_cpu.h"
#include "core/model/transformer_2d.h"

TEST(Geglu, RowsMatchGeluTimesValue) {
    at::manual_seed(31);
    for (int64_t width : {1, 7, 8, 37, 1280}) {
        at::Tensor h = at::randn({13, 2 * width});
        h.narrow(1, width, width).mul_(4.0);  // gates well into both tails
        h[0][width] = -12.0f;
        h[1][width] = 12.0f;
        const at::Tensor hd = h.to(at::kDouble);
        const at::Tensor want = hd.narrow(1, 0, width) * at::gelu(hd.narrow(1, width, width));
        ds::geglu_rows_inplace(h.data_ptr<float>(), 13, width);
        const double err = (h.narrow(1, 0, width).to(at::kDouble) - want).abs().max().item<double>();
        EXPECT_LT(err, 2e-6) << "width " << width;  // absolute: values and gates are O(1-10)
    }
}

TEST(Geglu, NanPropagates) {
    at::Tensor h = at::ones({2, 16});
    h[0][8] = NAN;  // a gate
    h[1][3] = NAN;  // a value
    ds::geglu_rows_inplace(h.data_ptr<float>(), 2, 8);
    EXPECT_TRUE(std::isnan(h[0][0].item<float>()));
    EXPECT_TRUE(std::isnan(h[1][3].item<float>()));
    EXPECT_FALSE(std::isnan(h[0][1].item<float>()));
}

TEST(Geglu, FeedForwardInferenceMatchesTraining) {
    at::manual_seed(32);
    ds::GegluFeedForward ff;
    ff.proj.weight = at::randn({2 * 40, 24}) * 0.3;
    ff.proj.bias = at::randn({2 * 40});
    ff.out.weight = at::randn({24, 40}) * 0.3;
    ff.out.bias = at::randn({24});
    const at::Tensor x = at::randn({2, 19, 24});
    at::Tensor plain;
    {
        at::AutoGradMode grad(true);  // the composition autograd needs
        plain = ff(x);
    }
    at::Tensor fused;
    {
        at::NoGradGuard no_grad;
        fused = ff(x);
    }
    EXPECT_TRUE(at::allclose(fused, plain, 1e-5, 1e-5));
}
