// Asserts the noise-schedule tables: against the reference implementation's float32 tables
// (golden/schedulers.safetensors) and against closed-form facts of each schedule.
// To add a case: add a row to kReferenceTables (golden name + config) or a TEST with a new identity.
#include <gtest/gtest.h>

#include <cmath>

#include "core/io/safetensors.h"
#include "core/schedule/noise_schedule.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

using ds::NoiseSchedule;
using ds::ScheduleConfig;
using ds::ScheduleKind;

struct ReferenceTable {
    const char* golden;
    ScheduleConfig config;
};

const ReferenceTable kReferenceTables[] = {
    {"scaled_linear", {ScheduleKind::ScaledLinear, 1000, 0.00085, 0.012}},
    {"linear", {ScheduleKind::Linear, 1000, 0.00085, 0.012}},
    {"linear_ddpm_default", {ScheduleKind::Linear, 1000, std::nullopt, std::nullopt}},
    {"squaredcos_cap_v2", {ScheduleKind::Cosine, 1000, std::nullopt, std::nullopt}},
};

TEST(NoiseSchedule, MatchesReferenceTables) {
    const std::string path = ds::test::sd_tiny_path("golden/schedulers.safetensors");
    DS_REQUIRE_FIXTURE(path);
    const auto file = ds::SafetensorsFile::open(path);
    for (const auto& ref : kReferenceTables) {
        SCOPED_TRACE(ref.golden);
        const NoiseSchedule s(ref.config);
        const at::Tensor betas = ds::test::golden_tensor(file, std::string("betas.") + ref.golden);
        const at::Tensor abar = ds::test::golden_tensor(file, std::string("alphas_cumprod.") + ref.golden);
        ASSERT_EQ(betas.numel(), s.size());
        const auto* b = betas.data_ptr<double>();
        const auto* a = abar.data_ptr<double>();
        for (int t = 0; t < s.size(); ++t) {
            // The reference is float32: allow its rounding (manifest: relative 1e-6).
            ASSERT_NEAR(s.beta(t), b[t], 1e-6 * std::abs(b[t]) + 1e-12) << "t=" << t;
            ASSERT_NEAR(s.alpha_bar(t), a[t], 1e-6 * std::abs(a[t]) + 1e-12) << "t=" << t;
        }
    }
}

TEST(NoiseSchedule, LinearEndpointsAreHoEtAl) {
    const NoiseSchedule s({ScheduleKind::Linear, 1000});
    EXPECT_DOUBLE_EQ(s.beta(0), 1e-4);
    EXPECT_DOUBLE_EQ(s.beta(999), 0.02);
    EXPECT_NEAR(s.beta(1) - s.beta(0), (0.02 - 1e-4) / 999, 1e-15);
}

TEST(NoiseSchedule, ScaledLinearIsLinearInSqrtBeta) {
    const NoiseSchedule s({ScheduleKind::ScaledLinear, 1000});
    EXPECT_NEAR(std::sqrt(s.beta(0)), std::sqrt(0.00085), 1e-15);
    EXPECT_NEAR(std::sqrt(s.beta(999)), std::sqrt(0.012), 1e-15);
    const double step = std::sqrt(s.beta(1)) - std::sqrt(s.beta(0));
    EXPECT_NEAR(std::sqrt(s.beta(500)) - std::sqrt(s.beta(499)), step, 1e-14);
}

TEST(NoiseSchedule, CosineFollowsNicholDhariwalEq17) {
    const int T = 1000;
    const double s_off = 0.008;
    const NoiseSchedule s({ScheduleKind::Cosine, T});
    auto f = [&](double t) {
        const double c = std::cos((t / T + s_off) / (1 + s_off) * M_PI / 2);
        return c * c;
    };
    // alpha_bar_t = f(t + 1) / f(0) wherever the 0.999 cap has not bitten (all but the very end).
    for (int t : {0, 1, 10, 100, 500, 900, 990}) {
        EXPECT_NEAR(s.alpha_bar(t), f(t + 1) / f(0), 1e-12) << "t=" << t;
    }
    EXPECT_DOUBLE_EQ(s.beta(T - 1), 0.999);  // the cap (Nichol & Dhariwal 2021, section 3.2)
}

