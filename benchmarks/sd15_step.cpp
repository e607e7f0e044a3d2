// Speed and memory of Stable Diffusion 1.5 on this machine: one classifier-free-guided UNet step
// (batch 2) and one VAE decode at 512x512, with random weights of SD 1.5's exact shapes. Prints the
// seconds, the FLOPs counted from the layer shapes, the achieved GFLOP/s against this process's own
// 2048^2 sgemm rate, and the peak resident memory against the weights' size. Asserts nothing.
//
//   ds-bench-sd15 [--width 512] [--height 512] [--threads N] [--steps 1] [--skip-vae] [--profile]
//                 [--json FILE]
#include <ATen/ATen.h>
#include <ATen/record_function.h>
#include <malloc.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/sd15_arch.h"
#include "benchmarks/sd15_common.h"
#include "benchmarks/sgemm_peak.h"
#include "core/io/atomic_file.h"
#include "core/model/autoencoder_config.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/model/unet_config.h"
#include "core/model/weights.h"
#include "core/runtime/threads.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using ds::bench::load_average;
using ds::bench::maxrss_mib;
using ds::bench::mib;
using ds::bench::proc_status_mib;
using ds::bench::random_weights;
using ds::bench::reset_peak_rss;

// The figures quoted by the issue for SD 1.5: a sanity check of the FLOP counter at 512x512.
constexpr double kQuotedStepGflop = 1606.5;
constexpr int64_t kQuotedUNetParameters = 859520964;
constexpr int64_t kContextLength = 77;  // CLIP's padded prompt length
constexpr double kGuidanceScale = 7.5;

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

// ---- a per-operator timer -----------------------------------------------------------------------

// Wall time of each top-level ATen operator called on the main thread (nested calls are part of
// their caller), through a thread-local RecordFunction callback: far lighter than the autograd
// profiler, and it needs no change to the networks.
class OpTimer {
public:
    OpTimer() {
        totals().clear();
        handle_ = at::addThreadLocalCallback(
            at::RecordFunctionCallback(&OpTimer::start, &OpTimer::end).scopes({at::RecordScope::FUNCTION}));
    }
    ~OpTimer() { at::removeCallback(handle_); }
    OpTimer(const OpTimer&) = delete;
    OpTimer& operator=(const OpTimer&) = delete;

    struct Entry {
        double seconds = 0;
        int64_t calls = 0;
    };
    static std::map<std::string, Entry>& totals() {
        static std::map<std::string, Entry> map;
        return map;
    }

private:
    struct Started : at::ObserverContext {
        Clock::time_point at;
    };
    static int& depth() {
        thread_local int value = 0;
        return value;
    }
    static std::unique_ptr<at::ObserverContext> start(const at::RecordFunction&) {
        if (depth()++ != 0) return nullptr;
        auto context = std::make_unique<Started>();
        context->at = Clock::now();
        return context;
    }
    static void end(const at::RecordFunction& fn, at::ObserverContext* context) {
        --depth();
        if (context == nullptr) return;
        Entry& e = totals()[fn.name()];
        e.seconds += std::chrono::duration<double>(Clock::now() - static_cast<Started*>(context)->at).count();
        ++e.calls;
    }

    at::CallbackHandle handle_;
};

// ---- the measurements ---------------------------------------------------------------------------

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// One classifier-free-guided denoising step's network work: the UNet on the unconditional and the
// conditional half at once (batch 2), then the guidance combination (Ho & Salimans 2022, eq. 6).
at::Tensor guided_step(const ds::UNet2DCondition& unet, const at::Tensor& latents, const at::Tensor& t,
                       const at::Tensor& context) {
    const at::Tensor eps = unet.forward(at::cat({latents, latents}), t, context);
    const auto halves = eps.chunk(2);
    return halves[0] + kGuidanceScale * (halves[1] - halves[0]);
}

json profile_json(double step_seconds) {
    std::vector<std::pair<std::string, OpTimer::Entry>> ops(OpTimer::totals().begin(), OpTimer::totals().end());
    std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
    json out = json::array();
    std::printf("  %-28s %10s %8s %8s\n", "operator (top level)", "seconds", "share", "calls");
    double shown = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
        const auto& [name, e] = ops[i];
        out.push_back({{"op", name}, {"seconds", e.seconds}, {"calls", e.calls}});
        if (i < 12) {
            std::printf("  %-28s %10.3f %7.1f%% %8lld\n", name.c_str(), e.seconds, 100.0 * e.seconds / step_seconds,
                        static_cast<long long>(e.calls));
            shown += e.seconds;
        }
    }
    std::printf("  %-28s %10.3f %7.1f%%\n", "(the rest)", step_seconds - shown,
                100.0 * (step_seconds - shown) / step_seconds);
    // In the networks only ds::scaled_dot_product_attention calls matmul, softmax and mul_ at top
    // level (projections go through linear): their sum is the attention core's time.
    auto seconds_of = [](const char* op) {
        const auto it = OpTimer::totals().find(op);
        return it == OpTimer::totals().end() ? 0.0 : it->second.seconds;
    };
    const double attention = seconds_of("aten::matmul") + seconds_of("aten::softmax") + seconds_of("aten::mul_");
    std::printf("  attention core (matmul + softmax + mul_) %.2f s = %.1f%% of the step\n", attention,
                100.0 * attention / step_seconds);
    return out;
}

