#pragma once
// Timing whole text-to-image generations as `generate` runs them (prompt encoding, the guided
// denoising steps, the VAE decode), for the built-in model's "one image in under a second" target.
#include <vector>

namespace ds {
struct GenerationParams;  // core/pipeline/txt2img.h
struct StableDiffusionModel;
}  // namespace ds

namespace ds::perf {

struct EndToEndTiming {
    std::vector<double> seconds;          // each timed image, in order
    std::vector<double> denoise_seconds;  // of which the denoising steps (the step events' ms)
    double median_seconds() const;
    double median_denoise_seconds() const;
};

// The benchmark image: a prompt of the built-in model's catalogue, 25 guided euler-a steps at CFG 5
// (any scale but 1 costs the same: both halves always run), the model's native size.
GenerationParams benchmark_params(const StableDiffusionModel& model);

// One untimed image first (it warms the allocator and the kernels up), then `runs` timed ones with
// seeds 1000, 1001, ... and `params` otherwise.
EndToEndTiming time_txt2img(const StableDiffusionModel& model, GenerationParams params, int runs);

}  // namespace ds::perf
