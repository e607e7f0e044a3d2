// Speed of the built-in model end to end on this machine: load once, then generate 64x64 images
// (prompt encoding, 25 classifier-free-guided UNet steps, VAE decode), as `generate` runs them.
// Prints the seconds per image (median of the runs) and the share of each part. Asserts nothing.
//
//   ds-bench-builtin [--steps 25] [--runs 5] [--sampler euler-a] [--threads N] [--model-dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/builtin/builtin_model.h"
#include "core/perf/end_to_end.h"
#include "core/pipeline/txt2img.h"
#include "core/runtime/threads.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

}  // namespace

int main(int argc, char** argv) {
    int steps = 25, runs = 5, threads = 0;
    std::string sampler = "euler-a", dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--steps") steps = std::atoi(v.c_str());
        else if (a == "--runs") runs = std::atoi(v.c_str());
        else if (a == "--threads") threads = std::atoi(v.c_str());
        else if (a == "--sampler") sampler = v;
        else if (a == "--model-dir") dir = v;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    try {
        const int used_threads = ds::configure_threads(ds::ThreadRole::Batch, threads);
        const auto load_start = Clock::now();
        ds::BuiltinModelOptions options;
        options.dir = dir;
        const ds::StableDiffusionModel model = ds::load_builtin_model(options);
        const double load_s = seconds(load_start, Clock::now());

        ds::GenerationParams params = ds::perf::benchmark_params(model);
        params.steps = steps;
        params.sampler = sampler;
        const ds::perf::EndToEndTiming timing = ds::perf::time_txt2img(model, params, runs);
        std::vector<double> totals = timing.seconds;
        std::sort(totals.begin(), totals.end());
        const double median = timing.median_seconds(), steps_s = timing.median_denoise_seconds();
        std::printf("built-in model, %dx%d, %d guided steps (%s), %d threads, model load %.2f s\n", params.width,
                    params.height, steps, sampler.c_str(), used_threads, load_s);
        std::printf("end to end: median %.3f s per image over %d runs (min %.3f, max %.3f)\n", median, runs,
                    totals.front(), totals.back());
        std::printf("  denoising steps %.3f s (%.1f ms per step, %.0f%%), prompt + decode + rest %.3f s\n", steps_s,
                    1000.0 * steps_s / steps, 100.0 * steps_s / median, median - steps_s);
        std::printf("target: under 1 s end to end -> %s\n", median < 1.0 ? "met" : "NOT met");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ds-bench-builtin: %s\n", e.what());
        return 1;
    }
    return 0;
}
