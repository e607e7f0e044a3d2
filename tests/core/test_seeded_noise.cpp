// Asserts that seeded noise means what it means in the reference tools (torch.manual_seed(S) then
// torch.randn on the CPU) and that it does not depend on the thread count.
// To add a case: add a (seed, shape, values) row from PyTorch's CPU generator.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include "core/runtime/seeded_noise.h"

namespace {

TEST(SeededNoise, MatchesTorchManualSeed) {
    // torch.manual_seed(42); torch.randn(2, 3) in PyTorch (documented widely, e.g. its tutorials).
    const at::Tensor x = ds::seeded_randn(42, {2, 3});
    const float expected[] = {0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f, -0.1863f};
    const at::Tensor flat = x.reshape({-1});
    for (int i = 0; i < 6; ++i) EXPECT_NEAR(flat[i].item<float>(), expected[i], 1e-4) << i;
    EXPECT_EQ(x.scalar_type(), at::kFloat);
}

TEST(SeededNoise, SameSeedSameNoiseWhateverTheThreadCount) {
    const int before = at::get_num_threads();
    at::set_num_threads(1);
    const at::Tensor one = ds::seeded_randn(1234, {2, 4, 64, 64});
    at::set_num_threads(2);
    const at::Tensor two = ds::seeded_randn(1234, {2, 4, 64, 64});
    at::set_num_threads(before);
    EXPECT_TRUE(at::equal(one, two));
    EXPECT_FALSE(at::equal(one, ds::seeded_randn(1235, {2, 4, 64, 64})));
}

TEST(SeededNoise, StreamContinuesTheGenerator) {
    ds::NoiseStream stream(7);
    const at::Tensor a = stream.randn({4, 4});
    const at::Tensor b = stream.randn({4, 4});
    EXPECT_FALSE(at::equal(a, b));
    ds::NoiseStream again(7);
    EXPECT_TRUE(at::equal(again.randn({4, 4}), a));
    EXPECT_TRUE(at::equal(again.randn({4, 4}), b));
    const at::Tensor like = at::zeros({3, 5}, at::kDouble);
    EXPECT_EQ(ds::NoiseStream(1).randn_like(like).scalar_type(), at::kDouble);
}

TEST(SeededNoise, LooksStandardNormal) {
    const at::Tensor x = ds::seeded_randn(3, {200000});
    EXPECT_NEAR(x.mean().item<double>(), 0.0, 0.01);
    EXPECT_NEAR(x.std().item<double>(), 1.0, 0.01);
}

}  // namespace
