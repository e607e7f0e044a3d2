// `bench`: the speed and memory of a model's guided UNet step and VAE decode on this machine (issue
// 7's benchmark). Builds SD 1.5's architecture with random weights (sd15-random), or loads the
// built-in model or a checkpoint, then prints per CFG step: seconds, the GFLOP counted from the
// layer shapes (core/perf/arch_walk), the achieved GFLOP/s against the sgemm rate measured in the
// same run, the split of a profiled run by kind of work, and the peak resident memory against the
// weights; the same for the VAE decode, and for the built-in model the seconds of whole images.
// The targets are printed beside the figures and never decide the exit status.
//
// --json FILE (written atomically, opened before measuring):
//   {"model": "sd15-random"|"builtin"|PATH, "name", "width", "height", "steps", "threads", "cores",
//    "load_average_at_start", "sgemm": {"n", "repeats", "seconds", "gflops"},
//    "weights": {"parameters", "mib", "unet_parameters", "unet_parameters_counted", ...},
//    "unet": PASS + {"batch": 2, "latent": [C, h, w], "context_length"},
//    "vae": PASS + {"latent": [C, h, w]} (absent with --skip-vae or a model without a VAE),
//    "end_to_end": {"steps", "sampler", "runs", "seconds" (median), "seconds_all",
//                   "denoise_seconds" (median), "targets": {"seconds_max": 1}} (built-in model),
//    "peak_rss_mib" (the whole run), "total_seconds"}
// with PASS as pass_json() in bench_report.h describes it.
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/bench_report.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/image_command.h"
#include "core/builtin/builtin_model.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/io/atomic_file.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weights.h"
#include "core/perf/arch_walk.h"
#include "core/perf/end_to_end.h"
#include "core/perf/network_timing.h"
#include "core/perf/process_memory.h"
#include "core/perf/random_weights.h"
#include "core/perf/sd15_config.h"
#include "core/perf/sgemm_rate.h"
#include "core/pipeline/txt2img.h"
#include "core/runtime/threads.h"

namespace ds::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr int64_t kClipContextLength = 77;  // SD's padded prompt
// The targets on this 2-core CPU.
constexpr double kSd15StepSecondsMax = 14;
constexpr double kSd15StepSgemmFractionMin = 0.75;
constexpr double kSd15DecodeSecondsMax = 20;
constexpr double kSd15RssOverWeightsMax = 1.2;
constexpr double kBuiltinImageSecondsMax = 1;

struct BenchOptions {
    std::string model;
    std::optional<int> width, height;  // unset: the model's
    std::optional<int> steps;          // unset: 1 for SD-sized models, 25 for the built-in one
    std::optional<int> threads;
    int runs = 3;
    bool skip_vae = false;
    std::string tokenizer_dir;  // a single-file checkpoint's CLIP tokenizer
    std::string json_path;
};

