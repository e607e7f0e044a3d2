#pragma once
// Pieces the SD 1.5 benchmarks share (ds-bench-sd15, ds-bench-load).
#include <string>
#include <vector>

#include "benchmarks/sd15_arch.h"
#include "core/model/weights.h"

namespace ds::bench {

// runwayml/stable-diffusion-v1-5 unet/config.json and vae/config.json (diffusers layout).
extern const char* const kSd15UNetConfig;
extern const char* const kSd15VaeConfig;

double mib(double bytes);
// A "VmRSS:" / "VmHWM:" line of /proc/self/status in MiB (-1 when unreadable).
double proc_status_mib(const std::string& field);
// The 1-minute load average (/proc/loadavg), to tell a quiet machine's figures from a busy one's.
double load_average();
double maxrss_mib();
// Resets the peak resident memory (VmHWM) to the current RSS so that a phase's peak can be read on
// its own; run_peak_mib() keeps the highest peak of the whole run across the resets.
bool reset_peak_rss();
double run_peak_mib();

// Matrices and kernels ~ N(0, 1/fan_in), norms identity, biases small: unit-scale activations.
ds::WeightMap random_weights(const std::vector<WeightShape>& shapes);

}  // namespace ds::bench
