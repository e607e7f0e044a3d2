// Asserts the reverse-process loop: one event per model call, in order, with the planned t and sigma;
// cancellation stops before the next model call; wrong model output shapes are refused.
// To add a case: add a TEST driving ds::denoise with a small model lambda.
#include <gtest/gtest.h>

#include "core/runtime/denoise_loop.h"
#include "core/runtime/seeded_noise.h"

namespace {

TEST(DenoiseLoop, EmitsOneEventPerModelCallInOrder) {
    for (const auto& name : ds::sampler_names()) {
        SCOPED_TRACE(name);
        auto sampler = ds::make_sampler(name, {});
        sampler->set_timesteps(6);
        std::vector<ds::StepEvent> events;
        ds::DenoiseOptions options;
        options.on_step = [&](const ds::StepEvent& e) { events.push_back(e); };
        int calls = 0;
        auto model = [&](const at::Tensor& x, double) {
            ++calls;
            return x * 0.1;
        };
        const at::Tensor out = ds::denoise(*sampler, model, ds::seeded_randn(1, {1, 4, 4, 4}), options);
        ASSERT_EQ(events.size(), sampler->timesteps().size());
        EXPECT_EQ(calls, static_cast<int>(events.size()));
        for (size_t i = 0; i < events.size(); ++i) {
            EXPECT_EQ(events[i].index, static_cast<int>(i));
            EXPECT_EQ(events[i].count, static_cast<int>(events.size()));
            EXPECT_EQ(events[i].timestep, sampler->timesteps()[i]);
            EXPECT_EQ(events[i].sigma, sampler->sigmas()[i]);
            ASSERT_TRUE(events[i].xt.defined() && events[i].x0_pred.defined() && events[i].eps_pred.defined());
            EXPECT_GE(events[i].ms, 0.0);
        }
        EXPECT_TRUE(at::equal(events.back().xt, out));
    }
}

TEST(DenoiseLoop, CancelStopsBeforeTheNextModelCall) {
    auto sampler = ds::make_sampler("euler", {});
    sampler->set_timesteps(10);
    ds::CancelToken token;
    ds::DenoiseOptions options;
    options.cancel = &token;
    int calls = 0;
    options.on_step = [&](const ds::StepEvent& e) {
        if (e.index == 2) token.cancel();
    };
    auto model = [&](const at::Tensor& x, double) {
        ++calls;
        return x;
    };
    EXPECT_THROW(ds::denoise(*sampler, model, ds::seeded_randn(1, {1, 4, 4, 4}), options), ds::Cancelled);
    EXPECT_EQ(calls, 3);
}

TEST(DenoiseLoop, RefusesAWrongModelOutputShape) {
    auto sampler = ds::make_sampler("ddim", {});
    sampler->set_timesteps(3);
    auto model = [](const at::Tensor&, double) { return at::zeros({1, 3, 4, 4}); };
    EXPECT_THROW(ds::denoise(*sampler, model, at::zeros({1, 4, 4, 4})), std::runtime_error);
    auto unplanned = ds::make_sampler("ddim", {});
    EXPECT_THROW(ds::denoise(*unplanned, model, at::zeros({1, 4, 4, 4})), std::logic_error);
}

TEST(DenoiseLoop, StartsPartWayForImg2Img) {
    auto sampler = ds::make_sampler("ddim", {});
    sampler->set_timesteps(10);
    int calls = 0;
    auto model = [&](const at::Tensor& x, double) {
        ++calls;
        return at::zeros_like(x);
    };
    ds::denoise_from(*sampler, model, at::zeros({1, 4, 4, 4}), 6);
    EXPECT_EQ(calls, 4);
}

}  // namespace
