// Speed and memory of Stable Diffusion 1.5 on this machine: one classifier-free-guided UNet step
// (batch 2) and one VAE decode at 512x512, with random weights of SD 1.5's exact shapes. Prints the
// seconds, the FLOPs counted from the layer shapes, the achieved GFLOP/s against this process's own
// 2048^2 sgemm rate, and the peak resident memory against the weights' size; --profile adds a
// profiled step's time per operator. Asserts nothing. `diffusion-studio-cli bench` measures the
// same for any model; this one keeps the UNet and the VAE apart (each phase's memory on its own).
//
//   ds-bench-sd15 [--width 512] [--height 512] [--threads N] [--steps 1] [--skip-vae] [--profile]
//                 [--json FILE]
#include <ATen/ATen.h>
#include <malloc.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/io/atomic_file.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weights.h"
#include "core/perf/arch_walk.h"
#include "core/perf/network_timing.h"
#include "core/perf/process_memory.h"
#include "core/perf/random_weights.h"
#include "core/perf/sd15_config.h"
#include "core/perf/sgemm_rate.h"
#include "core/runtime/threads.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace perf = ds::perf;

constexpr int64_t kContextLength = 77;  // CLIP's padded prompt length

struct Options {
    int64_t width = 512;
    int64_t height = 512;
    int threads = 0;  // 0: every core
    int steps = 1;    // timed UNet steps after the warm-up
    bool skip_vae = false;
    bool profile = false;
    std::string json_path;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "ds-bench-sd15: %s\n", message.c_str());
    std::fprintf(stderr,
                 "usage: ds-bench-sd15 [--width 512] [--height 512] [--threads N] [--steps 1] [--skip-vae] "
                 "[--profile] [--json FILE]\n");
    std::exit(2);
}

int64_t parse_int(const std::string& flag, const char* text, int64_t min, int64_t max) {
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        usage_error(flag + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got '" + text + "'");
    }
    return value;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--width") {
            o.width = parse_int(arg, value(), 8, 4096);
        } else if (arg == "--height") {
            o.height = parse_int(arg, value(), 8, 4096);
        } else if (arg == "--threads") {
            o.threads = static_cast<int>(parse_int(arg, value(), 1, 1024));
        } else if (arg == "--steps") {
            o.steps = static_cast<int>(parse_int(arg, value(), 1, 100));
        } else if (arg == "--skip-vae") {
            o.skip_vae = true;
        } else if (arg == "--profile") {
            o.profile = true;
        } else if (arg == "--json") {
            o.json_path = value();
        } else if (arg == "--help" || arg == "-h") {
            usage_error("measures one SD 1.5 guided step and VAE decode with random weights");
        } else {
            usage_error("unknown argument '" + arg + "'");
        }
    }
    if (o.width % 8 != 0 || o.height % 8 != 0) {
        usage_error("--width and --height must be multiples of 8, got " + std::to_string(o.width) + "x" +
                    std::to_string(o.height));
    }
    return o;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The profiled run's twelve slowest operators, then its split by kind of work.
json profile_json(const perf::OpProfile& profile) {
    std::printf("\n  profiled run %.2f s (operator timer on)\n", profile.seconds);
    std::printf("  %-28s %10s %8s %8s\n", "operator (top level)", "seconds", "share", "calls");
    json ops = json::array();
    for (size_t i = 0; i < profile.ops.size(); ++i) {
        const perf::OpTime& op = profile.ops[i];
        ops.push_back({{"op", op.op}, {"kind", perf::work_kind_name(op.kind)}, {"seconds", op.seconds},
                       {"calls", op.calls}});
        if (i < 12)
            std::printf("  %-28s %10.3f %7.1f%% %8lld\n", op.op.c_str(), op.seconds,
                        100.0 * op.seconds / profile.seconds, static_cast<long long>(op.calls));
    }
    json kinds = json::object();
    std::printf("  by kind:");
    for (perf::WorkKind kind : perf::kWorkKinds) {
        kinds[perf::work_kind_name(kind)] = profile.kind_seconds[static_cast<size_t>(kind)];
        std::printf(" %s %.1f%%", perf::work_kind_name(kind), 100.0 * profile.kind_share(kind));
    }
    std::printf("\n");
    return {{"seconds", profile.seconds}, {"ops", ops}, {"kind_seconds", kinds}};
}

// The lines and JSON fields both networks print: time, FLOPs against sgemm, output, memory.
json report_timing(const perf::NetworkTiming& timing, const perf::FlopCount& flops, double sgemm_gflops,
                   double weight_mib) {
    const double best = timing.best_seconds();
    const double gflop = flops.total() / 1e9;
    std::printf("  warm-up              %.2f s\n", timing.warmup_seconds);
    std::printf("  timed                %.2f s (best of %zu)\n", best, timing.seconds.size());
    std::printf("  counted              %.1f GFLOP (conv %.1f, linear %.1f, attention %.1f)\n", gflop,
                flops.conv / 1e9, flops.linear / 1e9, flops.attention / 1e9);
    std::printf("  achieved             %.1f GFLOP/s = %.1f%% of sgemm\n", gflop / best,
                100.0 * gflop / best / sgemm_gflops);
    std::printf("  output               %s\n", timing.output_finite ? "finite" : "NOT FINITE");
    std::printf("  RSS with weights     %.0f MiB (weights %.0f MiB)\n", timing.rss_loaded_mib, weight_mib);
    std::printf("  peak RSS of the runs %.0f MiB VmHWM (%s) = weights x %.2f\n", timing.peak_rss_mib,
                timing.peak_reset ? "reset after loading" : "the whole run so far", timing.peak_rss_mib / weight_mib);
    json out = {{"weights_mib", weight_mib},
                {"warmup_seconds", timing.warmup_seconds},
                {"seconds", best},
                {"seconds_all", timing.seconds},
                {"gflop", gflop},
                {"gflop_conv", flops.conv / 1e9},
                {"gflop_linear", flops.linear / 1e9},
                {"gflop_attention", flops.attention / 1e9},
                {"gflops", gflop / best},
                {"fraction_of_sgemm", gflop / best / sgemm_gflops},
                {"output_finite", timing.output_finite},
                {"rss_loaded_mib", timing.rss_loaded_mib},
                {"peak_rss_mib", timing.peak_rss_mib},
                {"peak_rss_reset", timing.peak_reset}};
    if (timing.profile) out["profile"] = profile_json(*timing.profile);
    return out;
}

