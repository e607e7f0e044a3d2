// Asserts the closed-form forward process: q(x_t | x_0) has mean sqrt(abar) x0 and variance 1 - abar
// over many draws, per-row timesteps work, the posterior matches Ho et al. 2020 eq. 7, and bad
// input is refused. To add a case: add a TEST with the identity it checks.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/diffusion/forward_process.h"
#include "core/runtime/seeded_noise.h"

namespace {

using ds::NoiseSchedule;
using ds::ScheduleKind;

TEST(ForwardProcess, SampleStatisticsMatchTheClosedForm) {
    const NoiseSchedule s({ScheduleKind::Cosine, 1000});
    const at::Tensor x0 = at::linspace(-1, 1, 16).reshape({1, 16});
    const int64_t draws = 20000;
    const at::Tensor x0s = x0.expand({draws, 16}).contiguous();
    for (int t : {0, 10, 250, 500, 999}) {
        SCOPED_TRACE(t);
        const at::Tensor noise = ds::seeded_randn(static_cast<uint64_t>(t) + 1, {draws, 16});
        const at::Tensor xt = ds::q_sample(s, x0s, t, noise);
        const at::Tensor mean = xt.mean(0);
        const at::Tensor var = xt.var(0);
        const double expected_var = 1.0 - s.alpha_bar(t);
        // Standard error of a mean over 20000 draws is sqrt(var/20000) <= 0.0071: allow 5 of them.
        EXPECT_LT((mean - x0[0] * s.sqrt_alpha_bar(t)).abs().max().item<double>(), 5 * std::sqrt(expected_var / draws) + 1e-6);
        EXPECT_LT((var - expected_var).abs().max().item<double>(), 0.05 * expected_var + 1e-9);
    }
}

TEST(ForwardProcess, PerRowTimesteps) {
    const NoiseSchedule s({ScheduleKind::Linear, 1000});
    const at::Tensor x0 = ds::seeded_randn(1, {3, 2, 4, 4});
    const at::Tensor eps = ds::seeded_randn(2, {3, 2, 4, 4});
    const at::Tensor ts = at::tensor({0, 500, 999}, at::kLong);
    const at::Tensor batched = ds::q_sample(s, x0, ts, eps);
    for (int64_t i = 0; i < 3; ++i) {
        const int t = static_cast<int>(ts[i].item<int64_t>());
        const at::Tensor one = ds::q_sample(s, x0[i].unsqueeze(0), t, eps[i].unsqueeze(0));
        EXPECT_TRUE(at::allclose(batched[i], one[0], 1e-6, 1e-6)) << "row " << i;
    }
    // The same t for every row via a 0-dim tensor.
    EXPECT_TRUE(at::allclose(ds::q_sample(s, x0, at::scalar_tensor(250, at::kLong), eps), ds::q_sample(s, x0, 250, eps)));
}

TEST(ForwardProcess, PosteriorMatchesHoEtAlEq7) {
    const NoiseSchedule s({ScheduleKind::Linear, 1000});
    const at::Tensor x0 = ds::seeded_randn(3, {1, 8});
    const at::Tensor xt = ds::seeded_randn(4, {1, 8});
    for (int t : {1, 100, 999}) {
        const auto p = ds::q_posterior(s, x0, xt, t);
        const double ab = s.alpha_bar(t), ab_prev = s.alpha_bar(t - 1), beta = s.beta(t);
        const at::Tensor mean = x0 * (std::sqrt(ab_prev) * beta / (1 - ab)) + xt * (std::sqrt(1 - beta) * (1 - ab_prev) / (1 - ab));
        EXPECT_TRUE(at::allclose(p.mean, mean, 1e-6, 1e-6));
        EXPECT_DOUBLE_EQ(p.variance, beta * (1 - ab_prev) / (1 - ab));
        EXPECT_DOUBLE_EQ(p.log_variance_clipped, std::log(p.variance));
    }
    // At t = 0 the posterior is the point x0 itself (variance 0, log clipped to the next one).
    const auto p0 = ds::q_posterior(s, x0, xt, 0);
    EXPECT_TRUE(at::allclose(p0.mean, x0, 1e-6, 1e-6));
    EXPECT_EQ(p0.variance, 0.0);
    EXPECT_TRUE(std::isfinite(p0.log_variance_clipped));
}

TEST(ForwardProcess, PosteriorMeanIsConsistentWithTheForwardProcess) {
    // Sampling x_{t-1} ~ q(x_{t-1}|x_t, x0) after x_t ~ q(x_t|x0) must give the marginal q(x_{t-1}|x0).
    const NoiseSchedule s({ScheduleKind::Cosine, 200});
    const int t = 120;
    const int64_t n = 40000;
    const at::Tensor x0 = at::full({n, 1}, 0.7);
    const at::Tensor xt = ds::q_sample(s, x0, t, ds::seeded_randn(8, {n, 1}));
    const auto p = ds::q_posterior(s, x0, xt, t);
    const at::Tensor prev = p.mean + ds::seeded_randn(9, {n, 1}) * std::sqrt(p.variance);
    EXPECT_NEAR(prev.mean().item<double>(), 0.7 * s.sqrt_alpha_bar(t - 1), 0.02);
    EXPECT_NEAR(prev.var().item<double>(), 1 - s.alpha_bar(t - 1), 0.02);
}

TEST(ForwardProcess, TrainingNoiseWithoutAnOffsetIsThePlainNormalDraw) {
    at::Generator a = at::detail::createCPUGenerator(42), b = at::detail::createCPUGenerator(42);
    const at::Tensor plain = at::normal(0.0, 1.0, {3, 4, 8, 8}, b, at::TensorOptions().dtype(at::kFloat));
    EXPECT_TRUE(at::equal(ds::draw_training_noise({3, 4, 8, 8}, 0.0, a), plain));
}

TEST(ForwardProcess, OffsetNoiseMovesEachChannelsMeanByTheOffset) {
    // Per (sample, channel), the spatial mean of N(0, I) over 16x16 pixels has std 1/16; the offset
    // adds a shared N(0, offset^2), so the mean's std becomes sqrt(1/256 + offset^2) and each
    // pixel's variance 1 + offset^2.
    const int64_t n = 4000;
    for (double offset : {0.0, 0.2, 0.5}) {
        SCOPED_TRACE(offset);
        at::Generator gen = at::detail::createCPUGenerator(7);
        const at::Tensor noise = ds::draw_training_noise({n, 4, 16, 16}, offset, gen);
        const double mean_std = noise.mean({2, 3}).std().item<double>();
        EXPECT_NEAR(mean_std, std::sqrt(1.0 / 256 + offset * offset), 0.03 * std::sqrt(1.0 / 256 + offset * offset));
        EXPECT_NEAR(noise.var().item<double>(), 1 + offset * offset, 0.02);
        // Different samples and channels get different offsets.
        EXPECT_LT(std::abs(at::corrcoef(noise.mean({2, 3}).reshape({n * 2, 2}).t()).index({0, 1}).item<double>()), 0.1);
    }
}

TEST(ForwardProcess, TrainingNoiseRefusesABadOffsetOrShape) {
    at::Generator gen = at::detail::createCPUGenerator(1);
    EXPECT_THROW(ds::draw_training_noise({2, 4, 8, 8}, -0.1, gen), std::invalid_argument);
    EXPECT_THROW(ds::draw_training_noise({2, 4, 8, 8}, 1.5, gen), std::invalid_argument);
    EXPECT_THROW(ds::draw_training_noise({2, 4, 8, 8}, std::nan(""), gen), std::invalid_argument);
    EXPECT_THROW(ds::draw_training_noise({16}, 0.1, gen), std::invalid_argument);
}

TEST(ForwardProcess, RefusesBadInput) {
    const NoiseSchedule s({ScheduleKind::Linear, 100});
    const at::Tensor x = at::zeros({2, 3});
    EXPECT_THROW(ds::q_sample(s, x, 100, x), std::out_of_range);
    EXPECT_THROW(ds::q_sample(s, x, -1, x), std::out_of_range);
    EXPECT_THROW(ds::q_sample(s, x, 5, at::zeros({2, 4})), std::invalid_argument);
    EXPECT_THROW(ds::q_sample(s, x, at::tensor({1, 2, 3}, at::kLong), x), std::invalid_argument);
    EXPECT_THROW(ds::q_sample(s, x, at::tensor({1, 200}, at::kLong), x), std::out_of_range);
}

}  // namespace
