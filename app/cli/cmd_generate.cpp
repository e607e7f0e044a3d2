// `generate`: text to image with a Stable Diffusion model (core/pipeline/txt2img), written with the
// A1111 "parameters" text so that other Stable Diffusion tools show how the picture was made.
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/trace_writer.h"
#include "core/builtin/builtin_model.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/clip_text_model.h"
#include "core/image/image_tensor.h"
#include "core/io/image_io.h"
#include "core/runtime/device.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/txt2img.h"
#include "core/samplers/sampler.h"

namespace ds::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

double parse_number(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ||
        end != text.c_str() + text.size())
        throw UsageError(what + ": '" + text + "' is not a number");
    if (errno == ERANGE || !std::isfinite(value))
        throw UsageError(what + ": '" + text + "' is not a finite number");
    return value;
}

int parse_side(const std::string& text, const std::string& what) {
    const int side = parse_int(text, what);
    if (side < 64 || side > 4096 || side % 8 != 0)
        throw UsageError(what + ": " + std::to_string(side) + " is not a multiple of 8 between 64 and 4096");
    return side;
}

std::string known_samplers() {
    std::string list;
    for (const std::string& k : sampler_names()) list += (list.empty() ? "" : ", ") + k;
    return list;
}

std::string parse_sampler(const std::string& name) {
    for (const std::string& k : sampler_names())
        if (k == name) return name;
    throw UsageError("--sampler: unknown sampler '" + name + "' (known: " + known_samplers() + ")");
}

// The output is written only at the end: refuse a path that cannot be written before the model runs.
void check_output_path(const std::string& out) {
    namespace fs = std::filesystem;
    check_writable_image_path(out);
    std::error_code ec;
    if (fs::is_directory(out, ec)) throw UsageError("--out: '" + out + "' is a folder");
    const fs::path parent = fs::path(out).parent_path();
    if (parent.empty()) return;
    if (!fs::exists(parent, ec)) throw UsageError("--out: folder '" + parent.string() + "' does not exist");
    if (!fs::is_directory(parent, ec)) throw UsageError("--out: '" + parent.string() + "' is not a folder");
}

// A1111 draws seeds below 2^32 - 1; so do we, so that the seed can be typed into other tools.
uint64_t random_seed() { return std::random_device{}() % 4294967295u; }

bool args_mention(const std::vector<std::string>& args, const std::string& option) {
    for (const std::string& a : args)
        if (a == option || a.rfind(option + "=", 0) == 0) return true;
    return false;
}

}  // namespace

ArgParser generate_parser() {
    ArgParser p(
        "generate [--model PATH] --prompt TEXT --out FILE [options]",
        "Generates an image from TEXT with the built-in emoji model (no --model) or a Stable Diffusion\n"
        "1.x/2.x model: a diffusers folder or a single-file .safetensors checkpoint (pickles such as\n"
        ".ckpt are refused). Prints the seed used.\n"
        "A PNG output carries the settings as the 'parameters' text other Stable Diffusion tools read.");
    p.option("model", "PATH", "a diffusers folder or a .safetensors checkpoint (default: the built-in model)")
        .option("schedule", "KIND", "built-in model only: the UNet trained with the cosine or the linear schedule", "cosine")
        .option("prompt", "TEXT", "what to draw")
        .option("negative", "TEXT", "what to steer away from (the unconditional side of CFG; default: none)")
        .option("sampler", "NAME", "one of: " + known_samplers(), "euler-a")
        .flag("karras", "use Karras sigmas (Karras et al. 2022) where the sampler supports them")
        .option("steps", "N", "denoising steps, 1..1000", "25")
        .option("cfg", "S", "classifier-free guidance scale, 0..100 (1: no guidance)", "7.5")
        .option("seed", "N", "seed of the initial noise (default: random, printed)")
        .option("width", "W", "image width, a multiple of 8 in 64..4096 (default: the model's, 512 for SD, 64 built-in)")
        .option("height", "H", "image height, a multiple of 8 in 64..4096 (default: the model's)")
        .option("tokenizer", "DIR",
                "CLIP tokenizer folder (vocab.json, merges.txt) for a single-file checkpoint")
        .option("clip-skip", "N",
                "condition on the N-th CLIP layer from the end, 1..12 (default: the model's)")
        .option("vae-tile", "N", "decode in tiles of N latent pixels (8..512; 64 = 512 px) to bound memory at large sizes (default: off)")
        .option("device", "DEV", "auto (CUDA when this libtorch has it and a GPU is present), cpu or cuda", "auto")
        .option("dtype", "TYPE", "weights and activations: auto (fp16 on CUDA, fp32 on the CPU), fp32, fp16 or bf16", "auto")
        .option("out", "FILE", "the output image (png keeps the parameters text)")
        .option("trace", "DIR", "also write per-step previews xt_NNN.png, x0_NNN.png and trace.csv into DIR");
    return p;
}

