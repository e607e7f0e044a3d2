// `img2img`: an image redrawn from its noised version (SDEdit) with a prompt; any size up to 4096 px
// a side (padded to multiples of 8 internally), written with the A1111 "parameters" text.
#include <chrono>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/image_command.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/img2img.h"

namespace ds::cli {

ArgParser img2img_parser() {
    ArgParser p("img2img --image IN --strength S --prompt TEXT --out FILE [options]",
                "Redraws IN from a noised version of it (SDEdit): strength 0.3 keeps the picture and changes\n"
                "details, 1 keeps only its colours' influence. Uses the built-in model (no --model) or a Stable\n"
                "Diffusion 1.x/2.x model. The output has IN's size.");
    p.option("image", "IN", "the input image (any size up to 4096 px a side)")
        .option("strength", "S", "how much to change, in (0, 1]: the run starts at that fraction of the steps", "0.75");
    add_generation_options(p);
    return p;
}

int run_img2img(const std::vector<std::string>& args) {
    ArgParser p = img2img_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    ImageCommand c = parse_generation_options(p, args);
    const double strength = parse_number(p.value("strength"), "--strength");
    try {
        validate_strength(strength, c.params.steps);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--strength: ") + e.what());
    }
    const Image image = read_input_image(p.value("image"), "--image");
    if (image.width > 4096 || image.height > 4096)
        throw UsageError("--image: " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                         " is larger than 4096 px a side");
    const StableDiffusionModel model = load_command_model(c, false);
    auto progress = make_progress(c);
    const auto start = std::chrono::steady_clock::now();
    const Image result = img2img_image(model, image, strength, c.params, progress->callbacks);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_command_result(c, model, result, {{"Denoising strength", format_number(strength)}}, *progress, seconds);
    return 0;
}

}  // namespace ds::cli
