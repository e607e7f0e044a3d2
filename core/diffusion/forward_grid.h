#pragma once
// The forward-process figure of Improved DDPM (Nichol & Dhariwal 2021, Fig. 3) on any image: one row
// per noise schedule, one column per timestep, every cell q(x_t | x_0) drawn with the SAME noise ε,
// so the rows differ only by the schedule's alpha_bar_t.
#include <cstdint>
#include <vector>

#include "core/image/image.h"
#include "core/schedule/noise_schedule.h"

namespace ds {

struct ForwardGridOptions {
    std::vector<ScheduleKind> schedules{ScheduleKind::Linear, ScheduleKind::Cosine};
    std::vector<int> timesteps{0, 100, 250, 500, 999};
    int train_timesteps = 1000;  // T of every schedule (ScheduleConfig{kind, T})
    uint64_t seed = 0;           // ε = seeded_randn(seed, [1, 3, h, w]), shared by all cells
    int max_cell_side = 256;     // a larger input is downscaled (area average) to fit; 0 keeps its size
    bool labels = true;          // header row "t=…" and a left column with the schedule names
    int gap = 2;                 // white pixels between cells
};

// Where everything goes in the figure (also what tests check the output against).
struct ForwardGridLayout {
    int cell_width = 0;
    int cell_height = 0;
    int rows = 0;
    int columns = 0;
    int gap = 0;
    int left = 0;  // x of the first column of cells (the label column's width)
    int top = 0;   // y of the first row of cells (the header's height)
    int label_scale = 0;
    int width = 0;
    int height = 0;
    int cell_x(int column) const { return left + column * (cell_width + gap); }
    int cell_y(int row) const { return top + row * (cell_height + gap); }
};

// Throws std::invalid_argument for an empty input or lists, T outside [1, kMaxTrainTimesteps], or a
// timestep outside [0, T).
ForwardGridLayout forward_grid_layout(int input_width, int input_height, const ForwardGridOptions& options);

// An RGB image (grey is replicated, alpha composited over white) on a white page with black labels.
Image forward_grid(const Image& input, const ForwardGridOptions& options = {});

}  // namespace ds