// The networks under test, built or loaded.
struct BenchModel {
    std::string description;
    std::shared_ptr<const UNet2DCondition> unet;
    std::shared_ptr<const AutoencoderKL> vae;  // null with --skip-vae
    int64_t context_length = kClipContextLength;
    int64_t native_size = 512;
    int64_t downsample_factor = 8;
    std::vector<ComponentInfo> components;    // parameters of every network held
    std::optional<StableDiffusionModel> full;  // for whole images (the built-in model)
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int parse_side(const std::string& text, const std::string& what) {
    const int side = parse_int(text, what);
    if (side < 64 || side > 4096 || side % 8 != 0)
        throw UsageError(what + ": " + std::to_string(side) + " is not a multiple of 8 between 64 and 4096");
    return side;
}

BenchOptions parse_bench_options(const ArgParser& p) {
    BenchOptions o;
    o.model = p.value("model");
    if (o.model.empty()) throw UsageError("--model: give sd15-random, builtin or a model path");
    if (o.model != "sd15-random" && o.model != "builtin" && !std::filesystem::exists(o.model))
        throw UsageError("--model: '" + o.model + "' is neither sd15-random nor builtin, and no such file or folder");
    if (p.has("width")) o.width = parse_side(p.value("width"), "--width");
    if (p.has("height")) o.height = parse_side(p.value("height"), "--height");
    if (p.has("steps")) o.steps = parse_int_in(p.value("steps"), "--steps", 1, 1000);
    if (p.has("threads")) o.threads = parse_int_in(p.value("threads"), "--threads", 1, 1024);
    if (p.has("runs")) {
        if (o.model != "builtin") throw UsageError("--runs: only the built-in model is timed end to end");
        o.runs = parse_int_in(p.value("runs"), "--runs", 0, 100);
    }
    o.skip_vae = p.flag_set("skip-vae");
    if (p.has("tokenizer")) o.tokenizer_dir = p.value("tokenizer");
    if (p.has("json")) o.json_path = p.value("json");
    return o;
}

BenchModel sd15_random(bool skip_vae) {
    BenchModel m;
    m.description = "SD 1.5 shapes, random float32 weights";
    const UNetConfig unet_config = perf::sd15_unet_config();
    const AutoencoderConfig vae_config = perf::sd15_vae_config();
    m.downsample_factor = vae_config.downsample_factor();
    // The weight lists do not depend on the size walked.
    const perf::ArchWalk unet_walk = perf::walk_unet(unet_config, 1, 64, 64, kClipContextLength);
    m.unet = std::make_shared<const UNet2DCondition>(
        UNet2DCondition::load(unet_config, perf::random_weights(unet_walk.weights)));
    m.components.push_back({"unet", unet_walk.parameters(), "F32"});
    if (!skip_vae) {
        const perf::ArchWalk vae_walk = perf::walk_vae_decode(vae_config, 1, 64, 64);
        m.vae = std::make_shared<const AutoencoderKL>(
            AutoencoderKL::load(vae_config, perf::random_weights(vae_walk.weights)));
        m.components.push_back({"vae", vae_walk.parameters(), "F32"});
    }
    return m;
}

BenchModel loaded(const BenchOptions& o) {
    StableDiffusionModel model;
    if (o.model == "builtin") {
        BuiltinModelOptions options;
        options.device = "cpu";
        model = load_builtin_model(options);
    } else {
        ModelLoadOptions options;
        options.device = "cpu";
        options.tokenizer_dir = o.tokenizer_dir;
        model = load_stable_diffusion(o.model, options);
    }
    BenchModel m;
    m.description = o.model == "builtin" ? "the built-in model, " + model.name : model.name + ", " + model.version;
    m.unet = model.unet;
    if (!o.skip_vae) m.vae = model.vae;
    if (model.vae) m.downsample_factor = model.vae->config().downsample_factor();
    m.context_length = model.context_length;
    m.native_size = model.native_size;
    // The networks this process goes on holding: the built-in model stays whole for its images.
    const bool keep_whole = o.model == "builtin";
    for (const ComponentInfo& c : model.components)
        if (keep_whole || c.name == "unet" || (c.name == "vae" && m.vae)) m.components.push_back(c);
    if (keep_whole) m.full = std::move(model);
    return m;
}

int64_t total_parameters(const BenchModel& m) {
    int64_t total = 0;
    for (const ComponentInfo& c : m.components) total += c.parameters;
    return total;
}

int64_t component_parameters(const BenchModel& m, const std::string& name) {
    for (const ComponentInfo& c : m.components)
        if (c.name == name) return c.parameters;
    return 0;
}

// What every pass shares.
struct RunFigures {
    int width = 0, height = 0;
    int64_t latent_height = 0, latent_width = 0;
    double sgemm_gflops = 0;
    double weights_mib = 0;
    std::string size_note() const { return width == 512 && height == 512 ? "" : "(at 512x512)"; }
};

PassReport unet_pass(const BenchModel& m, const RunFigures& r, int steps) {
    const UNetConfig& config = m.unet->config();
    const int64_t h = r.latent_height, w = r.latent_width;
    write_progress("timing the UNet: a warm-up, " + std::to_string(steps) + " guided step(s), one profiled");
    PassReport pass{printf_string("UNet, one guided step: latents [2, %lld, %lld, %lld], context [2, %lld, %lld]",
                                  static_cast<long long>(config.in_channels), static_cast<long long>(h),
                                  static_cast<long long>(w), static_cast<long long>(m.context_length),
                                  static_cast<long long>(config.cross_dim(0))),
                    perf::time_guided_step(*m.unet, h, w, m.context_length, steps, true),
                    perf::walk_unet(config, 2, h, w, m.context_length).flops, r.sgemm_gflops, r.weights_mib, {}};
    if (config == perf::sd15_unet_config())
        pass.targets = {kSd15StepSecondsMax, r.size_note(), kSd15StepSgemmFractionMin, kSd15RssOverWeightsMax};
    return pass;
}

PassReport vae_pass(const BenchModel& m, const RunFigures& r) {
    const AutoencoderConfig& config = m.vae->config();
    write_progress("timing the VAE: a quarter-size warm-up, one decode, one profiled");
    PassReport pass{printf_string("VAE decode: z [1, %lld, %lld, %lld] -> image [1, %lld, %d, %d]",
                                  static_cast<long long>(config.latent_channels),
                                  static_cast<long long>(r.latent_height), static_cast<long long>(r.latent_width),
                                  static_cast<long long>(config.out_channels), r.height, r.width),
                    perf::time_vae_decode(*m.vae, r.latent_height, r.latent_width, 1, true),
                    perf::walk_vae_decode(config, 1, r.latent_height, r.latent_width).flops, r.sgemm_gflops,
                    r.weights_mib, {}};
    if (config == perf::sd15_vae_config())
        pass.targets = {kSd15DecodeSecondsMax, r.size_note(), std::nullopt, kSd15RssOverWeightsMax};
    return pass;
}

// Whole 64x64 images of the built-in model, for its "under a second" target.
std::string end_to_end(const StableDiffusionModel& model, int width, int height, int runs, json& out) {
    GenerationParams params = perf::benchmark_params(model);
    params.width = width;
    params.height = height;
    write_progress("timing whole images: a warm-up image, then " + std::to_string(runs));
    const perf::EndToEndTiming timing = perf::time_txt2img(model, params, runs);
    out = {{"steps", params.steps},
           {"sampler", params.sampler},
           {"runs", runs},
           {"seconds", timing.median_seconds()},
           {"seconds_all", timing.seconds},
           {"denoise_seconds", timing.median_denoise_seconds()},
           {"targets", {{"seconds_max", kBuiltinImageSecondsMax}}}};
    return printf_string("\nEnd to end: one %dx%d image (prompt, %d guided %s steps, decode)\n", width, height,
                         params.steps, params.sampler.c_str()) +
           format_row("seconds",
                      printf_string("%.3f (median of %d, denoising %.3f)", timing.median_seconds(), runs,
                                    timing.median_denoise_seconds()),
                      printf_string("< %g s", kBuiltinImageSecondsMax));
}

}  // namespace