json run_unet(const Options& o, double sgemm_gflops) {
    const ds::UNetConfig config = perf::sd15_unet_config();
    const int64_t h = o.height / 8, w = o.width / 8;
    const perf::ArchWalk walk = perf::walk_unet(config, 2, h, w, kContextLength);
    const int64_t params = walk.parameters();
    std::printf("\nUNet (SD 1.5, float32, random weights), one guided step: latents [2, 4, %lld, %lld]\n",
                static_cast<long long>(h), static_cast<long long>(w));
    const auto start = Clock::now();
    std::optional<ds::UNet2DCondition> unet;
    {
        const ds::WeightMap weights = perf::random_weights(walk.weights);
        unet = ds::UNet2DCondition::load(config, weights);
    }  // the network shares the map's float32 tensors: dropping the map frees nothing it uses
    std::printf("  parameters           %lld, built in %.1f s\n", static_cast<long long>(params), seconds_since(start));
    const perf::NetworkTiming timing = perf::time_guided_step(*unet, h, w, kContextLength, o.steps, o.profile);
    json out = report_timing(timing, walk.flops, sgemm_gflops, perf::mib(4.0 * static_cast<double>(params)));
    out["parameters"] = params;
    return out;
}

json run_vae(const Options& o, double sgemm_gflops) {
    const ds::AutoencoderConfig config = perf::sd15_vae_config();
    const int64_t h = o.height / 8, w = o.width / 8;
    const perf::ArchWalk walk = perf::walk_vae_decode(config, 1, h, w);
    const int64_t params = walk.parameters();
    std::printf("\nVAE decode (SD 1.5 VAE, float32, random weights): z [1, 4, %lld, %lld], the UNet freed\n",
                static_cast<long long>(h), static_cast<long long>(w));
    std::optional<ds::AutoencoderKL> vae;
    {
        const ds::WeightMap weights = perf::random_weights(walk.weights);
        vae = ds::AutoencoderKL::load(config, weights);
    }
    std::printf("  parameters           %lld (encoder and decoder)\n", static_cast<long long>(params));
    const perf::NetworkTiming timing = perf::time_vae_decode(*vae, h, w, 1, o.profile);
    json out = report_timing(timing, walk.flops, sgemm_gflops, perf::mib(4.0 * static_cast<double>(params)));
    out["parameters"] = params;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    try {
        // Opened first, so that an unwritable --json path fails before minutes of measuring.
        std::optional<ds::AtomicFile> json_file;
        if (!o.json_path.empty()) json_file.emplace(o.json_path);
        const int threads = ds::configure_threads(ds::ThreadRole::Batch, o.threads);
        const auto run_start = Clock::now();
        const double load = perf::load_average();
        std::printf("ds-bench-sd15: %lldx%lld, %d thread(s) on %d core(s), load average %.2f at start\n",
                    static_cast<long long>(o.width), static_cast<long long>(o.height), threads, ds::hardware_cores(),
                    load);

        const perf::SgemmRate sgemm = perf::measure_sgemm(2048, 5);
        std::printf("sgemm                  %.1f GFLOP/s (at::mm %lld^2 float32, best of %d)\n", sgemm.gflops,
                    static_cast<long long>(sgemm.n), sgemm.repeats);

        json report = {{"width", o.width},
                       {"height", o.height},
                       {"threads", threads},
                       {"cores", ds::hardware_cores()},
                       {"load_average_at_start", load},
                       {"sgemm_gflops", sgemm.gflops}};
        report["unet"] = run_unet(o, sgemm.gflops);
        // The freed UNet's smaller tensors stay in glibc's heap until trimmed; the VAE's peak would
        // include them.
        malloc_trim(0);
        if (!o.skip_vae) report["vae"] = run_vae(o, sgemm.gflops);
        const double run_peak = perf::run_peak_mib();
        report["peak_rss_mib"] = run_peak;
        report["total_seconds"] = seconds_since(run_start);
        std::printf("\npeak RSS of the run    %.0f MiB (highest getrusage ru_maxrss / VmHWM over the phases)\n",
                    run_peak);
        std::printf("total                  %.0f s\n", seconds_since(run_start));

        if (json_file) {
            json_file->write(report.dump(2) + "\n");
            json_file->commit();
            std::printf("wrote %s\n", o.json_path.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ds-bench-sd15: %s\n", e.what());
        return 1;
    }
    return 0;
}
