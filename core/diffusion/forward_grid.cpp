#include "core/diffusion/forward_grid.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>

#include "core/diffusion/forward_process.h"
#include "core/image/bitmap_font.h"
#include "core/image/image_tensor.h"
#include "core/runtime/seeded_noise.h"

namespace ds {
namespace {

constexpr TextColor kInk{0.0f, 0.0f, 0.0f, 1.0f};

void validate(const ForwardGridOptions& options) {
    if (options.schedules.empty()) throw std::invalid_argument("forward grid: no schedules given");
    if (options.timesteps.empty()) throw std::invalid_argument("forward grid: no timesteps given");
    const int T = options.train_timesteps;
    if (T < 1 || T > kMaxTrainTimesteps)
        throw std::invalid_argument("forward grid: T = " + std::to_string(T) + " is outside [1, " +
                                    std::to_string(kMaxTrainTimesteps) + "]");
    for (int t : options.timesteps)
        if (t < 0 || t >= T)
            throw std::invalid_argument("forward grid: timestep " + std::to_string(t) + " is outside [0, " +
                                        std::to_string(T) + ") for T = " + std::to_string(T));
    if (options.gap < 0) throw std::invalid_argument("forward grid: negative gap");
    if (options.max_cell_side < 0) throw std::invalid_argument("forward grid: negative max_cell_side");
}

std::pair<int, int> cell_size(int width, int height, int max_side) {
    const int longest = std::max(width, height);
    if (max_side == 0 || longest <= max_side) return {width, height};
    const double f = static_cast<double>(max_side) / longest;
    return {std::max(1, static_cast<int>(std::lround(width * f))),
            std::max(1, static_cast<int>(std::lround(height * f)))};
}

std::string column_label(int t) { return "t=" + std::to_string(t); }

void blit(Image& dst, const Image& src, int x0, int y0) {
    for (int y = 0; y < src.height; ++y)
        std::copy_n(&src.pixels[static_cast<size_t>(y) * src.width * 3], static_cast<size_t>(src.width) * 3,
                    &dst.at(x0, y0 + y, 0));
}

}  // namespace

ForwardGridLayout forward_grid_layout(int input_width, int input_height, const ForwardGridOptions& options) {
    if (input_width <= 0 || input_height <= 0) throw std::invalid_argument("forward grid: the input image is empty");
    validate(options);
    ForwardGridLayout L;
    std::tie(L.cell_width, L.cell_height) = cell_size(input_width, input_height, options.max_cell_side);
    L.rows = static_cast<int>(options.schedules.size());
    L.columns = static_cast<int>(options.timesteps.size());
    L.gap = options.gap;
    if (options.labels) {
        L.label_scale = std::clamp(L.cell_width / 48, 1, 3);
        const int pad = 3 * L.label_scale;
        int name_width = 0;
        for (ScheduleKind kind : options.schedules)
            name_width = std::max(name_width, text_width(schedule_kind_name(kind), L.label_scale));
        L.left = pad + name_width + pad;
        L.top = pad + text_height("t", L.label_scale) + pad;
    }
    L.width = L.left + L.columns * L.cell_width + (L.columns - 1) * L.gap;
    L.height = L.top + L.rows * L.cell_height + (L.rows - 1) * L.gap;
    return L;
}

Image forward_grid(const Image& input, const ForwardGridOptions& options) {
    const ForwardGridLayout L = forward_grid_layout(input.width, input.height, options);
    at::Tensor x0 = image_to_tensor(to_rgb(input));  // [1, 3, H, W] in [-1, 1]
    if (L.cell_width != input.width || L.cell_height != input.height)
        x0 = at::adaptive_avg_pool2d(x0, {L.cell_height, L.cell_width});  // area-average downscale
    // One ε for every cell: Nichol & Dhariwal's Fig. 3 compares schedules on identical noise.
    const at::Tensor eps = seeded_randn(options.seed, {1, 3, L.cell_height, L.cell_width});

    Image grid(L.width, L.height, 3, 1.0f);
    for (int r = 0; r < L.rows; ++r) {
        ScheduleConfig config;
        config.kind = options.schedules[static_cast<size_t>(r)];
        config.timesteps = options.train_timesteps;
        const NoiseSchedule schedule(config);
        for (int c = 0; c < L.columns; ++c) {
            const at::Tensor xt = q_sample(schedule, x0, options.timesteps[static_cast<size_t>(c)], eps);  // Ho et al. 2020, eq. 4
            blit(grid, tensor_to_image(xt), L.cell_x(c), L.cell_y(r));
        }
    }
    if (options.labels) {
        const int s = L.label_scale;
        for (int c = 0; c < L.columns; ++c) {
            const std::string text = column_label(options.timesteps[static_cast<size_t>(c)]);
            const int x = L.cell_x(c) + (L.cell_width - text_width(text, s)) / 2;
            draw_text(grid, std::max(x, L.cell_x(c)), 3 * s, text, kInk, s);
        }
        for (int r = 0; r < L.rows; ++r) {
            const std::string name = schedule_kind_name(options.schedules[static_cast<size_t>(r)]);
            const int y = L.cell_y(r) + (L.cell_height - text_height(name, s)) / 2;
            draw_text(grid, 3 * s, std::max(y, L.cell_y(r)), name, kInk, s);
        }
    }
    return grid;
}

}  // namespace ds