ArgParser bench_parser() {
    ArgParser p(
        "bench --model sd15-random|builtin|PATH [--width W --height H] [--steps N] [--threads N]\n"
        "       [--skip-vae] [--tokenizer DIR] [--runs N] [--json FILE]",
        "Measures a model's classifier-free-guided UNet step and VAE decode on this machine (float32, CPU):\n"
        "seconds, GFLOP counted from the layer shapes, GFLOP/s against the sgemm rate measured in the same\n"
        "run, the split of one more (profiled) run by kind of work (convolution, linear, attention,\n"
        "normalisation, other), and the peak resident memory against the weights. The built-in model is\n"
        "also timed end to end (whole images of 25 guided steps). The issue's targets are printed beside\n"
        "the figures; they never change the exit status.\n"
        "--json writes the figures as one object (see app/cli/cmd_bench.cpp for the keys): \"unet\" and\n"
        "\"vae\" each with seconds, gflop, gflops, fraction_of_sgemm, kinds, peak_rss_mib,\n"
        "peak_rss_over_weights and targets; \"end_to_end\" for the built-in model; \"sgemm\".");
    p.option("model", "MODEL",
             "sd15-random (SD 1.5, random weights), builtin, or a diffusers folder or .safetensors file")
        .option("width", "W", "image width, a multiple of 8 in 64..4096 (default: 512 for sd15-random, the model's)")
        .option("height", "H", "image height, a multiple of 8 in 64..4096 (default: as for the width)")
        .option("steps", "N", "timed guided steps after one warm-up, 1..1000 (default: 25 built-in, else 1)")
        .option("threads", "N", "threads for libtorch, 1..1024 (default: every core, or $DS_THREADS)")
        .flag("skip-vae", "do not time the VAE decode")
        .option("tokenizer", "DIR", "CLIP tokenizer folder (vocab.json, merges.txt) for a single-file checkpoint")
        .option("runs", "N", "built-in model: whole images timed after a warm-up one, 0..100 (0: none; default 3)")
        .option("json", "FILE", "also write the figures to FILE as JSON");
    return p;
}