json run_unet(const Options& o, double sgemm_gflops) {
    const ds::UNetConfig config = ds::parse_unet_config(ds::bench::kSd15UNetConfig);
    const int64_t h = o.height / 8, w = o.width / 8;
    const ds::bench::ArchWalk walk = ds::bench::walk_unet(config, 2, h, w, kContextLength);
    const ds::bench::ArchWalk walk512 = ds::bench::walk_unet(config, 2, 64, 64, kContextLength);
    const int64_t params = walk.parameters();
    const double weight_mib = mib(4.0 * static_cast<double>(params));

    std::printf("\nUNet (SD 1.5, float32, random weights)\n");
    auto start = Clock::now();
    std::optional<ds::UNet2DCondition> unet;
    {
        const ds::WeightMap weights = random_weights(walk.weights);
        unet = ds::UNet2DCondition::load(config, weights);
    }  // the network shares the map's float32 tensors: dropping the map frees nothing it uses
    const double build_seconds = seconds_since(start);
    std::printf("  parameters           %lld (%.4gM; SD 1.5 has %.4gM)%s\n", static_cast<long long>(params),
                params / 1e6, kQuotedUNetParameters / 1e6, params == kQuotedUNetParameters ? "" : "  MISMATCH");
    std::printf("  weights              %.0f MiB float32 (built in %.1f s)\n", weight_mib, build_seconds);

    const double rss_loaded = proc_status_mib("VmRSS");
    const bool peak_reset = reset_peak_rss();

    at::manual_seed(1);
    const at::Tensor latents = at::randn({1, 4, h, w});
    const at::Tensor context = at::randn({2, kContextLength, config.cross_dim(0)});
    const at::Tensor t = at::scalar_tensor(500, at::kLong);

    at::NoGradGuard no_grad;
    start = Clock::now();
    at::Tensor out = guided_step(*unet, latents, t, context);
    const double warmup_seconds = seconds_since(start);
    std::vector<double> times;
    for (int i = 0; i < o.steps; ++i) {
        start = Clock::now();
        out = guided_step(*unet, latents, t, context);
        times.push_back(seconds_since(start));
    }
    const double best = *std::min_element(times.begin(), times.end());
    const bool finite = at::isfinite(out).all().item<bool>();
    const double out_std = out.std().item<double>();
    const double hwm = proc_status_mib("VmHWM");
    const double maxrss = maxrss_mib();

    const double gflop = walk.flops.total() / 1e9;
    const double gflop512 = walk512.flops.total() / 1e9;
    std::printf("  input                latents [2, 4, %lld, %lld] (%lldx%lld px), context [2, %lld, %lld], t = 500\n",
                static_cast<long long>(h), static_cast<long long>(w), static_cast<long long>(o.width),
                static_cast<long long>(o.height), static_cast<long long>(kContextLength),
                static_cast<long long>(config.cross_dim(0)));
    std::printf("  warm-up step         %.2f s\n", warmup_seconds);
    std::printf("  guided step          %.2f s (best of %d timed)\n", best, o.steps);
    std::printf("  counted              %.1f GFLOP (conv %.1f, linear %.1f, attention %.1f)\n", gflop,
                walk.flops.conv / 1e9, walk.flops.linear / 1e9, walk.flops.attention / 1e9);
    std::printf("  at 512x512           %.1f GFLOP counted, issue quotes %.1f (%+.2f%%)\n", gflop512,
                kQuotedStepGflop, 100.0 * (gflop512 - kQuotedStepGflop) / kQuotedStepGflop);
    std::printf("  achieved             %.1f GFLOP/s = %.1f%% of sgemm\n", gflop / best,
                100.0 * gflop / best / sgemm_gflops);
    std::printf("  output               %s, std %.3g\n", finite ? "finite" : "NOT FINITE", out_std);
    std::printf("  RSS with weights     %.0f MiB (weights %.0f MiB)\n", rss_loaded, weight_mib);
    std::printf("  peak RSS during step %.0f MiB VmHWM, %.0f MiB ru_maxrss (%s)\n", hwm, maxrss,
                peak_reset ? "both reset after loading" : "the whole run so far");
    std::printf("                       = weights x %.2f, %.0f MiB above the weights\n", hwm / weight_mib,
                hwm - weight_mib);

    json result = {{"parameters", params},
                   {"weights_mib", weight_mib},
                   {"build_seconds", build_seconds},
                   {"warmup_seconds", warmup_seconds},
                   {"step_seconds", best},
                   {"step_seconds_all", times},
                   {"gflop", gflop},
                   {"gflop_conv", walk.flops.conv / 1e9},
                   {"gflop_linear", walk.flops.linear / 1e9},
                   {"gflop_attention", walk.flops.attention / 1e9},
                   {"gflop_512", gflop512},
                   {"gflop_quoted_512", kQuotedStepGflop},
                   {"gflops", gflop / best},
                   {"fraction_of_sgemm", gflop / best / sgemm_gflops},
                   {"output_finite", finite},
                   {"rss_loaded_mib", rss_loaded},
                   {"peak_rss_step_mib", hwm},
                   {"peak_maxrss_step_mib", maxrss},
                   {"peak_rss_step_reset", peak_reset}};

    if (o.profile) {
        std::printf("\n  profiled step (operator timer on; adds a little overhead):\n");
        double profiled = 0;
        {
            OpTimer timer;
            start = Clock::now();
            out = guided_step(*unet, latents, t, context);
            profiled = seconds_since(start);
        }
        std::printf("  step %.2f s\n", profiled);
        result["profile"] = {{"step_seconds", profiled}, {"ops", profile_json(profiled)}};
    }
    return result;
}

