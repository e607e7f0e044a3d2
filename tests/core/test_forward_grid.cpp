// The forward-process grid (core/diffusion/forward_grid): its layout, that every cell is exactly
// q_sample(schedule, x0, t, ε) with ONE seeded ε for the whole grid, the labels, and the errors.
// To add a case: build a ForwardGridOptions, call forward_grid on a small synthetic image and
// compare cells (layout.cell_x / cell_y) against what q_sample gives.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/diffusion/forward_grid.h"
#include "core/diffusion/forward_process.h"
#include "core/image/image_tensor.h"
#include "core/runtime/seeded_noise.h"

namespace {

ds::Image gradient_image(int w, int h) {
    ds::Image img(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            img.at(x, y, 0) = static_cast<float>(x) / (w - 1);
            img.at(x, y, 1) = static_cast<float>(y) / (h - 1);
            img.at(x, y, 2) = (x / 4 + y / 4) % 2 ? 0.9f : 0.1f;
        }
    return img;
}

ds::Image crop(const ds::Image& img, int x0, int y0, int w, int h) {
    ds::Image out(w, h, img.channels);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < img.channels; ++c) out.at(x, y, c) = img.at(x0 + x, y0 + y, c);
    return out;
}

float max_abs_diff(const ds::Image& a, const ds::Image& b) {
    float m = 0.0f;
    for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::abs(a.pixels[i] - b.pixels[i]));
    return m;
}

}  // namespace

TEST(ForwardGrid, LayoutMatchesTheOutput) {
    ds::ForwardGridOptions opt;
    opt.timesteps = {0, 10, 999};
    const ds::Image input = gradient_image(40, 24);
    const ds::ForwardGridLayout L = ds::forward_grid_layout(40, 24, opt);
    const ds::Image grid = ds::forward_grid(input, opt);
    EXPECT_EQ(grid.channels, 3);
    EXPECT_EQ(grid.width, L.width);
    EXPECT_EQ(grid.height, L.height);
    EXPECT_EQ(L.rows, 2);
    EXPECT_EQ(L.columns, 3);
    EXPECT_EQ(L.cell_width, 40);
    EXPECT_EQ(L.cell_height, 24);
    EXPECT_GT(L.left, 0);
    EXPECT_GT(L.top, 0);
    EXPECT_EQ(L.cell_x(2) + L.cell_width, grid.width);
    EXPECT_EQ(L.cell_y(1) + L.cell_height, grid.height);
}

TEST(ForwardGrid, EveryCellIsQSampleWithOneSharedNoise) {
    ds::ForwardGridOptions opt;
    opt.schedules = {ds::ScheduleKind::Linear, ds::ScheduleKind::Cosine, ds::ScheduleKind::ScaledLinear};
    opt.timesteps = {0, 100, 500, 999};
    opt.seed = 1234;
    const ds::Image input = gradient_image(16, 12);
    const ds::Image grid = ds::forward_grid(input, opt);
    const ds::ForwardGridLayout L = ds::forward_grid_layout(16, 12, opt);

    const at::Tensor x0 = ds::image_to_tensor(input);
    const at::Tensor eps = ds::seeded_randn(1234, {1, 3, 12, 16});
    for (int r = 0; r < L.rows; ++r) {
        const ds::NoiseSchedule s(ds::ScheduleConfig{opt.schedules[r], 1000});
        for (int c = 0; c < L.columns; ++c) {
            const ds::Image expected = ds::tensor_to_image(ds::q_sample(s, x0, opt.timesteps[c], eps));
            const ds::Image cell = crop(grid, L.cell_x(c), L.cell_y(r), L.cell_width, L.cell_height);
            EXPECT_LE(max_abs_diff(cell, expected), 1e-6f) << "row " << r << " column " << c;
        }
    }
}

TEST(ForwardGrid, ColumnsShareTheNoiseSoOnlyAlphaBarDiffers) {
    // A mid-grey input is x0 = 0, so each cell is sqrt(1 - alpha_bar_t) ε: cells of one column
    // (and of the whole grid) are the same ε scaled, wherever they are not clamped.
    ds::ForwardGridOptions opt;
    opt.timesteps = {50, 300};
    opt.labels = false;
    const ds::Image grid = ds::forward_grid(ds::Image(20, 20, 3, 0.5f), opt);
    const ds::ForwardGridLayout L = ds::forward_grid_layout(20, 20, opt);
    ASSERT_EQ(L.left, 0);
    ASSERT_EQ(L.top, 0);
    const ds::NoiseSchedule lin(ds::ScheduleConfig{ds::ScheduleKind::Linear, 1000});
    const ds::NoiseSchedule cos(ds::ScheduleConfig{ds::ScheduleKind::Cosine, 1000});
    int compared = 0;
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 20; ++x) {
            const float a = grid.at(L.cell_x(0) + x, L.cell_y(0) + y, 0) * 2 - 1;  // linear, t=50
            const float b = grid.at(L.cell_x(0) + x, L.cell_y(1) + y, 0) * 2 - 1;  // cosine, t=50
            const float c = grid.at(L.cell_x(1) + x, L.cell_y(0) + y, 0) * 2 - 1;  // linear, t=300
            if (std::abs(a) > 0.99f || std::abs(b) > 0.99f || std::abs(c) > 0.99f) continue;
            EXPECT_NEAR(a / lin.sqrt_one_minus_alpha_bar(50), b / cos.sqrt_one_minus_alpha_bar(50), 1e-4);
            EXPECT_NEAR(a / lin.sqrt_one_minus_alpha_bar(50), c / lin.sqrt_one_minus_alpha_bar(300), 1e-4);
            ++compared;
        }
    EXPECT_GT(compared, 100);
}