TEST(NoiseSchedule, DerivedTablesAreConsistent) {
    for (auto kind : {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::ScaledLinear}) {
        const NoiseSchedule s({kind, 500});
        double prod = 1.0;
        for (int t = 0; t < s.size(); ++t) {
            prod *= 1.0 - s.beta(t);
            ASSERT_NEAR(s.alpha_bar(t), prod, 1e-14);
            ASSERT_DOUBLE_EQ(s.alpha(t), 1.0 - s.beta(t));
            ASSERT_NEAR(s.sqrt_alpha_bar(t) * s.sqrt_alpha_bar(t) + s.sqrt_one_minus_alpha_bar(t) * s.sqrt_one_minus_alpha_bar(t),
                        1.0, 1e-14);
            ASSERT_NEAR(s.snr(t), 1.0 / (s.sigma(t) * s.sigma(t)), 1e-9 * s.snr(t));
            ASSERT_NEAR(s.log_snr(t), std::log(s.snr(t)), 1e-9);
            if (t > 0) {
                ASSERT_LT(s.alpha_bar(t), s.alpha_bar(t - 1));
                ASSERT_NEAR(s.posterior_variance(t), s.beta(t) * (1 - s.alpha_bar(t - 1)) / (1 - s.alpha_bar(t)), 1e-15);
                ASSERT_LE(s.posterior_variance(t), s.beta(t));  // beta~ <= beta (Ho et al. 2020, section 3.2)
            }
        }
        EXPECT_EQ(s.posterior_variance(0), 0.0);
    }
}

TEST(NoiseSchedule, CosineKeepsMoreSignalThanLinearMidway) {
    // The point of the cosine schedule: linear destroys information too fast (Nichol & Dhariwal, Fig. 3).
    const NoiseSchedule lin({ScheduleKind::Linear, 1000});
    const NoiseSchedule cos({ScheduleKind::Cosine, 1000});
    EXPECT_GT(cos.alpha_bar(500), 3 * lin.alpha_bar(500));
    EXPECT_LT(lin.alpha_bar(999), 1e-4);
}

TEST(NoiseSchedule, ZeroTerminalSnrRescale) {
    ScheduleConfig cfg{ScheduleKind::ScaledLinear, 1000};
    const NoiseSchedule plain(cfg);
    cfg.zero_terminal_snr = true;
    const NoiseSchedule zero(cfg);
    EXPECT_NEAR(zero.alpha_bar(0), plain.alpha_bar(0), 1e-12);  // first value kept
    EXPECT_NEAR(zero.alpha_bar(999), 0.0, 1e-15);                // terminal SNR is zero
    EXPECT_EQ(zero.snr(999), 0.0);
    EXPECT_TRUE(std::isinf(zero.sigma(999)));
    // sqrt(alpha_bar) is an affine map of the original one (Lin et al. 2023, Algorithm 1).
    const double a0 = plain.sqrt_alpha_bar(0), aT = plain.sqrt_alpha_bar(999);
    for (int t : {1, 250, 600, 998}) {
        EXPECT_NEAR(zero.sqrt_alpha_bar(t), (plain.sqrt_alpha_bar(t) - aT) * a0 / (a0 - aT), 1e-12);
    }
}

TEST(NoiseSchedule, RejectsBadConfigurations) {
    EXPECT_THROW(NoiseSchedule({ScheduleKind::Linear, 0}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule({ScheduleKind::Linear, -5}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule({ScheduleKind::Linear, ds::kMaxTrainTimesteps + 1}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule({ScheduleKind::Linear, 10, 0.5, 1.5}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule({ScheduleKind::Linear, 10, -0.1, 0.02}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule::from_betas({}), std::invalid_argument);
    EXPECT_THROW(NoiseSchedule::from_betas({0.1, std::nan("")}), std::invalid_argument);
    const NoiseSchedule s({ScheduleKind::Linear, 10});
    EXPECT_THROW(s.alpha_bar(10), std::out_of_range);
    EXPECT_THROW(s.beta(-1), std::out_of_range);
    NoiseSchedule one({ScheduleKind::Cosine, 1});
    EXPECT_EQ(one.size(), 1);
}

TEST(NoiseSchedule, ParsesKindNames) {
    EXPECT_EQ(ds::parse_schedule_kind("linear"), ScheduleKind::Linear);
    EXPECT_EQ(ds::parse_schedule_kind("cosine"), ScheduleKind::Cosine);
    EXPECT_EQ(ds::parse_schedule_kind("scaled-linear"), ScheduleKind::ScaledLinear);
    EXPECT_FALSE(ds::parse_schedule_kind("quadratic").has_value());
    for (const auto& name : ds::schedule_kind_names()) {
        EXPECT_EQ(ds::schedule_kind_name(*ds::parse_schedule_kind(name)), name);
    }
}

}  // namespace
