#include "core/perf/end_to_end.h"

#include <algorithm>
#include <chrono>

#include "core/perf/network_timing.h"
#include "core/pipeline/txt2img.h"

namespace ds::perf {

double EndToEndTiming::median_seconds() const { return median(seconds); }
double EndToEndTiming::median_denoise_seconds() const { return median(denoise_seconds); }

GenerationParams benchmark_params(const StableDiffusionModel& model) {
    GenerationParams params;
    params.prompt = "red apple, food and drink, on a white background";
    params.steps = 25;
    params.sampler = "euler-a";
    params.cfg_scale = 5.0;
    params.width = params.height = static_cast<int>(model.native_size);
    return params;
}

EndToEndTiming time_txt2img(const StableDiffusionModel& model, GenerationParams params, int runs) {
    EndToEndTiming timing;
    for (int r = 0; r <= std::max(1, runs); ++r) {
        params.seed = 1000 + static_cast<uint64_t>(r);
        double step_ms = 0;
        GenerationCallbacks callbacks;
        callbacks.on_step = [&](const GenerationStep& s) { step_ms += s.event.ms; };
        const auto start = std::chrono::steady_clock::now();
        txt2img(model, params, callbacks);
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (r > 0) {
            timing.seconds.push_back(total);
            timing.denoise_seconds.push_back(step_ms / 1000.0);
        }
    }
    return timing;
}

}  // namespace ds::perf
