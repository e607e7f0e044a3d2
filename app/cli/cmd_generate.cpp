// `generate`: text to image with a Stable Diffusion model (core/pipeline/txt2img), written with the
// A1111 "parameters" text so that other Stable Diffusion tools show how the picture was made.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/image_command.h"
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

int parse_side(const std::string& text, const std::string& what) {
    const int side = parse_int(text, what);
    if (side < 64 || side > 4096 || side % 8 != 0)
        throw UsageError(what + ": " + std::to_string(side) + " is not a multiple of 8 between 64 and 4096");
    return side;
}

}  // namespace

ArgParser generate_parser() {
    ArgParser p(
        "generate [--model PATH] --prompt TEXT --out FILE [options]",
        "Generates an image from TEXT with the built-in emoji model (no --model) or a Stable Diffusion\n"
        "1.x/2.x model: a diffusers folder or a single-file .safetensors checkpoint (pickles such as\n"
        ".ckpt are refused). Prints the seed used.\n"
        "A PNG output carries the settings as the 'parameters' text other Stable Diffusion tools read.");
    add_generation_options(p);
    p.option("width", "W", "image width, a multiple of 8 in 64..4096 (default: the model's, 512 for SD, 64 built-in)")
        .option("height", "H", "image height, a multiple of 8 in 64..4096 (default: the model's)");
    return p;
}

int run_generate(const std::vector<std::string>& args) {
    ArgParser p = generate_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const ImageCommand c = parse_generation_options(p, args);
    GenerationParams params = c.params;
    // 0 = the model's native size, known once it is loaded.
    params.width = p.has("width") ? parse_side(p.value("width"), "--width") : 0;
    params.height = p.has("height") ? parse_side(p.value("height"), "--height") : 0;
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

    const StableDiffusionModel model = load_command_model(c, false);
    if (params.width == 0) params.width = static_cast<int>(model.native_size);
    if (params.height == 0) params.height = static_cast<int>(model.native_size);
    validate(params);

    std::unique_ptr<TraceWriter> trace;
    if (!c.trace_dir.empty()) trace = std::make_unique<TraceWriter>(c.trace_dir);
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

    const GenerationMetadata metadata = generation_metadata(params, model.name, params.width, params.height);
    ImageWriteOptions write;
    write.text["parameters"] = format_parameters(metadata);
    write.text["Software"] = std::string("diffusion-studio-cli ") + DS_VERSION;
    const Image image = tensor_to_image(result.image);
    write_image(c.out, image, write);
    if (trace)
        write_stdout("wrote " + std::to_string(trace->steps()) + " steps of previews and trace.csv to " +
                     trace->dir() + "\n");
    write_stdout("wrote " + c.out + " (" + std::to_string(image.width) + "x" + std::to_string(image.height) +
                 ", " + fixed(elapsed, 1) + " s)\n");
    return 0;
}

}  // namespace ds::cli