int run_bench(const std::vector<std::string>& args) {
    ArgParser p = bench_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const BenchOptions o = parse_bench_options(p);
    // Opened first, so that an unwritable --json path fails before minutes of measuring.
    std::optional<AtomicFile> json_file;
    if (!o.json_path.empty()) json_file.emplace(o.json_path);
    const int threads = configure_threads(ThreadRole::Batch, o.threads.value_or(0));
    const Clock::time_point run_start = Clock::now();
    const double load = perf::load_average();

    const perf::SgemmRate sgemm = perf::measure_sgemm(2048, 5);
    const Clock::time_point load_start = Clock::now();
    const BenchModel m = o.model == "sd15-random" ? sd15_random(o.skip_vae) : loaded(o);
    const double load_seconds = seconds_since(load_start);
    const int width = o.width.value_or(static_cast<int>(m.native_size));
    const int height = o.height.value_or(static_cast<int>(m.native_size));
    if (width % m.downsample_factor != 0 || height % m.downsample_factor != 0)
        throw UsageError(printf_string("--width/--height: %dx%d is not a multiple of this model's VAE factor %lld",
                                       width, height, static_cast<long long>(m.downsample_factor)));
    const int steps = o.steps.value_or(o.model == "builtin" ? 25 : 1);
    const int64_t parameters = total_parameters(m);
    const double weights_mib = perf::mib(4.0 * static_cast<double>(parameters));
    const int64_t unet_counted = perf::walk_unet(m.unet->config(), 1, 8, 8, m.context_length).parameters();
    const int64_t unet_loaded = component_parameters(m, "unet");

    std::string text = printf_string("bench: %s (%s), %dx%d, %d thread(s) on %d core(s), load average %.2f\n",
                                     o.model.c_str(), m.description.c_str(), width, height, threads,
                                     hardware_cores(), load);
    text += printf_string("sgemm: %.1f GFLOP/s (at::mm %lld^2 float32, best of %d)\n", sgemm.gflops,
                          static_cast<long long>(sgemm.n), sgemm.repeats);
    text += printf_string("weights: %lld parameters = %.1f MiB float32 (", static_cast<long long>(parameters),
                          weights_mib);
    for (size_t i = 0; i < m.components.size(); ++i)
        text += (i ? ", " : "") + m.components[i].name + " " + std::to_string(m.components[i].parameters);
    text += printf_string("), ready in %.1f s\n", load_seconds);
    if (unet_counted != unet_loaded)
        text += printf_string("note: the layer walk counts %lld UNet parameters, the loaded UNet has %lld: its "
                              "GFLOP count may be off\n",
                              static_cast<long long>(unet_counted), static_cast<long long>(unet_loaded));
    write_stdout(text);

    json report = {{"model", o.model},
                   {"name", m.description},
                   {"width", width},
                   {"height", height},
                   {"steps", steps},
                   {"threads", threads},
                   {"cores", hardware_cores()},
                   {"load_average_at_start", load},
                   {"sgemm", {{"n", sgemm.n}, {"repeats", sgemm.repeats}, {"seconds", sgemm.seconds},
                              {"gflops", sgemm.gflops}}}};
    json weights = {{"parameters", parameters}, {"mib", weights_mib}, {"unet_parameters_counted", unet_counted}};
    for (const ComponentInfo& c : m.components) weights[c.name + "_parameters"] = c.parameters;
    report["weights"] = weights;

    const RunFigures figures{width, height, height / m.downsample_factor, width / m.downsample_factor,
                             sgemm.gflops, weights_mib};
    const PassReport unet = unet_pass(m, figures, steps);
    write_stdout(format_pass(unet));
    report["unet"] = pass_json(unet);
    report["unet"]["batch"] = 2;
    report["unet"]["latent"] = {m.unet->config().in_channels, figures.latent_height, figures.latent_width};
    report["unet"]["context_length"] = m.context_length;
    if (m.vae) {
        const PassReport vae = vae_pass(m, figures);
        write_stdout(format_pass(vae));
        report["vae"] = pass_json(vae);
        report["vae"]["latent"] = {m.vae->config().latent_channels, figures.latent_height, figures.latent_width};
    }
    if (m.full && o.runs > 0) write_stdout(end_to_end(*m.full, width, height, o.runs, report["end_to_end"]));

    const double run_peak = perf::run_peak_mib();
    report["peak_rss_mib"] = run_peak;
    report["total_seconds"] = seconds_since(run_start);
    std::string tail = printf_string("\npeak RSS of the run: %.0f MiB = %.2f x the weights; %.1f s in all\n", run_peak,
                                     run_peak / weights_mib, seconds_since(run_start));
    if (json_file) {
        json_file->write(report.dump(2) + "\n");
        json_file->commit();
        tail += "wrote " + o.json_path + "\n";
    }
    write_stdout(tail);
    return 0;
}

}  // namespace ds::cli