TEST(ForwardGrid, FirstColumnKeepsTheImageLastIsNoise) {
    ds::ForwardGridOptions opt;
    opt.timesteps = {0, 999};
    const ds::Image input = gradient_image(32, 32);
    const ds::Image grid = ds::forward_grid(input, opt);
    const ds::ForwardGridLayout L = ds::forward_grid_layout(32, 32, opt);
    for (int r = 0; r < 2; ++r) {
        EXPECT_LT(max_abs_diff(crop(grid, L.cell_x(0), L.cell_y(r), 32, 32), input), 0.05f);
        const ds::Image last = crop(grid, L.cell_x(1), L.cell_y(r), 32, 32);
        double mean_diff = 0;
        for (size_t i = 0; i < last.pixels.size(); ++i) mean_diff += std::abs(last.pixels[i] - input.pixels[i]);
        EXPECT_GT(mean_diff / last.pixels.size(), 0.2);
    }
}

TEST(ForwardGrid, SeedDecidesTheNoise) {
    ds::ForwardGridOptions a;
    a.timesteps = {500};
    ds::ForwardGridOptions b = a;
    b.seed = 7;
    const ds::Image input = gradient_image(12, 12);
    EXPECT_EQ(ds::forward_grid(input, a).pixels, ds::forward_grid(input, a).pixels);
    EXPECT_NE(ds::forward_grid(input, a).pixels, ds::forward_grid(input, b).pixels);
}

TEST(ForwardGrid, LabelsAreInkOnWhite) {
    ds::ForwardGridOptions opt;
    opt.timesteps = {0, 100};
    const ds::Image grid = ds::forward_grid(gradient_image(64, 64), opt);
    const ds::ForwardGridLayout L = ds::forward_grid_layout(64, 64, opt);
    int ink = 0, paper = 0;
    for (int y = 0; y < L.top; ++y)
        for (int x = L.left; x < grid.width; ++x) (grid.at(x, y, 0) < 0.5f ? ink : paper)++;
    EXPECT_GT(ink, 20) << "the header has text";
    EXPECT_GT(paper, ink) << "on a white page";
    ink = 0;
    for (int y = L.top; y < grid.height; ++y)
        for (int x = 0; x < L.left; ++x) ink += grid.at(x, y, 0) < 0.5f;
    EXPECT_GT(ink, 20) << "the schedule names are drawn";
}

TEST(ForwardGrid, LargeInputsAreDownscaledToTheCellLimit) {
    ds::ForwardGridOptions opt;
    opt.timesteps = {0};
    opt.max_cell_side = 64;
    const ds::ForwardGridLayout L = ds::forward_grid_layout(300, 150, opt);
    EXPECT_EQ(L.cell_width, 64);
    EXPECT_EQ(L.cell_height, 32);
    ds::Image flat(300, 150, 3, 0.25f);
    const ds::Image grid = ds::forward_grid(flat, opt);
    EXPECT_NEAR(grid.at(L.cell_x(0) + 10, L.cell_y(0) + 10, 1), 0.25f, 0.03f);  // t=0 adds 0.01 ε
}

TEST(ForwardGrid, GreyAndRgbaInputsBecomeRgb) {
    ds::ForwardGridOptions opt;
    opt.timesteps = {0};
    opt.labels = false;
    ds::Image rgba(8, 8, 4, 0.0f);  // fully transparent: white after compositing
    const ds::Image grid = ds::forward_grid(rgba, opt);
    EXPECT_EQ(grid.channels, 3);
    EXPECT_GT(grid.at(3, 3, 0), 0.95f);
    EXPECT_EQ(ds::forward_grid(ds::Image(8, 8, 1, 0.3f), opt).channels, 3);
}

TEST(ForwardGrid, RejectsBadOptions) {
    const ds::Image input = gradient_image(8, 8);
    auto with = [](auto change) {
        ds::ForwardGridOptions o;
        change(o);
        return o;
    };
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) { o.timesteps = {0, 1000}; })), std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) { o.timesteps = {-1}; })), std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) { o.timesteps.clear(); })), std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) { o.schedules.clear(); })), std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) { o.train_timesteps = 0; })), std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(input, with([](auto& o) {
                     o.train_timesteps = 10;
                     o.timesteps = {10};
                 })),
                 std::invalid_argument);
    EXPECT_THROW(ds::forward_grid(ds::Image(), ds::ForwardGridOptions{}), std::invalid_argument);
    try {
        ds::forward_grid(input, with([](auto& o) { o.timesteps = {1000}; }));
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("1000"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(ds::forward_grid(input, with([](auto& o) { o.timesteps = {999}; })));
}
