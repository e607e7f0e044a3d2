#pragma once
// `bench`'s figures for one measured network pass (the UNet's guided step, the VAE decode): the
// table printed beside the targets, and the same as a JSON object.
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

#include "core/perf/arch_walk.h"
#include "core/perf/network_timing.h"

namespace ds::cli {

// The targets that apply to a pass (none for models they were not set for). Printed and
// written, never enforced.
struct PassTargets {
    std::optional<double> seconds_max;
    std::string seconds_note;  // e.g. "at 512x512" when measured at another size
    std::optional<double> sgemm_fraction_min;
    std::optional<double> rss_over_weights_max;
};

struct PassReport {
    std::string title;  // "UNet, one guided step: ..."
    perf::NetworkTiming timing;
    perf::FlopCount flops;
    double sgemm_gflops = 0;
    double weights_mib = 0;  // every network the process holds, float32
    PassTargets targets;
};

// One row of the figure table: name, figure, target ("-" when empty).
std::string format_row(const std::string& name, const std::string& figure, const std::string& target);

// The pass's block of lines: seconds, GFLOP, GFLOP/s and its ratio to sgemm, peak memory and its
// ratio to the weights, then the profiled run's split by kind of work.
std::string format_pass(const PassReport& pass);

// {"seconds": best, "seconds_all": [...], "median_seconds", "warmup_seconds", "gflop",
//  "gflops", "sgemm_gflops", "fraction_of_sgemm", "weights_mib", "rss_loaded_mib", "peak_rss_mib",
//  "peak_rss_over_weights", "peak_rss_reset", "output_finite", "output_shape",
//  "kinds": {KIND: {"gflop", "seconds", "share", "gflops"}} for KIND in convolution, linear,
//  attention, normalisation, other ("seconds"/"share" of the profiled run; "gflops" where FLOPs are
//  counted), "profiled_seconds", "targets": {"seconds_max", "fraction_of_sgemm_min",
//  "peak_rss_over_weights_max"} (those that apply)}.
nlohmann::json pass_json(const PassReport& pass);

// printf into a string (the tables' columns).
std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace ds::cli
