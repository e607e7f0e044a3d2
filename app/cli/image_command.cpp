#include "app/cli/image_command.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/io/image_io.h"
#include "core/model/clip_text_model.h"
#include "core/pipeline/generation_metadata.h"
#include "core/runtime/device.h"
#include "core/samplers/sampler.h"

namespace ds::cli {
namespace {

std::string known_samplers() {
    std::string list;
    for (const std::string& k : sampler_names()) list += (list.empty() ? "" : ", ") + k;
    return list;
}

bool args_mention(const std::vector<std::string>& args, const std::string& option) {
    for (const std::string& a : args)
        if (a == option || a.rfind(option + "=", 0) == 0) return true;
    return false;
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

}  // namespace

void add_generation_options(ArgParser& p) {
    p.option("model", "PATH",
             "a diffusers folder, a .safetensors checkpoint or a built-in model folder (`train export`) (default: the built-in model)")
        .option("schedule", "KIND", "built-in model only: the UNet trained with the cosine or the linear schedule", "cosine")
        .option("prompt", "TEXT", "what to draw")
        .option("negative", "TEXT", "what to steer away from (the unconditional side of CFG; default: none)")
        .option("sampler", "NAME", "one of: " + known_samplers(), "euler-a")
        .flag("karras", "use Karras sigmas (Karras et al. 2022) where the sampler supports them")
        .option("steps", "N", "denoising steps, 1..1000", "25")
        .option("cfg", "S", "classifier-free guidance scale, 0..100 (1: no guidance)", "7.5")
        .option("seed", "N", "seed of the noise (default: random, printed)")
        .option("tokenizer", "DIR", "CLIP tokenizer folder (vocab.json, merges.txt) for a single-file checkpoint")
        .option("clip-skip", "N", "condition on the N-th CLIP layer from the end, 1..12 (default: the model's)")
        .option("vae-tile", "N", "decode in tiles of N latent pixels (8..512) to bound memory at large sizes (default: off)")
        .option("device", "DEV", "auto (CUDA when this libtorch has it and a GPU is present), cpu or cuda", "auto")
        .option("dtype", "TYPE", "weights and activations: auto (fp16 on CUDA, fp32 on the CPU), fp32, fp16 or bf16", "auto")
        .option("out", "FILE", "the output image (png keeps the parameters text)")
        .option("trace", "DIR", "also write per-step previews xt_NNN.png, x0_NNN.png and trace.csv into DIR");
}

int parse_int_in(const std::string& text, const std::string& what, int lo, int hi) {
    const int value = parse_int(text, what);
    if (value < lo || value > hi)
        throw UsageError(what + ": " + std::to_string(value) + " is outside [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "]");
    return value;
}

ImageCommand parse_generation_options(const ArgParser& p, const std::vector<std::string>& args) {
    ImageCommand c;
    c.model_path = p.has("model") ? p.value("model") : "builtin";
    c.builtin = c.model_path == "builtin";
    if (!c.builtin && is_builtin_model_dir(c.model_path)) {  // e.g. what `train export --out` wrote
        c.builtin = true;
        c.builtin_dir = c.model_path;
    }
    c.schedule = p.value("schedule");
    c.schedule_given = args_mention(args, "--schedule");
    if (c.schedule != "cosine" && c.schedule != "linear")
        throw UsageError("--schedule must be cosine or linear, got '" + c.schedule + "'");
    if (!c.builtin && c.schedule_given)
        throw UsageError("--schedule chooses between the built-in model's UNets; a checkpoint has its own");
    GenerationParams& params = c.params;
    params.prompt = p.value("prompt");
    if (p.has("negative")) params.negative_prompt = p.value("negative");
    params.sampler = p.value("sampler");
    const auto names = sampler_names();
    if (std::find(names.begin(), names.end(), params.sampler) == names.end())
        throw UsageError("--sampler: unknown sampler '" + params.sampler + "' (known: " + known_samplers() + ")");
    params.karras = p.flag_set("karras");
    params.steps = parse_int_in(p.value("steps"), "--steps", 1, 1000);
    params.cfg_scale = parse_number(p.value("cfg"), "--cfg");
    if (params.cfg_scale < 0 || params.cfg_scale > 100) throw UsageError("--cfg: " + p.value("cfg") + " is outside [0, 100]");
    if (p.has("clip-skip")) params.clip_skip = parse_int_in(p.value("clip-skip"), "--clip-skip", 1, 12);
    if (p.has("vae-tile")) params.vae_tile = parse_int_in(p.value("vae-tile"), "--vae-tile", 8, 512);
    c.seed_given = p.has("seed");
    // A1111 draws seeds below 2^32 - 1; so do we, so that the seed can be typed into other tools.
    params.seed = c.seed_given ? parse_uint64(p.value("seed"), "--seed") : std::random_device{}() % 4294967295u;
    params.width = params.height = 0;

    c.out = p.value("out");
    namespace fs = std::filesystem;
    check_writable_image_path(c.out);
    std::error_code ec;
    if (fs::is_directory(c.out, ec)) throw UsageError("--out: '" + c.out + "' is a folder");
    const fs::path parent = fs::path(c.out).parent_path();
    if (!parent.empty()) {
        if (!fs::exists(parent, ec)) throw UsageError("--out: folder '" + parent.string() + "' does not exist");
        if (!fs::is_directory(parent, ec)) throw UsageError("--out: '" + parent.string() + "' is not a folder");
    }
    if (p.has("trace")) {
        c.trace_dir = p.value("trace");
        if (fs::exists(c.trace_dir, ec) && !fs::is_directory(c.trace_dir, ec))
            throw UsageError("--trace: '" + c.trace_dir + "' is a file, not a folder");
    }
    if (p.has("tokenizer")) c.load.tokenizer_dir = p.value("tokenizer");
    c.load.device = p.value("device");
    c.load.dtype = p.value("dtype");
    try {  // a bad device or type is a usage error, found before the load
        parse_compute_dtype(c.load.dtype, parse_device(c.load.device));
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (c.builtin && c.load.dtype != "auto" && c.load.dtype != "fp32")
        throw UsageError("--dtype: the built-in model runs in fp32");
    return c;
}

InpaintMethod parse_inpaint_method(const std::string& name) {
    if (name == "auto") return InpaintMethod::Auto;
    if (name == "unet") return InpaintMethod::InpaintingUnet;
    if (name == "blend") return InpaintMethod::LatentBlend;
    throw UsageError("--method must be auto, unet or blend, got '" + name + "'");
}

std::string inpaint_method_label(bool used_inpainting_unet) {
    return used_inpainting_unet ? "inpainting UNet" : "latent blend";
}

Image read_input_image(const std::string& path, const std::string& option) {
    try {
        return read_image(path);
    } catch (const ImageError& e) {
        throw UsageError(option + ": " + e.what());
    }
}

StableDiffusionModel load_command_model(const ImageCommand& c, bool inpainting) {
    const auto start = std::chrono::steady_clock::now();
    StableDiffusionModel model;
    if (c.builtin) {
        BuiltinModelOptions o;
        o.dir = c.builtin_dir;
        o.variant = c.schedule;
        o.device = c.load.device;
        if (inpainting && !c.schedule_given) {
            const std::vector<std::string> variants = builtin_variants(c.builtin_dir);
            if (std::find(variants.begin(), variants.end(), "inpaint") != variants.end()) o.variant = "inpaint";
        }
        model = load_builtin_model(o);
    } else {
        model = load_stable_diffusion(c.model_path, c.load);
    }
    if (c.params.clip_skip > model.text_encoder->config().num_layers)
        throw UsageError("--clip-skip: " + std::to_string(c.params.clip_skip) + " is outside [1, " +
                         std::to_string(model.text_encoder->config().num_layers) + "] for this model's text encoder");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_progress("loaded " + model.name + " (" + model.version + ", " + layout_name(model.layout) + ") in " +
                   fixed(seconds, 1) + " s");
    write_stdout("seed: " + std::to_string(c.params.seed) + (c.seed_given ? "\n" : " (random)\n"));
    return model;
}

std::unique_ptr<RunProgress> make_progress(const ImageCommand& c) {
    auto progress = std::make_unique<RunProgress>();
    if (!c.trace_dir.empty()) progress->trace = std::make_unique<TraceWriter>(c.trace_dir);
    RunProgress* self = progress.get();
    progress->callbacks.on_step = [self](const GenerationStep& step) {
        const StepEvent& e = step.event;
        char line[160];
        std::snprintf(line, sizeof line, "step %d/%d t=%.6g sigma=%.6g (%.0f ms)", e.index + 1, e.count, e.timestep,
                      e.sigma, e.ms);
        write_progress(line);
        if (self->trace) self->trace->record(step);
    };
    return progress;
}

void write_command_result(const ImageCommand& c, const StableDiffusionModel& model, const Image& image,
                          const std::vector<std::pair<std::string, std::string>>& extra, const RunProgress& progress,
                          double seconds) {
    if (progress.trace) progress.trace->finish();
    GenerationMetadata m = generation_metadata(c.params, model.name, image.width, image.height);
    m.other = extra;
    ImageWriteOptions write;
    write.text["parameters"] = format_parameters(m);
    write.text["Software"] = std::string("diffusion-studio-cli ") + DS_VERSION;
    write_image(c.out, image, write);
    if (progress.trace)
        write_stdout("wrote " + std::to_string(progress.trace->steps()) + " steps of previews and trace.csv to " +
                     progress.trace->dir() + "\n");
    write_stdout("wrote " + c.out + " (" + std::to_string(image.width) + "x" + std::to_string(image.height) + ", " +
                 fixed(seconds, 1) + " s)\n");
}

}  // namespace ds::cli
