#pragma once
// Timing one network pass the way generation runs it, on CPU float32 inputs: a classifier-free-
// guided UNet step (batch 2: the unconditional and the conditional half at once) and a VAE decode.
// Each is warmed up once (first-call kernel selection, the allocator), then timed; the peak resident
// memory of the runs is read on its own; an optional extra run under the OpProfiler splits the
// time by operator and kind of work without slowing the timed runs.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/perf/op_profiler.h"

namespace ds {
class UNet2DCondition;
class AutoencoderKL;
}  // namespace ds

namespace ds::perf {

// The middle value (the upper one of an even count); 0 for none.
double median(std::vector<double> values);

struct NetworkTiming {
    double warmup_seconds = 0;
    std::vector<double> seconds;  // each timed run, in order
    double best_seconds() const;  // the fastest timed run (the least disturbed by other work)
    double median_seconds() const;
    std::optional<OpProfile> profile;  // the profiled extra run, when asked for
    double rss_loaded_mib = -1;   // VmRSS before the first run (the weights and the process)
    double peak_rss_mib = -1;     // VmHWM over the warm-up and the timed runs
    bool peak_reset = false;      // false: the peak is the whole process's so far
    bool output_finite = false;
    std::vector<int64_t> output_shape;
};

// `steps` timed guided steps of `unet` on random latents [1, in_channels, latent_height,
// latent_width] (duplicated to batch 2), t = 500 and a random context [2, context_length,
// cross_attention_dim], combined as u + 7.5 (c - u) (Ho & Salimans 2022, eq. 6).
NetworkTiming time_guided_step(const UNet2DCondition& unet, int64_t latent_height, int64_t latent_width,
                               int64_t context_length, int steps, bool profile);

// `runs` timed decodes of random latents [1, latent_channels, latent_height, latent_width]. The
// warm-up decodes a quarter-size latent: it starts what the first call starts (the kernels for these
// channel counts, the allocator) for a sixteenth of a full decode's work.
NetworkTiming time_vae_decode(const AutoencoderKL& vae, int64_t latent_height, int64_t latent_width, int runs,
                              bool profile);

}  // namespace ds::perf