int run_generate(const std::vector<std::string>& args) {
    ArgParser p = generate_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const std::string model_path = p.has("model") ? p.value("model") : "builtin";
    const bool builtin = model_path == "builtin";
    const std::string schedule = p.value("schedule");
    if (schedule != "cosine" && schedule != "linear")
        throw UsageError("--schedule must be cosine or linear, got '" + schedule + "'");
    if (!builtin && p.has("model") && args_mention(args, "--schedule"))
        throw UsageError("--schedule chooses between the built-in model's UNets; a checkpoint has its own");
    GenerationParams params;
    params.prompt = p.value("prompt");
    if (p.has("negative")) params.negative_prompt = p.value("negative");
    params.sampler = parse_sampler(p.value("sampler"));
    params.karras = p.flag_set("karras");
    params.steps = parse_int(p.value("steps"), "--steps");
    if (params.steps < 1 || params.steps > 1000)
        throw UsageError("--steps: " + std::to_string(params.steps) + " is outside [1, 1000]");
    params.cfg_scale = parse_number(p.value("cfg"), "--cfg");
    if (params.cfg_scale < 0 || params.cfg_scale > 100)
        throw UsageError("--cfg: " + p.value("cfg") + " is outside [0, 100]");
    // 0 = the model's native size, known once it is loaded.
    params.width = p.has("width") ? parse_side(p.value("width"), "--width") : 0;
    params.height = p.has("height") ? parse_side(p.value("height"), "--height") : 0;
    if (p.has("clip-skip")) {
        params.clip_skip = parse_int(p.value("clip-skip"), "--clip-skip");
        if (params.clip_skip < 1 || params.clip_skip > 12)
            throw UsageError("--clip-skip: " + std::to_string(params.clip_skip) + " is outside [1, 12]");
    }
    if (p.has("vae-tile")) {
        params.vae_tile = parse_int(p.value("vae-tile"), "--vae-tile");
        if (params.vae_tile < 8 || params.vae_tile > 512)
            throw UsageError("--vae-tile: " + std::to_string(params.vae_tile) + " is outside [8, 512]");
    }
    const bool seed_given = p.has("seed");
    params.seed = seed_given ? parse_uint64(p.value("seed"), "--seed") : random_seed();
    const std::string out = p.value("out");
    check_output_path(out);
    if (p.has("trace")) {  // created after the model loads; refuse a file in the way now
        std::error_code ec;
        const std::string trace_dir = p.value("trace");
        if (std::filesystem::exists(trace_dir, ec) && !std::filesystem::is_directory(trace_dir, ec))
            throw UsageError("--trace: '" + trace_dir + "' is a file, not a folder");
    }
    auto validate = [](const GenerationParams& checked) {
        try {
            validate_generation_params(checked);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    };
    {  // everything but a size left to the model is checked before the (slow) load
        GenerationParams checked = params;
        if (checked.width == 0) checked.width = 64;
        if (checked.height == 0) checked.height = 64;
        validate(checked);
    }

    ModelLoadOptions load_options;
    if (p.has("tokenizer")) load_options.tokenizer_dir = p.value("tokenizer");
    load_options.device = p.value("device");
    load_options.dtype = p.value("dtype");
    try {  // a bad device or type is a usage error, found before the load
        parse_compute_dtype(load_options.dtype, parse_device(load_options.device));
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (builtin && p.value("dtype") != "auto" && p.value("dtype") != "fp32")
        throw UsageError("--dtype: the built-in model runs in fp32");
    const Clock::time_point load_start = Clock::now();
    BuiltinModelOptions builtin_options;
    builtin_options.variant = schedule;
    builtin_options.device = load_options.device;
    const StableDiffusionModel model =
        builtin ? load_builtin_model(builtin_options) : load_stable_diffusion(model_path, load_options);
    if (params.clip_skip > model.text_encoder->config().num_layers)
        throw UsageError("--clip-skip: " + std::to_string(params.clip_skip) + " is outside [1, " +
                         std::to_string(model.text_encoder->config().num_layers) + "] for this model's text encoder");
    if (params.width == 0) params.width = static_cast<int>(model.native_size);
    if (params.height == 0) params.height = static_cast<int>(model.native_size);
    validate(params);
    write_progress("loaded " + model.name + " (" + model.version + ", " + layout_name(model.layout) +
                   ") in " + fixed(seconds_since(load_start), 1) + " s");
    write_stdout("seed: " + std::to_string(params.seed) + (seed_given ? "\n" : " (random)\n"));

    std::unique_ptr<TraceWriter> trace;
    if (p.has("trace")) trace = std::make_unique<TraceWriter>(p.value("trace"));
    GenerationCallbacks callbacks;
    callbacks.on_step = [&](const GenerationStep& step) {
        const StepEvent& e = step.event;
        char line[160];
        std::snprintf(line, sizeof line, "step %d/%d t=%.6g sigma=%.6g (%.0f ms)", e.index + 1, e.count,
                      e.timestep, e.sigma, e.ms);
        write_progress(line);
        if (trace) trace->record(step);
    };
    const Clock::time_point start = Clock::now();
    const GenerationResult result = txt2img(model, params, callbacks);
    const double elapsed = seconds_since(start);
    if (trace) trace->finish();

    GenerationMetadata metadata;
    metadata.prompt = params.prompt;
    metadata.negative_prompt = params.negative_prompt;
    metadata.steps = params.steps;
    metadata.sampler = params.sampler;
    metadata.karras = params.karras;
    metadata.cfg_scale = params.cfg_scale;
    metadata.seed = params.seed;
    metadata.width = params.width;
    metadata.height = params.height;
    metadata.model = model.name;
    metadata.clip_skip = params.clip_skip;
    ImageWriteOptions write;
    write.text["parameters"] = format_parameters(metadata);
    write.text["Software"] = std::string("diffusion-studio-cli ") + DS_VERSION;
    const Image image = tensor_to_image(result.image);
    write_image(out, image, write);
    if (trace)
        write_stdout("wrote " + std::to_string(trace->steps()) + " steps of previews and trace.csv to " +
                     trace->dir() + "\n");
    write_stdout("wrote " + out + " (" + std::to_string(image.width) + "x" + std::to_string(image.height) +
                 ", " + fixed(elapsed, 1) + " s)\n");
    return 0;
}

}  // namespace ds::cli
