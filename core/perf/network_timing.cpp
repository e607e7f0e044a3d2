#include "core/perf/network_timing.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/perf/process_memory.h"

namespace ds::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kGuidanceScale = 7.5;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The protocol both networks share: warm-up, `runs` timed runs with the peak memory read on its
// own, then the optional profiled run. `run(true)` is the warm-up call.
NetworkTiming time_runs(const std::function<at::Tensor(bool warmup)>& run, int runs, bool profile) {
    NetworkTiming timing;
    timing.rss_loaded_mib = proc_status_mib("VmRSS");
    timing.peak_reset = reset_peak_rss();
    at::NoGradGuard no_grad;
    Clock::time_point start = Clock::now();
    at::Tensor out = run(true);
    timing.warmup_seconds = seconds_since(start);
    for (int i = 0; i < std::max(1, runs); ++i) {
        start = Clock::now();
        out = run(false);
        timing.seconds.push_back(seconds_since(start));
    }
    timing.peak_rss_mib = proc_status_mib("VmHWM");
    timing.output_finite = at::isfinite(out).all().item<bool>();
    timing.output_shape = out.sizes().vec();
    if (profile) {
        OpProfiler profiler;
        out = run(false);
        timing.profile = profiler.stop();
    }
    return timing;
}

}  // namespace

double NetworkTiming::best_seconds() const {
    return seconds.empty() ? 0.0 : *std::min_element(seconds.begin(), seconds.end());
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double NetworkTiming::median_seconds() const { return median(seconds); }

NetworkTiming time_guided_step(const UNet2DCondition& unet, int64_t latent_height, int64_t latent_width,
                               int64_t context_length, int steps, bool profile) {
    const UNetConfig& config = unet.config();
    at::manual_seed(1);
    const at::Tensor latents = at::randn({1, config.in_channels, latent_height, latent_width});
    const at::Tensor context = at::randn({2, context_length, config.cross_dim(0)});
    const at::Tensor t = at::scalar_tensor(500, at::kLong);
    return time_runs(
        [&](bool) {
            const at::Tensor eps = unet.forward(at::cat({latents, latents}), t, context);
            const auto halves = eps.chunk(2);
            return halves[0] + kGuidanceScale * (halves[1] - halves[0]);
        },
        steps, profile);
}

NetworkTiming time_vae_decode(const AutoencoderKL& vae, int64_t latent_height, int64_t latent_width, int runs,
                              bool profile) {
    const int64_t channels = vae.config().latent_channels;
    at::manual_seed(2);
    const at::Tensor z = at::randn({1, channels, latent_height, latent_width});
    const at::Tensor z_small =
        at::randn({1, channels, std::max<int64_t>(1, latent_height / 4), std::max<int64_t>(1, latent_width / 4)});
    return time_runs([&](bool warmup) { return vae.decode(warmup ? z_small : z); }, runs, profile);
}

}  // namespace ds::perf
