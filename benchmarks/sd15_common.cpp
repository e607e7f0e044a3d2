// Pieces the SD 1.5 benchmarks share: the published configurations, resident-memory readings, and
// networks of random weights with SD 1.5's exact shapes.
#include "benchmarks/sd15_common.h"

#include <ATen/ATen.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ds::bench {

// runwayml/stable-diffusion-v1-5 unet/config.json and vae/config.json (diffusers layout).
const char* const kSd15UNetConfig = R"({
  "_class_name": "UNet2DConditionModel",
  "act_fn": "silu",
  "attention_head_dim": 8,
  "block_out_channels": [320, 640, 1280, 1280],
  "center_input_sample": false,
  "cross_attention_dim": 768,
  "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
  "downsample_padding": 1,
  "flip_sin_to_cos": true,
  "freq_shift": 0,
  "in_channels": 4,
  "layers_per_block": 2,
  "mid_block_scale_factor": 1,
  "norm_eps": 1e-05,
  "norm_num_groups": 32,
  "out_channels": 4,
  "sample_size": 64,
  "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
})";

const char* const kSd15VaeConfig = R"({
  "_class_name": "AutoencoderKL",
  "act_fn": "silu",
  "block_out_channels": [128, 256, 512, 512],
  "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
  "in_channels": 3,
  "latent_channels": 4,
  "layers_per_block": 2,
  "norm_num_groups": 32,
  "out_channels": 3,
  "sample_size": 512,
  "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
})";

// ---- memory -------------------------------------------------------------------------------------

double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

// A "VmRSS:" / "VmHWM:" line of /proc/self/status in MiB (-1 when unreadable).
double proc_status_mib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, field.size() + 1, field + ":") == 0) {
            std::istringstream fields(line.substr(field.size() + 1));
            double kib = -1;
            fields >> kib;
            return kib < 0 ? -1 : kib / 1024.0;
        }
    }
    return -1;
}

// The 1-minute load average (/proc/loadavg), to tell a quiet machine's figures from a busy one's.
double load_average() {
    std::ifstream in("/proc/loadavg");
    double load = -1;
    in >> load;
    return load;
}

double maxrss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

namespace {
// The whole run's peak, kept across the resets below.
double g_run_peak_mib = 0;
}  // namespace

// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so that each phase's peak
// can be read on its own. It resets ru_maxrss too (both read the same high-water mark), hence
// g_run_peak_mib.
bool reset_peak_rss() {
    g_run_peak_mib = std::max({g_run_peak_mib, maxrss_mib(), proc_status_mib("VmHWM")});
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

// ---- random weights -----------------------------------------------------------------------------

// Matrices and kernels ~ N(0, 1/fan_in) keep activations at unit scale through the network (no
// overflow, no denormals that would distort the timing); norms start as identity, biases small.
ds::WeightMap random_weights(const std::vector<WeightShape>& shapes) {
    ds::WeightMap map;
    for (const auto& w : shapes) {
        at::Tensor t;
        if (w.shape.size() >= 2) {
            int64_t fan_in = 1;
            for (size_t i = 1; i < w.shape.size(); ++i) fan_in *= w.shape[i];
            t = at::randn(w.shape).mul_(1.0 / std::sqrt(static_cast<double>(fan_in)));
        } else if (w.name.size() > 7 && w.name.compare(w.name.size() - 7, 7, ".weight") == 0) {
            t = at::ones(w.shape);
        } else {
            t = at::randn(w.shape).mul_(0.02);
        }
        map.insert(w.name, t);
    }
    return map;
}

double run_peak_mib() { return std::max({g_run_peak_mib, maxrss_mib(), proc_status_mib("VmHWM")}); }

}  // namespace ds::bench