json run_vae(const Options& o, double sgemm_gflops) {
    const ds::AutoencoderConfig config = ds::parse_autoencoder_config(ds::bench::kSd15VaeConfig);
    const int64_t h = o.height / 8, w = o.width / 8;
    const ds::bench::ArchWalk walk = ds::bench::walk_vae_decode(config, 1, h, w);
    const int64_t params = walk.parameters();

    std::printf("\nVAE decode (SD 1.5 VAE, float32, random weights)\n");
    std::optional<ds::AutoencoderKL> vae;
    {
        const ds::WeightMap weights = random_weights(walk.weights);
        vae = ds::AutoencoderKL::load(config, weights);
    }
    std::printf("  parameters           %lld (encoder and decoder), %.0f MiB\n", static_cast<long long>(params),
                mib(4.0 * static_cast<double>(params)));
    const double rss_loaded = proc_status_mib("VmRSS");
    const bool peak_reset = reset_peak_rss();
    at::manual_seed(2);
    const at::Tensor z = at::randn({1, config.latent_channels, h, w});
    at::NoGradGuard no_grad;
    // The warm-up decodes a quarter-size latent: it starts what the first call starts (oneDNN's
    // kernels for these channel counts, the allocator) for a sixteenth of a full decode's work.
    const at::Tensor z_small = at::randn({1, config.latent_channels, std::max<int64_t>(1, h / 4),
                                          std::max<int64_t>(1, w / 4)});
    auto start = Clock::now();
    at::Tensor image = vae->decode(z_small);
    const double warmup_seconds = seconds_since(start);
    start = Clock::now();
    image = vae->decode(z);
    const double seconds = seconds_since(start);
    const double hwm = proc_status_mib("VmHWM");
    const double gflop = walk.flops.total() / 1e9;
    const bool finite = at::isfinite(image).all().item<bool>();
    std::printf("  input                z [1, 4, %lld, %lld] -> image [1, 3, %lld, %lld]\n", static_cast<long long>(h),
                static_cast<long long>(w), static_cast<long long>(image.size(2)),
                static_cast<long long>(image.size(3)));
    std::printf("  warm-up decode       %.2f s (latent [1, 4, %lld, %lld])\n", warmup_seconds,
                static_cast<long long>(z_small.size(2)), static_cast<long long>(z_small.size(3)));
    std::printf("  decode               %.2f s\n", seconds);
    std::printf("  counted              %.1f GFLOP (conv %.1f, linear %.1f, attention %.1f)\n", gflop,
                walk.flops.conv / 1e9, walk.flops.linear / 1e9, walk.flops.attention / 1e9);
    std::printf("  achieved             %.1f GFLOP/s = %.1f%% of sgemm\n", gflop / seconds,
                100.0 * gflop / seconds / sgemm_gflops);
    std::printf("  output               %s\n", finite ? "finite" : "NOT FINITE");
    std::printf("  RSS with weights     %.0f MiB (the UNet freed)\n", rss_loaded);
    std::printf("  peak RSS during decode %.0f MiB (%s), %.0f MiB above the RSS with weights\n", hwm,
                peak_reset ? "VmHWM, reset after loading" : "VmHWM of the whole run", hwm - rss_loaded);
    return {{"parameters", params},
            {"warmup_seconds", warmup_seconds},
            {"decode_seconds", seconds},
            {"gflop", gflop},
            {"gflops", gflop / seconds},
            {"fraction_of_sgemm", gflop / seconds / sgemm_gflops},
            {"output_finite", finite},
            {"rss_loaded_mib", rss_loaded},
            {"peak_rss_decode_mib", hwm}};
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
        const double load = load_average();
        std::printf("ds-bench-sd15: %lldx%lld, %d thread(s) on %d core(s), load average %.2f at start\n",
                    static_cast<long long>(o.width), static_cast<long long>(o.height), threads, ds::hardware_cores(),
                    load);

        const ds::bench::SgemmRate sgemm = ds::bench::measure_sgemm(2048, 5);
        std::printf("sgemm                  %.1f GFLOP/s (at::mm %lld^2 float32, best of 5)\n", sgemm.gflops,
                    static_cast<long long>(sgemm.n));

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
        const double run_peak = ds::bench::run_peak_mib();
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
